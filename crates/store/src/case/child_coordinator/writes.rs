//! Reports and requests, the unit's guidance, the assessment, the family's choice of right, and the
//! written decision with its letter.

use chrono::{DateTime, Utc};
use los_domain::child_coordinator::assessment::{
    AssessmentInput, ConditionKind, Judgement, SeverityTheme, validate_assessment,
};
use los_domain::child_coordinator::complaint::ComplaintKind;
use los_domain::child_coordinator::decision::{
    ComplaintRoute, DecisionKind, EndReason, LetterLanguage, NewDecision, complaint_deadline, validate_decision,
};
use los_domain::child_coordinator::{
    Channel, ChildCoordinatorError, Event, MatterState, NewReport, ReportKind, Situation, validate_report,
};
use los_domain::consent::InfoCategory;
use los_domain::model::{User, UserKind};
use los_policy::{Action, Basis, ChildCoordinationStep, authorize};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};

use super::{advance, letter, matter, resource, settings_for, state_of};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::shared::child_facts;
use crate::tx::{Loaded, entry, new_id, parse_enum};

/// A report of a possible need, or a request from the family.
#[derive(Debug, Clone)]
pub struct NewCcReport {
    pub channel: Channel,
    pub kind: Option<ReportKind>,
    pub situation: Situation,
    pub description: String,
}

/// The guidance the unit gave the family about the right, and whether they then asked for an assessment.
#[derive(Debug, Clone)]
pub struct NewGuidance {
    pub description: String,
    pub wants_assessment: bool,
}

/// The unit's assessment of the three conditions.
#[derive(Debug, Clone)]
pub struct NewCcAssessment {
    pub c2: Judgement,
    pub kinds: Vec<ConditionKind>,
    pub themes: Vec<SeverityTheme>,
    pub c2_reasoning: String,
    pub family_experience: String,
    pub diagnosis: Option<String>,
    pub c3: Judgement,
    pub long_term: String,
    pub complex: String,
    pub health_care: String,
    pub other_welfare: String,
    pub interdisciplinary: bool,
    pub participants: String,
    pub harmful_behaviour: bool,
    pub mapping: String,
    /// The family also qualifies for an ordinary coordinator (hol § 7-2): the unit records which right
    /// the family chose.
    pub also_ordinary: bool,
}

/// The family's choice when both rights are met: `child_coordinator` or `ordinary_coordinator`.
#[derive(Debug, Clone)]
pub struct NewChoice {
    pub right: String,
    pub description: String,
}

/// A written decision: grant, refusal or termination (a change comes with the new appointment).
#[derive(Debug, Clone)]
pub struct NewCcDecision {
    pub kind: DecisionKind,
    pub reasons: String,
    pub end_reason: Option<EndReason>,
    pub language: LetterLanguage,
}

/// What a write to the matter begins with.
pub(super) struct Begun {
    pub txn: DatabaseTransaction,
    pub l: Loaded,
    pub now: DateTime<Utc>,
    pub basis: Basis,
    pub settings: Option<cc_setting::Model>,
}

impl Store {
    /// Begins a write to the matter: the audited transaction, the municipality's settings, the policy's
    /// decision for `step` and its audit entry (health information: the matter holds the unit's judgement).
    pub(super) async fn cc_begin(
        &self,
        actor: &User,
        case_id: &str,
        step: ChildCoordinationStep,
        action: &str,
        id: &str,
    ) -> Result<Begun, StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let settings = settings_for(&txn, &l.child).await?;
        let coordinator = if step == ChildCoordinationStep::Work {
            crate::tx::shared::cc_appointment_now(&txn, case_id, &l.child, now.date_naive())
                .await?
                .map(|a| a.coordinator_user_id)
        } else {
            None
        };
        let d = authorize(actor, Action::Write, &resource(&l, step, settings.as_ref(), coordinator.as_deref()), now);
        let e = entry(actor, action, "child_coordination", id, case_id);
        let (basis, txn) = self.decide(txn, d, e, Some(InfoCategory::Health)).await?;
        Ok(Begun { txn, l, now, basis, settings })
    }

    /// A service reports a possible need, the unit (or a service that received it) records the family's
    /// written or oral request, or the family asks in Los.
    pub async fn report_child_coordinator_need(
        &self,
        actor: &User,
        case_id: &str,
        new: NewCcReport,
    ) -> Result<String, StoreError> {
        let id = new_id("bkmelding");
        let by_family = actor.kind == UserKind::Citizen;
        let step = if by_family { ChildCoordinationStep::FamilyAct } else { ChildCoordinationStep::Report };
        let b = self.cc_begin(actor, case_id, step, "child_coordinator_report", &id).await?;
        let report = NewReport {
            channel: new.channel,
            kind: new.kind,
            situation: new.situation,
            description: &new.description,
            by_family,
        };
        let kind = validate_report(&report)?;
        let family_request = new.channel.is_family_request();
        let event = if family_request { Event::Request } else { Event::Report };
        advance(&b.txn, case_id, event, b.now, |m| {
            let unset = match &m.requested_at {
                sea_orm::ActiveValue::Set(v) | sea_orm::ActiveValue::Unchanged(v) => v.is_none(),
                sea_orm::ActiveValue::NotSet => true,
            };
            if family_request && unset {
                m.requested_at = Set(Some(b.now));
            }
        })
        .await?;
        insert_event(&b, &id, case_id, actor, if family_request { "request" } else { "report" }, |e| {
            e.channel = Set(Some(new.channel.as_str().into()));
            e.report_kind = Set(Some(kind.as_str().into()));
            e.situation = Set(Some(new.situation.as_str().into()));
            e.description = Set(new.description.trim().into());
        })
        .await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// The unit guided the family about the right (its proactive duty, spec 02 §1.10); when the family then
    /// wants an assessment, the matter becomes a request.
    pub async fn guide_family(&self, actor: &User, case_id: &str, new: NewGuidance) -> Result<String, StoreError> {
        let id = new_id("bkveiledning");
        let b = self.cc_begin(actor, case_id, ChildCoordinationStep::Manage, "child_coordinator_guidance", &id).await?;
        crate::tx::required(
            &new.description,
            "description",
            "child_coordinator.description",
            "say how the family was guided",
        )?;
        let wants = new.wants_assessment;
        advance(&b.txn, case_id, Event::Guided { wants_assessment: wants }, b.now, |m| {
            if wants && matches!(&m.requested_at, sea_orm::ActiveValue::Unchanged(None) | sea_orm::ActiveValue::NotSet)
            {
                m.requested_at = Set(Some(b.now));
            }
        })
        .await?;
        insert_event(&b, &id, case_id, actor, "guidance", |e| {
            e.description = Set(new.description.trim().into());
            e.wants_assessment = Set(Some(wants));
        })
        .await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// The unit records its assessment of the three conditions; C1 is checked from the child's record.
    pub async fn assess_child_coordinator(
        &self,
        actor: &User,
        case_id: &str,
        new: NewCcAssessment,
    ) -> Result<String, StoreError> {
        let id = new_id("bkvurdering");
        let b = self.cc_begin(actor, case_id, ChildCoordinationStep::Manage, "child_coordinator_assess", &id).await?;
        let c1_met = child_facts(&b.l.child).c1_met(b.now.date_naive());
        let input = AssessmentInput {
            c1_met,
            c2: new.c2,
            kinds: &new.kinds,
            themes: &new.themes,
            c2_reasoning: &new.c2_reasoning,
            family_experience: &new.family_experience,
            c3: new.c3,
            long_term: &new.long_term,
            complex: &new.complex,
            health_care: &new.health_care,
            other_welfare: &new.other_welfare,
            interdisciplinary: new.interdisciplinary,
            participants: &new.participants,
            harmful_behaviour: new.harmful_behaviour,
            mapping: &new.mapping,
        };
        let conclusion = validate_assessment(&input)?;
        advance(&b.txn, case_id, Event::Assessed, b.now, |_| {}).await?;
        for old in cc_assessment::Entity::find()
            .filter(cc_assessment::Column::CaseId.eq(case_id))
            .filter(cc_assessment::Column::SupersededAt.is_null())
            .all(&b.txn)
            .await?
        {
            let mut am: cc_assessment::ActiveModel = old.into();
            am.superseded_at = Set(Some(b.now));
            cc_assessment::Entity::update(am).exec(&b.txn).await?;
        }
        let join = |v: Vec<&str>| v.join(",");
        cc_assessment::Entity::insert(cc_assessment::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(case_id.into()),
            c1_met: Set(c1_met),
            c2: Set(new.c2.as_str().into()),
            kinds: Set(join(new.kinds.iter().map(|k| k.as_str()).collect())),
            themes: Set(join(new.themes.iter().map(|t| t.as_str()).collect())),
            c2_reasoning: Set(new.c2_reasoning.trim().into()),
            family_experience: Set(new.family_experience.trim().into()),
            diagnosis: Set(new.diagnosis.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty())),
            c3: Set(new.c3.as_str().into()),
            long_term: Set(new.long_term.trim().into()),
            complex: Set(new.complex.trim().into()),
            health_care: Set(new.health_care.trim().into()),
            other_welfare: Set(new.other_welfare.trim().into()),
            interdisciplinary: Set(new.interdisciplinary),
            participants: Set(new.participants.trim().into()),
            harmful_behaviour: Set(new.harmful_behaviour),
            mapping: Set(new.mapping.trim().into()),
            also_ordinary: Set(new.also_ordinary && conclusion.eligible),
            eligible: Set(conclusion.eligible),
            assessed_by: Set(actor.id.clone()),
            assessed_by_service: Set(Self::acting_service(&b.basis)?),
            assessed_at: Set(b.now),
            superseded_at: Set(None),
        })
        .exec_without_returning(&b.txn)
        .await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// The unit records which right the family chose when it qualifies for both (spec 02 §1.5): choosing
    /// the ordinary coordinator ends the child-coordinator matter.
    pub async fn record_coordinator_choice(
        &self,
        actor: &User,
        case_id: &str,
        new: NewChoice,
    ) -> Result<String, StoreError> {
        let id = new_id("bkvalg");
        let b = self.cc_begin(actor, case_id, ChildCoordinationStep::Manage, "child_coordinator_choice", &id).await?;
        let m = matter(&b.txn, case_id).await?;
        let assessed = cc_assessment::Entity::find()
            .filter(cc_assessment::Column::CaseId.eq(case_id))
            .filter(cc_assessment::Column::SupersededAt.is_null())
            .one(&b.txn)
            .await?;
        if state_of(m.as_ref())? != Some(MatterState::Assessed) || !assessed.is_some_and(|a| a.also_ordinary) {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.no_choice",
                Some("right"),
                "the family chooses when the assessment found both rights met",
            )
            .into());
        }
        let right = match new.right.as_str() {
            r @ ("child_coordinator" | "ordinary_coordinator") => r.to_owned(),
            _ => {
                return Err(ChildCoordinatorError::new(
                    "child_coordinator.right",
                    Some("right"),
                    "choose the child coordinator or the ordinary coordinator",
                )
                .into());
            }
        };
        let ordinary = right == "ordinary_coordinator";
        let mut am: cc_matter::ActiveModel = m.expect("checked above").into();
        am.chosen_right = Set(Some(right.clone()));
        am.updated_at = Set(b.now);
        if ordinary {
            am.state = Set(MatterState::Ended.as_str().into());
        }
        cc_matter::Entity::update(am).exec(&b.txn).await?;
        insert_event(&b, &id, case_id, actor, "choice", |e| {
            e.description = Set(format!("{right}: {}", new.description.trim()));
        })
        .await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// The unit's written decision to grant or refuse the right, or to end the coordinator: reasoned, with
    /// the right to complain, the complaint body and the deadline, and a PDF letter kept with the case.
    pub async fn decide_child_coordinator(
        &self,
        actor: &User,
        case_id: &str,
        new: NewCcDecision,
    ) -> Result<String, StoreError> {
        let id = new_id("bkvedtak");
        let b = self.cc_begin(actor, case_id, ChildCoordinationStep::Manage, "child_coordinator_decide", &id).await?;
        if new.kind == DecisionKind::Change {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.decision_kind",
                Some("kind"),
                "a change of coordinator is decided with the new appointment",
            )
            .into());
        }
        let m = matter(&b.txn, case_id).await?;
        let state = state_of(m.as_ref())?;
        let current = cc_assessment::Entity::find()
            .filter(cc_assessment::Column::CaseId.eq(case_id))
            .filter(cc_assessment::Column::SupersededAt.is_null())
            .one(&b.txn)
            .await?;
        if new.kind == DecisionKind::Grant
            && current.as_ref().is_some_and(|a| a.also_ordinary)
            && m.as_ref().and_then(|m| m.chosen_right.as_deref()) != Some("child_coordinator")
        {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.choice_missing",
                Some("kind"),
                "the family also qualifies for an ordinary coordinator: record which right they chose first",
            )
            .into());
        }
        let conclusion =
            current.as_ref().map(|a| los_domain::child_coordinator::assessment::Conclusion { eligible: a.eligible });
        let route = route(b.settings.as_ref());
        let decision = NewDecision { kind: new.kind, reasons: &new.reasons, end_reason: new.end_reason };
        validate_decision(&decision, state, conclusion, &route)?;
        let event = match new.kind {
            DecisionKind::Grant => Event::Granted,
            DecisionKind::Refusal => Event::Refused,
            _ => Event::Ended,
        };
        advance(&b.txn, case_id, event, b.now, |_| {}).await?;
        if new.kind == DecisionKind::Termination {
            end_appointments(&b.txn, case_id, b.now.date_naive(), new.end_reason, Some(&id)).await?;
        }
        let coordinator = if new.kind == DecisionKind::Termination {
            letter::current_coordinator(&b.txn, case_id).await?
        } else {
            None
        };
        self.insert_decision(&b, actor, &id, case_id, &decision, new.language, coordinator).await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// Writes a decision with its letter (text and PDF) in the matter's transaction.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn insert_decision(
        &self,
        b: &Begun,
        actor: &User,
        id: &str,
        case_id: &str,
        d: &NewDecision<'_>,
        language: LetterLanguage,
        coordinator: Option<String>,
    ) -> Result<(), StoreError> {
        let route = route(b.settings.as_ref());
        let decided_on = b.now.date_naive();
        let deadline = complaint_deadline(decided_on, &route);
        let (text, pdf) = letter::render(
            &b.txn,
            &b.l,
            b.settings.as_ref(),
            actor,
            letter::Content { id, kind: d.kind, reasons: d.reasons, language, coordinator, route: &route, decided_on },
        )
        .await?;
        cc_decision::Entity::insert(cc_decision::ActiveModel {
            id: Set(id.to_owned()),
            case_id: Set(case_id.into()),
            kind: Set(d.kind.as_str().into()),
            reasons: Set(d.reasons.trim().into()),
            end_reason: Set(d.end_reason.map(|r| r.as_str().to_owned())),
            language: Set(language.as_str().into()),
            complaint_body: Set(route.body.clone()),
            complaint_law: Set(route.law.clone()),
            deadline_days: Set(route.deadline_days as i32),
            complaint_deadline: Set(deadline),
            decided_by: Set(actor.id.clone()),
            decided_by_service: Set(Self::acting_service(&b.basis)?),
            decided_at: Set(b.now),
            letter_text: Set(text),
            letter_pdf: Set(pdf),
        })
        .exec_without_returning(&b.txn)
        .await?;
        Ok(())
    }
}

/// The complaint route the municipality configured.
pub(super) fn route(s: Option<&cc_setting::Model>) -> ComplaintRoute {
    ComplaintRoute {
        body: s.map(|s| s.complaint_body.clone()).unwrap_or_default(),
        law: ComplaintRoute::LAW.into(),
        deadline_days: s.map_or(0, |s| s.deadline_days.max(0) as u32),
    }
}

/// Ends the appointments in force on `day` with `reason`.
pub(super) async fn end_appointments(
    txn: &DatabaseTransaction,
    case_id: &str,
    day: chrono::NaiveDate,
    reason: Option<EndReason>,
    decision_id: Option<&str>,
) -> Result<(), StoreError> {
    for a in cc_appointment::Entity::find()
        .filter(cc_appointment::Column::CaseId.eq(case_id))
        .filter(cc_appointment::Column::Ends.is_null())
        .all(txn)
        .await?
    {
        let mut am: cc_appointment::ActiveModel = a.into();
        am.ends = Set(Some(day));
        am.end_reason = Set(reason.map(|r| r.as_str().to_owned()));
        if let Some(d) = decision_id {
            am.decision_id = Set(Some(d.to_owned()));
        }
        cc_appointment::Entity::update(am).exec(txn).await?;
    }
    Ok(())
}

/// The last decision of the matter of a kind (for a complaint to refer to).
pub(super) async fn last_decision(
    txn: &DatabaseTransaction,
    case_id: &str,
    kind: ComplaintKind,
) -> Result<Option<(String, DecisionKind, chrono::NaiveDate)>, StoreError> {
    let Some(k) = kind.decision() else { return Ok(None) };
    cc_decision::Entity::find()
        .filter(cc_decision::Column::CaseId.eq(case_id))
        .filter(cc_decision::Column::Kind.eq(k.as_str()))
        .order_by_desc(cc_decision::Column::DecidedAt)
        .one(txn)
        .await?
        .map(|d| Ok((d.id, parse_enum(&d.kind, DecisionKind::parse, "decision kind")?, d.complaint_deadline)))
        .transpose()
}

async fn insert_event(
    b: &Begun,
    id: &str,
    case_id: &str,
    actor: &User,
    kind: &str,
    fill: impl FnOnce(&mut cc_event::ActiveModel),
) -> Result<(), StoreError> {
    let mut am = cc_event::ActiveModel {
        id: Set(id.to_owned()),
        case_id: Set(case_id.into()),
        kind: Set(kind.into()),
        channel: Set(None),
        report_kind: Set(None),
        situation: Set(None),
        description: Set(String::new()),
        wants_assessment: Set(None),
        recorded_by: Set(actor.id.clone()),
        recorded_by_service: Set(b.basis.via_service.clone()),
        recorded_at: Set(b.now),
    };
    fill(&mut am);
    cc_event::Entity::insert(am).exec_without_returning(&b.txn).await?;
    Ok(())
}
