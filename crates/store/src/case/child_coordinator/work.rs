//! The child coordinator's work (spec 02 §1.12): the start-up conversation and expectations agreement the
//! family sees, the continuous coordination journal (with its GDPR basis), requirements to a municipal service
//! to cooperate better under the delegation decision, and escalation through the line.

use los_domain::child_coordinator::work::{
    EscalateTo, TaskLetter, validate_instruction, validate_startup, validate_text,
};
use los_domain::model::User;
use los_policy::ChildCoordinationStep;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::writes::Begun;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::shared::service_owner;
use crate::tx::{new_id, parse_enum};

/// The start-up conversation: the family's answers to the four key questions, the expectations agreed and
/// how they will keep in touch.
#[derive(Debug, Clone)]
pub struct NewStartup {
    pub important: String,
    pub good_life: String,
    pub good_offer: String,
    pub needs: String,
    pub expectations: String,
    pub contact: String,
}

/// A journal entry: which task it serves and whether it is within the role (related to the child's
/// condition or the extra strain on the family, S-23).
#[derive(Debug, Clone)]
pub struct NewJournal {
    pub task: TaskLetter,
    pub in_scope: bool,
    pub text: String,
}

/// A requirement to a municipal service to cooperate or coordinate better (S-12).
#[derive(Debug, Clone)]
pub struct NewInstruction {
    pub target_service_id: String,
    pub text: String,
}

/// An escalation through the line (S-13), with a possible breach of a service's duty to cooperate.
#[derive(Debug, Clone)]
pub struct NewEscalation {
    pub to: EscalateTo,
    pub target_service_id: Option<String>,
    pub possible_breach: bool,
    pub text: String,
}

/// One piece of the coordinator's work, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct CcWorkView {
    pub id: String,
    /// startup | journal | instruction | escalation
    pub kind: String,
    pub text: String,
    /// The four answers of the start-up conversation, in the order of the key questions.
    pub answers: Vec<String>,
    pub contact: Option<String>,
    pub task: Option<TaskLetter>,
    pub in_scope: Option<bool>,
    pub target_service_id: Option<String>,
    pub escalate_to: Option<EscalateTo>,
    pub possible_breach: Option<bool>,
    pub delegation_id: Option<String>,
    pub recorded_by: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

pub(super) async fn load_work(
    conn: &impl ConnectionTrait,
    case_id: &str,
    family: bool,
) -> Result<Vec<CcWorkView>, StoreError> {
    cc_work::Entity::find()
        .filter(cc_work::Column::CaseId.eq(case_id))
        .order_by_desc(cc_work::Column::RecordedAt)
        .all(conn)
        .await?
        .into_iter()
        // The family sees the start-up conversation and the journal; requirements and escalations between
        // services are the services' (they are shown to the family through their outcome).
        .filter(|w| !family || matches!(w.kind.as_str(), "startup" | "journal"))
        .map(|w| {
            Ok(CcWorkView {
                task: w.task.as_deref().map(|t| parse_enum(t, TaskLetter::parse, "task")).transpose()?,
                escalate_to: w
                    .escalate_to
                    .as_deref()
                    .map(|t| parse_enum(t, EscalateTo::parse, "escalation"))
                    .transpose()?,
                answers: [w.important, w.good_life, w.good_offer, w.needs].into_iter().flatten().collect(),
                id: w.id,
                kind: w.kind,
                text: w.text,
                contact: w.contact,
                in_scope: w.in_scope,
                target_service_id: w.target_service_id,
                possible_breach: w.possible_breach,
                delegation_id: w.delegation_id,
                recorded_by: w.recorded_by,
                recorded_at: w.recorded_at,
            })
        })
        .collect()
}

fn row(b: &Begun, id: &str, case_id: &str, actor: &User, kind: &str, text: &str) -> cc_work::ActiveModel {
    cc_work::ActiveModel {
        id: Set(id.to_owned()),
        case_id: Set(case_id.into()),
        kind: Set(kind.into()),
        text: Set(text.trim().into()),
        important: Set(None),
        good_life: Set(None),
        good_offer: Set(None),
        needs: Set(None),
        contact: Set(None),
        task: Set(None),
        in_scope: Set(None),
        target_service_id: Set(None),
        escalate_to: Set(None),
        possible_breach: Set(None),
        delegation_id: Set(None),
        recorded_by: Set(actor.id.clone()),
        recorded_at: Set(b.now),
    }
}

impl Store {
    /// Records the start-up conversation and the expectations agreement (the family sees it).
    pub async fn record_startup(&self, actor: &User, case_id: &str, new: NewStartup) -> Result<String, StoreError> {
        let id = new_id("bkoppstart");
        let b = self.cc_begin(actor, case_id, ChildCoordinationStep::Work, "child_coordinator_startup", &id).await?;
        validate_startup(&[&new.important, &new.good_life, &new.good_offer, &new.needs], &new.expectations)?;
        let mut am = row(&b, &id, case_id, actor, "startup", &new.expectations);
        am.important = Set(Some(new.important.trim().into()));
        am.good_life = Set(Some(new.good_life.trim().into()));
        am.good_offer = Set(Some(new.good_offer.trim().into()));
        am.needs = Set(Some(new.needs.trim().into()));
        am.contact = Set(Some(new.contact.trim().into()).filter(|c: &String| !c.is_empty()));
        cc_work::Entity::insert(am).exec_without_returning(&b.txn).await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// A journal entry of the coordination work (fortløpende dokumentasjon).
    pub async fn record_journal(&self, actor: &User, case_id: &str, new: NewJournal) -> Result<String, StoreError> {
        let id = new_id("bkjournal");
        let b = self.cc_begin(actor, case_id, ChildCoordinationStep::Work, "child_coordinator_journal", &id).await?;
        validate_text(&new.text)?;
        let mut am = row(&b, &id, case_id, actor, "journal", &new.text);
        am.task = Set(Some(new.task.as_str().into()));
        am.in_scope = Set(Some(new.in_scope));
        cc_work::Entity::insert(am).exec_without_returning(&b.txn).await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// Requires a municipal service to cooperate or coordinate better, under the delegation decision it
    /// refers to (never towards county, state or specialist services: escalate instead).
    pub async fn require_cooperation(
        &self,
        actor: &User,
        case_id: &str,
        new: NewInstruction,
    ) -> Result<String, StoreError> {
        let id = new_id("bkpalegg");
        let b =
            self.cc_begin(actor, case_id, ChildCoordinationStep::Work, "child_coordinator_instruction", &id).await?;
        let owner = service_owner(&b.txn, &new.target_service_id, "target_service_id").await?;
        let delegation = match &b.settings {
            Some(s) => {
                cc_delegation::Entity::find()
                    .filter(cc_delegation::Column::OrganisationId.eq(s.organisation_id.as_str()))
                    .order_by_desc(cc_delegation::Column::DecidedOn)
                    .one(&b.txn)
                    .await?
            }
            None => None,
        };
        validate_instruction(owner, delegation.is_some(), &new.text)?;
        let mut am = row(&b, &id, case_id, actor, "instruction", &new.text);
        am.target_service_id = Set(Some(new.target_service_id));
        am.delegation_id = Set(delegation.map(|d| d.id));
        cc_work::Entity::insert(am).exec_without_returning(&b.txn).await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// Escalates through the line: to the coordinator's line manager or the coordinating unit.
    pub async fn escalate(&self, actor: &User, case_id: &str, new: NewEscalation) -> Result<String, StoreError> {
        let id = new_id("bkeskalering");
        let b = self.cc_begin(actor, case_id, ChildCoordinationStep::Work, "child_coordinator_escalation", &id).await?;
        validate_text(&new.text)?;
        if let Some(t) = &new.target_service_id {
            service_owner(&b.txn, t, "target_service_id").await?;
        }
        let mut am = row(&b, &id, case_id, actor, "escalation", &new.text);
        am.escalate_to = Set(Some(new.to.as_str().into()));
        am.target_service_id = Set(new.target_service_id);
        am.possible_breach = Set(Some(new.possible_breach));
        cc_work::Entity::insert(am).exec_without_returning(&b.txn).await?;
        b.txn.commit().await?;
        Ok(id)
    }
}
