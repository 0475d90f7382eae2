//! Opening a case for a new child (issue 11): by number, as an expected child or by name and birth date; the
//! adults registered can log in and see the case and who read it; one case per child, a second opening
//! becomes a request to join that tells the requester nothing; the expected child's number found later;
//! bad input refused with the field and nothing changed.

use anyhow::ensure;
use los_domain::ident::Fodselsnummer;
use los_tests::{Db, TestApp};
use serde_json::{Value, json};

crate::tests!(
    intake_opens_a_case_for_a_new_child_and_the_mother_sees_it,
    intake_a_second_opening_becomes_a_request_to_join_that_reveals_nothing,
    intake_refuses_bad_input_and_changes_nothing,
    intake_an_expected_child_gets_the_number_later,
    intake_an_accepted_request_takes_the_service_in_through_the_consent,
    intake_on_the_page_without_javascript,
);

/// A valid number for someone born on `day`.`month`.`yy` (individnummer 500–999: born 2000–2039; 0–499: 1900s).
fn number(day: u8, month: u8, yy: u8, young: bool) -> String {
    let range = if young { 500..1000 } else { 0..500 };
    range.filter_map(|i| Fodselsnummer::classic_from_parts(day, month, yy, i)).next().unwrap().as_str().to_owned()
}

fn child(n: &str, mother: &str) -> Value {
    json!({
        "service_id": "nordby-skole", "child_kind": "number", "number": n,
        "given_name": "Nora", "family_name": "Nyland", "kommune": "9901",
        "reason": "Eleven trenger tilrettelegging",
        "adult_number": mother, "adult_given_name": "Mona", "adult_family_name": "Nyland",
        "adult_relation": "parent", "adult_parental_responsibility": true
    })
}

async fn cases_count(app: &TestApp, token: &str) -> anyhow::Result<usize> {
    let (status, body) = app.api_get(token, "/api/v1/cases").await?;
    ensure!(status == 200, "{status} {body}");
    Ok(body.as_array().map_or(0, Vec::len))
}

async fn intake_opens_a_case_for_a_new_child_and_the_mother_sees_it(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let skole = app.token("skole").await?;
    let (mother, kid) = (number(2, 5, 88, false), number(14, 3, 15, true));
    let (status, body) = app.api_post(&skole, "/api/v1/cases", child(&kid, &mother)).await?;
    ensure!(status == 201 && body["outcome"] == "created", "{status} {body}");
    let case_id = body["case_id"].as_str().unwrap().to_owned();
    let (status, case) = app.api_get(&skole, &format!("/api/v1/cases/{case_id}")).await?;
    ensure!(status == 200 && case.to_string().contains("Nora"), "{status} {case}");
    ensure!(case.to_string().contains("nordby-skole"), "the opening service takes part: {case}");
    // The mother can log in (she is matched by her number) and sees the case and who opened it.
    let fnr = Fodselsnummer::parse(&mother)?;
    let mona = app.store.citizen_for_fnr(&fnr).await?.expect("a citizen user for the mother");
    let token = app.token(&mona).await?;
    let (status, mine) = app.api_get(&token, "/api/v1/cases").await?;
    ensure!(status == 200 && mine.to_string().contains(&case_id), "{status} {mine}");
    let (_, log) = app.api_get(&token, "/api/v1/me/access-log").await?;
    ensure!(log.to_string().contains("Sindre Skole"), "the opening is in the family's log: {log}");
    // A second adult is registered on the case; the same one again is refused.
    let father =
        json!({"adult_number": number(9, 9, 85, false), "adult_given_name": "Frode", "adult_family_name": "Nyland"});
    let (status, body) = app.api_post(&skole, &format!("/api/v1/cases/{case_id}/adults"), father.clone()).await?;
    ensure!(status == 201, "{status} {body}");
    let (status, err) = app.api_post(&skole, &format!("/api/v1/cases/{case_id}/adults"), father).await?;
    ensure!(status == 422 && err["code"] == "intake.adult_twice", "{status} {err}");
    // A service outside the case may not register adults on it.
    let laerer = app.token("laerer").await?;
    let other = json!({"adult_number": number(1, 1, 80, false), "adult_given_name": "X", "adult_family_name": "Y"});
    let (status, err) = app.api_post(&laerer, &format!("/api/v1/cases/{case_id}/adults"), other).await?;
    ensure!(status == 403, "{status} {err}");
    app.stop().await;
    Ok(())
}

async fn intake_a_second_opening_becomes_a_request_to_join_that_reveals_nothing(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let skole = app.token("skole").await?;
    let (mother, kid) = (number(3, 6, 86, false), number(20, 1, 14, true));
    let (status, body) = app.api_post(&skole, "/api/v1/cases", child(&kid, &mother)).await?;
    ensure!(status == 201, "{status} {body}");
    let case_id = body["case_id"].as_str().unwrap().to_owned();
    // The same service again: it takes part, and is told the case.
    let (status, again) = app.api_post(&skole, "/api/v1/cases", child(&kid, &mother)).await?;
    ensure!(
        status == 200 && again["outcome"] == "already_participant" && again["case_id"] == case_id.as_str(),
        "{again}"
    );
    // Another service: a request to join, and nothing about the case.
    let laerer = app.token("laerer").await?;
    let mut theirs = child(&kid, &mother);
    theirs["service_id"] = json!("mellomvik-skole");
    theirs["adult_number"] = json!("");
    let before = cases_count(&app, &laerer).await?;
    let (status, req) = app.api_post(&laerer, "/api/v1/cases", theirs.clone()).await?;
    ensure!(status == 202 && req["outcome"] == "join_requested", "{status} {req}");
    let text = req.to_string();
    ensure!(!text.contains(&case_id) && !text.contains("Nora") && !text.contains("nordby"), "reveals nothing: {req}");
    let (status, _) = app.api_get(&laerer, &format!("/api/v1/cases/{case_id}")).await?;
    ensure!(status == 403, "the requester cannot read the case: {status}");
    ensure!(cases_count(&app, &laerer).await? == before, "no second case");
    // Asking again gives the same request.
    let (_, req2) = app.api_post(&laerer, "/api/v1/cases", theirs).await?;
    ensure!(req2["join_request_id"] == req["join_request_id"], "{req} {req2}");
    // The services in the case are asked to answer it.
    let (_, tasks) = app.api_get(&skole, "/api/v1/me/tasks").await?;
    let task =
        tasks.as_array().unwrap().iter().find(|t| t["kind"] == "join_request" && t["case_id"] == case_id.as_str());
    ensure!(task.is_some_and(|t| t["detail"] == "mellomvik-skole"), "{tasks}");
    let rid = req["join_request_id"].as_str().unwrap();
    let answer = |what: &str| format!("/api/v1/cases/{case_id}/join-requests/{rid}/{what}");
    // Taking the service in needs a consent or legal exception covering the contact (step 3).
    let (status, err) = app.api_post(&skole, &answer("accept"), json!({})).await?;
    ensure!(status == 422 && err["code"] == "step3.no_consent", "{status} {err}");
    // The requester cannot answer its own request.
    let (status, _) = app.api_post(&laerer, &answer("accept"), json!({})).await?;
    ensure!(status == 403, "{status}");
    let (status, err) = app.api_post(&skole, &answer("decline"), json!({"text": " "})).await?;
    ensure!(status == 422 && err["code"] == "join.decline_reason", "{status} {err}");
    let (status, _) = app.api_post(&skole, &answer("decline"), json!({"text": "Familien ønsker det ikke nå"})).await?;
    ensure!(status == 204, "{status}");
    let (status, err) = app.api_post(&skole, &answer("decline"), json!({"text": "igjen"})).await?;
    ensure!(status == 422 && err["code"] == "join.answered", "{status} {err}");
    let (_, tasks) = app.api_get(&skole, "/api/v1/me/tasks").await?;
    ensure!(!tasks.to_string().contains("join_request"), "answered: {tasks}");
    // The mother sees that another service asked.
    let mona = app.store.citizen_for_fnr(&Fodselsnummer::parse(&mother)?).await?.unwrap();
    let (_, log) = app.api_get(&app.token(&mona).await?, "/api/v1/me/access-log").await?;
    ensure!(log.to_string().contains("Lise Lærer"), "the request is in the family's log: {log}");
    app.stop().await;
    Ok(())
}

async fn intake_refuses_bad_input_and_changes_nothing(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let skole = app.token("skole").await?;
    let before = app.store.audit_chain_length().await?;
    let good = child(&number(14, 3, 15, true), &number(2, 5, 88, false));
    let with = |k: &str, v: Value| {
        let mut b = good.clone();
        b[k] = v;
        b
    };
    for (body, code) in [
        (with("number", json!("12345678901")), "intake.number_invalid"),
        (with("child_kind", json!("guess")), "intake.child_kind"),
        (with("given_name", json!("")), "intake.name_required"),
        (with("birth_date", json!("2015-03-15")), "intake.birth_date_mismatch"),
        (with("birth_date", json!("15.03.2015")), "input.date"),
        (with("kommune", json!("99")), "intake.kommune"),
        (with("reason", json!(" ")), "intake.reason"),
        (with("adult_number", json!(number(14, 3, 15, true))), "intake.adult_twice"),
        (
            json!({"service_id": "nordby-skole", "child_kind": "expected", "due_date": "2099-01-01", "kommune": "9901", "reason": "x"}),
            "intake.due_date_range",
        ),
        (with("service_id", json!("mellomvik-barnevern")), "denied.not_in_service"),
    ] {
        let (status, err) = app.api_post(&skole, "/api/v1/cases", body.clone()).await?;
        let want = if code.starts_with("denied") { 403 } else { 422 };
        ensure!(status == want && err["code"] == code, "{body}: {status} {err}");
    }
    // Leaders and administrators do not open cases.
    for who in ["leder", "admin"] {
        let t = app.token(who).await?;
        let (status, err) = app.api_post(&t, "/api/v1/cases", good.clone()).await?;
        ensure!(status == 403 && err["code"] == "denied.not_in_service", "{who}: {status} {err}");
    }
    // Only the refusals were recorded: no case, no person, no request.
    let new = app.store.audit_entries_after(before).await?;
    let opens: Vec<_> = new.iter().filter(|e| e.action != "token_create").collect();
    ensure!(opens.iter().all(|e| e.action == "case_open" && e.outcome == "deny"), "{new:?}");
    ensure!(opens.len() == 3, "the three refusals by the policy are audited: {new:?}");
    let (_, cases) = app.api_get(&skole, "/api/v1/cases").await?;
    ensure!(!cases.to_string().contains("Nora"), "no case was opened: {cases}");
    app.stop().await;
    Ok(())
}

async fn intake_an_expected_child_gets_the_number_later(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("helsesykepleier").await?;
    let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(90)).to_string();
    let mother = number(4, 4, 90, false);
    let expected = json!({
        "service_id": "mellomvik-helsestasjon", "child_kind": "expected", "due_date": due, "kommune": "9901",
        "reason": "Svangerskapsoppfølging, behov for samarbeid etter fødsel",
        "adult_number": mother, "adult_given_name": "Mia", "adult_family_name": "Moe", "adult_parental_responsibility": true
    });
    let mut no_mother = expected.clone();
    no_mother["adult_number"] = json!("");
    let (status, err) = app.api_post(&bv, "/api/v1/cases", no_mother).await?;
    ensure!(status == 422 && err["code"] == "intake.expected_mother", "{status} {err}");
    let (status, body) = app.api_post(&bv, "/api/v1/cases", expected.clone()).await?;
    ensure!(status == 201, "{status} {body}");
    let case_id = body["case_id"].as_str().unwrap().to_owned();
    let (_, case) = app.api_get(&bv, &format!("/api/v1/cases/{case_id}")).await?;
    ensure!(case.to_string().contains("Ventet barn"), "{case}");
    // Born: the number is recorded, and only once.
    let kid = number(1, 2, 26, true);
    let num = json!({"number": kid, "given_name": "Mille", "family_name": "Moe"});
    let path = format!("/api/v1/cases/{case_id}/child-number");
    let (status, body) = app.api_post(&bv, &path, num.clone()).await?;
    ensure!(status == 200 && body["outcome"] == "number_recorded", "{status} {body}");
    let (status, err) = app.api_post(&bv, &path, num.clone()).await?;
    ensure!(status == 422 && err["code"] == "child_number.known", "{status} {err}");
    // A second expected case for the same child becomes a request to join the first when the number comes.
    let (status, body) = app
        .api_post(&app.token("skole").await?, "/api/v1/cases", {
            let mut e = expected.clone();
            e["service_id"] = json!("nordby-skole");
            e
        })
        .await?;
    ensure!(status == 201, "{status} {body}");
    let second = body["case_id"].as_str().unwrap().to_owned();
    let skole = app.token("skole").await?;
    let (status, body) = app.api_post(&skole, &format!("/api/v1/cases/{second}/child-number"), num).await?;
    ensure!(
        status == 202 && body["outcome"] == "join_requested" && !body.to_string().contains(&case_id),
        "{status} {body}"
    );
    app.stop().await;
    Ok(())
}

async fn intake_an_accepted_request_takes_the_service_in_through_the_consent(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let skole = app.token("skole").await?;
    let (mother, kid) = (number(5, 7, 84, false), number(11, 11, 13, true));
    let mut open = child(&kid, &mother);
    open["adult_number"] = json!("");
    let (status, body) = app.api_post(&skole, "/api/v1/cases", open.clone()).await?;
    ensure!(status == 201, "{status} {body}");
    let case_id = body["case_id"].as_str().unwrap().to_owned();
    let adult = json!({"adult_number": mother, "adult_given_name": "Mona", "adult_family_name": "Nyland", "adult_parental_responsibility": true});
    let (status, body) = app.api_post(&skole, &format!("/api/v1/cases/{case_id}/adults"), adult).await?;
    ensure!(status == 201, "{status} {body}");
    let mother_id = body["id"].as_str().unwrap().to_owned();
    let laerer = app.token("laerer").await?;
    open["service_id"] = json!("mellomvik-skole");
    let (status, req) = app.api_post(&laerer, "/api/v1/cases", open).await?;
    ensure!(status == 202, "{status} {req}");
    let rid = req["join_request_id"].as_str().unwrap();
    // The mother consents to the school contacting the other school; then the request is accepted.
    let today = chrono::Utc::now().date_naive();
    let (status, c) = app.api_post(&skole, &format!("/api/v1/cases/{case_id}/consents"), json!({
        "domain": "general", "givers": [{"person_id": mother_id, "capacity": "parent"}],
        "from_services": ["nordby-skole"], "to_services": ["mellomvik-skole"], "categories": ["general"],
        "purpose": "Skolene samarbeider om overgangen", "consequences": "Den nye skolen får vite det som trengs",
        "form": "written", "valid_from": today.to_string(), "valid_to": (today + chrono::Duration::days(180)).to_string()
    })).await?;
    ensure!(status == 201, "consent: {status} {c}");
    let (status, err) =
        app.api_post(&skole, &format!("/api/v1/cases/{case_id}/join-requests/{rid}/accept"), json!({})).await?;
    ensure!(status == 204, "{status} {err}");
    let (status, case) = app.api_get(&laerer, &format!("/api/v1/cases/{case_id}")).await?;
    ensure!(status == 200 && case.to_string().contains("Nora"), "the requester now takes part: {status} {case}");
    let (status, err) =
        app.api_post(&skole, &format!("/api/v1/cases/{case_id}/join-requests/{rid}/accept"), json!({})).await?;
    ensure!(status == 422 && err["code"] == "join.answered", "{status} {err}");
    app.stop().await;
    Ok(())
}

async fn intake_on_the_page_without_javascript(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let c = app.logged_in("skole").await?;
    let list = c.get(app.url("/saker")).send().await?.text().await?;
    ensure!(list.contains("href=\"/saker/ny\""), "the case list links to a new case");
    let page = c.get(app.url("/saker/ny")).send().await?.text().await?;
    ensure!(page.contains("value=\"nordby-skole\""), "the form offers the employee's service: {page}");
    let kid = number(6, 6, 16, true);
    let mut form = vec![
        ("service_id", "nordby-skole".to_owned()),
        ("child_kind", "number".to_owned()),
        ("number", kid.clone()),
        ("given_name", "Pia".to_owned()),
        ("family_name", "Paulsen".to_owned()),
        ("kommune", "9901".to_owned()),
        ("reason", "".to_owned()),
    ];
    let res = c.post(app.url("/saker/ny")).form(&form).send().await?;
    ensure!(res.status() == 422, "{}", res.status());
    let body = res.text().await?;
    ensure!(
        body.contains("href=\"#new-reason\"") && body.contains("value=\"Pia\""),
        "error on the field, input kept: {body}"
    );
    form[6].1 = "Eleven har stort fravær".to_owned();
    let res = c.post(app.url("/saker/ny")).form(&form).send().await?;
    ensure!(res.status() == 303, "{}", res.status());
    let to = res.headers()["location"].to_str()?.to_owned();
    ensure!(to.starts_with("/saker/sak-"), "to the new case: {to}");
    let page = c.get(app.url(&to)).send().await?.text().await?;
    ensure!(page.contains("Pia Paulsen") && page.contains("id=\"adult-form\""), "the case, with the adult form");
    // The mother is registered from the case page.
    let adult = [
        ("adult_number", number(7, 7, 87, false)),
        ("adult_given_name", "Pernille".into()),
        ("adult_family_name", "Paulsen".into()),
        ("adult_parental_responsibility", "on".into()),
    ];
    let res = c.post(app.url(&format!("{to}/voksne"))).form(&adult).send().await?;
    ensure!(res.status() == 303, "{}", res.status());
    // Another service opening the same child sees only that a request was sent.
    let other = app.logged_in("laerer").await?;
    form[0].1 = "mellomvik-skole".to_owned();
    let res = other.post(app.url("/saker/ny")).form(&form).send().await?;
    let body = res.text().await?;
    ensure!(body.contains("id=\"join-requested\"") && !body.contains("Pia"), "{body}");
    app.stop().await;
    Ok(())
}
