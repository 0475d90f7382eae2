//! Setting up a municipality from nothing (issue 11): `los init`'s store method, then an administrator adds
//! services and employees with roles over the API and the pages; the employee logs in and works in the
//! service; deactivating an employee or ending a membership takes access away; a non-administrator is
//! refused and nothing changes; bad input is 422 on its field with nothing changed; every change is audited.

use anyhow::{Context, ensure};
use los_domain::admin::StaffIdentity;
use los_domain::ident::{Fodselsnummer, Kommunenummer};
use los_tests::{Db, TestApp};
use serde_json::{Value, json};

crate::tests!(
    admin_a_municipality_from_nothing_to_an_employee_at_work,
    admin_deactivating_an_employee_stops_their_access,
    admin_an_ended_membership_grants_nothing_and_is_kept,
    admin_a_non_administrator_is_refused_and_nothing_changes,
    admin_bad_input_is_refused_on_its_field_and_nothing_changes,
    admin_on_the_pages_without_javascript,
);

const ADMIN_EMAIL: &str = "it-drift@bergen.kommune.no";

/// A server without demo data and Bergen set up as `los init` does it; returns the administrator's token.
async fn bergen(db: Db) -> anyhow::Result<(TestApp, String, String)> {
    let app = TestApp::start(db, false).await?;
    let r =
        app.store.init_municipality(&Kommunenummer::parse("4601")?, &StaffIdentity::Email(ADMIN_EMAIL.into())).await?;
    ensure!(r.changed() && r.organisation_created && r.admin_created && r.membership_created, "{r:?}");
    let token = app.token(&r.admin_user_id).await?;
    Ok((app, token, r.admin_user_id))
}

fn barnevern() -> Value {
    json!({"service_type": "barnevernstjenesten", "name": "Barneverntjenesten i Bergen",
           "description": "Råd og hjelpetiltak", "orgnr": "964338531", "phone": "+47 55 56 60 00",
           "email": "barnevern@bergen.kommune.no", "address": "Rådhusgaten 10, 5014 Bergen"})
}

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> anyhow::Result<String> {
    let (status, res) = app.api_post(token, path, body).await?;
    ensure!(status == 201, "{path}: {status} {res}");
    Ok(res["id"].as_str().unwrap_or_default().to_owned())
}

async fn directory(app: &TestApp, token: &str) -> anyhow::Result<Value> {
    let (status, dir) = app.api_get(token, "/api/v1/admin/directory").await?;
    ensure!(status == 200, "{status} {dir}");
    Ok(dir)
}

/// A valid number for someone born on `day`.`month`.`yy` (individnummer 500–999: born 2000–2039).
fn number(day: u8, month: u8, yy: u8) -> String {
    (500..1000).filter_map(|i| Fodselsnummer::classic_from_parts(day, month, yy, i)).next().unwrap().as_str().to_owned()
}

fn new_child(service: &str) -> Value {
    json!({"service_id": service, "child_kind": "number", "number": number(14, 3, 15),
           "given_name": "Nora", "family_name": "Nyland", "kommune": "4601", "reason": "Bekymring fra skolen"})
}

/// An employee with a case-worker role in a new child-welfare service: (service, employee, membership).
async fn staffed(app: &TestApp, admin: &str) -> anyhow::Result<(String, String, String)> {
    let service = created(app, admin, "/api/v1/admin/services", barnevern()).await?;
    let kari = created(
        app,
        admin,
        "/api/v1/admin/employees",
        json!({"display_name": "Kari Vern", "email": "kari.vern@bergen.kommune.no", "external_subject": "oid-kari"}),
    )
    .await?;
    let m = created(
        app,
        admin,
        &format!("/api/v1/admin/employees/{kari}/memberships"),
        json!({"role": "case_worker", "service_id": service}),
    )
    .await?;
    Ok((service, kari, m))
}

async fn admin_a_municipality_from_nothing_to_an_employee_at_work(db: Db) -> anyhow::Result<()> {
    let (app, admin, admin_id) = bergen(db).await?;
    // `los init` again changes nothing and writes no audit entry.
    let before = app.store.audit_chain_length().await?;
    let again = app
        .store
        .init_municipality(&Kommunenummer::parse("4601")?, &StaffIdentity::Email(ADMIN_EMAIL.to_uppercase()))
        .await?;
    ensure!(!again.changed() && again.admin_user_id == admin_id, "{again:?}");
    ensure!(app.store.audit_chain_length().await? == before, "an idempotent run writes nothing");
    let dir = directory(&app, &admin).await?;
    ensure!(dir["organisation"]["kommunenummer"] == "4601" && dir["organisation"]["name"] == "Bergen kommune", "{dir}");
    ensure!(dir["services"].as_array().is_some_and(Vec::is_empty), "a new municipality has no services: {dir}");

    let (service, kari, _) = staffed(&app, &admin).await?;
    // The service is in the public directory, municipal, in its sector, with its own organisation number.
    let (_, s) = app.api_get(&admin, &format!("/api/v1/services/{service}")).await?;
    ensure!(s["owner_type"] == "municipal" && s["sector"] == "child_welfare", "{s}");
    let dir = directory(&app, &admin).await?;
    let svc = dir["services"].as_array().unwrap().iter().find(|x| x["id"] == service.as_str()).cloned().unwrap();
    ensure!(svc["orgnr"] == "964338531" && svc["active"] == true, "{svc}");
    // A private kindergarten is listed with its owner, found again by its number for a second one.
    let private = json!({"service_type": "barnehage-privat", "name": "Solsikken barnehage", "phone": "55 00 00 00",
                         "owner_name": "Solsikken barnehage AS", "owner_orgnr": "974760673"});
    let p1 = created(&app, &admin, "/api/v1/admin/services", private.clone()).await?;
    let mut second = private.clone();
    second["name"] = json!("Solsikken barnehage, avdeling Fana");
    let p2 = created(&app, &admin, "/api/v1/admin/services", second).await?;
    let (_, s1) = app.api_get(&admin, &format!("/api/v1/services/{p1}")).await?;
    let (_, s2) = app.api_get(&admin, &format!("/api/v1/services/{p2}")).await?;
    ensure!(s1["owner_type"] == "private" && s1["organisation_name"] == "Solsikken barnehage AS", "{s1}");
    ensure!(s1["organisation_id"] == s2["organisation_id"], "one owner: {s1} {s2}");

    // The employee logs in (matched by subject or e-mail) and works in the service.
    ensure!(app.store.staff_for_subject("oid-kari").await? == Some(kari.clone()));
    ensure!(app.store.staff_for_email("KARI.VERN@bergen.kommune.no").await? == Some(kari.clone()));
    let token = app.token(&kari).await?;
    let (status, me) = app.api_get(&token, "/api/v1/me").await?;
    ensure!(status == 200 && me["memberships"][0]["service_id"] == service.as_str(), "{status} {me}");
    let (status, body) = app.api_post(&token, "/api/v1/cases", new_child(&service)).await?;
    ensure!(status == 201 && body["outcome"] == "created", "{status} {body}");
    // A service taking part in an open case is not deactivated.
    let (status, err) =
        app.api_post(&admin, &format!("/api/v1/admin/services/{service}/deactivate"), json!({})).await?;
    ensure!(status == 422 && err["code"] == "admin.service_in_cases", "{status} {err}");
    // The administrator sees no case data.
    let (status, _) = app.api_get(&admin, &format!("/api/v1/cases/{}", body["case_id"].as_str().unwrap())).await?;
    ensure!(status == 403, "{status}");

    // Every change is in the audit log, with the administrator and the policy's basis.
    let entries = app.store.audit_entries_after(0).await?;
    for (action, kind) in [("create", "service"), ("create", "employee"), ("add", "membership")] {
        ensure!(
            entries.iter().any(|e| e.action == action
                && e.resource_type == kind
                && e.actor_user_id.as_deref() == Some(admin_id.as_str())
                && e.outcome == "allow"),
            "no {action} {kind} entry"
        );
    }
    ensure!(entries.iter().any(|e| e.action == "init" && e.resource_id.as_deref() == Some("4601")), "init audited");
    app.stop().await;
    Ok(())
}

async fn admin_deactivating_an_employee_stops_their_access(db: Db) -> anyhow::Result<()> {
    let (app, admin, admin_id) = bergen(db).await?;
    let (_, kari, _) = staffed(&app, &admin).await?;
    let token = app.token(&kari).await?;
    let (status, _) = app.api_get(&token, "/api/v1/me").await?;
    ensure!(status == 200, "{status}");
    let (status, body) = app.api_post(&admin, &format!("/api/v1/admin/employees/{kari}/deactivate"), json!({})).await?;
    ensure!(status == 204, "{status} {body}");
    // Her token is revoked, she is matched by no log-in, and no new session or token is issued.
    let (status, _) = app.api_get(&token, "/api/v1/me").await?;
    ensure!(status == 401, "a deactivated employee's token: {status}");
    ensure!(app.store.staff_for_subject("oid-kari").await?.is_none(), "no log-in by subject");
    ensure!(app.store.staff_for_email("kari.vern@bergen.kommune.no").await?.is_none(), "no log-in by e-mail");
    ensure!(app.token(&kari).await.is_err(), "no new token");
    ensure!(
        app.store.due_reminders(chrono::Utc::now().date_naive()).await?.iter().all(|d| d.user_id != kari),
        "no reminders"
    );
    // The row stays, deactivated; a second deactivation changes nothing.
    let dir = directory(&app, &admin).await?;
    let row = dir["employees"].as_array().unwrap().iter().find(|e| e["id"] == kari.as_str()).cloned().unwrap();
    ensure!(row["active"] == false && row["deactivated_at"].is_string(), "{row}");
    let (status, _) = app.api_post(&admin, &format!("/api/v1/admin/employees/{kari}/deactivate"), json!({})).await?;
    ensure!(status == 204, "{status}");
    // An administrator does not lock themselves out.
    let (status, err) =
        app.api_post(&admin, &format!("/api/v1/admin/employees/{admin_id}/deactivate"), json!({})).await?;
    ensure!(status == 422 && err["code"] == "admin.self", "{status} {err}");
    // Reactivated, she logs in again with a new token; the old one stays revoked.
    let (status, _) = app.api_post(&admin, &format!("/api/v1/admin/employees/{kari}/activate"), json!({})).await?;
    ensure!(status == 204, "{status}");
    let (status, _) = app.api_get(&token, "/api/v1/me").await?;
    ensure!(status == 401, "the old token stays revoked: {status}");
    let fresh = app.token(&kari).await?;
    let (status, _) = app.api_get(&fresh, "/api/v1/me").await?;
    ensure!(status == 200, "{status}");
    let entries = app.store.audit_entries_after(0).await?;
    ensure!(entries.iter().any(|e| e.action == "deactivate" && e.resource_id.as_deref() == Some(kari.as_str())));
    app.stop().await;
    Ok(())
}

async fn admin_an_ended_membership_grants_nothing_and_is_kept(db: Db) -> anyhow::Result<()> {
    let (app, admin, _) = bergen(db).await?;
    let (service, kari, m) = staffed(&app, &admin).await?;
    let token = app.token(&kari).await?;
    // The same role again is the same membership.
    let again = created(
        &app,
        &admin,
        &format!("/api/v1/admin/employees/{kari}/memberships"),
        json!({"role": "case_worker", "service_id": service}),
    )
    .await?;
    ensure!(again == m, "{again} {m}");
    let (status, _) = app.api_post(&admin, &format!("/api/v1/admin/memberships/{m}/end"), json!({})).await?;
    ensure!(status == 204, "{status}");
    let (_, me) = app.api_get(&token, "/api/v1/me").await?;
    ensure!(me["memberships"].as_array().is_some_and(Vec::is_empty), "an ended membership grants nothing: {me}");
    let (status, err) = app.api_post(&token, "/api/v1/cases", new_child(&service)).await?;
    ensure!(status == 403, "no case work through an ended membership: {status} {err}");
    // The membership is kept as history, with the time it ended; ending it again changes nothing.
    let dir = directory(&app, &admin).await?;
    let row = dir["employees"].as_array().unwrap().iter().find(|e| e["id"] == kari.as_str()).cloned().unwrap();
    ensure!(
        row["memberships"][0]["id"].as_i64() == m.parse().ok() && row["memberships"][0]["ended_at"].is_string(),
        "{row}"
    );
    let (status, _) = app.api_post(&admin, &format!("/api/v1/admin/memberships/{m}/end"), json!({})).await?;
    ensure!(status == 204, "{status}");
    // A leader of the whole organisation needs no service.
    let leader =
        created(&app, &admin, &format!("/api/v1/admin/employees/{kari}/memberships"), json!({"role": "leader"}))
            .await?;
    let (_, me) = app.api_get(&token, "/api/v1/me").await?;
    ensure!(me["memberships"][0]["role"] == "leader" && me["memberships"][0]["service_id"].is_null(), "{me} {leader}");
    app.stop().await;
    Ok(())
}

async fn admin_a_non_administrator_is_refused_and_nothing_changes(db: Db) -> anyhow::Result<()> {
    let (app, admin, _) = bergen(db).await?;
    let (service, kari, m) = staffed(&app, &admin).await?;
    let worker = app.token(&kari).await?;
    let before = directory(&app, &admin).await?;
    let attempts = [
        ("/api/v1/admin/services".to_owned(), barnevern()),
        (format!("/api/v1/admin/services/{service}"), json!({"name": "Nytt navn", "phone": "12345678"})),
        (format!("/api/v1/admin/services/{service}/deactivate"), json!({})),
        ("/api/v1/admin/employees".to_owned(), json!({"display_name": "X", "email": "x@bergen.kommune.no"})),
        (format!("/api/v1/admin/employees/{kari}/memberships"), json!({"role": "administrator"})),
        (format!("/api/v1/admin/memberships/{m}/end"), json!({})),
    ];
    for (path, body) in &attempts {
        let (status, err) = app.api_post(&worker, path, body.clone()).await?;
        ensure!(status == 403 && err["code"] == "denied.not_directory_administrator", "{path}: {status} {err}");
    }
    let (status, _) = app.api_get(&worker, "/api/v1/admin/directory").await?;
    ensure!(status == 403, "{status}");
    // The administrator of another municipality administers nothing here.
    let oslo = app
        .store
        .init_municipality(&Kommunenummer::parse("0301")?, &StaffIdentity::Subject("oslo-admin".into()))
        .await?;
    let other = app.token(&oslo.admin_user_id).await?;
    let (status, err) = app.api_post(&other, &attempts[1].0, attempts[1].1.clone()).await?;
    ensure!(status == 403 && err["code"] == "denied.not_directory_administrator", "{status} {err}");
    let (status, err) = app.api_post(&other, &attempts[5].0, json!({})).await?;
    ensure!(status == 403, "{status} {err}");
    ensure!(directory(&app, &admin).await? == before, "nothing changed");
    // Each refusal is in the audit log.
    let denials = app
        .store
        .audit_entries_after(0)
        .await?
        .into_iter()
        .filter(|e| e.outcome == "deny" && e.basis.contains("administrator of the organisation"))
        .count();
    ensure!(denials >= attempts.len() + 2, "{denials} refusals audited");
    app.stop().await;
    Ok(())
}

async fn admin_bad_input_is_refused_on_its_field_and_nothing_changes(db: Db) -> anyhow::Result<()> {
    let (app, admin, _) = bergen(db).await?;
    let (service, kari, _) = staffed(&app, &admin).await?;
    let before = directory(&app, &admin).await?;
    let chain = app.store.audit_chain_length().await?;
    let with = |k: &str, v: Value| {
        let mut b = barnevern();
        b[k] = v;
        b
    };
    let cases: Vec<(String, Value, &str, &str)> = vec![
        ("/api/v1/admin/services".into(), with("orgnr", json!("964338532")), "admin.orgnr", "orgnr"),
        ("/api/v1/admin/services".into(), with("phone", json!("ring oss")), "admin.phone", "phone"),
        ("/api/v1/admin/services".into(), with("name", json!("  ")), "admin.required", "name"),
        (
            "/api/v1/admin/services".into(),
            with("service_type", json!("no-such-type")),
            "admin.service_type",
            "service_type",
        ),
        ("/api/v1/admin/services".into(), with("owner_type", json!("private")), "admin.owner_mismatch", "owner_type"),
        (
            "/api/v1/admin/services".into(),
            json!({"service_type": "ppt", "name": "PPT"}),
            "admin.contact_required",
            "phone",
        ),
        (
            format!("/api/v1/admin/services/{service}"),
            json!({"name": "PPT", "email": "ppt@bergen"}),
            "admin.email",
            "email",
        ),
        ("/api/v1/admin/employees".into(), json!({"display_name": "Ola"}), "admin.login_required", "email"),
        (
            "/api/v1/admin/employees".into(),
            json!({"display_name": "Ola", "email": "KARI.VERN@bergen.kommune.no"}),
            "admin.email_taken",
            "email",
        ),
        (
            format!("/api/v1/admin/employees/{kari}"),
            json!({"display_name": "Kari", "external_subject": "two words"}),
            "admin.subject",
            "external_subject",
        ),
        (
            format!("/api/v1/admin/employees/{kari}/memberships"),
            json!({"role": "case_worker"}),
            "admin.service_required",
            "service_id",
        ),
        (
            format!("/api/v1/admin/employees/{kari}/memberships"),
            json!({"role": "boss", "service_id": service}),
            "admin.role",
            "role",
        ),
    ];
    for (path, body, code, field) in &cases {
        let (status, err) = app.api_post(&admin, path, body.clone()).await?;
        ensure!(status == 422 && err["code"] == *code && err["field"] == *field, "{path} {body}: {status} {err}");
    }
    ensure!(directory(&app, &admin).await? == before, "nothing changed");
    // Reading the directory is audited (two reads above); the refused writes left nothing in the chain.
    let reads = app.store.audit_entries_after(chain).await?;
    ensure!(reads.iter().all(|e| e.action == "read" && e.resource_type == "directory"), "{reads:?}");
    // Unknown ids are 404, a malformed membership id 400: never a 5xx.
    let (status, _) = app.api_post(&admin, "/api/v1/admin/services/no-such/deactivate", json!({})).await?;
    ensure!(status == 404, "{status}");
    let (status, _) = app.api_post(&admin, "/api/v1/admin/memberships/abc/end", json!({})).await?;
    ensure!(status == 400, "{status}");
    let (status, _) = app.api_post(&admin, "/api/v1/admin/memberships/999999/end", json!({})).await?;
    ensure!(status == 404, "{status}");
    app.stop().await;
    Ok(())
}

async fn admin_on_the_pages_without_javascript(db: Db) -> anyhow::Result<()> {
    let (app, admin, admin_id) = bergen(db).await?;
    let secret = app.store.create_login_session(&admin_id, "test", None, chrono::Duration::hours(1)).await?;
    let browser = app.browser();
    let cookie = format!("los_session={secret}");
    let get = |path: String| browser.get(app.url(&path)).header("cookie", cookie.clone()).send();
    let res = get("/admin".into()).await?;
    ensure!(res.status() == 200, "{}", res.status());
    let html = res.text().await?;
    ensure!(html.contains("Bergen kommune") && html.contains("href=\"/admin/tjenester/ny\""), "{html}");
    let post = |path: &str, form: &[(&str, &str)]| {
        browser.post(app.url(path)).header("cookie", cookie.clone()).form(form).send()
    };
    // A bad telephone number: 422, the error summary links to the field, what was typed is kept.
    let bad = [("service_type", "ppt"), ("name", "PP-tjenesten i Bergen"), ("phone", "ring oss")];
    let res = post("/admin/tjenester/ny", &bad).await?;
    ensure!(res.status() == 422, "{}", res.status());
    let html = res.text().await?;
    ensure!(html.contains("id=\"error-summary\"") && html.contains("href=\"#adm-phone\""), "{html}");
    ensure!(html.contains("Skriv telefonnummeret med sifre"), "in bokmål: {html}");
    ensure!(html.contains("value=\"PP-tjenesten i Bergen\"") && html.contains("aria-invalid=\"true\""), "{html}");
    let dir = directory(&app, &admin).await?;
    ensure!(dir["services"].as_array().is_some_and(Vec::is_empty), "nothing changed: {dir}");
    // Then right: 303 to the service's page.
    let good = [("service_type", "ppt"), ("name", "PP-tjenesten i Bergen"), ("phone", "+47 55 56 00 00")];
    let res = post("/admin/tjenester/ny", &good).await?;
    ensure!(res.status() == 303, "{}", res.status());
    let location = res.headers()["location"].to_str()?.to_owned();
    ensure!(location.starts_with("/admin/tjenester/tjeneste-"), "{location}");
    let service = location.trim_start_matches("/admin/tjenester/").to_owned();
    // An employee and a role on the pages.
    let res = post("/admin/ansatte/ny", &[("display_name", "Per Pedagog"), ("email", "per@bergen.kommune.no")]).await?;
    ensure!(res.status() == 303, "{}", res.status());
    let emp = res.headers()["location"].to_str()?.trim_start_matches("/admin/ansatte/").to_owned();
    let res = post(&format!("/admin/ansatte/{emp}/roller"), &[("role", "case_worker"), ("service_id", "")]).await?;
    ensure!(res.status() == 422, "{}", res.status());
    ensure!(res.text().await?.contains("href=\"#adm-service_id\""), "the error on the service field");
    let res =
        post(&format!("/admin/ansatte/{emp}/roller"), &[("role", "case_worker"), ("service_id", &service)]).await?;
    ensure!(res.status() == 303, "{}", res.status());
    let html = get(format!("/admin/ansatte/{emp}")).await?.text().await?;
    ensure!(html.contains("Saksbehandler") && html.contains("PP-tjenesten i Bergen"), "{html}");
    // Deactivating the service takes it out of the public directory; the administrator still sees it.
    let res = post(&format!("/admin/tjenester/{service}/deaktiver"), &[]).await?;
    ensure!(res.status() == 303, "{}", res.status());
    let (_, public) = app.api_get(&admin, "/api/v1/services").await?;
    ensure!(!public.to_string().contains(&service), "{public}");
    let html = get("/tjenester".into()).await?.text().await?;
    ensure!(!html.contains("PP-tjenesten i Bergen"), "the directory page");
    let html = get(format!("/admin/tjenester/{service}")).await?.text().await?;
    ensure!(html.contains("Deaktivert") && html.contains("/aktiver"), "{html}");
    // Its own page still answers (cases name it), saying it is no longer in use.
    let html = get(format!("/tjenester/{service}")).await?.text().await?;
    ensure!(html.contains("id=\"service-inactive\"") && html.contains("ikke lenger i bruk"), "{html}");
    // A non-administrator is refused the pages.
    let per = app.store.create_login_session(&emp, "test", None, chrono::Duration::hours(1)).await?;
    let res = browser.get(app.url("/admin")).header("cookie", format!("los_session={per}")).send().await?;
    ensure!(res.status() == 403, "{}", res.status());
    // Ending a role leads back to the employee whose role it was, whatever employee the form's URL named.
    let dir = directory(&app, &admin).await?;
    let row = dir["employees"].as_array().and_then(|es| es.iter().find(|e| e["id"] == emp.as_str())).cloned();
    let mid = row.as_ref().and_then(|e| e["memberships"][0]["id"].as_i64()).context("Per's membership")?;
    let res = post(&format!("/admin/ansatte/{admin_id}/roller/{mid}/avslutt"), &[]).await?;
    ensure!(res.status() == 303, "{}", res.status());
    ensure!(res.headers()["location"].to_str()? == format!("/admin/ansatte/{emp}"), "{:?}", res.headers());
    app.stop().await;
    Ok(())
}
