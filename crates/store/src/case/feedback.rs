//! The family's safe feedback channel (spec 01 §8.G item 28): the child, young person or a parent tells the
//! services that something is not working — to the coordinating service, or to another service in the case
//! they would rather tell — and the report is tracked until that service has resolved it.
//!
//! Who may send, read and resolve is the access policy's `Resource::Feedback` rule; every read is audited.

use chrono::{DateTime, Utc};
use los_domain::consent::InfoCategory;
use los_domain::model::User;
use los_policy::{Action, Decision, Resource, authorize};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::audit::{NewEntry, Outcome};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{Loaded, entry, new_id, required};

/// The longest report, in characters.
pub const MAX_FEEDBACK: usize = 4000;

/// A report as its author or its recipient sees it.
#[derive(Debug, Clone, Serialize)]
pub struct FeedbackView {
    pub id: String,
    pub author_person_id: String,
    pub recipient_service: String,
    pub body: String,
    pub sent_at: DateTime<Utc>,
    pub resolution: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// The reports of a case that `actor` may read (the author's own, or those sent to the actor's service),
/// each read recorded in `entries`.
pub(crate) async fn load_feedback(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    actor: &User,
    now: DateTime<Utc>,
    entries: &mut Vec<NewEntry>,
) -> Result<Vec<FeedbackView>, StoreError> {
    let mut out = Vec::new();
    for f in feedback::Entity::find()
        .filter(feedback::Column::CaseId.eq(l.case.id.as_str()))
        .order_by_desc(feedback::Column::SentAt)
        .all(conn)
        .await?
    {
        let d = authorize(
            actor,
            Action::Read,
            &Resource::Feedback {
                case: l.facts(),
                recipient_service: &f.recipient_service,
                author_person_id: &f.author_person_id,
            },
            now,
        );
        let Decision::Allow(b) = d else { continue };
        entries.push(NewEntry {
            actor_user_id: Some(actor.id.clone()),
            actor_service_id: b.via_service.clone(),
            action: "read".into(),
            resource_type: "feedback".into(),
            resource_id: Some(f.id.clone()),
            case_id: Some(l.case.id.clone()),
            category: Some(InfoCategory::General.as_str().into()),
            outcome: Some(Outcome::Allow),
            basis: b.detail,
            ..Default::default()
        });
        out.push(FeedbackView {
            id: f.id,
            author_person_id: f.author_person_id,
            recipient_service: f.recipient_service,
            body: f.body,
            sent_at: f.sent_at,
            resolution: f.resolution,
            resolved_by: f.resolved_by,
            resolved_at: f.resolved_at,
        });
    }
    Ok(out)
}

impl Store {
    /// The child, young person or a parent reports that something is not working. `recipient` is the
    /// service they choose; without one, the report goes to the coordinating service.
    pub async fn send_feedback(
        &self,
        actor: &User,
        case_id: &str,
        recipient: Option<String>,
        body: &str,
    ) -> Result<String, StoreError> {
        required(body, "body", "feedback.empty", "write what is not working")?;
        if body.chars().count() > MAX_FEEDBACK {
            return Err(StoreError::Invalid {
                field: None,
                code: "feedback.too_long",
                message: format!("a report has at most {MAX_FEEDBACK} characters"),
            });
        }
        let (txn, l, now) = self.tx_case(case_id).await?;
        let today = now.date_naive();
        let recipient = match recipient.filter(|r| !r.trim().is_empty()) {
            Some(r) => r,
            None => coordination::Entity::find()
                .filter(coordination::Column::CaseId.eq(case_id))
                .filter(coordination::Column::ValidTo.is_null())
                .one(&txn)
                .await?
                .map(|c| c.service_id)
                .ok_or_else(|| StoreError::Invalid {
                    field: Some("recipient_service"),
                    code: "feedback.no_recipient",
                    message: "nobody coordinates yet: choose the service to tell".into(),
                })?,
        };
        if !l.case.participants.iter().any(|p| p.service_id == recipient && p.active_on(today)) {
            return Err(StoreError::Invalid {
                field: Some("recipient_service"),
                code: "feedback.not_participant",
                message: "choose a service that takes part in the case".into(),
            });
        }
        let author = actor.person_id.clone().unwrap_or_default();
        let d = authorize(
            actor,
            Action::Write,
            &Resource::Feedback { case: l.facts(), recipient_service: &recipient, author_person_id: &author },
            now,
        );
        let id = new_id("melding");
        let mut e = entry(actor, "feedback_send", "feedback", &id, case_id);
        e.category = Some(InfoCategory::General.as_str().into());
        let (_, txn) = self.decide(txn, d, e, Some(InfoCategory::General)).await?;
        feedback::Entity::insert(feedback::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(case_id.into()),
            author_person_id: Set(author),
            author_user_id: Set(actor.id.clone()),
            recipient_service: Set(recipient),
            body: Set(body.trim().into()),
            sent_at: Set(now),
            resolution: Set(None),
            resolved_by: Set(None),
            resolved_at: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// The recipient service records how a report was followed up; the family sees it.
    pub async fn resolve_feedback(
        &self,
        actor: &User,
        case_id: &str,
        feedback_id: &str,
        resolution: &str,
    ) -> Result<(), StoreError> {
        required(resolution, "resolution", "feedback.resolution", "say what was done")?;
        let (txn, l, now) = self.tx_case(case_id).await?;
        let f = feedback::Entity::find_by_id(feedback_id.to_owned())
            .one(&txn)
            .await?
            .filter(|f| f.case_id == case_id)
            .ok_or_else(|| StoreError::NotFound { kind: "report", id: feedback_id.into() })?;
        let d = authorize(
            actor,
            Action::Decide,
            &Resource::Feedback {
                case: l.facts(),
                recipient_service: &f.recipient_service,
                author_person_id: &f.author_person_id,
            },
            now,
        );
        let (_, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "feedback_resolve", "feedback", feedback_id, case_id),
                Some(InfoCategory::General),
            )
            .await?;
        if f.resolved_at.is_some() {
            return Err(StoreError::Invalid {
                field: None,
                code: "feedback.resolved",
                message: "this report is already resolved".into(),
            });
        }
        let mut am: feedback::ActiveModel = f.into();
        am.resolution = Set(Some(resolution.trim().into()));
        am.resolved_by = Set(Some(actor.id.clone()));
        am.resolved_at = Set(Some(now));
        feedback::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }
}
