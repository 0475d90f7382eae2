//! The tamper-evident audit log: every case read and denial is recorded; the chain verifies, detects
//! alteration and removal, and the database refuses updates.

use anyhow::ensure;
use los_tests::{Db, TestApp};

crate::tests!(
    reads_and_denials_are_recorded_and_chain_verifies,
    a_list_is_one_entry_naming_each_case,
    an_altered_or_removed_case_index_row_is_detected,
    altered_entry_is_detected,
    removed_last_entry_is_detected,
    audit_log_is_append_only_in_the_database,
    concurrent_reads_keep_one_chain,
    a_write_records_its_decision_and_nothing_it_did_not_read,
    the_family_access_log_is_paged_newest_first,
    a_chain_cut_back_below_a_checkpoint_is_detected,
    a_key_the_chain_was_not_written_with_is_detected,
);

async fn reads_and_denials_are_recorded_and_chain_verifies(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let before = app.store.verify_audit_chain().await?;
    ensure!(before.first_bad.is_none(), "fresh chain: {before:?}");
    let ok = app.token("barnevern").await?;
    let no = app.token("skole").await?;
    app.api_get(&ok, "/api/v1/cases/sak-sofia-daniel").await?;
    app.api_get(&no, "/api/v1/cases/sak-sofia-daniel").await?;
    let after = app.store.verify_audit_chain().await?;
    ensure!(after.first_bad.is_none(), "{after:?}");
    // Two token creations, barnevern's read and the denied read: one entry per access.
    ensure!(after.checked == before.checked + 4, "expected 4 new entries, got {}", after.checked - before.checked);
    let new = app.store.audit_entries_after(before.checked).await?;
    let read = new
        .iter()
        .find(|e| e.actor_user_id.as_deref() == Some("barnevern") && e.action == "read")
        .ok_or_else(|| anyhow::anyhow!("no read entry: {new:?}"))?;
    ensure!(read.case_id.as_deref() == Some("sak-sofia-daniel") && read.outcome == "allow", "{read:?}");
    // The one entry names what the read disclosed, each with its basis: three notes (own, and the
    // school's and NAV's through Sofia's consent), the protected address, and the minutes of the meeting
    // child welfare arranged.
    let items = read.items();
    let count = |t: &str| items.iter().filter(|i| i.resource_type == t).count();
    ensure!(count("note") == 3 && count("protected_address") == 1, "{items:?}");
    ensure!(items.len() == 5 && items.iter().all(|i| !i.basis.is_empty() && i.outcome == "allow"), "{items:?}");
    let denied = new.iter().find(|e| e.actor_user_id.as_deref() == Some("skole") && e.action == "read").unwrap();
    ensure!(denied.outcome == "deny" && denied.items().is_empty(), "{denied:?}");
    // The family's log shows the read as one line naming its information categories.
    let (_, log) = app.api_get(&app.token("sofia").await?, "/api/v1/me/access-log").await?;
    let lines: Vec<_> = log.as_array().unwrap().iter().filter(|l| l["who"] == "Berit Vern").collect();
    ensure!(lines.len() == 1, "one line for one access: {log}");
    let cats = lines[0]["categories"].as_array().unwrap();
    ensure!(cats.len() >= 2 && cats[0] == "overview", "{log}");
    app.stop().await;
    Ok(())
}

/// A list is one access: one entry naming each case listed, and each family sees it in their own log.
async fn a_list_is_one_entry_naming_each_case(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let before = app.store.audit_chain_length().await?;
    let (status, cases) = app.api_get(&bv, "/api/v1/cases").await?;
    let listed = cases.as_array().map_or(0, Vec::len);
    ensure!(status == 200 && listed >= 2, "{status} {cases}");
    let new = app.store.audit_entries_after(before).await?;
    ensure!(new.len() == 1, "one entry for the list: {new:?}");
    let items = new[0].items();
    ensure!(new[0].action == "list" && new[0].case_id.is_none() && items.len() == listed, "{:?}", new[0]);
    ensure!(items.iter().all(|i| i.case.is_some() && i.basis.contains("mellomvik-barnevern")), "{items:?}");
    let (_, log) = app.api_get(&app.token("sofia").await?, "/api/v1/me/access-log").await?;
    ensure!(
        log.as_array().unwrap().iter().any(|l| l["action"] == "list"
            && l["who"] == "Berit Vern"
            && l["case_id"] == "sak-sofia-daniel"
            && l["basis"].as_str().unwrap().contains("mellomvik-barnevern")),
        "the list shows in the family's log with its basis: {log}"
    );
    app.stop().await;
    Ok(())
}

/// The per-case index the family's log reads is checked against the hashed entries by `audit verify`.
async fn an_altered_or_removed_case_index_row_is_detected(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    let (status, _) = app.api_get(&bv, "/api/v1/cases").await?;
    ensure!(status == 200, "{status}");
    let list = app.store.audit_chain_length().await?;
    let (status, _) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
    ensure!(status == 200, "{status}");
    let read = app.store.audit_chain_length().await?;
    ensure!(app.store.verify_audit_chain().await?.first_bad.is_none(), "intact before");
    let drop: &[&str] = match db {
        Db::Sqlite => &["DROP TRIGGER audit_case_no_update", "DROP TRIGGER audit_case_no_delete"],
        Db::Postgres => &["DROP TRIGGER audit_case_append_only ON audit_case"],
    };
    for sql in drop {
        app.store.execute_raw_for_tests(sql).await?;
    }
    // Someone rewrites the basis the family sees for the case read.
    app.store
        .execute_raw_for_tests(&format!("UPDATE audit_case SET basis = 'nothing to see' WHERE seq = {read}"))
        .await?;
    let bad = app.store.verify_audit_chain().await?.first_bad.ok_or_else(|| anyhow::anyhow!("not detected"))?;
    ensure!(bad.seq == read && bad.problem.contains("case index"), "{bad:?}");
    app.store.execute_raw_for_tests(&format!("DELETE FROM audit_case WHERE seq = {read}")).await?;
    let bad = app.store.verify_audit_chain().await?.first_bad.ok_or_else(|| anyhow::anyhow!("not detected"))?;
    ensure!(bad.seq == read && bad.problem.contains("case index"), "{bad:?}");
    // Someone hides the list from one family by removing its row for their case.
    app.store
        .execute_raw_for_tests(&format!("DELETE FROM audit_case WHERE seq = {list} AND case_id = 'sak-sofia-daniel'"))
        .await?;
    let bad = app.store.verify_audit_chain().await?.first_bad.ok_or_else(|| anyhow::anyhow!("not detected"))?;
    ensure!(bad.seq == list && bad.problem.contains("case index"), "{bad:?}");
    app.stop().await;
    Ok(())
}

fn update_sql(db: Db, seq: i64) -> Vec<String> {
    match db {
        Db::Sqlite => vec![
            "DROP TRIGGER audit_log_no_update".into(),
            format!("UPDATE audit_log SET basis = 'nothing to see' WHERE seq = {seq}"),
        ],
        Db::Postgres => vec![
            "DROP TRIGGER audit_log_append_only ON audit_log".into(),
            format!("UPDATE audit_log SET basis = 'nothing to see' WHERE seq = {seq}"),
        ],
    }
}

async fn altered_entry_is_detected(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let token = app.token("barnevern").await?;
    app.api_get(&token, "/api/v1/cases/sak-adam").await?;
    let n = app.store.verify_audit_chain().await?.checked;
    ensure!(n >= 3);
    // An attacker with database access drops the guard and rewrites entry 2.
    for sql in update_sql(db, 2) {
        app.store.execute_raw_for_tests(&sql).await?;
    }
    let report = app.store.verify_audit_chain().await?;
    let bad = report.first_bad.ok_or_else(|| anyhow::anyhow!("tampering not detected"))?;
    ensure!(bad.seq == 2 && bad.problem.contains("altered"), "{bad:?}");
    app.stop().await;
    Ok(())
}

async fn removed_last_entry_is_detected(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    for user in ["ke", "nav", "uk"] {
        app.token(user).await?;
    }
    let n = app.store.verify_audit_chain().await?.checked;
    ensure!(n >= 5, "{n} entries");
    let drop = match db {
        Db::Sqlite => "DROP TRIGGER audit_log_no_delete",
        Db::Postgres => "DROP TRIGGER audit_log_append_only ON audit_log",
    };
    app.store.execute_raw_for_tests(drop).await?;
    app.store.execute_raw_for_tests(&format!("DELETE FROM audit_log WHERE seq = {n}")).await?;
    let report = app.store.verify_audit_chain().await?;
    let bad = report.first_bad.ok_or_else(|| anyhow::anyhow!("removal not detected"))?;
    ensure!(bad.seq == n, "{bad:?}");
    // Removing one in the middle is detected too.
    app.store.execute_raw_for_tests("DELETE FROM audit_log WHERE seq = 2").await?;
    let bad = app.store.verify_audit_chain().await?.first_bad.unwrap();
    ensure!(bad.seq == 2 && bad.problem.contains("missing"), "{bad:?}");
    app.stop().await;
    Ok(())
}

async fn audit_log_is_append_only_in_the_database(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let upd = app.store.execute_raw_for_tests("UPDATE audit_log SET basis = 'x' WHERE seq = 1").await;
    ensure!(upd.is_err_and(|e| e.to_string().contains("append-only")), "update must be refused");
    let del = app.store.execute_raw_for_tests("DELETE FROM audit_log WHERE seq = 1").await;
    ensure!(del.is_err_and(|e| e.to_string().contains("append-only")), "delete must be refused");
    ensure!(app.store.verify_audit_chain().await?.first_bad.is_none());
    app.stop().await;
    Ok(())
}

async fn concurrent_reads_keep_one_chain(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let token = app.token("barnevern").await?;
    let before = app.store.verify_audit_chain().await?.checked;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let url = app.url(if i % 2 == 0 { "/api/v1/cases/sak-adam" } else { "/api/v1/cases" });
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            reqwest::Client::new().get(url).bearer_auth(token).send().await.map(|r| r.status().as_u16())
        }));
    }
    for t in tasks {
        let status = t.await??;
        ensure!(status == 200, "concurrent request failed: {status}");
    }
    let report = app.store.verify_audit_chain().await?;
    ensure!(report.first_bad.is_none(), "{report:?}");
    // 12 point reads + 12 lists, one entry per access
    ensure!(report.checked == before + 24, "entries: {}", report.checked - before);
    // Reads (group commit of their entries) racing writes (each its own transaction on the chain): every
    // answer is a success and the chain stays one.
    let mut tasks = Vec::new();
    for i in 0..16 {
        let token = token.clone();
        let (url, write) = if i % 2 == 0 {
            (app.url("/api/v1/cases/sak-sofia-daniel"), false)
        } else {
            (app.url("/api/v1/cases/sak-adam/notes"), true)
        };
        tasks.push(tokio::spawn(async move {
            let c = reqwest::Client::new();
            let req = if write {
                c.post(url).json(&serde_json::json!({"service_id": "mellomvik-barnevern",
                    "category": "child_welfare", "body": format!("Samtale {i}")}))
            } else {
                c.get(url)
            };
            req.bearer_auth(token).send().await.map(|r| r.status().as_u16())
        }));
    }
    for t in tasks {
        let status = t.await??;
        ensure!(status == 200 || status == 201, "concurrent request failed: {status}");
    }
    let report = app.store.verify_audit_chain().await?;
    ensure!(report.first_bad.is_none(), "{report:?}");
    app.stop().await;
    Ok(())
}

/// A write loads only what it decides on: recording who coordinates, or a rights screening, adds one audit
/// entry (the decision), not the reads of a whole case view the writer never saw.
async fn a_write_records_its_decision_and_nothing_it_did_not_read(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let uk = app.token("uk").await?;
    let count = || async { Ok::<_, anyhow::Error>(app.store.verify_audit_chain().await?.checked) };
    let before = count().await?;
    let (status, body) = app
        .api_post(
            &uk,
            "/api/v1/cases/sak-adam/rights",
            serde_json::json!({"right": "coordinator",
            "outcome": "not_entitled", "reasoning": "Adam har ikke behov for en koordinator nå"}),
        )
        .await?;
    ensure!(status == 201, "{status} {body}");
    ensure!(count().await? == before + 1, "one entry for the screening, found {}", count().await? - before);
    let before = count().await?;
    let (status, body) = app
        .api_post(
            &uk,
            "/api/v1/cases/sak-adam/coordinator",
            serde_json::json!({"service_id": "konfliktradet-demo",
            "basis": "agreed_non_municipal",
            "agreed_by": ["konfliktradet-demo", "mellomvik-vgs", "mellomvik-barnevern", "mellomvik-uteseksjon",
                "mellomvik-helsestasjon", "politikontakt-mellomvik", "friomsorg-demo"],
            "child_view": "Adam vil beholde Ulrik", "parents_view": "Foreldrene er enige", "reasons": "Fortsetter"}),
        )
        .await?;
    ensure!(status == 201, "{status} {body}");
    ensure!(count().await? == before + 1, "one entry for the assignment, found {}", count().await? - before);
    app.stop().await;
    Ok(())
}

/// The family's access log comes a page at a time, newest first, with the total in `X-Total-Count`.
async fn the_family_access_log_is_paged_newest_first(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    let bv = app.token("barnevern").await?;
    for _ in 0..5 {
        let (status, _) = app.api_get(&bv, "/api/v1/cases/sak-sofia-daniel").await?;
        ensure!(status == 200, "{status}");
    }
    let sofia = app.token("sofia").await?;
    let get = |q: &'static str| {
        let (url, sofia) = (app.url(&format!("/api/v1/me/access-log{q}")), sofia.clone());
        async move {
            let res = reqwest::Client::new().get(url).bearer_auth(sofia).send().await?;
            let total: u64 = res
                .headers()
                .get("x-total-count")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let status = res.status().as_u16();
            let body: serde_json::Value = res.json().await.unwrap_or_default();
            Ok::<_, anyhow::Error>((status, total, body.as_array().cloned().unwrap_or_default()))
        }
    };
    let (status, total, all) = get("").await?;
    ensure!(status == 200 && total as usize == all.len() && total >= 5, "{status} {total} {}", all.len());
    let (_, total2, first) = get("?limit=2").await?;
    ensure!(first.len() == 2 && total2 == total, "a page of two: {first:?}");
    ensure!(first[0] == all[0] && first[1] == all[1], "newest first");
    let (_, _, second) = get("?limit=2&offset=2").await?;
    ensure!(second.first() == all.get(2), "the next page goes on where the first ended");
    let (_, _, past) = get("?offset=100000").await?;
    ensure!(past.is_empty(), "past the end: nothing");
    let (status, _, _) = get("?limit=abc").await?;
    ensure!(status == 400, "a malformed limit is refused: {status}");
    let page = app.logged_in("sofia").await?;
    let html = page.get(app.url("/meg/tilgangslogg")).send().await?.text().await?;
    ensure!(html.contains("id=\"access-log-count\""), "the page says how many lines there are");
    app.stop().await;
    Ok(())
}

/// Deleting the newest entries and rewinding `audit_head` leaves a chain that verifies by itself; the
/// checkpoint written before, outside the database, shows it was cut back.
async fn a_chain_cut_back_below_a_checkpoint_is_detected(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    for user in ["ke", "nav", "uk"] {
        app.token(user).await?;
    }
    let file = std::env::temp_dir().join(format!("los-checkpoints-{}.jsonl", uuid::Uuid::new_v4().simple()));
    let cp = app.store.write_audit_checkpoint(&file).await?;
    let n = app.store.audit_chain_length().await?;
    ensure!(cp.seq == n && n >= 5, "checkpoint at {} of {n}", cp.seq);
    let report = app.store.verify_audit_checkpoints(&file).await?;
    ensure!(report.problem.is_none() && report.latest_seq == Some(n), "{report:?}");

    let drop = match db {
        Db::Sqlite => "DROP TRIGGER audit_log_no_delete",
        Db::Postgres => "DROP TRIGGER audit_log_append_only ON audit_log",
    };
    app.store.execute_raw_for_tests(drop).await?;
    app.store.execute_raw_for_tests(&format!("DELETE FROM audit_log WHERE seq > {}", n - 2)).await?;
    app.store
        .execute_raw_for_tests(&format!(
            "UPDATE audit_head SET seq = {}, hash = (SELECT hash FROM audit_log WHERE seq = {})",
            n - 2,
            n - 2
        ))
        .await?;
    ensure!(app.store.verify_audit_chain().await?.first_bad.is_none(), "the rewound chain is valid by itself");
    let report = app.store.verify_audit_checkpoints(&file).await?;
    let problem = report.problem.ok_or_else(|| anyhow::anyhow!("cut-back not detected"))?;
    ensure!(problem.contains("cut back"), "{problem}");

    // New entries after the rewind reach the checkpoint's length again, but not its hash.
    for user in ["ke", "nav", "uk"] {
        app.token(user).await?;
    }
    let report = app.store.verify_audit_checkpoints(&file).await?;
    let problem = report.problem.ok_or_else(|| anyhow::anyhow!("replaced chain not detected"))?;
    ensure!(problem.contains(&format!("entry {n} is not the one")), "{problem}");
    let _ = std::fs::remove_file(file);
    app.stop().await;
    Ok(())
}

async fn a_key_the_chain_was_not_written_with_is_detected(db: Db) -> anyhow::Result<()> {
    let app = TestApp::demo(db).await?;
    ensure!(app.store.check_audit_key().await? == los_store::KeyCheck::Matches);
    // The same database opened with another key.
    let other = los_store::Store::connect(
        &app.database_url,
        los_store::AuditKey::new(b"another-key-0123456789abcdef".to_vec()),
    )
    .await?;
    ensure!(other.check_audit_key().await? == los_store::KeyCheck::Mismatch);
    drop(other);
    app.stop().await;
    Ok(())
}
