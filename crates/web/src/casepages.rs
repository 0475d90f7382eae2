//! Case pages: the case list, one case with its consents, records and forms, emergency access, anonymous
//! consultation, the family's access log and leaders' access report. Thin handlers: parse the form, call
//! the store (which applies the access policy and writes the audit log), render.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::{NaiveDate, Utc};
use los_domain::anonymise::{Anonymised, Warning};
use los_domain::consent::{Consent, ConsentDomain, ConsentForm, ConsentStatus, GiverCapacity, InfoCategory};
use los_domain::coordination::{AssessmentResult, ChildVoice, CoordinationBasis, SentenceType, TeamRole, Transition};
use los_domain::model::{Relation, Role, UserKind};
use los_domain::planning::{ChildParticipation, MeetingKind, Situation};
use los_store::{AccessLogLine, AccessReport, CaseSummary, CaseView, NewConsent, NewLegalBasis, StoreError};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Ctx;
use crate::error::PageError;
use crate::pages::{Base, PageResult, page_err, render};

/// A problem with one form field, shown in an error summary that links to the field.
pub struct FieldError {
    pub field: String,
    pub message: String,
}

fn translate_store_error(ctx: &Ctx, e: &StoreError) -> String {
    match e {
        StoreError::Invalid { code, message } => {
            ctx.tr.try_get(&format!("err-{}", code.replace('.', "-"))).unwrap_or_else(|| message.clone())
        }
        StoreError::Denied(r) => ctx.tr.try_get(&format!("err-denied-{}", r.code)).unwrap_or_else(|| r.detail.clone()),
        other => other.to_string(),
    }
}

pub struct CaseRow {
    id: String,
    title: String,
    child: String,
    active: String,
    expiring: usize,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    base: Base,
    cases: Vec<CaseRow>,
}

pub async fn cases(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let Some(user) = ctx.user.as_ref() else {
        return Ok(Redirect::to("/logg-inn").into_response());
    };
    let today = Utc::now().date_naive();
    let list: Vec<CaseSummary> = st.store.cases_visible_to(user).await.map_err(|e| page_err(&ctx)(e.into()))?;
    let cases = list
        .into_iter()
        .map(|v| CaseRow {
            active: v
                .case
                .participants
                .iter()
                .filter(|p| p.active_on(today))
                .map(|p| p.service_name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            id: v.case.id,
            title: v.case.title,
            child: v.child_name,
            expiring: v.expiring_consents,
        })
        .collect();
    Ok(render(&CasesPage { base: Base::new(&ctx, st.demo), cases }))
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

async fn case_page(
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
            let can_break_glass = user
                .memberships
                .iter()
                .any(|m| m.service_id.is_some() && !matches!(m.role, Role::Administrator | Role::Leader));
            let explanation = ctx.tr.try_get(&format!("err-denied-{}", reason.code)).unwrap_or(reason.detail);
            let page = DeniedPage {
                base: Base::new(ctx, st.demo),
                case_id: id.to_owned(),
                explanation,
                can_break_glass,
                error,
            };
            return Ok((StatusCode::FORBIDDEN, render(&page)).into_response());
        }
        Err(e) => return Err(err(e.into())),
    };
    let services_all = st.store.services().await.map_err(|e| err(e.into()))?;
    let name = |sid: &str| services_all.iter().find(|s| s.id == sid).map_or_else(|| sid.to_owned(), |s| s.name.clone());
    let now = Utc::now();
    let family_name = |pid: &Option<String>| match pid {
        Some(p) if *p == view.child.id => view.child.full_name(),
        Some(p) => view.family.iter().find(|f| &f.0 == p).map_or_else(|| p.clone(), |f| f.1.clone()),
        None => ctx.tr.get("giver-child_welfare_service"),
    };
    let consents = view
        .consents
        .iter()
        .rev()
        .map(|c| ConsentRow {
            status: c.status(now),
            expiring: view.expiring_consents.contains(&c.id),
            from: c.from_services.iter().map(|s| name(s)).collect::<Vec<_>>().join(", "),
            to: c.to_services.iter().map(|s| name(s)).collect::<Vec<_>>().join(", "),
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
        .collect();
    let employee = user.kind == UserKind::Employee;
    let me = user.person_id.as_deref().unwrap_or_default();
    let guardianships: Vec<los_domain::model::Guardianship> = view
        .family
        .iter()
        .map(|f| los_domain::model::Guardianship {
            adult_person_id: f.0.clone(),
            child_person_id: view.child.id.clone(),
            relation: f.3,
            parental_responsibility: f.2,
            access_granted: f.4,
        })
        .collect();
    let may_invite =
        !employee && los_domain::model::may_grant_family_access(me, &view.child.id, view.child_age, &guardianships);
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
    let health_service = view
        .my_services
        .iter()
        .find(|s| services_all.iter().any(|x| &x.id == *s && x.sector == los_domain::model::Sector::Health))
        .cloned();
    let follow_up_service = view
        .my_services
        .iter()
        .find(|s| {
            services_all
                .iter()
                .any(|x| &x.id == *s && x.service_type == los_domain::coordination::FOLLOW_UP_SERVICE_TYPE)
        })
        .cloned();
    let page = CasePage {
        follow_up_service,
        base: Base::new(ctx, st.demo),
        consents,
        services: services_all.iter().map(|s| (s.id.clone(), s.name.clone())).collect(),
        givers,
        categories: InfoCategory::ALL
            .iter()
            .filter(|c| **c != InfoCategory::Overview)
            .map(|c| (c.as_str(), ctx.tr.get(&format!("cat-{c}"))))
            .collect(),
        employee,
        may_invite,
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

pub async fn case(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    case_page(&st, &ctx, &id, None, None).await
}

#[derive(Template)]
#[template(path = "denied.html")]
struct DeniedPage {
    base: Base,
    case_id: String,
    explanation: String,
    can_break_glass: bool,
    error: Option<FieldError>,
}

/// After a form: back to the case on success, or the case page with the error on the field.
async fn after(
    st: &AppState,
    ctx: &Ctx,
    case_id: &str,
    field: &str,
    result: Result<(), StoreError>,
    anchor: &str,
) -> PageResult {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/saker/{case_id}#{anchor}")).into_response()),
        Err(e @ (StoreError::Invalid { .. } | StoreError::Denied(_))) => {
            let message = translate_store_error(ctx, &e);
            if matches!(e, StoreError::Denied(_)) && field == "reason" {
                // The denial page carries the break-the-glass form.
                return case_page(st, ctx, case_id, Some(FieldError { field: field.into(), message }), None).await;
            }
            case_page(st, ctx, case_id, Some(FieldError { field: field.into(), message }), None).await
        }
        Err(e) => Err(page_err(ctx)(e.into())),
    }
}

fn user(ctx: &Ctx) -> Result<&los_domain::model::User, PageError> {
    ctx.require_user().map_err(|e| page_err(ctx)(e))
}

#[derive(Deserialize)]
pub struct NoteForm {
    service: String,
    category: String,
    body: String,
}

pub async fn add_note(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<NoteForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let Some(category) = InfoCategory::parse(&f.category) else {
        return after(
            &st,
            &ctx,
            &id,
            "note-category",
            Err(StoreError::Invalid { code: "note.category", message: "choose a category".into() }),
            "notater",
        )
        .await;
    };
    let r = st.store.add_note(u, &id, &f.service, category, &f.body, None).await.map(|_| ());
    after(&st, &ctx, &id, "note-body", r, "notater").await
}

#[derive(Deserialize)]
pub struct ConsentFormData {
    domain: String,
    #[serde(default)]
    giver: Vec<String>,
    #[serde(default)]
    from: Vec<String>,
    #[serde(default)]
    to: Vec<String>,
    #[serde(default)]
    category: Vec<String>,
    purpose: String,
    consequences: String,
    form: Option<String>,
    valid_from: String,
    valid_to: String,
    care_order: Option<String>,
    measures_directed_at_parents: Option<String>,
    both_required: Option<String>,
}

fn field_err(code: &'static str, message: &str) -> StoreError {
    StoreError::Invalid { code, message: message.into() }
}

fn parse_consent(id: &str, f: &ConsentFormData, citizen: bool) -> Result<NewConsent, (String, StoreError)> {
    let domain = ConsentDomain::parse(&f.domain).ok_or_else(|| {
        ("consent-domain".to_owned(), field_err("consent.domain", "choose which law's consent rules apply"))
    })?;
    let mut givers = Vec::new();
    for g in &f.giver {
        let (p, cap) = g
            .split_once(':')
            .ok_or_else(|| ("consent-giver".to_owned(), field_err("consent.giver", "unknown giver")))?;
        let cap = GiverCapacity::parse(cap)
            .ok_or_else(|| ("consent-giver".to_owned(), field_err("consent.giver", "unknown giver")))?;
        givers.push(((p != "-").then(|| p.to_owned()), cap));
    }
    if givers.is_empty() {
        return Err(("consent-giver".into(), field_err("consent.no_giver", "choose who gives consent")));
    }
    let categories = f.category.iter().filter_map(|c| InfoCategory::parse(c)).collect();
    let date = |s: &str, field: &str| {
        s.parse::<NaiveDate>()
            .map_err(|_| (field.to_owned(), field_err("consent.date", "write the date as yyyy-mm-dd")))
    };
    let form = if citizen {
        ConsentForm::Digital
    } else {
        f.form
            .as_deref()
            .and_then(ConsentForm::parse)
            .ok_or_else(|| ("consent-form".to_owned(), field_err("consent.form", "choose how consent was given")))?
    };
    Ok(NewConsent {
        case_id: id.to_owned(),
        domain,
        givers,
        from_services: f.from.clone(),
        to_services: f.to.clone(),
        categories,
        purpose: f.purpose.clone(),
        consequences: f.consequences.clone(),
        form,
        valid_from: date(&f.valid_from, "consent-valid-from")?,
        valid_to: date(&f.valid_to, "consent-valid-to")?,
        care_order: f.care_order.is_some(),
        measures_directed_at_parents: f.measures_directed_at_parents.is_some(),
        both_required: f.both_required.is_some(),
    })
}

/// The form field a consent rule points at.
fn consent_field(code: &str) -> &'static str {
    match code {
        "consent.wrong_givers"
        | "consent.parent_without_responsibility"
        | "consent.child_mismatch"
        | "consent.no_giver" => "consent-giver",
        "consent.empty_scope" | "consent.same_service" | "consent.unknown_service" => "consent-from",
        "consent.not_informed" => "consent-purpose",
        "consent.bad_period" => "consent-valid-to",
        _ => "consent-domain",
    }
}

pub async fn add_consent(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ConsentFormData>,
) -> PageResult {
    let u = user(&ctx)?;
    let new = match parse_consent(&id, &f, u.kind == UserKind::Citizen) {
        Ok(n) => n,
        Err((field, e)) => return after(&st, &ctx, &id, &field, Err(e), "samtykker").await,
    };
    let r = st.store.record_consent(u, new).await.map(|_| ());
    let field = match &r {
        Err(StoreError::Invalid { code, .. }) => consent_field(code),
        _ => "consent-domain",
    };
    after(&st, &ctx, &id, field, r, "samtykker").await
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    case_id: String,
    #[serde(default)]
    reason: String,
}

pub async fn withdraw_consent(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(cid): Path<String>,
    Form(f): Form<WithdrawForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.withdraw_consent(u, &cid, &f.reason).await;
    after(&st, &ctx, &f.case_id, &format!("withdraw-{cid}"), r, "samtykker").await
}

#[derive(Deserialize)]
pub struct RenewForm {
    case_id: String,
    valid_to: String,
}

pub async fn renew_consent(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(cid): Path<String>,
    Form(f): Form<RenewForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = match f.valid_to.parse::<NaiveDate>() {
        Ok(d) => st.store.renew_consent(u, &cid, d).await.map(|_| ()),
        Err(_) => Err(field_err("consent.date", "write the date as yyyy-mm-dd")),
    };
    after(&st, &ctx, &f.case_id, &format!("renew-{cid}"), r, "samtykker").await
}

#[derive(Deserialize)]
pub struct LegalBasisForm {
    from: String,
    to: String,
    category: String,
    reference: String,
    justification: String,
}

pub async fn add_legal_basis(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<LegalBasisForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let Some(category) = InfoCategory::parse(&f.category) else {
        return after(
            &st,
            &ctx,
            &id,
            "basis-category",
            Err(field_err("legal_basis.category", "choose a category")),
            "hjemler",
        )
        .await;
    };
    let new = NewLegalBasis {
        case_id: id.clone(),
        from_service: f.from,
        to_service: f.to,
        category,
        reference: f.reference,
        justification: f.justification,
        valid_to: None,
    };
    let r = st.store.record_legal_basis(u, new).await.map(|_| ());
    after(&st, &ctx, &id, "basis-reference", r, "hjemler").await
}

#[derive(Deserialize)]
pub struct BreakGlassForm {
    reason: String,
}

pub async fn break_glass(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<BreakGlassForm>,
) -> PageResult {
    let u = user(&ctx)?;
    match st.store.break_glass(u, &id, &f.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/saker/{id}")).into_response()),
        Err(e @ (StoreError::Invalid { .. } | StoreError::Denied(_))) => {
            let message = translate_store_error(&ctx, &e);
            let page = DeniedPage {
                base: Base::new(&ctx, st.demo),
                case_id: id,
                explanation: ctx.tr.get("break-glass-lead"),
                can_break_glass: matches!(e, StoreError::Invalid { .. }),
                error: Some(FieldError { field: "reason".into(), message }),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(page_err(&ctx)(e.into())),
    }
}

#[derive(Deserialize)]
pub struct AnonymiseForm {
    text: String,
}

pub async fn anonymise(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<AnonymiseForm>,
) -> PageResult {
    let u = user(&ctx)?;
    match st.store.anonymise_summary(u, &id, &f.text).await {
        Ok(a) => case_page(&st, &ctx, &id, None, Some((f.text, a))).await,
        Err(e) => after(&st, &ctx, &id, "anon-text", Err(e), "anonym").await,
    }
}

#[derive(Deserialize)]
pub struct HealthPrivacyForm {
    service: String,
    private: String,
}

pub async fn health_privacy(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<HealthPrivacyForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.set_health_privacy(u, &id, &f.service, f.private == "true").await;
    after(&st, &ctx, &id, "health-privacy", r, "helse").await
}

#[derive(Deserialize)]
pub struct InviteForm {
    fnr: String,
}

/// The family gives a relative access to the shared overview, by fødselsnummer.
pub async fn invite_relative(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<InviteForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = match los_domain::ident::Fodselsnummer::parse_with(&f.fnr, st.ident_options()) {
        Ok(fnr) => st.store.invite_relative(u, &id, &fnr).await.map(|_| ()),
        Err(e) => {
            let message =
                ctx.tr.try_get(&format!("err-{}", e.rule().replace('.', "-"))).unwrap_or_else(|| e.to_string());
            return case_page(&st, &ctx, &id, Some(FieldError { field: "relative-fnr".into(), message }), None).await;
        }
    };
    after(&st, &ctx, &id, "relative-fnr", r, "familie").await
}

#[derive(Deserialize)]
pub struct RevokeForm {
    person: String,
}

pub async fn revoke_relative(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<RevokeForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.revoke_relative(u, &id, &f.person).await;
    after(&st, &ctx, &id, "relative-fnr", r, "familie").await
}

#[derive(Template)]
#[template(path = "access_log.html")]
struct AccessLogPage {
    base: Base,
    lines: Vec<AccessLogLine>,
}

pub async fn access_log(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let u = user(&ctx)?;
    let lines = st.store.access_log_for(u).await.map_err(|e| page_err(&ctx)(e.into()))?;
    Ok(render(&AccessLogPage { base: Base::new(&ctx, st.demo), lines }))
}

#[derive(Template)]
#[template(path = "access_report.html")]
struct AccessReportPage {
    base: Base,
    report: AccessReport,
    days: i64,
}

#[derive(Deserialize)]
pub struct ReportQuery {
    dager: Option<i64>,
}

pub async fn access_report(State(st): State<AppState>, ctx: Ctx, Query(q): Query<ReportQuery>) -> PageResult {
    let u = user(&ctx)?;
    let days = q.dager.unwrap_or(31).clamp(1, 3650);
    let since = Utc::now() - chrono::Duration::days(days);
    let report = st.store.access_report(u, since).await.map_err(|e| page_err(&ctx)(e.into()))?;
    Ok(render(&AccessReportPage { base: Base::new(&ctx, st.demo), report, days }))
}

pub async fn review_break_glass(State(st): State<AppState>, ctx: Ctx, Path(gid): Path<String>) -> PageResult {
    let u = user(&ctx)?;
    st.store.review_break_glass(u, &gid).await.map_err(|e| page_err(&ctx)(e.into()))?;
    Ok(Redirect::to("/rapporter/tilgang").into_response())
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

    fn is_mine(&self, id: &str) -> bool {
        self.view.my_services.iter().any(|s| s == id)
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
            _ => e.text.clone(),
        }
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

// ---- cooperation and coordination (spec 01 §4–§6) ----

#[derive(Deserialize)]
pub struct AssessmentForm {
    service: String,
    result: String,
    reasoning: String,
    child_voice: String,
    child_wishes: String,
    cooperate_with: Option<String>,
    cooperate_on: Option<String>,
    extent_duration: Option<String>,
    organisation: Option<String>,
    #[serde(default)]
    situations: Vec<String>,
    deviation_reason: Option<String>,
    #[serde(default)]
    needs: Vec<String>,
}

pub async fn add_assessment(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<AssessmentForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let (Some(result), Some(child_voice)) = (AssessmentResult::parse(&f.result), ChildVoice::parse(&f.child_voice))
    else {
        return after(
            &st,
            &ctx,
            &id,
            "coop-assessment-result",
            Err(field_err("assessment.result", "choose a result")),
            "samarbeid",
        )
        .await;
    };
    let Some(situations) = f.situations.iter().map(|s| Situation::parse(s)).collect::<Option<Vec<_>>>() else {
        let e = field_err("assessment.situation", "unknown situation");
        return after(&st, &ctx, &id, "coop-assessment-situations", Err(e), "samarbeid").await;
    };
    let new = los_store::NewAssessment {
        case_id: id.clone(),
        service_id: f.service,
        result,
        reasoning: f.reasoning,
        child_voice,
        child_wishes: f.child_wishes,
        // Whose needs are considered; the child's when the form says nothing.
        needs_of_child: f.needs.is_empty() || f.needs.iter().any(|n| n == "child"),
        needs_of_parents: f.needs.iter().any(|n| n == "parents"),
        best_interests_id: None,
        situations,
        deviation_reason: f.deviation_reason,
        planning: match (f.cooperate_with, f.cooperate_on, f.extent_duration, f.organisation) {
            (Some(a), Some(b), Some(c), Some(d)) if [&a, &b, &c, &d].iter().any(|x| !x.trim().is_empty()) => {
                Some(los_domain::coordination::PlanningAssessment {
                    cooperate_with: a,
                    cooperate_on: b,
                    extent_duration: c,
                    organisation: d,
                })
            }
            _ => None,
        },
    };
    let r = st.store.record_assessment(u, new).await.map(|_| ());
    let field = match &r {
        Err(StoreError::Invalid { code: "coordination.child_wishes_missing", .. }) => "coop-assessment-wishes",
        Err(StoreError::Invalid { code: "assessment.situation_deviation", .. }) => "coop-assessment-deviation",
        _ => "coop-assessment-reasoning",
    };
    after(&st, &ctx, &id, field, r, "samarbeid").await
}

#[derive(Deserialize)]
pub struct ParticipantForm {
    service: String,
    reason: String,
}

pub async fn add_participant(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ParticipantForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.add_participant(u, &id, &f.service, &f.reason).await;
    after(&st, &ctx, &id, "coop-participant-service", r, "samarbeid").await
}

pub async fn leave_participant(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ParticipantForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.end_participation(u, &id, &f.service, &f.reason).await;
    after(&st, &ctx, &id, "coop-leave-reason", r, "samarbeid").await
}

#[derive(Deserialize)]
pub struct AssignForm {
    service: String,
    basis: String,
    #[serde(default)]
    agreed: Vec<String>,
    #[serde(default)]
    child_view: String,
    #[serde(default)]
    parents_view: String,
    #[serde(default)]
    reasons: String,
}

pub async fn assign_coordinator(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<AssignForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let Some(basis) = CoordinationBasis::parse(&f.basis) else {
        return after(
            &st,
            &ctx,
            &id,
            "coop-coord-basis",
            Err(field_err("coordination.basis", "choose the basis")),
            "samarbeid",
        )
        .await;
    };
    let new = los_store::NewAssignment {
        case_id: id.clone(),
        service_id: f.service,
        basis,
        agreed_by: f.agreed,
        child_view: f.child_view,
        parents_view: f.parents_view,
        reasons: f.reasons,
    };
    let r = st.store.assign_coordinator(u, new).await.map(|_| ());
    let field = match &r {
        Err(StoreError::Invalid { code, .. }) if code.contains("child_view") => "coop-coord-child",
        Err(StoreError::Invalid { code, .. }) if code.contains("parents_view") => "coop-coord-parents",
        Err(StoreError::Invalid { code, .. }) if code.contains("agreement") => "coop-coord-agreed",
        Err(StoreError::Invalid { code, .. })
            if code.contains("basis")
                || code.contains("municipal")
                || code.contains("dispute")
                || code.contains("child_coordinator") =>
        {
            "coop-coord-basis"
        }
        _ => "coop-coord-service",
    };
    after(&st, &ctx, &id, field, r, "samarbeid").await
}

#[derive(Deserialize)]
pub struct DisputeForm {
    positions: String,
    #[serde(default)]
    child_wishes: String,
    #[serde(default)]
    family_wishes: String,
}

pub async fn raise_dispute(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<DisputeForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.raise_dispute(u, &id, &f.positions, &f.child_wishes, &f.family_wishes).await.map(|_| ());
    after(&st, &ctx, &id, "coop-dispute-positions", r, "samarbeid").await
}

#[derive(Deserialize)]
pub struct CommunicatedForm {
    how: String,
}

pub async fn mark_communicated(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CommunicatedForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.mark_communicated(u, &id, &f.how).await;
    after(&st, &ctx, &id, "communicated-how", r, "samarbeid").await
}

#[derive(Deserialize)]
pub struct TransitionForm {
    transition: String,
}

pub async fn record_transition(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<TransitionForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = match Transition::parse(&f.transition) {
        Some(t) => st.store.record_transition(u, &id, t).await,
        None => Err(field_err("transition.unknown", "choose a transition")),
    };
    after(&st, &ctx, &id, "coop-transition", r, "samarbeid").await
}

#[derive(Deserialize)]
pub struct PlanForm {
    title: String,
    kind: String,
    service: Option<String>,
    measure_type: Option<String>,
    for_person: Option<String>,
    position: Option<String>,
    depends_on: Option<String>,
    release_area: Option<String>,
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|x| x.trim().to_owned()).filter(|x| !x.is_empty())
}

/// The place in the plan's order from a form field; empty is `None` (the store puts the item last).
fn position(v: Option<&str>) -> Result<Option<i32>, StoreError> {
    match v.map(str::trim).filter(|x| !x.is_empty()) {
        None => Ok(None),
        Some(x) => x
            .parse::<i32>()
            .ok()
            .filter(|n| (1..=999).contains(n))
            .map(Some)
            .ok_or_else(|| field_err("plan.position", "the order is a number from 1 to 999")),
    }
}

pub async fn add_plan_item(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<PlanForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let measure = f.kind == "measure";
    let position = match position(f.position.as_deref()) {
        Ok(p) => p,
        Err(e) => return after(&st, &ctx, &id, "coop-plan-position", Err(e), "samarbeid").await,
    };
    let new = los_store::NewPlanItem {
        case_id: id.clone(),
        kind: f.kind,
        title: f.title,
        responsible_service: if measure { f.service } else { None },
        for_person: non_empty(f.for_person),
        position,
        depends_on: non_empty(f.depends_on),
        measure_type: if measure { f.measure_type } else { None },
        release_area: non_empty(f.release_area).and_then(|a| los_domain::coordination::ReleaseArea::parse(&a)),
    };
    let r = st.store.add_plan_item(u, new).await.map(|_| ());
    let field = match &r {
        Err(StoreError::Invalid { code, .. }) if code.starts_with("plan.") && *code != "plan.title" => {
            "coop-plan-depends"
        }
        _ => "coop-plan-title",
    };
    after(&st, &ctx, &id, field, r, "samarbeid").await
}

#[derive(Deserialize)]
pub struct PlanRevisionForm {
    title: String,
    for_person: Option<String>,
    position: Option<String>,
    depends_on: Option<String>,
}

pub async fn revise_plan_item(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, item)): Path<(String, String)>,
    Form(f): Form<PlanRevisionForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let field = format!("revise-{item}");
    let r = match position(f.position.as_deref()) {
        Ok(position) => {
            let position = position.unwrap_or(1);
            let rev = los_store::PlanRevision {
                title: f.title,
                for_person: non_empty(f.for_person),
                position,
                depends_on: non_empty(f.depends_on),
            };
            st.store.revise_plan_item(u, &id, &item, rev).await.map(|_| ())
        }
        Err(e) => Err(e),
    };
    after(&st, &ctx, &id, &field, r, "plan").await
}

#[derive(Deserialize)]
pub struct PlanStatusForm {
    status: String,
}

pub async fn set_plan_status(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, item)): Path<(String, String)>,
    Form(f): Form<PlanStatusForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.set_plan_status(u, &id, &item, &f.status).await.map(|_| ());
    after(&st, &ctx, &id, &format!("status-{item}"), r, "samarbeid").await
}

#[derive(Deserialize)]
pub struct ReportForm {
    description: String,
}

pub async fn report_non_compliance(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ReportForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.report_non_compliance(u, &id, &f.description).await;
    after(&st, &ctx, &id, "report-text", r, "samarbeid").await
}

#[derive(Template)]
#[template(path = "who_decides.html")]
struct WhoDecidesPage {
    base: Base,
    makers: Vec<(String, String, los_domain::coordination::DecisionMaker)>,
    /// Administrators configure their municipality here.
    admin: bool,
    today: String,
    error: Option<FieldError>,
}

impl WhoDecidesPage {
    fn kinds(&self) -> Vec<(&'static str, String)> {
        los_domain::coordination::DecisionMaker::KINDS
            .iter()
            .map(|k| (*k, self.base.t.get(&format!("decider-kind-{k}"))))
            .collect()
    }

    fn roles(&self) -> Vec<(&'static str, String)> {
        los_domain::coordination::DecisionMaker::DECIDER_ROLES
            .iter()
            .map(|r| (r.as_str(), self.base.t.get(&format!("decider-role-{r}"))))
            .collect()
    }
}

async fn who_decides_page(st: &AppState, ctx: &Ctx, error: Option<FieldError>) -> PageResult {
    let makers = st.store.decision_makers().await.map_err(|e| page_err(ctx)(e.into()))?;
    let admin = ctx.user.as_ref().is_some_and(|u| u.memberships.iter().any(|m| m.role == Role::Administrator));
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = WhoDecidesPage {
        base: Base::new(ctx, st.demo),
        makers,
        admin,
        today: Utc::now().date_naive().to_string(),
        error,
    };
    Ok((status, render(&page)).into_response())
}

/// Public page: who decides when services disagree about who coordinates (spec 01 §6.3).
pub async fn who_decides(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    who_decides_page(&st, &ctx, None).await
}

#[derive(Deserialize)]
pub struct DecisionMakerForm {
    kommunenummer: String,
    kind: String,
    title: String,
    delegation_ref: String,
    contact: String,
    valid_from: String,
    decider_role: String,
}

/// An administrator sets who decides in their municipality from a date; earlier settings are kept.
pub async fn set_decision_maker(State(st): State<AppState>, ctx: Ctx, Form(f): Form<DecisionMakerForm>) -> PageResult {
    let u = user(&ctx)?;
    let (Ok(valid_from), Some(role)) = (f.valid_from.parse::<NaiveDate>(), Role::parse(&f.decider_role)) else {
        let e = FieldError { field: "dm-valid-from".into(), message: ctx.tr.get("err-decision_maker-date") };
        return who_decides_page(&st, &ctx, Some(e)).await;
    };
    let dm = los_domain::coordination::DecisionMaker {
        kind: f.kind,
        title: f.title,
        delegation_ref: f.delegation_ref,
        contact: f.contact,
        valid_from,
    };
    match st.store.set_decision_maker(u, f.kommunenummer.trim(), dm, role).await {
        Ok(()) => Ok(Redirect::to("/hvem-bestemmer").into_response()),
        Err(e @ (StoreError::Invalid { .. } | StoreError::Denied(_))) => {
            let field = match &e {
                StoreError::Invalid { code, .. } if code.contains("delegation") => "dm-delegation",
                StoreError::Invalid { code, .. } if code.contains("title") => "dm-title",
                StoreError::Invalid { code, .. } if code.contains("contact") => "dm-contact",
                StoreError::Invalid { code, .. } if code.contains("same_day") => "dm-valid-from",
                _ => "dm-kommune",
            };
            let message = translate_store_error(&ctx, &e);
            who_decides_page(&st, &ctx, Some(FieldError { field: field.into(), message })).await
        }
        Err(e) => Err(page_err(&ctx)(e.into())),
    }
}

#[derive(Deserialize)]
pub struct MappingForm {
    other_services: String,
    source: String,
    #[serde(default)]
    guidance: String,
}

pub async fn record_mapping(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<MappingForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = match los_domain::coordination::MappingSource::parse(&f.source) {
        Some(src) => st.store.record_mapping(u, &id, &f.other_services, src, Some(&f.guidance)).await,
        None => Err(field_err("mapping.source", "choose where the information came from")),
    };
    after(&st, &ctx, &id, "coop-mapping-others", r, "samarbeid").await
}

#[derive(Deserialize)]
pub struct HearingForm {
    held_on: String,
    place: String,
    #[serde(default)]
    talked_with: String,
    #[serde(default)]
    companion: String,
    #[serde(default)]
    adaptations: String,
    indirect: Option<String>,
    #[serde(default)]
    indirect_reason: String,
    declined: Option<String>,
    #[serde(default)]
    views: String,
    #[serde(default)]
    maturity: String,
    #[serde(default)]
    weight: String,
}

pub async fn record_hearing(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<HearingForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let (Ok(held_on), Some(place)) =
        (f.held_on.parse::<NaiveDate>(), los_domain::coordination::HearingPlace::parse(&f.place))
    else {
        return after(
            &st,
            &ctx,
            &id,
            "coop-hearing-date",
            Err(field_err("hearing.date", "write the date as yyyy-mm-dd")),
            "samarbeid",
        )
        .await;
    };
    let opt = |s: String| Some(s.trim().to_owned()).filter(|x| !x.is_empty());
    let h = los_domain::coordination::Hearing {
        id: String::new(),
        case_id: id.clone(),
        held_on,
        direct: f.indirect.is_none(),
        indirect_reason: opt(f.indirect_reason),
        place,
        talked_with: f.talked_with,
        companion: opt(f.companion),
        adaptations: f.adaptations.split(',').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect(),
        declined: f.declined.is_some(),
        views: f.views,
        age: 0,
        maturity: f.maturity,
        weight: f.weight,
        recorded_by: u.id.clone(),
    };
    let r = st.store.record_hearing(u, h).await.map(|_| ());
    let field = match &r {
        Err(StoreError::Invalid { code: "hearing.indirect_reason", .. }) => "coop-hearing-indirect-reason",
        Err(StoreError::Invalid { code: "hearing.talked_with", .. }) => "coop-hearing-with",
        _ => "coop-hearing-views",
    };
    after(&st, &ctx, &id, field, r, "samarbeid").await
}

/// The best-interests form: one field per element (`el_<code>`), conclusion, hearing or reason.
pub async fn record_best_interests(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<std::collections::HashMap<String, String>>,
) -> PageResult {
    let u = user(&ctx)?;
    let get = |k: &str| f.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let b = los_domain::coordination::BestInterests {
        id: String::new(),
        case_id: id.clone(),
        elements: los_domain::coordination::BEST_INTEREST_ELEMENTS
            .iter()
            .filter_map(|e| get(&format!("el_{e}")).map(|v| ((*e).to_owned(), v)))
            .collect(),
        conclusion: get("conclusion").unwrap_or_default(),
        hearing_id: get("hearing_id"),
        not_heard_reason: get("not_heard_reason"),
        finalised: f.contains_key("finalised"),
        assessed_by: u.id.clone(),
        assessed_at: Utc::now(),
    };
    let r = st.store.record_best_interests(u, b).await.map(|_| ());
    let field = match &r {
        Err(StoreError::Invalid { code: "coordination.not_heard", .. }) => "coop-bi-hearing".to_owned(),
        Err(StoreError::Invalid { code: "coordination.conclusion_missing", .. }) => "coop-bi-conclusion".to_owned(),
        Err(StoreError::Invalid { message, .. }) => los_domain::coordination::BEST_INTEREST_ELEMENTS
            .iter()
            .find(|e| message.ends_with(*e))
            .map_or_else(|| "coop-bi-conclusion".to_owned(), |e| format!("coop-bi-{e}")),
        _ => "coop-bi-conclusion".to_owned(),
    };
    after(&st, &ctx, &id, &field, r, "samarbeid").await
}

#[derive(Deserialize)]
pub struct SentenceForm {
    kind: String,
    starts_on: String,
    ends_on: String,
    #[serde(default)]
    police_contact: String,
    #[serde(default)]
    correctional_service: String,
    #[serde(default)]
    guardian: String,
    #[serde(default)]
    team_services: Vec<String>,
    #[serde(default)]
    network: String,
}

/// The youth coordinator records a youth sentence from the case page: the mandatory team slots are fields
/// of their own, services are ticked, network members are named one per line.
pub async fn start_sentence(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<SentenceForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let Some(kind) = SentenceType::parse(&f.kind) else {
        return after(
            &st,
            &ctx,
            &id,
            "sentence-kind",
            Err(field_err("sentence.kind", "choose the sentence")),
            "samarbeid",
        )
        .await;
    };
    let (Ok(starts), Ok(ends)) = (f.starts_on.parse::<NaiveDate>(), f.ends_on.parse::<NaiveDate>()) else {
        return after(
            &st,
            &ctx,
            &id,
            "sentence-starts",
            Err(field_err("sentence.date", "write the dates as yyyy-mm-dd")),
            "samarbeid",
        )
        .await;
    };
    let services = st.store.services().await.map_err(|e| page_err(&ctx)(e.into()))?;
    let mut team = Vec::new();
    for (role, name) in [
        (TeamRole::PoliceContact, &f.police_contact),
        (TeamRole::CorrectionalService, &f.correctional_service),
        (TeamRole::Guardian, &f.guardian),
    ] {
        if !name.trim().is_empty() {
            team.push((role, None, name.trim().to_owned()));
        }
    }
    for sid in &f.team_services {
        let name = services.iter().find(|s| &s.id == sid).map_or_else(|| sid.clone(), |s| s.name.clone());
        team.push((TeamRole::Service, Some(sid.clone()), name));
    }
    for line in f.network.lines().map(str::trim).filter(|l| !l.is_empty()) {
        team.push((TeamRole::Network, None, line.to_owned()));
    }
    let r = st.store.start_sentence(u, &id, kind, starts, ends, team).await.map(|_| ());
    let field = match &r {
        Err(StoreError::Invalid { code: "sentence.mandatory_slot", .. }) => "sentence-police",
        _ => "sentence-starts",
    };
    after(&st, &ctx, &id, field, r, "samarbeid").await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    service: String,
    title: String,
    reference: Option<String>,
    decided_on: String,
}

pub async fn record_external_decision(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let Ok(decided_on) = f.decided_on.parse::<NaiveDate>() else {
        return after(
            &st,
            &ctx,
            &id,
            "coop-decision-date",
            Err(field_err("decision.date", "write the date as yyyy-mm-dd")),
            "samarbeid",
        )
        .await;
    };
    let new = los_store::NewExternalDecision {
        case_id: id.clone(),
        service_id: f.service,
        title: f.title,
        reference: f.reference,
        decided_on,
    };
    let r = st.store.record_external_decision(u, new).await.map(|_| ());
    let field = if matches!(&r, Err(StoreError::Invalid { code: "decision.future", .. })) {
        "coop-decision-date"
    } else {
        "coop-decision-title"
    };
    after(&st, &ctx, &id, field, r, "samarbeid").await
}

#[derive(Deserialize)]
pub struct MeetingForm {
    kind: String,
    starts_at: String,
    #[serde(default)]
    every_weeks: String,
    #[serde(default)]
    count: String,
    duration_minutes: String,
    #[serde(default)]
    place: String,
    agenda: String,
    #[serde(default)]
    invited: Vec<String>,
    #[serde(default)]
    excluded: Vec<String>,
    child_participation: String,
    /// The preparation checklist, one item per line.
    #[serde(default)]
    preparation: String,
}

fn number(v: &str, default: u32) -> Option<u32> {
    let v = v.trim();
    if v.is_empty() { Some(default) } else { v.parse().ok() }
}

pub async fn schedule_meetings(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<MeetingForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let parsed = (
        MeetingKind::parse(&f.kind),
        crate::parse_local_time(&f.starts_at),
        number(&f.every_weeks, 0),
        number(&f.count, 1),
        number(&f.duration_minutes, 60),
        ChildParticipation::parse(&f.child_participation),
    );
    let (Some(kind), Some(first), Some(every_weeks), Some(count), Some(duration_minutes), Some(child_participation)) =
        parsed
    else {
        let (field, e) = if parsed.1.is_none() {
            ("meeting-starts", field_err("meeting.starts_at", "write the date and time of the meeting"))
        } else {
            ("meeting-count", field_err("meeting.numbers", "the numbers must be whole numbers"))
        };
        return after(&st, &ctx, &id, field, Err(e), "moter").await;
    };
    let new = los_store::NewMeetings {
        case_id: id.clone(),
        kind,
        first,
        every_weeks,
        count,
        duration_minutes,
        place: f.place,
        agenda: f.agenda,
        invited: f.invited,
        excluded_by_child: f.excluded,
        child_participation,
        preparation: vec![f.preparation],
    };
    let r = st.store.schedule_meetings(u, new).await.map(|_| ());
    let field = match &r {
        Err(StoreError::Invalid { code: "meeting.agenda", .. }) => "meeting-agenda",
        Err(StoreError::Invalid { code, .. }) if code.starts_with("meeting.series") => "meeting-count",
        Err(StoreError::Invalid { code: "meeting.past", .. }) => "meeting-starts",
        Err(StoreError::Invalid { code: "meeting.restorative", .. }) => "meeting-kind",
        Err(StoreError::Invalid { code: "meeting.checklist", .. }) => "meeting-preparation",
        _ => "meeting-invited",
    };
    after(&st, &ctx, &id, field, r, "moter").await
}

#[derive(Deserialize)]
pub struct MinutesForm {
    #[serde(default)]
    attended: Vec<String>,
    minutes: String,
    #[serde(default)]
    follow_ups: String,
}

pub async fn record_minutes(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, meeting)): Path<(String, String)>,
    Form(f): Form<MinutesForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.record_minutes(u, &id, &meeting, f.attended, &f.minutes, &f.follow_ups).await.map(|_| ());
    after(&st, &ctx, &id, &format!("minutes-{meeting}"), r, "moter").await
}

/// The case's meetings as an iCalendar file for the user's own calendar. It is read through the same
/// audited case read as the page; the file names the meeting kind and the case number, not the child.
pub async fn meetings_calendar(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let u = user(&ctx)?;
    let view = st.store.case_for(u, &id).await.map_err(|e| page_err(&ctx)(e.into()))?;
    let mut cal = icalendar::Calendar::new();
    cal.name(&format!("Los {}", view.case.id));
    for m in &view.cooperation.meetings {
        use icalendar::{Component, EventLike};
        let tz = los_store::planning::TIME_ZONE.name();
        let start = icalendar::CalendarDateTime::WithTimezone { date_time: m.starts_at, tzid: tz.into() };
        let end = icalendar::CalendarDateTime::WithTimezone {
            date_time: m.starts_at + chrono::Duration::minutes(i64::from(m.duration_minutes)),
            tzid: tz.into(),
        };
        let status = if m.cancelled_at.is_some() {
            icalendar::EventStatus::Cancelled
        } else {
            icalendar::EventStatus::Confirmed
        };
        let event = icalendar::Event::new()
            .uid(&format!("{}@los", m.id))
            .status(status)
            .summary(&format!("{} ({})", ctx.tr.get(&format!("meeting-kind-{}", m.kind)), view.case.id))
            .location(&m.place)
            .starts(start)
            .ends(end)
            .class(icalendar::Class::Confidential)
            .done();
        cal.push(event);
    }
    let body = cal.done().to_string();
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}.ics\"", view.case.id)),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    base: Base,
    tasks: Vec<los_store::Task>,
    services: Vec<(String, String)>,
}

impl TasksPage {
    fn title(&self, t: &los_store::Task) -> String {
        self.base.t.get(&format!("task-{}", t.kind))
    }

    fn detail(&self, t: &los_store::Task) -> String {
        match t.kind {
            "review_coordinator" | "reassess" => self.base.prompt_reason(&t.detail, |s| self.service_name(s)),
            "transition_ahead" => self.base.transition(&t.detail),
            "evaluate" => self.base.t.with("prompt-evaluate", &[("days", t.detail.as_str())]),
            "prepare" => self.base.t.with("task-prepare-detail", &[("count", t.detail.as_str())]),
            "screen_rights" => {
                t.detail.split(',').map(|k| self.base.t.get(&format!("right-{k}"))).collect::<Vec<_>>().join(", ")
            }
            _ => t.detail.clone(),
        }
    }

    fn service_name(&self, id: &str) -> String {
        self.services.iter().find(|s| s.0 == id).map_or_else(|| id.to_owned(), |s| s.1.clone())
    }

    fn anchor(&self, t: &los_store::Task) -> &'static str {
        match t.kind {
            "meeting" | "minutes" | "prepare" | "follow_up" => "#moter",
            "feedback" => "#meldinger",
            "screen_rights" => "#rettigheter",
            "prepare_release" => "#overgangsplan",
            _ => "#samarbeid",
        }
    }

    fn age(&self, t: &los_store::Task) -> String {
        let n = t.age_days.abs().to_string();
        if t.kind == "follow_up" && t.age_days > 0 {
            self.base.t.with("tasks-overdue", &[("days", n.as_str())])
        } else if t.age_days < 0 {
            self.base.t.with("tasks-in-days", &[("days", n.as_str())])
        } else {
            self.base.t.with("tasks-days-ago", &[("days", n.as_str())])
        }
    }
}

/// The employee's worklist across their cases: prompts, evaluations due, assignments to communicate,
/// disputes to decide, meetings coming up and minutes missing.
pub async fn tasks(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let Some(user) = ctx.user.as_ref() else {
        return Ok(Redirect::to("/logg-inn").into_response());
    };
    let err = page_err(&ctx);
    let tasks = st.store.tasks_for(user).await.map_err(|e| err(e.into()))?;
    let services = st.store.services().await.map_err(|e| err(e.into()))?;
    Ok(render(&TasksPage {
        base: Base::new(&ctx, st.demo),
        tasks,
        services: services.into_iter().map(|s| (s.id, s.name)).collect(),
    }))
}

#[derive(Deserialize)]
pub struct FeedbackForm {
    recipient: Option<String>,
    body: String,
}

pub async fn send_feedback(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<FeedbackForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.send_feedback(u, &id, f.recipient, &f.body).await.map(|_| ());
    let field = if matches!(&r, Err(StoreError::Invalid { code, .. }) if code.contains("recipient") || code.contains("participant"))
    {
        "feedback-to"
    } else {
        "feedback-body"
    };
    after(&st, &ctx, &id, field, r, "meldinger").await
}

#[derive(Deserialize)]
pub struct ResolveForm {
    resolution: String,
}

pub async fn resolve_feedback(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, feedback)): Path<(String, String)>,
    Form(f): Form<ResolveForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.resolve_feedback(u, &id, &feedback, &f.resolution).await;
    after(&st, &ctx, &id, &format!("resolve-{feedback}"), r, "meldinger").await
}

#[derive(Deserialize)]
pub struct CancelForm {
    reason: String,
    rest_of_series: Option<String>,
}

pub async fn cancel_meeting(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, meeting)): Path<(String, String)>,
    Form(f): Form<CancelForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.cancel_meeting(u, &id, &meeting, &f.reason, f.rest_of_series.is_some()).await.map(|_| ());
    after(&st, &ctx, &id, &format!("cancel-{meeting}"), r, "moter").await
}

#[derive(Deserialize)]
pub struct PreparationForm {
    /// "1" ticks the item off, anything else opens it again.
    done: String,
}

pub async fn set_preparation(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, meeting, item)): Path<(String, String, String)>,
    Form(f): Form<PreparationForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.set_preparation_done(u, &id, &meeting, &item, f.done == "1").await;
    after(&st, &ctx, &id, &format!("prep-{meeting}"), r, "moter").await
}

#[derive(Deserialize)]
pub struct ActionForm {
    description: String,
    owner_service: String,
    due_on: String,
}

pub async fn add_meeting_action(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, meeting)): Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let field = format!("action-{meeting}");
    let Ok(due_on) = f.due_on.parse::<NaiveDate>() else {
        let e = field_err("meeting.action_due_format", "write the due date as yyyy-mm-dd");
        return after(&st, &ctx, &id, &format!("action-due-{meeting}"), Err(e), "moter").await;
    };
    let new = los_store::NewAction { description: f.description, owner_service: f.owner_service, due_on };
    let r = st.store.add_meeting_action(u, &id, &meeting, new).await.map(|_| ());
    let field = match &r {
        Err(StoreError::Invalid { code: "meeting.action_due", .. }) => format!("action-due-{meeting}"),
        Err(StoreError::Invalid { code: "meeting.action_owner", .. }) => format!("action-owner-{meeting}"),
        _ => field,
    };
    after(&st, &ctx, &id, &field, r, "moter").await
}

#[derive(Deserialize)]
pub struct ActionDoneForm {
    #[serde(default)]
    note: String,
}

pub async fn complete_meeting_action(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<ActionDoneForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.complete_meeting_action(u, &id, &action, &f.note).await;
    after(&st, &ctx, &id, &format!("done-{action}"), r, "moter").await
}

#[derive(Deserialize)]
pub struct OutcomeForm {
    outcome: String,
    #[serde(default)]
    detail: String,
    achieved_on: String,
}

pub async fn record_outcome(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<OutcomeForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let (Some(outcome), Ok(day)) =
        (los_domain::coordination::FollowUpOutcome::parse(&f.outcome), f.achieved_on.parse::<NaiveDate>())
    else {
        let e = field_err("outcome.date", "choose the outcome and write the date as yyyy-mm-dd");
        return after(&st, &ctx, &id, "coop-outcome-date", Err(e), "samarbeid").await;
    };
    let r = st.store.record_follow_up_outcome(u, &id, outcome, &f.detail, day).await.map(|_| ());
    after(&st, &ctx, &id, "coop-outcome-date", r, "samarbeid").await
}

#[derive(Deserialize)]
pub struct ScreeningForm {
    right: String,
    outcome: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    reasoning: String,
    #[serde(default)]
    child_view: String,
    #[serde(default)]
    parents_view: String,
}

pub async fn record_screening(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ScreeningForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let (Some(kind), Some(outcome)) =
        (los_domain::rights::RightKind::parse(&f.right), los_domain::rights::ScreeningOutcome::parse(&f.outcome))
    else {
        let e = field_err("rights.outcome", "choose the right and the outcome");
        return after(&st, &ctx, &id, "rights-right", Err(e), "rettigheter").await;
    };
    let some = |v: String| (!v.trim().is_empty()).then_some(v);
    let new = los_store::NewScreening {
        kind,
        outcome,
        service_id: some(f.service),
        person: some(f.person),
        reference: some(f.reference),
        reasoning: f.reasoning,
        child_view: f.child_view,
        parents_view: f.parents_view,
    };
    let r = st.store.record_screening(u, &id, new).await.map(|_| ());
    let field = match &r {
        Err(StoreError::Invalid { code, .. }) => match *code {
            "rights.reasoning" => "rights-reasoning",
            "rights.person" => "rights-person",
            "rights.views" | "coordination.child_view_missing" => "rights-child-view",
            "coordination.parents_view_missing" => "rights-parents-view",
            _ => "rights-service",
        },
        _ => "rights-service",
    };
    after(&st, &ctx, &id, field, r, "rettigheter").await
}
