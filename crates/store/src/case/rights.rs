//! Individual-rights screening in a case (spec 01 §8.C item 15): the outcome for each right (individual
//! plan, coordinator, child coordinator), the service and person the case is anchored to when a right is in
//! place, and the history. Recording an appointed child coordinator sets the coordination to them in the
//! same transaction, checked by the same rules as any assignment, and locks it there.
//!
//! The rules are in `los_domain::rights`; this module loads and stores, through the access policy, with an
//! audit record in the same transaction.

use chrono::{DateTime, Utc};
use los_domain::consent::InfoCategory;
use los_domain::coordination::{AssignmentRequest, CoordinationBasis, CoordinationFacts, validate_assignment};
use los_domain::model::User;
use los_domain::rights::{
    CurrentRight, RightKind, ScreeningOutcome, ScreeningRequest, child_coordinator_service, rights_to_screen,
    validate_screening,
};
use los_policy::{Action, Basis, Decision, Resource, authorize};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::audit::{self, NewEntry};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::shared::{
    child_coordinator_now, close_prompts, cooperation_necessary, coordination_now, replace_assignment,
    require_transfer_consent,
};
use crate::tx::{Loaded, entry, new_id, parse_enum, with_decision};

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
    /// The service of an appointed child coordinator, who coordinates.
    pub child_coordinator: Option<String>,
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
    /// Needed when a child coordinator is in place: the appointment decides who coordinates.
    pub child_view: String,
    pub parents_view: String,
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
    current.sort_by_key(|v| v.kind);
    let facts: Vec<CurrentRight> = current
        .iter()
        .map(|v| CurrentRight { kind: v.kind, outcome: v.outcome, service_id: v.service_id.clone() })
        .collect();
    Ok(RightsView {
        to_screen: rights_to_screen(cooperation_necessary, &facts),
        child_coordinator: child_coordinator_service(&facts).map(str::to_owned),
        current,
        history,
    })
}

impl Store {
    /// Records the screening of one right; it supersedes the last screening of that right. An appointed
    /// child coordinator takes over the coordination in the same transaction (pbrl § 2-5 c, hol § 7-2 a).
    pub async fn record_screening(&self, actor: &User, case_id: &str, new: NewScreening) -> Result<String, StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let mut entries = Vec::new();
        // Only what the screening decides on: who coordinates, whether cooperation is necessary, an open
        // dispute, the child coordinator in place.
        let (current, open_dispute) = coordination_now(&txn, case_id).await?;
        let cooperation_necessary = cooperation_necessary(&txn, case_id).await?;
        let child_coordinator = child_coordinator_now(&txn, case_id).await?;
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
        let req = ScreeningRequest {
            kind: new.kind,
            outcome: new.outcome,
            service_id: service_id.as_deref(),
            person: person.as_deref(),
            reasoning: &new.reasoning,
            acting_service: &acting,
            child_view: &new.child_view,
            parents_view: &new.parents_view,
        };
        validate_screening(&req, &l.case.participants, now.date_naive())?;
        if new.outcome == ScreeningOutcome::Requested {
            require_known_service(&txn, service_id.as_deref()).await?;
        }
        let appoints_child_coordinator =
            new.kind == RightKind::ChildCoordinator && new.outcome == ScreeningOutcome::InPlace;
        if appoints_child_coordinator {
            let service = service_id.as_deref().expect("validated: in place names the service");
            let state = CoordinationNow {
                current: current.as_ref().map(|c| (c.0.as_str(), c.1, c.2)),
                cooperation_necessary,
                open_dispute,
            };
            let appointment = Appointment { case_id, service, new: &new, basis: &basis };
            if let Some(e) = self.appoint_child_coordinator(&txn, &l, actor, &appointment, &state, now).await? {
                entries.push(e);
            }
        }
        if new.kind == RightKind::ChildCoordinator && !appoints_child_coordinator && child_coordinator.is_some() {
            // The child coordinator ends: the lock goes, and the services look again at who coordinates.
            self.prompt(&txn, case_id, "review_coordinator", None, "child_coordinator_ended", now).await?;
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
        audit::append(&txn, self.key(), entries).await?;
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

/// Who coordinates when a screening is recorded: the current assignment (service, basis, decided at), whether
/// cooperation is necessary, and whether a dispute is open.
struct CoordinationNow<'a> {
    current: Option<(&'a str, CoordinationBasis, DateTime<Utc>)>,
    cooperation_necessary: bool,
    open_dispute: bool,
}

/// An appointed child coordinator to put in charge of the coordination.
struct Appointment<'a> {
    case_id: &'a str,
    service: &'a str,
    new: &'a NewScreening,
    basis: &'a Basis,
}

impl Store {
    /// An appointed child coordinator takes over the coordination, checked by the same rules as any
    /// assignment (pbrl § 2-5 c, hol § 7-2 a). Returns the audit entry of the assignment, or nothing when the
    /// child coordinator already coordinates.
    async fn appoint_child_coordinator(
        &self,
        txn: &DatabaseTransaction,
        l: &Loaded,
        actor: &User,
        a: &Appointment<'_>,
        state: &CoordinationNow<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<NewEntry>, StoreError> {
        let (case_id, service, new, basis) = (a.case_id, a.service, a.new, a.basis);
        let already = state.current.is_some_and(|(s, b, _)| s == service && b == CoordinationBasis::ChildCoordinator);
        if already {
            return Ok(None);
        }
        // The same rules as any assignment: the child's and parents' views, an active participant, and a
        // consent that lets information go to the new coordinator.
        let request = AssignmentRequest {
            service_id: service,
            basis: CoordinationBasis::ChildCoordinator,
            agreed_by: &[],
            child_view: &new.child_view,
            parents_view: &new.parents_view,
            delegation_ref: None,
        };
        let facts = CoordinationFacts {
            participants: &l.case.participants,
            today: now.date_naive(),
            cooperation_necessary: state.cooperation_necessary,
            child_coordinator_service: Some(service),
            open_dispute: state.open_dispute,
        };
        validate_assignment(&request, facts)?;
        require_transfer_consent(l, state.current.map(|(s, _, at)| (s, at)), service, now)?;
        let assignment = new_id("samordning");
        replace_assignment(
            txn,
            coordination::ActiveModel {
                id: Set(assignment.clone()),
                case_id: Set(case_id.into()),
                service_id: Set(service.into()),
                basis: Set(CoordinationBasis::ChildCoordinator.as_str().into()),
                agreed_by: Set(String::new()),
                decided_by: Set(actor.id.clone()),
                decided_role: Set(basis.role.map(|r| r.as_str().to_owned())),
                delegation_ref: Set(None),
                child_view: Set(new.child_view.trim().into()),
                parents_view: Set(new.parents_view.trim().into()),
                reasons: Set(new.reasoning.trim().into()),
                decided_at: Set(now),
                valid_from: Set(now.date_naive()),
                valid_to: Set(None),
                communicated_at: Set(None),
                communicated_how: Set(None),
                dispute_id: Set(None),
            },
        )
        .await?;
        close_prompts(txn, case_id, "review_coordinator", None, actor, now).await?;
        // The assignment is its own audited write, on the same basis as the screening.
        Ok(Some(with_decision(
            entry(actor, "coordinator_assign", "coordination", &assignment, case_id),
            &Decision::Allow(basis.clone()),
            Some(InfoCategory::Overview),
        )))
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
