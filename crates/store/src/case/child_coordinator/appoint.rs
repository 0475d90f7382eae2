//! The parents' consent, the appointment (and a change of coordinator, with its decision), the handover at
//! 18 to an ordinary coordinator, and the municipality's choice to continue after 18.

use chrono::NaiveDate;
use los_domain::child_coordinator::caseload::would_exceed;
use los_domain::child_coordinator::decision::{
    AppointmentFacts, ConsentForm, DecisionKind, EndReason, Handover, LetterLanguage, NewAppointment, NewConsent,
    NewDecision, YouthView, validate_appointment, validate_consent, validate_handover,
};
use los_domain::child_coordinator::{ChildCoordinatorError, Event, MatterState, reasoned};
use los_domain::coordination::CoordinationBasis;
use los_domain::model::{OwnerType, User, UserKind};
use los_domain::rights::{RightKind, ScreeningOutcome};
use los_policy::ChildCoordinationStep;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use super::writes::{Begun, end_appointments};
use super::{advance, matter, state_of};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::new_id;
use crate::tx::shared::{cc_appointment_now, child_facts, close_prompts, replace_assignment, service_owner};

/// A consent to the child coordinator.
#[derive(Debug, Clone)]
pub struct NewCcConsent {
    pub giver_person_id: String,
    pub form: ConsentForm,
    pub receiver_person_id: Option<String>,
    pub youth_view: Option<YouthView>,
    pub weighing: String,
}

/// An appointment, or a change of coordinator (with the reasons of the change decision).
#[derive(Debug, Clone)]
pub struct NewCcAppointment {
    pub coordinator_user_id: String,
    pub service_id: String,
    pub family_wishes: String,
    pub wishes_met: bool,
    pub wishes_reason: String,
    pub need_weight: u8,
    pub dedicated: bool,
    /// The specialist-health coordinator the child has, linked (they may coexist).
    pub specialist_coordinator: Option<String>,
    /// Assign even though the coordinator's weighted caseload goes over the municipality's threshold.
    pub accept_over_threshold: bool,
    /// Required when a coordinator is already appointed: the change decision's reasons.
    pub change_reasons: Option<String>,
    pub language: LetterLanguage,
}

/// The handover at 18 to an ordinary coordinator.
#[derive(Debug, Clone)]
pub struct NewHandover {
    pub service_id: String,
    /// The ordinary coordinator, by name.
    pub person: String,
    pub overlap_until: NaiveDate,
    /// How the move is planned with the family and the new coordinator.
    pub plan: String,
    pub language: LetterLanguage,
}

/// The municipality continues the child coordinator after 18 (its choice, not the family's right).
#[derive(Debug, Clone)]
pub struct NewExtension {
    pub until: NaiveDate,
    pub reasons: String,
}

impl Store {
    /// The parents' consent to a child coordinator: recorded by the unit, or given digitally by the parent.
    pub async fn consent_child_coordinator(
        &self,
        actor: &User,
        case_id: &str,
        new: NewCcConsent,
    ) -> Result<String, StoreError> {
        let id = new_id("bksamtykke");
        let by_giver = actor.kind == UserKind::Citizen;
        let step = if by_giver { ChildCoordinationStep::FamilyAct } else { ChildCoordinationStep::Manage };
        let b = self.cc_begin(actor, case_id, step, "child_coordinator_consent", &id).await?;
        if by_giver && actor.person_id.as_deref() != Some(new.giver_person_id.as_str()) {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.consent_form",
                Some("giver_person_id"),
                "in Los you consent for yourself",
            )
            .into());
        }
        let c = NewConsent {
            giver_person_id: &new.giver_person_id,
            form: new.form,
            receiver_person_id: new.receiver_person_id.as_deref(),
            youth_view: new.youth_view,
            weighing: &new.weighing,
            by_giver,
        };
        validate_consent(
            &c,
            &b.l.case.child_person_id,
            &child_facts(&b.l.child),
            &b.l.guardianships,
            b.now.date_naive(),
        )?;
        if state_of(matter(&b.txn, case_id).await?.as_ref())?.is_none_or(|s| !s.open()) {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.state",
                None,
                "there is no child-coordinator matter in the case to consent to",
            )
            .into());
        }
        cc_consent::Entity::insert(cc_consent::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(case_id.into()),
            giver_person_id: Set(new.giver_person_id),
            receiver_person_id: Set(new.receiver_person_id),
            form: Set(new.form.as_str().into()),
            youth_view: Set(new.youth_view.map(|v| v.as_str().to_owned())),
            weighing: Set(new.weighing.trim().into()),
            recorded_by: Set(actor.id.clone()),
            recorded_at: Set(b.now),
            withdrawn_at: Set(None),
            withdrawn_by: Set(None),
        })
        .exec_without_returning(&b.txn)
        .await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// Appoints the child coordinator (or changes them, with a change decision), who takes over the
    /// coordination of the services in the same transaction (hol § 7-2 a).
    pub async fn appoint_child_coordinator(
        &self,
        actor: &User,
        case_id: &str,
        new: NewCcAppointment,
    ) -> Result<String, StoreError> {
        let id = new_id("bkoppnevning");
        let b = self.cc_begin(actor, case_id, ChildCoordinationStep::Manage, "child_coordinator_appoint", &id).await?;
        let today = b.now.date_naive();
        let state = state_of(matter(&b.txn, case_id).await?.as_ref())?;
        let consent = cc_consent::Entity::find()
            .filter(cc_consent::Column::CaseId.eq(case_id))
            .filter(cc_consent::Column::WithdrawnAt.is_null())
            .one(&b.txn)
            .await?
            .is_some();
        let works_there = membership::Entity::find()
            .filter(membership::Column::UserId.eq(new.coordinator_user_id.as_str()))
            .filter(membership::Column::ServiceId.eq(new.service_id.as_str()))
            .filter(membership::Column::EndedAt.is_null())
            .one(&b.txn)
            .await?
            .is_some()
            && user::Entity::find_by_id(new.coordinator_user_id.clone()).one(&b.txn).await?.is_some_and(|u| u.active);
        let owner = service_owner(&b.txn, &new.service_id, "service_id").await?;
        let ordinary = ordinary_coordinator(&b.txn, &b.l).await?;
        let family = family_coordinator(&b.txn, &b.l, today).await?;
        let a = NewAppointment {
            coordinator_user_id: &new.coordinator_user_id,
            service_owner: owner,
            works_there,
            family_wishes: &new.family_wishes,
            wishes_met: new.wishes_met,
            wishes_reason: &new.wishes_reason,
            need_weight: new.need_weight,
        };
        let facts =
            AppointmentFacts { state, consent, ordinary_coordinator: ordinary, family_coordinator: family.as_deref() };
        validate_appointment(&a, &facts)?;
        if !b.l.case.participants.iter().any(|p| p.service_id == new.service_id && p.active_on(today)) {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.not_participant",
                Some("service_id"),
                "the coordinator's service must take part in the case: add it to the case first",
            )
            .into());
        }
        if let Some(s) = &b.settings {
            let load = current_load(&b.txn, &new.coordinator_user_id, &b.l, today).await?;
            if !new.accept_over_threshold && would_exceed(load, new.need_weight, s.caseload_threshold.max(0) as u32) {
                return Err(ChildCoordinatorError::new(
                    "child_coordinator.caseload",
                    Some("accept_over_threshold"),
                    format!(
                        "this family takes the coordinator's weighted caseload from {load} over the municipality's threshold of {}: confirm to appoint anyway",
                        s.caseload_threshold
                    ),
                )
                .into());
            }
        }
        let changing = state == Some(MatterState::Appointed);
        let decision_id = if changing {
            let reasons = new.change_reasons.clone().unwrap_or_default();
            reasoned(&reasons, "change_reasons", "child_coordinator.reasons", "reasons for the change")?;
            let decision_id = new_id("bkvedtak");
            end_appointments(&b.txn, case_id, today, Some(EndReason::Other), Some(&decision_id)).await?;
            let d = NewDecision { kind: DecisionKind::Change, reasons: &reasons, end_reason: None };
            los_domain::child_coordinator::decision::validate_decision(
                &d,
                state,
                None,
                &super::writes::route(b.settings.as_ref()),
            )?;
            let name = coordinator_name(&b.txn, &new.coordinator_user_id, &new.service_id).await?;
            self.insert_decision(&b, actor, &decision_id, case_id, &d, new.language, Some(name)).await?;
            Some(decision_id)
        } else {
            None
        };
        advance(&b.txn, case_id, if changing { Event::Changed } else { Event::Appointed }, b.now, |m| {
            if matches!(&m.appointed_at, sea_orm::ActiveValue::Unchanged(None) | sea_orm::ActiveValue::NotSet) {
                m.appointed_at = Set(Some(b.now));
            }
        })
        .await?;
        cc_appointment::Entity::insert(cc_appointment::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(case_id.into()),
            coordinator_user_id: Set(new.coordinator_user_id.clone()),
            service_id: Set(new.service_id.clone()),
            family_wishes: Set(new.family_wishes.trim().into()),
            wishes_met: Set(new.wishes_met),
            wishes_reason: Set(new.wishes_reason.trim().into()),
            need_weight: Set(i32::from(new.need_weight)),
            dedicated: Set(new.dedicated),
            specialist_coordinator: Set(new
                .specialist_coordinator
                .clone()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())),
            starts: Set(today),
            ends: Set(None),
            end_reason: Set(None),
            decision_id: Set(decision_id),
            appointed_by: Set(actor.id.clone()),
            appointed_at: Set(b.now),
        })
        .exec_without_returning(&b.txn)
        .await?;
        take_over_coordination(&b, actor, case_id, &new, self.key()).await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// Plans the handover at 18 to an ordinary coordinator: the child coordinator ends when the overlap
    /// does, with a termination decision (the right ends at 18), and the ordinary coordinator may be
    /// recorded beside them meanwhile.
    pub async fn hand_over_at_18(&self, actor: &User, case_id: &str, new: NewHandover) -> Result<String, StoreError> {
        let id = new_id("bkovergang");
        let b = self.cc_begin(actor, case_id, ChildCoordinationStep::Manage, "child_coordinator_handover", &id).await?;
        let today = b.now.date_naive();
        let facts = child_facts(&b.l.child);
        let lead = b.settings.as_ref().map_or(12, |s| s.transition_lead_months.max(0) as u32);
        let owner = service_owner(&b.txn, &new.service_id, "service_id").await?;
        validate_handover(&Handover { service_owner: owner, overlap_until: new.overlap_until }, &facts, lead, today)?;
        crate::tx::required(&new.person, "person", "child_coordinator.person", "name the ordinary coordinator")?;
        reasoned(&new.plan, "plan", "child_coordinator.plan", "plan for the handover")?;
        let Some(current) = cc_appointment_now(&b.txn, case_id, &b.l.child, today).await? else {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.no_coordinator",
                None,
                "there is no child coordinator in force to hand over from",
            )
            .into());
        };
        let name = coordinator_name(&b.txn, &current.coordinator_user_id, &current.service_id).await?;
        let decision_id = new_id("bkvedtak");
        let eighteenth = facts.eighteenth_birthday();
        let reasons = format!(
            "Retten til barnekoordinator varer til barnet fyller 18 år ({eighteenth}). Koordineringen går over til en ordinær koordinator, {}, med overlapp til {}. {}",
            new.person.trim(),
            new.overlap_until,
            new.plan.trim()
        );
        let d =
            NewDecision { kind: DecisionKind::Termination, reasons: &reasons, end_reason: Some(EndReason::Turned18) };
        self.insert_decision(&b, actor, &decision_id, case_id, &d, new.language, Some(name)).await?;
        let mut am: cc_appointment::ActiveModel = current.into();
        am.ends = Set(Some(new.overlap_until));
        am.end_reason = Set(Some(EndReason::Turned18.as_str().into()));
        am.decision_id = Set(Some(decision_id));
        cc_appointment::Entity::update(am).exec(&b.txn).await?;
        if new.overlap_until > eighteenth {
            // The overlap after 18 is the municipality's choice to continue until the handover is done.
            advance(&b.txn, case_id, Event::Changed, b.now, |m| {
                m.extended_until = Set(Some(new.overlap_until));
                m.extension_reasons = Set(Some("overlap with the ordinary coordinator".into()));
            })
            .await?;
        }
        cc_handover::Entity::insert(cc_handover::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(case_id.into()),
            service_id: Set(new.service_id),
            person: Set(new.person.trim().into()),
            overlap_until: Set(new.overlap_until),
            plan: Set(new.plan.trim().into()),
            recorded_by: Set(actor.id.clone()),
            recorded_at: Set(b.now),
        })
        .exec_without_returning(&b.txn)
        .await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// The municipality continues the child coordinator after 18 until `until` (a municipal choice).
    pub async fn extend_child_coordinator(
        &self,
        actor: &User,
        case_id: &str,
        new: NewExtension,
    ) -> Result<String, StoreError> {
        let id = new_id("bkforlengelse");
        let b = self.cc_begin(actor, case_id, ChildCoordinationStep::Manage, "child_coordinator_extend", &id).await?;
        reasoned(&new.reasons, "reasons", "child_coordinator.reasons", "reasons for continuing after 18")?;
        let eighteenth = child_facts(&b.l.child).eighteenth_birthday();
        if new.until <= eighteenth
            || new.until <= b.now.date_naive()
            || new.until > eighteenth + chrono::Days::new(3660)
        {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.extension",
                Some("until"),
                format!("continuing after 18 runs to a day after the 18th birthday ({eighteenth}) and after today, and at most ten years"),
            )
            .into());
        }
        let state = advance(&b.txn, case_id, Event::Changed, b.now, |m| {
            m.extended_until = Set(Some(new.until));
            m.extension_reasons = Set(Some(new.reasons.trim().into()));
        })
        .await?;
        debug_assert_eq!(state, MatterState::Appointed);
        b.txn.commit().await?;
        Ok(id)
    }
}

/// An ordinary municipal coordinator is in force (the rights screening's coordinator in place at a
/// municipal service), unless the handover at 18 is planned.
async fn ordinary_coordinator(txn: &DatabaseTransaction, l: &crate::tx::Loaded) -> Result<bool, StoreError> {
    let row = rights_screening::Entity::find()
        .filter(rights_screening::Column::CaseId.eq(l.case.id.as_str()))
        .filter(rights_screening::Column::Kind.eq(RightKind::Coordinator.as_str()))
        .filter(rights_screening::Column::Outcome.eq(ScreeningOutcome::InPlace.as_str()))
        .filter(rights_screening::Column::SupersededAt.is_null())
        .one(txn)
        .await?;
    match row.and_then(|r| r.service_id) {
        Some(s) => Ok(service_owner(txn, &s, "service_id").await? == OwnerType::Municipal),
        None => Ok(false),
    }
}

/// The child coordinator in force for a sibling: a child of the same parents with parental responsibility,
/// in another case (the right is the family's, spec 02 §1.3, §1.5).
async fn family_coordinator(
    txn: &DatabaseTransaction,
    l: &crate::tx::Loaded,
    today: NaiveDate,
) -> Result<Option<String>, StoreError> {
    let parents: Vec<String> = l
        .guardianships
        .iter()
        .filter(|g| g.relation == los_domain::model::Relation::Parent && g.parental_responsibility)
        .map(|g| g.adult_person_id.clone())
        .collect();
    if parents.is_empty() {
        return Ok(None);
    }
    let siblings: Vec<String> = guardianship::Entity::find()
        .filter(guardianship::Column::AdultPersonId.is_in(parents))
        .filter(guardianship::Column::ParentalResponsibility.eq(true))
        .filter(guardianship::Column::ChildPersonId.ne(l.case.child_person_id.as_str()))
        .all(txn)
        .await?
        .into_iter()
        .map(|g| g.child_person_id)
        .collect();
    if siblings.is_empty() {
        return Ok(None);
    }
    for c in case::Entity::find().filter(case::Column::ChildPersonId.is_in(siblings)).all(txn).await? {
        let child = crate::tx::load_person(txn, &c.child_person_id).await?;
        if let Some(a) = cc_appointment_now(txn, &c.id, &child, today).await? {
            return Ok(Some(a.coordinator_user_id));
        }
    }
    Ok(None)
}

/// The coordinator's weighted caseload now: the need weights of the appointments in force.
async fn current_load(
    txn: &DatabaseTransaction,
    user_id: &str,
    _l: &crate::tx::Loaded,
    today: NaiveDate,
) -> Result<u32, StoreError> {
    let rows =
        cc_appointment::Entity::find().filter(cc_appointment::Column::CoordinatorUserId.eq(user_id)).all(txn).await?;
    Ok(rows
        .iter()
        .filter(|a| a.starts <= today && a.ends.is_none_or(|e| today < e))
        .map(|a| a.need_weight.max(0) as u32)
        .sum())
}

/// "Name, Service" of a coordinator, for the letter.
pub(super) async fn coordinator_name(
    txn: &impl sea_orm::ConnectionTrait,
    user_id: &str,
    service_id: &str,
) -> Result<String, StoreError> {
    let u = user::Entity::find_by_id(user_id.to_owned()).one(txn).await?;
    let s = service::Entity::find_by_id(service_id.to_owned()).one(txn).await?;
    Ok(format!(
        "{}, {}",
        u.map_or_else(|| user_id.to_owned(), |u| u.display_name),
        s.map_or_else(|| service_id.to_owned(), |s| s.name)
    ))
}

/// The appointed child coordinator coordinates the services (hol § 7-2 a; spec 02 §0): the coordination of
/// the case is set to their service, as its own audited write on the same basis.
async fn take_over_coordination(
    b: &Begun,
    actor: &User,
    case_id: &str,
    new: &NewCcAppointment,
    key: &crate::audit::AuditKey,
) -> Result<(), StoreError> {
    let already = coordination::Entity::find()
        .filter(coordination::Column::CaseId.eq(case_id))
        .filter(coordination::Column::ValidTo.is_null())
        .one(&b.txn)
        .await?
        .is_some_and(|c| c.service_id == new.service_id && c.basis == CoordinationBasis::ChildCoordinator.as_str());
    if already {
        return Ok(());
    }
    let assignment = new_id("samordning");
    replace_assignment(
        &b.txn,
        coordination::ActiveModel {
            id: Set(assignment.clone()),
            case_id: Set(case_id.into()),
            service_id: Set(new.service_id.clone()),
            basis: Set(CoordinationBasis::ChildCoordinator.as_str().into()),
            agreed_by: Set(String::new()),
            decided_by: Set(actor.id.clone()),
            decided_role: Set(b.basis.role.map(|r| r.as_str().to_owned())),
            delegation_ref: Set(None),
            child_view: Set(new.family_wishes.trim().into()),
            parents_view: Set(new.family_wishes.trim().into()),
            reasons: Set("Barnekoordinator oppnevnt (helse- og omsorgstjenesteloven § 7-2 a)".into()),
            decided_at: Set(b.now),
            valid_from: Set(b.now.date_naive()),
            valid_to: Set(None),
            communicated_at: Set(None),
            communicated_how: Set(None),
            dispute_id: Set(None),
        },
    )
    .await?;
    close_prompts(&b.txn, case_id, "review_coordinator", None, actor, b.now).await?;
    let e = crate::tx::with_decision(
        crate::tx::entry(actor, "coordinator_assign", "coordination", &assignment, case_id),
        &los_policy::Decision::Allow(b.basis.clone()),
        Some(los_domain::consent::InfoCategory::Overview),
    );
    crate::audit::append(&b.txn, key, vec![e]).await?;
    Ok(())
}

impl Store {
    /// Withdraws a consent to the child coordinator: the parent who gave it, in Los, or the unit recording
    /// what the family told it. With no consent left, the unit is prompted to end the coordinator.
    pub async fn withdraw_child_coordinator_consent(
        &self,
        actor: &User,
        case_id: &str,
        consent_id: &str,
    ) -> Result<String, StoreError> {
        let by_family = actor.kind == UserKind::Citizen;
        let step = if by_family { ChildCoordinationStep::FamilyAct } else { ChildCoordinationStep::Manage };
        let b = self.cc_begin(actor, case_id, step, "child_coordinator_consent_withdraw", consent_id).await?;
        let c = cc_consent::Entity::find_by_id(consent_id.to_owned())
            .one(&b.txn)
            .await?
            .filter(|c| c.case_id == case_id)
            .ok_or_else(|| StoreError::NotFound { kind: "consent", id: consent_id.to_owned() })?;
        if by_family && actor.person_id.as_deref() != Some(c.giver_person_id.as_str()) {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.not_giver",
                None,
                "only the parent who gave this consent withdraws it in Los",
            )
            .into());
        }
        if c.withdrawn_at.is_some() {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.withdrawn",
                None,
                "the consent is already withdrawn",
            )
            .into());
        }
        let mut am: cc_consent::ActiveModel = c.into();
        am.withdrawn_at = Set(Some(b.now));
        am.withdrawn_by = Set(Some(actor.id.clone()));
        cc_consent::Entity::update(am).exec(&b.txn).await?;
        b.txn.commit().await?;
        Ok(consent_id.to_owned())
    }
}
