//! The case page: its view model, split by section, and the page shell every case form returns to.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::Utc;
use los_domain::anonymise::{Anonymised, Warning};
use los_domain::consent::{Consent, ConsentDomain, ConsentForm, ConsentStatus, InfoCategory};
use los_domain::coordination::{AssessmentResult, SentenceType, TeamRole, Transition};
use los_domain::model::{Relation, UserKind};
use los_domain::planning::{ChildParticipation, MeetingKind, Situation};
use los_store::{CaseView, StoreError};

use crate::AppState;
use crate::auth::Ctx;
use crate::error::PageError;
use crate::pages::{Base, PageResult, page_err, render};

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}", get(case))
}

/// A problem with one form field, shown in an error summary that links to the field.
pub struct FieldError {
    pub field: String,
    pub message: String,
}

pub(crate) fn translate_store_error(ctx: &Ctx, e: &StoreError) -> String {
    match e {
        StoreError::Invalid { code, message, .. } => {
            ctx.tr.try_get(&format!("err-{}", code.replace('.', "-"))).unwrap_or_else(|| message.clone())
        }
        StoreError::Denied(r) => ctx.tr.try_get(&format!("err-denied-{}", r.code)).unwrap_or_else(|| r.detail.clone()),
        other => other.to_string(),
    }
}

/// A consent as the page shows it.
pub struct ConsentRow {
    c: Consent,
    status: ConsentStatus,
    expiring: bool,
    from: String,
    to: String,
    categories: String,
    givers: String,
    /// The services that have not confirmed a consent another service recorded.
    awaiting: String,
    /// The actor acts for one of them and may confirm it.
    may_confirm: bool,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    base: Base,
    view: CaseView,
    consents: Vec<ConsentRow>,
    /// (id, name) of every service, for the consent and legal-basis forms.
    services: Vec<(String, String)>,
    /// (value, label) of the possible consent givers.
    givers: Vec<(String, String)>,
    categories: Vec<(&'static str, String)>,
    employee: bool,
    /// The family member may give relatives access.
    may_invite: bool,
    health_service: Option<String>,
    /// The actor's county follow-up service in the case, which records outcomes.
    follow_up_service: Option<String>,
    today: String,
    in_a_year: String,
    error: Option<FieldError>,
    anonymised: Option<(String, Anonymised)>,
}

/// The case page for the signed-in user, with an error on a field or an anonymisation result when a form
/// returned here.
pub(crate) async fn case_page(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    error: Option<FieldError>,
    anonymised: Option<(String, Anonymised)>,
) -> Result<Response, PageError> {
    let err = page_err(ctx);
    let Some(user) = ctx.user.as_ref() else {
        return Ok(Redirect::to("/logg-inn").into_response());
    };
    let view = match st.store.case_for(user, id).await {
        Ok(v) => v,
        Err(StoreError::Denied(reason)) if user.kind == UserKind::Employee => {
            return Ok(denied_page(st, ctx, id, reason, error));
        }
        Err(e) => return Err(err(e.into())),
    };
    // Names for everything the case refers to; the pickers offer only active services.
    let services_all = st.store.all_services().await.map_err(|e| err(e.into()))?;
    let services_active = st.store.services().await.map_err(|e| err(e.into()))?;
    let now = Utc::now();
    let employee = user.kind == UserKind::Employee;
    let service_where = |pred: &dyn Fn(&los_domain::model::Service) -> bool| {
        view.may.services.iter().find(|s| services_all.iter().any(|x| &x.id == *s && pred(x))).cloned()
    };
    let health_service = service_where(&|x| x.sector == los_domain::model::Sector::Health);
    let follow_up_service = service_where(&|x| x.service_type == los_domain::coordination::FOLLOW_UP_SERVICE_TYPE);
    let page = CasePage {
        follow_up_service,
        base: Base::new(ctx, st.demo),
        consents: consent_rows(ctx, &view, &services_all),
        services: services_active.iter().map(|s| (s.id.clone(), s.name.clone())).collect(),
        givers: giver_choices(ctx, user, &view),
        categories: InfoCategory::ALL
            .iter()
            .filter(|c| **c != InfoCategory::Overview)
            .map(|c| (c.as_str(), ctx.tr.get(&format!("cat-{c}"))))
            .collect(),
        employee,
        may_invite: view.may.invite_family,
        health_service,
        today: now.date_naive().to_string(),
        in_a_year: (now.date_naive() + chrono::Duration::days(365)).to_string(),
        error,
        anonymised,
        view,
    };
    let status = if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

/// The page an employee sees when the policy refuses the case, with the break-the-glass form when they
/// work in a service (not as administrator or leader).
fn denied_page(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    reason: los_policy::DenyReason,
    error: Option<FieldError>,
) -> Response {
    let can_break_glass = ctx.user.as_ref().is_some_and(los_policy::may_request_break_glass);
    let explanation = ctx.tr.try_get(&format!("err-denied-{}", reason.code)).unwrap_or(reason.detail);
    let page =
        DeniedPage { base: Base::new(ctx, st.demo), case_id: id.to_owned(), explanation, can_break_glass, error };
    (StatusCode::FORBIDDEN, render(&page)).into_response()
}

/// The consents of the case as rows, newest first, with names instead of ids.
fn consent_rows(ctx: &Ctx, view: &CaseView, services: &[los_domain::model::Service]) -> Vec<ConsentRow> {
    let name = |sid: &str| services.iter().find(|s| s.id == sid).map_or_else(|| sid.to_owned(), |s| s.name.clone());
    let names = |ids: &[String]| ids.iter().map(|s| name(s)).collect::<Vec<_>>().join(", ");
    let family_name = |pid: &Option<String>| match pid {
        Some(p) if *p == view.child.id => view.child.full_name(),
        Some(p) => view.family.iter().find(|f| &f.0 == p).map_or_else(|| p.clone(), |f| f.1.clone()),
        None => ctx.tr.get("giver-child_welfare_service"),
    };
    let now = Utc::now();
    view.consents
        .iter()
        .rev()
        .map(|c| ConsentRow {
            awaiting: names(&c.awaiting_confirmation()),
            may_confirm: c.awaiting_confirmation().iter().any(|s| view.may.acts_for(s)),
            status: c.status(now),
            expiring: view.expiring_consents.contains(&c.id),
            from: names(&c.from_services),
            to: names(&c.to_services),
            categories: c.categories.iter().map(|k| ctx.tr.get(&format!("cat-{k}"))).collect::<Vec<_>>().join(", "),
            givers: c
                .givers
                .iter()
                .map(|g| {
                    let age = g.age.map(|a| format!(", {a} år")).unwrap_or_default();
                    format!("{} ({}{age})", family_name(&g.person_id), ctx.tr.get(&format!("giver-{}", g.capacity)))
                })
                .collect::<Vec<_>>()
                .join("; "),
            c: c.clone(),
        })
        .collect()
}

/// Who the consent form offers as giver (`person:capacity`): an employee may record for anyone; a family
/// member gives their own consent.
fn giver_choices(ctx: &Ctx, user: &los_domain::model::User, view: &CaseView) -> Vec<(String, String)> {
    let employee = user.kind == UserKind::Employee;
    let mut givers = Vec::new();
    if employee || user.person_id.as_deref() == Some(view.child.id.as_str()) {
        givers.push((
            format!("{}:child", view.child.id),
            format!("{} ({})", view.child.full_name(), ctx.tr.get("giver-child")),
        ));
    }
    for (pid, pname, resp, relation, _) in &view.family {
        if *resp && *relation == Relation::Parent && (employee || user.person_id.as_deref() == Some(pid.as_str())) {
            givers.push((format!("{pid}:parent"), format!("{pname} ({})", ctx.tr.get("giver-parent"))));
        }
    }
    if employee {
        givers.push(("-:child_welfare_service".into(), ctx.tr.get("giver-child_welfare_service")));
    }
    givers
}

pub async fn case(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    case_page(&st, &ctx, &id, None, None).await
}

#[derive(Template)]
#[template(path = "denied.html")]
pub(crate) struct DeniedPage {
    pub(crate) base: Base,
    pub(crate) case_id: String,
    pub(crate) explanation: String,
    pub(crate) can_break_glass: bool,
    pub(crate) error: Option<FieldError>,
}

/// Translated text for an anonymisation warning.
pub fn warning_text(base: &Base, w: &Warning) -> String {
    match w {
        Warning::SmallMunicipality => base.t.get("anon-warn-small"),
        Warning::RareCondition { term } => base.t.with("anon-warn-rare", &[("term", term)]),
        Warning::PlaceNamed { place } => base.t.with("anon-warn-place", &[("place", place)]),
        Warning::PossibleName { word } => base.t.with("anon-warn-name", &[("word", word)]),
    }
}

impl CasePage {
    /// The case's title, or a neutral one naming only the child when the title (which may name a place) is
    /// hidden behind a protected address.
    fn title(&self) -> String {
        if self.view.location_hidden.is_some() {
            self.base.t.with("case-title-hidden", &[("child", self.view.child.full_name().as_str())])
        } else {
            self.view.case.title.clone()
        }
    }

    fn warning(&self, w: &Warning) -> String {
        warning_text(&self.base, w)
    }

    fn service_name(&self, id: &str) -> String {
        self.services.iter().find(|s| s.0 == id).map_or_else(|| id.to_owned(), |s| s.1.clone())
    }

    fn status_key(&self, s: &ConsentStatus) -> &'static str {
        match s {
            ConsentStatus::Active => "consent-status-active",
            ConsentStatus::Expired => "consent-status-expired",
            ConsentStatus::Withdrawn => "consent-status-withdrawn",
            ConsentStatus::NotYetValid => "consent-status-not-yet",
        }
    }

    fn form_key(&self, f: &ConsentForm) -> &'static str {
        match f {
            ConsentForm::Written => "form-written",
            ConsentForm::Oral => "form-oral",
            ConsentForm::Digital => "form-digital",
        }
    }

    fn result_key(&self, r: &AssessmentResult) -> &'static str {
        self.result_code_key(r.as_str())
    }

    fn result_code_key(&self, r: &str) -> &'static str {
        match r {
            "necessary" => "result-necessary",
            "voluntary_with_consent" => "result-voluntary",
            _ => "result-not-necessary",
        }
    }

    fn voice_key(&self, v: &str) -> &'static str {
        match v {
            "heard" => "voice-heard",
            "declined" => "voice-declined",
            _ => "voice-not-yet",
        }
    }

    fn measure_type_key(&self, t: &str) -> &'static str {
        if t == "control" { "measure-control" } else { "measure-help" }
    }

    fn status_name_key(&self, s: &str) -> &'static str {
        match s {
            "started" => "status-started",
            "done" => "status-done",
            "stopped" => "status-stopped",
            _ => "status-planned",
        }
    }

    fn sentence_key(&self, k: &SentenceType) -> &'static str {
        match k {
            SentenceType::Ungdomsstraff => "sentence-ungdomsstraff",
            SentenceType::Ungdomsoppfolging => "sentence-ungdomsoppfolging",
            SentenceType::CommunitySentence => "sentence-community_sentence",
            SentenceType::Prison => "sentence-prison",
        }
    }

    /// The areas of the transition plan after a sentence, translated.
    fn release_areas(&self) -> Vec<(&'static str, String)> {
        los_domain::coordination::ReleaseArea::ALL
            .iter()
            .map(|a| (a.as_str(), self.base.t.get(&format!("release-{a}"))))
            .collect()
    }

    fn release_names(&self, areas: &[los_domain::coordination::ReleaseArea]) -> String {
        areas.iter().map(|a| self.base.t.get(&format!("release-{a}"))).collect::<Vec<_>>().join(", ")
    }

    /// The measures of the transition plan after the sentence, in the plan's order.
    fn release_plan(&self) -> Vec<&los_store::coordination::PlanItem> {
        self.view.cooperation.plan.iter().filter(|p| p.release_area.is_some()).collect()
    }

    /// The current screening of the right to an individual plan, which the transition plan links to.
    fn individual_plan(&self) -> Option<&los_store::ScreeningView> {
        self.view.cooperation.rights.current.iter().find(|v| v.kind == los_domain::rights::RightKind::IndividualPlan)
    }

    fn team_role_key(&self, r: &TeamRole) -> &'static str {
        match r {
            TeamRole::YouthCoordinator => "role-youth-coordinator",
            TeamRole::PoliceContact => "role-police-contact",
            TeamRole::CorrectionalService => "role-correctional-service",
            TeamRole::Parent => "role-parent",
            TeamRole::Guardian => "role-guardian",
            TeamRole::Service => "role-service",
            TeamRole::Network => "role-network",
        }
    }

    fn transitions(&self) -> Vec<(&'static str, String)> {
        Transition::ALL.iter().map(|t| (t.as_str(), self.base.transition(t.as_str()))).collect()
    }

    fn source_key(&self, s: &str) -> &'static str {
        match s {
            "asked_child" => "source-asked-child",
            "asked_parents" => "source-asked-parents",
            _ => "source-own-records",
        }
    }

    fn place_key(&self, p: &str) -> &'static str {
        match p {
            "school" => "place-school",
            "kindergarten" => "place-kindergarten",
            "home" => "place-home",
            "neutral" => "place-neutral",
            "office" => "place-office",
            _ => "place-digital",
        }
    }

    fn elements(&self) -> Vec<(&'static str, String)> {
        los_domain::coordination::BEST_INTEREST_ELEMENTS
            .iter()
            .map(|e| (*e, self.base.t.get(&format!("element-{e}"))))
            .collect()
    }

    fn relation_key(&self, r: &Relation) -> &'static str {
        match r {
            Relation::Parent => "col-parent",
            Relation::FosterParent => "relation-foster-parent",
            Relation::InvitedRelative => "relation-invited-relative",
        }
    }

    fn situations(&self) -> Vec<(&'static str, String, String)> {
        Situation::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str(),
                    self.base.t.get(&format!("situation-{s}")),
                    self.base.t.get(&format!("situation-{s}-help")),
                )
            })
            .collect()
    }

    fn situation_name(&self, s: &Situation) -> String {
        self.base.t.get(&format!("situation-{s}"))
    }

    fn meeting_kinds(&self) -> Vec<(&'static str, String)> {
        MeetingKind::ALL.iter().map(|k| (k.as_str(), self.base.t.get(&format!("meeting-kind-{k}")))).collect()
    }

    fn meeting_kind(&self, k: &MeetingKind) -> String {
        self.base.t.get(&format!("meeting-kind-{k}"))
    }

    fn participation_modes(&self) -> Vec<(&'static str, String)> {
        ChildParticipation::ALL.iter().map(|k| (k.as_str(), self.base.t.get(&format!("child-part-{k}")))).collect()
    }

    fn participation(&self, k: &ChildParticipation) -> String {
        self.base.t.get(&format!("child-part-{k}"))
    }

    /// The child and the adults linked to the child: whom a measure can be for.
    fn persons(&self) -> Vec<(String, String)> {
        std::iter::once((self.view.child.id.clone(), self.view.child.full_name()))
            .chain(self.view.family.iter().map(|f| (f.0.clone(), f.1.clone())))
            .collect()
    }

    fn person_name(&self, id: &str) -> String {
        self.persons().into_iter().find(|p| p.0 == id).map_or_else(|| id.to_owned(), |p| p.1)
    }

    /// The title of the plan item an id (of any version) points at.
    fn plan_title(&self, id: &str) -> String {
        self.view
            .cooperation
            .plan
            .iter()
            .find(|p| p.id == id || p.history_ids.iter().any(|h| h == id))
            .map_or_else(|| id.to_owned(), |p| p.title.clone())
    }

    /// Does plan item `p` wait for `q` (any version of it)?
    fn waits_for(&self, p: &los_store::coordination::PlanItem, q: &los_store::coordination::PlanItem) -> bool {
        p.depends_on.as_deref().is_some_and(|d| d == q.id || q.history_ids.iter().any(|h| h == d))
    }

    fn reason(&self, r: &str) -> String {
        self.base.prompt_reason(r, |s| self.service_name(s))
    }

    fn timeline(&self) -> Vec<los_store::TimelineEvent> {
        self.view.timeline()
    }

    /// The event's text, translated where it is a code.
    fn outcome_kinds(&self) -> Vec<(&'static str, String)> {
        los_domain::coordination::FollowUpOutcome::ALL
            .iter()
            .map(|o| (o.as_str(), self.base.t.get(&format!("outcome-{o}"))))
            .collect()
    }

    /// The rights screened in a case, each with its current screening (if any).
    fn rights(&self) -> Vec<(&'static str, String, Option<&los_store::ScreeningView>)> {
        los_domain::rights::RightKind::ALL
            .iter()
            .filter(|k| **k != los_domain::rights::RightKind::ChildCoordinator)
            .map(|k| {
                let current = self.view.cooperation.rights.current.iter().find(|v| v.kind == *k);
                (k.as_str(), self.base.t.get(&format!("right-{k}")), current)
            })
            .collect()
    }

    fn right_name(&self, kind: &los_domain::rights::RightKind) -> String {
        self.base.t.get(&format!("right-{kind}"))
    }

    /// The error message for a field of the rights form, if the last post failed there.
    fn rights_err(&self, field: &str) -> Option<String> {
        self.error.as_ref().filter(|e| e.field == field).map(|e| e.message.clone())
    }

    fn screening_outcomes(&self) -> Vec<(&'static str, String)> {
        los_domain::rights::ScreeningOutcome::ALL
            .iter()
            .map(|o| (o.as_str(), self.base.t.get(&format!("screening-{o}"))))
            .collect()
    }

    fn rights_to_screen(&self) -> String {
        let names: Vec<String> = self.view.cooperation.rights.to_screen.iter().map(|k| self.right_name(k)).collect();
        names.join(", ")
    }

    fn timeline_text(&self, e: &los_store::TimelineEvent) -> String {
        match e.kind {
            "outcome" => self.base.t.get(&format!("outcome-{}", e.text)),
            "assessment" => self.base.t.get(self.result_code_key(&e.text)),
            "coordinator" => self.base.basis_code(&e.text),
            "sentence_start" | "sentence_end" => self.base.t.get(&format!("sentence-{}", e.text)),
            "prompt" => self.reason(&e.text),
            "closing" | "closed" => self.closing_reason(&e.text),
            "left" => self.leave_reason(&e.text),
            _ => e.text.clone(),
        }
    }

    /// A closing reason as `code|text`, translated, with the words the service gave.
    fn closing_reason(&self, coded: &str) -> String {
        let (code, text) = coded.split_once('|').unwrap_or((coded, ""));
        let reason = self.base.t.get(&format!("closing-reason-{code}"));
        if text.is_empty() { reason } else { format!("{reason}: {text}") }
    }

    /// A participation's leave reason: the services' words, or the case closing (a code).
    fn leave_reason(&self, r: &str) -> String {
        match r.strip_prefix(los_store::CASE_CLOSED_PREFIX) {
            Some(code) => self.base.t.with("closing-left", &[("reason", self.closing_reason(code).as_str())]),
            None => r.to_owned(),
        }
    }

    fn state(&self) -> &'static str {
        self.view.case.state.as_str()
    }

    /// The newest change of state while the case is closing or closed: why, and when.
    fn state_line(&self) -> Option<String> {
        let c = self.view.case.state_changes.last().filter(|_| self.state() != "open")?;
        let reason = self.closing_reason(c.reason.map_or("", |r| r.as_str()));
        let date = c.changed_at.date_naive().to_string();
        let reason = if c.text.is_empty() { reason } else { format!("{reason}: {}", c.text) };
        Some(self.base.t.with("closing-since", &[("date", date.as_str()), ("reason", reason.as_str())]))
    }

    /// The reasons a service chooses from (`all_services_left` is Los's own).
    fn closing_reasons(&self) -> Vec<(&'static str, String)> {
        los_domain::closing::ClosingReason::ALL
            .iter()
            .filter(|r| **r != los_domain::closing::ClosingReason::AllServicesLeft)
            .map(|r| (r.as_str(), self.base.t.get(&format!("closing-reason-{r}"))))
            .collect()
    }

    /// The actor's service is the only one taking part: it may close the case directly.
    fn only_service(&self) -> bool {
        let active = self.active_participants();
        active.len() == 1 && self.view.may.acts_for(&active[0].0)
    }

    /// The error message for a field of a form, if the last post failed there.
    fn field_err(&self, field: &str) -> Option<String> {
        self.error.as_ref().filter(|e| e.field == field).map(|e| e.message.clone())
    }

    fn active_participants(&self) -> Vec<(String, String)> {
        let today = Utc::now().date_naive();
        self.view
            .case
            .participants
            .iter()
            .filter(|p| p.active_on(today))
            .map(|p| (p.service_id.clone(), p.service_name.clone()))
            .collect()
    }

    fn names(&self, ids: &[String]) -> String {
        ids.iter().map(|s| self.service_name(s)).collect::<Vec<_>>().join(", ")
    }

    /// Whether a meeting has started (Norwegian local time): follow-ups are added from then on.
    fn started(&self, m: &los_store::MeetingView) -> bool {
        m.starts_at <= los_store::planning::local_now()
    }

    fn domains(&self) -> Vec<(&'static str, String)> {
        ConsentDomain::ALL.iter().map(|d| (d.as_str(), self.base.t.get(&format!("domain-{d}")))).collect()
    }
}
