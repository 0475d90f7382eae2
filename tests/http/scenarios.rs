//! The scenarios of spec 01 §4.6 and §5.2, end to end over HTTP: the transition example, Sofia and Daniel,
//! Adam's youth sentence, a dispute decided by the municipality, and the step-2 situation checks.

use anyhow::ensure;
use los_tests::{Db, TestApp};
use serde_json::{Value, json};

crate::tests!(
    transition_example_ot_coordinates_and_contact_needs_consent,
    sofia_and_daniel_coordination_moves_with_a_new_consent,
    adams_youth_sentence_team_and_reports_to_the_uk,
    dispute_goes_to_the_decision_maker_after_the_familys_wishes,
    step_two_situation_checks_need_the_childs_voice,
    case_page_shows_coordination_and_no_appeal_deadline,
    hearing_best_interests_and_step_one_mapping,
    evaluation_reminder_follows_the_configured_cadence,
    placed_child_municipalities_and_planning_assessments,
    pages_record_hearing_and_best_interests,
);

async fn pages_record_hearing_and_best_interests(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let c = app.logged_in("barnevern").await?;
    let elements = ["view", "identity", "family", "protection", "vulnerability", "health", "education"];
    let mut form: Vec<(String, String)> = elements.iter().map(|e| (format!("el_{e}"), "vurdert".to_owned())).collect();
    form.push(("conclusion".into(), "Samarbeid er til Daniels beste".into()));
    form.push(("finalised".into(), "1".into()));
    let res = c.post(app.url("/saker/sak-sofia-daniel/barnets-beste")).form(&form).send().await?;
    ensure!(res.status() == 422, "{}", res.status());
    let html = res.text().await?;
    ensure!(html.contains("href=\"#coop-bi-hearing\""), "error summary links to the hearing field");
    let res = c
        .post(app.url("/saker/sak-sofia-daniel/samtale"))
        .form(&[
            ("held_on", "2026-11-20"),
            ("place", "school"),
            ("talked_with", "Berit Vern"),
            ("adaptations", "tegning, tolk"),
            ("views", "Daniel vil fortsette på SFO"),
        ])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "hearing: {}", res.status());
    let (_, case) = app.api_get(&app.token("barnevern").await?, "/api/v1/cases/sak-sofia-daniel").await?;
    let hearing = coop(&case)["hearings"][0]["id"].as_str().unwrap().to_owned();
    ensure!(coop(&case)["hearings"][0]["adaptations"] == json!(["tegning", "tolk"]), "{}", coop(&case)["hearings"]);
    form.push(("hearing_id".into(), hearing));
    let res = c.post(app.url("/saker/sak-sofia-daniel/barnets-beste")).form(&form).send().await?;
    ensure!(res.status().is_redirection(), "best interests: {}", res.status());
    let html = c.get(app.url("/saker/sak-sofia-daniel")).send().await?.text().await?;
    ensure!(html.contains("Samarbeid er til Daniels beste") && html.contains("ferdigstilt"), "shown on the case page");
    app.stop().await;
    Ok(())
}

async fn placed_child_municipalities_and_planning_assessments(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let path = "/api/v1/cases/sak-adam/municipalities";
    let (status, err) = post(&app, &bv, path, json!({"care": "99a1"})).await?;
    ensure!(status == 422 && err["code"] == "kommunenr.not_digits", "{status} {err}");
    let (status, err) = post(&app, &bv, path, json!({"placement": "0302"})).await?;
    ensure!(status == 422 && err["code"] == "municipality.unknown", "{status} {err}");
    let (status, _) = post(&app, &bv, path, json!({"care": "9901", "placement": "0301"})).await?;
    ensure!(status == 204, "{status}");
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-adam").await?;
    let m = &coop(&case)["municipalities"];
    ensure!(m["coordinating"] == "9901" && m["follow_up"] == "9901" && m["needs_local_clarification"] == true, "{m}");
    let (status, _) = post(
        &app,
        &bv,
        path,
        json!({"care": "9901", "placement": "0301", "local_clarification": "Barnevernet i Oslo deltar i møtene"}),
    )
    .await?;
    ensure!(status == 204);
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-adam").await?;
    ensure!(coop(&case)["municipalities"]["needs_local_clarification"] == false, "clarified");
    // The four planning assessments: all or none.
    let a = |planning: Value| json!({"service_id": "mellomvik-barnevern", "result": "necessary", "reasoning": "r", "child_voice": "heard", "child_wishes": "w", "planning": planning});
    let (status, err) = post(
        &app,
        &bv,
        "/api/v1/cases/sak-adam/assessments",
        a(json!({"cooperate_with": "UK", "cooperate_on": "", "extent_duration": "2 år", "organisation": "team"})),
    )
    .await?;
    ensure!(status == 422 && err["code"] == "coordination.planning_incomplete", "{status} {err}");
    let (status, _) = post(&app, &bv, "/api/v1/cases/sak-adam/assessments", a(json!({"cooperate_with": "UK og skolen", "cooperate_on": "Foreldreveiledning og skolegang", "extent_duration": "Ukentlig i to år", "organisation": "Oppfølgingsteamet"}))).await?;
    ensure!(status == 201, "{status}");
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-adam").await?;
    let first = &coop(&case)["assessments"][0];
    ensure!(first["planning"]["cooperate_on"] == "Foreldreveiledning og skolegang", "{first}");
    app.stop().await;
    Ok(())
}

async fn hearing_best_interests_and_step_one_mapping(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let elements: serde_json::Map<String, Value> =
        ["view", "identity", "family", "protection", "vulnerability", "health", "education"]
            .iter()
            .map(|e| ((*e).to_owned(), json!("vurdert")))
            .collect();
    let bi = json!({"elements": elements, "conclusion": "Samarbeid er til Daniels beste", "finalised": true});
    let (status, err) = post(&app, &bv, "/api/v1/cases/sak-sofia-daniel/best-interests", bi.clone()).await?;
    ensure!(status == 422 && err["code"] == "coordination.not_heard", "{status} {err}");
    let (status, err) = post(
        &app,
        &bv,
        "/api/v1/cases/sak-sofia-daniel/hearings",
        json!({"held_on": "2026-11-20", "direct": false, "place": "school", "talked_with": "Berit Vern", "views": "x"}),
    )
    .await?;
    ensure!(status == 422 && err["code"] == "hearing.indirect_reason", "{status} {err}");
    let (status, h) = post(&app, &bv, "/api/v1/cases/sak-sofia-daniel/hearings", json!({
        "held_on": "2026-11-20", "place": "school", "talked_with": "Berit Vern", "companion": "Kontaktlæreren",
        "adaptations": ["tegning"], "views": "Daniel vil bo nær skolen og fortsette på SFO", "maturity": "Moden for alderen", "weight": "Stor vekt"
    })).await?;
    ensure!(status == 201, "{status} {h}");
    let mut with_hearing = bi.clone();
    with_hearing["hearing_id"] = h["id"].clone();
    let (status, _) = post(&app, &bv, "/api/v1/cases/sak-sofia-daniel/best-interests", with_hearing.clone()).await?;
    ensure!(status == 201, "{status}");
    let mut missing = with_hearing;
    missing["elements"].as_object_mut().unwrap().remove("education");
    let (status, err) = post(&app, &bv, "/api/v1/cases/sak-sofia-daniel/best-interests", missing).await?;
    ensure!(status == 422 && err["code"] == "coordination.element_missing", "{status} {err}");
    let (status, _) = post(&app, &bv, "/api/v1/cases/sak-sofia-daniel/mappings", json!({"other_services": "Fastlege; tannhelsetjenesten", "source": "asked_parents", "guidance": "Hjulpet Sofia å kontakte fastlegen"})).await?;
    ensure!(status == 204, "{status}");
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    let c = coop(&case);
    ensure!(
        c["hearings"].as_array().unwrap().len() == 1 && c["hearings"][0]["age"] == 8,
        "hearing with the child's age: {c}"
    );
    ensure!(c["best_interests"].as_array().unwrap().len() == 1 && c["mappings"].as_array().unwrap().len() == 1, "{c}");
    app.stop().await;
    Ok(())
}

async fn evaluation_reminder_follows_the_configured_cadence(db: Db) -> anyhow::Result<()> {
    // The demo's newest plan change is 20 days old, so a 7-day cadence reminds and the default 90 days does not.
    let settings = los_store::Settings { evaluation_days: 7, ..Default::default() };
    let app = TestApp::start_with(db, true, settings).await?;
    let (_, case) = app.api_get(&app.token("ot").await?, "/api/v1/cases/sak-overgang").await?;
    ensure!(
        coop(&case)["prompts"].as_array().unwrap().iter().any(|p| p["kind"] == "evaluate"),
        "{}",
        coop(&case)["prompts"]
    );
    app.stop().await;
    let app = TestApp::demo(db).await?;
    let (_, case) = app.api_get(&app.token("ot").await?, "/api/v1/cases/sak-overgang").await?;
    ensure!(
        !coop(&case)["prompts"].as_array().unwrap().iter().any(|p| p["kind"] == "evaluate"),
        "default cadence is 90 days"
    );
    app.stop().await;
    Ok(())
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> anyhow::Result<(u16, Value)> {
    app.api_post(token, path, body).await
}

fn coop(case: &Value) -> &Value {
    &case["cooperation"]
}

async fn transition_example_ot_coordinates_and_contact_needs_consent(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let ot = app.token("ot").await?;
    let (status, case) = app.api_get(&ot, "/api/v1/cases/sak-overgang").await?;
    ensure!(status == 200, "{status} {case}");
    let cur = &coop(&case)["current"];
    ensure!(
        cur["service_id"] == "demofylke-ot" && cur["basis"] == "agreed_non_municipal",
        "OT coordinates by agreement: {cur}"
    );
    let bv =
        case["participants"].as_array().unwrap().iter().find(|p| p["service_id"] == "mellomvik-barnevern").unwrap();
    ensure!(
        bv["left_on"] == "2026-09-01" && bv["leave_reason"].as_str().unwrap().contains("ettervern"),
        "child welfare left with a reason: {bv}"
    );
    // The GP referred Jonas to BUP. OT may contact BUP only with consent.
    let (status, err) = post(
        &app,
        &ot,
        "/api/v1/cases/sak-overgang/participants",
        json!({"service_id": "bup-demo", "reason": "Henvist av fastlegen"}),
    )
    .await?;
    ensure!(status == 422 && err["code"] == "step3.no_consent", "{status} {err}");
    let jonas = app.token("jonas").await?;
    let today = chrono::Utc::now().date_naive();
    let (status, c) = post(&app, &jonas, "/api/v1/cases/sak-overgang/consents", json!({
        "domain": "child_welfare", "givers": [{"person_id": "person-jonas", "capacity": "child"}],
        "from_services": ["demofylke-ot"], "to_services": ["bup-demo"], "categories": ["general", "education"],
        "purpose": "OT og BUP avtaler behandling rundt skoleplanen", "consequences": "BUP vet om skoleplanen; uten samtykke må jeg fortelle det selv",
        "form": "digital", "valid_from": today.to_string(), "valid_to": (today + chrono::Duration::days(180)).to_string()
    })).await?;
    ensure!(status == 201 && c["form"] == "digital", "Jonas (17) consents himself: {status} {c}");
    let (status, _) = post(
        &app,
        &ot,
        "/api/v1/cases/sak-overgang/participants",
        json!({"service_id": "bup-demo", "reason": "Henvist av fastlegen"}),
    )
    .await?;
    ensure!(status == 204, "step 3 with consent: {status}");
    // Every service is asked to assess again.
    let (_, case) = app.api_get(&ot, "/api/v1/cases/sak-overgang").await?;
    let prompts = coop(&case)["prompts"].as_array().unwrap();
    for s in ["demofylke-ot", "nav-stat-mellomvik", "mellomvik-legekontor", "bup-demo"] {
        ensure!(
            prompts.iter().any(|p| p["kind"] == "reassess" && p["service_id"] == s),
            "no reassessment prompt for {s}: {prompts:?}"
        );
    }
    let nav = app.token("nav").await?;
    let (status, _) = post(&app, &nav, "/api/v1/cases/sak-overgang/assessments", json!({"service_id": "nav-stat-mellomvik", "result": "necessary", "reasoning": "Jobbsøking må vente til BUP har vurdert", "child_voice": "heard", "child_wishes": "Jonas vil ikke slutte på skolen"})).await?;
    ensure!(status == 201, "{status}");
    let (_, case) = app.api_get(&ot, "/api/v1/cases/sak-overgang").await?;
    ensure!(
        !coop(&case)["prompts"].as_array().unwrap().iter().any(|p| p["service_id"] == "nav-stat-mellomvik"),
        "NAV's prompt is done"
    );
    // The plan is revised so Jonas does not drop out while waiting for BUP.
    let (status, _) = post(&app, &ot, "/api/v1/cases/sak-overgang/plan", json!({"kind": "measure", "title": "Redusert timeplan til BUP har vurdert", "responsible_service": "demofylke-ot", "measure_type": "help"})).await?;
    ensure!(status == 201, "{status}");
    // OT cannot create NAV's measures.
    let (status, err) = post(
        &app,
        &ot,
        "/api/v1/cases/sak-overgang/plan",
        json!({"kind": "measure", "title": "NAV-kurs", "responsible_service": "nav-stat-mellomvik"}),
    )
    .await?;
    ensure!(status == 403 && err["code"] == "denied.not_owning_service", "{status} {err}");
    app.stop().await;
    Ok(())
}

async fn sofia_and_daniel_coordination_moves_with_a_new_consent(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    let c = coop(&case);
    ensure!(c["current"]["service_id"] == "mellomvik-barnevern" && c["current"]["communicated_at"].is_null(), "{c}");
    ensure!(
        c["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["service_id"] == "storvik-krisesenter" && h["valid_to"] == "2026-09-15"),
        "history kept"
    );
    // Moving coordination to the school needs a new consent.
    let all = json!(["familievernkontor-demo", "mellomvik-barnevern", "nav-mellomvik", "mellomvik-skole"]);
    let body = json!({"service_id": "mellomvik-skole", "basis": "agreed_by_services", "agreed_by": all, "child_view": "Daniel liker læreren sin", "parents_view": "Sofia ønsker skolen", "reasons": "Skolen ser Daniel hver dag"});
    let (status, err) = post(&app, &bv, "/api/v1/cases/sak-sofia-daniel/coordinator", body.clone()).await?;
    ensure!(status == 422 && err["code"] == "coordination.new_consent_required", "{status} {err}");
    let sofia = app.token("sofia").await?;
    let today = chrono::Utc::now().date_naive();
    let (status, _) = post(&app, &sofia, "/api/v1/cases/sak-sofia-daniel/consents", json!({
        "domain": "general", "givers": [{"person_id": "person-sofia", "capacity": "parent"}],
        "from_services": ["mellomvik-barnevern", "nav-mellomvik", "familievernkontor-demo"], "to_services": ["mellomvik-skole"],
        "categories": ["general"], "purpose": "Skolen samordner tjenestene", "consequences": "Skolen får vite det som trengs for å samordne",
        "form": "digital", "valid_from": today.to_string(), "valid_to": (today + chrono::Duration::days(365)).to_string()
    })).await?;
    ensure!(status == 201, "{status}");
    // Agreement from every service taking part is required.
    let mut partial = body.clone();
    partial["agreed_by"] = json!(["mellomvik-barnevern", "mellomvik-skole"]);
    let (status, err) = post(&app, &bv, "/api/v1/cases/sak-sofia-daniel/coordinator", partial).await?;
    ensure!(status == 422 && err["code"] == "coordination.agreement_missing", "{status} {err}");
    let (status, _) = post(&app, &bv, "/api/v1/cases/sak-sofia-daniel/coordinator", body).await?;
    ensure!(status == 201, "{status}");
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(
        coop(&case)["current"]["service_id"] == "mellomvik-skole"
            && coop(&case)["current"]["communicated_at"].is_null(),
        "not communicated yet"
    );
    let (status, _) = post(
        &app,
        &bv,
        "/api/v1/cases/sak-sofia-daniel/coordinator/communicated",
        json!({"how": "Samtale med Sofia; tegning for Daniel"}),
    )
    .await?;
    ensure!(status == 204);
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(coop(&case)["current"]["communicated_at"].is_string(), "communicated");
    ensure!(coop(&case)["history"].as_array().unwrap().len() == 2, "history of three assignments");
    app.stop().await;
    Ok(())
}

async fn adams_youth_sentence_team_and_reports_to_the_uk(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let today = chrono::Utc::now().date_naive();
    let uk = app.token("uk").await?;
    let (_, case) = app.api_get(&uk, "/api/v1/cases/sak-adam").await?;
    let s = &coop(&case)["sentence"];
    ensure!(s["kind"] == "ungdomsstraff" && s["starts_on"] == "2026-02-01" && s["ends_on"] == "2028-02-01", "{s}");
    let roles: Vec<&str> = s["team"].as_array().unwrap().iter().map(|m| m[0].as_str().unwrap()).collect();
    for r in ["youth_coordinator", "police_contact", "correctional_service", "parent"] {
        ensure!(roles.contains(&r), "team lacks {r}: {roles:?}");
    }
    ensure!(
        coop(&case)["plan"].as_array().unwrap().iter().any(|p| p["measure_type"] == "control"),
        "control measures in the youth plan"
    );
    // A team member reports non-compliance; it goes to the UK, not to the other services.
    let hs = app.token("helsesykepleier").await?;
    let (status, _) = post(
        &app,
        &hs,
        "/api/v1/cases/sak-adam/non-compliance",
        json!({"description": "Adam møtte ikke til avtalt samtale to ganger"}),
    )
    .await?;
    ensure!(status == 204, "{status}");
    let (_, case) = app.api_get(&uk, "/api/v1/cases/sak-adam").await?;
    ensure!(
        coop(&case)["sentence"]["reports"].as_array().unwrap().len() == 1,
        "UK sees the report: {}",
        coop(&case)["sentence"]
    );
    let (_, case) = app.api_get(&app.token("barnevern").await?, "/api/v1/cases/sak-adam").await?;
    ensure!(coop(&case)["sentence"]["reports"].as_array().unwrap().is_empty(), "reports go to the UK only");
    // Mandatory members are checked; one sentence per case.
    let (status, err) = post(&app, &uk, "/api/v1/cases/sak-adam/sentence", json!({"kind": "ungdomsstraff", "starts_on": today.to_string(), "ends_on": (today + chrono::Duration::days(365)).to_string(), "team": [{"role": "police_contact", "name": "Politikontakten"}]})).await?;
    ensure!(
        status == 422
            && err["code"] == "sentence.mandatory_slot"
            && err["detail"].as_str().unwrap().contains("correctional"),
        "{status} {err}"
    );
    let full = json!({"kind": "ungdomsstraff", "starts_on": today.to_string(), "ends_on": (today + chrono::Duration::days(365)).to_string(), "team": [{"role": "police_contact", "name": "P"}, {"role": "correctional_service", "name": "K"}]});
    let (status, err) = post(&app, &uk, "/api/v1/cases/sak-adam/sentence", full).await?;
    ensure!(status == 422 && err["code"] == "sentence.exists", "{status} {err}");
    // The end of the sentence prompts a review of who coordinates.
    let (status, _) =
        post(&app, &uk, "/api/v1/cases/sak-adam/transitions", json!({"transition": "end_of_sentence"})).await?;
    ensure!(status == 204);
    let (_, case) = app.api_get(&uk, "/api/v1/cases/sak-adam").await?;
    ensure!(
        coop(&case)["prompts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["kind"] == "review_coordinator" && p["reason"] == "end_of_sentence"),
        "review prompt"
    );
    app.stop().await;
    Ok(())
}

async fn dispute_goes_to_the_decision_maker_after_the_familys_wishes(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let ke = app.token("ke").await?;
    let (status, _) = app.api_get(&ke, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 403, "the coordinating unit is not in the case");
    let (status, _) = post(
        &app,
        &bv,
        "/api/v1/cases/sak-sofia-daniel/disputes",
        json!({"positions": "Barnevernet mener skolen bør samordne; skolen mener barnevernet bør fortsette"}),
    )
    .await?;
    ensure!(status == 201, "{status}");
    // The decision-maker reads the dossier (not the services' records) while the dispute is open.
    let (status, case) = app.api_get(&ke, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 200 && case["access_basis"].as_str().unwrap().contains("dispute"), "{status} {case}");
    ensure!(case["notes"].as_array().unwrap().is_empty(), "the dossier, not the records");
    let designate = json!({"service_id": "mellomvik-barnevern", "basis": "designated_by_municipality", "child_view": "Daniel vil fortsette med Berit", "parents_view": "Sofia vil at barnevernet fortsetter", "reasons": "Barnevernet kjenner familien best"});
    // Only the configured decision-maker decides.
    let (status, err) = post(&app, &bv, "/api/v1/cases/sak-sofia-daniel/coordinator", designate.clone()).await?;
    ensure!(status == 403 && err["code"] == "denied.not_decision_maker", "{status} {err}");
    // Not before the child's and family's wishes are in the dossier.
    let (status, err) = post(&app, &ke, "/api/v1/cases/sak-sofia-daniel/coordinator", designate.clone()).await?;
    ensure!(status == 422 && err["code"] == "coordination.wishes_missing", "{status} {err}");
    let (status, _) = post(&app, &bv, "/api/v1/cases/sak-sofia-daniel/disputes", json!({"positions": "Familiens ønsker er innhentet", "child_wishes": "Daniel vil fortsette med Berit", "family_wishes": "Sofia vil at barnevernet fortsetter"})).await?;
    ensure!(status == 201, "{status}");
    // A state service can never be designated.
    let mut state = designate.clone();
    state["service_id"] = json!("familievernkontor-demo");
    let (status, err) = post(&app, &ke, "/api/v1/cases/sak-sofia-daniel/coordinator", state).await?;
    ensure!(status == 422 && err["code"] == "coordination.designate_non_municipal", "{status} {err}");
    let (status, _) = post(&app, &ke, "/api/v1/cases/sak-sofia-daniel/coordinator", designate).await?;
    ensure!(status == 201, "{status}");
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    let cur = &coop(&case)["current"];
    ensure!(
        cur["basis"] == "designated_by_municipality"
            && cur["decided_by"] == "ke"
            && cur["delegation_ref"].as_str().unwrap().contains("Delegasjonsreglement"),
        "{cur}"
    );
    ensure!(coop(&case)["dispute"].is_null(), "the dispute is resolved");
    let (status, _) = app.api_get(&ke, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 403, "the decision-maker's access ends with the dispute");
    // Who decides is public.
    let html = reqwest::get(app.url("/hvem-bestemmer")).await?.text().await?;
    ensure!(html.contains("Koordinerende enhet i Mellomvik") && html.contains("Delegasjonsreglement"), "public page");
    app.stop().await;
    Ok(())
}

async fn step_two_situation_checks_need_the_childs_voice(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let path = "/api/v1/cases/sak-sofia-daniel/assessments";
    // A multi-service family where the parent's NAV course conflicts with the child's appointments.
    let (status, err) = post(&app, &bv, path, json!({"service_id": "mellomvik-barnevern", "result": "necessary", "reasoning": "Sofias NAV-kurs kolliderer med Daniels avtaler", "child_voice": "heard", "child_wishes": " "})).await?;
    ensure!(status == 422 && err["code"] == "coordination.child_wishes_missing", "{status} {err}");
    let (status, _) = post(&app, &bv, path, json!({"service_id": "mellomvik-barnevern", "result": "necessary", "reasoning": "Sofias NAV-kurs kolliderer med Daniels avtaler", "child_voice": "declined", "child_wishes": "Daniel ville ikke snakke om det nå", "needs_of_parents": true})).await?;
    ensure!(status == 201, "{status}");
    // The default case: kindergarten + health station + dental — not required, but allowed with consent.
    let (status, _) = post(&app, &bv, path, json!({"service_id": "mellomvik-barnevern", "result": "voluntary_with_consent", "reasoning": "Vanlig oppfølging", "child_voice": "not_yet_heard", "child_wishes": "Ikke hørt ennå: samtale avtalt neste uke"})).await?;
    ensure!(status == 201, "{status}");
    // Only the service itself records its assessment.
    let (status, _) = post(&app, &bv, path, json!({"service_id": "mellomvik-skole", "result": "necessary", "reasoning": "x", "child_voice": "heard", "child_wishes": "y"})).await?;
    ensure!(status == 403, "{status}");
    // Each service's newest assessment counts: child welfare now says "not required", so the coordination
    // duty does not apply and no assignment can be recorded.
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(
        coop(&case)["assessments"].as_array().unwrap().len() >= 3 && coop(&case)["cooperation_necessary"] == false,
        "{}",
        coop(&case)
    );
    let all = json!(["familievernkontor-demo", "mellomvik-barnevern", "nav-mellomvik", "mellomvik-skole"]);
    let body = json!({"service_id": "mellomvik-barnevern", "basis": "agreed_by_services", "agreed_by": all, "child_view": "x", "parents_view": "y"});
    let (status, err) = post(&app, &bv, "/api/v1/cases/sak-sofia-daniel/coordinator", body).await?;
    ensure!(status == 422 && err["code"] == "coordination.not_necessary", "{status} {err}");
    app.stop().await;
    Ok(())
}

async fn case_page_shows_coordination_and_no_appeal_deadline(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let c = app.logged_in("barnevern").await?;
    let html = c.get(app.url("/saker/sak-sofia-daniel")).send().await?.text().await?;
    ensure!(
        html.contains("Hvem samordner") && html.contains("Ikke informert ennå") && html.contains("statsforvalteren"),
        "coordination section"
    );
    ensure!(!html.to_lowercase().contains("klagefrist:"), "no appeal deadline is shown for cooperation");
    // Mark as communicated through the page.
    let res = c
        .post(app.url("/saker/sak-sofia-daniel/samordning/informert"))
        .form(&[("how", "Samtale med Sofia")])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let html = c.get(app.url("/saker/sak-sofia-daniel")).send().await?.text().await?;
    ensure!(!html.contains("id=\"not-communicated\""), "flag cleared");
    // A refused assignment shows the rule on the field.
    let res = c
        .post(app.url("/saker/sak-sofia-daniel/samordning"))
        .form(&[
            ("service", "familievernkontor-demo"),
            ("basis", "agreed_by_services"),
            ("child_view", "x"),
            ("parents_view", "y"),
        ])
        .send()
        .await?;
    ensure!(res.status() == 422, "{}", res.status());
    let html = res.text().await?;
    ensure!(
        html.contains("href=\"#coop-coord-basis\"") && html.contains("kommunal tjeneste"),
        "error summary with the rule"
    );
    app.stop().await;
    Ok(())
}
