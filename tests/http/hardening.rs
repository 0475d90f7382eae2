//! Robustness and hardening against a hostile client (issue 10): no input causes a 5xx or changes anything
//! when refused, redirects stay on the site, personal data is never cached, and failed authentications are
//! limited per address.

use anyhow::ensure;
use los_tests::{Db, TestApp, WebOptions};
use serde_json::{Value, json};

crate::tests!(
    hardening_nul_characters_are_refused_before_the_database,
    hardening_an_unknown_giver_is_the_clients_error,
    hardening_redirects_stay_on_the_site_and_bad_ids_change_nothing,
    hardening_personal_data_is_never_cached_and_https_is_strict,
    hardening_failed_token_checks_are_limited_per_address,
    hardening_an_idle_session_ends_but_an_api_token_does_not,
    hardening_a_retried_write_with_an_idempotency_key_writes_once,
);

const CONSENT: &str = "samtykke-sofia-barnevern-samordner";

async fn consent_status(app: &TestApp, token: &str) -> anyhow::Result<String> {
    let (status, case) = app.api_get(token, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 200, "{status} {case}");
    let c = case["consents"].as_array().into_iter().flatten().find(|c| c["id"] == CONSENT).cloned();
    Ok(c.map(|c| c["status"].as_str().unwrap_or_default().to_owned()).unwrap_or_default())
}

/// PostgreSQL cannot store a NUL in text: a NUL in a JSON string, a form field, a path or a query is
/// refused with 400 `input.nul` on both databases, and nothing is written.
async fn hardening_nul_characters_are_refused_before_the_database(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let sofia = app.token("sofia").await?;
    ensure!(consent_status(&app, &sofia).await? == "active", "the demo consent is active");
    let path = format!("/api/v1/consents/{CONSENT}/withdraw");
    let (status, err) = app.api_post(&sofia, &path, json!({"reason": "nei\u{0}takk"})).await?;
    ensure!(status == 400 && err["code"] == "input.nul", "JSON: {status} {err}");
    let (status, err) = app.api_post(&sofia, &path, json!({"reason": "ok", "extra\u{0}": 1})).await?;
    ensure!(status == 400 && err["code"] == "input.nul", "JSON key: {status} {err}");
    let res = reqwest::Client::new()
        .post(app.url(&path))
        .bearer_auth(&sofia)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("reason=nei%00takk")
        .send()
        .await?;
    ensure!(res.status() == 400, "form: {}", res.status());
    let err: Value = res.json().await?;
    ensure!(err["code"] == "input.nul", "{err}");
    let page = app.logged_in("sofia").await?;
    let res = page
        .post(app.url(&format!("/samtykker/{CONSENT}/trekk")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("case_id=sak-sofia-daniel&reason=nei%00takk")
        .send()
        .await?;
    ensure!(res.status() == 400, "page form: {}", res.status());
    ensure!(consent_status(&app, &sofia).await? == "active", "nothing was withdrawn");
    for p in ["/api/v1/cases/sak%00x", "/api/v1/cases?q=a%00b", "/saker/sak%00x"] {
        let res = reqwest::Client::new().get(app.url(p)).bearer_auth(&sofia).send().await?;
        ensure!(res.status() == 400, "{p}: {}", res.status());
    }
    app.stop().await;
    Ok(())
}

/// A consent naming a giver Los does not know is refused with 422, not a server error.
async fn hardening_an_unknown_giver_is_the_clients_error(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let barnevern = app.token("barnevern").await?;
    let today = chrono::Utc::now().date_naive();
    let body = json!({
        "domain": "general",
        "givers": [{"person_id": "person-finnes-ikke", "capacity": "parent"}],
        "from_services": ["mellomvik-barnevern"], "to_services": ["nav-mellomvik"],
        "categories": ["child_welfare"], "purpose": "Barnevernet og NAV snakker sammen", "consequences": "De deler",
        "form": "written", "valid_from": today.to_string(), "valid_to": (today + chrono::Duration::days(90)).to_string(),
    });
    let (_, before) = app.api_get(&barnevern, "/api/v1/cases/sak-sofia-daniel").await?;
    let (status, err) = app.api_post(&barnevern, "/api/v1/cases/sak-sofia-daniel/consents", body).await?;
    ensure!(status == 422 && err["code"] == "consent.unknown_giver", "{status} {err}");
    let (_, after) = app.api_get(&barnevern, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(before["consents"] == after["consents"], "nothing was recorded");
    app.stop().await;
    Ok(())
}

/// `/sprak` sends back only to a path on this site; a withdrawal with a bad case id is refused before it
/// is written.
async fn hardening_redirects_stay_on_the_site_and_bad_ids_change_nothing(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let page = app.logged_in("sofia").await?;
    for (back, expected) in [
        ("/saker/sak-sofia-daniel", "/saker/sak-sofia-daniel"),
        ("/\\evil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/saker\r\nSet-Cookie: x=1", "/"),
    ] {
        let res = page.post(app.url("/sprak")).form(&[("lang", "en"), ("back", back)]).send().await?;
        ensure!(res.status().is_redirection(), "{back:?}: {}", res.status());
        let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        ensure!(location == expected, "{back:?} went to {location:?}");
    }
    let sofia = app.token("sofia").await?;
    let res = page
        .post(app.url(&format!("/samtykker/{CONSENT}/trekk")))
        .form(&[("case_id", "sak-sofia-daniel\r\nLocation: //evil.example"), ("reason", "Vi vil ikke lenger")])
        .send()
        .await?;
    ensure!(res.status() == 400, "{}", res.status());
    ensure!(consent_status(&app, &sofia).await? == "active", "the refused request withdrew the consent");
    app.stop().await;
    Ok(())
}

/// Every answer but the static assets is `Cache-Control: no-store`; behind HTTPS (`--secure-cookies`) the
/// server also sends HSTS, and not otherwise.
async fn hardening_personal_data_is_never_cached_and_https_is_strict(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let sofia = app.token("sofia").await?;
    let page = app.logged_in("sofia").await?;
    let res = reqwest::Client::new().get(app.url("/api/v1/cases/sak-sofia-daniel")).bearer_auth(&sofia).send().await?;
    ensure!(res.headers().get("cache-control").is_some_and(|v| v == "no-store"), "API: {:?}", res.headers());
    ensure!(res.headers().get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
    for p in ["/saker/sak-sofia-daniel", "/saker", "/finnes-ikke"] {
        let res = page.get(app.url(p)).send().await?;
        ensure!(res.headers().get("cache-control").is_some_and(|v| v == "no-store"), "{p}: {:?}", res.headers());
    }
    let res = page.get(app.url("/assets/app.css")).send().await?;
    ensure!(res.status() == 200, "{}", res.status());
    ensure!(res.headers().get("cache-control").is_some_and(|v| v != "no-store"), "assets may be cached");
    app.stop().await;

    let web = WebOptions { secure_cookies: true, ..WebOptions::default() };
    let app = TestApp::start_full(db, true, los_store::Settings::default(), web).await?;
    let res = reqwest::Client::new().get(app.url("/")).send().await?;
    let hsts = res.headers().get("strict-transport-security").and_then(|v| v.to_str().ok()).unwrap_or_default();
    ensure!(hsts.starts_with("max-age=31536000"), "HSTS with secure cookies: {hsts:?}");
    app.stop().await;
    Ok(())
}

/// After 20 bad tokens in a minute an address is answered 429 with `Retry-After`, even with a good token;
/// the limit counts failures only, so a client with a good token is never slowed.
async fn hardening_failed_token_checks_are_limited_per_address(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let good = app.token("barnevern").await?;
    for _ in 0..50 {
        let (status, _) = app.api_get(&good, "/api/v1/me").await?;
        ensure!(status == 200, "good requests are never limited: {status}");
    }
    for i in 0..20 {
        let (status, err) = app.api_get("feil-token", "/api/v1/me").await?;
        ensure!(status == 401, "bad token {i}: {status} {err}");
    }
    let res = reqwest::Client::new().get(app.url("/api/v1/me")).bearer_auth("feil-token").send().await?;
    ensure!(res.status() == 429, "the 21st bad token: {}", res.status());
    let retry: u64 = res.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok()).unwrap_or(0);
    ensure!((1..=60).contains(&retry), "Retry-After: {retry}");
    let err: Value = res.json().await?;
    ensure!(err["code"] == "too_many_failures", "{err}");
    let (status, _) = app.api_get(&good, "/api/v1/me").await?;
    ensure!(status == 429, "the address waits, whatever it sends: {status}");
    app.stop().await;
    Ok(())
}

/// A browser session unused for `session_idle_minutes` ends (here set to 0: it ends at once); API tokens
/// have no idle timeout, only their lifetime.
async fn hardening_an_idle_session_ends_but_an_api_token_does_not(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let page = app.logged_in("barnevern").await?;
    let res = page.get(app.url("/saker")).send().await?;
    ensure!(res.status() == 200, "a fresh session works: {}", res.status());
    app.stop().await;

    let settings = los_store::Settings { session_idle_minutes: 0, ..los_store::Settings::default() };
    let app = TestApp::start_with(db, true, settings).await?;
    let page = app.logged_in("barnevern").await?;
    let res = page.get(app.url("/saker")).send().await?;
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    ensure!(
        res.status().is_redirection() && location == "/logg-inn",
        "an idle session ends: {} {location}",
        res.status()
    );
    let token = app.token("barnevern").await?;
    let (status, _) = app.api_get(&token, "/api/v1/cases").await?;
    ensure!(status == 200, "API tokens have no idle timeout: {status}");
    app.stop().await;
    Ok(())
}

/// A client that retries a write with the same `Idempotency-Key` gets the first answer again and writes
/// once; the same key with another body is refused; another caller's key is their own; a refused request
/// keeps nothing, so its retry runs.
async fn hardening_a_retried_write_with_an_idempotency_key_writes_once(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let notes = |case: &Value| case["notes"].as_array().map_or(0, Vec::len);
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-adam").await?;
    let before = notes(&case);
    let body = json!({"service_id": "mellomvik-barnevern", "category": "child_welfare", "body": "Samtale med Adam"});
    let client = reqwest::Client::new();
    let post = |token: &str, key: &str, body: &Value| {
        client
            .post(app.url("/api/v1/cases/sak-adam/notes"))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
    };
    let first = post(&bv, "notat-1", &body).await?;
    ensure!(first.status() == 201, "{}", first.status());
    ensure!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await?;
    let again = post(&bv, "notat-1", &body).await?;
    ensure!(again.status() == 201, "the retry gets the first answer: {}", again.status());
    ensure!(again.headers().get("idempotent-replayed").is_some_and(|v| v == "true"), "{:?}", again.headers());
    ensure!(again.headers().get("content-type").is_some_and(|v| v == "application/json"), "{:?}", again.headers());
    let again: Value = again.json().await?;
    ensure!(again == first, "{again} != {first}");
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-adam").await?;
    ensure!(notes(&case) == before + 1, "written once: {} -> {}", before, notes(&case));

    let other = json!({"service_id": "mellomvik-barnevern", "category": "child_welfare", "body": "Noe annet"});
    let res = post(&bv, "notat-1", &other).await?;
    ensure!(res.status() == 422, "the key was used for another request: {}", res.status());
    let err: Value = res.json().await?;
    ensure!(err["code"] == "idempotency.key_reused", "{err}");
    // Another credential's key is its own, even if the text is the same.
    let bv2 = app.token("barnevern").await?;
    let res = post(&bv2, "notat-1", &body).await?;
    ensure!(res.status() == 201 && res.headers().get("idempotent-replayed").is_none(), "{}", res.status());
    // A refused request keeps nothing: fixed, the retry with the same key runs.
    let bad = json!({"service_id": "mellomvik-barnevern", "category": "ukjent", "body": "x"});
    let res = post(&bv, "notat-2", &bad).await?;
    ensure!(res.status() == 422, "{}", res.status());
    let res = post(&bv, "notat-2", &bad).await?;
    ensure!(res.status() == 422 && res.headers().get("idempotent-replayed").is_none(), "refusals are not kept");
    for key in ["", "æøå"] {
        let res = client
            .post(app.url("/api/v1/cases/sak-adam/notes"))
            .bearer_auth(&bv)
            .header("Idempotency-Key", reqwest::header::HeaderValue::from_bytes(key.as_bytes())?)
            .json(&body)
            .send()
            .await?;
        ensure!(res.status() == 400, "key {key:?}: {}", res.status());
    }
    // Retries racing each other: one runs, the others wait (409) or get its answer.
    let racing = tokio::join!(
        post(&bv, "notat-3", &body),
        post(&bv, "notat-3", &body),
        post(&bv, "notat-3", &body),
        post(&bv, "notat-3", &body),
        post(&bv, "notat-3", &body),
        post(&bv, "notat-3", &body),
    );
    let mut created = 0;
    for res in [racing.0, racing.1, racing.2, racing.3, racing.4, racing.5] {
        let res = res?;
        let replayed = res.headers().get("idempotent-replayed").is_some();
        match res.status().as_u16() {
            201 if !replayed => created += 1,
            201 | 409 => {}
            other => anyhow::bail!("racing retry answered {other}"),
        }
    }
    ensure!(created == 1, "exactly one racing retry ran: {created}");
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-adam").await?;
    ensure!(notes(&case) == before + 3, "one note per new key: {}", notes(&case));
    // A kept answer is never given to a credential that no longer holds.
    app.store.revoke_token(&bv2).await?;
    let res = post(&bv2, "notat-1", &body).await?;
    ensure!(res.status() == 401, "a revoked token gets no replay: {}", res.status());
    app.stop().await;
    Ok(())
}
