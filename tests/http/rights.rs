//! Individual-rights screening over HTTP (spec 01 §8.C item 15): once cooperation is necessary the services
//! are prompted to screen the rights to an individual plan, a coordinator and a child coordinator; a right
//! in place anchors the case to the service that holds it; an appointed child coordinator takes over the
//! coordination and locks it (pbrl § 2-5 c, hol § 7-2 a); every refusal explains itself and changes nothing.

use anyhow::ensure;
use los_tests::{Db, TestApp};
use serde_json::{Value, json};

crate::tests!(screening_prompts_anchors_and_the_child_coordinator_coordinates, screening_through_the_pages);

fn rights(case: &Value) -> &Value {
    &case["cooperation"]["rights"]
}

fn current<'a>(case: &'a Value, kind: &str) -> Option<&'a Value> {
    rights(case)["current"].as_array().unwrap().iter().find(|r| r["kind"] == kind)
}

const ADAM: &str = "/api/v1/cases/sak-adam";

async fn screening_prompts_anchors_and_the_child_coordinator_coordinates(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let uk = app.token("uk").await?;
    let hs = app.token("helsesykepleier").await?;
    let rights_path = format!("{ADAM}/rights");

    // The demo: the plan is asked for at child welfare, no child coordinator; the coordinator right is open.
    let (status, case) = app.api_get(&uk, ADAM).await?;
    ensure!(status == 200, "{status}");
    ensure!(rights(&case)["to_screen"] == json!(["coordinator"]), "{}", rights(&case));
    let ip = current(&case, "individual_plan").unwrap();
    ensure!(
        ip["outcome"] == "requested"
            && ip["service_id"] == "mellomvik-barnevern"
            && ip["legal_basis"].as_array().unwrap().iter().any(|l| l == "barnevernsloven § 15-9"),
        "{ip}"
    );
    let coordinator_before = case["cooperation"]["current"]["service_id"].clone();
    let (_, tasks) = app.api_get(&uk, "/api/v1/me/tasks").await?;
    ensure!(
        tasks
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["kind"] == "screen_rights" && t["case_id"] == "sak-adam" && t["detail"] == "coordinator"),
        "the coordinating service is prompted: {tasks}"
    );

    // Refusals explain themselves and change nothing.
    let good_cc = json!({"right": "child_coordinator", "outcome": "in_place", "service_id": "mellomvik-helsestasjon",
        "person": "Hanne Helse", "reasoning": "Adam har fått en alvorlig diagnose; familien har søkt om barnekoordinator",
        "child_view": "Adam vil ha Hanne", "parents_view": "Foreldrene samtykker til oppnevningen"});
    let with = |k: &str, v: Value| {
        let mut b = good_cc.clone();
        b[k] = v;
        b
    };
    for (who, body, code) in [
        (&uk, json!({"right": "coordinator", "outcome": "not_entitled", "reasoning": " "}), "rights.reasoning"),
        (
            &uk,
            json!({"right": "individual_plan", "outcome": "in_place", "service_id": "mellomvik-barnevern", "reasoning": "Planen finnes"}),
            "rights.not_own_service",
        ),
        (
            &uk,
            json!({"right": "individual_plan", "outcome": "in_place", "service_id": "bup-demo", "reasoning": "Planen finnes"}),
            "rights.not_participant",
        ),
        (
            &uk,
            json!({"right": "coordinator", "outcome": "requested", "service_id": "finnes-ikke", "reasoning": "Meldt"}),
            "rights.unknown_service",
        ),
        (&hs, with("person", json!(" ")), "rights.person"),
        (&hs, with("parents_view", json!("")), "rights.views"),
        // Coordination moves to the health station: that needs a new consent first (Sofia and Daniel's rule).
        (&hs, good_cc.clone(), "coordination.new_consent_required"),
    ] {
        let (status, err) = app.api_post(who, &rights_path, body).await?;
        ensure!(status == 422 && err["code"] == code, "{code}: {status} {err}");
    }
    let (status, err) =
        app.api_post(&uk, &rights_path, json!({"right": "plan", "outcome": "in_place", "reasoning": "x"})).await?;
    ensure!(status == 422 && err["code"] == "rights.kind", "{status} {err}");
    let (status, _) = app
        .api_post(
            &app.token("skole").await?,
            &rights_path,
            json!({"right": "coordinator", "outcome": "declined", "reasoning": "x"}),
        )
        .await?;
    ensure!(status == 403, "a service outside the case: {status}");
    let (_, after) = app.api_get(&uk, ADAM).await?;
    ensure!(rights(&after) == rights(&case), "refusals changed nothing");
    ensure!(after["cooperation"]["current"]["service_id"] == coordinator_before, "coordination unchanged");
    // The child coordinator is the municipality's: a state service cannot hold it.
    let nav = app.token("nav").await?;
    let (status, err) = app
        .api_post(&nav, "/api/v1/cases/sak-overgang/rights", json!({"right": "child_coordinator", "outcome": "in_place",
            "service_id": "nav-stat-mellomvik", "person": "Nora", "reasoning": "x", "child_view": "a", "parents_view": "b"}))
        .await?;
    ensure!(status == 422 && err["code"] == "rights.child_coordinator_municipal", "{status} {err}");

    // Adam (17) and his parents consent to information going to the health station (child welfare's
    // information follows bvl § 15-9: from 15 he consents himself); then the appointment takes effect.
    let today = chrono::Utc::now().date_naive();
    let (status, c) = app
        .api_post(&uk, &format!("{ADAM}/consents"), json!({
            "domain": "general",
            "givers": [{"person_id": "person-adam", "capacity": "child"}, {"person_id": "person-adam-mor", "capacity": "parent"}, {"person_id": "person-adam-far", "capacity": "parent"}],
            "from_services": ["konfliktradet-demo", "mellomvik-barnevern", "mellomvik-vgs"], "to_services": ["mellomvik-helsestasjon"],
            "categories": ["general"], "purpose": "Barnekoordinatoren samordner tjenestene",
            "consequences": "Helsestasjonen får vite det som trengs for å samordne", "form": "written",
            "valid_from": today.to_string(), "valid_to": (today + chrono::Duration::days(365)).to_string()
        }))
        .await?;
    ensure!(status == 201, "{status} {c}");
    let (status, r) = app.api_post(&hs, &rights_path, good_cc).await?;
    ensure!(status == 201, "{status} {r}");
    let (_, case) = app.api_get(&uk, ADAM).await?;
    let coop = &case["cooperation"];
    ensure!(
        coop["current"]["service_id"] == "mellomvik-helsestasjon"
            && coop["current"]["basis"] == "child_coordinator"
            && coop["current"]["communicated_at"].is_null()
            && coop["current"]["child_view"] == "Adam vil ha Hanne",
        "the child coordinator coordinates, not yet communicated: {}",
        coop["current"]
    );
    ensure!(coop["history"].as_array().unwrap().iter().any(|h| h["service_id"] == coordinator_before), "history kept");
    ensure!(
        rights(&case)["child_coordinator"] == "mellomvik-helsestasjon"
            && current(&case, "child_coordinator").unwrap()["person"] == "Hanne Helse"
            && rights(&case)["history"].as_array().unwrap().iter().any(|h| h["id"] == "rettighet-demo-adam-bk"),
        "{}",
        rights(&case)
    );
    // The move of coordination is an audited write of its own, which the family sees.
    let (_, log) = app.api_get(&app.token("adam").await?, "/api/v1/me/access-log").await?;
    ensure!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|l| l["action"] == "coordinator_assign" && l["who"] == "Hanne Helse" && l["role"].is_string()),
        "{log}"
    );
    // Locked: no other assignment while the child coordinator is appointed.
    let (status, err) = app
        .api_post(&uk, &format!("{ADAM}/coordinator"), json!({"service_id": "konfliktradet-demo", "basis": "agreed_by_services",
            "agreed_by": ["konfliktradet-demo", "mellomvik-vgs", "mellomvik-barnevern", "mellomvik-uteseksjon", "mellomvik-helsestasjon", "politikontakt-mellomvik", "friomsorg-demo"],
            "child_view": "a", "parents_view": "b", "reasons": "c"}))
        .await?;
    ensure!(status == 422 && err["code"] == "coordination.child_coordinator_appointed", "{status} {err}");
    // The family sees who coordinates and why.
    let (status, family) = app.api_get(&app.token("adam").await?, ADAM).await?;
    ensure!(
        status == 200 && current(&family, "child_coordinator").is_some_and(|r| r["person"] == "Hanne Helse"),
        "{status}"
    );

    // When the family no longer wants it, the lock goes and the services look again at who coordinates.
    let (status, _) = app
        .api_post(&hs, &rights_path, json!({"right": "child_coordinator", "outcome": "declined", "reasoning": "Familien ønsker ikke lenger barnekoordinator"}))
        .await?;
    ensure!(status == 201, "{status}");
    let (_, case) = app.api_get(&uk, ADAM).await?;
    ensure!(rights(&case)["child_coordinator"].is_null(), "{}", rights(&case));
    ensure!(
        case["cooperation"]["prompts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["kind"] == "review_coordinator" && p["reason"] == "child_coordinator_ended"),
        "review prompt: {}",
        case["cooperation"]["prompts"]
    );
    app.stop().await;
    Ok(())
}

async fn screening_through_the_pages(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let c = app.logged_in("uk").await?;
    let case_url = app.url("/saker/sak-adam");
    let html = c.get(&case_url).send().await?.text().await?;
    ensure!(
        html.contains("Vurder om barnet og familien har rett til: Koordinator")
            && html.contains("Søkt eller meldt")
            && html.contains("Ikke vurdert"),
        "the prompt and the table"
    );
    let form = app.url("/saker/sak-adam/rettigheter");
    let html = c
        .post(&form)
        .form(&[("right", "coordinator"), ("outcome", "requested"), ("service", ""), ("reasoning", "Meldt behov")])
        .send()
        .await?
        .text()
        .await?;
    ensure!(
        html.contains("ds-error-summary") && html.contains("Velg tjenesten som har planen"),
        "translated error on the page"
    );
    let res = c
        .post(&form)
        .form(&[
            ("right", "coordinator"),
            ("outcome", "requested"),
            ("service", "mellomvik-helsestasjon"),
            ("reasoning", "Adam trenger langvarige og koordinerte helsetjenester; meldt til helsestasjonen"),
        ])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let html = c.get(&case_url).send().await?.text().await?;
    ensure!(
        !html.contains("id=\"rights-prompt\"") && html.contains("meldt til helsestasjonen"),
        "screened: no prompt, the reasoning shown"
    );
    let tasks = c.get(app.url("/oppgaver")).send().await?.text().await?;
    ensure!(!tasks.contains("data-kind=\"screen_rights\""), "off the worklist");
    app.stop().await;
    Ok(())
}
