//! The worklist's cost does not grow with the cases the user sees, and each case's tasks come from its own
//! rows, also across the chunks the case ids are read in.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{Duration, Utc};
use sea_orm::{ActiveValue::Set, EntityTrait};

use crate::audit::AuditKey;
use crate::entities::*;
use crate::store::{DatabaseUrl, Store};
use crate::tx::shared::CASES_PER_QUERY;

/// The service of the demo user `laerer`, which takes part in every second synthetic case.
const SCHOOL: &str = "mellomvik-skole";

async fn demo_store() -> (Store, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("los-worklist-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = DatabaseUrl::parse(&format!("sqlite://{}", dir.join("los.sqlite").display())).unwrap();
    let store = Store::connect(&url, AuditKey::new(*b"worklist-test-key-0123456789abcd")).await.unwrap();
    store.migrate().await.unwrap();
    store.sync_reference_data().await.unwrap();
    assert!(crate::demo::load(&store).await.unwrap());
    (store, dir)
}

/// Adds synthetic cases `first..first + n`, each with an open re-assessment prompt for the school and an
/// overdue follow-up it owns, both naming their case, so a task shown under another case is seen.
async fn add_cases(store: &Store, first: usize, n: usize) {
    crate::scale::load(store, n).await.unwrap();
    let now = Utc::now();
    let (mut prompts, mut actions) = (Vec::new(), Vec::new());
    for i in first..first + n {
        let case_id = format!("skala-sak-{i}");
        prompts.push(review_prompt::ActiveModel {
            id: Set(format!("test-prompt-{i}")),
            case_id: Set(case_id.clone()),
            kind: Set("reassess".into()),
            service_id: Set(Some(SCHOOL.into())),
            reason: Set(case_id.clone()),
            created_at: Set(now - Duration::days(3)),
            done_at: Set(None),
            done_by: Set(None),
        });
        actions.push(meeting_action::ActiveModel {
            id: Set(format!("test-action-{i}")),
            case_id: Set(case_id.clone()),
            meeting_id: Set(format!("skala-mote-{i}")),
            description: Set(case_id),
            owner_service: Set(SCHOOL.into()),
            due_on: Set(now.date_naive() - Duration::days(2)),
            created_by: Set("barnevern".into()),
            created_at: Set(now - Duration::days(10)),
            done_at: Set(None),
            done_by: Set(None),
            done_note: Set(None),
        });
    }
    for chunk in prompts.chunks(500) {
        review_prompt::Entity::insert_many(chunk.to_vec()).exec_without_returning(store.conn()).await.unwrap();
    }
    for chunk in actions.chunks(500) {
        meeting_action::Entity::insert_many(chunk.to_vec()).exec_without_returning(store.conn()).await.unwrap();
    }
}

/// The worklist of `laerer`, with the number of queries it took. Checks that each synthetic case it sees
/// has its own prompt and follow-up, and no other's, and returns how many synthetic cases it saw.
async fn worklist(store: &Store) -> (Vec<super::Task>, usize, usize) {
    let queries = Arc::new(AtomicUsize::new(0));
    let mut counted = store.clone();
    let q = queries.clone();
    counted.db.set_metric_callback(move |_| {
        q.fetch_add(1, Ordering::Relaxed);
    });
    let actor = store.user("laerer").await.unwrap();
    let tasks = counted.tasks_for(&actor).await.unwrap();
    let synthetic: BTreeSet<&str> =
        tasks.iter().map(|t| t.case_id.as_str()).filter(|c| c.starts_with("skala-sak-")).collect();
    for case_id in &synthetic {
        for kind in ["reassess", "follow_up"] {
            let mine: Vec<&str> =
                tasks.iter().filter(|t| t.case_id == *case_id && t.kind == kind).map(|t| t.detail.as_str()).collect();
            assert_eq!(mine, [*case_id], "{kind} tasks of {case_id}");
        }
    }
    let seen = synthetic.len();
    (tasks, seen, queries.load(Ordering::Relaxed))
}

#[tokio::test]
async fn the_worklist_reads_each_table_once_however_many_cases_are_seen() {
    let (store, dir) = demo_store().await;
    add_cases(&store, 0, 20).await;
    let (few, seen_few, queries_few) = worklist(&store).await;
    assert_eq!(seen_few, 10, "the school takes part in every second case");

    add_cases(&store, 20, 60).await;
    let (more, seen_more, queries_more) = worklist(&store).await;
    assert_eq!(seen_more, 40);
    assert_eq!(queries_more, queries_few, "30 more cases seen, no more queries");
    // The tasks of the first cases are unchanged by the others.
    let key = |t: &super::Task| (t.kind, t.case_id.clone(), t.service_id.clone(), t.detail.clone(), t.date);
    let more_keys: BTreeSet<_> = more.iter().map(key).collect();
    assert!(few.iter().all(|t| more_keys.contains(&key(t))));

    // Past one chunk of case ids: at most one more query per table read (thirteen, with the open individual plans), not a dozen per case.
    let n = 2 * CASES_PER_QUERY + 20 - 80;
    add_cases(&store, 80, n).await;
    let (_, seen_most, queries_most) = worklist(&store).await;
    assert_eq!(seen_most, CASES_PER_QUERY + 10);
    assert!(
        queries_most <= queries_few + 13,
        "{queries_most} queries for {seen_most} cases, {queries_few} for {seen_few}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
