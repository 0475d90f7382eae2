//! A synthetic municipality at scale, for the benchmark (issue 15): `los demo --scale N` adds N cases to the
//! demo municipality, each a child and a parent with synthetic identities (Tenor-style numbers, month + 80),
//! two to four of Mellomvik's services taking part, a consent, notes, a plan, a meeting and an audit history.
//!
//! The spread is fixed, so figures compare between runs: child welfare (user `barnevern`) takes part in every
//! 33rd case (about 300 of 10,000, the caseworker of the targets), the school in every 2nd, NAV in every 5th,
//! the health station in every 7th, the GP in every 3rd. Everything is inserted in bulk in one transaction;
//! the audit history goes through the chain like every other entry.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate, Utc};
use los_domain::closing::CaseState;
use los_domain::ident::Fodselsnummer;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait,
};

use crate::audit::{self, NewEntry, Outcome};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;

/// Audit entries of history written for each synthetic case (reads by the services taking part).
pub const HISTORY_PER_CASE: usize = 20;

/// Rows per bulk insert.
const CHUNK: usize = 500;

/// The services of case `i`: always two, up to four.
fn services_of(i: usize) -> Vec<&'static str> {
    let mut s = Vec::new();
    if i.is_multiple_of(33) {
        s.push("mellomvik-barnevern");
    }
    if i.is_multiple_of(2) {
        s.push("mellomvik-skole");
    } else {
        s.push("mellomvik-barnehage");
    }
    if i.is_multiple_of(5) {
        s.push("nav-mellomvik");
    }
    if i.is_multiple_of(7) {
        s.push("mellomvik-helsestasjon");
    }
    if s.len() < 2 || i.is_multiple_of(3) {
        s.push("mellomvik-legekontor");
    }
    s.truncate(4);
    s
}

/// A synthetic number for someone born on `birth` that nobody has yet (not the demo's people, not earlier
/// synthetic cases): the first free individnummer with valid check digits. It is taken at once.
fn fnr(birth: NaiveDate, taken: &mut HashSet<String>) -> Result<Fodselsnummer, StoreError> {
    let f = (0..999)
        .filter_map(|i| Fodselsnummer::synthetic(birth, i))
        .find(|f| !taken.contains(f.as_str()))
        .ok_or_else(|| StoreError::Config(format!("no synthetic number left for {birth}")))?;
    taken.insert(f.as_str().to_owned());
    Ok(f)
}

/// Bulk insert in chunks.
async fn insert<A, E>(txn: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), StoreError>
where
    A: sea_orm::ActiveModelTrait<Entity = E> + Clone,
    E: EntityTrait,
{
    for chunk in rows.chunks(CHUNK) {
        E::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    Ok(())
}

/// Adds `n` synthetic cases to the demo municipality (which must be loaded). Returns how many synthetic
/// cases the database then holds. Loading again adds more, numbered after the last.
pub async fn load(store: &Store, n: usize) -> Result<u64, StoreError> {
    let txn = store.conn().begin().await?;
    audit::lock_head(&txn).await?;
    if organisation::Entity::find_by_id("mellomvik".to_owned()).one(&txn).await?.is_none() {
        return Err(StoreError::Config("load the demo municipality first (los demo)".into()));
    }
    // Numbered after the synthetic cases already there (not the demo's own), so case i is `skala-sak-{i}`.
    let first = case::Entity::find().filter(case::Column::Id.starts_with("skala-sak-")).count(&txn).await? as usize;
    let today = Utc::now().date_naive();
    let now = Utc::now();
    let mut taken: HashSet<String> =
        person::Entity::find().all(&txn).await?.into_iter().filter_map(|p| p.fnr).collect();
    let (mut people, mut guardians, mut cases, mut parts) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut consents, mut givers, mut notes, mut plans, mut meetings) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut history = Vec::new();
    for i in first..first + n {
        let (child, parent, case_id) =
            (format!("skala-barn-{i}"), format!("skala-forelder-{i}"), format!("skala-sak-{i}"));
        let birth = today - Duration::days(2 * 365 + (i % 5000) as i64);
        let parent_birth = today - Duration::days(35 * 365 + (i % 5000) as i64);
        for (id, given, born) in [(&child, "Barn", birth), (&parent, "Forelder", parent_birth)] {
            people.push(person::ActiveModel {
                id: Set(id.clone()),
                fnr: Set(Some(fnr(born, &mut taken)?.as_str().to_owned())),
                given_name: Set(given.into()),
                family_name: Set(format!("Skala {i}")),
                birth_date: Set(born),
                protected_address: Set(false),
                registered_kommune: Set("9901".into()),
                address: Set(Some(format!("Skalaveien {i}, 9901 Mellomvik"))),
                expected_due_date: Set(None),
            });
        }
        guardians.push(guardianship::ActiveModel {
            adult_person_id: Set(parent.clone()),
            child_person_id: Set(child.clone()),
            parental_responsibility: Set(true),
            relation: Set("parent".into()),
            access_granted: Set(false),
        });
        cases.push(case::ActiveModel {
            id: Set(case_id.clone()),
            child_person_id: Set(child.clone()),
            title: Set(format!("Samarbeid om barn {i}")),
            opened_at: Set(now - Duration::days((i % 700) as i64)),
            health_private_from_parents: Set(false),
            care_kommune: Set(None),
            placement_kommune: Set(None),
            second_residence_kommune: Set(None),
            local_clarification: Set(None),
            state: Set(CaseState::Open.as_str().into()),
        });
        let services = services_of(i);
        for s in &services {
            parts.push(participation::ActiveModel {
                case_id: Set(case_id.clone()),
                service_id: Set((*s).into()),
                joined_on: Set(today - Duration::days((i % 700) as i64)),
                join_reason: Set("Syntetisk sak".into()),
                left_on: Set(None),
                leave_reason: Set(None),
                ..Default::default()
            });
        }
        let consent_id = format!("skala-samtykke-{i}");
        consents.push(consent::ActiveModel {
            id: Set(consent_id.clone()),
            case_id: Set(case_id.clone()),
            subject_person_id: Set(child.clone()),
            domain: Set("general".into()),
            from_services: Set(services[0].into()),
            to_services: Set(services[1].into()),
            categories: Set("general,education".into()),
            purpose: Set("Samarbeid om tiltak".into()),
            consequences: Set("Tjenestene deler det som trengs".into()),
            form: Set("written".into()),
            recorded_by: Set("barnevern".into()),
            recorded_at: Set(now),
            valid_from: Set(today - Duration::days(30)),
            valid_to: Set(today + Duration::days(300)),
            withdrawn_at: Set(None),
            withdrawn_by: Set(None),
            withdrawal_reason: Set(None),
            renews: Set(None),
            care_order: Set(false),
            measures_directed_at_parents: Set(false),
            both_required: Set(false),
            confirmed_from: Set(services[0].into()),
        });
        givers.push(consent_giver::ActiveModel {
            consent_id: Set(consent_id),
            person_id: Set(Some(parent.clone())),
            capacity: Set("parent".into()),
            age: Set(Some(35)),
            ..Default::default()
        });
        for (k, s) in services.iter().enumerate() {
            notes.push(case_note::ActiveModel {
                id: Set(format!("skala-notat-{i}-{k}")),
                case_id: Set(case_id.clone()),
                service_id: Set((*s).into()),
                category: Set(if k == 0 { "general" } else { "education" }.into()),
                body: Set(format!("Notat {k} i sak {i}: status og videre arbeid.")),
                created_by: Set("barnevern".into()),
                created_at: Set(now - Duration::days(k as i64)),
                supersedes: Set(None),
                open_to_child: Set(false),
            });
        }
        for (k, kind) in ["goal", "measure"].iter().enumerate() {
            plans.push(plan_item::ActiveModel {
                id: Set(format!("skala-plan-{i}-{k}")),
                case_id: Set(case_id.clone()),
                kind: Set((*kind).into()),
                title: Set(format!("{kind} {k} for barn {i}")),
                responsible_service: Set((k == 1).then(|| services[0].to_owned())),
                for_person: Set(None),
                position: Set(k as i32 + 1),
                depends_on: Set(None),
                status: Set("planned".into()),
                measure_type: Set(None),
                release_area: Set(None),
                created_by: Set("barnevern".into()),
                created_at: Set(now - Duration::days(20)),
                supersedes: Set(None),
            });
        }
        meetings.push(meeting::ActiveModel {
            id: Set(format!("skala-mote-{i}")),
            case_id: Set(case_id.clone()),
            series_id: Set(None),
            kind: Set("cooperation".into()),
            starts_at: Set((today + Duration::days(7 + (i % 60) as i64)).and_hms_opt(9, 0, 0).unwrap_or_default()),
            duration_minutes: Set(60),
            place: Set("Rådhuset, møterom 2".into()),
            agenda: Set("Status og plan".into()),
            invited: Set(services.join(",")),
            excluded_by_child: Set(String::new()),
            child_participation: Set("attends".into()),
            arranged_by_service: Set(services[0].into()),
            created_by: Set("barnevern".into()),
            created_at: Set(now),
            cancelled_at: Set(None),
            cancelled_by: Set(None),
            cancel_reason: Set(None),
        });
        for h in 0..HISTORY_PER_CASE {
            let service = services[h % services.len()];
            history.push(NewEntry {
                actor_user_id: Some("barnevern".into()),
                actor_service_id: Some(service.into()),
                action: "read".into(),
                resource_type: "case".into(),
                resource_id: Some(case_id.clone()),
                case_id: Some(case_id.clone()),
                category: Some("overview".into()),
                outcome: Some(Outcome::Allow),
                basis: format!("synthetic history: {service} takes part in {case_id}"),
                ..Default::default()
            });
        }
    }
    insert(&txn, people).await?;
    insert(&txn, guardians).await?;
    insert(&txn, cases).await?;
    insert(&txn, parts).await?;
    insert(&txn, consents).await?;
    insert(&txn, givers).await?;
    insert(&txn, notes).await?;
    insert(&txn, plans).await?;
    insert(&txn, meetings).await?;
    for chunk in history.chunks(CHUNK) {
        audit::append(&txn, store.key(), chunk.to_vec()).await?;
    }
    audit::append(
        &txn,
        store.key(),
        vec![NewEntry {
            action: "demo_scale".into(),
            resource_type: "demo_data".into(),
            basis: format!("{n} synthetic cases added to the demo municipality"),
            ..Default::default()
        }],
    )
    .await?;
    txn.commit().await?;
    Ok((first + n) as u64)
}
