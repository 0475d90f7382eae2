//! Individual-rights screening over HTTP (spec 01 §8.C item 15): once cooperation is necessary the services
//! are prompted to screen the rights to an individual plan and a coordinator; a right in place anchors the
//! case to the service that holds it, and only that service changes it; the child coordinator has its own
//! process (issue 12, `child_coordinator.rs`); every refusal explains itself and changes nothing.

use anyhow::ensure;
use los_tests::{Db, TestApp};
use serde_json::{Value, json};

crate::tests!(screening_prompts_anchors_and_holds, screening_through_the_pages);

fn rights(case: &Value) -> &Value {
    &case["cooperation"]["rights"]
}

fn current<'a>(case: &'a Value, kind: &str) -> Option<&'a Value> {
    rights(case)["current"].as_array().unwrap().iter().find(|r| r["kind"] == kind)
}

const ADAM: &str = "/api/v1/cases/sak-adam";

async fn screening_prompts_anchors_and_holds(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let uk = app.token("uk").await?;
    let hs = app.token("helsesykepleier").await?;
    let rights_path = format!("{ADAM}/rights");

    // The demo: the plan is asked for at child welfare; the coordinator right is open. The child
    // coordinator is not screened here: it has its own process at the coordinating unit (issue 12).
    let (status, case) = app.api_get(&uk, ADAM).await?;
    ensure!(status == 200, "{status}");
    ensure!(rights(&case)["to_screen"] == json!(["coordinator"]), "{}", rights(&case));
    ensure!(current(&case, "child_coordinator").is_none(), "{}", rights(&case));
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
    let nav = app.token("nav").await?;
    let ot = app.token("ot").await?;
    let overgang = "/api/v1/cases/sak-overgang/rights";
    for (who, path, body, code) in [
        (
            &uk,
            rights_path.as_str(),
            json!({"right": "coordinator", "outcome": "not_entitled", "reasoning": " "}),
            "rights.reasoning",
        ),
        (
            &uk,
            rights_path.as_str(),
            json!({"right": "coordinator", "outcome": "in_place", "service_id": "mellomvik-barnevern", "person": "Berit Vern", "reasoning": "Oppnevnt"}),
            "rights.not_own_service",
        ),
        // The individual plan has its own process (issue 13): a screening never puts it in place.
        (
            &uk,
            rights_path.as_str(),
            json!({"right": "individual_plan", "outcome": "in_place", "service_id": "konfliktradet-demo", "reasoning": "Planen finnes"}),
            "rights.individual_plan_process",
        ),
        (
            &uk,
            rights_path.as_str(),
            json!({"right": "coordinator", "outcome": "in_place", "service_id": "bup-demo", "person": "Bente", "reasoning": "Oppnevnt"}),
            "rights.not_participant",
        ),
        (
            &uk,
            rights_path.as_str(),
            json!({"right": "coordinator", "outcome": "requested", "service_id": "finnes-ikke", "reasoning": "Meldt"}),
            "rights.unknown_service",
        ),
        (
            &hs,
            rights_path.as_str(),
            json!({"right": "coordinator", "outcome": "in_place", "service_id": "mellomvik-helsestasjon", "person": " ", "reasoning": "Oppnevnt"}),
            "rights.person",
        ),
        // A state office cannot record "not entitled to a child coordinator": that is the unit's process.
        (
            &nav,
            overgang,
            json!({"right": "child_coordinator", "outcome": "not_entitled", "reasoning": "Familien har ikke rett"}),
            "rights.child_coordinator_process",
        ),
        // Jonas has an individual plan (NAV holds it): no service screens it away.
        (
            &ot,
            overgang,
            json!({"right": "individual_plan", "outcome": "not_entitled", "reasoning": "Jonas trenger ikke plan lenger"}),
            "rights.individual_plan_process",
        ),
    ] {
        let (status, err) = app.api_post(who, path, body).await?;
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

    // The health station records the coordinator in place: the case is anchored to it, and only it changes it.
    let (status, r) = app
        .api_post(&hs, &rights_path, json!({"right": "coordinator", "outcome": "in_place", "service_id": "mellomvik-helsestasjon",
            "person": "Hanne Helse", "reasoning": "Adam har langvarige og koordinerte behov; Hanne er oppnevnt som koordinator"}))
        .await?;
    ensure!(status == 201, "{status} {r}");
    let (_, case) = app.api_get(&uk, ADAM).await?;
    let c = current(&case, "coordinator").unwrap();
    ensure!(c["service_id"] == "mellomvik-helsestasjon" && c["person"] == "Hanne Helse", "{c}");
    ensure!(rights(&case)["to_screen"] == json!([]), "all screened: {}", rights(&case));
    let (status, err) = app
        .api_post(
            &uk,
            &rights_path,
            json!({"right": "coordinator", "outcome": "declined", "reasoning": "Familien vil ikke"}),
        )
        .await?;
    ensure!(status == 422 && err["code"] == "rights.held_by_other", "{status} {err}");
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
