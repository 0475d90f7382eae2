//! The child coordinator in a case (issue 12; pbrl § 2-5 c, hol § 7-2 a; spec 02 §1): the matter from the
//! first report of a need or the family's request, the unit's guidance and assessment, the written decision
//! with its letter, the parents' consent, the appointment (which takes over the coordination), the handover
//! at 18, and complaints. Who does what is the policy's `Resource::ChildCoordination`; the rules are
//! `los_domain::child_coordinator`; every read and write is audited, as health information (the matter
//! holds the unit's judgement of the child's condition).
//!
//! The services taking part see where the matter stands and who the coordinator is; the unit, the family
//! and the appointed coordinator see the whole matter.

mod appoint;
mod complaints;
mod letter;
pub(crate) mod work;
mod writes;

pub use appoint::{NewCcAppointment, NewCcConsent, NewExtension, NewHandover};
pub use complaints::{NewComplaint, NewComplaintStep};
pub use work::CcWorkView;
pub use writes::{NewCcAssessment, NewCcDecision, NewCcReport, NewChoice, NewGuidance};

use chrono::{DateTime, NaiveDate, Utc};
use los_domain::child_coordinator::assessment::{ConditionKind, Judgement, SeverityTheme};
use los_domain::child_coordinator::complaint::{ComplaintKind, ComplaintOutcome, ComplaintState};
use los_domain::child_coordinator::decision::{DecisionKind, EndReason, LetterLanguage, YouthView};
use los_domain::child_coordinator::{
    Channel, ChildFacts, Event, LEGAL_BASIS, MatterState, ReportKind, Situation, appointment_in_force, transition_from,
};
use los_domain::consent::InfoCategory;
use los_domain::model::{Person, User, UserKind};
use los_policy::{Action, Basis, ChildCoordinationStep, Resource, authorize};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::shared::{cc_settings, child_facts};
use crate::tx::{Loaded, entry, load, parse_enum, split};

/// The municipality's settings for the child coordinator that apply to a child: its organisation id and
/// the row, when the municipality has set them.
pub(crate) async fn settings_for(
    conn: &impl ConnectionTrait,
    child: &Person,
) -> Result<Option<cc_setting::Model>, StoreError> {
    Ok(cc_settings(conn, &[child.registered_kommune.as_str().to_owned()]).await?.into_iter().next().map(|(_, s)| s))
}

pub(crate) async fn matter(conn: &impl ConnectionTrait, case_id: &str) -> Result<Option<cc_matter::Model>, StoreError> {
    Ok(cc_matter::Entity::find().filter(cc_matter::Column::CaseId.eq(case_id)).one(conn).await?)
}

pub(crate) fn state_of(m: Option<&cc_matter::Model>) -> Result<Option<MatterState>, StoreError> {
    m.map(|m| parse_enum(&m.state, MatterState::parse, "child-coordinator state")).transpose()
}

/// Moves the matter by `event` (refused when the rules do not allow it) and applies `extra` to its row;
/// creates the matter at its first event.
pub(crate) async fn advance(
    txn: &DatabaseTransaction,
    case_id: &str,
    event: Event,
    now: DateTime<Utc>,
    extra: impl FnOnce(&mut cc_matter::ActiveModel),
) -> Result<MatterState, StoreError> {
    let m = matter(txn, case_id).await?;
    let next = MatterState::after(state_of(m.as_ref())?, event)?;
    match m {
        Some(m) => {
            let mut am: cc_matter::ActiveModel = m.into();
            am.state = Set(next.as_str().into());
            am.updated_at = Set(now);
            extra(&mut am);
            cc_matter::Entity::update(am).exec(txn).await?;
        }
        None => {
            let mut am = cc_matter::ActiveModel {
                id: Set(crate::tx::new_id("bkoord")),
                case_id: Set(case_id.into()),
                state: Set(next.as_str().into()),
                opened_at: Set(now),
                requested_at: Set(None),
                appointed_at: Set(None),
                updated_at: Set(now),
                chosen_right: Set(None),
                extended_until: Set(None),
                extension_reasons: Set(None),
            };
            extra(&mut am);
            cc_matter::Entity::insert(am).exec_without_returning(txn).await?;
        }
    }
    Ok(next)
}

/// A report, a request, the guidance given, or the family's choice of right.
#[derive(Debug, Clone, Serialize)]
pub struct CcEventView {
    pub id: String,
    /// report | request | guidance | choice
    pub kind: String,
    pub channel: Option<Channel>,
    pub report_kind: Option<ReportKind>,
    /// A statutory report (helsepersonelloven § 38 a), not advice.
    pub statutory: bool,
    pub situation: Option<Situation>,
    pub description: String,
    pub wants_assessment: Option<bool>,
    pub recorded_by: String,
    pub recorded_by_service: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CcAssessmentView {
    pub id: String,
    pub c1_met: bool,
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
    pub also_ordinary: bool,
    pub eligible: bool,
    pub assessed_by: String,
    pub assessed_by_service: String,
    pub assessed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CcDecisionView {
    pub id: String,
    pub kind: DecisionKind,
    pub reasons: String,
    pub end_reason: Option<EndReason>,
    pub language: LetterLanguage,
    pub complaint_body: String,
    pub complaint_law: String,
    pub deadline_days: u32,
    pub complaint_deadline: NaiveDate,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
    /// The letter as text; the PDF is fetched on its own.
    pub letter_text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CcConsentView {
    pub id: String,
    pub giver_person_id: String,
    pub giver_name: String,
    pub receiver_person_id: Option<String>,
    pub form: String,
    pub youth_view: Option<YouthView>,
    pub weighing: String,
    pub recorded_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CcAppointmentView {
    pub id: String,
    pub coordinator_user_id: String,
    pub coordinator_name: String,
    pub service_id: String,
    pub service_name: String,
    pub family_wishes: String,
    pub wishes_met: bool,
    pub wishes_reason: String,
    pub need_weight: u8,
    pub dedicated: bool,
    pub specialist_coordinator: Option<String>,
    pub starts: NaiveDate,
    pub ends: Option<NaiveDate>,
    pub end_reason: Option<EndReason>,
    pub in_force: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CcHandoverView {
    pub service_id: String,
    pub service_name: String,
    pub person: String,
    pub overlap_until: NaiveDate,
    pub plan: String,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CcComplaintStepView {
    pub step: String,
    pub outcome: Option<ComplaintOutcome>,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CcComplaintView {
    pub id: String,
    pub kind: ComplaintKind,
    pub decision_id: Option<String>,
    pub text: String,
    pub received_on: NaiveDate,
    pub in_time: bool,
    pub channel: String,
    pub state: ComplaintState,
    pub outcome: Option<ComplaintOutcome>,
    pub registered_by: String,
    pub steps: Vec<CcComplaintStepView>,
}

/// The municipality's delegation decision that gives child coordinators their authority (spec 02 §1.12.2).
#[derive(Debug, Clone, Serialize)]
pub struct DelegationView {
    pub id: String,
    pub reference: String,
    pub decided_on: NaiveDate,
    pub scope: String,
}

/// What the reader may do in the matter (computed with the policy).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct CcMay {
    pub report: bool,
    pub family: bool,
    pub manage: bool,
    /// The coordinator's work: the child coordinator in force, and the unit.
    pub work: bool,
}

/// The child-coordinator matter of a case as the reader may see it.
#[derive(Debug, Clone, Serialize)]
pub struct CcView {
    pub case_id: String,
    pub state: Option<MatterState>,
    /// The unit the municipality authorised (service id and name), when it has set one.
    pub unit: Option<(String, String)>,
    /// The reader sees the whole matter (the unit, the family, the coordinator); others see where it stands
    /// and who coordinates.
    pub detail: bool,
    pub events: Vec<CcEventView>,
    pub assessment: Option<CcAssessmentView>,
    pub earlier_assessments: usize,
    pub decisions: Vec<CcDecisionView>,
    pub consents: Vec<CcConsentView>,
    /// The appointment in force.
    pub appointment: Option<CcAppointmentView>,
    pub appointments: Vec<CcAppointmentView>,
    pub handover: Option<CcHandoverView>,
    pub complaints: Vec<CcComplaintView>,
    /// The coordinator's work, newest first (the family sees the start-up conversation and the journal).
    pub work: Vec<CcWorkView>,
    /// The GDPR basis of the journal.
    pub journal_basis: &'static str,
    pub chosen_right: Option<String>,
    pub extended_until: Option<NaiveDate>,
    pub c1_met: bool,
    pub eighteenth_birthday: NaiveDate,
    pub transition_from: NaiveDate,
    /// What needs doing next, as codes: guide_family, assess, record_choice, decide, consent, appoint,
    /// plan_transition, review_at_18, consent_withdrawn (end the coordinator), complaint_open.
    pub prompts: Vec<&'static str>,
    pub delegation: Option<DelegationView>,
    pub may: CcMay,
    pub legal_basis: &'static [&'static str],
    pub basis: Basis,
    /// The child's name, and who may consent: the parents with parental responsibility (id, name).
    pub child_name: String,
    pub parents: Vec<(String, String)>,
    /// For the unit's forms: the municipal services taking part (id, name), and the people working in
    /// them who may be appointed (user id, name, service id, service name, weighted caseload now).
    pub municipal_services: Vec<(String, String)>,
    /// Every service taking part (id, name): where the coordinator may escalate about.
    pub participants: Vec<(String, String)>,
    pub candidates: Vec<Candidate>,
    /// The caseload threshold of the municipality.
    pub caseload_threshold: Option<u32>,
}

/// Someone the unit may appoint.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub user_id: String,
    pub name: String,
    pub service_id: String,
    pub service_name: String,
    pub weighted_load: u32,
}

/// The resource of a step in this case.
pub(crate) fn resource<'a>(
    l: &'a Loaded,
    step: ChildCoordinationStep,
    s: Option<&'a cc_setting::Model>,
    coordinator: Option<&'a str>,
) -> Resource<'a> {
    Resource::ChildCoordination { case: l.facts(), step, unit: s.map(|s| s.unit_service_id.as_str()), coordinator }
}

impl Store {
    /// The child-coordinator matter of a case, read through the policy and audited.
    pub async fn child_coordination(&self, actor: &User, case_id: &str) -> Result<CcView, StoreError> {
        let now = Utc::now();
        let txn = self.begin_read().await?;
        let (l, settings) = read_case(&txn, case_id, now).await?;
        let d =
            authorize(actor, Action::Read, &resource(&l, ChildCoordinationStep::Read, settings.as_ref(), None), now);
        let mut entries = Vec::new();
        let e = entry(actor, "read", "child_coordination", case_id, case_id);
        let (basis, txn) = self.decide_read(txn, d, e, Some(InfoCategory::Overview), &mut entries).await?;
        let view = read_matter(&txn, &l, actor, settings.as_ref(), basis, now).await?;
        if view.detail {
            // The whole matter holds the unit's judgement of the child's health: recorded as such.
            let mut e = entry(actor, "read", "child_coordination_detail", case_id, case_id);
            e = crate::tx::with_decision(
                e,
                &los_policy::Decision::Allow(view.basis.clone()),
                Some(InfoCategory::Health),
            );
            entries.push(e);
        }
        txn.commit().await?;
        self.record_reads(entries).await?;
        Ok(view)
    }

    /// The PDF letter of a decision: for those who see the whole matter.
    pub async fn child_coordination_letter(
        &self,
        actor: &User,
        case_id: &str,
        decision_id: &str,
    ) -> Result<(Vec<u8>, DecisionKind), StoreError> {
        let now = Utc::now();
        let txn = self.begin_read().await?;
        let (l, settings) = read_case(&txn, case_id, now).await?;
        let d =
            authorize(actor, Action::Read, &resource(&l, ChildCoordinationStep::Read, settings.as_ref(), None), now);
        let detail = match &d {
            los_policy::Decision::Allow(_) => sees_detail(&txn, &l, actor, settings.as_ref(), now).await?,
            los_policy::Decision::Deny(_) => false,
        };
        let d = if detail {
            d
        } else if d.is_allow() {
            los_policy::Decision::Deny(los_policy::DenyReason {
                code: "not_child_coordination_party",
                detail: "the decision letters are for the family, the coordinating unit and the coordinator".into(),
            })
        } else {
            d
        };
        let mut entries = Vec::new();
        let e = entry(actor, "read", "child_coordination_letter", decision_id, case_id);
        let (_, txn) = self.decide_read(txn, d, e, Some(InfoCategory::Health), &mut entries).await?;
        let dec = cc_decision::Entity::find_by_id(decision_id.to_owned())
            .one(&txn)
            .await?
            .filter(|d| d.case_id == case_id)
            .ok_or_else(|| StoreError::NotFound { kind: "decision", id: decision_id.to_owned() })?;
        txn.commit().await?;
        self.record_reads(entries).await?;
        Ok((dec.letter_pdf, parse_enum(&dec.kind, DecisionKind::parse, "decision kind")?))
    }
}

/// The case and its municipality's settings, for a read of the matter.
async fn read_case(
    txn: &DatabaseTransaction,
    case_id: &str,
    now: DateTime<Utc>,
) -> Result<(Loaded, Option<cc_setting::Model>), StoreError> {
    let row = case::Entity::find_by_id(case_id.to_owned())
        .one(txn)
        .await?
        .ok_or_else(|| StoreError::NotFound { kind: "case", id: case_id.to_owned() })?;
    let l = load(txn, row, now).await?;
    let settings = settings_for(txn, &l.child).await?;
    Ok((l, settings))
}

/// Does the reader see the whole matter: the unit, the family, or the coordinator appointed?
async fn sees_detail(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    actor: &User,
    s: Option<&cc_setting::Model>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    if actor.kind == UserKind::Citizen {
        return Ok(true);
    }
    if authorize(actor, Action::Write, &resource(l, ChildCoordinationStep::Manage, s, None), now).is_allow() {
        return Ok(true);
    }
    Ok(cc_appointment::Entity::find()
        .filter(cc_appointment::Column::CaseId.eq(l.case.id.as_str()))
        .filter(cc_appointment::Column::CoordinatorUserId.eq(actor.id.as_str()))
        .one(conn)
        .await?
        .is_some())
}

async fn read_matter(
    txn: &DatabaseTransaction,
    l: &Loaded,
    actor: &User,
    settings: Option<&cc_setting::Model>,
    basis: Basis,
    now: DateTime<Utc>,
) -> Result<CcView, StoreError> {
    let case_id = l.case.id.as_str();
    let today = now.date_naive();
    let m = matter(txn, case_id).await?;
    let state = state_of(m.as_ref())?;
    let facts: ChildFacts = child_facts(&l.child);
    let detail = sees_detail(txn, l, actor, settings, now).await?;
    let coordinator = crate::tx::shared::cc_appointment_now(txn, case_id, &l.child, today).await?;
    let coordinator_id = coordinator.as_ref().map(|a| a.coordinator_user_id.as_str());
    let allowed = |step| authorize(actor, Action::Write, &resource(l, step, settings, coordinator_id), now).is_allow();
    let may = CcMay {
        report: allowed(ChildCoordinationStep::Report),
        family: allowed(ChildCoordinationStep::FamilyAct),
        manage: allowed(ChildCoordinationStep::Manage),
        work: allowed(ChildCoordinationStep::Work),
    };
    let services = service::Entity::find().all(txn).await?;
    let service_name =
        |id: &str| services.iter().find(|s| s.id == id).map_or_else(|| id.to_owned(), |s| s.name.clone());
    let extended_until = m.as_ref().and_then(|m| m.extended_until);
    let appointments = load_appointments(txn, case_id, &facts, extended_until, today, &services).await?;
    let appointment = appointments.iter().find(|a| a.in_force).cloned();
    let handover = cc_handover::Entity::find()
        .filter(cc_handover::Column::CaseId.eq(case_id))
        .order_by_desc(cc_handover::Column::RecordedAt)
        .one(txn)
        .await?
        .map(|h| CcHandoverView {
            service_name: service_name(&h.service_id),
            service_id: h.service_id,
            person: h.person,
            overlap_until: h.overlap_until,
            plan: h.plan,
            recorded_at: h.recorded_at,
        });
    let unit = settings.map(|s| (s.unit_service_id.clone(), service_name(&s.unit_service_id)));
    let delegation = match settings {
        Some(s) => cc_delegation::Entity::find()
            .filter(cc_delegation::Column::OrganisationId.eq(s.organisation_id.as_str()))
            .order_by_desc(cc_delegation::Column::DecidedOn)
            .one(txn)
            .await?
            .map(|d| DelegationView { id: d.id, reference: d.reference, decided_on: d.decided_on, scope: d.scope }),
        None => None,
    };
    let mut view = CcView {
        case_id: case_id.to_owned(),
        state,
        unit,
        detail,
        events: Vec::new(),
        assessment: None,
        earlier_assessments: 0,
        decisions: Vec::new(),
        consents: Vec::new(),
        appointment,
        appointments: Vec::new(),
        handover,
        complaints: Vec::new(),
        work: Vec::new(),
        journal_basis: los_domain::child_coordinator::work::JOURNAL_BASIS,
        chosen_right: m.as_ref().and_then(|m| m.chosen_right.clone()),
        extended_until,
        c1_met: facts.c1_met(today),
        eighteenth_birthday: facts.eighteenth_birthday(),
        transition_from: transition_from(&facts, settings.map_or(12, |s| s.transition_lead_months.max(0) as u32)),
        prompts: Vec::new(),
        delegation,
        may,
        legal_basis: LEGAL_BASIS,
        basis,
        child_name: l.child.full_name(),
        parents: Vec::new(),
        municipal_services: Vec::new(),
        participants: Vec::new(),
        candidates: Vec::new(),
        caseload_threshold: settings.map(|s| s.caseload_threshold.max(0) as u32),
    };
    if !detail {
        return Ok(view);
    }
    view.parents = parents(txn, l).await?;
    if may.manage || may.work {
        for p in l.case.participants.iter().filter(|p| p.active_on(today)) {
            if p.owner_type == los_domain::model::OwnerType::Municipal {
                view.municipal_services.push((p.service_id.clone(), p.service_name.clone()));
            }
            view.participants.push((p.service_id.clone(), p.service_name.clone()));
        }
    }
    if may.manage {
        view.candidates = candidates(txn, &view.municipal_services, today).await?;
    }
    view.appointments = appointments;
    view.events = load_events(txn, case_id).await?;
    let mut assessments = load_assessments(txn, case_id).await?;
    view.earlier_assessments = assessments.len().saturating_sub(1);
    view.assessment = if assessments.is_empty() { None } else { Some(assessments.remove(0)) };
    view.decisions = load_decisions(txn, case_id).await?;
    view.consents = load_consents(txn, l).await?;
    view.complaints = complaints::load_complaints(txn, case_id).await?;
    view.work = work::load_work(txn, case_id, actor.kind == UserKind::Citizen).await?;
    view.prompts = prompts(&view, today);
    Ok(view)
}

/// What needs doing next in the matter: the domain's `next_steps` over what the view holds.
fn prompts(v: &CcView, today: NaiveDate) -> Vec<&'static str> {
    los_domain::child_coordinator::next_steps(&los_domain::child_coordinator::MatterFacts {
        state: v.state,
        choice_pending: v.assessment.as_ref().is_some_and(|a| a.eligible && a.also_ordinary)
            && v.chosen_right.is_none(),
        consents_given: v.consents.len(),
        consents_in_force: v.consents.iter().filter(|c| c.withdrawn_at.is_none()).count(),
        appointment_in_force: v.appointment.is_some(),
        transition_due: today >= v.transition_from,
        handover_planned: v.handover.is_some(),
        extended: v.extended_until.is_some(),
        open_complaints: v.complaints.iter().any(|c| c.state != ComplaintState::Implemented),
    })
}

async fn load_events(conn: &impl ConnectionTrait, case_id: &str) -> Result<Vec<CcEventView>, StoreError> {
    cc_event::Entity::find()
        .filter(cc_event::Column::CaseId.eq(case_id))
        .order_by_asc(cc_event::Column::RecordedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|e| {
            let report_kind =
                e.report_kind.as_deref().map(|k| parse_enum(k, ReportKind::parse, "report kind")).transpose()?;
            Ok(CcEventView {
                channel: e.channel.as_deref().map(|c| parse_enum(c, Channel::parse, "channel")).transpose()?,
                statutory: report_kind.is_some_and(ReportKind::statutory),
                report_kind,
                situation: e.situation.as_deref().map(|s| parse_enum(s, Situation::parse, "situation")).transpose()?,
                id: e.id,
                kind: e.kind,
                description: e.description,
                wants_assessment: e.wants_assessment,
                recorded_by: e.recorded_by,
                recorded_by_service: e.recorded_by_service,
                recorded_at: e.recorded_at,
            })
        })
        .collect()
}

fn codes<T>(s: &str, parse: fn(&str) -> Option<T>, what: &str) -> Result<Vec<T>, StoreError> {
    split(s).iter().map(|c| parse_enum(c, parse, what)).collect()
}

/// The assessments, the current first.
async fn load_assessments(conn: &impl ConnectionTrait, case_id: &str) -> Result<Vec<CcAssessmentView>, StoreError> {
    cc_assessment::Entity::find()
        .filter(cc_assessment::Column::CaseId.eq(case_id))
        .order_by_desc(cc_assessment::Column::AssessedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|a| {
            Ok(CcAssessmentView {
                c2: parse_enum(&a.c2, Judgement::parse, "judgement")?,
                c3: parse_enum(&a.c3, Judgement::parse, "judgement")?,
                kinds: codes(&a.kinds, ConditionKind::parse, "condition kind")?,
                themes: codes(&a.themes, SeverityTheme::parse, "severity theme")?,
                id: a.id,
                c1_met: a.c1_met,
                c2_reasoning: a.c2_reasoning,
                family_experience: a.family_experience,
                diagnosis: a.diagnosis,
                long_term: a.long_term,
                complex: a.complex,
                health_care: a.health_care,
                other_welfare: a.other_welfare,
                interdisciplinary: a.interdisciplinary,
                participants: a.participants,
                harmful_behaviour: a.harmful_behaviour,
                mapping: a.mapping,
                also_ordinary: a.also_ordinary,
                eligible: a.eligible,
                assessed_by: a.assessed_by,
                assessed_by_service: a.assessed_by_service,
                assessed_at: a.assessed_at,
            })
        })
        .collect()
}

async fn load_decisions(conn: &impl ConnectionTrait, case_id: &str) -> Result<Vec<CcDecisionView>, StoreError> {
    cc_decision::Entity::find()
        .filter(cc_decision::Column::CaseId.eq(case_id))
        .order_by_desc(cc_decision::Column::DecidedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|d| {
            Ok(CcDecisionView {
                kind: parse_enum(&d.kind, DecisionKind::parse, "decision kind")?,
                end_reason: d
                    .end_reason
                    .as_deref()
                    .map(|r| parse_enum(r, EndReason::parse, "end reason"))
                    .transpose()?,
                language: parse_enum(&d.language, LetterLanguage::parse, "letter language")?,
                id: d.id,
                reasons: d.reasons,
                complaint_body: d.complaint_body,
                complaint_law: d.complaint_law,
                deadline_days: d.deadline_days.max(0) as u32,
                complaint_deadline: d.complaint_deadline,
                decided_by: d.decided_by,
                decided_at: d.decided_at,
                letter_text: d.letter_text,
            })
        })
        .collect()
}

async fn load_consents(conn: &impl ConnectionTrait, l: &Loaded) -> Result<Vec<CcConsentView>, StoreError> {
    let rows = cc_consent::Entity::find()
        .filter(cc_consent::Column::CaseId.eq(l.case.id.as_str()))
        .order_by_desc(cc_consent::Column::RecordedAt)
        .all(conn)
        .await?;
    let ids: Vec<String> = rows.iter().map(|c| c.giver_person_id.clone()).collect();
    let people = person::Entity::find().filter(person::Column::Id.is_in(ids)).all(conn).await?;
    rows.into_iter()
        .map(|c| {
            Ok(CcConsentView {
                giver_name: people
                    .iter()
                    .find(|p| p.id == c.giver_person_id)
                    .map_or_else(|| c.giver_person_id.clone(), |p| format!("{} {}", p.given_name, p.family_name)),
                youth_view: c
                    .youth_view
                    .as_deref()
                    .map(|v| parse_enum(v, YouthView::parse, "youth view"))
                    .transpose()?,
                id: c.id,
                giver_person_id: c.giver_person_id,
                receiver_person_id: c.receiver_person_id,
                form: c.form,
                weighing: c.weighing,
                recorded_at: c.recorded_at,
                withdrawn_at: c.withdrawn_at,
            })
        })
        .collect()
}

async fn load_appointments(
    conn: &impl ConnectionTrait,
    case_id: &str,
    facts: &ChildFacts,
    extended_until: Option<NaiveDate>,
    today: NaiveDate,
    services: &[service::Model],
) -> Result<Vec<CcAppointmentView>, StoreError> {
    let service_name =
        |id: &str| services.iter().find(|s| s.id == id).map_or_else(|| id.to_owned(), |s| s.name.clone());
    let rows = cc_appointment::Entity::find()
        .filter(cc_appointment::Column::CaseId.eq(case_id))
        .order_by_desc(cc_appointment::Column::AppointedAt)
        .all(conn)
        .await?;
    let ids: Vec<String> = rows.iter().map(|a| a.coordinator_user_id.clone()).collect();
    let users = user::Entity::find().filter(user::Column::Id.is_in(ids)).all(conn).await?;
    rows.into_iter()
        .map(|a| {
            Ok(CcAppointmentView {
                in_force: appointment_in_force(a.starts, a.ends, facts, extended_until, today),
                coordinator_name: users
                    .iter()
                    .find(|u| u.id == a.coordinator_user_id)
                    .map_or_else(|| a.coordinator_user_id.clone(), |u| u.display_name.clone()),
                service_name: service_name(&a.service_id),
                end_reason: a
                    .end_reason
                    .as_deref()
                    .map(|r| parse_enum(r, EndReason::parse, "end reason"))
                    .transpose()?,
                need_weight: a.need_weight.clamp(0, 3) as u8,
                id: a.id,
                coordinator_user_id: a.coordinator_user_id,
                service_id: a.service_id,
                family_wishes: a.family_wishes,
                wishes_met: a.wishes_met,
                wishes_reason: a.wishes_reason,
                dedicated: a.dedicated,
                specialist_coordinator: a.specialist_coordinator,
                starts: a.starts,
                ends: a.ends,
            })
        })
        .collect()
}

async fn parents(conn: &impl ConnectionTrait, l: &Loaded) -> Result<Vec<(String, String)>, StoreError> {
    let ids: Vec<String> = l
        .guardianships
        .iter()
        .filter(|g| g.relation == los_domain::model::Relation::Parent && g.parental_responsibility)
        .map(|g| g.adult_person_id.clone())
        .collect();
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, format!("{} {}", p.given_name, p.family_name)))
        .collect())
}

/// The active employees of the municipal services taking part, with their weighted caseload now.
async fn candidates(
    conn: &impl ConnectionTrait,
    services: &[(String, String)],
    today: NaiveDate,
) -> Result<Vec<Candidate>, StoreError> {
    let ids: Vec<String> = services.iter().map(|s| s.0.clone()).collect();
    let members = membership::Entity::find()
        .filter(membership::Column::ServiceId.is_in(ids))
        .filter(membership::Column::EndedAt.is_null())
        .all(conn)
        .await?;
    let user_ids: Vec<String> = members.iter().map(|m| m.user_id.clone()).collect();
    let users = user::Entity::find().filter(user::Column::Id.is_in(user_ids.clone())).all(conn).await?;
    let loads = cc_appointment::Entity::find()
        .filter(cc_appointment::Column::CoordinatorUserId.is_in(user_ids))
        .all(conn)
        .await?;
    let mut out = Vec::new();
    for m in members.iter().filter(|m| !matches!(m.role.as_str(), "leader" | "administrator")) {
        let (Some(u), Some(service_id)) = (users.iter().find(|u| u.id == m.user_id && u.active), m.service_id.as_ref())
        else {
            continue;
        };
        out.push(Candidate {
            user_id: u.id.clone(),
            name: u.display_name.clone(),
            service_id: service_id.clone(),
            service_name: services.iter().find(|s| &s.0 == service_id).map_or_else(String::new, |s| s.1.clone()),
            weighted_load: loads
                .iter()
                .filter(|a| a.coordinator_user_id == u.id && a.starts <= today && a.ends.is_none_or(|e| today < e))
                .map(|a| a.need_weight.max(0) as u32)
                .sum(),
        });
    }
    Ok(out)
}
