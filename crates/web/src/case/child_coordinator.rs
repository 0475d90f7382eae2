//! The child coordinator (barnekoordinator) of a case, issue 12: its own page (`/saker/{id}/barnekoordinator`)
//! and the API under `/api/v1/cases/{id}/child-coordinator`. Each action has one typed input read from a
//! form or JSON, one parse into the store's command, and two thin handlers (page and API) with the same rule
//! and error code. The store applies the policy (only the authorised unit assesses, decides and appoints)
//! and the audit; the domain holds the rules.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use los_domain::child_coordinator::assessment::{ConditionKind, Judgement, SeverityTheme};
use los_domain::child_coordinator::complaint::{ComplaintKind, ComplaintOutcome};
use los_domain::child_coordinator::decision::{ConsentForm, DecisionKind, EndReason, LetterLanguage, YouthView};
use los_domain::child_coordinator::work::{EscalateTo, TaskLetter};
use los_domain::child_coordinator::{Channel, ReportKind, Situation};
use los_domain::model::User;
use los_store::{
    CcView, NewCcAppointment, NewCcAssessment, NewCcConsent, NewCcDecision, NewCcReport, NewChoice, NewComplaint,
    NewComplaintStep, NewEscalation, NewExtension, NewGuidance, NewHandover, NewInstruction, NewJournal, NewStartup,
    StoreError,
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::view::{FieldError, translate_store_error};
use super::{Created, Rejected, created, user};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::input::{JsonOrForm, flag, non_empty};
use crate::pages::{Base, PageResult, page_err, render};

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/barnekoordinator", get(page))
        .route("/saker/{id}/barnekoordinator/melding", post(report_page))
        .route("/saker/{id}/barnekoordinator/veiledning", post(guidance_page))
        .route("/saker/{id}/barnekoordinator/vurdering", post(assessment_page))
        .route("/saker/{id}/barnekoordinator/valg", post(choice_page))
        .route("/saker/{id}/barnekoordinator/vedtak", post(decision_page))
        .route("/saker/{id}/barnekoordinator/vedtak/{decision}/brev.pdf", get(letter_page))
        .route("/saker/{id}/barnekoordinator/samtykke", post(consent_page))
        .route("/saker/{id}/barnekoordinator/oppnevning", post(appointment_page))
        .route("/saker/{id}/barnekoordinator/overgang", post(handover_page))
        .route("/saker/{id}/barnekoordinator/forlengelse", post(extension_page))
        .route("/saker/{id}/barnekoordinator/klage", post(complaint_page))
        .route("/saker/{id}/barnekoordinator/klage/{complaint}/steg", post(complaint_step_page))
        .route("/saker/{id}/barnekoordinator/samtykke/{consent}/trekk", post(withdraw_page))
        .route("/saker/{id}/barnekoordinator/oppstart", post(startup_page))
        .route("/saker/{id}/barnekoordinator/journal", post(journal_page))
        .route("/saker/{id}/barnekoordinator/palegg", post(instruction_page))
        .route("/saker/{id}/barnekoordinator/eskalering", post(escalation_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(get_matter))
        .routes(routes!(report))
        .routes(routes!(guidance))
        .routes(routes!(assess))
        .routes(routes!(choose))
        .routes(routes!(decide))
        .routes(routes!(letter))
        .routes(routes!(consent))
        .routes(routes!(appoint))
        .routes(routes!(hand_over))
        .routes(routes!(extend))
        .routes(routes!(complain))
        .routes(routes!(complaint_step))
        .routes(routes!(withdraw))
        .routes(routes!(startup))
        .routes(routes!(journal))
        .routes(routes!(instruction))
        .routes(routes!(escalation))
}

fn pick<T>(v: &str, parse: fn(&str) -> Option<T>, element: &str, code: &'static str, msg: &str) -> Result<T, Rejected> {
    parse(v.trim()).ok_or_else(|| Rejected::new(element, code, msg))
}

fn optional<T>(
    v: &Option<String>,
    parse: fn(&str) -> Option<T>,
    element: &str,
    code: &'static str,
) -> Result<Option<T>, Rejected> {
    match non_empty(v.clone()) {
        None => Ok(None),
        Some(s) => parse(&s).map(Some).ok_or_else(|| Rejected::new(element, code, "choose one of the values offered")),
    }
}

fn day(v: &str, element: &str, code: &'static str) -> Result<NaiveDate, Rejected> {
    v.trim().parse().map_err(|_| Rejected::new(element, code, "give the date as YYYY-MM-DD"))
}

fn language(v: &Option<String>) -> Result<LetterLanguage, Rejected> {
    Ok(optional(v, LetterLanguage::parse, "cc-language", "child_coordinator.language")?
        .unwrap_or(LetterLanguage::Bokmal))
}

// ---- reports and requests

/// A report of a possible need, or a request from the family.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportInput {
    /// written | oral | digital | staff_report (a family member in Los: digital)
    #[serde(default)]
    channel: String,
    /// For a staff report: child_coordinator_need (advice) | individual_plan_need | coordinator_need
    /// (helsepersonelloven § 38 a)
    kind: Option<String>,
    /// born | before_birth | adoption | foster_home | institution
    #[serde(default)]
    situation: String,
    #[serde(default)]
    description: String,
}

impl ReportInput {
    pub fn parse(self) -> Result<NewCcReport, Rejected> {
        Ok(NewCcReport {
            channel: pick(
                &self.channel,
                Channel::parse,
                "cc-report-channel",
                "child_coordinator.channel",
                "choose how it came",
            )?,
            kind: optional(&self.kind, ReportKind::parse, "cc-report-kind", "child_coordinator.report_kind")?,
            situation: pick(
                &self.situation,
                Situation::parse,
                "cc-report-situation",
                "child_coordinator.situation",
                "choose the situation",
            )?,
            description: self.description,
        })
    }
}

const REPORT_FORM: &[(&str, &str)] =
    &[("description", "cc-report-description"), ("channel", "cc-report-channel"), ("kind", "cc-report-kind")];

async fn report_in(st: &AppState, actor: &User, id: &str, i: ReportInput) -> Result<String, Rejected> {
    st.store
        .report_child_coordinator_need(actor, id, i.parse()?)
        .await
        .map_err(|e| Rejected::on(REPORT_FORM, "cc-report-description", e))
}

// ---- guidance

/// How the unit guided the family about the right.
#[derive(Debug, Deserialize, ToSchema)]
pub struct GuidanceInput {
    #[serde(default)]
    description: String,
    /// The family wants the right assessed.
    #[serde(default, deserialize_with = "flag")]
    wants_assessment: bool,
}

async fn guidance_in(st: &AppState, actor: &User, id: &str, i: GuidanceInput) -> Result<String, Rejected> {
    let new = NewGuidance { description: i.description, wants_assessment: i.wants_assessment };
    st.store.guide_family(actor, id, new).await.map_err(|e| Rejected::at("cc-guidance-description", e))
}

// ---- assessment

/// The unit's assessment of the three conditions (C1 is checked from the child's record).
#[derive(Debug, Deserialize, ToSchema)]
pub struct AssessmentInput {
    /// met | not_met
    #[serde(default)]
    c2: String,
    /// illness | injury | disability
    #[serde(default, alias = "kind")]
    kinds: Vec<String>,
    /// function | invalidity | development | pain | life_limitation | loss_of_function | treatment_complexity
    #[serde(default, alias = "theme")]
    themes: Vec<String>,
    #[serde(default)]
    c2_reasoning: String,
    #[serde(default)]
    family_experience: String,
    diagnosis: Option<String>,
    /// met | not_met
    #[serde(default)]
    c3: String,
    #[serde(default)]
    long_term: String,
    #[serde(default)]
    complex: String,
    #[serde(default)]
    health_care: String,
    #[serde(default)]
    other_welfare: String,
    #[serde(default, deserialize_with = "flag")]
    interdisciplinary: bool,
    #[serde(default)]
    participants: String,
    #[serde(default, deserialize_with = "flag")]
    harmful_behaviour: bool,
    #[serde(default)]
    mapping: String,
    #[serde(default, deserialize_with = "flag")]
    also_ordinary: bool,
}

impl AssessmentInput {
    pub fn parse(self) -> Result<NewCcAssessment, Rejected> {
        fn list<T>(
            v: &[String],
            parse: fn(&str) -> Option<T>,
            element: &str,
            code: &'static str,
        ) -> Result<Vec<T>, Rejected> {
            v.iter()
                .filter(|s| !s.trim().is_empty())
                .map(|s| pick(s, parse, element, code, "choose among the values offered"))
                .collect()
        }
        Ok(NewCcAssessment {
            c2: pick(
                &self.c2,
                Judgement::parse,
                "cc-c2",
                "child_coordinator.judgement",
                "judge condition 2: met or not met",
            )?,
            kinds: list(&self.kinds, ConditionKind::parse, "cc-kinds", "child_coordinator.c2_kinds")?,
            themes: list(&self.themes, SeverityTheme::parse, "cc-themes", "child_coordinator.c2_themes")?,
            c2_reasoning: self.c2_reasoning,
            family_experience: self.family_experience,
            diagnosis: non_empty(self.diagnosis),
            c3: pick(
                &self.c3,
                Judgement::parse,
                "cc-c3",
                "child_coordinator.judgement",
                "judge condition 3: met or not met",
            )?,
            long_term: self.long_term,
            complex: self.complex,
            health_care: self.health_care,
            other_welfare: self.other_welfare,
            interdisciplinary: self.interdisciplinary,
            participants: self.participants,
            harmful_behaviour: self.harmful_behaviour,
            mapping: self.mapping,
            also_ordinary: self.also_ordinary,
        })
    }
}

const ASSESSMENT_FORM: &[(&str, &str)] = &[
    ("c2_reasoning", "cc-c2-reasoning"),
    ("themes", "cc-themes"),
    ("kinds", "cc-kinds"),
    ("family_experience", "cc-family-experience"),
    ("long_term", "cc-long-term"),
    ("complex", "cc-complex"),
    ("health_care", "cc-health-care"),
    ("other_welfare", "cc-other-welfare"),
    ("participants", "cc-participants"),
    ("mapping", "cc-mapping"),
];

async fn assessment_in(st: &AppState, actor: &User, id: &str, i: AssessmentInput) -> Result<String, Rejected> {
    st.store
        .assess_child_coordinator(actor, id, i.parse()?)
        .await
        .map_err(|e| Rejected::on(ASSESSMENT_FORM, "cc-c2", e))
}

// ---- the family's choice

/// Which right the family chose when both are met.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChoiceInput {
    /// child_coordinator | ordinary_coordinator
    #[serde(default)]
    right: String,
    #[serde(default)]
    description: String,
}

async fn choice_in(st: &AppState, actor: &User, id: &str, i: ChoiceInput) -> Result<String, Rejected> {
    let new = NewChoice { right: i.right, description: i.description };
    st.store.record_coordinator_choice(actor, id, new).await.map_err(|e| Rejected::at("cc-choice-right", e))
}

// ---- decisions

/// A written decision: grant, refusal or termination.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionInput {
    /// grant | refusal | termination
    #[serde(default)]
    kind: String,
    #[serde(default)]
    reasons: String,
    /// For a termination: turned_18 | consent_withdrawn | no_longer_eligible | switched_to_ordinary | moved |
    /// family_wish | other
    end_reason: Option<String>,
    /// nb | nn: the letter's language (default nb)
    language: Option<String>,
}

impl DecisionInput {
    pub fn parse(self) -> Result<NewCcDecision, Rejected> {
        Ok(NewCcDecision {
            kind: pick(
                &self.kind,
                DecisionKind::parse,
                "cc-decision-kind",
                "child_coordinator.decision_kind",
                "choose the decision",
            )?,
            end_reason: optional(
                &self.end_reason,
                EndReason::parse,
                "cc-decision-end-reason",
                "child_coordinator.end_reason",
            )?,
            language: language(&self.language)?,
            reasons: self.reasons,
        })
    }
}

const DECISION_FORM: &[(&str, &str)] =
    &[("reasons", "cc-decision-reasons"), ("kind", "cc-decision-kind"), ("end_reason", "cc-decision-end-reason")];

async fn decision_in(st: &AppState, actor: &User, id: &str, i: DecisionInput) -> Result<String, Rejected> {
    st.store
        .decide_child_coordinator(actor, id, i.parse()?)
        .await
        .map_err(|e| Rejected::on(DECISION_FORM, "cc-decision-kind", e))
}

// ---- consent

/// The parents' consent to a child coordinator.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ConsentInput {
    /// The parent consenting (a person id); a parent in Los consents for themselves.
    #[serde(default, alias = "giver")]
    giver_person_id: String,
    /// signature | oral | digital (a parent in Los: digital)
    #[serde(default)]
    form: String,
    /// Foster parents who receive the coordinator on the parents' behalf (bvl § 3-2).
    receiver_person_id: Option<String>,
    /// From 16: agrees | objects | not_stated
    youth_view: Option<String>,
    #[serde(default)]
    weighing: String,
}

impl ConsentInput {
    pub fn parse(self) -> Result<NewCcConsent, Rejected> {
        Ok(NewCcConsent {
            giver_person_id: self.giver_person_id.trim().to_owned(),
            form: pick(
                &self.form,
                ConsentForm::parse,
                "cc-consent-form",
                "child_coordinator.consent_form",
                "choose how the consent was given",
            )?,
            receiver_person_id: non_empty(self.receiver_person_id),
            youth_view: optional(
                &self.youth_view,
                YouthView::parse,
                "cc-consent-youth-view",
                "child_coordinator.youth_view",
            )?,
            weighing: self.weighing,
        })
    }
}

const CONSENT_FORM: &[(&str, &str)] = &[
    ("giver_person_id", "cc-consent-giver"),
    ("form", "cc-consent-form"),
    ("youth_view", "cc-consent-youth-view"),
    ("weighing", "cc-consent-weighing"),
    ("receiver_person_id", "cc-consent-receiver"),
];

async fn consent_in(st: &AppState, actor: &User, id: &str, i: ConsentInput) -> Result<String, Rejected> {
    st.store
        .consent_child_coordinator(actor, id, i.parse()?)
        .await
        .map_err(|e| Rejected::on(CONSENT_FORM, "cc-consent-giver", e))
}

// ---- appointment

/// The appointment of the child coordinator, or a change (with the change decision's reasons).
#[derive(Debug, Deserialize, ToSchema)]
pub struct AppointmentInput {
    #[serde(default)]
    coordinator_user_id: String,
    #[serde(default)]
    service_id: String,
    /// The coordinator as "user id|service id" (the page's picker); overrides the two fields above.
    coordinator: Option<String>,
    #[serde(default)]
    family_wishes: String,
    #[serde(default, deserialize_with = "flag")]
    wishes_met: bool,
    #[serde(default)]
    wishes_reason: String,
    /// 1 (some), 2 (much) or 3 (very much) need: the family's weight in the caseload
    #[schema(value_type = Option<i64>)]
    #[serde(default)]
    need_weight: Option<crate::input::Loose>,
    #[serde(default, deserialize_with = "flag")]
    dedicated: bool,
    specialist_coordinator: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    accept_over_threshold: bool,
    change_reasons: Option<String>,
    /// nb | nn: the language of a change decision's letter
    language: Option<String>,
}

impl AppointmentInput {
    pub fn parse(self) -> Result<NewCcAppointment, Rejected> {
        let (user_id, service_id) = match non_empty(self.coordinator.clone()) {
            Some(c) => match c.split_once('|') {
                Some((u, s)) => (u.to_owned(), s.to_owned()),
                None => {
                    return Err(Rejected::new(
                        "cc-appoint-coordinator",
                        "child_coordinator.not_employee",
                        "choose the coordinator",
                    ));
                }
            },
            None => (self.coordinator_user_id.trim().to_owned(), self.service_id.trim().to_owned()),
        };
        let weight = crate::input::Loose::value(&self.need_weight)
            .ok()
            .flatten()
            .and_then(|n| u8::try_from(n).ok())
            .ok_or_else(|| {
                Rejected::new(
                    "cc-appoint-weight",
                    "child_coordinator.need_weight",
                    "the family's need is weighted 1, 2 or 3",
                )
            })?;
        Ok(NewCcAppointment {
            coordinator_user_id: user_id,
            service_id,
            family_wishes: self.family_wishes,
            wishes_met: self.wishes_met,
            wishes_reason: self.wishes_reason,
            need_weight: weight,
            dedicated: self.dedicated,
            specialist_coordinator: non_empty(self.specialist_coordinator),
            accept_over_threshold: self.accept_over_threshold,
            change_reasons: non_empty(self.change_reasons),
            language: language(&self.language)?,
        })
    }
}

const APPOINTMENT_FORM: &[(&str, &str)] = &[
    ("coordinator_user_id", "cc-appoint-coordinator"),
    ("service_id", "cc-appoint-coordinator"),
    ("family_wishes", "cc-appoint-wishes"),
    ("wishes_reason", "cc-appoint-wishes-reason"),
    ("need_weight", "cc-appoint-weight"),
    ("accept_over_threshold", "cc-appoint-accept"),
    ("change_reasons", "cc-appoint-change-reasons"),
];

async fn appointment_in(st: &AppState, actor: &User, id: &str, i: AppointmentInput) -> Result<String, Rejected> {
    st.store
        .appoint_child_coordinator(actor, id, i.parse()?)
        .await
        .map_err(|e| Rejected::on(APPOINTMENT_FORM, "cc-appoint-coordinator", e))
}

// ---- handover and extension

/// The handover at 18 to an ordinary coordinator.
#[derive(Debug, Deserialize, ToSchema)]
pub struct HandoverInput {
    #[serde(default)]
    service_id: String,
    #[serde(default)]
    person: String,
    /// YYYY-MM-DD: the child coordinator stays until this day
    #[schema(value_type = String, format = Date)]
    #[serde(default)]
    overlap_until: String,
    #[serde(default)]
    plan: String,
    /// nb | nn
    language: Option<String>,
}

const HANDOVER_FORM: &[(&str, &str)] = &[
    ("service_id", "cc-handover-service"),
    ("person", "cc-handover-person"),
    ("overlap_until", "cc-handover-until"),
    ("plan", "cc-handover-plan"),
];

async fn handover_in(st: &AppState, actor: &User, id: &str, i: HandoverInput) -> Result<String, Rejected> {
    let new = NewHandover {
        overlap_until: day(&i.overlap_until, "cc-handover-until", "child_coordinator.overlap")?,
        language: language(&i.language)?,
        service_id: i.service_id.trim().to_owned(),
        person: i.person,
        plan: i.plan,
    };
    st.store.hand_over_at_18(actor, id, new).await.map_err(|e| Rejected::on(HANDOVER_FORM, "cc-handover-service", e))
}

/// The municipality continues the child coordinator after 18.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ExtensionInput {
    #[schema(value_type = String, format = Date)]
    #[serde(default)]
    until: String,
    #[serde(default)]
    reasons: String,
}

async fn extension_in(st: &AppState, actor: &User, id: &str, i: ExtensionInput) -> Result<String, Rejected> {
    let new =
        NewExtension { until: day(&i.until, "cc-extension-until", "child_coordinator.extension")?, reasons: i.reasons };
    st.store.extend_child_coordinator(actor, id, new).await.map_err(|e| {
        Rejected::on(&[("until", "cc-extension-until"), ("reasons", "cc-extension-reasons")], "cc-extension-reasons", e)
    })
}

// ---- complaints

/// A complaint about the child coordinator.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ComplaintInput {
    /// refusal | change | termination | non_fulfilment | no_ordinary_after_18
    #[serde(default)]
    kind: String,
    #[serde(default)]
    text: String,
    /// YYYY-MM-DD, when the unit received it (default today)
    #[schema(value_type = Option<String>, format = Date)]
    received_on: Option<String>,
    /// written | oral (the unit registering a complaint it received)
    channel: Option<String>,
}

async fn complaint_in(st: &AppState, actor: &User, id: &str, i: ComplaintInput) -> Result<String, Rejected> {
    let new = NewComplaint {
        kind: pick(
            &i.kind,
            ComplaintKind::parse,
            "cc-complaint-kind",
            "child_coordinator.complaint_kind",
            "choose what the complaint is about",
        )?,
        received_on: match non_empty(i.received_on) {
            Some(d) => Some(day(&d, "cc-complaint-received", "child_coordinator.received_on")?),
            None => None,
        },
        channel: non_empty(i.channel),
        text: i.text,
    };
    let form =
        &[("text", "cc-complaint-text"), ("channel", "cc-complaint-channel"), ("received_on", "cc-complaint-received")];
    st.store.complain_child_coordinator(actor, id, new).await.map_err(|e| Rejected::on(form, "cc-complaint-kind", e))
}

/// A step in a complaint's handling.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ComplaintStepInput {
    /// review | forward | decide | implement
    #[serde(default)]
    step: String,
    /// When deciding: upheld | partly_upheld | rejected | municipality_changed
    outcome: Option<String>,
    #[serde(default)]
    note: String,
}

async fn complaint_step_in(
    st: &AppState,
    actor: &User,
    id: &str,
    complaint: &str,
    i: ComplaintStepInput,
) -> Result<String, Rejected> {
    let element = format!("cc-step-{complaint}");
    let outcome = optional(&i.outcome, ComplaintOutcome::parse, &element, "child_coordinator.outcome")?;
    let new = NewComplaintStep { step: i.step.trim().to_owned(), outcome, note: i.note };
    st.store.step_child_coordinator_complaint(actor, id, complaint, new).await.map_err(|e| Rejected::at(element, e))
}

// ---- the coordinator's work

/// The start-up conversation: the family's answers to the four key questions and the expectations agreed.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StartupInput {
    /// What is important to you as a family?
    #[serde(default)]
    important: String,
    /// What do you need to live a good life?
    #[serde(default)]
    good_life: String,
    /// What matters for getting a good service offer for you?
    #[serde(default)]
    good_offer: String,
    /// What do you need as a parent, child, sibling?
    #[serde(default)]
    needs: String,
    /// What the coordinator does and does not do, and what the family can expect.
    #[serde(default)]
    expectations: String,
    /// How and how often they keep in touch.
    #[serde(default)]
    contact: String,
}

async fn startup_in(st: &AppState, actor: &User, id: &str, i: StartupInput) -> Result<String, Rejected> {
    let new = NewStartup {
        important: i.important,
        good_life: i.good_life,
        good_offer: i.good_offer,
        needs: i.needs,
        expectations: i.expectations,
        contact: i.contact,
    };
    let form = &[
        ("important", "cc-startup-important"),
        ("good_life", "cc-startup-good-life"),
        ("good_offer", "cc-startup-good-offer"),
        ("needs", "cc-startup-needs"),
        ("expectations", "cc-startup-expectations"),
    ];
    st.store.record_startup(actor, id, new).await.map_err(|e| Rejected::on(form, "cc-startup-important", e))
}

/// A journal entry of the coordination work.
#[derive(Debug, Deserialize, ToSchema)]
pub struct JournalInput {
    /// The task it serves, hol § 7-2 a second paragraph: a | b | c | d | e
    #[serde(default)]
    task: String,
    /// Unrelated to the child's condition and the family's extra strain: outside the role as a main rule
    /// (S-23).
    #[serde(default, deserialize_with = "flag")]
    outside_role: bool,
    #[serde(default)]
    text: String,
}

async fn journal_in(st: &AppState, actor: &User, id: &str, i: JournalInput) -> Result<String, Rejected> {
    let new = NewJournal {
        task: pick(
            &i.task,
            TaskLetter::parse,
            "cc-journal-task",
            "child_coordinator.task",
            "choose the task it serves",
        )?,
        in_scope: !i.outside_role,
        text: i.text,
    };
    st.store
        .record_journal(actor, id, new)
        .await
        .map_err(|e| Rejected::on(&[("text", "cc-journal-text")], "cc-journal-text", e))
}

/// A requirement to a municipal service to cooperate or coordinate better.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InstructionInput {
    #[serde(default)]
    target_service_id: String,
    #[serde(default)]
    text: String,
}

async fn instruction_in(st: &AppState, actor: &User, id: &str, i: InstructionInput) -> Result<String, Rejected> {
    let new = NewInstruction { target_service_id: i.target_service_id.trim().to_owned(), text: i.text };
    let form = &[("target_service_id", "cc-instruction-service"), ("text", "cc-instruction-text")];
    st.store.require_cooperation(actor, id, new).await.map_err(|e| Rejected::on(form, "cc-instruction-service", e))
}

/// An escalation through the line.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EscalationInput {
    /// line_manager | coordinating_unit
    #[serde(default)]
    to: String,
    /// The service that does not cooperate, if it is one.
    target_service_id: Option<String>,
    /// A possible breach of that service's own duty to cooperate.
    #[serde(default, deserialize_with = "flag")]
    possible_breach: bool,
    #[serde(default)]
    text: String,
}

async fn escalation_in(st: &AppState, actor: &User, id: &str, i: EscalationInput) -> Result<String, Rejected> {
    let new = NewEscalation {
        to: pick(
            &i.to,
            EscalateTo::parse,
            "cc-escalation-to",
            "child_coordinator.escalate_to",
            "choose where it goes",
        )?,
        target_service_id: non_empty(i.target_service_id),
        possible_breach: i.possible_breach,
        text: i.text,
    };
    let form = &[("text", "cc-escalation-text"), ("target_service_id", "cc-escalation-service")];
    st.store.escalate(actor, id, new).await.map_err(|e| Rejected::on(form, "cc-escalation-text", e))
}

// ---- the page

#[derive(Template)]
#[template(path = "child_coordinator.html")]
struct CcPage {
    base: Base,
    view: CcView,
    citizen: bool,
    /// The family member's own person id (a parent consents for themselves).
    me: Option<String>,
    saved: Option<String>,
    error: Option<FieldError>,
    today: String,
}

impl CcPage {
    fn field_err(&self, id: &str) -> Option<&str> {
        self.error.as_ref().filter(|e| e.field == id).map(|e| e.message.as_str())
    }
    fn state(&self) -> &'static str {
        self.view.state.map_or("none", |s| s.as_str())
    }
    fn prompted(&self, p: &str) -> bool {
        self.view.prompts.contains(&p)
    }
    fn is_parent(&self) -> bool {
        self.me.as_ref().is_some_and(|me| self.view.parents.iter().any(|p| &p.0 == me))
    }
    /// The start-up conversation's answers beside their questions.
    fn answers(&self, w: &los_store::CcWorkView) -> Vec<(String, String)> {
        ["cc-q-important", "cc-q-good-life", "cc-q-good-offer", "cc-q-needs"]
            .iter()
            .zip(&w.answers)
            .map(|(q, a)| (self.base.t.get(q), a.clone()))
            .collect()
    }
    /// The reader gave this consent (a parent in Los withdraws their own).
    fn gave(&self, c: &los_store::CcConsentView) -> bool {
        self.citizen && self.me.as_deref() == Some(c.giver_person_id.as_str())
    }
    fn has_consent(&self) -> bool {
        self.view.consents.iter().any(|c| c.withdrawn_at.is_none())
    }
    fn service(&self, id: &str) -> String {
        self.view.participants.iter().find(|p| p.0 == id).map_or_else(|| id.to_owned(), |p| p.1.clone())
    }
    fn t_code(&self, prefix: &str, code: &str) -> String {
        self.base.t.try_get(&format!("{prefix}-{}", code.replace('_', "-"))).unwrap_or_else(|| code.to_owned())
    }
}

/// Where the page was after a write: a saved confirmation, by action.
#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    lagret: Option<String>,
}

async fn cc_page(st: &AppState, ctx: &Ctx, id: &str, saved: Option<String>, error: Option<FieldError>) -> PageResult {
    let err = page_err(ctx);
    let Some(u) = ctx.user.as_ref() else { return Ok(Redirect::to("/logg-inn").into_response()) };
    let view = st.store.child_coordination(u, id).await.map_err(|e| err(e.into()))?;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let saved = saved
        .filter(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .map(|s| ctx.tr.try_get(&format!("cc-saved-{s}")).unwrap_or_default())
        .filter(|s| !s.is_empty());
    let page = CcPage {
        base: Base::new(ctx, st.demo),
        citizen: u.kind == los_domain::model::UserKind::Citizen,
        me: u.person_id.clone(),
        saved,
        error,
        today: chrono::Utc::now().date_naive().to_string(),
        view,
    };
    Ok((status, render(&page)).into_response())
}

async fn page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, Query(q): Query<SavedQuery>) -> PageResult {
    cc_page(&st, &ctx, &id, q.lagret, None).await
}

/// After a form: back to the page with a confirmation, or the page again with the error on its field.
async fn after_cc(st: &AppState, ctx: &Ctx, id: &str, saved: &str, r: Result<String, Rejected>) -> PageResult {
    match r {
        Ok(_) => Ok(Redirect::to(&page_url(id, saved)).into_response()),
        Err(Rejected { field, error: e @ (StoreError::Invalid { .. } | StoreError::Denied(_)) }) => {
            let message = translate_store_error(ctx, &e);
            cc_page(st, ctx, id, None, Some(FieldError { field, message })).await
        }
        Err(Rejected { error, .. }) => Err(page_err(ctx)(error.into())),
    }
}

fn page_url(id: &str, saved: &str) -> String {
    let plain = |s: &str| {
        !s.is_empty() && s.len() <= 100 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if plain(id) { format!("/saker/{id}/barnekoordinator?lagret={saved}#status") } else { "/saker".to_owned() }
}

macro_rules! page_action {
    ($name:ident, $input:ty, $run:ident, $saved:literal) => {
        async fn $name(
            State(st): State<AppState>,
            ctx: Ctx,
            Path(id): Path<String>,
            JsonOrForm(f): JsonOrForm<$input>,
        ) -> PageResult {
            let u = user(&ctx)?;
            let r = $run(&st, u, &id, f).await;
            after_cc(&st, &ctx, &id, $saved, r).await
        }
    };
}

page_action!(report_page, ReportInput, report_in, "report");
page_action!(guidance_page, GuidanceInput, guidance_in, "guidance");
page_action!(assessment_page, AssessmentInput, assessment_in, "assessment");
page_action!(choice_page, ChoiceInput, choice_in, "choice");
page_action!(decision_page, DecisionInput, decision_in, "decision");
page_action!(consent_page, ConsentInput, consent_in, "consent");
page_action!(appointment_page, AppointmentInput, appointment_in, "appointment");
page_action!(handover_page, HandoverInput, handover_in, "handover");
page_action!(extension_page, ExtensionInput, extension_in, "extension");
page_action!(complaint_page, ComplaintInput, complaint_in, "complaint");
page_action!(startup_page, StartupInput, startup_in, "startup");
page_action!(journal_page, JournalInput, journal_in, "journal");
page_action!(instruction_page, InstructionInput, instruction_in, "instruction");
page_action!(escalation_page, EscalationInput, escalation_in, "escalation");

async fn complaint_step_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, complaint)): Path<(String, String)>,
    JsonOrForm(f): JsonOrForm<ComplaintStepInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = complaint_step_in(&st, u, &id, &complaint, f).await;
    after_cc(&st, &ctx, &id, "complaint-step", r).await
}

fn pdf(bytes: Vec<u8>, decision: &str) -> Response {
    let plain: String = decision.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    (
        [
            (axum::http::header::CONTENT_TYPE, "application/pdf".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, format!("inline; filename=\"{plain}.pdf\"")),
        ],
        bytes,
    )
        .into_response()
}

async fn letter_page(State(st): State<AppState>, ctx: Ctx, Path((id, decision)): Path<(String, String)>) -> PageResult {
    let u = user(&ctx)?;
    let (bytes, _) =
        st.store.child_coordination_letter(u, &id, &decision).await.map_err(|e| page_err(&ctx)(e.into()))?;
    Ok(pdf(bytes, &decision))
}

// ---- the API

/// The child-coordinator matter of a case: where it stands and who coordinates; for the family, the
/// coordinating unit and the coordinator, the whole matter (reports, assessment, decisions, consents,
/// appointments, complaints).
#[utoipa::path(get, path = "/cases/{id}/child-coordinator", params(("id" = String, Path)), responses((status = 200, description = "The matter (issue 12): state, prompts, and for the family, the unit and the coordinator the reports, assessment, decisions, consents, appointments and complaints", body = serde_json::Value)))]
pub async fn get_matter(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<CcView>, ApiError> {
    Ok(Json(st.store.child_coordination(&user, &id).await?))
}

macro_rules! api_action {
    ($(#[$m:meta])* $name:ident, $input:ty, $run:ident) => {
        $(#[$m])*
        pub async fn $name(
            State(st): State<AppState>,
            ApiUser(user): ApiUser,
            Path(id): Path<String>,
            JsonOrForm(i): JsonOrForm<$input>,
        ) -> Result<(StatusCode, Json<Created>), ApiError> {
            Ok(created($run(&st, &user, &id, i).await?))
        }
    };
}

api_action!(
    /// A service reports a possible need (a child-coordinator need is advice; a need for an individual plan
    /// or a coordinator is helsepersonelloven § 38 a), the unit records a request the family made in writing
    /// or orally, or the family asks in Los (digital).
    #[utoipa::path(post, path = "/cases/{id}/child-coordinator/reports", params(("id" = String, Path)), request_body = ReportInput, responses((status = 201, body = Created)))]
    report, ReportInput, report_in
);
api_action!(
    /// The coordinating unit guided the family about the right (its proactive duty).
    #[utoipa::path(post, path = "/cases/{id}/child-coordinator/guidance", params(("id" = String, Path)), request_body = GuidanceInput, responses((status = 201, body = Created)))]
    guidance, GuidanceInput, guidance_in
);
api_action!(
    /// The coordinating unit's assessment of the three conditions, with the reasoning for each and the
    /// family's experience of severity. Los records the judgement and checks it is complete.
    #[utoipa::path(post, path = "/cases/{id}/child-coordinator/assessments", params(("id" = String, Path)), request_body = AssessmentInput, responses((status = 201, body = Created)))]
    assess, AssessmentInput, assessment_in
);
api_action!(
    /// The right the family chose when both the child coordinator and the ordinary coordinator are met.
    #[utoipa::path(post, path = "/cases/{id}/child-coordinator/choice", params(("id" = String, Path)), request_body = ChoiceInput, responses((status = 201, body = Created)))]
    choose, ChoiceInput, choice_in
);
api_action!(
    /// A written decision (grant, refusal, termination) with the complaint route and a PDF letter.
    #[utoipa::path(post, path = "/cases/{id}/child-coordinator/decisions", params(("id" = String, Path)), request_body = DecisionInput, responses((status = 201, body = Created)))]
    decide, DecisionInput, decision_in
);
api_action!(
    /// The parents' consent to a child coordinator (also for 16–17-year-olds, whose view is recorded).
    #[utoipa::path(post, path = "/cases/{id}/child-coordinator/consents", params(("id" = String, Path)), request_body = ConsentInput, responses((status = 201, body = Created)))]
    consent, ConsentInput, consent_in
);
api_action!(
    /// Appoints the child coordinator, or changes them with a change decision; the coordinator takes over
    /// the coordination of the services. One municipal coordinator per child.
    #[utoipa::path(post, path = "/cases/{id}/child-coordinator/appointments", params(("id" = String, Path)), request_body = AppointmentInput, responses((status = 201, body = Created)))]
    appoint, AppointmentInput, appointment_in
);
api_action!(
    /// The handover at 18 to an ordinary coordinator, with an overlap.
    #[utoipa::path(post, path = "/cases/{id}/child-coordinator/handover", params(("id" = String, Path)), request_body = HandoverInput, responses((status = 201, body = Created)))]
    hand_over, HandoverInput, handover_in
);
api_action!(
    /// The municipality continues the child coordinator after 18.
    #[utoipa::path(post, path = "/cases/{id}/child-coordinator/extension", params(("id" = String, Path)), request_body = ExtensionInput, responses((status = 201, body = Created)))]
    extend, ExtensionInput, extension_in
);
api_action!(
    /// A complaint about a refusal, a change, a termination, non-fulfilment or no ordinary coordinator
    /// after 18; the family in Los, or the unit registering one it received.
    #[utoipa::path(post, path = "/cases/{id}/child-coordinator/complaints", params(("id" = String, Path)), request_body = ComplaintInput, responses((status = 201, body = Created)))]
    complain, ComplaintInput, complaint_in
);

api_action!(
    /// The start-up conversation with the family: the four key questions and the expectations agreement.
    #[utoipa::path(post, path = "/cases/{id}/child-coordinator/startup", params(("id" = String, Path)), request_body = StartupInput, responses((status = 201, body = Created)))]
    startup, StartupInput, startup_in
);
api_action!(
    /// A journal entry of the coordination work (fortløpende dokumentasjon), with the task it serves.
    #[utoipa::path(post, path = "/cases/{id}/child-coordinator/journal", params(("id" = String, Path)), request_body = JournalInput, responses((status = 201, body = Created)))]
    journal, JournalInput, journal_in
);
api_action!(
    /// Requires a municipal service to cooperate or coordinate better, under the delegation decision.
    #[utoipa::path(post, path = "/cases/{id}/child-coordinator/instructions", params(("id" = String, Path)), request_body = InstructionInput, responses((status = 201, body = Created)))]
    instruction, InstructionInput, instruction_in
);
api_action!(
    /// Escalates through the line, with a possible breach of a service's duty to cooperate.
    #[utoipa::path(post, path = "/cases/{id}/child-coordinator/escalations", params(("id" = String, Path)), request_body = EscalationInput, responses((status = 201, body = Created)))]
    escalation, EscalationInput, escalation_in
);

/// A step in a complaint's handling: review, forward to statsforvalteren, decide, implement the outcome.
#[utoipa::path(post, path = "/cases/{id}/child-coordinator/complaints/{complaint}/steps", params(("id" = String, Path), ("complaint" = String, Path)), request_body = ComplaintStepInput, responses((status = 201, body = Created)))]
pub async fn complaint_step(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, complaint)): Path<(String, String)>,
    JsonOrForm(i): JsonOrForm<ComplaintStepInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(complaint_step_in(&st, &user, &id, &complaint, i).await?))
}

/// Withdraws a consent to the child coordinator (the parent who gave it, or the unit).
#[utoipa::path(post, path = "/cases/{id}/child-coordinator/consents/{consent}/withdraw", params(("id" = String, Path), ("consent" = String, Path)), responses((status = 201, body = Created)))]
pub async fn withdraw(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, consent)): Path<(String, String)>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(st.store.withdraw_child_coordinator_consent(&user, &id, &consent).await?))
}

async fn withdraw_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, consent)): Path<(String, String)>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st
        .store
        .withdraw_child_coordinator_consent(u, &id, &consent)
        .await
        .map_err(|e| Rejected::at(format!("consent-{consent}"), e));
    after_cc(&st, &ctx, &id, "withdrawn", r).await
}

/// The letter of a decision, as an accessible PDF.
#[utoipa::path(get, path = "/cases/{id}/child-coordinator/decisions/{decision}/letter", params(("id" = String, Path), ("decision" = String, Path)), responses((status = 200, description = "The letter (PDF)", content_type = "application/pdf", body = Vec<u8>)))]
pub async fn letter(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, decision)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (bytes, _) = st.store.child_coordination_letter(&user, &id, &decision).await?;
    Ok(pdf(bytes, &decision))
}
