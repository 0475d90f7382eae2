//! Individual-rights screening in a case (spec 01 §8.C item 15): the outcome for the individual plan and the
//! coordinator, the service and person the case is anchored to when a right is in place, and the history
//! (with the child-coordinator screenings recorded before issue 12, which now has its own process in
//! `child_coordinator`).
//!
//! The rules are in `los_domain::rights`; this module loads and stores, through the access policy, with an
//! audit record in the same transaction.

use chrono::{DateTime, Utc};
use los_domain::child_coordinator::decision::one_coordinator;
use los_domain::consent::InfoCategory;
use los_domain::model::{OwnerType, User};
use los_domain::rights::{
    CurrentRight, RightKind, ScreeningOutcome, ScreeningRequest, rights_to_screen, validate_screening,
};
use los_policy::{Action, Resource, authorize};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::shared::{child_coordinator_now, handover_planned};
use crate::tx::{entry, new_id, parse_enum};

/// One screening of a right, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct ScreeningView {
    pub id: String,
    pub kind: RightKind,
    pub outcome: ScreeningOutcome,
    pub service_id: Option<String>,
    pub service_name: Option<String>,
    pub person: Option<String>,
    pub reference: Option<String>,
    pub reasoning: String,
    pub assessed_by: String,
    pub assessed_by_service: String,
    pub assessed_at: DateTime<Utc>,
    pub superseded_at: Option<DateTime<Utc>>,
    /// Where the right is written.
    pub legal_basis: &'static [&'static str],
}

/// The rights part of a case: overview information, which the family sees too.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RightsView {
    /// The current screening of each right that has one.
    pub current: Vec<ScreeningView>,
    /// Earlier screenings, newest first.
    pub history: Vec<ScreeningView>,
    /// Rights not yet screened although a service has found cooperation necessary: the prompt.
    pub to_screen: Vec<RightKind>,
}

/// A screening to record.
#[derive(Debug, Clone)]
pub struct NewScreening {
    pub kind: RightKind,
    pub outcome: ScreeningOutcome,
    pub service_id: Option<String>,
    pub person: Option<String>,
    pub reference: Option<String>,
    pub reasoning: String,
}

fn trimmed(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Loads the screenings of a case. The caller has already been allowed to read the case overview.
pub(crate) async fn load_rights(
    conn: &impl ConnectionTrait,
    case_id: &str,
    services: &[service::Model],
    cooperation_necessary: bool,
) -> Result<RightsView, StoreError> {
    let rows = rights_screening::Entity::find()
        .filter(rights_screening::Column::CaseId.eq(case_id))
        .order_by_desc(rights_screening::Column::AssessedAt)
        .all(conn)
        .await?;
    let mut current = Vec::new();
    let mut history = Vec::new();
    for r in rows {
        let kind = parse_enum(&r.kind, RightKind::parse, "right")?;
        let v = ScreeningView {
            outcome: parse_enum(&r.outcome, ScreeningOutcome::parse, "screening outcome")?,
            service_name: r
                .service_id
                .as_ref()
                .map(|id| services.iter().find(|s| &s.id == id).map_or_else(|| id.clone(), |s| s.name.clone())),
            id: r.id,
            kind,
            service_id: r.service_id,
            person: r.person,
            reference: r.reference,
            reasoning: r.reasoning,
            assessed_by: r.assessed_by,
            assessed_by_service: r.assessed_by_service,
            assessed_at: r.assessed_at,
            superseded_at: r.superseded_at,
            legal_basis: kind.legal_basis(),
        };
        if v.superseded_at.is_none() { current.push(v) } else { history.push(v) }
    }
    // The child's individual plan is its own object (issue 13): while one is open it is the current state of
    // that right, held by the service with the main responsibility.
    if let Some(plan) = plan_in_place(conn, case_id, services).await? {
        history.extend(current.iter().filter(|v| v.kind == RightKind::IndividualPlan).cloned());
        current.retain(|v| v.kind != RightKind::IndividualPlan);
        current.push(plan);
    }
    current.sort_by_key(|v| v.kind);
    let facts: Vec<CurrentRight> = current
        .iter()
        .map(|v| CurrentRight { kind: v.kind, outcome: v.outcome, service_id: v.service_id.clone() })
        .collect();
    Ok(RightsView { to_screen: rights_to_screen(cooperation_necessary, &facts), current, history })
}

/// The case's open individual plan as the current state of the right to one.
async fn plan_in_place(
    conn: &impl ConnectionTrait,
    case_id: &str,
    services: &[service::Model],
) -> Result<Option<ScreeningView>, StoreError> {
    let Some(plan) = ip_plan::Entity::find()
        .filter(ip_plan::Column::CaseId.eq(case_id))
        .filter(ip_plan::Column::EndedAt.is_null())
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let holder = ip_responsibility::Entity::find()
        .filter(ip_responsibility::Column::PlanId.eq(plan.id.as_str()))
        .filter(ip_responsibility::Column::UntilAt.is_null())
        .one(conn)
        .await?;
    let service_id = holder.as_ref().map(|h| h.service_id.clone());
    Ok(Some(ScreeningView {
        id: plan.id.clone(),
        kind: RightKind::IndividualPlan,
        outcome: ScreeningOutcome::InPlace,
        service_name: service_id
            .as_ref()
            .map(|id| services.iter().find(|s| &s.id == id).map_or_else(|| id.clone(), |s| s.name.clone())),
        service_id,
        person: None,
        reference: None,
        reasoning: holder.map(|h| h.reasoning).unwrap_or_default(),
        assessed_by: plan.started_by,
        assessed_by_service: plan.started_by_service,
        assessed_at: plan.started_at,
        superseded_at: None,
        legal_basis: RightKind::IndividualPlan.legal_basis(),
    }))
}

impl Store {
    /// Records the screening of one right; it supersedes the last screening of that right. Only the
    /// service holding a right in place records a change to it; an ordinary municipal coordinator is not
    /// recorded while a child coordinator is in force, unless the handover at 18 is planned (one municipal
    /// coordinator, spec 02 §1.5).
    pub async fn record_screening(&self, actor: &User, case_id: &str, new: NewScreening) -> Result<String, StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let id = new_id("rettighet");
        let (basis, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "rights_screening", "rights_screening", &id, case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        let service_id = trimmed(new.service_id.clone());
        let person = trimmed(new.person.clone());
        // The service the actor acts for: the named one when they work there, else the one the policy found.
        let acting = match &service_id {
            Some(s) if actor.memberships.iter().any(|m| m.service_id.as_deref() == Some(s.as_str())) => s.clone(),
            _ => Self::acting_service(&basis)?,
        };
        let held_by = rights_screening::Entity::find()
            .filter(rights_screening::Column::CaseId.eq(case_id))
            .filter(rights_screening::Column::Kind.eq(new.kind.as_str()))
            .filter(rights_screening::Column::SupersededAt.is_null())
            .filter(rights_screening::Column::Outcome.eq(ScreeningOutcome::InPlace.as_str()))
            .one(&txn)
            .await?
            .and_then(|r| r.service_id);
        let req = ScreeningRequest {
            kind: new.kind,
            outcome: new.outcome,
            service_id: service_id.as_deref(),
            person: person.as_deref(),
            reasoning: &new.reasoning,
            acting_service: &acting,
            held_by: held_by.as_deref(),
            plan_open: crate::case::individual_plan::open_plan(&txn, &l.child.id).await?.is_some(),
        };
        validate_screening(&req, &l.case.participants, now.date_naive())?;
        if new.outcome == ScreeningOutcome::Requested {
            require_known_service(&txn, service_id.as_deref()).await?;
        }
        let municipal = l
            .case
            .participants
            .iter()
            .any(|p| Some(p.service_id.as_str()) == service_id.as_deref() && p.owner_type == OwnerType::Municipal);
        if new.kind == RightKind::Coordinator
            && new.outcome == ScreeningOutcome::InPlace
            && municipal
            && child_coordinator_now(&txn, case_id, &l.child, now.date_naive()).await?.is_some()
            && !handover_planned(&txn, case_id).await?
        {
            return Err(one_coordinator().into());
        }
        let row = rights_screening::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(case_id.into()),
            kind: Set(new.kind.as_str().into()),
            outcome: Set(new.outcome.as_str().into()),
            service_id: Set(service_id),
            person: Set(person),
            reference: Set(trimmed(new.reference)),
            reasoning: Set(new.reasoning.trim().into()),
            assessed_by: Set(actor.id.clone()),
            assessed_by_service: Set(acting),
            assessed_at: Set(now),
            superseded_at: Set(None),
        };
        supersede_and_insert(&txn, case_id, new.kind, row, now).await?;
        txn.commit().await?;
        Ok(id)
    }
}

/// A right asked for at a service must name one in the directory.
async fn require_known_service(txn: &DatabaseTransaction, service_id: Option<&str>) -> Result<(), StoreError> {
    match service_id {
        Some(s) if service::Entity::find_by_id(s.to_owned()).one(txn).await?.is_none() => Err(StoreError::Invalid {
            field: Some("service_id"),
            code: "rights.unknown_service",
            message: format!("{s} is not in the service directory"),
        }),
        _ => Ok(()),
    }
}

/// Supersedes the current screening of the right and inserts the new one.
async fn supersede_and_insert(
    txn: &DatabaseTransaction,
    case_id: &str,
    kind: RightKind,
    row: rights_screening::ActiveModel,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for old in rights_screening::Entity::find()
        .filter(rights_screening::Column::CaseId.eq(case_id))
        .filter(rights_screening::Column::Kind.eq(kind.as_str()))
        .filter(rights_screening::Column::SupersededAt.is_null())
        .all(txn)
        .await?
    {
        let mut am: rights_screening::ActiveModel = old.into();
        am.superseded_at = Set(Some(now));
        rights_screening::Entity::update(am).exec(txn).await?;
    }
    rights_screening::Entity::insert(row).exec_without_returning(txn).await?;
    Ok(())
}
