//! Each municipality's settings for the child coordinator (issue 12): the unit it authorised to assess the
//! right (the coordinating unit), the complaint body and deadline (pbrl § 7-5, four weeks; configurable), the
//! caseload threshold (no number in law), the lead time before 18; its delegation decisions; and the
//! caseload of its coordinators with the waiting time from request to appointment.
//!
//! Settings and delegations are configuration (an administrator of the municipality, audited); the caseload
//! is figures and staff names, for its leaders and the unit (`Resource::Caseload`), audited as a read.

use chrono::{NaiveDate, Utc};
use los_domain::child_coordinator::caseload::{Load, loads, waiting_days};
use los_domain::child_coordinator::work::CompetenceArea;
use los_domain::child_coordinator::{ChildCoordinatorError, appointment_in_force};
use los_domain::model::User;
use los_policy::{Action, Decision, Resource, authorize};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde::Serialize;

use crate::audit::NewEntry;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::shared::child_facts;
use crate::tx::{load_person, new_id, with_decision};

/// The settings to save.
#[derive(Debug, Clone)]
pub struct NewCcSettings {
    pub unit_service_id: String,
    pub complaint_body: String,
    pub deadline_days: u32,
    pub caseload_threshold: u32,
    pub transition_lead_months: u32,
}

/// The settings as saved.
#[derive(Debug, Clone, Serialize)]
pub struct CcSettings {
    pub organisation_id: String,
    pub unit_service_id: String,
    pub complaint_body: String,
    pub deadline_days: u32,
    pub caseload_threshold: u32,
    pub transition_lead_months: u32,
}

/// A delegation decision to record (spec 02 §1.12.2: mandatory, the precondition of the coordinator's
/// authority).
#[derive(Debug, Clone)]
pub struct NewDelegation {
    pub reference: String,
    pub decided_on: NaiveDate,
    pub scope: String,
}

/// One coordinator's line of the caseload.
#[derive(Debug, Clone, Serialize)]
pub struct CaseloadLine {
    pub name: String,
    #[serde(flatten)]
    pub load: Load,
    /// The competence areas the coordinator has training in (spec 02 §1.13).
    pub competence: Vec<CompetenceArea>,
}

/// A training a coordinator has completed, in one of the nine areas.
#[derive(Debug, Clone)]
pub struct NewCompetence {
    pub user_id: String,
    pub area: CompetenceArea,
    pub completed_on: NaiveDate,
    pub note: String,
}

/// The caseload of a municipality's child coordinators.
#[derive(Debug, Clone, Serialize)]
pub struct Caseload {
    pub organisation_id: String,
    /// The unit that assesses the right and keeps the coordinators' competence record.
    pub unit_service_id: Option<String>,
    pub threshold: u32,
    pub lines: Vec<CaseloadLine>,
    /// Families with a child coordinator in force.
    pub families: u32,
    /// Matters waiting for an assessment, a decision or an appointment.
    pub waiting_matters: u32,
    /// Days from request to appointment, for every appointment made, and their median.
    pub waiting_days: Vec<i64>,
    pub median_waiting_days: Option<i64>,
}

fn settings_view(s: cc_setting::Model) -> CcSettings {
    CcSettings {
        organisation_id: s.organisation_id,
        unit_service_id: s.unit_service_id,
        complaint_body: s.complaint_body,
        deadline_days: s.deadline_days.max(0) as u32,
        caseload_threshold: s.caseload_threshold.max(0) as u32,
        transition_lead_months: s.transition_lead_months.max(0) as u32,
    }
}

fn config_entry(actor: &User, action: &str, id: &str, d: &Decision) -> NewEntry {
    with_decision(
        NewEntry {
            actor_user_id: Some(actor.id.clone()),
            action: action.into(),
            resource_type: "child_coordination_settings".into(),
            resource_id: Some(id.to_owned()),
            ..Default::default()
        },
        d,
        None,
    )
}

impl Store {
    /// The municipality's settings, if it has set them (public to its staff: who assesses, the deadline).
    pub async fn cc_settings(&self, organisation_id: &str) -> Result<Option<CcSettings>, StoreError> {
        Ok(cc_setting::Entity::find_by_id(organisation_id.to_owned()).one(self.conn()).await?.map(settings_view))
    }

    /// Saves the municipality's settings: an administrator of the municipality, audited.
    pub async fn set_cc_settings(
        &self,
        actor: &User,
        organisation_id: &str,
        new: NewCcSettings,
    ) -> Result<CcSettings, StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let d = authorize(actor, Action::Write, &Resource::MunicipalConfiguration { organisation_id }, now);
        let (_, txn) = self
            .decide(txn, d.clone(), config_entry(actor, "child_coordination_settings", organisation_id, &d), None)
            .await?;
        let unit = service::Entity::find_by_id(new.unit_service_id.clone()).one(&txn).await?;
        if !unit.is_some_and(|u| u.organisation_id == organisation_id && u.active) {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.unit",
                Some("unit_service_id"),
                "choose an active service of the municipality as the unit that assesses the right",
            )
            .into());
        }
        if new.complaint_body.trim().is_empty() || !(1..=365).contains(&new.deadline_days) {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.complaint_route",
                Some("complaint_body"),
                "name the complaint body and a deadline of 1 to 365 days",
            )
            .into());
        }
        if !(1..=1000).contains(&new.caseload_threshold) || !(1..=36).contains(&new.transition_lead_months) {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.settings_range",
                Some("caseload_threshold"),
                "the caseload threshold is 1 to 1000 and the lead time before 18 is 1 to 36 months",
            )
            .into());
        }
        let row = cc_setting::ActiveModel {
            organisation_id: Set(organisation_id.into()),
            unit_service_id: Set(new.unit_service_id),
            complaint_body: Set(new.complaint_body.trim().into()),
            deadline_days: Set(new.deadline_days as i32),
            caseload_threshold: Set(new.caseload_threshold as i32),
            transition_lead_months: Set(new.transition_lead_months as i32),
            updated_by: Set(actor.id.clone()),
            updated_at: Set(now),
        };
        if cc_setting::Entity::find_by_id(organisation_id.to_owned()).one(&txn).await?.is_some() {
            cc_setting::Entity::update(row).exec(&txn).await?;
        } else {
            cc_setting::Entity::insert(row).exec_without_returning(&txn).await?;
        }
        let saved = cc_setting::Entity::find_by_id(organisation_id.to_owned())
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::Integrity("the settings were not saved".into()))?;
        txn.commit().await?;
        Ok(settings_view(saved))
    }

    /// Records the municipality's delegation decision for child coordinators: an administrator, audited.
    pub async fn record_delegation(
        &self,
        actor: &User,
        organisation_id: &str,
        new: NewDelegation,
    ) -> Result<String, StoreError> {
        let now = Utc::now();
        let id = new_id("delegering");
        let txn = self.begin_audited().await?;
        let d = authorize(actor, Action::Write, &Resource::MunicipalConfiguration { organisation_id }, now);
        let (_, txn) = self.decide(txn, d.clone(), config_entry(actor, "delegation_record", &id, &d), None).await?;
        crate::tx::required(
            &new.reference,
            "reference",
            "child_coordinator.reference",
            "give the decision's reference",
        )?;
        los_domain::child_coordinator::reasoned(
            &new.scope,
            "scope",
            "child_coordinator.scope",
            "scope of the authority",
        )?;
        cc_delegation::Entity::insert(cc_delegation::ActiveModel {
            id: Set(id.clone()),
            organisation_id: Set(organisation_id.into()),
            reference: Set(new.reference.trim().into()),
            decided_on: Set(new.decided_on),
            scope: Set(new.scope.trim().into()),
            recorded_by: Set(actor.id.clone()),
            recorded_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// The caseload of the municipality's child coordinators, weighted by need, against its threshold, with
    /// the waiting time from request to appointment: for its leaders and the unit.
    pub async fn cc_caseload(&self, actor: &User, organisation_id: &str) -> Result<Caseload, StoreError> {
        let now = Utc::now();
        let today = now.date_naive();
        let txn = self.conn().begin().await?;
        let settings = cc_setting::Entity::find_by_id(organisation_id.to_owned()).one(&txn).await?;
        let r = Resource::Caseload { organisation_id, unit: settings.as_ref().map(|s| s.unit_service_id.as_str()) };
        let d = authorize(actor, Action::Read, &r, now);
        let e = with_decision(
            NewEntry {
                actor_user_id: Some(actor.id.clone()),
                action: "read".into(),
                resource_type: "child_coordinator_caseload".into(),
                resource_id: Some(organisation_id.to_owned()),
                ..Default::default()
            },
            &d,
            None,
        );
        if let Decision::Deny(reason) = d {
            txn.rollback().await?;
            self.record_reads(vec![e]).await?;
            return Err(StoreError::Denied(reason));
        }
        let org = organisation::Entity::find_by_id(organisation_id.to_owned())
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "organisation", id: organisation_id.to_owned() })?;
        // The cases of the municipality's children: those registered in it.
        let kommune = org.kommunenummer.clone().unwrap_or_default();
        let matters = cc_matter::Entity::find().all(&txn).await?;
        let appointments = cc_appointment::Entity::find().all(&txn).await?;
        let mut in_force: Vec<(String, u8)> = Vec::new();
        let mut waits = Vec::new();
        let mut waiting_matters = 0;
        for m in &matters {
            let Some(c) = case::Entity::find_by_id(m.case_id.clone()).one(&txn).await? else { continue };
            let child = load_person(&txn, &c.child_person_id).await?;
            if child.registered_kommune.as_str() != kommune {
                continue;
            }
            let facts = child_facts(&child);
            for a in appointments.iter().filter(|a| a.case_id == m.case_id) {
                if appointment_in_force(a.starts, a.ends, &facts, m.extended_until, today) {
                    in_force.push((a.coordinator_user_id.clone(), a.need_weight.clamp(1, 3) as u8));
                }
            }
            if matches!(m.state.as_str(), "requested" | "assessed" | "granted") {
                waiting_matters += 1;
            }
            if let (Some(req), Some(app)) = (m.requested_at, m.appointed_at) {
                waits.push((req, app));
            }
        }
        let threshold = settings.as_ref().map_or(0, |s| s.caseload_threshold.max(0) as u32);
        let families = in_force.len() as u32;
        let mut lines = Vec::new();
        let training = cc_competence::Entity::find()
            .filter(cc_competence::Column::OrganisationId.eq(organisation_id))
            .all(&txn)
            .await?;
        for load in loads(&in_force, threshold) {
            let name = user::Entity::find_by_id(load.coordinator_user_id.clone())
                .one(&txn)
                .await?
                .map_or_else(|| load.coordinator_user_id.clone(), |u| u.display_name);
            let mut competence: Vec<CompetenceArea> = training
                .iter()
                .filter(|t| t.user_id == load.coordinator_user_id)
                .filter_map(|t| CompetenceArea::parse(&t.area))
                .collect();
            competence.sort();
            competence.dedup();
            lines.push(CaseloadLine { name, load, competence });
        }
        let (waiting_days, median_waiting_days) = waiting_days(&waits);
        txn.commit().await?;
        self.record_reads(vec![e]).await?;
        Ok(Caseload {
            organisation_id: organisation_id.to_owned(),
            unit_service_id: settings.map(|s| s.unit_service_id),
            threshold,
            lines,
            families,
            waiting_matters,
            waiting_days,
            median_waiting_days,
        })
    }
}

impl Store {
    /// Records a coordinator's training in one of the nine areas (spec 02 §1.13): the coordinating unit,
    /// which trains and supervises them; audited.
    pub async fn record_competence(
        &self,
        actor: &User,
        organisation_id: &str,
        new: NewCompetence,
    ) -> Result<String, StoreError> {
        let now = Utc::now();
        let id = new_id("kompetanse");
        let txn = self.begin_audited().await?;
        let settings = cc_setting::Entity::find_by_id(organisation_id.to_owned()).one(&txn).await?;
        let r = Resource::Caseload { organisation_id, unit: settings.as_ref().map(|s| s.unit_service_id.as_str()) };
        let d = authorize(actor, Action::Write, &r, now);
        let (_, txn) = self.decide(txn, d.clone(), config_entry(actor, "competence_record", &id, &d), None).await?;
        let works_here = membership::Entity::find()
            .filter(membership::Column::UserId.eq(new.user_id.as_str()))
            .filter(membership::Column::OrganisationId.eq(organisation_id))
            .filter(membership::Column::EndedAt.is_null())
            .one(&txn)
            .await?
            .is_some();
        if !works_here {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.not_employee",
                Some("user_id"),
                "the coordinator must work in the organisation",
            )
            .into());
        }
        if new.completed_on > now.date_naive()
            || new.completed_on < NaiveDate::from_ymd_opt(1990, 1, 1).expect("a date")
        {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.completed_on",
                Some("completed_on"),
                "the training was completed between 1990 and today",
            )
            .into());
        }
        cc_competence::Entity::insert(cc_competence::ActiveModel {
            id: Set(id.clone()),
            organisation_id: Set(organisation_id.into()),
            user_id: Set(new.user_id),
            area: Set(new.area.as_str().into()),
            completed_on: Set(new.completed_on),
            note: Set(new.note.trim().into()),
            recorded_by: Set(actor.id.clone()),
            recorded_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }
}
