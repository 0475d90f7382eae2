//! Confidentiality by construction: consents open services' records and withdrawal closes them at once;
//! who may consent; only the owning service writes; the protected address; young people's health
//! information; break-the-glass; the family's access log and leaders' report; anonymous consultation.

use anyhow::ensure;
use los_tests::{Db, TestApp};
use serde_json::{Value, json};

crate::tests!(
    consent_opens_records_and_withdrawal_closes_them_at_once,
    who_may_consent_follows_the_law_and_age,
    only_the_owning_service_writes_its_records,
    protected_address_only_for_services_that_must_know,
    young_persons_health_information_is_kept_from_parents,
    break_the_glass_is_reasoned_time_limited_flagged_and_visible,
    family_sees_who_read_their_data,
    consent_pages_record_withdraw_and_renew,
    anonymous_consultation_removes_identifiers,
    family_gives_a_relative_access_to_the_overview,
);

async fn family_gives_a_relative_access_to_the_overview(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let gran = app.token("mormor").await?;
    let (status, err) = app.api_get(&gran, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 403 && err["code"] == "denied.not_family", "{status} {err}");
    let sofia = app.logged_in("sofia").await?;
    // A mistyped number: a clear message on the field, and nothing changes.
    let res = sofia.post(app.url("/saker/sak-sofia-daniel/familie")).form(&[("fnr", "19886212345")]).send().await?;
    ensure!(res.status() == 422, "{}", res.status());
    let html = res.text().await?;
    ensure!(
        html.contains("kontrollsiffer")
            && html.contains("aria-invalid=\"true\"")
            && html.contains("href=\"#relative-fnr\""),
        "field error"
    );
    let (status, _) = app.api_get(&gran, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 403, "a refused invitation changed something");
    // The right number gives access to the overview only.
    let fnr = los_store::demo::synthetic_fnr("1962-08-19".parse()?);
    let res = sofia.post(app.url("/saker/sak-sofia-daniel/familie")).form(&[("fnr", fnr.as_str())]).send().await?;
    ensure!(res.status().is_redirection(), "invite: {}", res.status());
    let (status, case) = app.api_get(&gran, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 200 && case["access_basis"].as_str().unwrap().contains("given access"), "{status} {case}");
    ensure!(
        case["notes"].as_array().unwrap().is_empty() && case["hidden_notes"].as_u64().unwrap() >= 3,
        "overview only: {case}"
    );
    ensure!(case["address"].is_null(), "the protected address stays hidden");
    // Services cannot hand out the family's access.
    let teacher = app.logged_in("laerer").await?;
    let res = teacher.post(app.url("/saker/sak-sofia-daniel/familie")).form(&[("fnr", fnr.as_str())]).send().await?;
    ensure!(res.status() == 422 || res.status() == 403, "{}", res.status());
    // Sofia takes it back.
    let res = sofia
        .post(app.url("/saker/sak-sofia-daniel/familie/fjern"))
        .form(&[("person", "person-mormor")])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "revoke: {}", res.status());
    let (status, _) = app.api_get(&gran, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 403, "access must end when the family takes it back");
    app.stop().await;
    Ok(())
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> anyhow::Result<(u16, Value)> {
    app.api_post(token, path, body).await
}

fn note_ids(case: &Value) -> Vec<String> {
    case["notes"]
        .as_array()
        .map(|a| a.iter().map(|n| n["id"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

async fn consent_opens_records_and_withdrawal_closes_them_at_once(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let teacher = app.token("laerer").await?;
    let (status, case) = app.api_get(&teacher, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 200, "{status} {case}");
    let notes = note_ids(&case);
    // The school's own note, and NAV's note through Sofia's consent; not child welfare's own record.
    ensure!(notes.contains(&"notat-demo-2".to_owned()) && notes.contains(&"notat-demo-3".to_owned()), "{notes:?}");
    ensure!(
        !notes.contains(&"notat-demo-1".to_owned()) && case["hidden_notes"] == 1,
        "child-welfare note must stay hidden: {case}"
    );
    let nav = case["notes"].as_array().unwrap().iter().find(|n| n["id"] == "notat-demo-3").unwrap();
    ensure!(nav["access_basis"].as_str().unwrap().contains("consent samtykke-sofia-barnevern-samordner"), "{nav}");

    // Sofia withdraws her consent: access ends at once.
    let sofia = app.token("sofia").await?;
    let (status, _) = post(
        &app,
        &sofia,
        "/api/v1/consents/samtykke-sofia-barnevern-samordner/withdraw",
        json!({"reason": "Vil snakke med hver tjeneste selv"}),
    )
    .await?;
    ensure!(status == 204, "withdraw: {status}");
    let (_, case) = app.api_get(&teacher, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(
        !note_ids(&case).contains(&"notat-demo-3".to_owned()) && case["hidden_notes"] == 2,
        "after withdrawal: {case}"
    );
    let consent =
        case["consents"].as_array().unwrap().iter().find(|c| c["id"] == "samtykke-sofia-barnevern-samordner").unwrap();
    ensure!(consent["status"] == "withdrawn" && consent["withdrawal_reason"].is_string(), "{consent}");
    // Withdrawing twice is refused and changes nothing.
    let (status, body) =
        post(&app, &sofia, "/api/v1/consents/samtykke-sofia-barnevern-samordner/withdraw", json!({})).await?;
    ensure!(status == 422 && body["code"] == "consent.already_withdrawn", "{status} {body}");
    // The expired crisis-centre consent grants nothing.
    let old = case["consents"].as_array().unwrap().iter().find(|c| c["id"] == "samtykke-sofia-krisesenter").unwrap();
    ensure!(old["status"] == "expired", "{old}");
    app.stop().await;
    Ok(())
}

async fn who_may_consent_follows_the_law_and_age(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let today = chrono::Utc::now().date_naive();
    let body = |domain: &str, givers: Value| {
        json!({
            "domain": domain, "givers": givers,
            "from_services": ["mellomvik-barnevern"], "to_services": ["bup-demo"], "categories": ["child_welfare"],
            "purpose": "Henvisning til BUP", "consequences": "BUP får bakgrunnen; uten samtykke må familien fortelle selv",
            "form": "written", "valid_from": today.to_string(), "valid_to": (today + chrono::Duration::days(90)).to_string()
        })
    };
    let (_, before) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    let n = before["consents"].as_array().unwrap().len();
    // Daniel is 8: the child cannot consent alone; his mother with parental responsibility can.
    let (status, err) = post(
        &app,
        &bv,
        "/api/v1/cases/sak-sofia-daniel/consents",
        body("general", json!([{"person_id": "person-daniel", "capacity": "child"}])),
    )
    .await?;
    ensure!(status == 422 && err["code"] == "consent.wrong_givers", "{status} {err}");
    let (_, after) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(after["consents"].as_array().unwrap().len() == n, "a refused consent must change nothing");
    let (status, ok) = post(
        &app,
        &bv,
        "/api/v1/cases/sak-sofia-daniel/consents",
        body("general", json!([{"person_id": "person-sofia", "capacity": "parent"}])),
    )
    .await?;
    ensure!(
        status == 201 && ok["status"] == "active" && ok["givers"][0]["age"].as_u64().unwrap() >= 30,
        "{status} {ok}"
    );
    // Adam is 17: in child welfare he consents alone from 15; his mother alone is not enough.
    let (status, err) = post(
        &app,
        &bv,
        "/api/v1/cases/sak-adam/consents",
        body("child_welfare", json!([{"person_id": "person-adam-mor", "capacity": "parent"}])),
    )
    .await?;
    ensure!(
        status == 422 && err["code"] == "consent.wrong_givers" && err["detail"].as_str().unwrap().contains("15"),
        "{status} {err}"
    );
    let (status, ok) = post(
        &app,
        &bv,
        "/api/v1/cases/sak-adam/consents",
        body("child_welfare", json!([{"person_id": "person-adam", "capacity": "child"}])),
    )
    .await?;
    ensure!(status == 201 && ok["givers"][0]["age"] == 17, "{status} {ok}");
    // Measures directed at the parents need both.
    let mut b = body("child_welfare", json!([{"person_id": "person-adam", "capacity": "child"}]));
    b["measures_directed_at_parents"] = json!(true);
    let (status, err) = post(&app, &bv, "/api/v1/cases/sak-adam/consents", b).await?;
    ensure!(status == 422 && err["code"] == "consent.wrong_givers", "{status} {err}");
    // The family must be told the purpose and the consequences.
    let mut b = body("general", json!([{"person_id": "person-sofia", "capacity": "parent"}]));
    b["consequences"] = json!(" ");
    let (status, err) = post(&app, &bv, "/api/v1/cases/sak-sofia-daniel/consents", b).await?;
    ensure!(status == 422 && err["code"] == "consent.not_informed", "{status} {err}");
    // A service outside the case cannot record consent in it.
    let skole = app.token("skole").await?;
    let (status, err) = post(
        &app,
        &skole,
        "/api/v1/cases/sak-sofia-daniel/consents",
        body("general", json!([{"person_id": "person-sofia", "capacity": "parent"}])),
    )
    .await?;
    ensure!(status == 403 && err["code"] == "denied.not_participant", "{status} {err}");
    app.stop().await;
    Ok(())
}

async fn only_the_owning_service_writes_its_records(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let teacher = app.token("laerer").await?;
    let (status, err) = post(
        &app,
        &teacher,
        "/api/v1/cases/sak-sofia-daniel/notes",
        json!({"service_id": "mellomvik-barnevern", "category": "child_welfare", "body": "Forsøk"}),
    )
    .await?;
    ensure!(status == 403 && err["code"] == "denied.not_owning_service", "{status} {err}");
    let (status, err) = post(
        &app,
        &teacher,
        "/api/v1/cases/sak-sofia-daniel/notes",
        json!({"service_id": "mellomvik-skole", "category": "education", "body": "  "}),
    )
    .await?;
    ensure!(status == 422 && err["code"] == "note.empty", "{status} {err}");
    let (status, created) = post(
        &app,
        &teacher,
        "/api/v1/cases/sak-sofia-daniel/notes",
        json!({"service_id": "mellomvik-skole", "category": "education", "body": "Daniel deltar mer i timene."}),
    )
    .await?;
    ensure!(status == 201, "{status} {created}");
    // Child welfare reads it through Sofia's consent (education from the school to child welfare).
    let bv = app.token("barnevern").await?;
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    let n = case["notes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == created["id"])
        .expect("new note visible to child welfare");
    ensure!(n["access_basis"].as_str().unwrap().starts_with("consent"), "{n}");
    // Citizens never write.
    let sofia = app.token("sofia").await?;
    let (status, _) = post(
        &app,
        &sofia,
        "/api/v1/cases/sak-sofia-daniel/notes",
        json!({"service_id": "mellomvik-skole", "category": "education", "body": "x"}),
    )
    .await?;
    ensure!(status == 403, "{status}");
    app.stop().await;
    Ok(())
}

async fn protected_address_only_for_services_that_must_know(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let (_, case) = app.api_get(&app.token("barnevern").await?, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(case["address"] == "Fjellveien 7, 9901 Mellomvik", "child welfare must know: {}", case["address"]);
    let (_, case) = app.api_get(&app.token("laerer").await?, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(case["address"].is_null() && case["address_hidden_reason"] == "protected_address", "laerer: {case}");
    ensure!(!case.to_string().contains("Fjellveien"), "a service that need not know sees the protected address");
    // Sofia lives at the protected address with Daniel: it is her own address too.
    let (_, case) = app.api_get(&app.token("sofia").await?, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(
        case["address"] == "Fjellveien 7, 9901 Mellomvik",
        "the household knows its own address: {}",
        case["address"]
    );
    let c = app.logged_in("laerer").await?;
    let html = c.get(app.url("/saker/sak-sofia-daniel")).send().await?.text().await?;
    ensure!(!html.contains("Fjellveien") && html.contains("Strengt fortrolig adresse"), "page leaks the address");
    // An unprotected address is shown to participants.
    let (_, case) = app.api_get(&app.token("uk").await?, "/api/v1/cases/sak-adam").await?;
    ensure!(case["address"] == "Bjørkeveien 22, 9901 Mellomvik", "{}", case["address"]);
    app.stop().await;
    Ok(())
}

async fn young_persons_health_information_is_kept_from_parents(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let (_, own) = app.api_get(&app.token("adam").await?, "/api/v1/cases/sak-adam").await?;
    ensure!(note_ids(&own).contains(&"notat-demo-4".to_owned()), "Adam reads his own health note: {own}");
    let (status, mum) = app.api_get(&app.token("hilde").await?, "/api/v1/cases/sak-adam").await?;
    ensure!(status == 200, "mother with parental responsibility reads the case");
    ensure!(
        !note_ids(&mum).contains(&"notat-demo-4".to_owned()) && mum["hidden_notes"].as_u64().unwrap() >= 1,
        "Adam is 17: {mum}"
    );
    ensure!(note_ids(&mum).contains(&"notat-demo-5".to_owned()), "school information is not health information");
    // Only a health service may set the 12–16 rule; the school cannot.
    let uk = app.token("uk").await?;
    let c = app.logged_in("uk").await?;
    let res = c
        .post(app.url("/saker/sak-adam/helse-skjerming"))
        .form(&[("service", "konfliktradet-demo"), ("private", "true")])
        .send()
        .await?;
    ensure!(res.status() == 422, "non-health service set health privacy: {}", res.status());
    ensure!(res.text().await?.contains("Bare en helsetjeneste kan avgjøre dette"), "the refusal explains itself");
    let _ = uk;
    let hs = app.logged_in("helsesykepleier").await?;
    let res = hs
        .post(app.url("/saker/sak-adam/helse-skjerming"))
        .form(&[("service", "mellomvik-helsestasjon"), ("private", "true")])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "health service sets it: {}", res.status());
    app.stop().await;
    Ok(())
}

async fn break_the_glass_is_reasoned_time_limited_flagged_and_visible(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let skole = app.token("skole").await?;
    let (status, _) = app.api_get(&skole, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 403);
    let (status, err) =
        post(&app, &skole, "/api/v1/cases/sak-sofia-daniel/break-glass", json!({"reason": "akutt"})).await?;
    ensure!(status == 422 && err["code"] == "break_glass.reason", "{status} {err}");
    let (status, _) = post(
        &app,
        &app.token("admin").await?,
        "/api/v1/cases/sak-sofia-daniel/break-glass",
        json!({"reason": "administrator vil se saken"}),
    )
    .await?;
    ensure!(status == 403, "administrators cannot break the glass");
    let (status, grant) = post(
        &app,
        &skole,
        "/api/v1/cases/sak-sofia-daniel/break-glass",
        json!({"reason": "Daniel er savnet fra skolen, trenger kontakt med mor nå"}),
    )
    .await?;
    ensure!(status == 201, "{status} {grant}");
    let expires: chrono::DateTime<chrono::Utc> = grant["expires_at"].as_str().unwrap().parse()?;
    let hours = (expires - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    ensure!((3.9..=4.01).contains(&hours), "grant lasts {hours} hours");
    let (status, case) = app.api_get(&skole, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 200 && case["access_basis"].as_str().unwrap().starts_with("break-the-glass"), "{status} {case}");
    // Emergency access opens the case for reading, but never the protected address.
    ensure!(case["address"].is_null(), "emergency access does not reveal the protected address");
    // Flagged to leaders.
    let leder = app.token("leder").await?;
    let (status, report) = app.api_get(&leder, "/api/v1/reports/access").await?;
    ensure!(
        status == 200
            && report["break_glass"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["user_id"] == "skole" && g["reviewed_by"].is_null()),
        "{report}"
    );
    ensure!(report["denials"].as_u64().unwrap() >= 2, "the denied read and the administrator's attempt: {report}");
    let (status, _) = app.api_get(&skole, "/api/v1/reports/access").await?;
    ensure!(status == 403, "only leaders report");
    // Visible to the family.
    let (_, log) = app.api_get(&app.token("sofia").await?, "/api/v1/me/access-log").await?;
    ensure!(
        log.as_array().unwrap().iter().any(|l| l["action"] == "break_glass" && l["who"] == "Sindre Skole"),
        "{log}"
    );
    app.stop().await;
    Ok(())
}

async fn family_sees_who_read_their_data(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    app.api_get(&app.token("barnevern").await?, "/api/v1/cases/sak-sofia-daniel").await?;
    app.api_get(&app.token("skole").await?, "/api/v1/cases/sak-sofia-daniel").await?;
    app.api_get(&app.token("uk").await?, "/api/v1/cases/sak-adam").await?;
    let (status, log) = app.api_get(&app.token("sofia").await?, "/api/v1/me/access-log").await?;
    ensure!(status == 200, "{status}");
    let lines = log.as_array().unwrap();
    ensure!(
        lines.iter().any(|l| l["who"] == "Berit Vern"
            && l["service"] == "Barnevernstjenesten i Mellomvik"
            && l["action"] == "read"
            && l["basis"].as_str().unwrap().contains("mellomvik-barnevern")),
        "{log}"
    );
    ensure!(
        lines.iter().any(|l| l["who"] == "Sindre Skole" && l["outcome"] == "deny"),
        "denials are visible to the family too"
    );
    ensure!(lines.iter().all(|l| l["case_id"] == "sak-sofia-daniel"), "Sofia sees only her family's log");
    let employee = app.token("barnevern").await?;
    let before = app.store.verify_audit_chain().await?.checked;
    let (status, err) = app.api_get(&employee, "/api/v1/me/access-log").await?;
    ensure!(status == 403 && err["code"] == "denied.citizens_only", "{status} {err}");
    ensure!(app.store.verify_audit_chain().await?.checked == before + 1, "the denial is recorded");
    let c = app.logged_in("sofia").await?;
    let html = c.get(app.url("/meg/tilgangslogg")).send().await?.text().await?;
    ensure!(html.contains("Berit Vern") && html.contains("Avvist"), "access log page");
    app.stop().await;
    Ok(())
}

async fn consent_pages_record_withdraw_and_renew(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let c = app.logged_in("barnevern").await?;
    let html = c.get(app.url("/saker/sak-sofia-daniel")).send().await?.text().await?;
    ensure!(html.contains("går ut") && html.contains("Samtykker"), "expiry warning on the case page");
    // Missing givers: the error summary links to the field, and nothing is stored.
    let today = chrono::Utc::now().date_naive();
    let (from, to, renew_to) = (
        today.to_string(),
        (today + chrono::Duration::days(365)).to_string(),
        (today + chrono::Duration::days(800)).to_string(),
    );
    let form = [
        ("domain", "general"),
        ("from", "mellomvik-barnevern"),
        ("to", "bup-demo"),
        ("category", "general"),
        ("purpose", "Henvisning"),
        ("consequences", "BUP får bakgrunnen"),
        ("form", "written"),
        ("valid_from", from.as_str()),
        ("valid_to", to.as_str()),
    ];
    let res = c.post(app.url("/saker/sak-sofia-daniel/samtykker")).form(&form).send().await?;
    ensure!(res.status() == 422, "{}", res.status());
    let html = res.text().await?;
    ensure!(html.contains("href=\"#consent-giver\"") && html.contains("Velg hvem som samtykker"), "error summary");
    let mut with_giver = form.to_vec();
    with_giver.push(("giver", "person-sofia:parent"));
    let res = c.post(app.url("/saker/sak-sofia-daniel/samtykker")).form(&with_giver).send().await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let bv = app.token("barnevern").await?;
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    let new = case["consents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["to_services"] == json!(["bup-demo"]))
        .expect("consent recorded");
    let id = new["id"].as_str().unwrap().to_owned();
    // Renew, then withdraw the renewal.
    let res = c
        .post(app.url(&format!("/samtykker/{id}/forny")))
        .form(&[("case_id", "sak-sofia-daniel"), ("valid_to", renew_to.as_str())])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "renew {}", res.status());
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    let renewal = case["consents"].as_array().unwrap().iter().find(|k| k["renews"] == json!(id)).expect("renewal");
    ensure!(renewal["valid_to"] == json!(renew_to), "{renewal}");
    // Sofia gives consent digitally herself.
    let s = app.logged_in("sofia").await?;
    let mut sofia_form: Vec<(&str, &str)> = form.iter().filter(|(k, _)| *k != "form").copied().collect();
    sofia_form.push(("giver", "person-sofia:parent"));
    let res = s.post(app.url("/saker/sak-sofia-daniel/samtykker")).form(&sofia_form).send().await?;
    ensure!(res.status().is_redirection(), "sofia's digital consent: {}", res.status());
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(
        case["consents"].as_array().unwrap().iter().any(|k| k["form"] == "digital" && k["recorded_by"] == "sofia"),
        "digital consent"
    );
    app.stop().await;
    Ok(())
}

async fn anonymous_consultation_removes_identifiers(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let c = app.logged_in("barnevern").await?;
    let text = "Daniel Berg (8) bor med mor Sofia i Fjellveien 7, 9901 Mellomvik. Ring 912 34 567. Han har Prader-Willi syndrom.";
    let res = c.post(app.url("/saker/sak-sofia-daniel/anonym")).form(&[("text", text)]).send().await?;
    ensure!(res.status() == 200, "{}", res.status());
    let html = res.text().await?;
    let result = html.split("id=\"anon-result\"").nth(1).unwrap_or_default();
    ensure!(
        !result.contains("Daniel")
            && !result.contains("Fjellveien")
            && !result.contains("912 34 567")
            && result.contains("[navn]"),
        "{result}"
    );
    ensure!(result.contains("prader-willi") || result.contains("syndrom"), "rare-condition warning expected: {result}");
    let outsider = app.logged_in("skole").await?;
    let res = outsider.post(app.url("/saker/sak-sofia-daniel/anonym")).form(&[("text", text)]).send().await?;
    ensure!(res.status() == 403, "outsiders cannot anonymise another service's case: {}", res.status());
    app.stop().await;
    Ok(())
}
