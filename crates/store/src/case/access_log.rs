//! The family's access log: who read or changed what in their own and their children's cases, from which
//! service, on which basis (as Helsenorge shows hospital access logs). One line per access and case: an
//! access that read a case's overview, notes and address is one line naming those categories.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use los_domain::model::{User, UserKind};
use los_policy::{Action, Decision, DenyReason, Resource, authorize};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use crate::audit::{NewEntry, Outcome};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::load_many;

/// One line of a family's access log: one access to one case.
#[derive(Debug, Clone, Serialize)]
pub struct AccessLogLine {
    pub at: DateTime<Utc>,
    pub case_id: String,
    /// Who read or tried to: an employee's name, the reader themselves, or `None` for another citizen, whose
    /// name a family's log never shows.
    pub who: Option<String>,
    pub service: Option<String>,
    pub role: Option<String>,
    pub action: String,
    /// The main information category of the access.
    pub category: Option<String>,
    /// Every information category the access read in this case, the main one first.
    pub categories: Vec<String>,
    pub outcome: String,
    pub basis: String,
    /// The child of this case has a protected address the reader may not know: who read it, from which
    /// service and on which basis (all of which can name where the child is) are left out.
    pub location_hidden: bool,
}

/// Which page of the access log: newest first, `limit` lines from `offset`.
#[derive(Debug, Clone, Copy)]
pub struct LogPage {
    pub offset: u64,
    pub limit: u64,
}

impl LogPage {
    /// The most lines one page holds.
    pub const MAX: u64 = 500;
}

impl Default for LogPage {
    fn default() -> Self {
        LogPage { offset: 0, limit: 100 }
    }
}

/// One page of a family's access log, and how many lines it has in all.
#[derive(Debug, Clone, Serialize)]
pub struct AccessLog {
    pub lines: Vec<AccessLogLine>,
    pub total: u64,
}

impl Store {
    /// The access log of a citizen's own and their children's cases, newest first, a page at a time.
    pub async fn access_log_for(&self, actor: &User, page: LogPage) -> Result<AccessLog, StoreError> {
        let now = Utc::now();
        let txn = self.begin_read().await?;
        if actor.kind != UserKind::Citizen {
            return self.refuse_access_log(txn, actor).await;
        }
        let (case_ids, shielded) = family_cases(&txn, actor, now).await?;
        let refs = audit_case::Entity::find().filter(audit_case::Column::CaseId.is_in(case_ids.clone()));
        let (total, refs) = if case_ids.is_empty() {
            (0, Vec::new())
        } else {
            let total = refs.clone().count(&txn).await?;
            let page = refs
                .order_by_desc(audit_case::Column::Seq)
                .order_by_asc(audit_case::Column::CaseId)
                .offset(page.offset)
                .limit(page.limit.clamp(1, LogPage::MAX))
                .all(&txn)
                .await?;
            (total, page)
        };
        // Of each entry only who, when and what: the case rows above carry what it did in each case.
        let seqs: Vec<i64> = refs.iter().map(|r| r.seq).collect();
        let heads: HashMap<i64, Head> = audit_entry::Entity::find()
            .select_only()
            .columns([
                audit_entry::Column::Seq,
                audit_entry::Column::At,
                audit_entry::Column::ActorUserId,
                audit_entry::Column::Action,
            ])
            .filter(audit_entry::Column::Seq.is_in(seqs))
            .into_tuple::<Head>()
            .all(&txn)
            .await?
            .into_iter()
            .map(|h| (h.0, h))
            .collect();
        let names = Names::load(&txn, actor, heads.values(), &refs).await?;
        let lines = refs
            .into_iter()
            .filter_map(|r| heads.get(&r.seq).map(|h| (h, r)))
            .map(|(h, r)| {
                let hidden = shielded.contains(&r.case_id);
                names.line(h, r, hidden)
            })
            .collect();
        txn.commit().await?;
        self.record_reads(vec![NewEntry {
            actor_user_id: Some(actor.id.clone()),
            action: "read".into(),
            resource_type: "access_log".into(),
            resource_id: actor.person_id.clone(),
            outcome: Some(Outcome::Allow),
            basis: format!("{} reads the access log of their family's cases ({})", actor.id, case_ids.join(", ")),
            ..Default::default()
        }])
        .await?;
        Ok(AccessLog { lines, total })
    }

    /// The access log is the family's: anyone else is refused, and the refusal is itself recorded.
    async fn refuse_access_log<T>(&self, txn: DatabaseTransaction, actor: &User) -> Result<T, StoreError> {
        let d = Decision::Deny(DenyReason {
            code: "citizens_only",
            detail: "the access log is the family's view of their own cases".into(),
        });
        let e = NewEntry {
            actor_user_id: Some(actor.id.clone()),
            action: "read".into(),
            resource_type: "access_log".into(),
            ..Default::default()
        };
        self.decide_read(txn, d, e, None, &mut Vec::new()).await?;
        Err(StoreError::Integrity("a denial returns an error".into()))
    }
}

/// The family's cases the citizen may read (their own and their children's), and those of them whose
/// location the citizen may not know.
async fn family_cases(
    txn: &DatabaseTransaction,
    actor: &User,
    now: DateTime<Utc>,
) -> Result<(Vec<String>, Vec<String>), StoreError> {
    let person = actor.person_id.clone().unwrap_or_default();
    let children = guardianship::Entity::find()
        .filter(guardianship::Column::AdultPersonId.eq(person.clone()))
        .all(txn)
        .await?
        .into_iter()
        .map(|g| g.child_person_id)
        .chain([person]);
    let rows = case::Entity::find().filter(case::Column::ChildPersonId.is_in(children)).all(txn).await?;
    let (mut case_ids, mut shielded) = (Vec::new(), Vec::new());
    for l in load_many(txn, rows, now).await? {
        if authorize(actor, Action::Read, &Resource::Case(l.facts()), now).is_allow() {
            if !l.location(actor, now).is_allow() {
                shielded.push(l.case.id.clone());
            }
            case_ids.push(l.case.id);
        }
    }
    Ok((case_ids, shielded))
}

/// Of an entry, what a log line needs beside its case row: seq, time, reader, action.
type Head = (i64, DateTime<Utc>, Option<String>, String);

/// The names a family's log shows: users and services.
struct Names<'a> {
    actor: &'a User,
    users: HashMap<String, user::Model>,
    services: HashMap<String, String>,
}

impl<'a> Names<'a> {
    /// The names of the readers and services on the page, and no others.
    async fn load(
        txn: &DatabaseTransaction,
        actor: &'a User,
        heads: impl Iterator<Item = &Head>,
        refs: &[audit_case::Model],
    ) -> Result<Self, StoreError> {
        let mut user_ids: Vec<String> = heads.filter_map(|h| h.2.clone()).collect();
        let mut service_ids: Vec<String> = refs.iter().filter_map(|r| r.service_id.clone()).collect();
        user_ids.sort();
        user_ids.dedup();
        service_ids.sort();
        service_ids.dedup();
        let users = user::Entity::find()
            .filter(user::Column::Id.is_in(user_ids))
            .all(txn)
            .await?
            .into_iter()
            .map(|u| (u.id.clone(), u))
            .collect();
        let services = service::Entity::find()
            .filter(service::Column::Id.is_in(service_ids))
            .all(txn)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        Ok(Names { actor, users, services })
    }

    /// Another citizen: their name, and the basis that would identify them, stay out of a family's log.
    fn other_citizen(&self, id: Option<&str>) -> bool {
        id.is_some_and(|id| id != self.actor.id && self.users.get(id).is_some_and(|u| u.kind == "citizen"))
    }

    fn line(&self, h: &Head, r: audit_case::Model, hidden: bool) -> AccessLogLine {
        let (_, at, reader, action) = h;
        let reader = reader.as_deref();
        let withheld = hidden || self.other_citizen(reader);
        let categories: Vec<String> = r.categories.split(',').filter(|c| !c.is_empty()).map(str::to_owned).collect();
        AccessLogLine {
            at: *at,
            who: match reader {
                Some(id) if id == self.actor.id => Some(self.actor.display_name.clone()),
                _ if withheld => None,
                Some(id) => Some(self.users.get(id).map_or_else(|| id.to_owned(), |u| u.display_name.clone())),
                None => Some("Los".into()),
            },
            service: r.service_id.filter(|_| !hidden).map(|id| self.services.get(&id).cloned().unwrap_or(id)),
            role: r.role.filter(|_| !hidden),
            action: action.clone(),
            category: categories.first().cloned(),
            categories,
            outcome: r.outcome,
            basis: if withheld { String::new() } else { r.basis },
            location_hidden: hidden,
            case_id: r.case_id,
        }
    }
}
