//! Sentences under the correctional service over HTTP (spec 01 §5.2, §8.H item 32): a prison sentence is
//! recorded by the youth unit and a community sentence by the probation office, each leading its team; the
//! transition plan after the sentence is built from measures in the cooperation plan, is linked to the
//! individual plan, and is prompted on the worklist when the end is near and core areas are missing.

use anyhow::ensure;
use los_tests::{Db, TestApp};
use serde_json::{Value, json};

crate::tests!(prison_sentence_prepares_the_release, community_sentence_is_led_by_the_probation_office);

const CASE: &str = "/api/v1/cases/sak-overgang";

/// Jonas (17) consents to the correctional service's units getting what they need, and OT adds them.
async fn bring_in_the_correctional_service(app: &TestApp) -> anyhow::Result<()> {
    let jonas = app.token("jonas").await?;
    let ot = app.token("ot").await?;
    let today = chrono::Utc::now().date_naive();
    let (status, c) = app.api_post(&jonas, &format!("{CASE}/consents"), json!({
        "domain": "child_welfare", "givers": [{"person_id": "person-jonas", "capacity": "child"}],
        "from_services": ["demofylke-ot", "nav-stat-mellomvik"], "to_services": ["ungdomsenhet-demo", "friomsorg-demo"],
        "categories": ["general"], "purpose": "Samarbeid under og etter straffegjennomføringen",
        "consequences": "Kriminalomsorgen får vite om skole- og arbeidsplanene",
        "form": "digital", "valid_from": today.to_string(), "valid_to": (today + chrono::Duration::days(365)).to_string()
    })).await?;
    ensure!(status == 201, "{status} {c}");
    for s in ["ungdomsenhet-demo", "friomsorg-demo"] {
        let (status, r) = app
            .api_post(&ot, &format!("{CASE}/participants"), json!({"service_id": s, "reason": "Straffegjennomføring"}))
            .await?;
        ensure!(status == 204, "{s}: {status} {r}");
    }
    Ok(())
}

fn sentence(kind: &str, starts: chrono::NaiveDate, ends: chrono::NaiveDate) -> Value {
    json!({"kind": kind, "starts_on": starts.to_string(), "ends_on": ends.to_string(),
        "team": [{"role": "guardian", "name": "Tone Verge"}, {"role": "service", "service_id": "demofylke-ot", "name": "OT"}]})
}

async fn prison_sentence_prepares_the_release(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    bring_in_the_correctional_service(&app).await?;
    let unit = app.token("ungdomsenhet").await?;
    let ot = app.token("ot").await?;
    let today = chrono::Utc::now().date_naive();
    let ends = today + chrono::Duration::days(30);
    let body = sentence("prison", today - chrono::Duration::days(300), ends);
    // Only the youth unit records a prison sentence; a measure outside a sentence is not a release measure.
    let (status, err) = app.api_post(&app.token("friomsorg").await?, &format!("{CASE}/sentence"), body.clone()).await?;
    ensure!(status == 422 && err["code"] == "sentence.not_youth_unit", "{status} {err}");
    let release = |area: &str, service: &str, kind: &str| json!({"kind": kind, "title": format!("Tiltak for {area}"), "responsible_service": service, "release_area": area});
    let (status, err) =
        app.api_post(&unit, &format!("{CASE}/plan"), release("housing", "ungdomsenhet-demo", "measure")).await?;
    ensure!(status == 422 && err["code"] == "plan.release_area", "no sentence yet: {status} {err}");
    let (status, r) = app.api_post(&unit, &format!("{CASE}/sentence"), body).await?;
    ensure!(status == 201, "{status} {r}");

    let (_, case) = app.api_get(&unit, CASE).await?;
    let s = &case["cooperation"]["sentence"];
    ensure!(s["kind"] == "prison" && s["youth_coordinator_service"] == "ungdomsenhet-demo", "{s}");
    ensure!(
        s["team"].as_array().unwrap().iter().any(|m| m[0] == "correctional_service" && m[1] == "Ugo Enhet"),
        "the youth unit leads the team: {s}"
    );
    ensure!(
        s["release_due"] == true
            && s["release_missing"] == json!(["housing", "education_work", "health", "follow_up_after"]),
        "{s}"
    );
    let (_, tasks) = app.api_get(&unit, "/api/v1/me/tasks").await?;
    ensure!(
        tasks.as_array().unwrap().iter().any(|t| t["kind"] == "prepare_release"
            && t["date"] == ends.to_string()
            && t["detail"] == "housing,education_work,health,follow_up_after"),
        "{tasks}"
    );

    // The team builds the transition plan, each service its own measures.
    let (status, err) =
        app.api_post(&unit, &format!("{CASE}/plan"), release("housing", "ungdomsenhet-demo", "goal")).await?;
    ensure!(status == 422 && err["code"] == "plan.release_area", "a goal is not a release measure: {status} {err}");
    let (status, err) =
        app.api_post(&unit, &format!("{CASE}/plan"), release("garden", "ungdomsenhet-demo", "measure")).await?;
    ensure!(status == 422 && err["code"] == "plan.release_area_unknown", "{status} {err}");
    let (status, _) =
        app.api_post(&unit, &format!("{CASE}/plan"), release("education_work", "demofylke-ot", "measure")).await?;
    ensure!(status == 403, "the youth unit cannot create OT's measure: {status}");
    for (who, area, service) in [
        (&unit, "housing", "ungdomsenhet-demo"),
        (&ot, "education_work", "demofylke-ot"),
        (&ot, "health", "demofylke-ot"),
    ] {
        let (status, r) = app.api_post(who, &format!("{CASE}/plan"), release(area, service, "measure")).await?;
        ensure!(status == 201, "{area}: {status} {r}");
    }
    let (_, case) = app.api_get(&unit, CASE).await?;
    ensure!(
        case["cooperation"]["sentence"]["release_missing"] == json!(["follow_up_after"]),
        "{}",
        case["cooperation"]["sentence"]
    );
    ensure!(
        case["cooperation"]["plan"].as_array().unwrap().iter().filter(|p| !p["release_area"].is_null()).count() == 3,
        "release measures are in the cooperation plan"
    );

    // Through the page: the transition plan, linked to Jonas's individual plan held by NAV.
    let c = app.logged_in("ungdomsenhet").await?;
    let html = c.get(app.url("/saker/sak-overgang")).send().await?.text().await?;
    ensure!(
        html.contains("Overgangsplan etter straffen")
            && html.contains(&format!("Straffen slutter {ends}"))
            && html.contains("knyttet til den individuelle planen hos")
            && html.contains("Overgangsplan: Bolig"),
        "the transition plan on the page"
    );
    let res = c
        .post(app.url("/saker/sak-overgang/plan"))
        .form(&[
            ("kind", "measure"),
            ("title", "Fast kontaktperson i NAV og OT de første månedene etter løslatelsen"),
            ("service", "ungdomsenhet-demo"),
            ("measure_type", "help"),
            ("release_area", "follow_up_after"),
        ])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let (_, case) = app.api_get(&unit, CASE).await?;
    let s = &case["cooperation"]["sentence"];
    ensure!(s["release_missing"] == json!([]) && s["release_due"] == false, "{s}");
    let (_, tasks) = app.api_get(&unit, "/api/v1/me/tasks").await?;
    ensure!(!tasks.as_array().unwrap().iter().any(|t| t["kind"] == "prepare_release"), "{tasks}");

    // A report that a measure was not followed goes to the youth unit, not to the reporting service.
    let (status, _) = app
        .api_post(&ot, &format!("{CASE}/non-compliance"), json!({"description": "Møtte ikke til skoleavtalen"}))
        .await?;
    ensure!(status == 204, "{status}");
    let (_, mine) = app.api_get(&unit, CASE).await?;
    ensure!(mine["cooperation"]["sentence"]["reports"].as_array().unwrap().len() == 1, "routed to the lead");
    let (_, theirs) = app.api_get(&ot, CASE).await?;
    ensure!(theirs["cooperation"]["sentence"]["reports"].as_array().unwrap().is_empty(), "not shown to OT");
    app.stop().await;
    Ok(())
}

async fn community_sentence_is_led_by_the_probation_office(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    bring_in_the_correctional_service(&app).await?;
    let today = chrono::Utc::now().date_naive();
    let body = sentence("community_sentence", today, today + chrono::Duration::days(240));
    let (status, err) =
        app.api_post(&app.token("ungdomsenhet").await?, &format!("{CASE}/sentence"), body.clone()).await?;
    ensure!(status == 422 && err["code"] == "sentence.not_probation_office", "{status} {err}");
    // Without a guardian for Jonas (17, no parent with parental responsibility on record) the team is incomplete.
    let mut no_guardian = body.clone();
    no_guardian["team"] = json!([]);
    let friomsorg = app.token("friomsorg").await?;
    let (status, err) = app.api_post(&friomsorg, &format!("{CASE}/sentence"), no_guardian).await?;
    ensure!(status == 422 && err["code"] == "sentence.mandatory_slot", "{status} {err}");
    let (status, r) = app.api_post(&friomsorg, &format!("{CASE}/sentence"), body).await?;
    ensure!(status == 201, "{status} {r}");
    let (_, case) = app.api_get(&friomsorg, CASE).await?;
    let s = &case["cooperation"]["sentence"];
    ensure!(
        s["kind"] == "community_sentence"
            && s["youth_coordinator_service"] == "friomsorg-demo"
            && s["release_due"] == false,
        "eight months ahead, no prompt yet: {s}"
    );
    // The page explains a refused start in the user's language.
    let res = app
        .logged_in("ungdomsenhet")
        .await?
        .post(app.url("/saker/sak-overgang/straff"))
        .form(&[
            ("kind", "prison"),
            ("starts_on", &today.to_string()),
            ("ends_on", "2027-12-01"),
            ("guardian", "Tone Verge"),
            ("police_contact", ""),
            ("correctional_service", ""),
            ("network", ""),
        ])
        .send()
        .await?;
    ensure!(res.status() == 422, "{}", res.status());
    let html = res.text().await?;
    ensure!(
        html.contains("allerede en registrert straff"),
        "one sentence per case: {}",
        html.split("ds-error-summary").nth(1).unwrap_or(&html).chars().take(400).collect::<String>()
    );
    app.stop().await;
    Ok(())
}
