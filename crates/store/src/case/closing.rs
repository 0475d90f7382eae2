//! Closing a case (issue 11): a service proposes closing with a reason, and the case is `closing` while the
//! services are told and wind down; another service confirms it; the family ends the cooperation; a service
//! reopens it. Each act goes through the audited transaction and the access policy; the rules are
//! `los_domain::closing`. When the last service leaves, the participants slice closes the case in the same
//! transaction (`tx::shared::close_if_nobody_left`). A closed case keeps every participation as history, and the
//! services that took part when it stopped being open keep reading it (the policy's `former_participant`).

use chrono::{DateTime, Utc};
use los_domain::closing::{CaseState, Change, ClosingError, ClosingReason, Event, may_end_cooperation, transition};
use los_domain::consent::{ConsentDomain, ConsentSituation, InfoCategory, regimes};
use los_domain::model::{Sector, User, UserKind};
use los_policy::{Action, Resource, authorize};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::shared::{change_state, closing_situation as situation};
use crate::tx::{Loaded, entry, parse_enum};

/// A service's act on the state of a case.
#[derive(Debug, Clone, Copy)]
pub enum StateAct<'a> {
    /// Propose closing, with a reason.
    Propose { reason: ClosingReason, text: &'a str },
    /// Close: confirm a proposal (its reason when none is given), or close directly where the rules allow.
    Close { reason: Option<ClosingReason>, text: &'a str },
    /// Reopen a closed case, or keep a closing one open.
    Reopen { text: &'a str },
}

impl StateAct<'_> {
    fn audit_action(self) -> &'static str {
        match self {
            StateAct::Propose { .. } => "case_propose_closing",
            StateAct::Close { .. } => "case_close",
            StateAct::Reopen { .. } => "case_reopen",
        }
    }
}

/// The consent regimes the information of the services taking part falls under: health, child welfare, or
/// the general rules (`consent::regimes` over their sectors).
async fn case_regimes(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    now: DateTime<Utc>,
) -> Result<Vec<ConsentDomain>, StoreError> {
    let ids: Vec<String> = l.case.active_service_ids(now.date_naive()).into_iter().map(str::to_owned).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let services = service::Entity::find().filter(service::Column::Id.is_in(ids)).all(conn).await?;
    let types = service_type::Entity::find().all(conn).await?;
    let sectors = services
        .iter()
        .filter_map(|s| types.iter().find(|t| t.code == s.service_type))
        .map(|t| parse_enum(&t.sector, Sector::parse, "sector"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(regimes(ConsentDomain::General, &[InfoCategory::General], &sectors))
}

/// May `actor`, a family member, end the cooperation now: is their consent one the cooperation needs
/// (`closing::may_end_cooperation`)? A care order recorded with a live consent of the case counts.
/// (Whether there is still a cooperation to end is the state's rule, not this one.)
pub(crate) async fn may_end(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    actor: &User,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let Some(person) = actor.person_id.as_deref().filter(|_| actor.kind == UserKind::Citizen) else {
        return Ok(false);
    };
    let is_child = person == l.case.child_person_id;
    let responsible = l.guardianships.iter().any(|g| {
        g.adult_person_id == person
            && g.child_person_id == l.case.child_person_id
            && g.relation == los_domain::model::Relation::Parent
            && g.parental_responsibility
    });
    if !is_child && !responsible {
        return Ok(false);
    }
    let care_order = consent::Entity::find()
        .filter(consent::Column::CaseId.eq(l.case.id.as_str()))
        .filter(consent::Column::WithdrawnAt.is_null())
        .filter(consent::Column::CareOrder.eq(true))
        .one(conn)
        .await?
        .is_some();
    let situation = ConsentSituation {
        domain: ConsentDomain::General,
        child_age: l.child_age,
        care_order,
        measures_directed_at_parents: false,
        both_required: false,
    };
    Ok(may_end_cooperation(is_child, responsible, situation, &case_regimes(conn, l, now).await?))
}

impl Store {
    /// A service's act on the state of a case: propose closing, close, or reopen. Proposing and closing are
    /// writes to the case by a service taking part; reopening is the policy's `CaseReopening` (a service
    /// taking part, or one that took part when the case stopped being open), which brings the reopening
    /// service back into the case. Every act, allowed or refused, is in the audit log.
    pub async fn change_case_state(&self, actor: &User, case_id: &str, act: StateAct<'_>) -> Result<(), StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let resource = match act {
            StateAct::Reopen { .. } => Resource::CaseReopening { case: l.facts() },
            _ => Resource::Case(l.facts()),
        };
        let d = authorize(actor, Action::Write, &resource, now);
        let e = entry(actor, act.audit_action(), "case", case_id, case_id);
        let (basis, txn) = self.decide(txn, d, e, Some(InfoCategory::Overview)).await?;
        let service = Self::acting_service(&basis)?;
        let today = now.date_naive();
        let active = l.case.active_service_ids(today);
        let event = match act {
            StateAct::Propose { reason, text } => Event::ProposeClosing { service: &service, reason, text },
            StateAct::Close { reason, text } => Event::Close { service: &service, reason, text },
            StateAct::Reopen { text } => Event::Reopen { text },
        };
        let change = transition(&situation(&l, &active), event)?;
        change_state(&txn, &l, &change, Some(&service), actor, now).await?;
        if change.to == CaseState::Open && !active.contains(&service.as_str()) {
            rejoin(&txn, case_id, &service, &change, now).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// The family ends the cooperation: the case closes at once with `family_ended_cooperation`. A parent
    /// with parental responsibility or the young person, where their consent is one the cooperation needs
    /// (policy `CooperationEnd`); an employee of a service taking part records it when the family tells
    /// them, saying who and how.
    pub async fn end_cooperation(&self, actor: &User, case_id: &str, text: &str) -> Result<(), StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let entitled = may_end(&txn, &l, actor, now).await?;
        let d = authorize(actor, Action::Write, &Resource::CooperationEnd { case: l.facts(), entitled }, now);
        let e = entry(actor, "cooperation_end", "case", case_id, case_id);
        let (basis, txn) = self.decide(txn, d, e, Some(InfoCategory::Overview)).await?;
        if actor.kind == UserKind::Employee && text.trim().is_empty() {
            return Err(ClosingError::TextMissing.into());
        }
        let active = l.case.active_service_ids(now.date_naive());
        let change = transition(&situation(&l, &active), Event::FamilyEnds { text })?;
        change_state(&txn, &l, &change, basis.via_service.as_deref(), actor, now).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// The reopening service takes part again from today, with the reason as its reason to join. The other
/// services join again as any service does (step 3, with a consent or a legal basis).
async fn rejoin(
    txn: &DatabaseTransaction,
    case_id: &str,
    service: &str,
    change: &Change,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use sea_orm::ActiveValue::Set;
    participation::Entity::insert(participation::ActiveModel {
        case_id: Set(case_id.into()),
        service_id: Set(service.into()),
        joined_on: Set(now.date_naive()),
        join_reason: Set(change.text.clone()),
        left_on: Set(None),
        leave_reason: Set(None),
        ..Default::default()
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}
