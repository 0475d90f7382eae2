//! Case states (issue 11): closing with a reason, who may close, the family ending the cooperation, the case
//! closing by itself when the last service leaves, closed cases off the worklist but readable by the services
//! that took part, reopening as an audited act, and the family told on their own view of the case.

use anyhow::ensure;
use los_tests::{Db, TestApp};
use serde_json::{Value, json};

crate::tests!(
    closing_needs_a_reason_and_the_other_services_say,
    closing_drops_the_case_from_worklists_and_reopening_is_audited,
    closing_by_the_family_ending_the_cooperation,
    closing_by_itself_when_the_last_service_leaves,
    closing_on_the_page_points_at_the_field,
);

const CASE: &str = "/api/v1/cases/sak-sofia-daniel";

async fn case(app: &TestApp, token: &str, path: &str) -> anyhow::Result<Value> {
    let (status, body) = app.api_get(token, path).await?;
    ensure!(status == 200, "{path}: {status} {body}");
    Ok(body)
}

/// barnevern proposes closing sak-sofia-daniel; the school (mellomvik-skole) confirms it.
async fn close_sofia_daniel(app: &TestApp) -> anyhow::Result<()> {
    let bv = app.token("barnevern").await?;
    let proposal = json!({"reason": "goals_reached", "reason_text": "Målene i planen er nådd"});
    let (status, body) = app.api_post(&bv, &format!("{CASE}/closing-proposal"), proposal).await?;
    ensure!(status == 204, "propose: {status} {body}");
    let laerer = app.token("laerer").await?;
    let (status, body) = app.api_post(&laerer, &format!("{CASE}/close"), json!({})).await?;
    ensure!(status == 204, "confirm: {status} {body}");
    Ok(())
}

async fn closing_needs_a_reason_and_the_other_services_say(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let propose = format!("{CASE}/closing-proposal");
    for (body, code, field) in [
        (json!({}), "closing.reason", "reason"),
        (json!({"reason": "horoscope"}), "closing.reason", ""),
        (json!({"reason": "other"}), "closing.reason_text", "reason_text"),
        (json!({"reason": "all_services_left"}), "closing.reason_automatic", "reason"),
        (json!({"reason": 7}), "", ""),
    ] {
        let (status, err) = app.api_post(&bv, &propose, body.clone()).await?;
        ensure!(status == 422 || (code.is_empty() && status == 400), "{body}: {status} {err}");
        ensure!(code.is_empty() || err["code"] == code, "{body}: {err}");
        ensure!(field.is_empty() || err.to_string().contains(field), "{body}: names the field {field}: {err}");
    }
    // Other services take part: closing directly is refused until they have been told.
    let (status, err) = app.api_post(&bv, &format!("{CASE}/close"), json!({"reason": "moved"})).await?;
    ensure!(status == 422 && err["code"] == "closing.propose_first", "{status} {err}");
    // A service outside the case may not close it or propose closing.
    let skole = app.token("skole").await?;
    let (status, err) = app.api_post(&skole, &propose, json!({"reason": "moved"})).await?;
    ensure!(status == 403 && err["code"] == "denied.not_participant", "{status} {err}");
    let (status, err) = app.api_post(&skole, &format!("{CASE}/close"), json!({"reason": "moved"})).await?;
    ensure!(status == 403 && err["code"] == "denied.not_participant", "{status} {err}");

    let ok = json!({"reason": "goals_reached", "reason_text": "Målene i planen er nådd"});
    let (status, body) = app.api_post(&bv, &propose, ok.clone()).await?;
    ensure!(status == 204, "{status} {body}");
    let c = case(&app, &bv, CASE).await?;
    ensure!(c["state"] == "closing" && c["state_reason"] == "goals_reached", "{}", c["state"]);
    let (status, err) = app.api_post(&bv, &propose, ok).await?;
    ensure!(status == 422 && err["code"] == "closing.already_closing", "{status} {err}");
    let (status, err) = app.api_post(&bv, &format!("{CASE}/close"), json!({})).await?;
    ensure!(status == 422 && err["code"] == "closing.confirm_by_another", "{status} {err}");
    // The other services are asked on their worklist; the proposer is not.
    let laerer = app.token("laerer").await?;
    let confirm = |tasks: &serde_json::Value| {
        tasks
            .as_array()
            .into_iter()
            .flatten()
            .any(|t| t["kind"] == "confirm_closing" && t["case_id"] == CASE.trim_start_matches("/api/v1/cases/"))
    };
    let (_, tasks) = app.api_get(&laerer, "/api/v1/me/tasks").await?;
    ensure!(confirm(&tasks), "the school is asked to confirm: {tasks}");
    let (_, tasks) = app.api_get(&bv, "/api/v1/me/tasks").await?;
    ensure!(!confirm(&tasks), "not the proposer: {tasks}");
    let page = app.logged_in("laerer").await?;
    let html = page.get(app.url("/oppgaver")).send().await?.text().await?;
    ensure!(html.contains("Bekreft at saken avsluttes") && html.contains("#avslutning"), "the task on the page");
    let (status, body) = app.api_post(&laerer, &format!("{CASE}/close"), json!({})).await?;
    ensure!(status == 204, "{status} {body}");
    let c = case(&app, &bv, CASE).await?;
    ensure!(c["state"] == "closed" && c["state_reason"] == "goals_reached", "{c}");
    // A service no longer taking part does not learn where a child with a protected address lives: the
    // reason's words stay with those who may (here the mother, who lives there).
    ensure!(c["location_hidden_reason"].is_string() && c["state_reason_text"].is_null(), "{c}");
    let sofia = app.token("sofia").await?;
    let c = case(&app, &sofia, CASE).await?;
    ensure!(c["state_reason_text"] == "Målene i planen er nådd", "{}", c["state_history"]);
    let history = c["state_history"].as_array().cloned().unwrap_or_default();
    ensure!(history.len() == 2 && history[0]["to"] == "closing" && history[1]["to"] == "closed", "{history:?}");
    let parts = c["participants"].as_array().cloned().unwrap_or_default();
    ensure!(parts.iter().all(|p| p["left_on"].is_string()), "no service takes part in a closed case: {parts:?}");
    let (status, err) = app.api_post(&laerer, &format!("{CASE}/close"), json!({"reason": "moved"})).await?;
    ensure!(status == 403 || err["code"] == "closing.already_closed", "{status} {err}");
    // The family is told: their view of the case shows the state and the timeline the closing.
    let c = case(&app, &sofia, CASE).await?;
    ensure!(c["state"] == "closed" && c["state_reason"] == "goals_reached", "family: {}", c["state"]);
    let timeline = c["timeline"].as_array().cloned().unwrap_or_default();
    ensure!(timeline.iter().any(|e| e["kind"] == "closed"), "family timeline: {timeline:?}");
    ensure!(timeline.iter().any(|e| e["kind"] == "closing"), "family timeline: {timeline:?}");
    let list = case(&app, &sofia, "/api/v1/cases").await?;
    ensure!(list[0]["state"] == "closed", "the case list shows the state: {list}");
    app.stop().await;
    Ok(())
}

async fn closing_drops_the_case_from_worklists_and_reopening_is_audited(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    close_sofia_daniel(&app).await?;
    let bv = app.token("barnevern").await?;
    let tasks = case(&app, &bv, "/api/v1/me/tasks").await?;
    let tasks = tasks.as_array().cloned().unwrap_or_default();
    ensure!(tasks.iter().all(|t| t["case_id"] != "sak-sofia-daniel"), "closed case on the worklist: {tasks:?}");
    // The services that took part when it closed read it, read only; the case list shows its state.
    let c = case(&app, &bv, CASE).await?;
    ensure!(c["access_basis"].as_str().unwrap_or_default().contains("took part"), "{}", c["access_basis"]);
    let list = case(&app, &bv, "/api/v1/cases").await?;
    let listed = list.as_array().cloned().unwrap_or_default();
    ensure!(listed.iter().any(|c| c["id"] == "sak-sofia-daniel" && c["state"] == "closed"), "{list}");
    let (status, err) = app.api_post(&bv, &format!("{CASE}/notes"), json!({"body": "x"})).await?;
    ensure!(status == 403 || status == 422, "a closed case is read only: {status} {err}");
    let (status, err) = app.api_post(&bv, &format!("{CASE}/closing-proposal"), json!({"reason": "moved"})).await?;
    ensure!(status == 403, "{status} {err}");
    // The crisis centre left while the case was still open: it reads nothing.
    let krisesenter = app.token("krisesenter").await?;
    let (status, err) = app.api_get(&krisesenter, CASE).await?;
    ensure!(status == 403 && err["code"] == "denied.not_participant", "{status} {err}");
    let (status, err) = app.api_post(&krisesenter, &format!("{CASE}/reopen"), json!({"reason_text": "x"})).await?;
    ensure!(status == 403, "{status} {err}");
    // The family does not reopen; a service does, with a reason, and it is audited.
    let sofia = app.token("sofia").await?;
    let (status, err) = app.api_post(&sofia, &format!("{CASE}/reopen"), json!({"reason_text": "x"})).await?;
    ensure!(status == 403 && err["code"] == "denied.citizen_read_only", "{status} {err}");
    let (status, err) = app.api_post(&bv, &format!("{CASE}/reopen"), json!({"reason_text": "  "})).await?;
    ensure!(status == 422 && err["code"] == "closing.reopen_reason", "{status} {err}");
    let before = app.store.verify_audit_chain().await?;
    let reopen = json!({"reason_text": "Ny bekymring fra skolen"});
    let (status, body) = app.api_post(&bv, &format!("{CASE}/reopen"), reopen).await?;
    ensure!(status == 204, "{status} {body}");
    let after = app.store.verify_audit_chain().await?;
    ensure!(after.first_bad.is_none() && after.checked > before.checked, "{before:?} -> {after:?}");
    let c = case(&app, &bv, CASE).await?;
    ensure!(c["state"] == "open" && c["state_reason"].is_null(), "{}", c["state"]);
    ensure!(c["access_basis"].as_str().unwrap_or_default().contains("duty to cooperate"), "{}", c["access_basis"]);
    let log = case(&app, &sofia, "/api/v1/me/access-log?limit=100").await?;
    let log = log.as_array().cloned().unwrap_or_default();
    ensure!(log.iter().any(|e| e["action"] == "case_reopen" && e["outcome"] == "allow"), "{log:?}");
    ensure!(log.iter().any(|e| e["action"] == "case_close"), "the closing is in the family's log: {log:?}");
    app.stop().await;
    Ok(())
}

async fn closing_by_the_family_ending_the_cooperation(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let end = format!("{CASE}/end-cooperation");
    // Someone the family has not given access, and a parent of another child, may not.
    let mormor = app.token("mormor").await?;
    let (status, err) = app.api_post(&mormor, &end, json!({})).await?;
    ensure!(status == 403, "{status} {err}");
    let hilde = app.token("hilde").await?;
    let (status, err) = app.api_post(&hilde, &end, json!({})).await?;
    ensure!(status == 403 && err["code"] == "denied.not_family", "{status} {err}");
    // Sofia, with parental responsibility for Daniel (8), ends it: the case closes at once.
    let sofia = app.token("sofia").await?;
    let (status, body) = app.api_post(&sofia, &end, json!({"reason_text": "Vi klarer oss selv nå"})).await?;
    ensure!(status == 204, "{status} {body}");
    let c = case(&app, &sofia, CASE).await?;
    ensure!(c["state"] == "closed" && c["state_reason"] == "family_ended_cooperation", "{}", c["state"]);
    ensure!(c["may_end_cooperation"] == false, "nothing left to end");
    let (status, err) = app.api_post(&sofia, &end, json!({})).await?;
    ensure!(status == 422 && err["code"] == "closing.already_closed", "{status} {err}");
    // Jonas, 17, with a health service in his case: the young person ends it himself.
    let jonas = app.token("jonas").await?;
    let c = case(&app, &jonas, "/api/v1/cases/sak-overgang").await?;
    ensure!(c["may_end_cooperation"] == true, "jonas may end it: {}", c["may_end_cooperation"]);
    let (status, body) = app.api_post(&jonas, "/api/v1/cases/sak-overgang/end-cooperation", json!({})).await?;
    ensure!(status == 204, "{status} {body}");
    // A service records the family's word in Adam's case, saying who and how.
    let uk = app.token("uk").await?;
    let adam_end = "/api/v1/cases/sak-adam/end-cooperation";
    let (status, err) = app.api_post(&uk, adam_end, json!({})).await?;
    ensure!(status == 422 && err["code"] == "closing.reason_text", "{status} {err}");
    let (status, body) = app.api_post(&uk, adam_end, json!({"reason_text": "Adam sa det i samtale"})).await?;
    ensure!(status == 204, "{status} {body}");
    let adam = app.token("adam").await?;
    let c = case(&app, &adam, "/api/v1/cases/sak-adam").await?;
    ensure!(c["state_reason"] == "family_ended_cooperation", "{}", c["state_reason"]);
    app.stop().await;
    Ok(())
}

async fn closing_by_itself_when_the_last_service_leaves(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    // The GP's office has no demo user: the public health nurse works there too in this test.
    app.store
        .execute_raw_for_tests(
            "INSERT INTO membership (user_id, organisation_id, service_id, role) \
             VALUES ('helsesykepleier', 'mellomvik', 'mellomvik-legekontor', 'case_worker')",
        )
        .await?;
    let path = "/api/v1/cases/sak-overgang";
    let leave = |service: &str| format!("{path}/participants/{service}/leave");
    let why = json!({"reason": "Arbeidet vårt er ferdig"});
    let jonas = app.token("jonas").await?;
    for (user, service) in [("ot", "demofylke-ot"), ("nav", "nav-stat-mellomvik")] {
        let token = app.token(user).await?;
        let (status, body) = app.api_post(&token, &leave(service), why.clone()).await?;
        ensure!(status == 204, "{user}: {status} {body}");
        ensure!(case(&app, &jonas, path).await?["state"] == "open", "services still take part");
    }
    let nurse = app.token("helsesykepleier").await?;
    let (status, body) = app.api_post(&nurse, &leave("mellomvik-legekontor"), why).await?;
    ensure!(status == 204, "{status} {body}");
    let c = case(&app, &nurse, path).await?;
    ensure!(c["state"] == "closed" && c["state_reason"] == "all_services_left", "{}", c["state"]);
    // Every service that took part when it closed reads it; child welfare, which left a year before, does not.
    let ot = app.token("ot").await?;
    ensure!(case(&app, &ot, path).await?["state"] == "closed", "ot reads the closed case");
    let bv = app.token("barnevern").await?;
    let (status, err) = app.api_get(&bv, path).await?;
    ensure!(status == 403, "{status} {err}");
    let timeline = case(&app, &jonas, path).await?["timeline"].clone();
    let closed = timeline.as_array().and_then(|t| t.iter().find(|e| e["kind"] == "closed").cloned());
    ensure!(closed.is_some_and(|e| e["text"] == "all_services_left|"), "jonas is told: {timeline}");
    ensure!(app.store.verify_audit_chain().await?.first_bad.is_none(), "the chain holds");
    app.stop().await;
    Ok(())
}

async fn closing_on_the_page_points_at_the_field(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let c = app.logged_in("barnevern").await?;
    let page = c.get(app.url("/saker/sak-sofia-daniel")).send().await?.text().await?;
    ensure!(page.contains("id=\"case-state\" data-state=\"open\""), "the page shows the state");
    let url = app.url("/saker/sak-sofia-daniel/avslutning/forslag");
    let res = c.post(&url).form(&[("reason", "other"), ("reason_text", "")]).send().await?;
    ensure!(res.status() == 422, "page: {}", res.status());
    ensure!(res.text().await?.contains("href=\"#closing-text\""), "the error points at the explanation");
    let res = c.post(&url).form(&[("reason", "moved"), ("reason_text", "")]).send().await?;
    ensure!(res.status() == 303 || res.status() == 200, "page: {}", res.status());
    let page = c.get(app.url("/saker/sak-sofia-daniel")).send().await?.text().await?;
    ensure!(page.contains("data-state=\"closing\""), "the page shows the case closing");
    let sofia = app.logged_in("sofia").await?;
    let page = sofia.get(app.url("/saker/sak-sofia-daniel")).send().await?.text().await?;
    ensure!(page.contains("data-state=\"closing\"") && page.contains("avslutt-samarbeidet"), "the family sees it");
    app.stop().await;
    Ok(())
}
