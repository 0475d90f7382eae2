//! The hostile tester's read probe (issue 10), rerun on every test run and on both databases: every demo
//! user and an anonymous visitor try every GET of the API and the pages that takes a case, with the demo's
//! case ids and hostile ones. No answer may be a 5xx, and no answer may name the child or parent of a case
//! the user cannot read (the oracle: `GET /api/v1/cases/{id}` for that user is not 200). The figures are
//! printed, for the closing notes.

use anyhow::ensure;
use los_tests::{Db, TestApp};

crate::tests!(probe_every_user_every_read_no_leak_no_server_error);

/// The demo's cases and the people each names.
const CASES: [(&str, &[&str]); 3] = [
    ("sak-adam", &["Adam Lund", "Hilde Lund"]),
    ("sak-sofia-daniel", &["Daniel Berg", "Sofia Berg"]),
    ("sak-overgang", &["Jonas Dahl"]),
];

/// Case ids a hostile client tries besides the real ones.
fn hostile_ids() -> Vec<String> {
    vec![
        "finnes-ikke".into(),
        "sak-adam%0Auser.id%3Dadmin".into(),
        "..%2F..%2Fetc%2Fpasswd".into(),
        "sak-adam'%20OR%20'1'%3D'1".into(),
        "x".repeat(3000),
        "%E2%80%AE%F0%9F%92%A5".into(),
    ]
}

async fn probe_every_user_every_read_no_leak_no_server_error(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let users: Vec<String> = app.store.demo_users().await?.into_iter().map(|u| u.id).collect();
    ensure!(users.len() >= 18, "the demo has its users: {users:?}");
    let mut case_ids: Vec<String> = CASES.iter().map(|(id, _)| (*id).to_owned()).collect();
    case_ids.extend(hostile_ids());
    let api_lists =
        ["/api/v1/cases", "/api/v1/me", "/api/v1/me/tasks", "/api/v1/me/access-log", "/api/v1/reports/access"];
    let page_lists = [
        "/",
        "/saker",
        "/oppgaver",
        "/meg/tilgangslogg",
        "/rapporter/tilgang",
        "/hvem-bestemmer",
        "/tjenester",
        "/kommuner",
    ];
    let (mut tried, mut server_errors, mut leaks) = (0usize, Vec::new(), Vec::new());
    for user in users.iter().map(Some).chain([None]) {
        let token = match user {
            Some(u) => app.token(u).await?,
            None => "no-token".to_owned(),
        };
        let page = match user {
            Some(u) => app.logged_in(u).await?,
            None => app.browser(),
        };
        // The oracle: which demo cases this user may read.
        let mut closed: Vec<&str> = Vec::new();
        for (id, names) in CASES {
            let (status, _) = app.api_get(&token, &format!("/api/v1/cases/{id}")).await?;
            if status != 200 {
                closed.extend(names.iter().copied());
            }
        }
        let mut urls: Vec<(bool, String)> = Vec::new();
        urls.extend(api_lists.iter().map(|p| (true, (*p).to_owned())));
        urls.extend(page_lists.iter().map(|p| (false, (*p).to_owned())));
        for id in &case_ids {
            urls.push((true, format!("/api/v1/cases/{id}")));
            urls.push((false, format!("/saker/{id}")));
            urls.push((false, format!("/saker/{id}/moter.ics")));
        }
        for (api, url) in urls {
            let req = if api {
                reqwest::Client::new().get(app.url(&url)).bearer_auth(&token)
            } else {
                page.get(app.url(&url))
            };
            let res = req.send().await?;
            tried += 1;
            let status = res.status();
            let body = res.text().await.unwrap_or_default();
            let who = user.map_or("anonymous", String::as_str);
            if status.is_server_error() {
                server_errors.push(format!("{who} {url}: {status}"));
            }
            if let Some(name) = closed.iter().find(|n| body.contains(**n)) {
                leaks.push(format!("{who} {url}: {status} names {name}"));
            }
        }
    }
    eprintln!(
        "probe ({}): {tried} requests by {} users and anonymous, {} server errors, {} leaks",
        db.name(),
        users.len(),
        server_errors.len(),
        leaks.len()
    );
    ensure!(server_errors.is_empty(), "server errors: {server_errors:#?}");
    ensure!(leaks.is_empty(), "leaks: {leaks:#?}");
    app.stop().await;
    Ok(())
}
