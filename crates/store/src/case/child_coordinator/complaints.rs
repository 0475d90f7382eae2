//! Complaints about the child coordinator (spec 02 §1.11): registered by the family in Los or by the unit
//! from a letter or a call, reviewed or forwarded to statsforvalteren, decided, and the outcome applied to
//! the matter.

use chrono::NaiveDate;
use los_domain::child_coordinator::ChildCoordinatorError;
use los_domain::child_coordinator::complaint::{
    ComplaintKind, ComplaintOutcome, ComplaintState, ComplaintStep, effect, in_time, validate_complaint,
};
use los_domain::model::{User, UserKind};
use los_policy::ChildCoordinationStep;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::writes::last_decision;
use super::{CcComplaintStepView, CcComplaintView, advance, matter, state_of};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{new_id, parse_enum, required};

/// A complaint to register.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    pub kind: ComplaintKind,
    pub text: String,
    /// When the municipality received it (a letter may come days before it is registered); today if not given.
    pub received_on: Option<NaiveDate>,
    /// written | oral, when the unit registers a complaint it received.
    pub channel: Option<String>,
}

/// A step in a complaint's handling: review | forward | decide | implement, with the outcome when deciding.
#[derive(Debug, Clone)]
pub struct NewComplaintStep {
    pub step: String,
    pub outcome: Option<ComplaintOutcome>,
    pub note: String,
}

impl Store {
    /// Registers a complaint about a refusal, a change, a termination, non-fulfilment, or no ordinary
    /// coordinator after 18. A late complaint is registered and marked late: statsforvalteren may accept it.
    pub async fn complain_child_coordinator(
        &self,
        actor: &User,
        case_id: &str,
        new: NewComplaint,
    ) -> Result<String, StoreError> {
        let id = new_id("bkklage");
        let by_family = actor.kind == UserKind::Citizen;
        let step = if by_family { ChildCoordinationStep::FamilyAct } else { ChildCoordinationStep::Manage };
        let b = self.cc_begin(actor, case_id, step, "child_coordinator_complaint", &id).await?;
        let today = b.now.date_naive();
        let channel = if by_family {
            "digital".to_owned()
        } else {
            match new.channel.as_deref() {
                Some(c @ ("written" | "oral")) => c.to_owned(),
                _ => {
                    return Err(ChildCoordinatorError::new(
                        "child_coordinator.channel",
                        Some("channel"),
                        "say whether the complaint came in writing or orally",
                    )
                    .into());
                }
            }
        };
        let received_on = if by_family { today } else { new.received_on.unwrap_or(today) };
        if received_on > today || received_on < today - chrono::Days::new(730) {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.received_on",
                Some("received_on"),
                "the day the complaint was received is today or within the last two years",
            )
            .into());
        }
        let state = state_of(matter(&b.txn, case_id).await?.as_ref())?;
        let decision = last_decision(&b.txn, case_id, new.kind).await?;
        validate_complaint(new.kind, decision.as_ref().map(|d| d.1), state, &new.text)?;
        cc_complaint::Entity::insert(cc_complaint::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(case_id.into()),
            kind: Set(new.kind.as_str().into()),
            in_time: Set(in_time(new.kind, decision.as_ref().map(|d| d.2), received_on)),
            decision_id: Set(decision.map(|d| d.0)),
            text: Set(new.text.trim().into()),
            received_on: Set(received_on),
            channel: Set(channel),
            complainant_person_id: Set(if by_family { actor.person_id.clone() } else { None }),
            registered_by: Set(actor.id.clone()),
            registered_at: Set(b.now),
            state: Set(ComplaintState::Submitted.as_str().into()),
            outcome: Set(None),
            updated_at: Set(b.now),
        })
        .exec_without_returning(&b.txn)
        .await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// A step in a complaint's handling; applying the outcome moves the matter (a refusal overturned
    /// grants the right, one sent back is assessed again).
    pub async fn step_child_coordinator_complaint(
        &self,
        actor: &User,
        case_id: &str,
        complaint_id: &str,
        new: NewComplaintStep,
    ) -> Result<String, StoreError> {
        let id = new_id("bkklagesteg");
        let b = self
            .cc_begin(actor, case_id, ChildCoordinationStep::Manage, "child_coordinator_complaint_step", &id)
            .await?;
        let c = cc_complaint::Entity::find_by_id(complaint_id.to_owned())
            .one(&b.txn)
            .await?
            .filter(|c| c.case_id == case_id)
            .ok_or_else(|| StoreError::NotFound { kind: "complaint", id: complaint_id.to_owned() })?;
        let step = match (new.step.as_str(), new.outcome) {
            ("review", _) => ComplaintStep::Review,
            ("forward", _) => ComplaintStep::Forward,
            ("decide", Some(o)) => ComplaintStep::Decide(o),
            ("implement", _) => ComplaintStep::Implement,
            ("decide", None) => {
                return Err(ChildCoordinatorError::new(
                    "child_coordinator.outcome",
                    Some("outcome"),
                    "give the outcome of the complaint",
                )
                .into());
            }
            _ => {
                return Err(ChildCoordinatorError::new(
                    "child_coordinator.complaint_step",
                    Some("step"),
                    "choose the step: review, forward, decide or implement",
                )
                .into());
            }
        };
        required(&new.note, "note", "child_coordinator.note", "say what was done")?;
        let state = parse_enum(&c.state, ComplaintState::parse, "complaint state")?;
        let next = state.after(step)?;
        let kind = parse_enum(&c.kind, ComplaintKind::parse, "complaint kind")?;
        let outcome = match step {
            ComplaintStep::Decide(o) => Some(o),
            _ => c.outcome.as_deref().map(|o| parse_enum(o, ComplaintOutcome::parse, "outcome")).transpose()?,
        };
        if step == ComplaintStep::Implement
            && let Some(event) = outcome.and_then(|o| effect(kind, o))
        {
            advance(&b.txn, case_id, event, b.now, |_| {}).await?;
        }
        let mut am: cc_complaint::ActiveModel = c.into();
        am.state = Set(next.as_str().into());
        am.outcome = Set(outcome.map(|o| o.as_str().to_owned()));
        am.updated_at = Set(b.now);
        cc_complaint::Entity::update(am).exec(&b.txn).await?;
        cc_complaint_step::Entity::insert(cc_complaint_step::ActiveModel {
            id: Set(id.clone()),
            complaint_id: Set(complaint_id.into()),
            case_id: Set(case_id.into()),
            step: Set(new.step),
            outcome: Set(match step {
                ComplaintStep::Decide(o) => Some(o.as_str().to_owned()),
                _ => None,
            }),
            note: Set(new.note.trim().into()),
            recorded_by: Set(actor.id.clone()),
            recorded_at: Set(b.now),
        })
        .exec_without_returning(&b.txn)
        .await?;
        b.txn.commit().await?;
        Ok(id)
    }
}

pub(super) async fn load_complaints(
    conn: &impl ConnectionTrait,
    case_id: &str,
) -> Result<Vec<CcComplaintView>, StoreError> {
    let steps = cc_complaint_step::Entity::find()
        .filter(cc_complaint_step::Column::CaseId.eq(case_id))
        .order_by_asc(cc_complaint_step::Column::RecordedAt)
        .all(conn)
        .await?;
    cc_complaint::Entity::find()
        .filter(cc_complaint::Column::CaseId.eq(case_id))
        .order_by_desc(cc_complaint::Column::RegisteredAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|c| {
            Ok(CcComplaintView {
                kind: parse_enum(&c.kind, ComplaintKind::parse, "complaint kind")?,
                state: parse_enum(&c.state, ComplaintState::parse, "complaint state")?,
                outcome: c.outcome.as_deref().map(|o| parse_enum(o, ComplaintOutcome::parse, "outcome")).transpose()?,
                steps: steps
                    .iter()
                    .filter(|s| s.complaint_id == c.id)
                    .map(|s| {
                        Ok(CcComplaintStepView {
                            step: s.step.clone(),
                            outcome: s
                                .outcome
                                .as_deref()
                                .map(|o| parse_enum(o, ComplaintOutcome::parse, "outcome"))
                                .transpose()?,
                            note: s.note.clone(),
                            recorded_by: s.recorded_by.clone(),
                            recorded_at: s.recorded_at,
                        })
                    })
                    .collect::<Result<_, StoreError>>()?,
                id: c.id,
                decision_id: c.decision_id,
                text: c.text,
                received_on: c.received_on,
                in_time: c.in_time,
                channel: c.channel,
                registered_by: c.registered_by,
            })
        })
        .collect()
}
