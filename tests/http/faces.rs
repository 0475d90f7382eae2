//! Page and API are two faces of one parse: where they disagreed, the stricter rule now holds on both, a
//! body is read the same way whether it comes as JSON or as a form, and an unreadable body is refused with a
//! clear answer and never a server error.

use anyhow::ensure;
use los_tests::{Db, TestApp};
use serde_json::{Value, json};

crate::tests!(
    an_unknown_category_is_refused_on_both_faces,
    a_consent_without_a_giver_is_refused_on_both_faces,
    a_family_members_own_consent_is_digital_on_both_faces,
    hearing_texts_are_trimmed_on_both_faces,
    plan_order_and_areas_are_checked_on_both_faces,
    one_extractor_reads_json_and_forms_and_refuses_the_rest,
);

fn consent_body(today: &str, to: &str) -> Value {
    json!({
        "domain": "general",
        "givers": [{"person_id": "person-sofia", "capacity": "parent"}],
        "from_services": ["mellomvik-barnevern"],
        "to_services": ["bup-demo"],
        "categories": ["general"],
        "purpose": "Henvisning",
        "consequences": "BUP får bakgrunnen",
        "form": "written",
        "valid_from": today,
        "valid_to": to,
    })
}

fn dates() -> (String, String) {
    let today = chrono::Utc::now().date_naive();
    (today.to_string(), (today + chrono::Duration::days(365)).to_string())
}

async fn consent_count(app: &TestApp, token: &str) -> anyhow::Result<usize> {
    let (_, case) = app.api_get(token, "/api/v1/cases/sak-sofia-daniel").await?;
    Ok(case["consents"].as_array().map_or(0, Vec::len))
}

async fn an_unknown_category_is_refused_on_both_faces(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let before = consent_count(&app, &bv).await?;
    let (today, to) = dates();
    let mut body = consent_body(&today, &to);
    body["categories"] = json!(["general", "horoscope"]);
    let (status, err) = app.api_post(&bv, "/api/v1/cases/sak-sofia-daniel/consents", body).await?;
    ensure!(status == 422 && err["code"] == "consent.category", "API: {status} {err}");
    // The page used to drop the unknown category and record the rest.
    let c = app.logged_in("barnevern").await?;
    let form = [
        ("domain", "general"),
        ("giver", "person-sofia:parent"),
        ("from", "mellomvik-barnevern"),
        ("to", "bup-demo"),
        ("category", "general"),
        ("category", "horoscope"),
        ("purpose", "Henvisning"),
        ("consequences", "BUP får bakgrunnen"),
        ("form", "written"),
        ("valid_from", today.as_str()),
        ("valid_to", to.as_str()),
    ];
    let res = c.post(app.url("/saker/sak-sofia-daniel/samtykker")).form(&form).send().await?;
    ensure!(res.status() == 422, "page: {}", res.status());
    let html = res.text().await?;
    ensure!(html.contains("href=\"#consent-category\""), "the error points at the categories");
    ensure!(consent_count(&app, &bv).await? == before, "nothing was recorded");
    app.stop().await;
    Ok(())
}

async fn a_consent_without_a_giver_is_refused_on_both_faces(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let before = consent_count(&app, &bv).await?;
    let (today, to) = dates();
    let mut body = consent_body(&today, &to);
    body["givers"] = json!([]);
    let (status, err) = app.api_post(&bv, "/api/v1/cases/sak-sofia-daniel/consents", body).await?;
    // The "choose who gives consent" check existed only on the page.
    ensure!(status == 422 && err["code"] == "consent.no_giver", "API: {status} {err}");
    ensure!(consent_count(&app, &bv).await? == before, "nothing was recorded");
    app.stop().await;
    Ok(())
}

async fn a_family_members_own_consent_is_digital_on_both_faces(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let sofia = app.token("sofia").await?;
    let bv = app.token("barnevern").await?;
    let (today, to) = dates();
    let (status, c) =
        app.api_post(&sofia, "/api/v1/cases/sak-sofia-daniel/consents", consent_body(&today, &to)).await?;
    ensure!(status == 201, "{status} {c}");
    // "written" is the form of a consent an employee records; a family member's own is digital.
    ensure!(c["form"] == "digital" && c["recorded_by"] == "sofia", "{c}");
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(
        case["consents"].as_array().unwrap().iter().any(|k| k["id"] == c["id"] && k["form"] == "digital"),
        "{case}"
    );
    app.stop().await;
    Ok(())
}

async fn hearing_texts_are_trimmed_on_both_faces(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let (status, h) = app
        .api_post(
            &bv,
            "/api/v1/cases/sak-sofia-daniel/hearings",
            json!({
                "held_on": "2026-11-20", "place": "school", "talked_with": "  Berit Vern  ",
                "companion": "   ", "adaptations": [" tegning , tolk "], "views": "\n Daniel vil bo nær skolen \n",
                "maturity": " Moden ", "weight": " Stor vekt "
            }),
        )
        .await?;
    ensure!(status == 201, "{status} {h}");
    let (_, case) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    let hearing = case["cooperation"]["hearings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == h["id"])
        .cloned()
        .unwrap_or_default();
    ensure!(hearing["views"] == "Daniel vil bo nær skolen", "views trimmed: {hearing}");
    ensure!(hearing["talked_with"] == "Berit Vern" && hearing["maturity"] == "Moden", "{hearing}");
    ensure!(hearing["companion"].is_null() && hearing["adaptations"] == json!(["tegning", "tolk"]), "{hearing}");
    // Only whitespace is no view at all, on the API as on the page.
    let (status, err) = app
        .api_post(
            &bv,
            "/api/v1/cases/sak-sofia-daniel/hearings",
            json!({
                "held_on": "2026-11-20", "place": "school", "talked_with": "Berit Vern", "views": "   "
            }),
        )
        .await?;
    ensure!(status == 422 && err["code"] == "hearing.views", "{status} {err}");
    app.stop().await;
    Ok(())
}

async fn plan_order_and_areas_are_checked_on_both_faces(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let school = app.token("laerer").await?;
    let plan = "/api/v1/cases/sak-sofia-daniel/plan";
    let (status, err) =
        app.api_post(&school, plan, json!({"kind": "goal", "title": "Trygg skolevei", "position": 0})).await?;
    // The page refused an order outside 1–999; the API took any number.
    ensure!(status == 422 && err["code"] == "plan.position", "{status} {err}");
    let (status, err) =
        app.api_post(&school, plan, json!({"kind": "goal", "title": "Trygg skolevei", "position": 100000})).await?;
    ensure!(status == 422 && err["code"] == "plan.position", "{status} {err}");
    // The page dropped an unknown area of the transition plan; the API refused it.
    let c = app.logged_in("laerer").await?;
    let form = [("kind", "measure"), ("title", "Leksehjelp"), ("service", "mellomvik-skole"), ("release_area", "moon")];
    let res = c.post(app.url("/saker/sak-sofia-daniel/plan")).form(&form).send().await?;
    ensure!(res.status() == 422, "page: {}", res.status());
    ensure!(res.text().await?.contains("href=\"#coop-plan-release\""), "the error points at the area");
    app.stop().await;
    Ok(())
}

async fn one_extractor_reads_json_and_forms_and_refuses_the_rest(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let http = reqwest::Client::new();
    let notes = app.url("/api/v1/cases/sak-sofia-daniel/notes");
    // A form body on the API is read by the same parse as JSON.
    let res = http
        .post(&notes)
        .bearer_auth(&bv)
        .form(&[("service_id", "mellomvik-barnevern"), ("category", "child_welfare"), ("body", "Notat som skjema")])
        .send()
        .await?;
    ensure!(res.status() == 201, "form on the API: {}", res.status());
    // Neither JSON nor a form: 415, as problem JSON.
    let res = http.post(&notes).bearer_auth(&bv).header("content-type", "text/plain").body("hei").send().await?;
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    ensure!(res.status() == 415 && ct == "application/problem+json", "{} {ct}", res.status());
    // Broken JSON: 400 with problem JSON, not a plain-text rejection.
    let res =
        http.post(&notes).bearer_auth(&bv).header("content-type", "application/json").body("{\"body\":").send().await?;
    let status = res.status();
    let problem: Value = res.json().await?;
    ensure!(status == 400 && problem["code"] == "input.malformed", "{status} {problem}");
    // A wrong type for a field: 400, and nothing is written.
    let res = http
        .post(app.url("/api/v1/cases/sak-sofia-daniel/meetings/x/cancel"))
        .bearer_auth(&bv)
        .json(&json!({"reason": "x", "rest_of_series": "perhaps"}))
        .send()
        .await?;
    ensure!(res.status() == 400, "{}", res.status());
    // A hand-made form on a page: a short page in both languages, not a server error.
    let c = app.logged_in("barnevern").await?;
    let res = c
        .post(app.url("/saker/sak-sofia-daniel/helse-skjerming"))
        .form(&[("service", "mellomvik-helsestasjon"), ("private", "perhaps")])
        .send()
        .await?;
    ensure!(res.status() == 400, "{}", res.status());
    ensure!(res.text().await?.contains("Feil i skjemaet"), "a page about the form");
    // A case id that cannot be a header after a form: back to the case list, not a 500.
    let res = c
        .post(app.url("/samtykker/finnes-ikke/trekk"))
        .form(&[("case_id", "sak\r\nx"), ("reason", "test")])
        .send()
        .await?;
    ensure!(res.status().as_u16() < 500, "{}", res.status());
    app.stop().await;
    Ok(())
}
