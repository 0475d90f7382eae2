//! The child coordinator over HTTP (issue 12), on both databases: a family in the demo goes from a report
//! before birth to an appointed coordinator; a complaint about a refusal goes from registration to its
//! outcome; the handover at 18 works; and the same journey through the pages. The decision letter is a PDF
//! that is rendered to PNG and whose text is read back (poppler's pdftoppm and pdftotext).

use anyhow::{Context, ensure};
use los_tests::{Db, TestApp};
use serde_json::{Value, json};

crate::tests!(
    a_report_before_birth_leads_to_an_appointed_child_coordinator,
    a_complaint_about_a_refusal_goes_to_its_outcome,
    the_handover_at_18_and_one_municipal_coordinator,
    the_journey_through_the_pages,
    the_municipality_sets_the_unit_the_route_and_the_delegation,
    the_coordinators_work_startup_journal_requirements_and_competence,
    a_complaint_and_the_handover_through_the_pages,
    a_family_has_one_child_coordinator_for_its_children
);

const NILSEN: &str = "/api/v1/cases/sak-nilsen/child-coordinator";
const DANIEL: &str = "/api/v1/cases/sak-sofia-daniel/child-coordinator";
const EMMA: &str = "/api/v1/cases/sak-emma/child-coordinator";

fn full_assessment(c2: &str) -> Value {
    json!({
        "c2": c2, "kinds": ["illness"], "themes": ["function", "development", "treatment_complexity"],
        "c2_reasoning": "Alvorlig medfødt hjertefeil som krever operasjon og tett oppfølging det første leveåret",
        "family_experience": "Foreldrene er redde og opplever situasjonen som uoversiktlig",
        "c3": "met",
        "long_term": "Behovet varer minst gjennom det første leveåret og trolig lenger",
        "complex": "Sykehus, helsestasjon og NAV må planlegge sammen rundt fødsel og operasjon",
        "health_care": "Kardiologisk oppfølging, helsestasjon og hjemmesykepleie etter operasjonen",
        "other_welfare": "Pleiepenger fra NAV og senere tilrettelagt barnehageplass"
    })
}

/// The letter as PDF: fetched with a bearer token, rendered to PNG and read back as text.
pub(crate) async fn letter_text(app: &TestApp, token: &str, path: &str) -> anyhow::Result<String> {
    let res = reqwest::Client::new().get(app.url(path)).bearer_auth(token).send().await?;
    ensure!(res.status() == 200, "letter: {}", res.status());
    ensure!(res.headers()["content-type"] == "application/pdf", "{:?}", res.headers());
    let bytes = res.bytes().await?;
    ensure!(bytes.starts_with(b"%PDF"), "a PDF");
    let dir = std::env::temp_dir().join(format!("los-letter-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let result = read_letter(&dir, &bytes);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn read_letter(dir: &std::path::Path, bytes: &[u8]) -> anyhow::Result<String> {
    let pdf = dir.join("brev.pdf");
    std::fs::write(&pdf, bytes)?;
    let have = |tool: &str| std::process::Command::new(tool).arg("-v").output().is_ok();
    if !have("pdftoppm") || !have("pdftotext") {
        ensure!(std::env::var_os("CI").is_none(), "poppler-utils (pdftoppm, pdftotext) is required in CI");
        eprintln!("skipping the PDF rendering check: poppler-utils is not installed");
        return Ok(String::from_utf8_lossy(bytes).into_owned());
    }
    let png = dir.join("side");
    let out = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(&png)
        .output()?;
    ensure!(out.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&out.stderr));
    let page = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().ends_with(".png"))
        .context("a PNG of the first page")?;
    ensure!(page.metadata()?.len() > 5_000, "the page has content: {} bytes", page.metadata()?.len());
    let out = std::process::Command::new("pdftotext").args(["-layout"]).arg(&pdf).arg("-").output()?;
    ensure!(out.status.success(), "pdftotext");
    Ok(String::from_utf8(out.stdout)?)
}

async fn a_report_before_birth_leads_to_an_appointed_child_coordinator(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let ke = app.token("ke").await?;
    let hs = app.token("helsesykepleier").await?;
    let ingrid = app.token("ingrid").await?;
    let leder = app.token("leder").await?;

    // The demo: the health station reported a possible need before birth; the unit is prompted to guide.
    let (status, m) = app.api_get(&ke, NILSEN).await?;
    ensure!(status == 200 && m["state"] == "reported" && m["detail"] == true, "{status} {m}");
    ensure!(m["prompts"] == json!(["guide_family"]), "{}", m["prompts"]);
    let report = &m["events"][0];
    ensure!(report["situation"] == "before_birth" && report["statutory"] == false, "advice, not hpl § 38 a: {report}");
    ensure!(
        m["delegation"]["reference"].as_str().is_some_and(|r| r.contains("Delegeringsreglement")),
        "{}",
        m["delegation"]
    );
    // The unit now reads the case overview, on its own basis.
    let (status, case) = app.api_get(&ke, "/api/v1/cases/sak-nilsen").await?;
    ensure!(
        status == 200
            && case["access_basis"].as_str().is_some_and(|b| b.contains("in the coordinating unit mellomvik-ke")),
        "{status} {}",
        case["access_basis"]
    );
    // The health station sees where the matter stands, not the unit's work; it may not assess.
    let (_, seen) = app.api_get(&hs, NILSEN).await?;
    ensure!(seen["detail"] == false && seen["events"] == json!([]), "{seen}");
    let (status, err) = app.api_post(&hs, &format!("{NILSEN}/assessments"), full_assessment("met")).await?;
    ensure!(status == 403 && err["code"] == "denied.not_coordinating_unit", "{status} {err}");
    // A statutory report of a need for an individual plan is labelled as such.
    let (status, _) = app
        .api_post(
            &hs,
            &format!("{NILSEN}/reports"),
            json!({"channel": "staff_report", "kind": "individual_plan_need",
            "situation": "before_birth", "description": "Barnet vil trenge individuell plan etter fødselen"}),
        )
        .await?;
    ensure!(status == 201, "{status}");
    // An assessment before the family has asked is refused.
    let (status, err) = app.api_post(&ke, &format!("{NILSEN}/assessments"), full_assessment("met")).await?;
    ensure!(status == 422 && err["code"] == "child_coordinator.state", "{status} {err}");

    // The unit guides the family, who want an assessment.
    let (status, _) = app
        .api_post(
            &ke,
            &format!("{NILSEN}/guidance"),
            json!({"description": "Ringte Ingrid og forklarte retten til barnekoordinator", "wants_assessment": true}),
        )
        .await?;
    ensure!(status == 201, "{status}");
    // A bare "Nei." is no reasoning, and changes nothing.
    let mut bare = full_assessment("met");
    bare["c2_reasoning"] = json!("Nei.");
    let (status, err) = app.api_post(&ke, &format!("{NILSEN}/assessments"), bare).await?;
    ensure!(status == 422 && err["code"] == "child_coordinator.c2_reasoning", "{status} {err}");
    let (status, _) = app.api_post(&ke, &format!("{NILSEN}/assessments"), full_assessment("met")).await?;
    ensure!(status == 201, "{status}");
    let (_, m) = app.api_get(&ke, NILSEN).await?;
    ensure!(
        m["state"] == "assessed" && m["assessment"]["eligible"] == true && m["assessment"]["c1_met"] == true,
        "{m}"
    );
    // The grant, with its letter.
    let (status, err) = app
        .api_post(
            &ke,
            &format!("{NILSEN}/decisions"),
            json!({"kind": "refusal", "reasons": "Vilkårene er ikke oppfylt for familien"}),
        )
        .await?;
    ensure!(
        status == 422 && err["code"] == "child_coordinator.decision_kind",
        "a refusal against the assessment: {status} {err}"
    );
    let (status, d) = app
        .api_post(&ke, &format!("{NILSEN}/decisions"), json!({"kind": "grant", "reasons": "Alle tre vilkårene er oppfylt etter en konkret vurdering", "language": "nb"}))
        .await?;
    ensure!(status == 201, "{status} {d}");
    let decision = d["id"].as_str().unwrap().to_owned();
    let text = letter_text(&app, &ingrid, &format!("{NILSEN}/decisions/{decision}/letter")).await?;
    for want in ["Barn Nilsen", "Statsforvalteren i Demofylke", "fire uker", "Alle tre vilkårene er oppfylt"] {
        ensure!(text.contains(want), "the letter says {want}: {text}");
    }
    // The health station may not read the letters.
    let res = reqwest::Client::new()
        .get(app.url(&format!("{NILSEN}/decisions/{decision}/letter")))
        .bearer_auth(&hs)
        .send()
        .await?;
    ensure!(res.status() == 403, "{}", res.status());

    // No appointment without the parents' consent; the mother consents in Los.
    let appoint = json!({"coordinator_user_id": "helsesykepleier", "service_id": "mellomvik-helsestasjon",
        "family_wishes": "Ønsker jordmora og helsesykepleieren de kjenner", "wishes_met": true, "need_weight": 2});
    let (status, err) = app.api_post(&ke, &format!("{NILSEN}/appointments"), appoint.clone()).await?;
    ensure!(status == 422 && err["code"] == "child_coordinator.consent_missing", "{status} {err}");
    let (status, err) = app
        .api_post(
            &ingrid,
            &format!("{NILSEN}/consents"),
            json!({"giver_person_id": "person-marius", "form": "digital"}),
        )
        .await?;
    ensure!(status == 422, "only for herself: {status} {err}");
    let (status, _) = app
        .api_post(
            &ingrid,
            &format!("{NILSEN}/consents"),
            json!({"giver_person_id": "person-ingrid", "form": "digital"}),
        )
        .await?;
    ensure!(status == 201, "{status}");
    // A state service's employee cannot be appointed.
    let mut state = appoint.clone();
    state["coordinator_user_id"] = json!("nav");
    state["service_id"] = json!("nav-stat-mellomvik");
    let (status, err) = app.api_post(&ke, &format!("{NILSEN}/appointments"), state).await?;
    ensure!(status == 422 && err["code"] == "child_coordinator.not_municipal", "{status} {err}");
    let (status, _) = app.api_post(&ke, &format!("{NILSEN}/appointments"), appoint).await?;
    ensure!(status == 201, "{status}");
    let (_, m) = app.api_get(&ingrid, NILSEN).await?;
    ensure!(m["state"] == "appointed" && m["appointment"]["coordinator_name"] == "Hanne Helse", "{m}");
    // The child coordinator coordinates the services.
    let (_, case) = app.api_get(&hs, "/api/v1/cases/sak-nilsen").await?;
    ensure!(
        case["cooperation"]["current"]["service_id"] == "mellomvik-helsestasjon"
            && case["cooperation"]["current"]["basis"] == "child_coordinator",
        "{}",
        case["cooperation"]["current"]
    );
    // Now the coordinator sees the whole matter.
    let (_, m) = app.api_get(&hs, NILSEN).await?;
    ensure!(m["detail"] == true, "{m}");

    // The leader sees the caseload: Hanne has Emma (3) and the Nilsen family (2) against the threshold 12.
    let (status, load) = app.api_get(&leder, "/api/v1/municipalities/mellomvik/child-coordination/caseload").await?;
    ensure!(status == 200, "{status} {load}");
    let hanne = load["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["coordinator_user_id"] == "helsesykepleier")
        .context("Hanne's line")?;
    ensure!(
        hanne["families"] == 2 && hanne["weighted"] == 5 && hanne["over"] == false && load["threshold"] == 12,
        "{load}"
    );
    ensure!(load["median_waiting_days"].is_number(), "{load}");
    let (status, _) = app.api_get(&hs, "/api/v1/municipalities/mellomvik/child-coordination/caseload").await?;
    ensure!(status == 403, "a coordinator is not a leader: {status}");
    // The family sees who read their matter.
    let (_, log) = app.api_get(&ingrid, "/api/v1/me/access-log").await?;
    ensure!(log.to_string().contains("Kari Enhet"), "{log}");
    app.stop().await;
    Ok(())
}

async fn a_complaint_about_a_refusal_goes_to_its_outcome(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let ke = app.token("ke").await?;
    let sofia = app.token("sofia").await?;
    let barnevern = app.token("barnevern").await?;

    // Before any matter the unit does not read the case.
    let (status, _) = app.api_get(&ke, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 403, "{status}");
    // Sofia asks in Los; staff cannot pretend to be her.
    let request = json!({"channel": "digital", "situation": "born", "description": "Daniel strever etter flyttingen og vi trenger noen som holder i trådene"});
    let (status, err) = app.api_post(&barnevern, &format!("{DANIEL}/reports"), request.clone()).await?;
    ensure!(status == 422 && err["code"] == "child_coordinator.channel", "{status} {err}");
    let (status, _) = app.api_post(&sofia, &format!("{DANIEL}/reports"), request).await?;
    ensure!(status == 201, "{status}");
    let (status, _) = app.api_get(&ke, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 200, "the unit reads the case while the matter is open: {status}");
    let (_, m) = app.api_get(&ke, DANIEL).await?;
    ensure!(m["state"] == "requested" && m["prompts"] == json!(["assess"]), "{m}");

    // The unit finds condition 2 not met, and refuses (in nynorsk).
    let mut a = full_assessment("not_met");
    a["kinds"] = json!([]);
    let (status, _) = app.api_post(&ke, &format!("{DANIEL}/assessments"), a).await?;
    ensure!(status == 201, "{status}");
    let (status, err) = app
        .api_post(
            &ke,
            &format!("{DANIEL}/decisions"),
            json!({"kind": "grant", "reasons": "Familien trenger hjelp med samordning"}),
        )
        .await?;
    ensure!(status == 422 && err["code"] == "child_coordinator.decision_kind", "{status} {err}");
    let (status, d) = app
        .api_post(
            &ke,
            &format!("{DANIEL}/decisions"),
            json!({"kind": "refusal", "language": "nn",
            "reasons": "Daniel har ikkje ein alvorleg sjukdom, skade eller nedsett funksjonsevne slik lova krev"}),
        )
        .await?;
    ensure!(status == 201, "{status} {d}");
    let decision = d["id"].as_str().unwrap().to_owned();
    let text = letter_text(&app, &sofia, &format!("{DANIEL}/decisions/{decision}/letter")).await?;
    ensure!(text.contains("Statsforvaltaren") || text.contains("Statsforvalteren i Demofylke"), "{text}");
    ensure!(text.contains("nedsett funksjonsevne slik lova krev"), "{text}");
    let (_, m) = app.api_get(&sofia, DANIEL).await?;
    ensure!(m["state"] == "refused" && m["decisions"][0]["complaint_body"] == "Statsforvalteren i Demofylke", "{m}");
    ensure!(m["decisions"][0]["deadline_days"] == 28, "{m}");
    // A participating service sees the status, not the reasons.
    let (_, seen) = app.api_get(&barnevern, DANIEL).await?;
    ensure!(seen["state"] == "refused" && seen["decisions"] == json!([]), "{seen}");

    // Sofia complains; a complaint about something that was not decided is refused.
    let (status, err) = app
        .api_post(&sofia, &format!("{DANIEL}/complaints"), json!({"kind": "termination", "text": "Vi er uenige"}))
        .await?;
    ensure!(status == 422 && err["code"] == "child_coordinator.complaint_kind", "{status} {err}");
    let (status, c) = app
        .api_post(
            &sofia,
            &format!("{DANIEL}/complaints"),
            json!({"kind": "refusal", "text": "Daniel har en alvorlig angstlidelse etter det han har opplevd"}),
        )
        .await?;
    ensure!(status == 201, "{status} {c}");
    let complaint = c["id"].as_str().unwrap().to_owned();
    let steps = format!("{DANIEL}/complaints/{complaint}/steps");
    // Only the unit handles it; statsforvalteren decides only once it has the complaint.
    let (status, _) = app.api_post(&sofia, &steps, json!({"step": "forward", "note": "x"})).await?;
    ensure!(status == 403, "{status}");
    let (status, err) =
        app.api_post(&ke, &steps, json!({"step": "decide", "outcome": "upheld", "note": "Medhold"})).await?;
    ensure!(status == 422 && err["code"] == "child_coordinator.complaint_step", "{status} {err}");
    for (step, outcome, note) in [
        ("review", None, "Kommunen har vurdert klagen og opprettholder avslaget"),
        ("forward", None, "Sendt til Statsforvalteren i Demofylke"),
        ("decide", Some("upheld"), "Statsforvalteren fant at vilkår 2 er oppfylt"),
        ("implement", None, "Retten er innvilget; barnekoordinator oppnevnes"),
    ] {
        let mut body = json!({"step": step, "note": note});
        if let Some(o) = outcome {
            body["outcome"] = json!(o);
        }
        let (status, err) = app.api_post(&ke, &steps, body).await?;
        ensure!(status == 201, "{step}: {status} {err}");
    }
    let (_, m) = app.api_get(&sofia, DANIEL).await?;
    let c = &m["complaints"][0];
    ensure!(c["state"] == "implemented" && c["outcome"] == "upheld" && c["in_time"] == true, "{c}");
    ensure!(c["steps"].as_array().unwrap().len() == 4, "{c}");
    ensure!(m["state"] == "granted" && m["prompts"] == json!(["consent"]), "the outcome applied: {m}");
    app.stop().await;
    Ok(())
}

async fn the_handover_at_18_and_one_municipal_coordinator(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let ke = app.token("ke").await?;
    let hs = app.token("helsesykepleier").await?;
    let today = chrono::Utc::now().date_naive();

    let (_, m) = app.api_get(&ke, EMMA).await?;
    ensure!(m["state"] == "appointed" && m["appointment"]["in_force"] == true, "{m}");
    ensure!(m["prompts"] == json!(["plan_transition"]), "Emma is 17 and three months: {}", m["prompts"]);
    let eighteen: chrono::NaiveDate = m["eighteenth_birthday"].as_str().unwrap().parse()?;
    // The coordinator sees the matter and the delegation that gives her authority.
    let (_, mine) = app.api_get(&hs, EMMA).await?;
    ensure!(mine["detail"] == true && mine["delegation"]["scope"].is_string(), "{mine}");

    // One municipal coordinator: an ordinary coordinator is refused while the child coordinator is in force.
    let screening = json!({"right": "coordinator", "outcome": "in_place", "service_id": "mellomvik-helsestasjon",
        "person": "Helga Hjelp", "reasoning": "Ordinær koordinator etter helse- og omsorgstjenesteloven § 7-2"});
    let (status, err) = app.api_post(&hs, "/api/v1/cases/sak-emma/rights", screening.clone()).await?;
    ensure!(status == 422 && err["code"] == "child_coordinator.one_coordinator", "{status} {err}");

    // The handover: only the unit, with an overlap that ends within a quarter after 18.
    let handover = |until: chrono::NaiveDate| {
        json!({"service_id": "mellomvik-helsestasjon", "person": "Helga Hjelp", "overlap_until": until.to_string(),
            "plan": "Emma, Line, Hanne og Helga møtes tre ganger før 18-årsdagen og går gjennom planen sammen"})
    };
    let (status, _) = app.api_post(&hs, &format!("{EMMA}/handover"), handover(eighteen)).await?;
    ensure!(status == 403, "{status}");
    let (status, err) =
        app.api_post(&ke, &format!("{EMMA}/handover"), handover(eighteen + chrono::Duration::days(200))).await?;
    ensure!(status == 422 && err["code"] == "child_coordinator.overlap", "{status} {err}");
    let until = eighteen + chrono::Duration::days(30);
    let (status, _) = app.api_post(&ke, &format!("{EMMA}/handover"), handover(until)).await?;
    ensure!(status == 201, "{status}");
    let (_, m) = app.api_get(&ke, EMMA).await?;
    ensure!(m["handover"]["person"] == "Helga Hjelp" && m["appointment"]["ends"] == until.to_string(), "{m}");
    ensure!(m["extended_until"] == until.to_string(), "the overlap past 18 is the municipality's choice: {m}");
    let end = m["decisions"].as_array().unwrap().iter().find(|d| d["kind"] == "termination").context("a decision")?;
    ensure!(end["end_reason"] == "turned_18", "{end}");
    ensure!(m["appointment"]["in_force"] == true && today < until, "the child coordinator stays through the overlap");
    // With the handover planned, the ordinary coordinator is recorded beside the child coordinator.
    let (status, err) = app.api_post(&hs, "/api/v1/cases/sak-emma/rights", screening).await?;
    ensure!(status == 201, "{status} {err}");
    let line = app.token("line").await?;
    let decision = end["id"].as_str().unwrap();
    let text = letter_text(&app, &line, &format!("{EMMA}/decisions/{decision}/letter")).await?;
    ensure!(text.contains("Emma Haugen") && text.contains("Helga Hjelp"), "{text}");
    app.stop().await;
    Ok(())
}

async fn the_journey_through_the_pages(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let ke = app.logged_in("ke").await?;
    let page = app.url("/saker/sak-nilsen/barnekoordinator");
    let html = ke.get(&page).send().await?.text().await?;
    ensure!(html.contains("veiled familien om retten") && html.contains("Før fødsel"), "the prompt and the report");
    let post = |path: &str, form: Vec<(&'static str, &'static str)>| {
        let c = ke.clone();
        let url = app.url(&format!("/saker/sak-nilsen/barnekoordinator/{path}"));
        async move { c.post(url).form(&form).send().await }
    };
    let res = post("veiledning", vec![("description", "Møtte familien på helsestasjonen"), ("wants_assessment", "on")])
        .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()["location"].to_str()?.to_owned();
    let html = ke.get(app.url(&location)).send().await?.text().await?;
    ensure!(html.contains("Veiledningen er registrert."), "the confirmation");
    // A bare "Nei." is refused on its field, in bokmål.
    let assessment = |reasoning: &'static str| {
        vec![
            ("c2", "met"),
            ("kinds", "illness"),
            ("themes", "function"),
            ("themes", "pain"),
            ("c2_reasoning", reasoning),
            ("family_experience", "Familien er bekymret og sliten"),
            ("c3", "met"),
            ("long_term", "Behovet varer i mange år framover"),
            ("complex", "Tjenestene må planlegges sammen rundt barnet"),
            ("health_care", "Sykehus og helsestasjon følger opp tett"),
            ("other_welfare", "NAV og barnehage må tilrettelegge tilbudet"),
        ]
    };
    let res = post("vurdering", assessment("Nei.")).await?;
    ensure!(res.status() == 422, "{}", res.status());
    let html = res.text().await?;
    ensure!(
        html.contains("ds-error-summary")
            && html.contains("minst fire ord")
            && html.contains("href=\"#cc-c2-reasoning\""),
        "the error on its field"
    );
    let res = post("vurdering", assessment("Alvorlig hjertefeil som krever operasjon etter fødselen")).await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let res = post(
        "vedtak",
        vec![("kind", "grant"), ("reasons", "Alle vilkårene er oppfylt etter vurderingen"), ("language", "nn")],
    )
    .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    // The mother consents on her own page.
    let ingrid = app.logged_in("ingrid").await?;
    let html = ingrid.get(&page).send().await?.text().await?;
    ensure!(html.contains("Jeg samtykker") && html.contains("brev.pdf"), "the consent form and the letter");
    let res = ingrid
        .post(app.url("/saker/sak-nilsen/barnekoordinator/samtykke"))
        .form(&[("giver_person_id", "person-ingrid"), ("form", "digital")])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let res = post(
        "oppnevning",
        vec![
            ("coordinator", "helsesykepleier|mellomvik-helsestasjon"),
            ("family_wishes", "Ønsker Hanne"),
            ("wishes_met", "on"),
            ("need_weight", "2"),
        ],
    )
    .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let html = ke.get(&page).send().await?.text().await?;
    ensure!(html.contains("Barnekoordinator oppnevnt") && html.contains("Hanne Helse"), "appointed");
    let letter = ke.get(app.url("/saker/sak-nilsen/barnekoordinator/vedtak/x/brev.pdf")).send().await?;
    ensure!(letter.status() == 404, "an unknown letter: {}", letter.status());
    app.stop().await;
    Ok(())
}

async fn the_municipality_sets_the_unit_the_route_and_the_delegation(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let admin = app.token("admin").await?;
    let ke = app.token("ke").await?;
    let path = "/api/v1/municipalities/mellomvik/child-coordination";
    let settings = |unit: &str, deadline: i64| {
        json!({"unit_service_id": unit, "complaint_body": "Statsforvalteren i Demofylke", "deadline_days": deadline,
            "caseload_threshold": 10, "transition_lead_months": 9})
    };
    let res =
        reqwest::Client::new().put(app.url(path)).bearer_auth(&ke).json(&settings("mellomvik-ke", 28)).send().await?;
    ensure!(res.status() == 403, "only an administrator: {}", res.status());
    for (body, code) in [
        (settings("nav-stat-mellomvik", 28), "child_coordinator.unit"),
        (settings("mellomvik-ke", 0), "child_coordinator.complaint_route"),
    ] {
        let res = reqwest::Client::new().put(app.url(path)).bearer_auth(&admin).json(&body).send().await?;
        let status = res.status();
        let err: Value = res.json().await?;
        ensure!(status == 422 && err["code"] == code, "{code}: {status} {err}");
    }
    let res = reqwest::Client::new()
        .put(app.url(path))
        .bearer_auth(&admin)
        .json(&settings("mellomvik-ke", 21))
        .send()
        .await?;
    ensure!(res.status() == 200, "{}", res.status());
    let saved: Value = res.json().await?;
    ensure!(saved["deadline_days"] == 21 && saved["transition_lead_months"] == 9, "{saved}");
    // A decision now carries the new deadline.
    let sofia = app.token("sofia").await?;
    let (status, _) = app
        .api_post(
            &sofia,
            &format!("{DANIEL}/reports"),
            json!({"channel": "digital", "situation": "born", "description": "Vi ber om barnekoordinator"}),
        )
        .await?;
    ensure!(status == 201, "{status}");
    let mut a = full_assessment("not_met");
    a["kinds"] = json!([]);
    app.api_post(&ke, &format!("{DANIEL}/assessments"), a).await?;
    let (status, _) = app
        .api_post(
            &ke,
            &format!("{DANIEL}/decisions"),
            json!({"kind": "refusal", "reasons": "Vilkår 2 er ikke oppfylt etter vurderingen"}),
        )
        .await?;
    ensure!(status == 201, "{status}");
    let (_, m) = app.api_get(&sofia, DANIEL).await?;
    ensure!(m["decisions"][0]["deadline_days"] == 21, "{m}");
    // The delegation decision, shown in the coordinator's view.
    let delegations = format!("{path}/delegations");
    let (status, err) =
        app.api_post(&admin, &delegations, json!({"reference": "", "decided_on": "2026-01-01", "scope": "x"})).await?;
    ensure!(status == 422 && err["code"] == "child_coordinator.reference", "{status} {err}");
    let (status, _) = app
        .api_post(
            &admin,
            &delegations,
            json!({"reference": "Delegeringsreglement 2026, kap. 7", "decided_on": "2026-11-01",
            "scope": "Barnekoordinatorer kan kreve bedre samarbeid fra kommunale tjenester"}),
        )
        .await?;
    ensure!(status == 201, "{status}");
    let (_, m) = app.api_get(&app.token("helsesykepleier").await?, EMMA).await?;
    ensure!(m["delegation"]["reference"] == "Delegeringsreglement 2026, kap. 7", "the newest: {}", m["delegation"]);
    // The administrator's page.
    let c = app.logged_in("admin").await?;
    let html = c.get(app.url("/admin/barnekoordinator")).send().await?.text().await?;
    ensure!(html.contains("Klageinstans") && html.contains("Statsforvalteren i Demofylke"), "the settings form");
    let res = c
        .post(app.url("/admin/barnekoordinator"))
        .form(&[
            ("organisation_id", "mellomvik"),
            ("unit_service_id", "mellomvik-ke"),
            ("complaint_body", "Statsforvalteren i Demofylke"),
            ("deadline_days", "28"),
            ("caseload_threshold", "abc"),
            ("transition_lead_months", "12"),
        ])
        .send()
        .await?;
    ensure!(res.status() == 422, "{}", res.status());
    ensure!(res.text().await?.contains("ds-error-summary"), "the refusal shown");
    let res = c
        .post(app.url("/admin/barnekoordinator"))
        .form(&[
            ("organisation_id", "mellomvik"),
            ("unit_service_id", "mellomvik-ke"),
            ("complaint_body", "Statsforvalteren i Demofylke"),
            ("deadline_days", "28"),
            ("caseload_threshold", "12"),
            ("transition_lead_months", "12"),
        ])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let html = c.get(app.url("/admin/barnekoordinator?lagret=1")).send().await?.text().await?;
    ensure!(html.contains("Innstillingene er lagret."), "saved");
    let leder = app.logged_in("leder").await?;
    let html = leder.get(app.url("/barnekoordinatorer")).send().await?.text().await?;
    ensure!(html.contains("Hanne Helse") && html.contains("Vektet belastning"), "the caseload page");
    app.stop().await;
    Ok(())
}

async fn the_coordinators_work_startup_journal_requirements_and_competence(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let hs = app.token("helsesykepleier").await?;
    let ke = app.token("ke").await?;
    let line = app.token("line").await?;
    let startup = json!({"important": "At Emma blir hørt", "good_life": "Mindre venting og færre skjemaer",
        "good_offer": "Én å ringe", "needs": "Avlastning i helgene",
        "expectations": "Hanne samordner tjenestene, men bestemmer ikke hva de gir", "contact": "Telefon annenhver uke"});
    let mut missing = startup.clone();
    missing["good_life"] = json!(" ");
    let (status, err) = app.api_post(&hs, &format!("{EMMA}/startup"), missing).await?;
    ensure!(status == 422 && err["code"] == "child_coordinator.key_question", "{status} {err}");
    let (status, _) = app.api_post(&hs, &format!("{EMMA}/startup"), startup).await?;
    ensure!(status == 201, "{status}");
    // Another employee of the same service is not the coordinator.
    let barnevern = app.token("barnevern").await?;
    let (status, _) = app
        .api_post(
            &barnevern,
            &format!("{EMMA}/journal"),
            json!({"task": "a", "text": "Snakket med skolen om tilrettelegging"}),
        )
        .await?;
    ensure!(status == 403, "{status}");
    for (body, code) in [
        (json!({"task": "a", "text": "Ringte skolen og NAV og avtalte felles møte om høsten"}), 201),
        (json!({"task": "d", "outside_role": true, "text": "Mor spurte om egen behandling hos fastlegen"}), 201),
        (json!({"task": "x", "text": "Ringte skolen og NAV og avtalte felles møte"}), 422),
    ] {
        let (status, err) = app.api_post(&hs, &format!("{EMMA}/journal"), body).await?;
        ensure!(status == code, "{code}: {status} {err}");
    }
    // A requirement to cooperate better goes only to a municipal service, under the delegation decision.
    let (status, err) = app
        .api_post(
            &hs,
            &format!("{EMMA}/instructions"),
            json!({"target_service_id": "nav-stat-mellomvik",
            "text": "NAV må svare på søknaden om hjelpemidler før skolestart"}),
        )
        .await?;
    ensure!(status == 422 && err["code"] == "child_coordinator.instruction_not_municipal", "{status} {err}");
    let (status, _) = app
        .api_post(
            &hs,
            &format!("{EMMA}/instructions"),
            json!({"target_service_id": "nav-mellomvik",
            "text": "Avlastningen og helsestasjonen må avtale felles plan før sommeren"}),
        )
        .await?;
    ensure!(status == 201, "{status}");
    let (status, _) = app
        .api_post(
            &hs,
            &format!("{EMMA}/escalations"),
            json!({"to": "line_manager", "target_service_id": "nav-stat-mellomvik",
            "possible_breach": true, "text": "NAV har ikke svart på tre henvendelser om hjelpemidler"}),
        )
        .await?;
    ensure!(status == 201, "{status}");
    let (_, m) = app.api_get(&ke, EMMA).await?;
    let work = m["work"].as_array().unwrap();
    ensure!(work.len() == 5, "{}", m["work"]);
    let instruction = work.iter().find(|w| w["kind"] == "instruction").context("the requirement")?;
    ensure!(instruction["delegation_id"] == "delegering-demo-mellomvik", "under the delegation: {instruction}");
    ensure!(work.iter().any(|w| w["kind"] == "journal" && w["in_scope"] == false), "{}", m["work"]);
    ensure!(m["journal_basis"].as_str().is_some_and(|b| b.contains("art. 9")), "{}", m["journal_basis"]);
    // The family sees the start-up conversation and the journal, not the services' requirements.
    let (_, mine) = app.api_get(&line, EMMA).await?;
    let kinds: Vec<&str> = mine["work"].as_array().unwrap().iter().filter_map(|w| w["kind"].as_str()).collect();
    ensure!(
        kinds.contains(&"startup")
            && kinds.contains(&"journal")
            && !kinds.contains(&"instruction")
            && !kinds.contains(&"escalation"),
        "{kinds:?}"
    );
    // The unit keeps the competence record; the leader reads it.
    let path = "/api/v1/municipalities/mellomvik/child-coordination/competence";
    let training =
        json!({"user_id": "helsesykepleier", "area": "follow_up", "completed_on": "2026-10-01", "note": "Grunnkurs"});
    let (status, _) = app.api_post(&app.token("leder").await?, path, training.clone()).await?;
    ensure!(status == 403, "{status}");
    let (status, err) = app
        .api_post(&ke, path, json!({"user_id": "helsesykepleier", "area": "juggling", "completed_on": "2026-10-01"}))
        .await?;
    ensure!(status == 422 && err["code"] == "child_coordinator.area", "{status} {err}");
    let (status, _) = app.api_post(&ke, path, training).await?;
    ensure!(status == 201, "{status}");
    let (_, load) =
        app.api_get(&app.token("leder").await?, "/api/v1/municipalities/mellomvik/child-coordination/caseload").await?;
    let hanne = load["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["coordinator_user_id"] == "helsesykepleier")
        .context("Hanne")?;
    ensure!(hanne["competence"] == json!(["follow_up"]), "{hanne}");
    // The pages: the coordinator's forms and the family's view of the agreement.
    let c = app.logged_in("helsesykepleier").await?;
    let html = c.get(app.url("/saker/sak-emma/barnekoordinator")).send().await?.text().await?;
    ensure!(
        html.contains("Oppstartssamtale") && html.contains("Krev bedre samarbeid") && html.contains("art. 9"),
        "the forms"
    );
    let res = c
        .post(app.url("/saker/sak-emma/barnekoordinator/journal"))
        .form(&[("task", "b"), ("text", "Fulgte opp søknaden om avlastning med kommunen")])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let family = app.logged_in("line").await?;
    let html = family.get(app.url("/saker/sak-emma/barnekoordinator")).send().await?.text().await?;
    ensure!(
        html.contains("Hanne samordner tjenestene") && !html.contains("Krev bedre samarbeid"),
        "the family sees the agreement"
    );
    // Line withdraws her consent: the unit is prompted, and ends the child coordinator with a decision.
    let withdraw = format!("{EMMA}/consents/bksamtykke-demo-emma/withdraw");
    let (status, _) = app.api_post(&barnevern, &withdraw, json!({})).await?;
    ensure!(status == 403, "{status}");
    let res =
        family.post(app.url("/saker/sak-emma/barnekoordinator/samtykke/bksamtykke-demo-emma/trekk")).send().await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let (status, err) = app.api_post(&line, &withdraw, json!({})).await?;
    ensure!(status == 422 && err["code"] == "child_coordinator.withdrawn", "{status} {err}");
    let (_, m) = app.api_get(&ke, EMMA).await?;
    ensure!(m["prompts"].as_array().unwrap().iter().any(|p| p == "consent_withdrawn"), "{}", m["prompts"]);
    let (_, tasks) = app.api_get(&ke, "/api/v1/me/tasks").await?;
    ensure!(
        tasks.as_array().unwrap().iter().any(|t| t["case_id"] == "sak-emma" && t["detail"] == "consent_withdrawn"),
        "{tasks}"
    );
    let (status, _) = app
        .api_post(
            &ke,
            &format!("{EMMA}/decisions"),
            json!({"kind": "termination", "end_reason": "consent_withdrawn",
            "reasons": "Foreldrene har trukket tilbake samtykket til barnekoordinator"}),
        )
        .await?;
    ensure!(status == 201, "{status}");
    let (_, m) = app.api_get(&ke, EMMA).await?;
    ensure!(m["state"] == "ended" && m["appointment"].is_null(), "{m}");
    // Nothing locks the coordination any more: an ordinary coordinator can be recorded.
    let (status, err) = app
        .api_post(&hs, "/api/v1/cases/sak-emma/rights", json!({"right": "coordinator", "outcome": "in_place",
            "service_id": "mellomvik-helsestasjon", "person": "Helga Hjelp", "reasoning": "Ordinær koordinator etter at barnekoordinatoren sluttet"}))
        .await?;
    ensure!(status == 201, "{status} {err}");
    app.stop().await;
    Ok(())
}

async fn a_complaint_and_the_handover_through_the_pages(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let sofia = app.logged_in("sofia").await?;
    let ke = app.logged_in("ke").await?;
    let daniel = "/saker/sak-sofia-daniel/barnekoordinator";
    let html = sofia.get(app.url(daniel)).send().await?.text().await?;
    ensure!(html.contains("Be om barnekoordinator") && html.contains("ingen diagnose"), "the family's request form");
    let go = |c: &reqwest::Client, path: &'static str, form: Vec<(&'static str, &'static str)>| {
        let (c, url) = (c.clone(), app.url(&format!("{daniel}/{path}")));
        async move {
            let res = c.post(url).form(&form).send().await?;
            anyhow::ensure!(res.status().is_redirection(), "{path}: {}", res.status());
            anyhow::Ok(())
        }
    };
    go(
        &sofia,
        "melding",
        vec![
            ("channel", "digital"),
            ("situation", "born"),
            ("description", "Daniel trenger noen som holder i trådene"),
        ],
    )
    .await?;
    go(
        &ke,
        "vurdering",
        vec![
            ("c2", "not_met"),
            ("themes", "function"),
            ("c2_reasoning", "Daniel har ingen alvorlig sykdom eller funksjonsnedsettelse etter det vi vet"),
            ("family_experience", "Sofia opplever det som svært krevende"),
            ("c3", "met"),
            ("long_term", "Behovet vil vare i flere år framover"),
            ("complex", "Skole, barnevern og NAV må planlegge sammen"),
            ("health_care", "Helsestasjonen følger Daniel opp jevnlig"),
            ("other_welfare", "Skolen og NAV gir tilrettelegging og økonomisk hjelp"),
        ],
    )
    .await?;
    go(
        &ke,
        "vedtak",
        vec![
            ("kind", "refusal"),
            ("reasons", "Vilkår 2 er ikke oppfylt etter en konkret vurdering"),
            ("language", "nb"),
        ],
    )
    .await?;
    let html = sofia.get(app.url(daniel)).send().await?.text().await?;
    ensure!(
        html.contains("Avslag på barnekoordinator") && html.contains("Statsforvalteren i Demofylke"),
        "the refusal and its route"
    );
    go(&sofia, "klage", vec![("kind", "refusal"), ("text", "Daniel har en alvorlig angstlidelse")]).await?;
    let res = sofia.get(app.url(&format!("{daniel}?lagret=complaint"))).send().await?.text().await?;
    ensure!(res.contains("Klagen er registrert."), "confirmed");
    let (_, m) = app.api_get(&app.token("ke").await?, "/api/v1/cases/sak-sofia-daniel/child-coordinator").await?;
    let complaint = m["complaints"][0]["id"].as_str().context("the complaint")?.to_owned();
    for (step, outcome) in [("review", ""), ("forward", ""), ("decide", "upheld"), ("implement", "")] {
        let url = app.url(&format!("{daniel}/klage/{complaint}/steg"));
        let res = ke
            .post(url)
            .form(&[("step", step), ("outcome", outcome), ("note", "Behandlet etter rutinen")])
            .send()
            .await?;
        ensure!(res.status().is_redirection(), "{step}: {}", res.status());
    }
    let html = ke.get(app.url(daniel)).send().await?.text().await?;
    ensure!(
        html.contains("Innvilget") && html.contains("Fulgt opp") && html.contains("Medhold"),
        "the outcome applied"
    );

    // The handover at 18, on Emma's page.
    let (_, emma) = app.api_get(&app.token("ke").await?, EMMA).await?;
    let eighteen: chrono::NaiveDate = emma["eighteenth_birthday"].as_str().context("the birthday")?.parse()?;
    let until = (eighteen + chrono::Duration::days(14)).to_string();
    let res = ke
        .post(app.url("/saker/sak-emma/barnekoordinator/overgang"))
        .form(&[
            ("service_id", "mellomvik-helsestasjon"),
            ("person", "Helga Hjelp"),
            ("overlap_until", until.as_str()),
            ("plan", "Tre felles møter med Emma før hun fyller 18 år"),
        ])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let html = ke.get(app.url("/saker/sak-emma/barnekoordinator")).send().await?.text().await?;
    ensure!(
        html.contains("Overgang til ordinær koordinator Helga Hjelp")
            && html.contains("Avslutning av barnekoordinator"),
        "the handover shown"
    );
    app.stop().await;
    Ok(())
}

async fn a_family_has_one_child_coordinator_for_its_children(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let hs = app.token("helsesykepleier").await?;
    let ke = app.token("ke").await?;
    // Emma's little brother, with the same mother, opened by the health station.
    let line = los_store::demo::synthetic_fnr("1980-02-07".parse()?);
    let brother = los_store::demo::synthetic_fnr("2019-05-14".parse()?);
    let (status, body) = app
        .api_post(&hs, "/api/v1/cases", json!({
            "service_id": "mellomvik-helsestasjon", "child_kind": "number", "number": brother.as_str(),
            "given_name": "Ola", "family_name": "Haugen", "kommune": "9901", "reason": "Epilepsi og utviklingshemning",
            "adult_number": line.as_str(), "adult_given_name": "Line", "adult_family_name": "Haugen",
            "adult_relation": "parent", "adult_parental_responsibility": true
        }))
        .await?;
    ensure!(status == 201, "{status} {body}");
    let case_id = body["case_id"].as_str().context("the case")?.to_owned();
    let path = format!("/api/v1/cases/{case_id}/child-coordinator");
    let line_token = app.token("line").await?;
    let (status, _) = app
        .api_post(
            &line_token,
            &format!("{path}/reports"),
            json!({"channel": "digital", "situation": "born", "description": "Ola trenger også mye hjelp"}),
        )
        .await?;
    ensure!(status == 201, "{status}");
    let (status, _) = app.api_post(&ke, &format!("{path}/assessments"), full_assessment("met")).await?;
    ensure!(status == 201, "{status}");
    let (status, _) = app
        .api_post(
            &ke,
            &format!("{path}/decisions"),
            json!({"kind": "grant", "reasons": "Alle tre vilkårene er oppfylt for Ola"}),
        )
        .await?;
    ensure!(status == 201, "{status}");
    let (status, _) = app
        .api_post(
            &line_token,
            &format!("{path}/consents"),
            json!({"giver_person_id": "person-line", "form": "digital"}),
        )
        .await?;
    ensure!(status == 201, "{status}");
    // Another coordinator for the same family is refused; Emma's coordinator is appointed for Ola too.
    let appoint = |user: &str| {
        json!({"coordinator_user_id": user, "service_id": "mellomvik-helsestasjon",
            "family_wishes": "Samme koordinator for begge barna", "wishes_met": true, "need_weight": 2})
    };
    let (status, err) = app.api_post(&ke, &format!("{path}/appointments"), appoint("hanne-finnes-ikke")).await?;
    ensure!(status == 422 && err["code"] == "child_coordinator.one_family_coordinator", "{status} {err}");
    let (status, _) = app.api_post(&ke, &format!("{path}/appointments"), appoint("helsesykepleier")).await?;
    ensure!(status == 201, "{status}");
    app.stop().await;
    Ok(())
}
