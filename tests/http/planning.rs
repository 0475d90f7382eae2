//! Carrying out the cooperation over HTTP (spec 01 §4.2–4.3, §4.6, §5.2, §8.C 13–14, §8.G 26–27): the guided
//! situation checks of step 2, a service granting a new service, the plan's order and dependencies, meetings
//! (series, the child's wish to limit who attends, restorative meetings, minutes, calendar export) and a
//! youth sentence recorded through the page.

use anyhow::ensure;
use los_tests::{Db, TestApp};
use serde_json::{Value, json};

crate::tests!(
    situation_checks_guide_step_two,
    granting_a_new_service_prompts_everyone_to_reassess,
    plan_order_dependencies_and_revisions,
    meetings_series_childs_wishes_and_minutes,
    pages_set_up_meetings_and_export_the_calendar,
    youth_follow_up_recorded_through_the_page,
    worklist_shows_what_to_do_next,
    family_tells_the_services_something_is_not_working,
    case_timeline_shows_the_cooperation_over_time,
    administrators_set_who_decides_in_their_municipality,
    transition_example_through_the_pages_only,
    meeting_preparation_and_follow_ups,
    reminders_count_the_worklist_once_a_day,
);

/// The error summary of a page, for failure messages.
fn error_summary(html: &str) -> String {
    html.split("ds-error-summary")
        .nth(1)
        .map(|s| s.chars().take(600).collect())
        .unwrap_or_else(|| "no error summary".into())
}

fn coop(case: &Value) -> &Value {
    &case["cooperation"]
}

/// Scenario D (spec 01 §4.6): the four situations where cooperation may be necessary, and the default case.
async fn situation_checks_guide_step_two(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let path = "/api/v1/cases/sak-sofia-daniel/assessments";
    let base = json!({"service_id": "mellomvik-barnevern", "reasoning": "Konkret vurdert", "child_voice": "heard", "child_wishes": "Daniel vil ha det rolig"});
    for s in ["child_welfare_health_needs", "health_needs_at_school", "challenging_behaviour", "many_providers_family"]
    {
        let mut b = base.clone();
        b["situations"] = json!([s]);
        b["result"] = json!("not_necessary");
        let (status, err) = app.api_post(&bv, path, b.clone()).await?;
        ensure!(status == 422 && err["code"] == "assessment.situation_deviation", "{s}: {status} {err}");
        b["result"] = json!("necessary");
        let (status, _) = app.api_post(&bv, path, b).await?;
        ensure!(status == 201, "{s} necessary: {status}");
    }
    // Not necessary despite a situation: allowed with the reason on file.
    let mut b = base.clone();
    b["situations"] = json!(["many_providers_family"]);
    b["result"] = json!("not_necessary");
    b["deviation_reason"] = json!("NAV-kurset er avsluttet; avtalene kolliderer ikke lenger");
    let (status, _) = app.api_post(&bv, path, b).await?;
    ensure!(status == 201, "{status}");
    // The default case: kindergarten, health centre and dental — cooperation with consent needs no excuse.
    let mut b = base.clone();
    b["situations"] = json!(["universal_services_only"]);
    b["result"] = json!("voluntary_with_consent");
    let (status, _) = app.api_post(&bv, path, b).await?;
    ensure!(status == 201, "{status}");
    let mut b = base.clone();
    b["situations"] = json!(["no_such_situation"]);
    b["result"] = json!("necessary");
    let (status, err) = app.api_post(&bv, path, b).await?;
    ensure!(status == 422 && err["code"] == "assessment.situation", "{status} {err}");
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    let newest = &coop(&case)["assessments"][0];
    ensure!(newest["situations"] == json!(["universal_services_only"]), "{newest}");
    // The page: the checklist is there, and a contradiction gets the error in Norwegian on the right field.
    let c = app.logged_in("barnevern").await?;
    let html = c.get(app.url("/saker/sak-sofia-daniel")).send().await?.text().await?;
    ensure!(html.contains("name=\"situations\" value=\"health_needs_at_school\""), "checklist on the page");
    let res = c
        .post(app.url("/saker/sak-sofia-daniel/vurderinger"))
        .form(&[
            ("service", "mellomvik-barnevern"),
            ("result", "not_necessary"),
            ("reasoning", "Vurdert"),
            ("child_voice", "heard"),
            ("child_wishes", "Daniel vil bo nær skolen"),
            ("situations", "health_needs_at_school"),
            ("situations", "universal_services_only"),
            ("needs", "child"),
            ("needs", "parents"),
        ])
        .send()
        .await?;
    ensure!(res.status() == 422, "{}", res.status());
    let html = res.text().await?;
    ensure!(
        html.contains("href=\"#coop-assessment-deviation\"") && html.contains("Skriv hvorfor samarbeid likevel ikke"),
        "error summary"
    );
    let res = c
        .post(app.url("/saker/sak-sofia-daniel/vurderinger"))
        .form(&[
            ("service", "mellomvik-barnevern"),
            ("result", "necessary"),
            ("reasoning", "Skolen trenger helsetjenesten i skoletiden"),
            ("child_voice", "heard"),
            ("child_wishes", "Daniel vil bo nær skolen"),
            ("situations", "health_needs_at_school"),
            ("needs", "child"),
            ("needs", "parents"),
        ])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    let newest = &coop(&case)["assessments"][0];
    ensure!(
        newest["situations"] == json!(["health_needs_at_school"])
            && newest["needs_of_parents"] == true
            && newest["needs_of_child"] == true,
        "{newest}"
    );
    app.stop().await;
    Ok(())
}

/// Scenario A step 3: when NAV grants services, every service must assess the need for cooperation again.
async fn granting_a_new_service_prompts_everyone_to_reassess(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let nav = app.token("nav").await?;
    let ot = app.token("ot").await?;
    // NAV's demo decision is linked: NAV and Jonas see it; OT, with no consent or legal basis covering
    // NAV's decisions, does not even see that it was made.
    let has_nav_decision = |case: &Value| {
        coop(case)["decisions"].as_array().unwrap().iter().any(|d| d["service_id"] == "nav-stat-mellomvik")
    };
    let (_, case) = app.api_get(&nav, "/api/v1/cases/sak-overgang").await?;
    ensure!(has_nav_decision(&case), "NAV sees its decision: {}", coop(&case)["decisions"]);
    let (_, case) = app.api_get(&app.token("jonas").await?, "/api/v1/cases/sak-overgang").await?;
    ensure!(has_nav_decision(&case), "Jonas sees the decision about him");
    let (_, case) = app.api_get(&ot, "/api/v1/cases/sak-overgang").await?;
    ensure!(!has_nav_decision(&case), "OT has no basis: {}", coop(&case)["decisions"]);
    let before = coop(&case)["prompts"].as_array().unwrap().len();
    let today = chrono::Utc::now().date_naive();
    let body = json!({"service_id": "nav-stat-mellomvik", "title": "Innvilget kvalifiseringsprogram", "reference": "NAV 26/5000", "decided_on": today.to_string()});
    // Only NAV records NAV's decision.
    let (status, err) = app.api_post(&ot, "/api/v1/cases/sak-overgang/decisions", body.clone()).await?;
    ensure!(status == 403 && err["code"] == "denied.not_owning_service", "{status} {err}");
    let mut future = body.clone();
    future["decided_on"] = json!((today + chrono::Duration::days(3)).to_string());
    let (status, err) = app.api_post(&nav, "/api/v1/cases/sak-overgang/decisions", future).await?;
    ensure!(status == 422 && err["code"] == "decision.future", "{status} {err}");
    let (status, _) = app.api_post(&nav, "/api/v1/cases/sak-overgang/decisions", body).await?;
    ensure!(status == 201, "{status}");
    let (_, case) = app.api_get(&ot, "/api/v1/cases/sak-overgang").await?;
    let prompts = coop(&case)["prompts"].as_array().unwrap();
    ensure!(prompts.len() > before, "new prompts");
    let active: Vec<String> = case["participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["left_on"].is_null())
        .map(|p| p["service_id"].as_str().unwrap().to_owned())
        .collect();
    for s in &active {
        ensure!(
            prompts.iter().any(|p| p["kind"] == "reassess"
                && p["service_id"] == s.as_str()
                && p["reason"] == "granted|nav-stat-mellomvik"),
            "no reassessment prompt for {s}: {prompts:?}"
        );
    }
    // The prompt tells OT that NAV granted a new service, not what: that is NAV's information.
    let html = app.logged_in("ot").await?.get(app.url("/saker/sak-overgang")).send().await?.text().await?;
    ensure!(
        html.contains("har innvilget en ny tjeneste") && !html.contains("Innvilget kvalifiseringsprogram"),
        "OT's page"
    );
    // NAV's page shows the decision, and that it is appealed under NAV's own rules.
    let html = app.logged_in("nav").await?.get(app.url("/saker/sak-overgang")).send().await?.text().await?;
    ensure!(html.contains("Innvilget kvalifiseringsprogram") && html.contains("klages etter den tjenestens regler"));
    app.stop().await;
    Ok(())
}

/// Scenario B step 8: the order of measures, who is responsible, dependencies; plans can be revised.
async fn plan_order_dependencies_and_revisions(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let school = app.token("laerer").await?;
    let plan = "/api/v1/cases/sak-sofia-daniel/plan";
    // plan-demo-4 (NAV's advice) is third in the order: a measure waiting for it cannot come before it.
    let m = |pos: i32, dep: &str| json!({"kind": "measure", "title": "Leksehjelp på SFO", "responsible_service": "mellomvik-skole", "for_person": "person-daniel", "position": pos, "depends_on": dep, "measure_type": "help"});
    let (status, err) = app.api_post(&school, plan, m(2, "plan-demo-4")).await?;
    ensure!(status == 422 && err["code"] == "plan.order", "{status} {err}");
    let (status, err) = app.api_post(&school, plan, m(5, "plan-nope")).await?;
    ensure!(status == 422 && err["code"] == "plan.unknown_dependency", "{status} {err}");
    let (status, a) = app.api_post(&school, plan, m(4, "plan-demo-4")).await?;
    ensure!(status == 201, "{status}");
    let a = a["id"].as_str().unwrap().to_owned();
    // B waits for A, which is only planned: B cannot start.
    let (status, b) = app
        .api_post(&school, plan, json!({"kind": "measure", "title": "Prøve ut leksehjelp hjemme", "responsible_service": "mellomvik-skole", "position": 5, "depends_on": a}))
        .await?;
    ensure!(status == 201, "{status}");
    let b = b["id"].as_str().unwrap().to_owned();
    let (status, err) = app.api_post(&school, &format!("{plan}/{b}/status"), json!({"status": "started"})).await?;
    ensure!(status == 422 && err["code"] == "plan.dependency_not_started", "{status} {err}");
    // A starts (a new version with a new id); B's dependency follows A's versions.
    let (status, a2) = app.api_post(&school, &format!("{plan}/{a}/status"), json!({"status": "started"})).await?;
    ensure!(status == 201, "{status}");
    let a2 = a2["id"].as_str().unwrap().to_owned();
    let (status, _) = app.api_post(&school, &format!("{plan}/{b}/status"), json!({"status": "started"})).await?;
    ensure!(status == 201, "B may start now: {status}");
    // A stale version cannot be changed.
    let (status, err) = app.api_post(&school, &format!("{plan}/{a}/status"), json!({"status": "done"})).await?;
    ensure!(status == 422 && err["code"] == "plan.stale", "{status} {err}");
    // Revising A to come after B would break B's order.
    let (status, err) = app
        .api_post(
            &school,
            &format!("{plan}/{a2}/revisions"),
            json!({"title": "Leksehjelp på SFO to dager i uka", "position": 9, "for_person": "person-daniel"}),
        )
        .await?;
    ensure!(status == 422 && err["code"] == "plan.order", "{status} {err}");
    let (status, _) = app
        .api_post(&school, &format!("{plan}/{a2}/revisions"), json!({"title": "Leksehjelp på SFO to dager i uka", "position": 4, "for_person": "person-daniel", "depends_on": "plan-demo-4"}))
        .await?;
    ensure!(status == 201, "{status}");
    // The school cannot revise NAV's measure.
    let (status, err) =
        app.api_post(&school, &format!("{plan}/plan-demo-4/revisions"), json!({"title": "x", "position": 3})).await?;
    ensure!(status == 403 && err["code"] == "denied.not_owning_service", "{status} {err}");
    let (_, case) = app.api_get(&school, "/api/v1/cases/sak-sofia-daniel").await?;
    let items = coop(&case)["plan"].as_array().unwrap();
    let revised = items.iter().find(|p| p["title"] == "Leksehjelp på SFO to dager i uka").unwrap();
    ensure!(revised["history"].as_array().unwrap().len() == 2 && revised["status"] == "started", "{revised}");
    let positions: Vec<i64> =
        items.iter().filter(|p| p["kind"] == "measure").map(|p| p["position"].as_i64().unwrap()).collect();
    ensure!(positions.windows(2).all(|w| w[0] <= w[1]), "measures in order: {positions:?}");
    // On the page: order, for whom, what it waits for.
    let html = app.logged_in("laerer").await?.get(app.url("/saker/sak-sofia-daniel")).send().await?.text().await?;
    ensure!(html.contains("venter på: Råd om stønad") && html.contains("for Daniel"), "plan shown with order");
    app.stop().await;
    Ok(())
}

/// Meeting series (scenario B), the child's wish to limit attendees and restorative meetings (§5.2, §8.G 27).
async fn meetings_series_childs_wishes_and_minutes(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let uk = app.token("uk").await?;
    let path = "/api/v1/cases/sak-sofia-daniel/meetings";
    let first = (chrono::Utc::now().date_naive() + chrono::Duration::days(14)).and_hms_opt(9, 0, 0).unwrap();
    let body = json!({"kind": "cooperation", "starts_at": first.format("%Y-%m-%dT%H:%M").to_string(), "every_weeks": 2, "count": 3, "duration_minutes": 45, "place": "Mellomvik skole", "agenda": "Hvordan går det etter flyttingen?", "invited": ["mellomvik-barnevern", "mellomvik-skole"], "excluded_by_child": ["nav-mellomvik"], "child_participation": "part_of_meeting"});
    let (status, r) = app.api_post(&bv, path, body.clone()).await?;
    ensure!(status == 201 && r["ids"].as_array().unwrap().len() == 3, "{status} {r}");
    let mut against = body.clone();
    against["invited"] = json!(["mellomvik-barnevern", "nav-mellomvik"]);
    let (status, err) = app.api_post(&bv, path, against).await?;
    ensure!(status == 422 && err["code"] == "meeting.excluded_by_child", "{status} {err}");
    let mut outsider = body.clone();
    outsider["invited"] = json!(["bup-demo"]);
    let (status, err) = app.api_post(&bv, path, outsider).await?;
    ensure!(status == 422 && err["code"] == "meeting.not_participant", "{status} {err}");
    let mut too_many = body.clone();
    too_many["count"] = json!(60);
    let (status, err) = app.api_post(&bv, path, too_many).await?;
    ensure!(status == 422 && err["code"] == "meeting.series_count", "{status} {err}");
    let mut restorative = body.clone();
    restorative["kind"] = json!("restorative");
    let (status, err) = app.api_post(&bv, path, restorative).await?;
    ensure!(status == 422 && err["code"] == "meeting.restorative", "{status} {err}");
    // In Adam's case the UK arranges a restorative meeting.
    let (status, _) = app
        .api_post(&uk, "/api/v1/cases/sak-adam/meetings", json!({"kind": "restorative", "starts_at": first.format("%Y-%m-%dT%H:%M").to_string(), "agenda": "Møte med fornærmede", "invited": ["konfliktradet-demo"], "child_participation": "attends"}))
        .await?;
    ensure!(status == 201, "{status}");
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    let meetings = coop(&case)["meetings"].as_array().unwrap();
    let series: Vec<&Value> = meetings.iter().filter(|m| m["duration_minutes"] == 45).collect();
    ensure!(
        series.len() == 3 && series[0]["series_id"].is_string() && series[0]["series_id"] == series[2]["series_id"],
        "a series of three: {series:?}"
    );
    ensure!(series[0]["excluded_by_child"] == json!(["nav-mellomvik"]), "{}", series[0]);
    // Cancelling: with a reason, by the arranging service, the rest of a series at once; kept, marked.
    let second = series[1]["id"].as_str().unwrap().to_owned();
    let cancel = format!("{path}/{second}/cancel");
    let (status, err) = app.api_post(&bv, &cancel, json!({"reason": " "})).await?;
    ensure!(status == 422 && err["code"] == "meeting.cancel_reason", "{status} {err}");
    let (status, err) = app.api_post(&app.token("laerer").await?, &cancel, json!({"reason": "Syk"})).await?;
    ensure!(status == 403 && err["code"] == "denied.not_owning_service", "{status} {err}");
    let (status, r) = app
        .api_post(&bv, &cancel, json!({"reason": "Familien flytter møtene til skolen", "rest_of_series": true}))
        .await?;
    ensure!(status == 200 && r["cancelled"] == 2, "{status} {r}");
    let (status, err) = app.api_post(&bv, &cancel, json!({"reason": "igjen"})).await?;
    ensure!(status == 422 && err["code"] == "meeting.already_cancelled", "{status} {err}");
    let (status, err) =
        app.api_post(&bv, &format!("{path}/mote-demo-sofia-0/cancel"), json!({"reason": "for sent"})).await?;
    ensure!(status == 422 && err["code"] == "meeting.cancel_after_start", "{status} {err}");
    let (status, err) = app
        .api_post(
            &bv,
            &format!("{path}/{second}/minutes"),
            json!({"attended": ["mellomvik-barnevern"], "minutes": "x"}),
        )
        .await?;
    ensure!(status == 422 && err["code"] == "meeting.cancelled", "{status} {err}");
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    let kept: Vec<&Value> =
        coop(&case)["meetings"].as_array().unwrap().iter().filter(|m| m["duration_minutes"] == 45).collect();
    ensure!(
        kept.len() == 3 && kept.iter().filter(|m| m["cancel_reason"].is_string()).count() == 2,
        "kept and marked: {kept:?}"
    );
    // Minutes: not before the meeting; only invited services as present; a new version keeps the old.
    let future = series[0]["id"].as_str().unwrap();
    let (status, err) = app
        .api_post(
            &bv,
            &format!("{path}/{future}/minutes"),
            json!({"attended": ["mellomvik-barnevern"], "minutes": "x"}),
        )
        .await?;
    ensure!(status == 422 && err["code"] == "meeting.minutes_early", "{status} {err}");
    let past = format!("{path}/mote-demo-sofia-0/minutes");
    let (status, err) = app.api_post(&bv, &past, json!({"attended": ["bup-demo"], "minutes": "x"})).await?;
    ensure!(status == 422 && err["code"] == "meeting.attended_not_invited", "{status} {err}");
    let (status, _) = app
        .api_post(&bv, &past, json!({"attended": ["mellomvik-barnevern", "nav-mellomvik"], "minutes": "Barnevernet samordner videre. Rettet: skolen var ikke til stede.", "follow_ups": "NAV: søknad innen 1. oktober"}))
        .await?;
    ensure!(status == 201, "{status}");
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    let m0 =
        coop(&case)["meetings"].as_array().unwrap().iter().find(|m| m["id"] == "mote-demo-sofia-0").unwrap().clone();
    ensure!(m0["minutes"]["earlier_versions"] == 1, "one earlier version: {m0}");
    ensure!(m0["minutes"]["minutes"].as_str().unwrap().contains("Rettet"), "the newest version: {m0}");
    // The minutes are the arranging service's information: a service without consent or a legal basis
    // to receive it sees that they exist, not what they say.
    let (_, case) = app.api_get(&app.token("helsesykepleier").await?, "/api/v1/cases/sak-adam").await?;
    let m0 =
        coop(&case)["meetings"].as_array().unwrap().iter().find(|m| m["id"] == "mote-demo-adam-0").unwrap().clone();
    ensure!(m0["has_minutes"] == true && m0["minutes"].is_null(), "hidden from the health station: {m0}");
    let (_, case) = app.api_get(&uk, "/api/v1/cases/sak-adam").await?;
    let m0 =
        coop(&case)["meetings"].as_array().unwrap().iter().find(|m| m["id"] == "mote-demo-adam-0").unwrap().clone();
    ensure!(m0["minutes"]["minutes"].as_str().unwrap().contains("Ungdomsplanen er satt"), "{m0}");
    app.stop().await;
    Ok(())
}

/// A coordinator sets up a regular series through the page and takes it to their calendar.
async fn pages_set_up_meetings_and_export_the_calendar(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let c = app.logged_in("barnevern").await?;
    let first = (chrono::Utc::now().date_naive() + chrono::Duration::days(21)).and_hms_opt(10, 30, 0).unwrap();
    let starts = first.format("%Y-%m-%dT%H:%M").to_string();
    let res = c
        .post(app.url("/saker/sak-sofia-daniel/moter"))
        .form(&[
            ("kind", "follow_up"),
            ("starts_at", starts.as_str()),
            ("duration_minutes", "60"),
            ("count", "4"),
            ("every_weeks", "4"),
            ("place", "Familiens hjem"),
            ("agenda", "Oppfølging hver fjerde uke"),
            ("invited", "mellomvik-barnevern"),
            ("invited", "familievernkontor-demo"),
            ("child_participation", "through_someone"),
        ])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    // A bad form changes nothing and explains itself.
    let res = c
        .post(app.url("/saker/sak-sofia-daniel/moter"))
        .form(&[
            ("kind", "follow_up"),
            ("starts_at", starts.as_str()),
            ("duration_minutes", "60"),
            ("agenda", " "),
            ("invited", "mellomvik-barnevern"),
            ("child_participation", "attends"),
        ])
        .send()
        .await?;
    ensure!(res.status() == 422, "{}", res.status());
    ensure!(res.text().await?.contains("Skriv sakslisten"), "Norwegian error");
    let html = c.get(app.url("/saker/sak-sofia-daniel")).send().await?.text().await?;
    // Each meeting in the list shows its agenda once.
    ensure!(html.matches("Saksliste: Oppfølging hver fjerde uke").count() == 4, "four meetings listed");
    ensure!(html.contains("Gjennom en hen har valgt"), "the child's participation is shown");
    let res = c.get(app.url("/saker/sak-sofia-daniel/moter.ics")).send().await?;
    ensure!(res.status() == 200, "{}", res.status());
    ensure!(res.headers()["content-type"].to_str()?.starts_with("text/calendar"), "calendar type");
    let ics = res.text().await?;
    ensure!(ics.matches("BEGIN:VEVENT").count() >= 9, "demo meetings and the new series: {ics}");
    let stamp = first.format("%Y%m%dT%H%M%S").to_string();
    ensure!(ics.contains(&format!("DTSTART;TZID=Europe/Oslo:{stamp}")), "local time with the time zone: {ics}");
    ensure!(!ics.contains("Daniel") && !ics.contains("Sofia"), "no names in the calendar file");
    ensure!(ics.contains("STATUS:CONFIRMED"), "{ics}");
    // Someone outside the case gets no calendar.
    let res = app.logged_in("skole").await?.get(app.url("/saker/sak-sofia-daniel/moter.ics")).send().await?;
    ensure!(res.status() == 403, "{}", res.status());
    app.stop().await;
    Ok(())
}

/// Spec 01 §5.2 through the page: the mediation service records youth follow-up for Jonas (17) with its team;
/// another service cannot record it.
async fn youth_follow_up_recorded_through_the_page(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let jonas = app.token("jonas").await?;
    let ot = app.token("ot").await?;
    let today = chrono::Utc::now().date_naive();
    let (status, _) = app.api_post(&jonas, "/api/v1/cases/sak-overgang/consents", json!({
        "domain": "child_welfare", "givers": [{"person_id": "person-jonas", "capacity": "child"}],
        "from_services": ["demofylke-ot"], "to_services": ["konfliktradet-demo"], "categories": ["general"],
        "purpose": "Ungdomsoppfølging i konfliktrådet", "consequences": "Konfliktrådet får vite om skoleplanen",
        "form": "digital", "valid_from": today.to_string(), "valid_to": (today + chrono::Duration::days(365)).to_string()
    })).await?;
    ensure!(status == 201, "{status}");
    let (status, _) = app
        .api_post(
            &ot,
            "/api/v1/cases/sak-overgang/participants",
            json!({"service_id": "konfliktradet-demo", "reason": "Ungdomsoppfølging"}),
        )
        .await?;
    ensure!(status == 204, "{status}");
    let ends = (today + chrono::Duration::days(365)).to_string();
    let form = |guardian: &'static str| {
        vec![
            ("kind", "ungdomsoppfolging".to_owned()),
            ("starts_on", today.to_string()),
            ("ends_on", ends.clone()),
            ("police_contact", String::new()),
            ("correctional_service", String::new()),
            ("guardian", guardian.to_owned()),
            ("team_services", "demofylke-ot".to_owned()),
            ("team_services", "nav-stat-mellomvik".to_owned()),
            ("network", "Onkel Per\nFotballtreneren".to_owned()),
        ]
    };
    // OT is not the youth coordinator.
    let res = app.logged_in("ot").await?.post(app.url("/saker/sak-overgang/straff")).form(&form("")).send().await?;
    ensure!(res.status() == 422, "{}", res.status());
    ensure!(res.text().await?.contains("registreres av konfliktrådets ungdomskoordinator"), "explains who records it");
    let c = app.logged_in("uk").await?;
    let html = c.get(app.url("/saker/sak-overgang")).send().await?.text().await?;
    ensure!(html.contains("action=\"/saker/sak-overgang/straff\""), "the form is on the page");
    // Jonas is 17 and no parent has parental responsibility on record: a guardian must be in the team.
    let res = c.post(app.url("/saker/sak-overgang/straff")).form(&form("")).send().await?;
    ensure!(res.status() == 422, "{}", res.status());
    ensure!(res.text().await?.contains("foreldre eller verge"), "names the missing slot");
    let res = c.post(app.url("/saker/sak-overgang/straff")).form(&form("Tone Verge")).send().await?;
    let status = res.status();
    ensure!(status.is_redirection(), "{status}: {}", error_summary(&res.text().await?));
    let (_, case) = app.api_get(&app.token("uk").await?, "/api/v1/cases/sak-overgang").await?;
    let s = &coop(&case)["sentence"];
    ensure!(s["kind"] == "ungdomsoppfolging" && s["youth_coordinator_service"] == "konfliktradet-demo", "{s}");
    let roles: Vec<&str> = s["team"].as_array().unwrap().iter().map(|m| m[0].as_str().unwrap()).collect();
    // Jonas has no parent with parental responsibility on record, so none is added.
    for r in ["youth_coordinator", "guardian", "service", "network"] {
        ensure!(roles.contains(&r), "team lacks {r}: {roles:?}");
    }
    ensure!(s["team"].as_array().unwrap().iter().filter(|m| m[0] == "network").count() == 2, "{s}");
    app.stop().await;
    Ok(())
}

/// The worklist (spec 01 §4.3 reminders, §8.F 23–24): each employee sees what to do next in their cases.
async fn worklist_shows_what_to_do_next(db: Db) -> anyhow::Result<()> {
    let settings = los_store::Settings { evaluation_days: 7, ..Default::default() };
    let app = TestApp::start_with(db, true, settings).await?;
    let tasks = |v: &Value| v.as_array().cloned().unwrap_or_default();
    let has = |v: &Value, kind: &str, case: &str| tasks(v).iter().any(|t| t["kind"] == kind && t["case_id"] == case);
    let bv = app.token("barnevern").await?;
    let (status, list) = app.api_get(&bv, "/api/v1/me/tasks").await?;
    ensure!(status == 200, "{status}");
    // Child welfare coordinates Sofia and Daniel's case and has not told the family yet; the regular
    // meetings are coming up in both of its cases.
    ensure!(has(&list, "communicate", "sak-sofia-daniel"), "{list}");
    ensure!(has(&list, "meeting", "sak-sofia-daniel") && has(&list, "meeting", "sak-adam"), "{list}");
    ensure!(!has(&list, "evaluate", "sak-overgang"), "not child welfare's case any more: {list}");
    // OT coordinates the transition case: the 7-day cadence has passed.
    let (_, list) = app.api_get(&app.token("ot").await?, "/api/v1/me/tasks").await?;
    ensure!(has(&list, "evaluate", "sak-overgang"), "{list}");
    // Jonas turns 18 within the notice period: OT is asked to review who coordinates before it happens.
    ensure!(tasks(&list).iter().any(|t| t["kind"] == "transition_ahead" && t["detail"] == "turning_18"), "{list}");
    let (_, case) = app.api_get(&app.token("ot").await?, "/api/v1/cases/sak-overgang").await?;
    ensure!(coop(&case)["upcoming_transitions"][0][0] == "turning_18", "{}", coop(&case)["upcoming_transitions"]);
    // A granted service puts a re-assessment on every participant's list.
    let nav = app.token("nav").await?;
    let today = chrono::Utc::now().date_naive();
    let (status, _) = app
        .api_post(&nav, "/api/v1/cases/sak-overgang/decisions", json!({"service_id": "nav-stat-mellomvik", "title": "Innvilget gjeldsrådgivning", "decided_on": today.to_string()}))
        .await?;
    ensure!(status == 201);
    let (_, list) = app.api_get(&nav, "/api/v1/me/tasks").await?;
    ensure!(has(&list, "reassess", "sak-overgang"), "{list}");
    // The decision-maker sees open disputes, and nothing else of the case; as the coordinating unit, the
    // next step of its child-coordinator matters (issue 12).
    let ke = app.token("ke").await?;
    let (_, list) = app.api_get(&ke, "/api/v1/me/tasks").await?;
    ensure!(tasks(&list).iter().all(|t| t["kind"] == "child_coordinator"), "{list}");
    ensure!(
        tasks(&list).iter().any(|t| t["case_id"] == "sak-nilsen" && t["detail"] == "guide_family")
            && tasks(&list).iter().any(|t| t["case_id"] == "sak-emma" && t["detail"] == "plan_transition"),
        "{list}"
    );
    let (status, _) = app
        .api_post(&bv, "/api/v1/cases/sak-sofia-daniel/disputes", json!({"positions": "Uenige om hvem som samordner"}))
        .await?;
    ensure!(status == 201);
    let (_, list) = app.api_get(&ke, "/api/v1/me/tasks").await?;
    ensure!(
        tasks(&list).iter().filter(|t| t["kind"] != "child_coordinator").count() == 1
            && has(&list, "decide_dispute", "sak-sofia-daniel"),
        "{list}"
    );
    // Families have no worklist.
    let (status, list) = app.api_get(&app.token("sofia").await?, "/api/v1/me/tasks").await?;
    ensure!(status == 200 && tasks(&list).is_empty(), "{status} {list}");
    // The page.
    let c = app.logged_in("barnevern").await?;
    let html = c.get(app.url("/oppgaver")).send().await?.text().await?;
    ensure!(
        html.contains("Fortell familien hvem som samordner")
            && html.contains("href=\"/saker/sak-sofia-daniel#samarbeid\""),
        "worklist page"
    );
    ensure!(html.contains("href=\"/oppgaver\" aria-current=\"page\""), "in the menu");
    app.stop().await;
    Ok(())
}

/// The safe feedback channel (spec 01 §8.G item 28): the family tells the coordinator, or another contact
/// they chose, that something is not working; only that service reads it; it is tracked until resolved.
async fn family_tells_the_services_something_is_not_working(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let sofia = app.token("sofia").await?;
    let bv = app.token("barnevern").await?;
    let path = "/api/v1/cases/sak-sofia-daniel/feedback";
    let (status, err) = app.api_post(&sofia, path, json!({"body": "  "})).await?;
    ensure!(status == 422 && err["code"] == "feedback.empty", "{status} {err}");
    let (status, err) = app.api_post(&sofia, path, json!({"recipient_service": "bup-demo", "body": "x"})).await?;
    ensure!(status == 422 && err["code"] == "feedback.not_participant", "{status} {err}");
    // To the coordinator (child welfare), and one about the coordinator to the family counselling office.
    let (status, first) = app.api_post(&sofia, path, json!({"body": "Vi får ikke svar når vi ringer"})).await?;
    ensure!(status == 201, "{status}");
    let first = first["id"].as_str().unwrap().to_owned();
    let (status, _) = app
        .api_post(
            &sofia,
            path,
            json!({"recipient_service": "familievernkontor-demo", "body": "Jeg tør ikke si dette til barnevernet"}),
        )
        .await?;
    ensure!(status == 201, "{status}");
    let (status, err) = app.api_post(&bv, path, json!({"body": "x"})).await?;
    ensure!(status == 403 && err["code"] == "denied.feedback_from_family", "{status} {err}");
    let bodies = |case: &Value| -> Vec<String> {
        coop(case)["feedback"].as_array().unwrap().iter().map(|f| f["body"].as_str().unwrap().to_owned()).collect()
    };
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(bodies(&case) == vec!["Vi får ikke svar når vi ringer".to_owned()], "only what was sent to child welfare");
    let (_, case) = app.api_get(&app.token("laerer").await?, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(bodies(&case).is_empty(), "the school reads none");
    let (_, case) = app.api_get(&sofia, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(bodies(&case).len() == 2, "Sofia reads her own");
    let (_, list) = app.api_get(&bv, "/api/v1/me/tasks").await?;
    ensure!(list.as_array().unwrap().iter().any(|t| t["kind"] == "feedback" && t["case_id"] == "sak-sofia-daniel"));
    // Only the recipient resolves it, once.
    let resolve = format!("{path}/{first}/resolve");
    let (status, err) = app.api_post(&app.token("laerer").await?, &resolve, json!({"resolution": "x"})).await?;
    ensure!(status == 403 && err["code"] == "denied.feedback_recipient_only", "{status} {err}");
    let (status, _) = app.api_post(&sofia, &resolve, json!({"resolution": "x"})).await?;
    ensure!(status == 403, "{status}");
    let (status, _) = app
        .api_post(&bv, &resolve, json!({"resolution": "Berit ringer deg tirsdager kl. 9; direktenummer lagt i saken"}))
        .await?;
    ensure!(status == 204, "{status}");
    let (status, err) = app.api_post(&bv, &resolve, json!({"resolution": "igjen"})).await?;
    ensure!(status == 422 && err["code"] == "feedback.resolved", "{status} {err}");
    let (_, list) = app.api_get(&bv, "/api/v1/me/tasks").await?;
    ensure!(!list.as_array().unwrap().iter().any(|t| t["kind"] == "feedback"), "resolved: {list}");
    // Sofia sees the follow-up on her page and can write again there, without JavaScript.
    let c = app.logged_in("sofia").await?;
    let html = c.get(app.url("/saker/sak-sofia-daniel")).send().await?.text().await?;
    ensure!(html.contains("Berit ringer deg tirsdager") && html.contains("Ikke fulgt opp ennå"), "status shown");
    let res = c
        .post(app.url("/saker/sak-sofia-daniel/meldinger"))
        .form(&[("recipient", ""), ("body", "SFO-plassen er ikke klar")])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    // Reading a report is audited: Sofia's access log shows child welfare reading.
    let (_, log) = app.api_get(&sofia, "/api/v1/me/access-log").await?;
    ensure!(
        log.to_string().contains("feedback_recipient") || log.to_string().contains("the service the family chose"),
        "{log}"
    );
    app.stop().await;
    Ok(())
}

/// The case timeline: participants joining and leaving with reasons, assessments, who coordinates, decisions,
/// meetings ahead — newest first, from what the reader may see.
async fn case_timeline_shows_the_cooperation_over_time(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let (status, case) = app.api_get(&app.token("ot").await?, "/api/v1/cases/sak-overgang").await?;
    ensure!(status == 200);
    let tl = case["timeline"].as_array().unwrap();
    let find = |kind: &str, service: &str| tl.iter().find(|e| e["kind"] == kind && e["service_id"] == service).cloned();
    let left = find("left", "mellomvik-barnevern").ok_or_else(|| anyhow::anyhow!("no leave event: {tl:?}"))?;
    ensure!(left["date"] == "2026-09-01" && left["text"].as_str().unwrap().contains("ettervern"), "{left}");
    ensure!(find("decision", "nav-stat-mellomvik").is_none(), "NAV's decision is not OT's to see");
    let (_, nav_case) = app.api_get(&app.token("nav").await?, "/api/v1/cases/sak-overgang").await?;
    ensure!(
        nav_case["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "decision" && e["service_id"] == "nav-stat-mellomvik"),
        "NAV's decision in NAV's timeline"
    );
    ensure!(find("coordinator", "demofylke-ot").is_some_and(|e| e["text"] == "agreed_non_municipal"), "OT coordinates");
    ensure!(tl.iter().any(|e| e["kind"] == "opened"), "opened");
    let dates: Vec<&str> = tl.iter().map(|e| e["date"].as_str().unwrap()).collect();
    ensure!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first: {dates:?}");
    // Adam's timeline shows the sentence period and the meetings ahead.
    let (_, case) = app.api_get(&app.token("uk").await?, "/api/v1/cases/sak-adam").await?;
    let tl = case["timeline"].as_array().unwrap();
    ensure!(tl.iter().any(|e| e["kind"] == "sentence_end" && e["date"] == "2028-02-01"), "sentence end");
    ensure!(
        tl.iter().any(|e| e["kind"] == "meeting" && e["text"].as_str().unwrap().contains("fornærmede")),
        "restorative"
    );
    let html = app.logged_in("ot").await?.get(app.url("/saker/sak-overgang")).send().await?.text().await?;
    ensure!(html.contains("id=\"tidslinje\"") && html.contains("Gikk ut av samarbeidet"), "timeline on the page");
    app.stop().await;
    Ok(())
}

/// Spec 01 §6.3: the municipality configures who decides disputes, with the delegation; only its own
/// administrators; the change is public and takes effect for the next dispute.
async fn administrators_set_who_decides_in_their_municipality(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let today = chrono::Utc::now().date_naive().to_string();
    let c = app.logged_in("admin").await?;
    let html = c.get(app.url("/hvem-bestemmer")).send().await?.text().await?;
    ensure!(html.contains("id=\"decision-maker-form\""), "the form is there for administrators");
    let form = |kommune: &'static str, delegation: &'static str| {
        vec![
            ("kommunenummer", kommune.to_owned()),
            ("kind", "kommunedirektor".to_owned()),
            ("title", "Kommunedirektøren i Mellomvik".to_owned()),
            ("delegation_ref", delegation.to_owned()),
            ("contact", "postmottak@mellomvik.example, 21 00 00 00".to_owned()),
            ("valid_from", today.clone()),
            ("decider_role", "leader".to_owned()),
        ]
    };
    let res = c.post(app.url("/hvem-bestemmer")).form(&form("9901", " ")).send().await?;
    ensure!(res.status() == 422, "{}", res.status());
    ensure!(res.text().await?.contains("Skriv delegeringen"), "asks for the delegation");
    let res = c.post(app.url("/hvem-bestemmer")).form(&form("9902", "Delegasjonsreglement pkt. 1")).send().await?;
    ensure!(res.status() == 422, "{}", res.status());
    ensure!(res.text().await?.contains("Bare administratorer i kommunen"), "not another municipality");
    let (status, err) = app
        .api_post(&app.token("leder").await?, "/api/v1/decision-makers", json!({"kommunenummer": "9901", "kind": "other", "title": "x", "delegation_ref": "y", "contact": "z", "valid_from": today, "decider_role": "leader"}))
        .await?;
    ensure!(status == 403 && err["code"] == "denied.not_municipal_administrator", "{status} {err}");
    let res = c
        .post(app.url("/hvem-bestemmer"))
        .form(&form("9901", "Delegasjonsreglement for Mellomvik, pkt. 4.2, vedtatt i dag"))
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let res = c.post(app.url("/hvem-bestemmer")).form(&form("9901", "Igjen samme dag")).send().await?;
    ensure!(res.status() == 422, "{}", res.status());
    ensure!(res.text().await?.contains("velg en senere dato"), "history is kept");
    let html = reqwest::get(app.url("/hvem-bestemmer")).await?.text().await?;
    ensure!(html.contains("Kommunedirektøren i Mellomvik") && html.contains("pkt. 4.2, vedtatt i dag"), "public");
    // The next dispute goes to the leader role in Mellomvik's organisation.
    let bv = app.token("barnevern").await?;
    let (status, _) =
        app.api_post(&bv, "/api/v1/cases/sak-sofia-daniel/disputes", json!({"positions": "Uenige"})).await?;
    ensure!(status == 201);
    let (status, case) = app.api_get(&app.token("leder").await?, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 200 && case["access_basis"].as_str().unwrap().contains("dispute"), "{status} {case}");
    let (status, _) = app.api_get(&app.token("ke").await?, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 403, "the coordinating unit no longer decides");
    app.stop().await;
    Ok(())
}

/// Scenario A (spec 01 §4.6) carried through the HTML forms only, as people without an API would: the GP's
/// referral to BUP is refused until Jonas consents; he consents on his page; OT brings BUP in; NAV grants a
/// new service; everyone is asked to assess again; NAV assesses with the guided checklist; OT revises the
/// plan so Jonas does not drop out while waiting for BUP; the worklist shows what is left.
async fn transition_example_through_the_pages_only(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let today = chrono::Utc::now().date_naive();
    let in_half_a_year = (today + chrono::Duration::days(180)).to_string();
    let ot = app.logged_in("ot").await?;
    let nav = app.logged_in("nav").await?;
    let jonas = app.logged_in("jonas").await?;
    let case = "/saker/sak-overgang";
    let redirected = |r: &reqwest::Response| r.status().is_redirection();
    // Step 3 without consent: refused, and the page says why.
    let res = ot
        .post(app.url(&format!("{case}/tjenester")))
        .form(&[("service", "bup-demo"), ("reason", "Fastlegen har henvist til BUP")])
        .send()
        .await?;
    ensure!(res.status() == 422, "{}", res.status());
    ensure!(res.text().await?.contains("krever gyldig samtykke"), "the refusal explains itself");
    // Jonas (17) gives his own consent, digitally, on his page.
    let today_s = today.to_string();
    let consent = [
        ("domain", "child_welfare"),
        ("giver", "person-jonas:child"),
        ("from", "demofylke-ot"),
        ("to", "bup-demo"),
        ("category", "general"),
        ("category", "education"),
        ("purpose", "OT og BUP avtaler behandlingen rundt skoleplanen"),
        ("consequences", "BUP får vite om skoleplanen"),
        ("form", "digital"),
        ("valid_from", today_s.as_str()),
        ("valid_to", in_half_a_year.as_str()),
    ];
    let res = jonas.post(app.url(&format!("{case}/samtykker"))).form(&consent).send().await?;
    ensure!(redirected(&res), "Jonas consents: {}", res.status());
    let res = ot
        .post(app.url(&format!("{case}/tjenester")))
        .form(&[("service", "bup-demo"), ("reason", "Fastlegen har henvist til BUP")])
        .send()
        .await?;
    ensure!(redirected(&res), "BUP joins: {}", res.status());
    // NAV grants a new service; every service is asked to assess again.
    let res = nav
        .post(app.url(&format!("{case}/vedtak")))
        .form(&[
            ("service", "nav-stat-mellomvik"),
            ("title", "Innvilget jobbspesialist"),
            ("reference", ""),
            ("decided_on", today_s.as_str()),
        ])
        .send()
        .await?;
    ensure!(redirected(&res), "decision: {}", res.status());
    let html = ot.get(app.url(case)).send().await?.text().await?;
    ensure!(
        html.contains("har innvilget en ny tjeneste") && !html.contains("Innvilget jobbspesialist"),
        "the prompt, in Norwegian, without NAV's information"
    );
    // NAV assesses with the checklist.
    let res = nav
        .post(app.url(&format!("{case}/vurderinger")))
        .form(&[
            ("service", "nav-stat-mellomvik"),
            ("result", "necessary"),
            ("reasoning", "Jobbsøking må passe med skoleplanen og BUP"),
            ("situations", "many_providers_family"),
            ("child_voice", "heard"),
            ("child_wishes", "Jonas vil fullføre skolen og ha en deltidsjobb"),
            ("needs", "child"),
        ])
        .send()
        .await?;
    ensure!(redirected(&res), "assessment: {}", res.status());
    // OT revises the plan: a measure for Jonas, after the goal, waiting for nothing.
    let res = ot
        .post(app.url(&format!("{case}/plan")))
        .form(&[
            ("title", "Redusert timeplan til BUP har vurdert"),
            ("kind", "measure"),
            ("service", "demofylke-ot"),
            ("measure_type", "help"),
            ("for_person", "person-jonas"),
            ("position", ""),
            ("depends_on", ""),
        ])
        .send()
        .await?;
    ensure!(redirected(&res), "plan: {}", res.status());
    let html = ot.get(app.url(case)).send().await?.text().await?;
    ensure!(html.contains("Redusert timeplan til BUP har vurdert") && html.contains("for Jonas Dahl"), "in the plan");
    // OT records the outcome of its follow-up (spec 01 §8.H item 33); NAV cannot.
    let res = nav
        .post(app.url(&format!("{case}/resultat")))
        .form(&[("outcome", "combination"), ("detail", "x"), ("achieved_on", today_s.as_str())])
        .send()
        .await?;
    ensure!(res.status() == 422, "{}", res.status());
    ensure!(res.text().await?.contains("Oppfølgingstjenesten registrerer resultatet"), "explains who records it");
    let res = ot
        .post(app.url(&format!("{case}/resultat")))
        .form(&[
            ("outcome", "combination"),
            ("detail", "VG2 på deltid og lærlingplass"),
            ("achieved_on", today_s.as_str()),
        ])
        .send()
        .await?;
    ensure!(redirected(&res), "outcome: {}", res.status());
    let html = ot.get(app.url(case)).send().await?.text().await?;
    ensure!(html.contains("En kombinasjon av skole og arbeid") && html.contains("VG2 på deltid"), "outcome shown");
    // NAV's own prompt is done; OT's and BUP's remain on their worklists.
    let nav_tasks = nav.get(app.url("/oppgaver")).send().await?.text().await?;
    ensure!(!nav_tasks.contains("data-kind=\"reassess\""), "NAV has assessed");
    let ot_tasks = ot.get(app.url("/oppgaver")).send().await?.text().await?;
    ensure!(ot_tasks.contains("data-kind=\"reassess\""), "OT still has to assess again");
    app.stop().await;
    Ok(())
}

/// Spec 01 §8.G item 27: a meeting's preparation checklist, kept by the arranging service, and follow-ups
/// agreed at the meeting with an owner and a due date, on the owner's worklist until the owner marks them
/// done; the family sees who does what by when. Through the API and through the pages.
async fn meeting_preparation_and_follow_ups(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let laerer = app.token("laerer").await?;
    let path = "/api/v1/cases/sak-sofia-daniel/meetings";
    // Meetings and follow-ups are dated in Norwegian time, as the worklist counts them: between 23:00 and
    // 24:00 UTC the Norwegian day is already tomorrow.
    let today = los_store::planning::local_now().date();
    let soon = (today + chrono::Duration::days(5)).and_hms_opt(9, 0, 0).unwrap();
    let meeting = json!({"kind": "cooperation", "starts_at": soon.format("%Y-%m-%dT%H:%M").to_string(), "agenda": "Skoleveien", "invited": ["mellomvik-barnevern", "mellomvik-skole"], "child_participation": "part_of_meeting", "preparation": ["Skolens rapport\n\nTolk bestilt", "  "]});
    let mut too_long = meeting.clone();
    too_long["preparation"] = json!(vec!["punkt"; 21]);
    let (status, err) = app.api_post(&bv, path, too_long).await?;
    ensure!(status == 422 && err["code"] == "meeting.checklist", "{status} {err}");
    let (status, r) = app.api_post(&bv, path, meeting).await?;
    ensure!(status == 201, "{status} {r}");
    let mid = r["ids"][0].as_str().unwrap().to_owned();
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    let m = coop(&case)["meetings"].as_array().unwrap().iter().find(|m| m["id"] == mid.as_str()).unwrap().clone();
    let prep = m["preparation"].as_array().unwrap();
    ensure!(prep.len() == 2 && prep[1]["text"] == "Tolk bestilt" && prep[0]["done_at"].is_null(), "{m}");
    // The arranging service's worklist says the meeting needs preparing.
    let (_, tasks) = app.api_get(&bv, "/api/v1/me/tasks").await?;
    ensure!(
        tasks.as_array().unwrap().iter().any(|t| t["kind"] == "prepare" && t["detail"] == "2"),
        "prepare task: {tasks}"
    );
    // Only the arranging service ticks items off.
    let tick = format!("{path}/{mid}/preparation/{}", prep[0]["id"].as_str().unwrap());
    let (status, err) = app.api_post(&laerer, &tick, json!({"done": true})).await?;
    ensure!(status == 403 && err["code"] == "denied.not_owning_service", "{status} {err}");
    let (status, _) = app.api_post(&bv, &tick, json!({"done": true})).await?;
    ensure!(status == 200, "{status}");
    let (status, _) =
        app.api_post(&bv, &format!("{path}/{mid}/preparation/finnes-ikke"), json!({"done": true})).await?;
    ensure!(status == 404, "{status}");
    let (_, tasks) = app.api_get(&bv, "/api/v1/me/tasks").await?;
    ensure!(tasks.as_array().unwrap().iter().any(|t| t["kind"] == "prepare" && t["detail"] == "1"), "{tasks}");

    // Follow-ups: agreed at a meeting that has started, by the arranging service.
    let actions = |m: &str| format!("{path}/{m}/actions");
    let due = (today + chrono::Duration::days(7)).to_string();
    let good =
        json!({"description": "Avtale fast voksen i friminuttene", "owner_service": "mellomvik-skole", "due_on": due});
    let (status, err) = app.api_post(&bv, &actions(&mid), good.clone()).await?;
    ensure!(status == 422 && err["code"] == "meeting.action_early", "{status} {err}");
    let past = actions("mote-demo-sofia-0");
    for (change, code) in [
        (json!({"owner_service": "bup-demo"}), "meeting.action_owner"),
        (json!({"due_on": "2026-09-01"}), "meeting.action_due"),
        (json!({"description": "  "}), "meeting.action_description"),
    ] {
        let mut bad = good.clone();
        for (k, v) in change.as_object().unwrap() {
            bad[k] = v.clone();
        }
        let (status, err) = app.api_post(&bv, &past, bad).await?;
        ensure!(status == 422 && err["code"] == code, "{code}: {status} {err}");
    }
    let (status, _) = app.api_post(&laerer, &past, good.clone()).await?;
    ensure!(status == 403, "the school did not arrange the meeting: {status}");
    let (status, r) = app.api_post(&bv, &past, good).await?;
    ensure!(status == 201, "{status} {r}");
    let aid = r["id"].as_str().unwrap().to_owned();
    // On the owner's worklist, with its due day; the demo's overdue follow-up is there too, overdue first.
    let (_, tasks) = app.api_get(&laerer, "/api/v1/me/tasks").await?;
    let follow: Vec<&Value> = tasks.as_array().unwrap().iter().filter(|t| t["kind"] == "follow_up").collect();
    ensure!(
        follow.len() == 2
            && follow[0]["detail"] == "Finne en fast voksen for Daniel i friminuttene"
            && follow[0]["age_days"].as_i64().unwrap() > 0
            && follow[1]["date"] == due.as_str()
            && follow[1]["age_days"] == -7,
        "the school's follow-ups: {follow:?}"
    );
    let (_, bv_tasks) = app.api_get(&bv, "/api/v1/me/tasks").await?;
    ensure!(!bv_tasks.as_array().unwrap().iter().any(|t| t["kind"] == "follow_up"), "not child welfare's");
    // The family sees who does what by when.
    let (_, case) = app.api_get(&app.token("sofia").await?, "/api/v1/cases/sak-sofia-daniel").await?;
    let m0 =
        coop(&case)["meetings"].as_array().unwrap().iter().find(|m| m["id"] == "mote-demo-sofia-0").unwrap().clone();
    let a = m0["actions"].as_array().unwrap().iter().find(|a| a["id"] == aid.as_str()).unwrap();
    ensure!(a["owner_service"] == "mellomvik-skole" && a["overdue"] == false && a["done_at"].is_null(), "{a}");
    ensure!(
        m0["actions"].as_array().unwrap().iter().any(|a| a["id"] == "oppf-demo-sofia-nav" && a["overdue"] == true),
        "NAV's demo follow-up is overdue: {m0}"
    );
    // Only the owner marks it done, once.
    let done = format!("/api/v1/cases/sak-sofia-daniel/actions/{aid}/done");
    let (status, err) = app.api_post(&bv, &done, json!({"note": "x"})).await?;
    ensure!(
        status == 403 && err["code"] == "denied.not_owning_service",
        "the coordinator does not act for the school: {status} {err}"
    );
    let (status, _) = app.api_post(&laerer, &done, json!({"note": "Miljøarbeider Kari er fast voksen"})).await?;
    ensure!(status == 200, "{status}");
    let (status, err) = app.api_post(&laerer, &done, json!({})).await?;
    ensure!(status == 422 && err["code"] == "meeting.action_done", "{status} {err}");
    let (_, tasks) = app.api_get(&laerer, "/api/v1/me/tasks").await?;
    ensure!(
        tasks.as_array().unwrap().iter().filter(|t| t["kind"] == "follow_up").count() == 1,
        "done is off the worklist: {tasks}"
    );

    // The same through the pages, without JavaScript.
    let c = app.logged_in("barnevern").await?;
    let case_url = app.url("/saker/sak-sofia-daniel");
    let html = c.get(&case_url).send().await?.text().await?;
    ensure!(
        html.contains("Oppfølgingspunkter")
            && html.contains("Miljøarbeider Kari er fast voksen")
            && html.contains("Forfalt"),
        "follow-ups on the page"
    );
    let form = app.url("/saker/sak-sofia-daniel/moter/mote-demo-sofia-0/oppfolging");
    let html = c
        .post(&form)
        .form(&[("description", "Ny avtale"), ("owner_service", "mellomvik-skole"), ("due_on", "neste uke")])
        .send()
        .await?
        .text()
        .await?;
    ensure!(html.contains("Skriv fristen som åååå-mm-dd."), "{}", error_summary(&html));
    let res = c
        .post(&form)
        .form(&[("description", "Sende timeplan til mor"), ("owner_service", "mellomvik-skole"), ("due_on", &due)])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let res = c
        .post(app.url("/saker/sak-sofia-daniel/moter"))
        .form(&[
            ("kind", "cooperation"),
            ("starts_at", &soon.format("%Y-%m-%dT%H:%M").to_string()),
            ("duration_minutes", "60"),
            ("agenda", "Sjekkliste fra skjema"),
            ("invited", "mellomvik-skole"),
            ("child_participation", "written_views"),
            ("preparation", "Sofias innspill skriftlig\r\nRom med rampe"),
        ])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let html = c.get(&case_url).send().await?.text().await?;
    ensure!(html.contains("Rom med rampe") && html.contains("Sende timeplan til mor"), "new checklist and follow-up");
    let school = app.logged_in("laerer").await?;
    let html = school.get(app.url("/oppgaver")).send().await?.text().await?;
    ensure!(html.contains("Oppfølgingspunkt fra møte") && html.contains("Sende timeplan til mor"), "worklist page");
    ensure!(html.contains("forfalt for"), "the overdue one says so");
    // The school marks it done on the case page.
    let (_, case) = app.api_get(&laerer, "/api/v1/cases/sak-sofia-daniel").await?;
    let timeplan = coop(&case)["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["actions"].as_array().unwrap().iter())
        .find(|a| a["description"] == "Sende timeplan til mor")
        .and_then(|a| a["id"].as_str())
        .unwrap()
        .to_owned();
    let res = school
        .post(app.url(&format!("/saker/sak-sofia-daniel/oppfolging/{timeplan}/utfort")))
        .form(&[("note", "Sendt på e-post")])
        .send()
        .await?;
    ensure!(res.status().is_redirection(), "{}", res.status());
    let html = school.get(app.url("/oppgaver")).send().await?.text().await?;
    ensure!(!html.contains("Sende timeplan til mor"), "off the school's worklist");
    app.stop().await;
    Ok(())
}

/// E-mail reminders (spec 01 §4.3 "with reminders"): each employee's digest counts exactly their worklist,
/// families and employees without an address get none, a day is sent once, and the reads behind it are in
/// the family's access log as reminders.
async fn reminders_count_the_worklist_once_a_day(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let today = chrono::Utc::now().date_naive();
    let due = app.store.due_reminders(today).await?;
    let bv = due.iter().find(|d| d.user_id == "barnevern").expect("child welfare has tasks");
    let (_, tasks) = app.api_get(&app.token("barnevern").await?, "/api/v1/me/tasks").await?;
    let tasks = tasks.as_array().unwrap();
    ensure!(bv.total() == tasks.len() && bv.email == "barnevern@demo.los.invalid", "{bv:?} vs {}", tasks.len());
    for (kind, n) in &bv.counts {
        ensure!(tasks.iter().filter(|t| t["kind"] == *kind).count() == *n, "{kind}");
    }
    ensure!(!due.iter().any(|d| d.user_id == "sofia" || d.user_id == "admin"), "citizens and admins: {due:?}");
    app.store.set_user_email("laerer", None).await?;
    ensure!(app.store.set_user_email("laerer", Some("lise@")).await.is_err(), "a bad address is refused");
    app.store.mark_reminded("barnevern", today, bv.total()).await?;
    ensure!(app.store.mark_reminded("barnevern", today, 1).await.is_err(), "one a day, even from two runs");
    let again = app.store.due_reminders(today).await?;
    ensure!(!again.iter().any(|d| d.user_id == "barnevern" || d.user_id == "laerer"), "{again:?}");
    let (_, log) = app.api_get(&app.token("sofia").await?, "/api/v1/me/access-log").await?;
    ensure!(
        log.as_array().unwrap().iter().any(|l| l["action"] == "reminder" && l["who"] == "Berit Vern"),
        "the family sees that the worklist was computed for a reminder: {log}"
    );
    app.stop().await;
    Ok(())
}
