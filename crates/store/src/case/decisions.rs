//! Sector decisions linked to the case (spec 01 §8.C item 14) and the outcomes the county follow-up service
//! achieved (§8.H item 33). A decision is the deciding service's, made and appealed under its own law; Los
//! only records the link. Granting a new service asks every service to assess the need for cooperation again.

use chrono::{DateTime, NaiveDate, Utc};
use los_domain::consent::InfoCategory;
use los_domain::model::User;
use los_domain::planning::{validate_decision_date, validate_outcome_date};
use los_policy::{Action, Resource, authorize};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::audit::NewEntry;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::shared::may_read_owned;
use crate::tx::{Loaded, entry, new_id, parse_enum, required};

/// A decision made by one service under its own law (a NAV vedtak, a child welfare measure), linked to the
/// case. It is that service's decision, appealed under that service's rules; Los only records the link.
#[derive(Debug, Clone, Serialize)]
pub struct ExternalDecisionView {
    pub id: String,
    pub service_id: String,
    pub title: String,
    pub reference: Option<String>,
    pub decided_on: NaiveDate,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A decision by one service to link to the case.
#[derive(Debug, Clone)]
pub struct NewExternalDecision {
    pub case_id: String,
    pub service_id: String,
    pub title: String,
    pub reference: Option<String>,
    pub decided_on: NaiveDate,
}

/// What the county follow-up service achieved with the young person.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeView {
    pub id: String,
    pub service_id: String,
    pub outcome: los_domain::coordination::FollowUpOutcome,
    pub detail: String,
    pub achieved_on: NaiveDate,
    pub recorded_by: String,
}

/// The external decisions of a case that `actor` may know of, newest first, each read recorded in `entries`.
pub(crate) async fn load_decisions(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    actor: &User,
    now: DateTime<Utc>,
    entries: &mut Vec<NewEntry>,
) -> Result<Vec<ExternalDecisionView>, StoreError> {
    let case_id = l.case.id.as_str();
    // A decision is the deciding service's: others see even that it was made only through a consent or a
    // legal basis covering the fact of a decision (fvl § 13 b), as the policy decides.
    Ok(external_decision::Entity::find()
        .filter(external_decision::Column::CaseId.eq(case_id))
        .order_by_desc(external_decision::Column::DecidedOn)
        .all(conn)
        .await?
        .into_iter()
        .filter(|d| {
            may_read_owned(
                l,
                actor,
                now,
                entries,
                &d.service_id,
                InfoCategory::DecisionFact,
                ("external_decision", &d.id),
            )
        })
        .map(|d| ExternalDecisionView {
            id: d.id,
            service_id: d.service_id,
            title: d.title,
            reference: d.reference,
            decided_on: d.decided_on,
            recorded_by: d.recorded_by,
            recorded_at: d.recorded_at,
        })
        .collect())
}

/// The outcomes recorded in a case that `actor` may read, newest first. They are the follow-up service's
/// information about the young person's education and work, read through the policy and audited.
pub(crate) async fn load_outcomes(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    actor: &User,
    now: DateTime<Utc>,
    entries: &mut Vec<NewEntry>,
) -> Result<Vec<OutcomeView>, StoreError> {
    follow_up_outcome::Entity::find()
        .filter(follow_up_outcome::Column::CaseId.eq(l.case.id.as_str()))
        .order_by_desc(follow_up_outcome::Column::AchievedOn)
        .all(conn)
        .await?
        .into_iter()
        .filter(|o| {
            may_read_owned(l, actor, now, entries, &o.service_id, InfoCategory::Education, ("follow_up_outcome", &o.id))
        })
        .map(|o| {
            Ok(OutcomeView {
                outcome: parse_enum(&o.outcome, los_domain::coordination::FollowUpOutcome::parse, "follow-up outcome")?,
                id: o.id,
                service_id: o.service_id,
                detail: o.detail,
                achieved_on: o.achieved_on,
                recorded_by: o.recorded_by,
            })
        })
        .collect()
}

impl Store {
    /// Links a decision of one service to the case (spec 01 §8.C item 14). Only the deciding service records
    /// it. When a service grants a new service, every service taking part is asked to assess the need for
    /// cooperation again (§8.C item 13, §4.6 scenario A step 3).
    pub async fn record_external_decision(&self, actor: &User, new: NewExternalDecision) -> Result<String, StoreError> {
        required(&new.title, "title", "decision.title", "say what was decided")?;
        let (txn, l, now) = self.tx_case(&new.case_id).await?;
        let d = authorize(
            actor,
            Action::Write,
            &Resource::CaseInfo { case: l.facts(), owner_service: &new.service_id, category: InfoCategory::General },
            now,
        );
        let id = new_id("vedtak");
        let (_, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "external_decision", "external_decision", &id, &new.case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        validate_decision_date(new.decided_on, now.date_naive())?;
        external_decision::Entity::insert(external_decision::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(new.case_id.clone()),
            service_id: Set(new.service_id.clone()),
            title: Set(new.title.trim().into()),
            reference: Set(new.reference.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty())),
            decided_on: Set(new.decided_on),
            recorded_by: Set(actor.id.clone()),
            recorded_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
        self.prompt_reassessment(&txn, &l, &format!("granted|{}", new.service_id), now, None).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// The county follow-up service (OT) records what its follow-up achieved: education, work,
    /// competence-building measures or a combination (spec 01 §8.H item 33).
    pub async fn record_follow_up_outcome(
        &self,
        actor: &User,
        case_id: &str,
        outcome: los_domain::coordination::FollowUpOutcome,
        detail: &str,
        achieved_on: NaiveDate,
    ) -> Result<String, StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let id = new_id("resultat");
        let (basis, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "follow_up_outcome", "follow_up_outcome", &id, case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        let service = Self::acting_service(&basis)?;
        let kind = service::Entity::find_by_id(service.clone()).one(&txn).await?.map(|s| s.service_type);
        if kind.as_deref() != Some(los_domain::coordination::FOLLOW_UP_SERVICE_TYPE) {
            return Err(StoreError::Invalid {
                field: None,
                code: "outcome.not_follow_up_service",
                message: "the county follow-up service (OT) records the outcome of its follow-up".into(),
            });
        }
        validate_outcome_date(achieved_on, now.date_naive())?;
        follow_up_outcome::Entity::insert(follow_up_outcome::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(case_id.into()),
            service_id: Set(service),
            outcome: Set(outcome.as_str().into()),
            detail: Set(detail.trim().into()),
            achieved_on: Set(achieved_on),
            recorded_by: Set(actor.id.clone()),
            recorded_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }
}
