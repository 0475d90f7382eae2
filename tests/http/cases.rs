//! Cases through the access policy: who sees what, with the basis, and clear denials.

use anyhow::ensure;
use los_tests::{Db, TestApp};

crate::tests!(
    participants_see_the_case_with_basis,
    non_participants_admins_and_leaders_are_denied,
    families_see_their_own_cases,
    case_list_equals_point_checks,
    case_pages_show_participants_and_denials,
);

async fn participants_see_the_case_with_basis(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let token = app.token("barnevern").await?;
    let (status, case) = app.api_get(&token, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 200, "{status} {case}");
    ensure!(case["child_name"] == "Daniel Berg", "child {case}");
    let parts = case["participants"].as_array().unwrap();
    ensure!(parts.len() == 5, "participants {}", parts.len());
    let crisis = parts.iter().find(|p| p["service_id"] == "storvik-krisesenter").unwrap();
    ensure!(crisis["left_on"] == "2026-09-15" && crisis["leave_reason"].is_string(), "crisis centre left with reason");
    ensure!(case["access_basis"].as_str().unwrap().contains("mellomvik-barnevern"), "basis {}", case["access_basis"]);
    app.stop().await;
    Ok(())
}

async fn non_participants_admins_and_leaders_are_denied(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    for (user, code) in [
        ("skole", "denied.not_participant"),
        ("admin", "denied.administrator_no_case_data"),
        ("leder", "denied.leader_aggregates_only"),
        ("krisesenter", "denied.not_participant"), // the crisis centre left the case on 2026-09-15
    ] {
        let token = app.token(user).await?;
        let (status, body) = app.api_get(&token, "/api/v1/cases/sak-sofia-daniel").await?;
        ensure!(status == 403 && body["code"] == code, "{user}: {status} {body}");
        ensure!(!body.to_string().contains("Daniel"), "a denial must not leak personal data");
        let (status, list) = app.api_get(&token, "/api/v1/cases").await?;
        ensure!(
            status == 200 && list.as_array().unwrap().iter().all(|c| c["id"] != "sak-sofia-daniel"),
            "{user} list {list}"
        );
    }
    let token = app.token("skole").await?;
    let (status, body) = app.api_get(&token, "/api/v1/cases/finnes-ikke").await?;
    ensure!(status == 404 && body["code"] == "not_found", "{status} {body}");
    app.stop().await;
    Ok(())
}

async fn families_see_their_own_cases(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let sofia = app.token("sofia").await?;
    let (_, list) = app.api_get(&sofia, "/api/v1/cases").await?;
    let ids: Vec<&str> = list.as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    ensure!(ids == ["sak-sofia-daniel"], "sofia sees {ids:?}");
    let (status, case) = app.api_get(&sofia, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 200 && case["access_basis"].as_str().unwrap().contains("parental responsibility"), "{case}");
    let (status, body) = app.api_get(&sofia, "/api/v1/cases/sak-adam").await?;
    ensure!(status == 403 && body["code"] == "denied.not_family", "{status} {body}");
    let adam = app.token("adam").await?;
    let (status, _) = app.api_get(&adam, "/api/v1/cases/sak-adam").await?;
    ensure!(status == 200, "adam reads his own case");
    app.stop().await;
    Ok(())
}

async fn case_list_equals_point_checks(db: Db) -> anyhow::Result<()> {
    // The list query and the point check apply the same rule, for every demo user and case, also after
    // an emergency grant (the list's set-based preselection must include the grant's case).
    let app = TestApp::demo(db).await?;
    let skole = app.token("skole").await?;
    let (status, grant) = app
        .api_post(
            &skole,
            "/api/v1/cases/sak-sofia-daniel/break-glass",
            serde_json::json!({"reason": "Daniel er savnet fra skolen og vi må finne kontaktpersonen"}),
        )
        .await?;
    ensure!(status == 201, "{status} {grant}");
    let users: Vec<String> = app.store.demo_users().await?.into_iter().map(|u| u.id).collect();
    for user in &users {
        let token = app.token(user).await?;
        let (_, list) = app.api_get(&token, "/api/v1/cases").await?;
        let listed: Vec<String> =
            list.as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();
        for case in ["sak-overgang", "sak-sofia-daniel", "sak-adam"] {
            let (status, _) = app.api_get(&token, &format!("/api/v1/cases/{case}")).await?;
            ensure!(
                (status == 200) == listed.iter().any(|c| c == case),
                "{user}/{case}: point {status}, list {listed:?}"
            );
        }
    }
    app.stop().await;
    Ok(())
}

async fn case_pages_show_participants_and_denials(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let c = app.logged_in("uk").await?;
    let html = c.get(app.url("/saker/sak-adam")).send().await?.text().await?;
    ensure!(
        html.contains("Adam Lund") && html.contains("Friomsorgskontoret i Demo") && html.contains("statsforvalteren"),
        "case page"
    );
    let res = c.get(app.url("/saker/sak-sofia-daniel")).send().await?;
    ensure!(res.status() == 403, "{}", res.status());
    let html = res.text().await?;
    ensure!(
        html.contains("Ingen av tjenestene dine er med i denne saken") && !html.contains("Daniel"),
        "Norwegian denial without data"
    );
    let res = app.browser().get(app.url("/saker")).send().await?;
    ensure!(res.status().is_redirection() && res.headers()["location"] == "/logg-inn", "anonymous /saker");
    app.stop().await;
    Ok(())
}
