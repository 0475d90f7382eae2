//! The JSON of each resource, as snapshots (insta): the same demo on SQLite and on PostgreSQL must give the
//! same answer, and a change to what the API returns shows up for review. Generated ids, times, dates and
//! ages (which move with the day the test runs) are normalised.

use los_tests::{Db, TestApp};
use serde_json::Value;

crate::tests!(the_json_of_each_resource_is_stable);

/// `sak-…`, `person-…` stay; `samtale-<32 hex>` becomes `samtale-[id]`.
fn normalise_id(s: &str) -> Option<String> {
    let (head, tail) = s.rsplit_once('-')?;
    (tail.len() == 32 && tail.chars().all(|c| c.is_ascii_hexdigit())).then(|| format!("{head}-[id]"))
}

fn is_date(s: &str) -> bool {
    s.get(..10).is_some_and(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
}

/// Dates inside a sentence ("until 2026-12-25") move with the demo's day too.
fn dates_in_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        if is_date(rest) && !rest.as_bytes().get(10).is_some_and(u8::is_ascii_digit) {
            out.push_str("[date]");
            rest = &rest[10..];
        } else {
            let c = rest.chars().next().unwrap_or_default();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn normalise(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                if (k == "age" || k.ends_with("_age") || k == "age_days") && x.is_number() {
                    *x = Value::String("[age]".into());
                } else {
                    normalise(x);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalise),
        Value::String(s) => {
            if is_date(s) {
                *s = if s.len() > 10 { "[time]".into() } else { "[date]".into() };
            } else if let Some(id) = normalise_id(s) {
                *s = id;
            } else {
                *s = dates_in_text(s);
            }
        }
        _ => {}
    }
}

async fn get(app: &TestApp, user: &str, path: &str) -> anyhow::Result<Value> {
    let token = app.token(user).await?;
    let (status, mut body) = app.api_get(&token, path).await?;
    anyhow::ensure!(status == 200, "{user} {path}: {status} {body}");
    normalise(&mut body);
    Ok(body)
}

async fn the_json_of_each_resource_is_stable(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let reads = [
        ("case_sofia_daniel_child_welfare", "barnevern", "/api/v1/cases/sak-sofia-daniel"),
        ("case_adam_youth_coordinator", "uk", "/api/v1/cases/sak-adam"),
        ("case_list_child_welfare", "barnevern", "/api/v1/cases"),
        ("tasks_child_welfare", "barnevern", "/api/v1/me/tasks"),
        ("decision_makers", "barnevern", "/api/v1/decision-makers"),
        ("me_parent", "sofia", "/api/v1/me"),
    ];
    for (name, user, path) in reads {
        let body = get(&app, user, path).await?;
        insta::assert_json_snapshot!(name, body);
    }
    app.stop().await;
    Ok(())
}
