//! The foundation: health, migrations, reference data, the service directory, the API's contract, bad input,
//! language and the demo login.

use anyhow::ensure;
use los_tests::{Db, TestApp};
use serde_json::Value;

crate::tests!(
    health_reports_backend_and_security_headers,
    migrations_apply_once_and_reference_data_is_loaded,
    openapi_document_describes_the_api,
    service_directory_page_and_api_agree,
    api_requires_a_valid_bearer_token,
    unknown_ids_give_clear_not_found,
    invalid_identifiers_are_rejected_with_the_rule,
    demo_login_picker_only_in_demo_mode,
    bad_login_input_changes_nothing,
    language_switch_changes_page_language,
    cross_site_posts_are_refused,
    laws_page_shows_provisions_with_citations,
);

async fn health_reports_backend_and_security_headers(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let res = reqwest::get(app.url("/health")).await?;
    ensure!(res.status() == 200);
    let csp = res.headers().get("content-security-policy").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    ensure!(csp.contains("default-src 'self'"), "CSP missing: {csp}");
    ensure!(res.headers().get("x-content-type-options").is_some_and(|v| v == "nosniff"));
    ensure!(res.headers().get("x-request-id").is_some(), "request id missing");
    let body: Value = res.json().await?;
    ensure!(body["status"] == "ok" && body["database"] == db.name(), "health body {body}");
    app.stop().await;
    Ok(())
}

async fn migrations_apply_once_and_reference_data_is_loaded(db: Db) -> anyhow::Result<()> {
    let app = TestApp::start(db, false).await?;
    // Applying again applies nothing and loading reference data again changes nothing.
    ensure!(app.store.migrate().await? == 0, "migrations applied twice");
    app.store.sync_reference_data().await?;
    let (applied, pending) = app.store.migration_status().await?;
    ensure!(!applied.is_empty() && pending.is_empty(), "applied {applied:?} pending {pending:?}");
    ensure!(app.store.laws().await?.len() >= 14, "laws");
    let provisions = app.store.provisions().await?;
    let today = chrono::Utc::now().date_naive();
    let current: Vec<_> =
        provisions.iter().filter(|p| los_domain::model::in_force(p.valid_from, p.valid_to, today)).collect();
    ensure!(current.iter().filter(|p| p.cooperation_individual).count() == 12, "12 cooperation provisions");
    ensure!(current.iter().filter(|p| p.coordination_duty).count() == 9, "9 coordination provisions");
    let munis = app.store.municipalities(today, None).await?;
    ensure!(munis.len() == 357, "{} municipalities in force (no demo data loaded)", munis.len());
    ensure!(munis.iter().any(|m| m.kommunenummer.as_str() == "0301"), "Oslo missing");
    // Loading the demo twice loads it once.
    ensure!(los_store::demo::load(&app.store).await?, "first demo load");
    ensure!(!los_store::demo::load(&app.store).await?, "second demo load should do nothing");
    app.stop().await;
    Ok(())
}

async fn openapi_document_describes_the_api(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json")).await?.json().await?;
    ensure!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")), "not OpenAPI 3");
    for path in ["/api/v1/services", "/api/v1/cases/{id}", "/api/v1/municipalities/{kommunenummer}", "/api/v1/me"] {
        ensure!(doc["paths"][path].is_object(), "OpenAPI lacks {path}");
    }
    ensure!(doc["components"]["securitySchemes"]["bearer"].is_object(), "bearer scheme missing");
    app.stop().await;
    Ok(())
}

async fn service_directory_page_and_api_agree(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let html = reqwest::get(app.url("/tjenester")).await?.text().await?;
    ensure!(html.contains("Barnevernstjenesten i Mellomvik"), "directory page lacks child welfare");
    ensure!(html.contains("lang=\"nb\""), "page not in bokmål by default");
    let token = app.token("barnevern").await?;
    let (status, services) = app.api_get(&token, "/api/v1/services").await?;
    ensure!(status == 200, "status {status}");
    let services = services.as_array().cloned().unwrap_or_default();
    ensure!(services.len() == 23, "{} services", services.len());
    for s in &services {
        ensure!(html.contains(&s["name"].as_str().unwrap().replace('&', "&amp;")), "page lacks {}", s["name"]);
    }
    let ot = services.iter().find(|s| s["id"] == "demofylke-ot").expect("OT");
    ensure!(ot["owner_type"] == "county" && ot["opening_hours"].is_string(), "OT {ot}");
    let filtered = reqwest::get(app.url("/tjenester?sektor=justice")).await?.text().await?;
    ensure!(
        filtered.contains("Konfliktrådet") && !filtered.contains("Barnevernstjenesten i Mellomvik"),
        "sector filter"
    );
    let detail = reqwest::get(app.url("/tjenester/mellomvik-barnevern")).await?.text().await?;
    ensure!(detail.contains("116 111") && detail.contains("Åpningstider"), "detail page lacks opening hours");
    app.stop().await;
    Ok(())
}

async fn api_requires_a_valid_bearer_token(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let res = reqwest::get(app.url("/api/v1/services")).await?;
    ensure!(res.status() == 401, "no token: {}", res.status());
    ensure!(res.headers()["content-type"] == "application/problem+json");
    let (status, body) = app.api_get("los_not_a_real_token", "/api/v1/me").await?;
    ensure!(status == 401 && body["code"] == "invalid_token", "bad token: {status} {body}");
    let token = app.token("ke").await?;
    let (status, me) = app.api_get(&token, "/api/v1/me").await?;
    ensure!(
        status == 200 && me["id"] == "ke" && me["memberships"][0]["role"] == "coordinating_unit_handler",
        "me {me}"
    );
    app.stop().await;
    Ok(())
}

async fn unknown_ids_give_clear_not_found(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let token = app.token("barnevern").await?;
    let (status, body) = app.api_get(&token, "/api/v1/services/finnes-ikke").await?;
    ensure!(
        status == 404 && body["code"] == "not_found" && body["detail"].as_str().unwrap().contains("finnes-ikke"),
        "{status} {body}"
    );
    let (status, body) = app.api_get(&token, "/api/v1/no-such-endpoint").await?;
    ensure!(status == 404 && body["status"] == 404, "{status} {body}");
    let res = reqwest::get(app.url("/tjenester/finnes-ikke")).await?;
    ensure!(res.status() == 404);
    let html = res.text().await?;
    ensure!(html.contains("Fant ikke siden"), "Norwegian 404 page expected");
    app.stop().await;
    Ok(())
}

async fn invalid_identifiers_are_rejected_with_the_rule(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let token = app.token("barnevern").await?;
    let (status, body) = app.api_get(&token, "/api/v1/organisations/974760674").await?;
    ensure!(status == 400 && body["code"] == "orgnr.check_digit", "{status} {body}");
    ensure!(body["detail"].as_str().unwrap().contains("check digit"), "detail should name the rule: {body}");
    let (status, body) = app.api_get(&token, "/api/v1/organisations/310000019").await?;
    ensure!(status == 200 && body["id"] == "mellomvik", "{status} {body}");
    let (status, body) = app.api_get(&token, "/api/v1/municipalities/12a4").await?;
    ensure!(status == 400 && body["code"] == "kommunenr.not_digits", "{status} {body}");
    let (status, body) = app.api_get(&token, "/api/v1/municipalities/0301").await?;
    ensure!(status == 200 && body["name"].as_str().unwrap().starts_with("Oslo"), "{status} {body}");
    let (status, _) = app.api_get(&token, "/api/v1/municipalities/0302").await?;
    ensure!(status == 404, "unknown municipality: {status}");
    let res = reqwest::get(app.url("/kommuner?q=0012")).await?;
    ensure!(res.status() == 400, "page: {}", res.status());
    let html = res.text().await?;
    ensure!(
        html.contains("fylkesnummeret") && html.contains("aria-invalid=\"true\""),
        "Norwegian field error expected"
    );
    app.stop().await;
    Ok(())
}

async fn demo_login_picker_only_in_demo_mode(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let html = reqwest::get(app.url("/logg-inn")).await?.text().await?;
    for id in ["admin", "leder", "ke", "barnevern", "skole", "sofia"] {
        ensure!(html.contains(&format!("value=\"{id}\"")), "picker lacks {id}");
    }
    let c = app.logged_in("barnevern").await?;
    let page = c.get(app.url("/saker")).send().await?.text().await?;
    ensure!(page.contains("Berit Vern") && page.contains("Flytting fra krisesenter"), "logged-in case list");
    // Logout revokes the session.
    c.post(app.url("/logg-ut")).send().await?;
    let res = c.get(app.url("/saker")).send().await?;
    ensure!(res.status().is_redirection(), "after logout /saker should redirect to login");
    app.stop().await;

    let app = TestApp::start(db, false).await?;
    let html = reqwest::get(app.url("/logg-inn")).await?.text().await?;
    ensure!(!html.contains("type=\"radio\""), "picker must not exist outside demo mode");
    let res = app.browser().post(app.url("/logg-inn")).form(&[("user", "admin")]).send().await?;
    ensure!(res.status() == 404, "demo login outside demo mode: {}", res.status());
    app.stop().await;
    Ok(())
}

async fn bad_login_input_changes_nothing(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let before = app.store.verify_audit_chain().await?.checked;
    let c = app.browser();
    let res = c.post(app.url("/logg-inn")).form(&[("user", "ingen")]).send().await?;
    ensure!(res.status() == 400, "{}", res.status());
    ensure!(res.headers().get("set-cookie").is_none(), "no session for a bad login");
    ensure!(res.text().await?.contains("Demobrukeren finnes ikke"), "Norwegian message");
    let res = c.post(app.url("/logg-inn")).form(&[("wrong", "x")]).send().await?;
    ensure!(res.status().is_client_error(), "malformed form: {}", res.status());
    ensure!(app.store.verify_audit_chain().await?.checked == before, "bad input wrote to the database");
    app.stop().await;
    Ok(())
}

async fn language_switch_changes_page_language(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let c = app.browser();
    let res = c.post(app.url("/sprak")).form(&[("lang", "en"), ("back", "/tjenester")]).send().await?;
    ensure!(res.status().is_redirection() && res.headers()["location"] == "/tjenester");
    let html = c.get(app.url("/tjenester")).send().await?.text().await?;
    ensure!(html.contains("lang=\"en\"") && html.contains("Service directory"), "English page");
    c.post(app.url("/sprak")).form(&[("lang", "nn"), ("back", "/")]).send().await?;
    let html = c.get(app.url("/tjenester")).send().await?.text().await?;
    ensure!(html.contains("lang=\"nn\"") && html.contains("Tenestekatalog"), "nynorsk page");
    // Never redirect off-site.
    let res = c.post(app.url("/sprak")).form(&[("lang", "nb"), ("back", "//evil.example/")]).send().await?;
    ensure!(res.headers()["location"] == "/", "open redirect");
    let html = reqwest::Client::new()
        .get(app.url("/"))
        .header("accept-language", "en-GB,en;q=0.8")
        .send()
        .await?
        .text()
        .await?;
    ensure!(html.contains("lang=\"en\""), "Accept-Language");
    app.stop().await;
    Ok(())
}

async fn cross_site_posts_are_refused(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let res = app
        .browser()
        .post(app.url("/logg-inn"))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[("user", "admin")])
        .send()
        .await?;
    ensure!(res.status() == 403, "cross-site POST: {}", res.status());
    ensure!(res.headers().get("set-cookie").is_none());
    app.stop().await;
    Ok(())
}

async fn laws_page_shows_provisions_with_citations(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let html = reqwest::get(app.url("/lovverk")).await?.text().await?;
    for needle in
        ["§ 15-8", "§ 24-1", "§ 2-5 c", "§ 7-2 a", "Samordningsplikt", "[000]", "Gjaldt fra 2022-08-01 til 2022-12-31"]
    {
        ensure!(html.contains(needle), "laws page lacks {needle}");
    }
    app.stop().await;
    Ok(())
}
