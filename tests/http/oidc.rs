//! Log-in over OpenID Connect (issue 11) against a real OpenID provider on loopback (`tests/oidc`,
//! npm `oidc-provider`): the authorization code flow with PKCE is driven over HTTP like a browser without
//! JavaScript, following each redirect by hand. The provider logs in the account named by `login_hint`.

use anyhow::{Context, bail, ensure};
use los_store::{Settings, TokenKind};
use los_tests::oidc::{self, OidcProvider, ProviderSetup};
use los_tests::{Db, TestApp, WebOptions};
use los_web::login::{ProviderConfig, ProviderKind};
use serde_json::json;

crate::tests!(
    oidc_a_citizen_logs_in_and_the_old_session_ends,
    oidc_a_staff_member_logs_in_by_employee_id,
    oidc_a_lower_level_of_assurance_is_refused,
    oidc_a_wrong_state_is_refused,
    oidc_a_wrong_nonce_is_refused,
    oidc_an_expired_id_token_is_refused,
    oidc_an_unknown_staff_subject_sees_only_a_friendly_page,
    oidc_logout_ends_the_session_here_and_at_the_provider,
    oidc_a_staff_member_is_matched_by_email_when_nothing_else_matches,
    oidc_a_provider_that_does_not_answer_gives_a_503_page,
);

const SECRET: &str = "test-client-secret-0123456789abcdef";

/// Los in demo mode with a citizen provider (`borger`) and a staff provider (`ansatt`), both backed by one
/// running OpenID provider, whose accounts are the given ones.
struct Setup {
    app: TestApp,
    provider: OidcProvider,
}

/// `accounts` is given the national identity number of the demo citizen Adam.
async fn setup(
    db: Db,
    accounts: impl FnOnce(&str) -> serde_json::Value,
    clock_skew: u64,
) -> anyhow::Result<Option<Setup>> {
    if !oidc::available()? {
        return Ok(None);
    }
    let port = oidc::free_port()?;
    let issuer = OidcProvider::issuer_for(port);
    let config = |id: &str, kind| ProviderConfig {
        id: id.into(),
        name: format!("Test {id}"),
        kind,
        issuer: issuer.clone(),
        client_id: "los".into(),
        client_secret: SECRET.into(),
        scopes: vec!["openid".into()],
        acr_required: "idporten-loa-high".into(),
        subject_claim: "employee_id".into(),
        email_claim: Some("email".into()),
        hpr_claim: Some("hpr_number".into()),
    };
    let providers = |_: &str| vec![config("borger", ProviderKind::Citizen), config("ansatt", ProviderKind::Staff)];
    let app = TestApp::start_login(db, true, Settings::default(), WebOptions::default(), providers).await?;
    let accounts = accounts(&fnr_of(&app, "adam").await?);
    let provider = OidcProvider::start(ProviderSetup {
        port,
        client_id: "los".into(),
        client_secret: SECRET.into(),
        redirect_uris: vec![app.url("/logg-inn/borger/callback"), app.url("/logg-inn/ansatt/callback")],
        post_logout: app.url("/"),
        accounts,
        clock_skew,
    })
    .await?;
    Ok(Some(Setup { app, provider }))
}

/// The national identity number of a demo citizen, as the municipality recorded it.
async fn fnr_of(app: &TestApp, user: &str) -> anyhow::Result<String> {
    let sql = format!("SELECT p.fnr FROM person p JOIN app_user u ON u.person_id = p.id WHERE u.id = '{user}'");
    app.sql_text(&sql).await?.context("the demo citizen has a person")
}

fn location(res: &reqwest::Response) -> anyhow::Result<reqwest::Url> {
    let loc = res.headers().get("location").context("a Location header")?.to_str()?;
    Ok(res.url().join(loc)?)
}

/// Starts the log-in at Los and goes through the provider as `hint`; returns the callback URL the provider
/// sends the browser back to (not yet visited).
async fn through_provider(app: &TestApp, c: &reqwest::Client, provider: &str, hint: &str) -> anyhow::Result<String> {
    let res = c.get(app.url(&format!("/logg-inn/{provider}"))).send().await?;
    ensure!(res.status() == 303, "start: {}", res.status());
    let mut url = location(&res)?;
    ensure!(url.query().unwrap_or_default().contains("code_challenge_method=S256"), "PKCE S256: {url}");
    url.query_pairs_mut().append_pair("login_hint", hint);
    for _ in 0..12 {
        let res = c.get(url.clone()).send().await?;
        if !res.status().is_redirection() {
            bail!("the provider answered {} at {url}: {}", res.status(), res.text().await?);
        }
        url = location(&res)?;
        if url.as_str().starts_with(&app.base) {
            return Ok(url.to_string());
        }
    }
    bail!("too many redirects at the provider")
}

fn session_of(res: &reqwest::Response) -> Option<String> {
    res.cookies().find(|c| c.name() == "los_session" && !c.value().is_empty()).map(|c| c.value().to_owned())
}

/// Visits the callback and expects a refusal with this status and code, and no session.
async fn expect_refusal(c: &reqwest::Client, callback: &str, status: u16, code: &str) -> anyhow::Result<String> {
    let res = c.get(callback).send().await?;
    let got = res.status().as_u16();
    ensure!(session_of(&res).is_none(), "a refused log-in sets no session");
    let body = res.text().await?;
    ensure!(got == status && body.contains(code), "expected {status} {code}, got {got}: {body}");
    Ok(body)
}

async fn oidc_a_citizen_logs_in_and_the_old_session_ends(db: Db) -> anyhow::Result<()> {
    let accounts = |fnr: &str| json!({"adam": {"acr": "idporten-loa-high", "claims": {"pid": fnr}}});
    let Some(Setup { app, provider: _p }) = setup(db, accounts, 0).await? else { return Ok(()) };
    // The log-in page offers the providers beside the demo picker.
    let c = app.browser();
    let page = c.get(app.url("/logg-inn")).send().await?.text().await?;
    ensure!(page.contains("href=\"/logg-inn/borger\"") && page.contains("login-submit"), "{page}");
    // A session from before (here a demo log-in) is replaced, not reused: rotation.
    let res = c.post(app.url("/logg-inn")).form(&[("user", "jonas")]).send().await?;
    let old = session_of(&res).context("demo session")?;
    let callback = through_provider(&app, &c, "borger", "adam").await?;
    let res = c.get(&callback).send().await?;
    ensure!(res.status() == 303 && location(&res)?.path() == "/saker", "callback: {}", res.status());
    let new = session_of(&res).context("a new session cookie")?;
    ensure!(new != old, "the session id changes at log-in");
    ensure!(app.store.user_for_token(&old, TokenKind::Session).await?.is_none(), "the old session ended");
    let user = app.store.user_for_token(&new, TokenKind::Session).await?.context("the new session is live")?;
    ensure!(user.id == "adam", "logged in as {}", user.id);
    let res = c.get(app.url("/saker")).send().await?;
    ensure!(res.status() == 200, "/saker: {}", res.status());
    // The callback works once.
    expect_refusal(&c, &callback, 400, "login.no_attempt").await?;
    app.stop().await;
    Ok(())
}

async fn oidc_a_staff_member_logs_in_by_employee_id(db: Db) -> anyhow::Result<()> {
    let accounts = |_: &str| {
        json!({
            "kari": {"claims": {"employee_id": "E-1001", "email": "kari@example.invalid"}},
            "per": {"claims": {"hpr_number": "9144900"}},
        })
    };
    let Some(Setup { app, provider: _p }) = setup(db, accounts, 0).await? else { return Ok(()) };
    app.store.set_external_subject("barnevern", Some("E-1001")).await?;
    app.store.set_external_subject("helsesykepleier", Some("hpr:9144900")).await?;
    for (hint, user) in [("kari", "barnevern"), ("per", "helsesykepleier")] {
        let c = app.browser();
        let callback = through_provider(&app, &c, "ansatt", hint).await?;
        let res = c.get(&callback).send().await?;
        ensure!(res.status() == 303, "{hint}: {}", res.status());
        let secret = session_of(&res).context("session")?;
        let u = app.store.user_for_token(&secret, TokenKind::Session).await?.context("live")?;
        ensure!(u.id == user, "{hint} logged in as {}", u.id);
    }
    app.stop().await;
    Ok(())
}

async fn oidc_a_lower_level_of_assurance_is_refused(db: Db) -> anyhow::Result<()> {
    let accounts = |fnr: &str| json!({"adam": {"acr": "idporten-loa-substantial", "claims": {"pid": fnr}}});
    let Some(Setup { app, provider: _p }) = setup(db, accounts, 0).await? else { return Ok(()) };
    let c = app.browser();
    let callback = through_provider(&app, &c, "borger", "adam").await?;
    let body = expect_refusal(&c, &callback, 403, "login.acr").await?;
    ensure!(body.contains("sikkerhetsnivå"), "a page in bokmål: {body}");
    app.stop().await;
    Ok(())
}

async fn oidc_a_wrong_state_is_refused(db: Db) -> anyhow::Result<()> {
    let accounts = |_: &str| json!({"kari": {"claims": {"employee_id": "E-1001"}}});
    let Some(Setup { app, provider: _p }) = setup(db, accounts, 0).await? else { return Ok(()) };
    app.store.set_external_subject("barnevern", Some("E-1001")).await?;
    let c = app.browser();
    let callback = through_provider(&app, &c, "ansatt", "kari").await?;
    let mut url = reqwest::Url::parse(&callback)?;
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" { "forged".to_owned() } else { v.into_owned() };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    expect_refusal(&c, url.as_str(), 400, "login.state").await?;
    // The refusal is in the audit log: which provider and why, and nobody named.
    let row = app
        .sql_text("SELECT resource_id || ' ' || basis || ' ' || outcome || ' ' || COALESCE(actor_user_id, '-') FROM audit_log WHERE action = 'login_refused'")
        .await?;
    ensure!(row.as_deref() == Some("ansatt login.state deny -"), "audited refusal: {row:?}");
    app.stop().await;
    Ok(())
}

async fn oidc_a_wrong_nonce_is_refused(db: Db) -> anyhow::Result<()> {
    let accounts = |_: &str| json!({"kari": {"claims": {"employee_id": "E-1001"}}});
    let Some(Setup { app, provider: _p }) = setup(db, accounts, 0).await? else { return Ok(()) };
    app.store.set_external_subject("barnevern", Some("E-1001")).await?;
    let c = app.browser();
    let callback = through_provider(&app, &c, "ansatt", "kari").await?;
    // The ID token carries the nonce Los sent; Los now expects another one.
    app.store.execute_raw_for_tests("UPDATE login_attempt SET nonce = 'tampered-nonce'").await?;
    expect_refusal(&c, &callback, 400, "login.nonce").await?;
    app.stop().await;
    Ok(())
}

async fn oidc_an_expired_id_token_is_refused(db: Db) -> anyhow::Result<()> {
    let accounts = |_: &str| json!({"kari": {"claims": {"employee_id": "E-1001"}}});
    // The provider's clock runs ten minutes behind and its ID tokens live 60 seconds: each token it issues
    // expired nine minutes before Los checks it.
    let Some(Setup { app, provider: _p }) = setup(db, accounts, 600).await? else { return Ok(()) };
    app.store.set_external_subject("barnevern", Some("E-1001")).await?;
    let c = app.browser();
    let callback = through_provider(&app, &c, "ansatt", "kari").await?;
    expect_refusal(&c, &callback, 400, "login.expired").await?;
    app.stop().await;
    Ok(())
}

async fn oidc_an_unknown_staff_subject_sees_only_a_friendly_page(db: Db) -> anyhow::Result<()> {
    let accounts = |_: &str| json!({"ola": {"claims": {"employee_id": "E-9999"}}});
    let Some(Setup { app, provider: _p }) = setup(db, accounts, 0).await? else { return Ok(()) };
    let c = app.browser();
    let callback = through_provider(&app, &c, "ansatt", "ola").await?;
    let body = expect_refusal(&c, &callback, 403, "login.not_registered").await?;
    ensure!(body.contains("ikke registrert i Los"), "{body}");
    let res = c.get(app.url("/saker")).send().await?;
    ensure!(res.status() != 200, "no session: /saker gave {}", res.status());
    // In English when the browser asks for it.
    let callback = through_provider(&app, &c, "ansatt", "ola").await?;
    let res = c.get(&callback).header("accept-language", "en").send().await?;
    let body = res.text().await?;
    ensure!(body.contains("not registered in Los"), "{body}");
    app.stop().await;
    Ok(())
}

async fn oidc_logout_ends_the_session_here_and_at_the_provider(db: Db) -> anyhow::Result<()> {
    let accounts = |fnr: &str| json!({"adam": {"claims": {"pid": fnr}}});
    let Some(Setup { app, provider }) = setup(db, accounts, 0).await? else { return Ok(()) };
    // RP-initiated logout: the session ends and the browser is sent to the provider's end-session endpoint.
    let c = app.browser();
    let callback = through_provider(&app, &c, "borger", "adam").await?;
    let secret = session_of(&c.get(&callback).send().await?).context("session")?;
    let res = c.post(app.url("/logg-ut")).send().await?;
    ensure!(res.status() == 303, "logout: {}", res.status());
    let to = location(&res)?;
    ensure!(to.as_str().starts_with(&format!("{}/session/end", provider.issuer)), "to the provider: {to}");
    ensure!(to.query().unwrap_or_default().contains("client_id=los"), "{to}");
    ensure!(app.store.user_for_token(&secret, TokenKind::Session).await?.is_none(), "the session ended");
    // Front-channel logout: the provider names its session (`sid`); the Los session logged in with it ends.
    let c = app.browser();
    let callback = through_provider(&app, &c, "borger", "adam").await?;
    let secret = session_of(&c.get(&callback).send().await?).context("session")?;
    let sid = app
        .sql_text("SELECT login_sid FROM access_token WHERE revoked_at IS NULL AND login_sid IS NOT NULL")
        .await?
        .context("the session keeps the provider's sid")?;
    let frontchannel = format!("/logg-ut/borger/frontkanal?iss={}&sid=wrong", provider.issuer);
    ensure!(reqwest::get(app.url(&frontchannel)).await?.status() == 200, "an unknown sid ends nothing");
    ensure!(app.store.user_for_token(&secret, TokenKind::Session).await?.is_some(), "still live");
    let forged = format!("/logg-ut/borger/frontkanal?iss=http://evil.invalid&sid={sid}");
    ensure!(reqwest::get(app.url(&forged)).await?.status() == 400, "another issuer is refused");
    let frontchannel = format!("/logg-ut/borger/frontkanal?iss={}&sid={sid}", provider.issuer);
    ensure!(reqwest::get(app.url(&frontchannel)).await?.status() == 200, "front-channel logout");
    ensure!(app.store.user_for_token(&secret, TokenKind::Session).await?.is_none(), "ended by the provider");
    app.stop().await;
    Ok(())
}

async fn oidc_a_staff_member_is_matched_by_email_when_nothing_else_matches(db: Db) -> anyhow::Result<()> {
    // Neither the employee id nor an HPR number is known; the provider's e-mail claim is, in another case.
    let accounts = |_: &str| {
        json!({
            "eva": {"claims": {"employee_id": "E-7777", "email": "Eva.Lærer@Example.invalid"}},
            "ukjent": {"claims": {"email": "nobody@example.invalid"}},
        })
    };
    let Some(Setup { app, provider: _p }) = setup(db, accounts, 0).await? else { return Ok(()) };
    app.store.set_user_email("barnevern", Some("eva.lærer@example.invalid")).await?;
    let c = app.browser();
    let callback = through_provider(&app, &c, "ansatt", "eva").await?;
    let res = c.get(&callback).send().await?;
    ensure!(res.status() == 303, "eva: {}", res.status());
    let secret = session_of(&res).context("session")?;
    let u = app.store.user_for_token(&secret, TokenKind::Session).await?.context("live")?;
    ensure!(u.id == "barnevern", "eva logged in as {}", u.id);
    // An e-mail nobody has recorded matches nobody.
    let c = app.browser();
    let callback = through_provider(&app, &c, "ansatt", "ukjent").await?;
    expect_refusal(&c, &callback, 403, "login.not_registered").await?;
    app.stop().await;
    Ok(())
}

async fn oidc_a_provider_that_does_not_answer_gives_a_503_page(db: Db) -> anyhow::Result<()> {
    let accounts = |_: &str| json!({});
    let Some(Setup { app, provider }) = setup(db, accounts, 0).await? else { return Ok(()) };
    // The provider goes away before anyone has logged in (Los has not fetched its metadata yet).
    drop(provider);
    let c = app.browser();
    let res = c.get(app.url("/logg-inn/ansatt")).send().await?;
    ensure!(res.status() == 503, "start: {}", res.status());
    ensure!(session_of(&res).is_none(), "no session");
    let body = res.text().await?;
    ensure!(body.contains("login.provider_unavailable") && body.contains("svarer ikke"), "{body}");
    app.stop().await;
    Ok(())
}
