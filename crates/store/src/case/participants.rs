//! Who takes part in a case (spec 01 §4.2): step 1, mapping which other services are involved; step 3, a
//! service taking part contacts another, which joins — refused unless a valid consent or a recorded legal
//! exception from the duty of confidentiality covers the contact; a service leaving, with date and reason —
//! the last one to leave closes the case.

use los_domain::consent::InfoCategory;
use los_domain::coordination::MappingSource;
use los_domain::model::User;
use los_policy::{Action, Resource, authorize};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{entry, new_id, required};

/// The step-1 mappings of a case, newest first: (service, other services, source, guidance).
pub(crate) async fn load_mappings(
    conn: &impl ConnectionTrait,
    case_id: &str,
) -> Result<Vec<(String, String, String, Option<String>)>, StoreError> {
    Ok(step_mapping::Entity::find()
        .filter(step_mapping::Column::CaseId.eq(case_id))
        .order_by_desc(step_mapping::Column::RecordedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.service_id, m.other_services, m.source, m.guidance))
        .collect())
}

impl Store {
    /// Step 3: a service taking part contacts another service, which joins the case. Refused unless a
    /// valid consent or a recorded legal exception covers the contact (spec 01 §4.2).
    pub async fn add_participant(
        &self,
        actor: &User,
        case_id: &str,
        target: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        required(reason, "reason", "participant.reason", "give the reason the service joins")?;
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let (basis, txn) = self
            .decide(txn, d, entry(actor, "participant_add", "service", target, case_id), Some(InfoCategory::Overview))
            .await?;
        let from = Self::acting_service(&basis)?;
        self.admit_service(&txn, &l, actor, &from, target, reason, now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A service leaves the case, with date and reason. Only that service records it.
    pub async fn end_participation(
        &self,
        actor: &User,
        case_id: &str,
        service_id: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        required(reason, "reason", "participant.reason", "give the reason the service leaves")?;
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(
            actor,
            Action::Write,
            &Resource::CaseInfo { case: l.facts(), owner_service: service_id, category: InfoCategory::General },
            now,
        );
        let (_, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "participant_leave", "service", service_id, case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        let row = participation::Entity::find()
            .filter(participation::Column::CaseId.eq(case_id))
            .filter(participation::Column::ServiceId.eq(service_id))
            .filter(participation::Column::LeftOn.is_null())
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::Invalid {
                field: None,
                code: "participant.not_active",
                message: "the service does not take part".into(),
            })?;
        let mut am: participation::ActiveModel = row.into();
        am.left_on = Set(Some(now.date_naive()));
        am.leave_reason = Set(Some(reason.trim().into()));
        participation::Entity::update(am).exec(&txn).await?;
        // A coordinator that leaves stops coordinating: the services must clarify who takes over.
        if let Some(c) = coordination::Entity::find()
            .filter(coordination::Column::CaseId.eq(case_id))
            .filter(coordination::Column::ValidTo.is_null())
            .filter(coordination::Column::ServiceId.eq(service_id))
            .one(&txn)
            .await?
        {
            let mut am: coordination::ActiveModel = c.into();
            am.valid_to = Set(Some(now.date_naive()));
            coordination::Entity::update(am).exec(&txn).await?;
            self.prompt(&txn, case_id, "review_coordinator", None, &format!("coordinator_left|{service_id}"), now)
                .await?;
        }
        let mut rest = l;
        rest.case.participants.retain(|p| p.service_id != service_id);
        self.prompt_reassessment(&txn, &rest, &format!("left|{service_id}|{}", reason.trim()), now, None).await?;
        // The last service to leave closes the case (issue 11).
        self.close_if_nobody_left(&txn, &rest, actor, service_id, now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Step 1: which other services are involved, and where that came from; guidance given when a need has
    /// no service.
    pub async fn record_mapping(
        &self,
        actor: &User,
        case_id: &str,
        other_services: &str,
        source: MappingSource,
        guidance: Option<&str>,
    ) -> Result<(), StoreError> {
        required(
            other_services,
            "other_services",
            "mapping.empty",
            "list the other services involved, or write 'none'",
        )?;
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let id = new_id("kartlegging");
        let (basis, txn) = self
            .decide(txn, d, entry(actor, "step1_mapping", "mapping", &id, case_id), Some(InfoCategory::Overview))
            .await?;
        step_mapping::Entity::insert(step_mapping::ActiveModel {
            id: Set(id),
            case_id: Set(case_id.into()),
            service_id: Set(Self::acting_service(&basis)?),
            other_services: Set(other_services.trim().into()),
            source: Set(source.as_str().into()),
            guidance: Set(guidance.map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned)),
            recorded_by: Set(actor.id.clone()),
            recorded_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
