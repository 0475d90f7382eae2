//! The individual plan (individuell plan) of a case, issue 13: its own page (`/saker/{id}/individuell-plan`)
//! and the API under `/api/v1/cases/{id}/individual-plan`. Each action has one typed input read from a form
//! or JSON, one parse into the store's command, and two thin handlers (page and API) with the same rule and
//! error code. The store applies the policy (the plan is read by the family, the service with the main
//! responsibility and the services the consent names) and the audit; the domain holds the rules.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::NaiveDate;
use los_domain::consent::{ConsentForm, ConsentGiver, GiverCapacity};
use los_domain::individual_plan::complaint::{ComplainantCapacity, ComplaintOutcome, ComplaintState};
use los_domain::individual_plan::{IpBasis, IpComplaintRoute, ResponsibilityHow};
use los_domain::model::User;
use los_store::{
    IpView, NewIpComplaint, NewIpComplaintStep, NewIpConsent, NewIpNotification, NewIpParticipant, NewIpResponsibility,
    NewIpSettings, NewIpStart, StoreError,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::view::{FieldError, translate_store_error};
use super::{Created, Rejected, created, user};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::input::{JsonOrForm, non_empty};
use crate::pages::{Base, PageResult, page_err, render};

mod content;
mod held;
mod pdf;

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    let r = held::pages(pdf::pages(group::pages(content::pages(r))));
    r.route("/saker/{id}/individuell-plan", get(page).post(start_page))
        .route("/saker/{id}/individuell-plan/melding", post(notify_page))
        .route("/saker/{id}/individuell-plan/grunnlag", post(basis_page))
        .route("/saker/{id}/individuell-plan/grunnlag/{basis}/fjern", post(remove_basis_page))
        .route("/saker/{id}/individuell-plan/samtykke", post(consent_page))
        .route("/saker/{id}/individuell-plan/samtykke/{consent}/trekk", post(withdraw_page))
        .route("/saker/{id}/individuell-plan/ansvar", post(responsibility_page))
        .route("/saker/{id}/individuell-plan/deltakere", post(participant_page))
        .route("/saker/{id}/individuell-plan/klage", post(complaint_page))
        .route("/saker/{id}/individuell-plan/klage/{complaint}/steg", post(complaint_step_page))
        .route("/saker/{id}/individuell-plan/avslutt", post(end_page))
        .route("/saker/{id}/individuell-plan/innstillinger", post(settings_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    let r = held::api(pdf::api(group::api(content::api(r))));
    r.routes(routes!(get_plan, start))
        .routes(routes!(notify))
        .routes(routes!(add_basis))
        .routes(routes!(remove_basis))
        .routes(routes!(consent))
        .routes(routes!(withdraw))
        .routes(routes!(responsibility))
        .routes(routes!(participant))
        .routes(routes!(complain))
        .routes(routes!(complaint_step))
        .routes(routes!(end))
        .routes(routes!(settings))
}

pub(super) fn pick<T>(v: &str, parse: fn(&str) -> Option<T>, element: &str, code: &'static str) -> Result<T, Rejected> {
    parse(v.trim()).ok_or_else(|| Rejected::new(element, code, "choose one of the values offered"))
}

pub(super) fn optional<T>(
    v: &Option<String>,
    parse: fn(&str) -> Option<T>,
    element: &str,
    code: &'static str,
) -> Result<Option<T>, Rejected> {
    match non_empty(v.clone()) {
        None => Ok(None),
        Some(s) => {
            parse(s.trim()).map(Some).ok_or_else(|| Rejected::new(element, code, "choose one of the values offered"))
        }
    }
}

pub(super) fn day(v: &Option<String>, element: &str) -> Result<Option<NaiveDate>, Rejected> {
    match non_empty(v.clone()) {
        None => Ok(None),
        Some(s) => {
            s.trim().parse().map(Some).map_err(|_| Rejected::new(element, "ip.date", "give the date as YYYY-MM-DD"))
        }
    }
}

fn yes_no(v: &Option<String>, element: &str) -> Result<Option<bool>, Rejected> {
    match non_empty(v.clone()).as_deref().map(str::trim) {
        None => Ok(None),
        Some("true" | "on" | "yes" | "1") => Ok(Some(true)),
        Some("false" | "off" | "no" | "0") => Ok(Some(false)),
        Some(_) => Err(Rejected::new(element, "ip.flag", "answer yes or no")),
    }
}

// ---- starting

/// Starting IP work (IP-forskriften § 6): child welfare, NAV or the municipal health and care service. Where
/// the child has a plan that exists or is pending, the start is linked to it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct IpStartInput {
    /// The service the employee acts for, when they work in several.
    service_id: Option<String>,
    /// sotjl_28 | sotjl_33 | navl_15 | hol_7_1 | sphl_2_5 | phvl_4_1 | pbrl_2_5 | bvl_15_9 (one or more)
    #[serde(default, alias = "basis")]
    bases: Vec<String>,
    /// What the start builds on.
    #[serde(default)]
    description: String,
}

impl IpStartInput {
    pub fn parse(self) -> Result<NewIpStart, Rejected> {
        let bases = self
            .bases
            .iter()
            .filter(|b| !b.trim().is_empty())
            .map(|b| pick(b, IpBasis::parse, "ip-start-basis", "ip.basis"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NewIpStart { service_id: non_empty(self.service_id), bases, description: self.description })
    }
}

/// The answer to a start: the plan, and whether the start was linked to the child's plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct IpStartAnswer {
    pub id: String,
    /// The child already had a plan (existing or pending): the start was recorded on it.
    pub linked: bool,
}

const START_FORM: &[(&str, &str)] =
    &[("basis", "ip-start-basis"), ("description", "ip-start-description"), ("service_id", "ip-start-service")];

async fn start_in(st: &AppState, actor: &User, id: &str, i: IpStartInput) -> Result<IpStartAnswer, Rejected> {
    let s = st
        .store
        .start_individual_plan(actor, id, i.parse()?)
        .await
        .map_err(|e| Rejected::on(START_FORM, "ip-start-description", e))?;
    Ok(IpStartAnswer { id: s.plan_id, linked: s.linked })
}

/// Specialist health's notification to the coordinating unit (IP-forskriften § 8 andre ledd).
#[derive(Debug, Deserialize, ToSchema)]
pub struct IpNotifyInput {
    service_id: Option<String>,
    #[serde(default)]
    description: String,
}

async fn notify_in(st: &AppState, actor: &User, id: &str, i: IpNotifyInput) -> Result<String, Rejected> {
    let new = NewIpNotification { service_id: non_empty(i.service_id), description: i.description };
    st.store
        .notify_individual_plan_need(actor, id, new)
        .await
        .map_err(|e| Rejected::on(&[("service_id", "ip-notify-description")], "ip-notify-description", e))
}

// ---- bases

/// A legal basis to add to the plan.
#[derive(Debug, Deserialize, ToSchema)]
pub struct IpBasisInput {
    /// sotjl_28 | sotjl_33 | navl_15 | hol_7_1 | sphl_2_5 | phvl_4_1 | pbrl_2_5 | bvl_15_9
    #[serde(default)]
    basis: String,
}

async fn basis_in(st: &AppState, actor: &User, id: &str, i: IpBasisInput) -> Result<String, Rejected> {
    let basis = pick(&i.basis, IpBasis::parse, "ip-basis", "ip.basis")?;
    st.store.add_individual_plan_basis(actor, id, basis).await.map_err(|e| Rejected::at("ip-basis", e))
}

/// Why a basis is removed (it is kept as history).
#[derive(Debug, Deserialize, ToSchema)]
pub struct IpReasonInput {
    #[serde(default)]
    reason: String,
}

// ---- consent

/// A consent to the plan. A family member in Los consents for themselves (the givers are ignored); the
/// service with the main responsibility records who consented and how.
#[derive(Debug, Deserialize, ToSchema)]
pub struct IpConsentInput {
    /// Who consented: `child`, `parent:<person id>` (with parental responsibility), `child_welfare_service`.
    #[serde(default, alias = "giver")]
    givers: Vec<String>,
    /// The services taking part that may read the plan (IP-forskriften § 9: access to confidential
    /// information).
    #[serde(default, alias = "access_service")]
    access_services: Vec<String>,
    /// written | oral (recorded by a service); a family member's own consent is digital.
    form: Option<String>,
    /// Child welfare has taken over the care: yes | no
    care_order: Option<String>,
    /// The plan holds measures directed at the parents: yes | no
    measures_for_parents: Option<String>,
}

impl IpConsentInput {
    pub fn parse(self) -> Result<NewIpConsent, Rejected> {
        let mut givers = Vec::new();
        for g in self.givers.iter().map(|g| g.trim()).filter(|g| !g.is_empty()) {
            let giver = match g.split_once(':') {
                None if g == "child" => ConsentGiver { person_id: None, capacity: GiverCapacity::Child, age: None },
                None if g == "child_welfare_service" => {
                    ConsentGiver { person_id: None, capacity: GiverCapacity::ChildWelfareService, age: None }
                }
                Some(("parent", p)) if !p.trim().is_empty() => {
                    ConsentGiver { person_id: Some(p.trim().to_owned()), capacity: GiverCapacity::Parent, age: None }
                }
                _ => return Err(Rejected::new("ip-consent-givers", "ip.giver", "choose who consented")),
            };
            givers.push(giver);
        }
        Ok(NewIpConsent {
            givers,
            access_services: self
                .access_services
                .into_iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            form: optional(&self.form, ConsentForm::parse, "ip-consent-form", "consent.form")?,
            care_order: yes_no(&self.care_order, "ip-consent-care-order")?,
            measures_for_parents: yes_no(&self.measures_for_parents, "ip-consent-parents")?,
        })
    }
}

const CONSENT_FORM: &[(&str, &str)] =
    &[("givers", "ip-consent-givers"), ("access_services", "ip-consent-access"), ("form", "ip-consent-form")];

async fn consent_in(st: &AppState, actor: &User, id: &str, i: IpConsentInput) -> Result<String, Rejected> {
    st.store
        .record_individual_plan_consent(actor, id, i.parse()?)
        .await
        .map_err(|e| Rejected::on(CONSENT_FORM, "ip-consent-givers", e))
}

// ---- main responsibility

/// A change of the main responsibility: by agreement between the services, or the municipality's
/// decision when they disagree (IP-forskriften § 7).
#[derive(Debug, Deserialize, ToSchema)]
pub struct IpResponsibilityInput {
    /// agreed | municipal_decision
    #[serde(default)]
    how: String,
    /// The service to hold it.
    #[serde(default)]
    service_id: String,
    /// What was agreed and with whom, or the municipality's reasons.
    #[serde(default)]
    reasoning: String,
}

const RESPONSIBILITY_FORM: &[(&str, &str)] =
    &[("how", "ip-resp-how"), ("service_id", "ip-resp-service"), ("reasoning", "ip-resp-reasoning")];

async fn responsibility_in(
    st: &AppState,
    actor: &User,
    id: &str,
    i: IpResponsibilityInput,
) -> Result<String, Rejected> {
    let how = pick(&i.how, ResponsibilityHow::parse, "ip-resp-how", "ip.how")?;
    let new = NewIpResponsibility { how, service_id: i.service_id.trim().to_owned(), reasoning: i.reasoning };
    st.store
        .change_individual_plan_responsibility(actor, id, new)
        .await
        .map_err(|e| Rejected::on(RESPONSIBILITY_FORM, "ip-resp-reasoning", e))
}

// ---- settings

/// The plan's settings: the facts whose consent it needs, and its language adaptation (§ 9 første ledd).
#[derive(Debug, Deserialize, ToSchema)]
pub struct IpSettingsInput {
    /// Child welfare has taken over the care: yes | no
    care_order: Option<String>,
    /// The plan holds measures directed at the parents: yes | no
    measures_for_parents: Option<String>,
    /// nb | nn: the language of the plan
    language: Option<String>,
    /// The language the family needs an interpreter for (empty removes it).
    interpreter_language: Option<String>,
}

const SETTINGS_FORM: &[(&str, &str)] =
    &[("language", "ip-settings-language"), ("interpreter_language", "ip-settings-interpreter")];

async fn settings_in(st: &AppState, actor: &User, id: &str, i: IpSettingsInput) -> Result<String, Rejected> {
    let new = NewIpSettings {
        care_order: yes_no(&i.care_order, "ip-settings-care-order")?,
        measures_for_parents: yes_no(&i.measures_for_parents, "ip-settings-parents")?,
        language: non_empty(i.language).map(|l| l.trim().to_owned()),
        interpreter_language: i.interpreter_language,
    };
    st.store
        .set_individual_plan_settings(actor, id, new)
        .await
        .map(|()| id.to_owned())
        .map_err(|e| Rejected::on(SETTINGS_FORM, "ip-settings-language", e))
}

// ---- participants

/// A service contacted to take part in the plan.
#[derive(Debug, Deserialize, ToSchema)]
pub struct IpParticipantInput {
    #[serde(default)]
    service_id: String,
    /// How and when it was contacted.
    #[serde(default)]
    note: String,
}

async fn participant_in(st: &AppState, actor: &User, id: &str, i: IpParticipantInput) -> Result<String, Rejected> {
    let new = NewIpParticipant { service_id: i.service_id.trim().to_owned(), note: i.note };
    st.store
        .add_individual_plan_participant(actor, id, new)
        .await
        .map_err(|e| Rejected::at("ip-participant-service", e))
}

// ---- complaints

/// A complaint about the plan, by the route its bases open.
#[derive(Debug, Deserialize, ToSchema)]
pub struct IpComplaintInput {
    /// individual_decision | pbrl_chapter_7 | bvl_12_9
    #[serde(default)]
    route: String,
    /// For a complaint the service records: child | parent
    capacity: Option<String>,
    #[serde(default)]
    description: String,
    /// The day it came in (YYYY-MM-DD); today when not given.
    received_on: Option<String>,
    /// The day the complainant learned of what they complain about; the deadline runs from it.
    known_on: Option<String>,
}

const COMPLAINT_FORM: &[(&str, &str)] = &[
    ("route", "ip-complaint-route"),
    ("capacity", "ip-complaint-capacity"),
    ("description", "ip-complaint-description"),
    ("received_on", "ip-complaint-received"),
];

async fn complaint_in(st: &AppState, actor: &User, id: &str, i: IpComplaintInput) -> Result<String, Rejected> {
    let new = NewIpComplaint {
        route: pick(&i.route, IpComplaintRoute::parse, "ip-complaint-route", "ip.complaint_route")?,
        capacity: optional(&i.capacity, ComplainantCapacity::parse, "ip-complaint-capacity", "ip.complaint_capacity")?,
        description: i.description,
        received_on: day(&i.received_on, "ip-complaint-received")?,
        known_on: day(&i.known_on, "ip-complaint-received")?,
    };
    st.store
        .register_individual_plan_complaint(actor, id, new)
        .await
        .map_err(|e| Rejected::on(COMPLAINT_FORM, "ip-complaint-description", e))
}

/// A step of a complaint: forwarded to the complaint body, decided with its outcome, or withdrawn.
#[derive(Debug, Deserialize, ToSchema)]
pub struct IpComplaintStepInput {
    /// forwarded | decided | withdrawn
    #[serde(default)]
    state: String,
    /// upheld | partly_upheld | rejected | dismissed (when decided)
    outcome: Option<String>,
    #[serde(default)]
    text: String,
}

async fn complaint_step_in(
    st: &AppState,
    actor: &User,
    id: &str,
    complaint: &str,
    i: IpComplaintStepInput,
) -> Result<String, Rejected> {
    let element = format!("ip-step-{complaint}");
    let new = NewIpComplaintStep {
        state: pick(&i.state, ComplaintState::parse, &element, "ip.complaint_step")?,
        outcome: optional(&i.outcome, ComplaintOutcome::parse, &element, "ip.complaint_outcome")?,
        text: i.text,
    };
    st.store
        .step_individual_plan_complaint(actor, id, complaint, new)
        .await
        .map(|()| complaint.to_owned())
        .map_err(|e| Rejected::at(element, e))
}

// ---- the page

/// A service of the case, for the page's choices.
pub struct ServiceChoice {
    id: String,
    name: String,
}

#[derive(Template)]
#[template(path = "individual_plan.html")]
struct IpPage {
    base: Base,
    view: IpView,
    child_name: String,
    /// The case's services (for the consent's access and the main responsibility).
    services: Vec<ServiceChoice>,
    /// The parents with parental responsibility: (person id, name).
    parents: Vec<(String, String)>,
    citizen: bool,
    me: Option<String>,
    /// The services the reader works in (they update their own measures).
    my_services: Vec<String>,
    saved: Option<String>,
    error: Option<FieldError>,
}

impl IpPage {
    fn field_err(&self, id: &str) -> Option<&str> {
        self.error.as_ref().filter(|e| e.field == id).map(|e| e.message.as_str())
    }
    fn t_code(&self, prefix: &str, code: &str) -> String {
        self.base.t.try_get(&format!("{prefix}-{}", code.replace('_', "-"))).unwrap_or_else(|| code.to_owned())
    }
    fn bases(&self) -> &'static [IpBasis] {
        IpBasis::ALL
    }
    fn service(&self, id: &str) -> String {
        self.services.iter().find(|s| s.id == id).map_or_else(|| id.to_owned(), |s| s.name.clone())
    }
    fn givers(&self, c: &los_store::IpConsentView) -> String {
        c.givers
            .iter()
            .map(|g| match (g.capacity, g.person_id.as_deref()) {
                (GiverCapacity::Parent, Some(p)) => self
                    .parents
                    .iter()
                    .find(|x| x.0 == p)
                    .map_or_else(|| self.base.t.get("ip-giver-parent"), |x| x.1.clone()),
                (GiverCapacity::Child, _) => self.child_name.clone(),
                (c, _) => self.t_code("ip-giver", c.as_str()),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn access(&self, c: &los_store::IpConsentView) -> String {
        c.access_services.iter().map(|s| self.service(s)).collect::<Vec<_>>().join(", ")
    }
    /// The reader gave this consent (a family member withdraws their own in Los).
    fn gave(&self, c: &los_store::IpConsentView) -> bool {
        self.citizen && c.givers.iter().any(|g| g.person_id.is_some() && g.person_id == self.me)
    }
    fn requirement(&self, r: &los_domain::individual_plan::ConsentRequirement) -> String {
        format!(
            "{}: {}",
            self.t_code("ip-domain", r.domain.as_str()),
            self.t_code("ip-requirement", los_domain::individual_plan::describe_requirement(r.requirement))
        )
    }
    fn open(&self) -> bool {
        self.view.plan.as_ref().is_some_and(|p| p.ended_at.is_none())
    }
    fn active(&self) -> bool {
        self.view.plan.as_ref().is_some_and(|p| p.state.as_str() == "active")
    }
    fn section_title(&self, s: &los_domain::individual_plan::content::SectionDef) -> String {
        match self.base.t.lang {
            crate::i18n::Lang::Nb => s.title_nb.clone(),
            crate::i18n::Lang::Nn => s.title_nn.clone(),
            crate::i18n::Lang::En => s.title_en.clone(),
        }
    }
    fn entries<'a>(
        &self,
        d: &'a los_store::IpDetail,
        section: &str,
    ) -> Vec<&'a los_domain::individual_plan::content::Entry> {
        d.content.entries.iter().filter(|e| e.section == section).collect()
    }
    fn goals<'a>(
        &self,
        d: &'a los_store::IpDetail,
        parent: Option<&str>,
    ) -> Vec<&'a los_domain::individual_plan::content::Goal> {
        d.content.goals.iter().filter(|g| g.parent.as_deref() == parent).collect()
    }
    fn measures<'a>(
        &self,
        d: &'a los_store::IpDetail,
        goal: &str,
    ) -> Vec<&'a los_domain::individual_plan::content::Measure> {
        d.content.measures.iter().filter(|m| m.goal == goal).collect()
    }
    fn overdue(&self, d: &los_store::IpDetail, id: &str) -> bool {
        d.overdue.iter().any(|o| o == id)
    }
    /// The reader may set this measure's status: the holder, or the service responsible for it.
    fn may_status(&self, m: &los_domain::individual_plan::content::Measure) -> bool {
        self.view.may.manage || self.my_services.iter().any(|s| s == &m.responsible_service)
    }
    fn voices(&self) -> &'static [&'static str] {
        if self.citizen { &["family", "child"] } else { &["service", "child", "family", "relatives"] }
    }
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }
    fn last_version(&self) -> i32 {
        self.view.detail.as_ref().and_then(|d| d.versions.last()).map_or(0, |v| v.number)
    }
    fn service_name(&self, id: &str) -> String {
        self.services.iter().find(|s| s.id == id).map_or_else(|| id.to_owned(), |s| s.name.clone())
    }
    fn service_names(&self, ids: &[String]) -> String {
        ids.iter().map(|s| self.service_name(s)).collect::<Vec<_>>().join(", ")
    }
    /// The meeting has begun, is not cancelled, and the reader works in the service that arranged it: they
    /// write its minutes and follow-ups.
    fn may_record(&self, m: &los_store::MeetingView) -> bool {
        m.cancelled_at.is_none()
            && m.starts_at <= los_store::planning::local_now()
            && self.my_services.iter().any(|s| s == &m.arranged_by_service)
    }
    /// The meeting lies ahead and is not cancelled: invitations can go out.
    fn invitable(&self, m: &los_store::MeetingView) -> bool {
        m.cancelled_at.is_none() && m.starts_at > los_store::planning::local_now()
    }
    /// How the last round of invitations went: "3 sendt, 1 uten e-postadresse".
    fn invitation_line(&self, m: &los_store::MeetingView) -> String {
        let Some(last) = m.invitations.first() else { return String::new() };
        let round: Vec<_> = m.invitations.iter().filter(|i| i.sent_at == last.sent_at).collect();
        let count = |o: &str| round.iter().filter(|i| i.outcome == o).count().to_string();
        self.base.t.with(
            "ip-invitation-line",
            &[
                ("date", last.sent_at.format("%d.%m.%Y").to_string().as_str()),
                ("sent", count("sent").as_str()),
                ("failed", count("failed").as_str()),
                ("missing", count("no_address").as_str()),
            ],
        )
    }
}

/// Where the page was after a write: a saved confirmation, by action.
#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    lagret: Option<String>,
}

pub(super) async fn ip_page(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    saved: Option<String>,
    error: Option<FieldError>,
) -> PageResult {
    let err = page_err(ctx);
    let Some(u) = ctx.user.as_ref() else { return Ok(Redirect::to("/logg-inn").into_response()) };
    let view = st.store.individual_plan(u, id).await.map_err(|e| err(e.into()))?;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let saved = saved
        .filter(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .map(|s| ctx.tr.try_get(&format!("ip-saved-{s}")).unwrap_or_default())
        .filter(|s| !s.is_empty());
    let page = IpPage {
        base: Base::new(ctx, st.demo),
        child_name: view.child_name.clone(),
        services: view.services.iter().map(|(id, name)| ServiceChoice { id: id.clone(), name: name.clone() }).collect(),
        parents: view.parents.clone(),
        citizen: u.kind == los_domain::model::UserKind::Citizen,
        me: u.person_id.clone(),
        my_services: u.memberships.iter().filter_map(|m| m.service_id.clone()).collect(),
        saved,
        error,
        view,
    };
    Ok((status, render(&page)).into_response())
}

async fn page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, Query(q): Query<SavedQuery>) -> PageResult {
    ip_page(&st, &ctx, &id, q.lagret, None).await
}

/// After a form: back to the page with a confirmation, or the page again with the error on its field.
pub(crate) async fn after_ip<T>(st: &AppState, ctx: &Ctx, id: &str, saved: &str, r: Result<T, Rejected>) -> PageResult {
    match r {
        Ok(_) => Ok(Redirect::to(&page_url(id, saved)).into_response()),
        Err(Rejected { field, error: e @ (StoreError::Invalid { .. } | StoreError::Denied(_)) }) => {
            let message = translate_store_error(ctx, &e);
            ip_page(st, ctx, id, None, Some(FieldError { field, message })).await
        }
        Err(Rejected { error, .. }) => Err(page_err(ctx)(error.into())),
    }
}

fn page_url(id: &str, saved: &str) -> String {
    let plain = |s: &str| {
        !s.is_empty() && s.len() <= 100 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if plain(id) { format!("/saker/{id}/individuell-plan?lagret={saved}#status") } else { "/saker".to_owned() }
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
            after_ip(&st, &ctx, &id, $saved, r).await
        }
    };
}

page_action!(start_page, IpStartInput, start_in, "start");
page_action!(notify_page, IpNotifyInput, notify_in, "notification");
page_action!(basis_page, IpBasisInput, basis_in, "basis");
page_action!(consent_page, IpConsentInput, consent_in, "consent");
page_action!(responsibility_page, IpResponsibilityInput, responsibility_in, "responsibility");
page_action!(participant_page, IpParticipantInput, participant_in, "participant");
page_action!(complaint_page, IpComplaintInput, complaint_in, "complaint");
page_action!(end_page, IpReasonInput, end_in, "end");
page_action!(settings_page, IpSettingsInput, settings_in, "settings");

async fn end_in(st: &AppState, actor: &User, id: &str, i: IpReasonInput) -> Result<String, Rejected> {
    st.store
        .end_individual_plan(actor, id, &i.reason)
        .await
        .map(|()| id.to_owned())
        .map_err(|e| Rejected::at("ip-end-reason", e))
}

async fn remove_basis_in(
    st: &AppState,
    actor: &User,
    id: &str,
    basis: &str,
    i: IpReasonInput,
) -> Result<String, Rejected> {
    st.store
        .remove_individual_plan_basis(actor, id, basis, &i.reason)
        .await
        .map(|()| basis.to_owned())
        .map_err(|e| Rejected::at(format!("ip-basis-{basis}"), e))
}

async fn withdraw_in(
    st: &AppState,
    actor: &User,
    id: &str,
    consent: &str,
    i: IpReasonInput,
) -> Result<String, Rejected> {
    st.store
        .withdraw_individual_plan_consent(actor, id, consent, &i.reason)
        .await
        .map(|()| consent.to_owned())
        .map_err(|e| Rejected::at(format!("ip-consent-{consent}"), e))
}

macro_rules! page_sub_action {
    ($name:ident, $input:ty, $run:ident, $saved:literal) => {
        async fn $name(
            State(st): State<AppState>,
            ctx: Ctx,
            Path((id, sub)): Path<(String, String)>,
            JsonOrForm(f): JsonOrForm<$input>,
        ) -> PageResult {
            let u = user(&ctx)?;
            let r = $run(&st, u, &id, &sub, f).await;
            after_ip(&st, &ctx, &id, $saved, r).await
        }
    };
}

page_sub_action!(remove_basis_page, IpReasonInput, remove_basis_in, "basis-removed");
page_sub_action!(withdraw_page, IpReasonInput, withdraw_in, "withdrawn");
page_sub_action!(complaint_step_page, IpComplaintStepInput, complaint_step_in, "complaint-step");

// ---- the API

/// The individual plan of a case: its summary (state, the service with the main responsibility, the legal
/// bases, the participants and whose consent it needs) for every reader of the case; the consents,
/// complaints and history for the family, the service with the main responsibility and the services the
/// consent names.
#[utoipa::path(get, path = "/cases/{id}/individual-plan", params(("id" = String, Path)), responses((status = 200, description = "The plan (issue 13): summary for every reader of the case, and consents, complaints and history for the plan's own readers", body = serde_json::Value)))]
pub async fn get_plan(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<IpView>, ApiError> {
    Ok(Json(st.store.individual_plan(&user, &id).await?))
}

/// Starts IP work (child welfare, NAV or the municipal health and care service, IP-forskriften § 6). Where
/// the child has a plan that exists or is pending the start is linked to it (200, `linked`): never a second
/// plan.
#[utoipa::path(post, path = "/cases/{id}/individual-plan", params(("id" = String, Path)), request_body = IpStartInput, responses((status = 201, description = "A new plan", body = IpStartAnswer), (status = 200, description = "Linked to the child's plan", body = IpStartAnswer)))]
pub async fn start(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<IpStartInput>,
) -> Result<(StatusCode, Json<IpStartAnswer>), ApiError> {
    let a = start_in(&st, &user, &id, i).await?;
    Ok((if a.linked { StatusCode::OK } else { StatusCode::CREATED }, Json(a)))
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

macro_rules! api_sub_action {
    ($(#[$m:meta])* $name:ident, $input:ty, $run:ident) => {
        $(#[$m])*
        pub async fn $name(
            State(st): State<AppState>,
            ApiUser(user): ApiUser,
            Path((id, sub)): Path<(String, String)>,
            JsonOrForm(i): JsonOrForm<$input>,
        ) -> Result<(StatusCode, Json<Created>), ApiError> {
            Ok(created($run(&st, &user, &id, &sub, i).await?))
        }
    };
}

api_action!(
    /// Specialist health notifies the coordinating unit of a need for a plan covering both levels, and
    /// takes part in the municipality's work (IP-forskriften § 8 andre ledd).
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/notifications", params(("id" = String, Path)), request_body = IpNotifyInput, responses((status = 201, body = Created)))]
    notify, IpNotifyInput, notify_in
);
api_action!(
    /// Adds a legal basis to the plan (the service with the main responsibility).
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/bases", params(("id" = String, Path)), request_body = IpBasisInput, responses((status = 201, body = Created)))]
    add_basis, IpBasisInput, basis_in
);
api_sub_action!(
    /// Removes a basis recorded in error or no longer applying (kept as history; the plan keeps one).
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/bases/{basis}/remove", params(("id" = String, Path), ("basis" = String, Path)), request_body = IpReasonInput, responses((status = 201, body = Created)))]
    remove_basis, IpReasonInput, remove_basis_in
);
api_action!(
    /// A consent to the plan: the family member's own in Los, or recorded by the service with the main
    /// responsibility with who consented and how; it names the services that may read the plan. The plan is
    /// active once the consents meet every basis's rule (IP-forskriften § 5).
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/consents", params(("id" = String, Path)), request_body = IpConsentInput, responses((status = 201, body = Created)))]
    consent, IpConsentInput, consent_in
);
api_sub_action!(
    /// Withdraws a consent to the plan (whoever gave it, or the service with the main responsibility when
    /// told). Without a consent in force the plan is suspended and the participants lose access at once.
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/consents/{consent}/withdraw", params(("id" = String, Path), ("consent" = String, Path)), request_body = IpReasonInput, responses((status = 201, body = Created)))]
    withdraw, IpReasonInput, withdraw_in
);
api_action!(
    /// Moves the main responsibility: the services' agreement (the holder or the service taking over), or
    /// the municipality's decision (its configured decision-maker) when they disagree.
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/responsibility", params(("id" = String, Path)), request_body = IpResponsibilityInput, responses((status = 201, body = Created)))]
    responsibility, IpResponsibilityInput, responsibility_in
);
api_action!(
    /// Records a service contacted to take part, marked with its duty to take part where it has one.
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/participants", params(("id" = String, Path)), request_body = IpParticipantInput, responses((status = 201, body = Created)))]
    participant, IpParticipantInput, participant_in
);
api_action!(
    /// Registers a complaint about the plan by the route its bases open (who may complain follows the route
    /// and the child's age).
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/complaints", params(("id" = String, Path)), request_body = IpComplaintInput, responses((status = 201, body = Created)))]
    complain, IpComplaintInput, complaint_in
);
api_sub_action!(
    /// Moves a complaint on: forwarded to the complaint body, decided with its outcome, or withdrawn.
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/complaints/{complaint}/steps", params(("id" = String, Path), ("complaint" = String, Path)), request_body = IpComplaintStepInput, responses((status = 201, body = Created)))]
    complaint_step, IpComplaintStepInput, complaint_step_in
);
api_action!(
    /// Changes the plan's settings: care order, measures directed at the parents (whose consent the plan
    /// needs follows them), the plan's language and an interpreter.
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/settings", params(("id" = String, Path)), request_body = IpSettingsInput, responses((status = 201, body = Created)))]
    settings, IpSettingsInput, settings_in
);
api_action!(
    /// Ends the plan with the reason; everything is kept.
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/end", params(("id" = String, Path)), request_body = IpReasonInput, responses((status = 201, body = Created)))]
    end, IpReasonInput, end_in
);

// Declared after the macros above, which it uses.
mod group;
