//! The writes of the individual plan: each is one audited transaction — the policy's decision for its step,
//! the audit entry, the domain's rules, the rows.

use chrono::{DateTime, Utc};
use los_domain::consent::{ConsentError, ConsentForm, ConsentGiver, GiverCapacity, InfoCategory, recorded_form};
use los_domain::individual_plan::{
    IpBasis, IpError, IpRole, IpState, ResponsibilityChange, ResponsibilityHow, StartOutcome, start,
    validate_access_services, validate_end, validate_notification, validate_record_givers, validate_responsibility,
};
use los_domain::model::{User, UserKind};
use los_policy::{Action, Basis, IndividualPlanStep, Resource, authorize};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::Serialize;

use super::{PlanRows, citizen_capacity, open_plan, plan_facts, role_code, role_of_service, rows_of};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{Loaded, entry, new_id};

/// Starting IP work: the service acting (when the employee works in several), the bases it sees, and
/// what it builds on.
#[derive(Debug, Clone)]
pub struct NewIpStart {
    pub service_id: Option<String>,
    pub bases: Vec<IpBasis>,
    pub description: String,
}

/// What a start led to: a new plan, or the child's plan it was linked to.
#[derive(Debug, Clone, Serialize)]
pub struct IpStarted {
    pub plan_id: String,
    pub linked: bool,
}

/// Specialist health's notification of a need for a plan covering both levels (IP-forskriften § 8).
#[derive(Debug, Clone)]
pub struct NewIpNotification {
    pub service_id: Option<String>,
    pub description: String,
}

/// A consent to the plan. From a family member in Los: their own, digital. Recorded by the service with
/// the main responsibility: the givers and how it was given.
#[derive(Debug, Clone)]
pub struct NewIpConsent {
    pub givers: Vec<ConsentGiver>,
    pub access_services: Vec<String>,
    pub form: Option<ConsentForm>,
    /// Child welfare has taken over the care (the service records it; the family's own consent keeps the
    /// plan's setting).
    pub care_order: Option<bool>,
    /// The plan holds measures directed at the parents.
    pub measures_for_parents: Option<bool>,
}

/// The plan's settings: the facts whose consent it needs (care order, measures directed at the parents)
/// and its cultural and language adaptation (IP-forskriften § 9 første ledd). `None` keeps a setting.
#[derive(Debug, Clone, Default)]
pub struct NewIpSettings {
    pub care_order: Option<bool>,
    pub measures_for_parents: Option<bool>,
    /// nb | nn: the language of the plan and its PDF.
    pub language: Option<String>,
    /// The language the family needs an interpreter for; an empty text removes it.
    pub interpreter_language: Option<String>,
}

/// A change of the main responsibility.
#[derive(Debug, Clone)]
pub struct NewIpResponsibility {
    pub how: ResponsibilityHow,
    pub service_id: String,
    pub reasoning: String,
}

/// A service contacted to take part in the plan.
#[derive(Debug, Clone)]
pub struct NewIpParticipant {
    pub service_id: String,
    pub note: String,
}

/// What a write to the plan begins with.
pub(super) struct Begun {
    pub txn: DatabaseTransaction,
    pub l: Loaded,
    pub now: DateTime<Utc>,
    pub basis: Basis,
    pub rows: Option<PlanRows>,
}

pub(super) fn no_plan() -> StoreError {
    StoreError::NotFound { kind: "individual plan", id: "none started".into() }
}

impl Store {
    /// Begins a write: the audited transaction, the child's plan, the policy's decision for `step` and its
    /// audit entry.
    pub(super) async fn ip_begin(
        &self,
        actor: &User,
        case_id: &str,
        action: &str,
        id: &str,
        step: IndividualPlanStep<'_>,
    ) -> Result<Begun, StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let rows = match open_plan(&txn, &l.child.id).await? {
            Some(p) => Some(rows_of(&txn, p).await?),
            None => None,
        };
        let age = l.child.age_on(now.date_naive());
        let access = match &rows {
            Some(r) => r.access(age)?,
            None => vec![],
        };
        let decider = crate::tx::municipal_decider(&txn, &l.child, now).await?;
        let d = {
            let facts = plan_facts(rows.as_ref(), &access, decider.as_ref());
            authorize(actor, Action::Write, &Resource::IndividualPlan { case: l.facts(), step, plan: facts }, now)
        };
        let e = entry(actor, action, "individual_plan", id, case_id);
        let (basis, txn) = self.decide(txn, d, e, Some(InfoCategory::Overview)).await?;
        Ok(Begun { txn, l, now, basis, rows })
    }

    /// Starts IP work for the child of a case (IP-forskriften § 6), or links the start to the child's plan
    /// that exists or is pending: never a second plan.
    pub async fn start_individual_plan(
        &self,
        actor: &User,
        case_id: &str,
        new: NewIpStart,
    ) -> Result<IpStarted, StoreError> {
        let id = new_id("iplan");
        let b = self.ip_begin(actor, case_id, "ip_start", &id, IndividualPlanStep::Start).await?;
        crate::tx::required(&new.description, "description", "ip.description", "say what the start builds on")?;
        let acting = acting(actor, new.service_id.as_deref(), &b.basis)?;
        let (_, role) = role_of_service(&b.txn, &acting).await?;
        let existing = b.rows.as_ref().map(|r| (r.plan.id.as_str(), IpState::Initiated));
        let outcome = start(role, existing)?;
        let plan_id = match outcome {
            StartOutcome::Linked(plan_id) => {
                let rows = b.rows.as_ref().ok_or_else(no_plan)?;
                let have = rows.current_bases()?;
                for basis in new.bases.iter().filter(|x| !have.contains(x)) {
                    insert_basis(&b.txn, &plan_id, *basis, actor, &acting, b.now).await?;
                }
                if !rows.participants.iter().any(|p| p.service_id == acting) {
                    insert_participant(&b.txn, &plan_id, &acting, role, "", actor, b.now).await?;
                }
                insert_event(
                    &b.txn,
                    case_id,
                    Some(plan_id.as_str()),
                    "linked_start",
                    Some(acting.as_str()),
                    &new.description,
                    actor,
                    b.now,
                )
                .await?;
                b.txn.commit().await?;
                return Ok(IpStarted { plan_id, linked: true });
            }
            StartOutcome::New => id,
        };
        if new.bases.is_empty() {
            return Err(IpError::NoBasis.into());
        }
        ip_plan::Entity::insert(ip_plan::ActiveModel {
            id: Set(plan_id.clone()),
            case_id: Set(case_id.into()),
            child_person_id: Set(b.l.child.id.clone()),
            started_at: Set(b.now),
            started_by: Set(actor.id.clone()),
            started_by_service: Set(acting.clone()),
            care_order: Set(false),
            measures_for_parents: Set(false),
            language: Set("nb".into()),
            interpreter_language: Set(None),
            ended_at: Set(None),
            ended_by: Set(None),
            end_reason: Set(None),
            migrated_from: Set(None),
            updated_at: Set(b.now),
        })
        .exec_without_returning(&b.txn)
        .await?;
        let mut seen = Vec::new();
        for basis in new.bases {
            if !seen.contains(&basis) {
                insert_basis(&b.txn, &plan_id, basis, actor, &acting, b.now).await?;
                seen.push(basis);
            }
        }
        ip_responsibility::Entity::insert(ip_responsibility::ActiveModel {
            id: Set(new_id("ipansvar")),
            plan_id: Set(plan_id.clone()),
            service_id: Set(acting.clone()),
            how: Set(ResponsibilityHow::Start.as_str().into()),
            decided_by: Set(actor.id.clone()),
            reasoning: Set(new.description.trim().into()),
            decided_by_service: Set(Some(acting.clone())),
            from_at: Set(b.now),
            until_at: Set(None),
        })
        .exec_without_returning(&b.txn)
        .await?;
        insert_participant(&b.txn, &plan_id, &acting, role, "", actor, b.now).await?;
        insert_event(
            &b.txn,
            case_id,
            Some(plan_id.as_str()),
            "start",
            Some(acting.as_str()),
            &new.description,
            actor,
            b.now,
        )
        .await?;
        // Specialist health's notifications before the plan now belong to it, and specialist health takes part.
        for n in ip_event::Entity::find()
            .filter(ip_event::Column::CaseId.eq(case_id))
            .filter(ip_event::Column::PlanId.is_null())
            .all(&b.txn)
            .await?
        {
            if let Some(s) = n.service_id.clone() {
                let already = ip_participant::Entity::find()
                    .filter(ip_participant::Column::PlanId.eq(plan_id.as_str()))
                    .filter(ip_participant::Column::ServiceId.eq(s.as_str()))
                    .one(&b.txn)
                    .await?
                    .is_some();
                if !already {
                    insert_participant(&b.txn, &plan_id, &s, IpRole::Specialist, "", actor, b.now).await?;
                }
            }
            let mut am: ip_event::ActiveModel = n.into();
            am.plan_id = Set(Some(plan_id.clone()));
            ip_event::Entity::update(am).exec(&b.txn).await?;
        }
        b.txn.commit().await?;
        Ok(IpStarted { plan_id, linked: false })
    }

    /// Specialist health notifies the coordinating unit of a need for a plan covering both levels and takes
    /// part in the municipality's work (IP-forskriften § 8 andre ledd).
    pub async fn notify_individual_plan_need(
        &self,
        actor: &User,
        case_id: &str,
        new: NewIpNotification,
    ) -> Result<String, StoreError> {
        let id = new_id("ipmelding");
        let b = self.ip_begin(actor, case_id, "ip_notify", &id, IndividualPlanStep::Start).await?;
        let acting = acting(actor, new.service_id.as_deref(), &b.basis)?;
        let (_, role) = role_of_service(&b.txn, &acting).await?;
        validate_notification(role, &new.description)?;
        let plan_id = b.rows.as_ref().map(|r| r.plan.id.clone());
        if let Some(rows) = &b.rows
            && !rows.participants.iter().any(|p| p.service_id == acting)
        {
            insert_participant(&b.txn, &rows.plan.id, &acting, role, "", actor, b.now).await?;
        }
        let ev = insert_event(
            &b.txn,
            case_id,
            plan_id.as_deref(),
            "notification",
            Some(acting.as_str()),
            &new.description,
            actor,
            b.now,
        )
        .await?;
        b.txn.commit().await?;
        Ok(ev)
    }

    /// Changes the plan's settings (the service with the main responsibility). Whose consent the plan needs
    /// follows them at once: a plan may need a new consent after measures for the parents come in.
    pub async fn set_individual_plan_settings(
        &self,
        actor: &User,
        case_id: &str,
        new: NewIpSettings,
    ) -> Result<(), StoreError> {
        let b = self.ip_begin(actor, case_id, "ip_settings", case_id, IndividualPlanStep::Manage).await?;
        let rows = b.rows.as_ref().ok_or_else(no_plan)?;
        if let Some(l) = new.language.as_deref()
            && !matches!(l, "nb" | "nn")
        {
            return Err(StoreError::Invalid {
                field: Some("language"),
                code: "ip.language",
                message: "the plan is written in bokmål (nb) or nynorsk (nn)".into(),
            });
        }
        if new.interpreter_language.as_deref().is_some_and(|l| l.chars().count() > 100) {
            return Err(StoreError::Invalid {
                field: Some("interpreter_language"),
                code: "ip.interpreter",
                message: "name the language in at most 100 characters".into(),
            });
        }
        let mut am: ip_plan::ActiveModel = rows.plan.clone().into();
        if let Some(v) = new.care_order {
            am.care_order = Set(v);
        }
        if let Some(v) = new.measures_for_parents {
            am.measures_for_parents = Set(v);
        }
        if let Some(v) = new.language {
            am.language = Set(v);
        }
        if let Some(v) = new.interpreter_language {
            am.interpreter_language = Set(Some(v.trim().to_owned()).filter(|v| !v.is_empty()));
        }
        am.updated_at = Set(b.now);
        ip_plan::Entity::update(am).exec(&b.txn).await?;
        b.txn.commit().await?;
        Ok(())
    }

    /// Adds a legal basis to the plan (the service with the main responsibility).
    pub async fn add_individual_plan_basis(
        &self,
        actor: &User,
        case_id: &str,
        basis: IpBasis,
    ) -> Result<String, StoreError> {
        let id = new_id("ipgrunnlag");
        let b = self.ip_begin(actor, case_id, "ip_basis_add", &id, IndividualPlanStep::Manage).await?;
        let rows = b.rows.as_ref().ok_or_else(no_plan)?;
        if rows.current_bases()?.contains(&basis) {
            return Err(IpError::BasisRecorded.into());
        }
        let acting = Self::acting_service(&b.basis)?;
        insert_basis(&b.txn, &rows.plan.id, basis, actor, &acting, b.now).await?;
        touch(&b.txn, &rows.plan, b.now).await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// Removes a basis recorded in error or no longer applying; it is kept as history.
    pub async fn remove_individual_plan_basis(
        &self,
        actor: &User,
        case_id: &str,
        basis_id: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        let b = self.ip_begin(actor, case_id, "ip_basis_remove", basis_id, IndividualPlanStep::Manage).await?;
        let rows = b.rows.as_ref().ok_or_else(no_plan)?;
        crate::tx::required(reason, "reason", "ip.reason", "say why the basis is removed")?;
        let row = rows
            .bases
            .iter()
            .find(|x| x.id == basis_id && x.removed_at.is_none())
            .cloned()
            .ok_or_else(|| StoreError::NotFound { kind: "plan basis", id: basis_id.into() })?;
        if rows.current_bases()?.len() <= 1 {
            return Err(IpError::LastBasis.into());
        }
        let mut am: ip_basis::ActiveModel = row.into();
        am.removed_at = Set(Some(b.now));
        am.removed_by = Set(Some(actor.id.clone()));
        am.removal_reason = Set(Some(reason.trim().into()));
        ip_basis::Entity::update(am).exec(&b.txn).await?;
        touch(&b.txn, &rows.plan, b.now).await?;
        b.txn.commit().await?;
        Ok(())
    }

    /// Records a consent to the plan: a family member's own (digital) or one the responsible service heard
    /// or received. The plan is active once the consents standing meet every basis's rule (§ 5).
    pub async fn record_individual_plan_consent(
        &self,
        actor: &User,
        case_id: &str,
        new: NewIpConsent,
    ) -> Result<String, StoreError> {
        let id = new_id("ipsamtykke");
        let by_family = actor.kind == UserKind::Citizen;
        let step = if by_family { IndividualPlanStep::FamilyAct } else { IndividualPlanStep::Manage };
        let b = self.ip_begin(actor, case_id, "ip_consent", &id, step).await?;
        let rows = b.rows.as_ref().ok_or_else(no_plan)?;
        let givers = if by_family {
            let capacity =
                citizen_capacity(&b.l, actor).ok_or(IpError::Consent(ConsentError::ParentWithoutResponsibility))?;
            vec![ConsentGiver {
                person_id: actor.person_id.clone(),
                capacity,
                age: Some(b.l.child.age_on(b.now.date_naive())).filter(|_| capacity == GiverCapacity::Child),
            }]
        } else {
            new.givers.clone()
        };
        let has_responsibility =
            |p: &str| b.l.guardianships.iter().any(|x| x.adult_person_id == p && x.parental_responsibility);
        validate_record_givers(&givers, &b.l.child.id, has_responsibility)?;
        validate_access_services(&new.access_services, &b.l.case.participants, b.now.date_naive())?;
        let form = recorded_form(by_family, new.form)?;
        let mut plan = rows.plan.clone();
        if !by_family {
            plan.care_order = new.care_order.unwrap_or(plan.care_order);
            plan.measures_for_parents = new.measures_for_parents.unwrap_or(plan.measures_for_parents);
        }
        let mut givers = givers;
        for g in &mut givers {
            if g.capacity == GiverCapacity::Child && g.person_id.is_none() {
                g.person_id = Some(b.l.child.id.clone());
            }
        }
        ip_consent::Entity::insert(ip_consent::ActiveModel {
            id: Set(id.clone()),
            plan_id: Set(plan.id.clone()),
            givers: Set(serde_json::to_string(&givers).map_err(|e| StoreError::Integrity(e.to_string()))?),
            access_services: Set(
                serde_json::to_string(&new.access_services).map_err(|e| StoreError::Integrity(e.to_string()))?
            ),
            form: Set(form.as_str().into()),
            care_order: Set(plan.care_order),
            measures_for_parents: Set(plan.measures_for_parents),
            recorded_by: Set(actor.id.clone()),
            recorded_at: Set(b.now),
            withdrawn_at: Set(None),
            withdrawn_by: Set(None),
            withdrawal_reason: Set(None),
        })
        .exec_without_returning(&b.txn)
        .await?;
        let mut am: ip_plan::ActiveModel = plan.clone().into();
        am.care_order = Set(plan.care_order);
        am.measures_for_parents = Set(plan.measures_for_parents);
        am.updated_at = Set(b.now);
        ip_plan::Entity::update(am).exec(&b.txn).await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// Withdraws a consent to the plan: by whoever gave it, in Los, or recorded by the responsible service
    /// when the family tells it. Without a consent standing that meets the rules the plan is suspended: its
    /// content is kept, and the participants lose their access to it at once.
    pub async fn withdraw_individual_plan_consent(
        &self,
        actor: &User,
        case_id: &str,
        consent_id: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        let by_family = actor.kind == UserKind::Citizen;
        let step = if by_family { IndividualPlanStep::FamilyAct } else { IndividualPlanStep::Manage };
        let b = self.ip_begin(actor, case_id, "ip_consent_withdraw", consent_id, step).await?;
        let rows = b.rows.as_ref().ok_or_else(no_plan)?;
        let c = rows
            .consents
            .iter()
            .find(|c| c.id == consent_id && c.withdrawn_at.is_none())
            .cloned()
            .ok_or(IpError::NoConsent)?;
        if by_family && !super::givers_of(&c)?.iter().any(|g| g.person_id.as_deref() == actor.person_id.as_deref()) {
            return Err(StoreError::Denied(los_policy::DenyReason {
                code: "not_consent_giver",
                detail: "only whoever gave this consent withdraws it in Los".into(),
            }));
        }
        let mut am: ip_consent::ActiveModel = c.into();
        am.withdrawn_at = Set(Some(b.now));
        am.withdrawn_by = Set(Some(actor.id.clone()));
        am.withdrawal_reason = Set(Some(reason.trim().to_owned()).filter(|r| !r.is_empty()));
        ip_consent::Entity::update(am).exec(&b.txn).await?;
        touch(&b.txn, &rows.plan, b.now).await?;
        b.txn.commit().await?;
        Ok(())
    }

    /// Moves the main responsibility: by the services' agreement, or by the municipality's decision when
    /// they disagree (IP-forskriften § 7). Exactly one service holds it at every moment; the history is kept.
    pub async fn change_individual_plan_responsibility(
        &self,
        actor: &User,
        case_id: &str,
        new: NewIpResponsibility,
    ) -> Result<String, StoreError> {
        let id = new_id("ipansvar");
        let to = new.service_id.clone();
        let how = new.how;
        let b = self
            .ip_begin(
                actor,
                case_id,
                "ip_responsibility",
                &id,
                match how {
                    ResponsibilityHow::MunicipalDecision => IndividualPlanStep::Decide,
                    _ => IndividualPlanStep::Agree { to_service: &to },
                },
            )
            .await?;
        let rows = b.rows.as_ref().ok_or_else(no_plan)?;
        let current = rows.responsible().cloned().ok_or_else(no_plan)?;
        let (_, to_role) = role_of_service(&b.txn, &new.service_id).await?;
        let change = ResponsibilityChange {
            how: new.how,
            to_service: &new.service_id,
            to_role,
            current: &current.service_id,
            acting_service: b.basis.via_service.as_deref(),
            reasoning: &new.reasoning,
        };
        validate_responsibility(&change, &b.l.case.participants, b.now.date_naive())?;
        let mut am: ip_responsibility::ActiveModel = current.into();
        am.until_at = Set(Some(b.now));
        ip_responsibility::Entity::update(am).exec(&b.txn).await?;
        ip_responsibility::Entity::insert(ip_responsibility::ActiveModel {
            id: Set(id.clone()),
            plan_id: Set(rows.plan.id.clone()),
            service_id: Set(new.service_id.clone()),
            how: Set(new.how.as_str().into()),
            decided_by: Set(actor.id.clone()),
            reasoning: Set(new.reasoning.trim().into()),
            decided_by_service: Set(b.basis.via_service.clone()),
            from_at: Set(b.now),
            until_at: Set(None),
        })
        .exec_without_returning(&b.txn)
        .await?;
        if !rows.participants.iter().any(|p| p.service_id == new.service_id) {
            insert_participant(&b.txn, &rows.plan.id, &new.service_id, to_role, "", actor, b.now).await?;
        }
        touch(&b.txn, &rows.plan, b.now).await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// Records that a service was contacted to take part in the plan, marked with its duty to take part
    /// where it has one (IP-forskriften § 7 tredje ledd).
    pub async fn add_individual_plan_participant(
        &self,
        actor: &User,
        case_id: &str,
        new: NewIpParticipant,
    ) -> Result<String, StoreError> {
        let id = new_id("ipdeltaker");
        let b = self.ip_begin(actor, case_id, "ip_participant", &id, IndividualPlanStep::Manage).await?;
        let rows = b.rows.as_ref().ok_or_else(no_plan)?;
        let (_, role) = role_of_service(&b.txn, &new.service_id).await?;
        if rows.participants.iter().any(|p| p.service_id == new.service_id) {
            return Err(IpError::AlreadyParticipant(new.service_id).into());
        }
        let pid = insert_participant(&b.txn, &rows.plan.id, &new.service_id, role, &new.note, actor, b.now).await?;
        touch(&b.txn, &rows.plan, b.now).await?;
        b.txn.commit().await?;
        Ok(pid)
    }

    /// Ends the plan with the reason; everything is kept, and a new plan may be started after.
    pub async fn end_individual_plan(&self, actor: &User, case_id: &str, reason: &str) -> Result<(), StoreError> {
        let b = self.ip_begin(actor, case_id, "ip_end", case_id, IndividualPlanStep::Manage).await?;
        let rows = b.rows.as_ref().ok_or_else(no_plan)?;
        validate_end(rows.state(b.l.child.age_on(b.now.date_naive()))?, reason)?;
        let mut am: ip_plan::ActiveModel = rows.plan.clone().into();
        am.ended_at = Set(Some(b.now));
        am.ended_by = Set(Some(actor.id.clone()));
        am.end_reason = Set(Some(reason.trim().into()));
        am.updated_at = Set(b.now);
        ip_plan::Entity::update(am).exec(&b.txn).await?;
        if let Some(r) = rows.responsible().cloned() {
            let mut am: ip_responsibility::ActiveModel = r.into();
            am.until_at = Set(Some(b.now));
            ip_responsibility::Entity::update(am).exec(&b.txn).await?;
        }
        let acting = b.basis.via_service.clone();
        insert_event(&b.txn, case_id, Some(rows.plan.id.as_str()), "end", acting.as_deref(), reason, actor, b.now)
            .await?;
        b.txn.commit().await?;
        Ok(())
    }
}

/// The service the actor acts for: the named one when they work there, else the one the policy found.
fn acting(actor: &User, named: Option<&str>, basis: &Basis) -> Result<String, StoreError> {
    match named.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) if actor.memberships.iter().any(|m| m.service_id.as_deref() == Some(s)) => Ok(s.to_owned()),
        Some(_) => Err(StoreError::Invalid {
            field: Some("service_id"),
            code: "ip.not_your_service",
            message: "you act for a service you work in".into(),
        }),
        None => Store::acting_service(basis),
    }
}

pub(super) async fn touch(
    txn: &DatabaseTransaction,
    plan: &ip_plan::Model,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut am: ip_plan::ActiveModel = plan.clone().into();
    am.updated_at = Set(now);
    ip_plan::Entity::update(am).exec(txn).await?;
    Ok(())
}

async fn insert_basis(
    txn: &DatabaseTransaction,
    plan_id: &str,
    basis: IpBasis,
    actor: &User,
    service: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    ip_basis::Entity::insert(ip_basis::ActiveModel {
        id: Set(new_id("ipgrunnlag")),
        plan_id: Set(plan_id.into()),
        basis: Set(basis.as_str().into()),
        recorded_by: Set(actor.id.clone()),
        recorded_by_service: Set(service.into()),
        recorded_at: Set(now),
        removed_at: Set(None),
        removed_by: Set(None),
        removal_reason: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

async fn insert_participant(
    txn: &DatabaseTransaction,
    plan_id: &str,
    service_id: &str,
    role: IpRole,
    note: &str,
    actor: &User,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = new_id("ipdeltaker");
    let (code, law) = role_code(role);
    ip_participant::Entity::insert(ip_participant::ActiveModel {
        id: Set(id.clone()),
        plan_id: Set(plan_id.into()),
        service_id: Set(service_id.into()),
        role: Set(code.into()),
        contacted_by: Set(actor.id.clone()),
        law: Set(law.map(str::to_owned)),
        note: Set(note.trim().into()),
        contacted_at: Set(now),
        ended_at: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
async fn insert_event(
    txn: &DatabaseTransaction,
    case_id: &str,
    plan_id: Option<&str>,
    kind: &str,
    service_id: Option<&str>,
    text: &str,
    actor: &User,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = new_id("iphendelse");
    ip_event::Entity::insert(ip_event::ActiveModel {
        id: Set(id.clone()),
        case_id: Set(case_id.into()),
        plan_id: Set(plan_id.map(str::to_owned)),
        kind: Set(kind.into()),
        service_id: Set(service_id.map(str::to_owned)),
        text: Set(text.trim().into()),
        recorded_by: Set(actor.id.clone()),
        recorded_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(id)
}
