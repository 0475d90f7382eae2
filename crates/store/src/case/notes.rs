//! The services' own records in a case (notes): each owned by one service, read through the policy note by
//! note, every read audited; a new version supersedes the old one, which is kept.

use chrono::{DateTime, Utc};
use los_domain::consent::InfoCategory;
use los_domain::model::{Note, User};
use los_policy::{Action, Basis, Decision, Resource, authorize};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::audit::NewEntry;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{Loaded, entry, new_id, parse_enum, with_decision};

/// A new note, or a new version of one (`supersedes`).
#[derive(Debug, Clone)]
pub struct NewNote {
    pub case_id: String,
    /// The owning service, one of the writer's.
    pub service_id: String,
    pub category: InfoCategory,
    pub body: String,
    pub supersedes: Option<String>,
    /// Open the record to the child or young person it is about, where the law leaves that to the service.
    pub open_to_child: bool,
}

/// The notes of a case `actor` may read, each with its basis and each read recorded in `entries`, and how
/// many exist that the actor may not read. Superseded versions are not shown.
pub(crate) async fn load_notes(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    actor: &User,
    now: DateTime<Utc>,
    services: &[service::Model],
    entries: &mut Vec<NewEntry>,
) -> Result<(Vec<(Note, Basis)>, usize), StoreError> {
    let case_id = l.case.id.as_str();
    let note_rows = case_note::Entity::find()
        .filter(case_note::Column::CaseId.eq(case_id))
        .order_by_desc(case_note::Column::CreatedAt)
        .all(conn)
        .await?;
    let superseded: Vec<String> = note_rows.iter().filter_map(|n| n.supersedes.clone()).collect();
    let mut notes = Vec::new();
    let mut hidden = 0;
    for n in note_rows.into_iter().filter(|n| !superseded.contains(&n.id)) {
        let category = parse_enum(&n.category, InfoCategory::parse, "category")?;
        let d = authorize(
            actor,
            Action::Read,
            &Resource::CaseRecord {
                case: l.facts(),
                owner_service: &n.service_id,
                category,
                open_to_child: n.open_to_child,
            },
            now,
        );
        match d {
            Decision::Allow(b) => {
                entries.push(with_decision(
                    entry(actor, "read", "note", &n.id, case_id),
                    &Decision::Allow(b.clone()),
                    Some(category),
                ));
                let service_name = services
                    .iter()
                    .find(|s| s.id == n.service_id)
                    .map_or_else(|| n.service_id.clone(), |s| s.name.clone());
                notes.push((
                    Note {
                        id: n.id,
                        case_id: n.case_id,
                        service_id: n.service_id,
                        service_name,
                        category,
                        body: n.body,
                        created_by: n.created_by,
                        created_at: n.created_at,
                        supersedes: n.supersedes,
                        open_to_child: n.open_to_child,
                    },
                    b,
                ));
            }
            Decision::Deny(_) => hidden += 1,
        }
    }
    Ok((notes, hidden))
}

impl Store {
    /// Adds a note (or a new version of one) owned by its service. Only that service may write it.
    pub async fn add_note(&self, actor: &User, new: NewNote) -> Result<String, StoreError> {
        let NewNote { case_id, service_id, category, body, supersedes, open_to_child } = new;
        let (case_id, service_id, supersedes) = (case_id.as_str(), service_id.as_str(), supersedes.as_deref());
        let body = body.trim();
        if body.is_empty() {
            return Err(StoreError::Invalid { field: None, code: "note.empty", message: "the note is empty".into() });
        }
        if body.chars().count() > 10_000 {
            return Err(StoreError::Invalid {
                field: None,
                code: "note.too_long",
                message: "a note holds at most 10 000 characters".into(),
            });
        }
        if category == InfoCategory::Overview {
            return Err(StoreError::Invalid {
                field: None,
                code: "note.category",
                message: "choose the kind of information the note holds".into(),
            });
        }
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, case_id, now).await?;
        let d = authorize(
            actor,
            Action::Write,
            &Resource::CaseInfo { case: l.facts(), owner_service: service_id, category },
            now,
        );
        let id = new_id("notat");
        let (_, txn) = self.decide(txn, d, entry(actor, "create", "note", &id, case_id), Some(category)).await?;
        if !l.case.participants.iter().any(|p| p.service_id == service_id && p.active_on(now.date_naive())) {
            return Err(StoreError::Invalid {
                field: None,
                code: "note.not_participant",
                message: format!("service {service_id} does not take part in the case"),
            });
        }
        if let Some(old) = supersedes {
            let prev = case_note::Entity::find_by_id(old.to_owned()).one(&txn).await?;
            if !prev.is_some_and(|p| p.case_id == case_id && p.service_id == service_id) {
                return Err(StoreError::Invalid {
                    field: None,
                    code: "note.supersedes",
                    message: format!("note {old} is not this service's note in this case"),
                });
            }
        }
        case_note::Entity::insert(case_note::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(case_id.to_owned()),
            service_id: Set(service_id.to_owned()),
            category: Set(category.as_str().to_owned()),
            body: Set(body.to_owned()),
            created_by: Set(actor.id.clone()),
            created_at: Set(now),
            supersedes: Set(supersedes.map(str::to_owned)),
            open_to_child: Set(open_to_child),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }
}
