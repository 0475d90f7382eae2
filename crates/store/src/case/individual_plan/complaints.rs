//! Complaints about the individual plan (IP-forskriften § 11): registered by the family in Los or by the
//! service with the main responsibility, by the route the plan's bases open, and tracked to their outcome.

use chrono::NaiveDate;
use los_domain::consent::GiverCapacity;
use los_domain::individual_plan::IpComplaintRoute;
use los_domain::individual_plan::complaint::{
    ComplainantCapacity, ComplaintFacts, ComplaintOutcome, ComplaintState, deadline, step, validate_complaint,
};
use los_domain::individual_plan::complaint_routes;
use los_domain::model::{User, UserKind};
use los_policy::IndividualPlanStep;
use sea_orm::{ActiveValue::Set, EntityTrait};

use super::citizen_capacity;
use super::writes::no_plan;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{new_id, parse_enum};

/// A complaint about the plan.
#[derive(Debug, Clone)]
pub struct NewIpComplaint {
    pub route: IpComplaintRoute,
    /// For a complaint the service records: in which capacity the person complained. A family member's own
    /// complaint in Los takes their capacity.
    pub capacity: Option<ComplainantCapacity>,
    pub description: String,
    pub received_on: Option<NaiveDate>,
    /// When the complainant learned of what they complain about (the deadline runs from it); the day it
    /// came in when not given.
    pub known_on: Option<NaiveDate>,
}

/// A step of a complaint.
#[derive(Debug, Clone)]
pub struct NewIpComplaintStep {
    pub state: ComplaintState,
    pub outcome: Option<ComplaintOutcome>,
    pub text: String,
}

impl Store {
    /// Registers a complaint about the plan by the route its bases open, checking who may complain at the
    /// child's age; a family member complains in Los themselves, or the responsible service records it.
    pub async fn register_individual_plan_complaint(
        &self,
        actor: &User,
        case_id: &str,
        new: NewIpComplaint,
    ) -> Result<String, StoreError> {
        let id = new_id("ipklage");
        let by_family = actor.kind == UserKind::Citizen;
        let step = if by_family { IndividualPlanStep::FamilyAct } else { IndividualPlanStep::Manage };
        let b = self.ip_begin(actor, case_id, "ip_complaint", &id, step).await?;
        let rows = b.rows.as_ref().ok_or_else(no_plan)?;
        let today = b.now.date_naive();
        let capacity = if by_family {
            match citizen_capacity(&b.l, actor) {
                Some(GiverCapacity::Child) => ComplainantCapacity::Child,
                _ => ComplainantCapacity::Parent,
            }
        } else {
            new.capacity.ok_or(StoreError::Invalid {
                field: Some("capacity"),
                code: "ip.complaint_capacity",
                message: "say whether the child or a parent complains".into(),
            })?
        };
        let received_on = if by_family { today } else { new.received_on.unwrap_or(today) };
        let facts = ComplaintFacts {
            route: new.route,
            capacity,
            child_age: b.l.child.age_on(today),
            care_order: rows.plan.care_order,
            description: &new.description,
            received_on,
        };
        validate_complaint(&complaint_routes(&rows.current_bases()?), &facts, today)?;
        let known_on = new.known_on.filter(|k| *k <= received_on).unwrap_or(received_on);
        ip_complaint::Entity::insert(ip_complaint::ActiveModel {
            id: Set(id.clone()),
            plan_id: Set(rows.plan.id.clone()),
            route: Set(new.route.as_str().into()),
            capacity: Set(capacity.as_str().into()),
            complainant_person_id: Set(if by_family { actor.person_id.clone() } else { None }),
            description: Set(new.description.trim().into()),
            received_on: Set(received_on),
            deadline: Set(deadline(known_on, new.route.default_deadline_days())),
            state: Set(ComplaintState::Received.as_str().into()),
            outcome: Set(None),
            outcome_text: Set(None),
            recorded_by: Set(actor.id.clone()),
            recorded_at: Set(b.now),
            updated_at: Set(b.now),
        })
        .exec_without_returning(&b.txn)
        .await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// Moves a complaint on: sent to the complaint body, decided with its outcome, or withdrawn.
    pub async fn step_individual_plan_complaint(
        &self,
        actor: &User,
        case_id: &str,
        complaint_id: &str,
        new: NewIpComplaintStep,
    ) -> Result<(), StoreError> {
        let b = self.ip_begin(actor, case_id, "ip_complaint_step", complaint_id, IndividualPlanStep::Manage).await?;
        let rows = b.rows.as_ref().ok_or_else(no_plan)?;
        let c = ip_complaint::Entity::find_by_id(complaint_id.to_owned())
            .one(&b.txn)
            .await?
            .filter(|c| c.plan_id == rows.plan.id)
            .ok_or_else(|| StoreError::NotFound { kind: "complaint", id: complaint_id.into() })?;
        let from = parse_enum(&c.state, ComplaintState::parse, "complaint state")?;
        step(from, new.state, new.outcome)?;
        let mut am: ip_complaint::ActiveModel = c.into();
        am.state = Set(new.state.as_str().into());
        if new.state == ComplaintState::Decided {
            am.outcome = Set(new.outcome.map(|o| o.as_str().to_owned()));
        }
        am.outcome_text = Set(Some(new.text.trim().to_owned()).filter(|t| !t.is_empty()));
        am.updated_at = Set(b.now);
        ip_complaint::Entity::update(am).exec(&b.txn).await?;
        b.txn.commit().await?;
        Ok(())
    }
}
