//! The shared cooperation plan (spec 01 §4.3, §8.F item 22 f): goals and measures, each measure owned by its
//! responsible service, with their order and dependencies checked; every change is a new version, so the
//! plan keeps its history (spec 01 §4.6 scenario A: plans can be revised).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use los_domain::consent::InfoCategory;
use los_domain::coordination::ReleaseArea;
use los_domain::model::User;
use los_domain::planning::{PlanNode, PlanStatus, may_take, validate_plan};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::shared::{ByCase, by_case, plan_write};
use crate::tx::{entry, new_id, parse_enum, required};

/// A goal or a measure in the shared cooperation plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanItem {
    pub id: String,
    /// `goal` or `measure`.
    pub kind: String,
    pub title: String,
    pub responsible_service: Option<String>,
    pub for_person: Option<String>,
    pub position: i32,
    pub depends_on: Option<String>,
    pub status: String,
    /// `help` or `control` (youth plans).
    pub measure_type: Option<String>,
    /// The area of the transition plan after a sentence this measure covers, if it is part of it.
    pub release_area: Option<ReleaseArea>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// Earlier versions of this item (newest first): the plan's history.
    pub history: Vec<(String, String, DateTime<Utc>)>,
    /// The ids of the earlier versions, so that a dependency on any version finds this item.
    pub history_ids: Vec<String>,
}

/// A new goal or measure in the plan.
#[derive(Debug, Clone)]
pub struct NewPlanItem {
    pub case_id: String,
    pub kind: String,
    pub title: String,
    pub responsible_service: Option<String>,
    pub for_person: Option<String>,
    /// The place in the plan's order; `None` puts it last.
    pub position: Option<i32>,
    pub depends_on: Option<String>,
    pub measure_type: Option<String>,
    /// Part of the transition plan after the sentence, covering this area.
    pub release_area: Option<ReleaseArea>,
}

/// A revision of a goal or measure: a new version; the old one is kept in the plan's history.
#[derive(Debug, Clone)]
pub struct PlanRevision {
    pub title: String,
    pub for_person: Option<String>,
    pub position: i32,
    pub depends_on: Option<String>,
}

/// The plan of a case: the current version of each item with its history, goals first, then by position.
pub(crate) async fn load_plan(conn: &impl ConnectionTrait, case_id: &str) -> Result<Vec<PlanItem>, StoreError> {
    let items = plan_item::Entity::find()
        .filter(plan_item::Column::CaseId.eq(case_id))
        .order_by_desc(plan_item::Column::CreatedAt)
        .all(conn)
        .await?;
    let superseded: Vec<&str> = items.iter().filter_map(|i| i.supersedes.as_deref()).collect();
    let mut plan: Vec<PlanItem> = items
        .iter()
        .filter(|i| !superseded.contains(&i.id.as_str()))
        .map(|i| {
            let mut history = Vec::new();
            let mut history_ids = Vec::new();
            let mut prev = i.supersedes.clone();
            while let Some(p) = prev {
                match items.iter().find(|x| x.id == p) {
                    Some(x) => {
                        history_ids.push(x.id.clone());
                        history.push((x.status.clone(), x.created_by.clone(), x.created_at));
                        prev = x.supersedes.clone();
                    }
                    None => break,
                }
            }
            PlanItem {
                id: i.id.clone(),
                kind: i.kind.clone(),
                title: i.title.clone(),
                responsible_service: i.responsible_service.clone(),
                for_person: i.for_person.clone(),
                position: i.position,
                depends_on: i.depends_on.clone(),
                status: i.status.clone(),
                measure_type: i.measure_type.clone(),
                release_area: i.release_area.as_deref().and_then(ReleaseArea::parse),
                created_by: i.created_by.clone(),
                created_at: i.created_at,
                history,
                history_ids,
            }
        })
        .collect();
    plan.sort_by_key(|p| (p.kind != "goal", p.position));
    Ok(plan)
}

/// The current version of every plan item of a case, with a map from any version's id to the current id.
pub(crate) async fn current_plan(
    conn: &impl ConnectionTrait,
    case_id: &str,
) -> Result<(Vec<plan_item::Model>, HashMap<String, String>), StoreError> {
    let items = plan_item::Entity::find().filter(plan_item::Column::CaseId.eq(case_id)).all(conn).await?;
    Ok(current_versions(&items))
}

/// Every version of the plan items of many cases, for `current_versions` to pick each case's current plan.
pub(crate) async fn plan_items_of(
    conn: &impl ConnectionTrait,
    ids: &[String],
) -> Result<ByCase<plan_item::Model>, StoreError> {
    by_case(conn, ids, |ids| plan_item::Entity::find().filter(plan_item::Column::CaseId.is_in(ids)), |i| &i.case_id)
        .await
}

/// The current version of every item among the versions of one case's plan `items`, with a map from any
/// version's id to the current id.
pub(crate) fn current_versions(items: &[plan_item::Model]) -> (Vec<plan_item::Model>, HashMap<String, String>) {
    let superseded: HashSet<&str> = items.iter().filter_map(|i| i.supersedes.as_deref()).collect();
    let mut latest = HashMap::new();
    for i in items.iter().filter(|i| !superseded.contains(i.id.as_str())) {
        let mut cur = Some(i.id.clone());
        while let Some(c) = cur {
            latest.insert(c.clone(), i.id.clone());
            cur = items.iter().find(|x| x.id == c).and_then(|x| x.supersedes.clone());
        }
    }
    let current = items.iter().filter(|i| !superseded.contains(i.id.as_str())).cloned().collect();
    (current, latest)
}

/// Checks the order of the plan with one item added or replaced (`replacing` is the id it replaces).
fn check_plan(
    current: &[plan_item::Model],
    latest: &HashMap<String, String>,
    candidate: (&str, i32, Option<&str>),
    replacing: Option<&str>,
) -> Result<(), StoreError> {
    let resolve = |d: &str| latest.get(d).map(String::as_str).unwrap_or(d).to_owned();
    let deps: Vec<(String, i32, Option<String>)> = current
        .iter()
        .filter(|i| Some(i.id.as_str()) != replacing)
        .map(|i| (i.id.clone(), i.position, i.depends_on.as_deref().map(resolve)))
        .chain(std::iter::once((candidate.0.to_owned(), candidate.1, candidate.2.map(resolve))))
        .map(|(id, pos, dep)| {
            // A dependency on the replaced item now points at the candidate.
            let dep = dep.map(|d| if Some(d.as_str()) == replacing { candidate.0.to_owned() } else { d });
            (id, pos, dep)
        })
        .collect();
    let nodes: Vec<PlanNode<'_>> = deps
        .iter()
        .map(|(id, position, dep)| PlanNode { id, position: *position, depends_on: dep.as_deref() })
        .collect();
    validate_plan(&nodes).map_err(StoreError::from)
}

/// Whether a measure may take `status`: it may not start before what it waits for has started.
fn check_start(
    current: &[plan_item::Model],
    latest: &HashMap<String, String>,
    item: &plan_item::Model,
    status: PlanStatus,
) -> Result<(), StoreError> {
    if !status.is_under_way() {
        return Ok(());
    }
    let dep = item.depends_on.as_deref().map(|d| latest.get(d).map(String::as_str).unwrap_or(d));
    let dep_status = dep
        .and_then(|d| current.iter().find(|i| i.id == d))
        .map(|i| parse_enum(&i.status, PlanStatus::parse, "plan status"))
        .transpose()?;
    Ok(may_take(status, dep_status)?)
}

impl Store {
    /// Adds a goal or a measure to the shared plan. Only the responsible service may add its measure.
    pub async fn add_plan_item(&self, actor: &User, new: NewPlanItem) -> Result<String, StoreError> {
        required(&new.title, "title", "plan.title", "the goal or measure needs a text")?;
        if !matches!(new.kind.as_str(), "goal" | "measure") {
            return Err(StoreError::Invalid {
                field: Some("kind"),
                code: "plan.kind",
                message: "a plan item is a goal or a measure".into(),
            });
        }
        if new.kind == "measure" && new.responsible_service.is_none() {
            return Err(StoreError::Invalid {
                field: Some("responsible_service"),
                code: "plan.responsible",
                message: "every measure needs a responsible service".into(),
            });
        }
        if let Some(t) = &new.measure_type
            && !matches!(t.as_str(), "help" | "control")
        {
            return Err(StoreError::Invalid {
                field: Some("measure_type"),
                code: "plan.measure_type",
                message: "a measure is a help or a control measure".into(),
            });
        }
        let (txn, l, now) = self.tx_case(&new.case_id).await?;
        if new.release_area.is_some() {
            let has_sentence = sentence::Entity::find()
                .filter(sentence::Column::CaseId.eq(new.case_id.as_str()))
                .one(&txn)
                .await?
                .is_some();
            los_domain::coordination::validate_release_area(&new.kind, new.release_area, has_sentence)?;
        }
        let d = plan_write(actor, &l, new.responsible_service.as_deref(), now);
        let id = new_id("plan");
        let (_, txn) = self
            .decide(txn, d, entry(actor, "plan_add", "plan_item", &id, &new.case_id), Some(InfoCategory::Overview))
            .await?;
        let (current, latest) = current_plan(&txn, &new.case_id).await?;
        let position = new.position.unwrap_or_else(|| current.iter().map(|i| i.position).max().unwrap_or(0) + 1);
        check_plan(&current, &latest, (&id, position, new.depends_on.as_deref()), None)?;
        plan_item::Entity::insert(plan_item::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(new.case_id),
            kind: Set(new.kind),
            title: Set(new.title.trim().into()),
            responsible_service: Set(new.responsible_service),
            for_person: Set(new.for_person),
            position: Set(position),
            depends_on: Set(new.depends_on),
            status: Set(PlanStatus::Planned.as_str().into()),
            measure_type: Set(new.measure_type),
            release_area: Set(new.release_area.map(|a| a.as_str().to_owned())),
            created_by: Set(actor.id.clone()),
            created_at: Set(now),
            supersedes: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Changes a measure's status as a new version (the plan's history is kept).
    pub async fn set_plan_status(
        &self,
        actor: &User,
        case_id: &str,
        item_id: &str,
        status: &str,
    ) -> Result<String, StoreError> {
        let status = PlanStatus::parse_input(status)?;
        let (txn, l, now) = self.tx_case(case_id).await?;
        let old = plan_item::Entity::find_by_id(item_id.to_owned())
            .one(&txn)
            .await?
            .filter(|i| i.case_id == case_id)
            .ok_or_else(|| StoreError::NotFound { kind: "plan item", id: item_id.into() })?;
        let d = plan_write(actor, &l, old.responsible_service.as_deref(), now);
        let id = new_id("plan");
        let (_, txn) = self
            .decide(txn, d, entry(actor, "plan_status", "plan_item", &id, case_id), Some(InfoCategory::Overview))
            .await?;
        let (current, latest) = current_plan(&txn, case_id).await?;
        if !current.iter().any(|i| i.id == old.id) {
            return Err(StoreError::Invalid {
                field: None,
                code: "plan.stale",
                message: "this version has been changed since: reload the case and try again".into(),
            });
        }
        check_start(&current, &latest, &old, status)?;
        plan_item::Entity::insert(plan_item::ActiveModel {
            id: Set(id.clone()),
            status: Set(status.as_str().into()),
            created_by: Set(actor.id.clone()),
            created_at: Set(now),
            supersedes: Set(Some(old.id.clone())),
            case_id: Set(old.case_id),
            kind: Set(old.kind),
            title: Set(old.title),
            responsible_service: Set(old.responsible_service),
            for_person: Set(old.for_person),
            position: Set(old.position),
            depends_on: Set(old.depends_on),
            measure_type: Set(old.measure_type),
            release_area: Set(old.release_area),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Revises a goal or measure as a new version (spec 01 §4.6 scenario A: plans can be revised). The
    /// responsible service revises its own measures; the order and dependencies are checked.
    pub async fn revise_plan_item(
        &self,
        actor: &User,
        case_id: &str,
        item_id: &str,
        rev: PlanRevision,
    ) -> Result<String, StoreError> {
        required(&rev.title, "title", "plan.title", "the goal or measure needs a text")?;
        let (txn, l, now) = self.tx_case(case_id).await?;
        let (current, latest) = current_plan(&txn, case_id).await?;
        let old = current
            .iter()
            .find(|i| i.id == item_id)
            .cloned()
            .ok_or_else(|| StoreError::NotFound { kind: "plan item (current version)", id: item_id.into() })?;
        let d = plan_write(actor, &l, old.responsible_service.as_deref(), now);
        let id = new_id("plan");
        let (_, txn) = self
            .decide(txn, d, entry(actor, "plan_revise", "plan_item", &id, case_id), Some(InfoCategory::Overview))
            .await?;
        check_plan(&current, &latest, (&id, rev.position, rev.depends_on.as_deref()), Some(&old.id))?;
        plan_item::Entity::insert(plan_item::ActiveModel {
            id: Set(id.clone()),
            title: Set(rev.title.trim().into()),
            for_person: Set(rev.for_person),
            position: Set(rev.position),
            depends_on: Set(rev.depends_on),
            created_by: Set(actor.id.clone()),
            created_at: Set(now),
            supersedes: Set(Some(old.id)),
            case_id: Set(old.case_id),
            kind: Set(old.kind),
            status: Set(old.status),
            responsible_service: Set(old.responsible_service),
            measure_type: Set(old.measure_type),
            release_area: Set(old.release_area),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }
}
