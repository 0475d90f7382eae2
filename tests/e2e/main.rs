//! Browser tests in headless Chromium (Debian's `chromium` and `chromium-driver`) with axe-core.
//! Skipped when no browser is installed, except in CI (`CI` set) or with `LOS_TEST_REQUIRE_BROWSER=1`,
//! where a missing browser fails the run.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, ensure};
use fantoccini::{Client, ClientBuilder, Locator};
use libtest_mimic::{Arguments, Failed, Trial};
use los_tests::{Db, TestApp};
use serde_json::{Value, json};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const AXE: &str = include_str!("axe.min.js");

fn browser_required() -> bool {
    std::env::var("LOS_TEST_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
        || std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0")
}

struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start_driver() -> anyhow::Result<(Driver, Client)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let child =
        Command::new(CHROMEDRIVER).arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null()).spawn()?;
    let driver = Driver(child, port);
    let profile = std::env::temp_dir().join(format!("los-chromium-{}", uuid::Uuid::new_v4().simple()));
    let caps = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                     format!("--user-data-dir={}", profile.display())]
        }
    });
    let caps: serde_json::Map<String, Value> = caps.as_object().cloned().unwrap_or_default();
    let mut last = None;
    for _ in 0..50 {
        match ClientBuilder::rustls()?
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{}", driver.1))
            .await
        {
            Ok(c) => return Ok((driver, c)),
            Err(e) => {
                last = Some(e);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    anyhow::bail!("chromedriver did not start: {last:?}")
}

/// Scrolls an element into view and clicks it, as a user would.
async fn click(c: &Client, css: &str) -> anyhow::Result<()> {
    let el = c.find(Locator::Css(css)).await?;
    c.execute("arguments[0].scrollIntoView({block: 'center'});", vec![serde_json::to_value(&el)?]).await?;
    if let Err(e) = el.click().await {
        // Keep a picture of what was in the way, for whoever reads the failure.
        if let Ok(png) = c.screenshot().await {
            let path = std::env::temp_dir().join("los-e2e-click-failure.png");
            let _ = std::fs::write(&path, png);
            eprintln!("screenshot of the failed click: {}", path.display());
        }
        return Err(e.into());
    }
    Ok(())
}

/// Waits until the element with `id` holds text that `done` accepts, and returns that text. A form post
/// navigates: until the new page has loaded, the element found may be the old page's, and reading it fails
/// as stale; such errors are retried. Gives the last text seen when time runs out.
async fn wait_for_text(c: &Client, id: &str, done: impl Fn(&str) -> bool) -> anyhow::Result<String> {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(el) = c.find(Locator::Id(id)).await
            && let Ok(text) = el.text().await
        {
            if done(&text) {
                return Ok(text);
            }
            last = text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("#{id} never held what was expected; last text: {last}")
}

/// Logs in through the demo picker and waits until the case list has loaded.
async fn login(c: &Client, app: &TestApp, user: &str) -> anyhow::Result<()> {
    c.goto(&app.url("/logg-inn")).await?;
    click(c, &format!("label[for='user-{user}']")).await?;
    click(c, "#login-submit").await?;
    for _ in 0..100 {
        if c.current_url().await?.path() == "/saker" {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("login as {user} did not reach /saker")
}

/// Runs axe-core on the current page; returns serious and critical violations.
/// Opens every folded `<details>` so axe checks the forms inside, and waits until Designsystemet's opening
/// animation has finished: axe measures colour contrast on what is painted, and a half-open form fails
/// (a clipped field over its neighbour), as does a click on a button that is still moving.
async fn open_all_details(c: &Client) -> anyhow::Result<()> {
    c.execute_async(
        "const done = arguments[arguments.length - 1];
         const all = [...document.querySelectorAll('details')];
         all.forEach(d => d.open = true);
         // The transition runs on ::details-content, which getAnimations() does not always list: wait
         // instead until no folded form changes height any more (checked every 100 ms, at least 0.5 s).
         const heights = () => all.map(d => d.getBoundingClientRect().height).join(',');
         let last = heights(), still = 0, waited = 0;
         const tick = () => {
           waited += 100;
           const now = heights();
           still = now === last ? still + 1 : 0;
           last = now;
           if ((still >= 2 && waited >= 500) || waited >= 5000) done(true); else setTimeout(tick, 100);
         };
         setTimeout(tick, 100);",
        vec![],
    )
    .await
    .context("opening the folded forms")?;
    Ok(())
}

async fn axe(c: &Client) -> anyhow::Result<Vec<String>> {
    c.execute(AXE, vec![]).await.context("injecting axe")?;
    let res = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
                .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map(n => String(n.target) + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' '))}))))
                .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: 0}]));",
            vec![],
        )
        .await?;
    Ok(res
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|v: &Value| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v| format!("{} ({}): {} [{} nodes] {}", v["id"], v["impact"], v["help"], v["nodes"], v["targets"]))
        .collect())
}

async fn login_and_open_service_directory() -> anyhow::Result<()> {
    let app = TestApp::demo(Db::Sqlite).await?;
    let (_driver, c) = start_driver().await?;
    let result = async {
        c.goto(&app.url("/logg-inn")).await?;
        click(&c, "label[for='user-barnevern']").await?;
        click(&c, "#login-submit").await?;
        for _ in 0..50 {
            if c.current_url().await?.path() == "/saker" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let body = c.find(Locator::Css("body")).await?.text().await?;
        ensure!(body.contains("Berit Vern"), "not logged in as barnevern: {body}");
        // Open the service directory from the main menu.
        c.find(Locator::Css("nav a[href='/tjenester']")).await?.click().await?;
        let table = c.wait().for_element(Locator::Id("services-table")).await?.text().await?;
        ensure!(
            table.contains("Barnevernstjenesten i Mellomvik") && table.contains("Oppfølgingstjenesten (OT)"),
            "directory: {table}"
        );
        ensure!(c.current_url().await?.path() == "/tjenester");
        // Filter by sector without JavaScript semantics: a plain GET form.
        c.find(Locator::Css("#sektor option[value='justice']")).await?.click().await?;
        c.find(Locator::Css(".filter-form button")).await?.click().await?;
        // The filtered page replaces the old one; only the justice sector's services are left.
        wait_for_text(&c, "services-table", |table| {
            table.contains("Konfliktrådet") && !table.contains("Barnevernstjenesten i Mellomvik")
        })
        .await?;
        Ok(())
    }
    .await;
    let _ = c.close().await;
    app.stop().await;
    result
}

async fn main_pages_have_no_serious_accessibility_violations() -> anyhow::Result<()> {
    let app = TestApp::demo(Db::Sqlite).await?;
    let (_driver, c) = start_driver().await?;
    let result = async {
        let mut failures = Vec::new();
        let public = [
            "/",
            "/logg-inn",
            "/tjenester",
            "/tjenester/mellomvik-barnevern",
            "/lovverk",
            "/kommuner",
            "/kommuner?q=0012",
            "/hvem-bestemmer",
            "/finnes-ikke",
        ];
        for path in public {
            c.goto(&app.url(path)).await?;
            for v in axe(&c).await? {
                failures.push(format!("{path}: {v}"));
            }
        }
        login(&c, &app, "barnevern").await?;
        for path in ["/saker", "/oppgaver", "/saker/ny", "/saker/sak-sofia-daniel", "/saker/sak-adam"] {
            c.goto(&app.url(path)).await?;
            // Open the collapsed forms so axe checks them too.
            open_all_details(&c).await?;
            for v in axe(&c).await? {
                failures.push(format!("{path}: {v}"));
            }
        }
        // A consent form with an error summary.
        c.goto(&app.url("/saker/sak-sofia-daniel")).await?;
        open_all_details(&c).await?;
        click(&c, "#consent-submit").await?;
        c.wait().for_element(Locator::Id("error-summary")).await?;
        for v in axe(&c).await? {
            failures.push(format!("consent form error: {v}"));
        }
        // The rights screening with an error on a field (no reasoning given).
        c.goto(&app.url("/saker/sak-adam")).await?;
        open_all_details(&c).await?;
        click(&c, "#rights-submit").await?;
        c.wait().for_element(Locator::Id("error-summary")).await?;
        let summary = c.find(Locator::Id("error-summary")).await?.text().await?;
        ensure!(!summary.trim().is_empty(), "the rights form explains the refusal");
        open_all_details(&c).await?;
        for v in axe(&c).await? {
            failures.push(format!("rights form error: {v}"));
        }
        // Pages for other users: the denial page with the break-the-glass form, the family's access log and
        // case page, the leader's report, the administrator's decision-maker form, OT's case page, the school's
        // follow-ups.
        for (user, path) in [
            ("skole", "/saker/sak-sofia-daniel"),
            ("sofia", "/meg/tilgangslogg"),
            ("sofia", "/saker/sak-sofia-daniel"),
            ("leder", "/rapporter/tilgang"),
            ("admin", "/hvem-bestemmer"),
            ("ot", "/saker/sak-overgang"),
            // The school's follow-ups from a meeting, with the form to mark them done.
            ("laerer", "/saker/sak-sofia-daniel"),
            ("laerer", "/oppgaver"),
            // The youth coordinator's worklist with the rights to screen, and Adam's sentence with the
            // transition plan after it.
            ("uk", "/oppgaver"),
            ("uk", "/saker/sak-adam"),
            // The child coordinator (issue 12): the unit's worklist and matters, the family's page, the
            // coordinator's view and the leader's caseload.
            ("ke", "/oppgaver"),
            ("ke", "/saker/sak-nilsen/barnekoordinator"),
            ("ke", "/saker/sak-emma/barnekoordinator"),
            ("ingrid", "/saker/sak-nilsen/barnekoordinator"),
            ("helsesykepleier", "/saker/sak-emma/barnekoordinator"),
            ("leder", "/barnekoordinatorer"),
            // The individual plan (issue 13): the holder's page with its forms, the young person's own, the
            // start form where no plan has begun, a participant who sees only the summary.
            ("nav", "/saker/sak-overgang/individuell-plan"),
            ("nav", "/individuelle-planer"),
            ("jonas", "/saker/sak-overgang/individuell-plan"),
            ("barnevern", "/saker/sak-adam/individuell-plan"),
            ("ot", "/saker/sak-overgang/individuell-plan"),
        ] {
            c.delete_all_cookies().await?;
            login(&c, &app, user).await?;
            c.goto(&app.url(path)).await?;
            // The family's feedback form, OT's outcome form: open everything that is folded.
            open_all_details(&c).await?;
            for v in axe(&c).await? {
                failures.push(format!("{user} {path}: {v}"));
            }
        }
        ensure!(failures.is_empty(), "axe found serious or critical violations:\n{}", failures.join("\n"));
        Ok(())
    }
    .await;
    let _ = c.close().await;
    app.stop().await;
    result
}

/// The coordinator's journey: from the worklist to the case, set up a regular meeting series with the
/// child's wish about who attends, see it listed, then find it on the worklist.
async fn coordinator_sets_up_a_meeting_series() -> anyhow::Result<()> {
    let app = TestApp::demo(Db::Sqlite).await?;
    let (_driver, c) = start_driver().await?;
    let result = async {
        login(&c, &app, "barnevern").await?;
        c.find(Locator::Css("nav a[href='/oppgaver']")).await?.click().await?;
        c.wait().for_element(Locator::Id("tasks")).await?;
        // The browser asks for English; the row's kind does not depend on the language.
        let row = c.find(Locator::Css("tr[data-kind='communicate']")).await?.text().await?;
        ensure!(row.contains("Flytting fra krisesenter"), "the assignment to communicate: {row}");
        c.goto(&app.url("/saker/sak-sofia-daniel")).await?;
        click(&c, "#meeting-new summary").await?;
        open_all_details(&c).await?;
        let first = (chrono::Utc::now().date_naive() + chrono::Duration::days(2)).and_hms_opt(8, 15, 0).unwrap();
        // A datetime-local field takes its value in the browser's format; typing it depends on the locale.
        let field = c.find(Locator::Id("meeting-starts")).await?;
        c.execute(
            "arguments[0].value = arguments[1];",
            vec![serde_json::to_value(&field)?, json!(first.format("%Y-%m-%dT%H:%M").to_string())],
        )
        .await?;
        c.find(Locator::Id("meeting-count")).await?.clear().await?;
        c.find(Locator::Id("meeting-count")).await?.send_keys("3").await?;
        c.find(Locator::Id("meeting-every")).await?.clear().await?;
        c.find(Locator::Id("meeting-every")).await?.send_keys("2").await?;
        c.find(Locator::Id("meeting-agenda")).await?.send_keys("Nettleserprøve: fast møte hver andre uke").await?;
        click(&c, "label[for='inv-mellomvik-barnevern']").await?;
        click(&c, "label[for='inv-mellomvik-skole']").await?;
        click(&c, "label[for='exc-nav-mellomvik']").await?;
        click(&c, "#meeting-submit").await?;
        // Three meetings listed.
        wait_for_text(&c, "meetings", |list| list.matches("Nettleserprøve").count() == 3).await?;
        let mut failures = axe(&c).await?;
        c.goto(&app.url("/oppgaver")).await?;
        let table = c.wait().for_element(Locator::Id("tasks")).await?.text().await?;
        ensure!(table.contains("Nettleserprøve"), "the meeting in two days is on the worklist: {table}");
        failures.extend(axe(&c).await?);
        ensure!(failures.is_empty(), "axe: {}", failures.join("\n"));
        Ok(())
    }
    .await;
    let _ = c.close().await;
    app.stop().await;
    result
}

/// A fresh browser for one person: its own Chromium profile, so nobody inherits another's session at Los or
/// at the identity provider.
struct Person {
    _driver: Driver,
    c: Client,
}

async fn person() -> anyhow::Result<Person> {
    let (driver, c) = start_driver().await?;
    Ok(Person { _driver: driver, c })
}

/// Logs in as a person would: "Logg inn", the provider's button, the account at the provider's own log-in
/// form, and back at Los's case list.
async fn oidc_login(c: &Client, app: &TestApp, provider: &str, account: &str) -> anyhow::Result<()> {
    c.goto(&app.url("/logg-inn")).await?;
    click(c, &format!("a[href='/logg-inn/{provider}']")).await?;
    c.wait().for_element(Locator::Id("account")).await?.send_keys(account).await?;
    click(c, "#provider-login").await?;
    for _ in 0..100 {
        let url = c.current_url().await?;
        if url.as_str().starts_with(&app.base) && url.path() == "/saker" {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let body = c.find(Locator::Css("body")).await?.text().await.unwrap_or_default();
    anyhow::bail!("the log-in of {account} at {provider} did not reach /saker: {} {body}", c.current_url().await?)
}

/// Waits until the browser is at a path that `done` accepts, and returns the path.
async fn wait_for_path(c: &Client, done: impl Fn(&str) -> bool) -> anyhow::Result<String> {
    let mut last = String::new();
    for _ in 0..100 {
        last = c.current_url().await?.path().to_owned();
        if done(&last) {
            return Ok(last);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let main = match c.find(Locator::Css("main")).await {
        Ok(m) => m.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    anyhow::bail!("never reached the expected page; last at {last}: {main}")
}

/// Waits until the case page shows the case in this state (`open`, `closing`, `closed`), in any language.
async fn wait_for_state(c: &Client, state: &str) -> anyhow::Result<()> {
    for _ in 0..100 {
        if let Ok(el) = c.find(Locator::Id("case-state")).await
            && el.attr("data-state").await.ok().flatten().as_deref() == Some(state)
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the case never showed the state {state}")
}

async fn fill(c: &Client, id: &str, text: &str) -> anyhow::Result<()> {
    let el = c.find(Locator::Id(id)).await?;
    el.clear().await?;
    el.send_keys(text).await?;
    Ok(())
}

async fn choose(c: &Client, select: &str, value: &str) -> anyhow::Result<()> {
    c.find(Locator::Id(select)).await?.select_by_value(value).await?;
    Ok(())
}

/// A valid national identity number for someone born on `day`.`month`.`yy` (individnummer 500–999: born
/// 2000–2039; 0–499: the 1900s).
fn number(day: u8, month: u8, yy: u8, young: bool) -> String {
    let range = if young { 500..1000 } else { 0..500 };
    range
        .filter_map(|i| los_domain::ident::Fodselsnummer::classic_from_parts(day, month, yy, i))
        .next()
        .map(|n| n.as_str().to_owned())
        .unwrap_or_default()
}

/// Issue 11's "done when", with no demo data: `los init`; the administrator logs in through the OpenID
/// provider and adds two services and their employees; an employee logs in and opens a case for a new
/// child with the mother; the mother logs in as a citizen and sees her case and who read it; a second
/// service's attempt to open a case for the same child learns nothing and becomes a request to join; the
/// case is closed. Every page on the way is checked with axe.
async fn a_municipality_from_nothing_to_a_closed_case() -> anyhow::Result<()> {
    use los_tests::oidc::{self, OidcProvider, ProviderSetup};
    use los_web::login::{ProviderConfig, ProviderKind};
    if !oidc::available()? {
        return Ok(());
    }
    let port = oidc::free_port()?;
    let issuer = OidcProvider::issuer_for(port);
    let secret = "e2e-client-secret-0123456789abcdef";
    let config = |id: &str, name: &str, kind| ProviderConfig {
        id: id.into(),
        name: name.into(),
        kind,
        issuer: issuer.clone(),
        client_id: "los".into(),
        client_secret: secret.into(),
        scopes: vec!["openid".into()],
        acr_required: "idporten-loa-high".into(),
        subject_claim: "employee_id".into(),
        email_claim: Some("email".into()),
        hpr_claim: None,
    };
    let providers = |_: &str| {
        vec![
            config("idporten", "ID-porten", ProviderKind::Citizen),
            config("entra", "Bergen kommune (ansatte)", ProviderKind::Staff),
        ]
    };
    let app = TestApp::start_login(
        Db::Sqlite,
        false,
        los_store::Settings::default(),
        los_tests::WebOptions::default(),
        providers,
    )
    .await?;
    // `los init --municipality 4601 --admin oid-admin`, as the command does it.
    let init = app
        .store
        .init_municipality(
            &los_domain::ident::Kommunenummer::parse("4601")?,
            &los_domain::admin::StaffIdentity::Subject("oid-admin".into()),
        )
        .await?;
    ensure!(init.organisation_created && init.admin_created, "{init:?}");
    let (mother, child) = (number(2, 5, 88, false), number(14, 3, 15, true));
    let _provider = OidcProvider::start(ProviderSetup {
        port,
        client_id: "los".into(),
        client_secret: secret.into(),
        redirect_uris: vec![app.url("/logg-inn/idporten/callback"), app.url("/logg-inn/entra/callback")],
        post_logout: app.url("/"),
        accounts: json!({
            "it-drift": {"claims": {"employee_id": "oid-admin"}},
            "kari": {"claims": {"employee_id": "oid-kari"}},
            "per": {"claims": {"employee_id": "oid-per", "email": "per.pedagog@bergen.kommune.no"}},
            "mona": {"acr": "idporten-loa-high", "claims": {"pid": mother}},
        }),
        clock_skew: 0,
    })
    .await?;
    let mut failures = Vec::new();
    let result = async {
        // The administrator sets up two services and their employees.
        let admin = person().await?;
        let c = &admin.c;
        oidc_login(c, &app, "entra", "it-drift").await?;
        c.goto(&app.url("/admin")).await?;
        c.wait().for_element(Locator::Id("admin-services")).await?;
        failures.extend(axe(c).await?);
        let mut services = Vec::new();
        for (kind, name, orgnr) in
            [("barnevernstjenesten", "Barneverntjenesten i Bergen", "964338531"), ("grunnskole", "Nordby skole", "")]
        {
            c.goto(&app.url("/admin/tjenester/ny")).await?;
            choose(c, "adm-service_type", kind).await?;
            fill(c, "adm-name", name).await?;
            fill(c, "adm-orgnr", orgnr).await?;
            fill(c, "adm-phone", "+47 55 56 60 00").await?;
            if services.is_empty() {
                failures.extend(axe(c).await?);
            }
            click(c, "#admin-service-form button[type='submit']").await?;
            let path = wait_for_path(c, |p| p.starts_with("/admin/tjenester/tjeneste-")).await?;
            services.push(path.trim_start_matches("/admin/tjenester/").to_owned());
        }
        for ((name, subject), service) in [("Kari Vern", "oid-kari"), ("Per Pedagog", "")].into_iter().zip(&services) {
            c.goto(&app.url("/admin/ansatte/ny")).await?;
            fill(c, "adm-display_name", name).await?;
            if subject.is_empty() {
                // Per is known by his e-mail address only: the provider's e-mail claim finds him.
                fill(c, "adm-email", "per.pedagog@bergen.kommune.no").await?;
            } else {
                fill(c, "adm-external_subject", subject).await?;
            }
            click(c, "#admin-employee-form button[type='submit']").await?;
            wait_for_path(c, |p| p.starts_with("/admin/ansatte/") && !p.ends_with("/ny")).await?;
            c.wait().for_element(Locator::Id("admin-membership-form")).await?;
            choose(c, "adm-role", "case_worker").await?;
            choose(c, "adm-service_id", service).await?;
            click(c, "#admin-membership-form button[type='submit']").await?;
            let name = if subject.is_empty() { "Nordby skole" } else { "Barneverntjenesten i Bergen" };
            wait_for_text(c, "admin-memberships", |t| t.contains(name)).await?;
        }
        failures.extend(axe(c).await?);
        let _ = admin.c.clone().close().await;

        // Kari opens a case for a new child, with the mother.
        let kari = person().await?;
        let c = &kari.c;
        oidc_login(c, &app, "entra", "kari").await?;
        click(c, "#new-case-link").await?;
        c.wait().for_element(Locator::Id("new-case-form")).await?;
        choose(c, "new-service", &services[0]).await?;
        click(c, "label[for='new-kind-number']").await?;
        fill(c, "new-number", &child).await?;
        fill(c, "new-given", "Nora").await?;
        fill(c, "new-family", "Nyland").await?;
        fill(c, "new-kommune", "4601").await?;
        fill(c, "new-adult-number", &mother).await?;
        fill(c, "new-adult-given", "Mona").await?;
        fill(c, "new-adult-family", "Nyland").await?;
        click(c, "label[for='new-adult-responsibility']").await?;
        fill(c, "new-reason", "Bekymring for barnets trivsel hjemme").await?;
        failures.extend(axe(c).await?);
        click(c, "#new-case-form button[type='submit']").await?;
        let case_path = wait_for_path(c, |p| p.starts_with("/saker/") && p != "/saker/ny").await?;
        let case_id = case_path.trim_start_matches("/saker/").trim_end_matches('/').to_owned();
        wait_for_state(c, "open").await?;
        let body = c.find(Locator::Css("main")).await?.text().await?;
        ensure!(body.contains("Nora") && body.contains("Mona"), "the child and the mother: {body}");
        open_all_details(c).await?;
        failures.extend(axe(c).await?);

        // The mother logs in with ID-porten and sees her case and who read it.
        let mona = person().await?;
        let c = &mona.c;
        oidc_login(c, &app, "idporten", "mona").await?;
        let list = c.find(Locator::Css("main")).await?.text().await?;
        ensure!(list.contains("Nora"), "the mother's case list: {list}");
        failures.extend(axe(c).await?);
        click(c, &format!("a[href='/saker/{case_id}']")).await?;
        wait_for_path(c, |p| p == case_path).await?;
        failures.extend(axe(c).await?);
        c.goto(&app.url("/meg/tilgangslogg")).await?;
        let log = wait_for_text(c, "access-log", |t| t.contains("Kari Vern")).await?;
        ensure!(log.contains("Barneverntjenesten i Bergen"), "who read, from which service: {log}");
        failures.extend(axe(c).await?);

        // Per, at the school, tries to open a case for the same child: he learns nothing but that his request
        // is recorded.
        let per = person().await?;
        let c = &per.c;
        oidc_login(c, &app, "entra", "per").await?;
        c.goto(&app.url("/saker/ny")).await?;
        c.wait().for_element(Locator::Id("new-case-form")).await?;
        click(c, "label[for='new-kind-number']").await?;
        fill(c, "new-number", &child).await?;
        fill(c, "new-given", "Nora").await?;
        fill(c, "new-family", "Nyland").await?;
        fill(c, "new-kommune", "4601").await?;
        fill(c, "new-reason", "Eleven trenger tilrettelegging").await?;
        click(c, "#new-case-form button[type='submit']").await?;
        let note = wait_for_text(c, "join-requested", |t| !t.is_empty()).await?;
        let page = c.find(Locator::Css("main")).await?.text().await?;
        ensure!(!page.contains(&case_id) && !page.contains("Kari Vern") && !page.contains("Mona"), "{page}");
        ensure!(!note.is_empty());
        failures.extend(axe(c).await?);
        c.goto(&app.url("/saker")).await?;
        let list = c.find(Locator::Css("main")).await?.text().await?;
        ensure!(!list.contains("Nora"), "the school sees no case: {list}");

        // Kari sees the request on the case, and closes the case (hers is the only service in it).
        let c = &kari.c;
        c.goto(&app.url(&case_path)).await?;
        let main = c.find(Locator::Css("main")).await?.text().await?;
        ensure!(main.contains("Nordby skole"), "the request to join is shown to the case: {main}");
        choose(c, "closing-reason", "goals_reached").await?;
        fill(c, "closing-text", "Tiltakene virker, familien klarer seg selv").await?;
        click(c, "#avslutning button[formaction$='/avslutning']").await?;
        wait_for_state(c, "closed").await?;
        failures.extend(axe(c).await?);
        // Closed cases drop off the list of open work but stay readable to the service.
        c.goto(&app.url("/saker")).await?;
        c.goto(&app.url(&case_path)).await?;
        wait_for_state(c, "closed").await?;
        for p in [kari, mona, per] {
            let _ = p.c.close().await;
        }
        ensure!(failures.is_empty(), "axe: {}", failures.join("\n"));
        Ok(())
    }
    .await;
    app.stop().await;
    result
}

fn run<F: std::future::Future<Output = anyhow::Result<()>>>(f: impl FnOnce() -> F) -> Result<(), Failed> {
    let rt = tokio::runtime::Runtime::new().map_err(|e| Failed::from(e.to_string()))?;
    rt.block_on(f()).map_err(|e| Failed::from(format!("{e:#}")))
}

fn main() {
    let args = Arguments::from_args();
    // fantoccini's rustls needs one process-wide crypto provider; both ring and aws-lc-rs are in the tree.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let have_browser = Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists();
    if have_browser {
        eprintln!("browser tests: chromium at {CHROMIUM}");
    } else if browser_required() {
        eprintln!(
            "error: browser tests are required here but {CHROMIUM} / {CHROMEDRIVER} are missing (apt-get install chromium chromium-driver)"
        );
        std::process::exit(1);
    } else {
        eprintln!(
            "browser tests: SKIPPED ({CHROMIUM} or {CHROMEDRIVER} missing; apt-get install chromium chromium-driver)"
        );
    }
    let trials = vec![
        Trial::test("e2e::login_and_open_service_directory", || run(login_and_open_service_directory))
            .with_ignored_flag(!have_browser),
        Trial::test("e2e::main_pages_have_no_serious_accessibility_violations", || {
            run(main_pages_have_no_serious_accessibility_violations)
        })
        .with_ignored_flag(!have_browser),
        Trial::test("e2e::coordinator_sets_up_a_meeting_series", || run(coordinator_sets_up_a_meeting_series))
            .with_ignored_flag(!have_browser),
        Trial::test("e2e::a_municipality_from_nothing_to_a_closed_case", || {
            run(a_municipality_from_nothing_to_a_closed_case)
        })
        .with_ignored_flag(!have_browser),
    ];
    libtest_mimic::run(&args, trials).exit();
}
