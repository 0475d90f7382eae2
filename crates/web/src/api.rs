//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/v1/openapi.json`.
//! It calls the same store methods as the pages; errors are RFC 9457 problem JSON.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use los_domain::consent::{Consent, ConsentDomain, ConsentForm, GiverCapacity, InfoCategory};
use los_domain::coordination::{
    AssessmentResult, BestInterests, ChildVoice, CoordinationBasis, Hearing, HearingPlace, MappingSource, SentenceType,
    TeamRole, Transition,
};
use los_domain::ident::{Kommunenummer, Organisasjonsnummer};
use los_domain::model::{Law, Municipality, Organisation, Participation, Provision, Service, ServiceType, User};
use los_domain::planning::{ChildParticipation, MeetingKind, Situation};
use los_store::{CaseSummary, CaseView, NewConsent};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, AppError, Problem};

#[derive(OpenApi)]
#[openapi(
    info(title = "Los API", version = "1", description = "Case coordination for services to children, young people and their families. Authenticate with 'Authorization: Bearer <token>' (created by 'los token create --user ID')."),
    paths(me, list_services, get_service, list_laws, list_provisions, list_service_types, list_municipalities, get_municipality, get_organisation_by_orgnr, list_cases, get_case, create_consent, withdraw_consent, renew_consent, create_note, break_glass, my_access_log, access_report, add_participant, leave_participant, create_assessment, assign_coordinator, raise_dispute, coordinator_communicated, record_transition, add_plan_item, report_non_compliance, start_sentence, decision_makers, record_mapping, record_hearing, record_best_interests, set_municipalities, record_external_decision, schedule_meetings, record_minutes, revise_plan_item, set_plan_status, my_tasks, send_feedback, resolve_feedback, cancel_meeting, set_decision_maker, record_outcome, set_preparation, add_meeting_action, complete_meeting_action, record_screening),
    components(schemas(Problem, MeDto, MembershipDto, ServiceDto, LawDto, ProvisionDto, ServiceTypeDto, MunicipalityDto, OrganisationDto, CaseDto, CaseSummaryDto, ParticipationDto, ConsentDto, GiverDto, NoteDto, ConsentInput, GiverInput, WithdrawInput, RenewInput, NoteInput, BreakGlassInput, GrantDto, AccessLogDto, AccessReportDto, ParticipantInput, LeaveInput, AssessmentInput, CoordinatorInput, DisputeInput, CommunicatedInput, TransitionInput, PlanItemInput, ReportInput, SentenceInput, TeamMemberInput, DecisionMakerDto, MappingInput, HearingInput, BestInterestsInput, PlanningInput, MunicipalitiesInput, ExternalDecisionInput, MeetingInput, MinutesInput, PlanRevisionInput, PlanStatusInput, TaskDto, FeedbackInput, ResolveInput, CancelInput, DecisionMakerInput, OutcomeInput, PreparationInput, ActionInput, ActionDoneInput)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

type ApiResult<T> = Result<Json<T>, ApiError>;

#[derive(Serialize, ToSchema)]
pub struct MembershipDto {
    organisation_id: String,
    service_id: Option<String>,
    role: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeDto {
    id: String,
    display_name: String,
    kind: String,
    memberships: Vec<MembershipDto>,
}

impl From<User> for MeDto {
    fn from(u: User) -> Self {
        MeDto {
            id: u.id,
            display_name: u.display_name,
            kind: u.kind.as_str().into(),
            memberships: u
                .memberships
                .into_iter()
                .map(|m| MembershipDto {
                    organisation_id: m.organisation_id,
                    service_id: m.service_id,
                    role: m.role.as_str().into(),
                })
                .collect(),
        }
    }
}

/// The authenticated caller.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = MeDto), (status = 401, body = Problem)))]
pub async fn me(ApiUser(user): ApiUser) -> ApiResult<MeDto> {
    Ok(Json(user.into()))
}

#[derive(Serialize, ToSchema)]
pub struct ServiceDto {
    id: String,
    name: String,
    description: String,
    organisation_id: String,
    organisation_name: String,
    /// municipal | county | state | private
    owner_type: String,
    service_type: String,
    sector: String,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
    opening_hours: Option<String>,
}

impl From<Service> for ServiceDto {
    fn from(s: Service) -> Self {
        ServiceDto {
            id: s.id,
            name: s.name,
            description: s.description,
            organisation_id: s.organisation_id,
            organisation_name: s.organisation_name,
            owner_type: s.owner_type.as_str().into(),
            service_type: s.service_type,
            sector: s.sector.as_str().into(),
            phone: s.phone,
            email: s.email,
            address: s.address,
            opening_hours: s.opening_hours,
        }
    }
}

/// The service directory.
#[utoipa::path(get, path = "/api/v1/services", responses((status = 200, body = Vec<ServiceDto>), (status = 401, body = Problem)))]
pub async fn list_services(State(st): State<AppState>, _u: ApiUser) -> ApiResult<Vec<ServiceDto>> {
    Ok(Json(st.store.services().await?.into_iter().map(Into::into).collect()))
}

/// One service with contact details and opening hours.
#[utoipa::path(get, path = "/api/v1/services/{id}", params(("id" = String, Path)), responses((status = 200, body = ServiceDto), (status = 404, body = Problem)))]
pub async fn get_service(State(st): State<AppState>, _u: ApiUser, Path(id): Path<String>) -> ApiResult<ServiceDto> {
    Ok(Json(st.store.service(&id).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct LawDto {
    code: String,
    short_name: String,
    name_nb: String,
    name_en: String,
    lovdata_ref: Option<String>,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    citation: String,
}

impl From<Law> for LawDto {
    fn from(l: Law) -> Self {
        LawDto {
            code: l.code,
            short_name: l.short_name,
            name_nb: l.name_nb,
            name_en: l.name_en,
            lovdata_ref: l.lovdata_ref,
            valid_from: l.valid_from,
            valid_to: l.valid_to,
            citation: l.citation,
        }
    }
}

/// The laws amended on 1 August 2022, versioned.
#[utoipa::path(get, path = "/api/v1/laws", responses((status = 200, body = Vec<LawDto>)))]
pub async fn list_laws(State(st): State<AppState>, _u: ApiUser) -> ApiResult<Vec<LawDto>> {
    Ok(Json(st.store.laws().await?.into_iter().map(Into::into).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct ProvisionDto {
    code: String,
    law_code: String,
    section: String,
    title_nb: String,
    title_en: String,
    cooperation_system: bool,
    cooperation_individual: bool,
    coordination_duty: bool,
    child_coordinator: bool,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    citation: String,
}

impl From<Provision> for ProvisionDto {
    fn from(p: Provision) -> Self {
        ProvisionDto {
            code: p.code,
            law_code: p.law_code,
            section: p.section,
            title_nb: p.title_nb,
            title_en: p.title_en,
            cooperation_system: p.cooperation_system,
            cooperation_individual: p.cooperation_individual,
            coordination_duty: p.coordination_duty,
            child_coordinator: p.child_coordinator,
            valid_from: p.valid_from,
            valid_to: p.valid_to,
            citation: p.citation,
        }
    }
}

/// The provisions holding the cooperation duties, the coordination duty and the child coordinator right.
#[utoipa::path(get, path = "/api/v1/provisions", responses((status = 200, body = Vec<ProvisionDto>)))]
pub async fn list_provisions(State(st): State<AppState>, _u: ApiUser) -> ApiResult<Vec<ProvisionDto>> {
    Ok(Json(st.store.provisions().await?.into_iter().map(Into::into).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct ServiceTypeDto {
    code: String,
    name_nb: String,
    name_nn: String,
    name_en: String,
    sector: String,
    owner_type: String,
    law_code: Option<String>,
}

impl From<ServiceType> for ServiceTypeDto {
    fn from(t: ServiceType) -> Self {
        ServiceTypeDto {
            code: t.code,
            name_nb: t.name_nb,
            name_nn: t.name_nn,
            name_en: t.name_en,
            sector: t.sector.as_str().into(),
            owner_type: t.owner_type.as_str().into(),
            law_code: t.law_code,
        }
    }
}

/// The welfare-service taxonomy.
#[utoipa::path(get, path = "/api/v1/service-types", responses((status = 200, body = Vec<ServiceTypeDto>)))]
pub async fn list_service_types(State(st): State<AppState>, _u: ApiUser) -> ApiResult<Vec<ServiceTypeDto>> {
    Ok(Json(st.store.service_types().await?.into_iter().map(Into::into).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct MunicipalityDto {
    kommunenummer: String,
    name: String,
    fylke_nummer: String,
    fylke_name: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
}

impl From<Municipality> for MunicipalityDto {
    fn from(m: Municipality) -> Self {
        MunicipalityDto {
            kommunenummer: m.kommunenummer.as_str().into(),
            name: m.name,
            fylke_nummer: m.fylke_nummer,
            fylke_name: m.fylke_name,
            valid_from: m.valid_from,
            valid_to: m.valid_to,
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct MunicipalityQuery {
    /// Name or number fragment.
    q: Option<String>,
    /// The day the division must be in force (default today).
    date: Option<NaiveDate>,
}

/// Municipalities in force on a day (default today).
#[utoipa::path(get, path = "/api/v1/municipalities", params(MunicipalityQuery), responses((status = 200, body = Vec<MunicipalityDto>)))]
pub async fn list_municipalities(
    State(st): State<AppState>,
    _u: ApiUser,
    Query(q): Query<MunicipalityQuery>,
) -> ApiResult<Vec<MunicipalityDto>> {
    let day = q.date.unwrap_or_else(|| chrono::Utc::now().date_naive());
    Ok(Json(st.store.municipalities(day, q.q.as_deref()).await?.into_iter().map(Into::into).collect()))
}

/// One municipality by kommunenummer. An invalid number is a 400 naming the rule broken.
#[utoipa::path(get, path = "/api/v1/municipalities/{kommunenummer}", params(("kommunenummer" = String, Path)), responses((status = 200, body = MunicipalityDto), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn get_municipality(
    State(st): State<AppState>,
    _u: ApiUser,
    Path(knr): Path<String>,
) -> ApiResult<MunicipalityDto> {
    let knr = Kommunenummer::parse(&knr)?;
    Ok(Json(st.store.municipality(&knr, chrono::Utc::now().date_naive()).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationDto {
    id: String,
    kind: String,
    name: String,
    orgnr: Option<String>,
    kommunenummer: Option<String>,
}

impl From<Organisation> for OrganisationDto {
    fn from(o: Organisation) -> Self {
        OrganisationDto {
            id: o.id,
            kind: o.kind.as_str().into(),
            name: o.name,
            orgnr: o.orgnr.map(|n| n.as_str().into()),
            kommunenummer: o.kommunenummer.map(|k| k.as_str().into()),
        }
    }
}

/// A service owner by organisasjonsnummer. An invalid number is a 400 naming the rule broken.
#[utoipa::path(get, path = "/api/v1/organisations/{orgnr}", params(("orgnr" = String, Path)), responses((status = 200, body = OrganisationDto), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn get_organisation_by_orgnr(
    State(st): State<AppState>,
    _u: ApiUser,
    Path(orgnr): Path<String>,
) -> ApiResult<OrganisationDto> {
    let orgnr = Organisasjonsnummer::parse(&orgnr)?;
    Ok(Json(st.store.organisation_by_orgnr(&orgnr).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct ParticipationDto {
    service_id: String,
    service_name: String,
    owner_type: String,
    joined_on: NaiveDate,
    join_reason: String,
    left_on: Option<NaiveDate>,
    leave_reason: Option<String>,
}

impl From<Participation> for ParticipationDto {
    fn from(p: Participation) -> Self {
        ParticipationDto {
            service_id: p.service_id,
            service_name: p.service_name,
            owner_type: p.owner_type.as_str().into(),
            joined_on: p.joined_on,
            join_reason: p.join_reason,
            left_on: p.left_on,
            leave_reason: p.leave_reason,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CaseSummaryDto {
    id: String,
    title: String,
    child_name: String,
    participants: Vec<ParticipationDto>,
    /// Active consents that end within the warning period.
    expiring_consents: usize,
    /// Why the caller may see this case (from the access policy).
    access_basis: String,
}

impl From<CaseSummary> for CaseSummaryDto {
    fn from(v: CaseSummary) -> Self {
        CaseSummaryDto {
            id: v.case.id,
            title: v.case.title,
            child_name: v.child_name,
            participants: v.case.participants.into_iter().map(Into::into).collect(),
            expiring_consents: v.expiring_consents,
            access_basis: v.basis.detail,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct GiverDto {
    person_id: Option<String>,
    /// child | parent | child_welfare_service | adult
    capacity: String,
    age: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct ConsentDto {
    id: String,
    case_id: String,
    /// child_welfare | health | general
    domain: String,
    givers: Vec<GiverDto>,
    from_services: Vec<String>,
    to_services: Vec<String>,
    categories: Vec<String>,
    purpose: String,
    consequences: String,
    /// written | oral | digital
    form: String,
    recorded_by: String,
    recorded_at: chrono::DateTime<chrono::Utc>,
    valid_from: NaiveDate,
    valid_to: NaiveDate,
    /// not_yet_valid | active | expired | withdrawn
    status: String,
    withdrawn_at: Option<chrono::DateTime<chrono::Utc>>,
    withdrawal_reason: Option<String>,
    renews: Option<String>,
}

impl From<Consent> for ConsentDto {
    fn from(c: Consent) -> Self {
        ConsentDto {
            status: c.status(chrono::Utc::now()).as_str().into(),
            domain: c.domain.as_str().into(),
            givers: c
                .givers
                .into_iter()
                .map(|g| GiverDto { person_id: g.person_id, capacity: g.capacity.as_str().into(), age: g.age })
                .collect(),
            categories: c.categories.iter().map(|k| k.as_str().to_owned()).collect(),
            form: c.form.as_str().into(),
            id: c.id,
            case_id: c.case_id,
            from_services: c.from_services,
            to_services: c.to_services,
            purpose: c.purpose,
            consequences: c.consequences,
            recorded_by: c.recorded_by,
            recorded_at: c.recorded_at,
            valid_from: c.valid_from,
            valid_to: c.valid_to,
            withdrawn_at: c.withdrawn_at,
            withdrawal_reason: c.withdrawal_reason,
            renews: c.renews,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NoteDto {
    id: String,
    service_id: String,
    service_name: String,
    category: String,
    body: String,
    created_by: String,
    created_at: chrono::DateTime<chrono::Utc>,
    /// Why the caller may read this record (owning service, consent, legal basis, …).
    access_basis: String,
}

#[derive(Serialize, ToSchema)]
pub struct CaseDto {
    id: String,
    title: String,
    child_person_id: String,
    child_name: String,
    child_age: u32,
    /// The address, when the caller may see it (never a protected address outside the services that must know it).
    address: Option<String>,
    address_hidden_reason: Option<String>,
    opened_at: chrono::DateTime<chrono::Utc>,
    participants: Vec<ParticipationDto>,
    consents: Vec<ConsentDto>,
    notes: Vec<NoteDto>,
    /// Records in the case the caller may not read.
    hidden_notes: usize,
    expiring_consents: Vec<String>,
    /// Who coordinates (with basis, who decided, views, whether the family was told), its history, open
    /// dispute, prompts to review, step-2 assessments, the plan and any youth sentence.
    #[schema(value_type = Object)]
    cooperation: serde_json::Value,
    /// What happened in the case, newest first (only what the caller may see).
    #[schema(value_type = Object)]
    timeline: serde_json::Value,
    /// Why the caller may see this case (from the access policy).
    access_basis: String,
}

impl From<CaseView> for CaseDto {
    fn from(v: CaseView) -> Self {
        CaseDto {
            timeline: serde_json::to_value(v.timeline()).unwrap_or_default(),
            child_name: v.child.full_name(),
            child_age: v.child_age,
            address: v.address,
            address_hidden_reason: v.address_hidden.map(|r| r.code.to_owned()),
            id: v.case.id,
            title: v.case.title,
            child_person_id: v.case.child_person_id,
            opened_at: v.case.opened_at,
            participants: v.case.participants.into_iter().map(Into::into).collect(),
            consents: v.consents.into_iter().map(Into::into).collect(),
            notes: v
                .notes
                .into_iter()
                .map(|(n, b)| NoteDto {
                    id: n.id,
                    service_id: n.service_id,
                    service_name: n.service_name,
                    category: n.category.as_str().into(),
                    body: n.body,
                    created_by: n.created_by,
                    created_at: n.created_at,
                    access_basis: b.detail,
                })
                .collect(),
            hidden_notes: v.hidden_notes,
            expiring_consents: v.expiring_consents,
            cooperation: serde_json::to_value(&v.cooperation).unwrap_or_default(),
            access_basis: v.basis.detail,
        }
    }
}

/// Exactly the cases the caller may see. Every case listed is recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/cases", responses((status = 200, body = Vec<CaseSummaryDto>), (status = 401, body = Problem)))]
pub async fn list_cases(State(st): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<Vec<CaseSummaryDto>> {
    Ok(Json(st.store.cases_visible_to(&user).await?.into_iter().map(Into::into).collect()))
}

/// One case as the caller may see it; 403 with the reason, or 404. Every part read is audited.
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = String, Path)), responses((status = 200, body = CaseDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_case(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<CaseDto> {
    Ok(Json(st.store.case_for(&user, &id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct GiverInput {
    /// The person; omit for the child welfare service.
    person_id: Option<String>,
    /// child | parent | child_welfare_service | adult
    capacity: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ConsentInput {
    /// child_welfare | health | general
    domain: String,
    givers: Vec<GiverInput>,
    from_services: Vec<String>,
    to_services: Vec<String>,
    /// general | health | child_welfare | education | social | decision_fact
    categories: Vec<String>,
    purpose: String,
    consequences: String,
    /// written | oral | digital
    form: String,
    valid_from: NaiveDate,
    valid_to: NaiveDate,
    #[serde(default)]
    care_order: bool,
    #[serde(default)]
    measures_directed_at_parents: bool,
    #[serde(default)]
    both_required: bool,
}

fn bad(code: &'static str, detail: String) -> ApiError {
    ApiError(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail))
}

/// Records a consent. Who must consent follows the law for the domain and the child's age; a wrong set of
/// givers is refused with the rule.
#[utoipa::path(post, path = "/api/v1/cases/{id}/consents", params(("id" = String, Path)), request_body = ConsentInput, responses((status = 201, body = ConsentDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_consent(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<ConsentInput>,
) -> Result<(StatusCode, Json<ConsentDto>), ApiError> {
    let domain = ConsentDomain::parse(&i.domain)
        .ok_or_else(|| bad("consent.domain", format!("unknown domain '{}'", i.domain)))?;
    let form = ConsentForm::parse(&i.form).ok_or_else(|| bad("consent.form", format!("unknown form '{}'", i.form)))?;
    let mut givers = Vec::new();
    for g in i.givers {
        let cap = GiverCapacity::parse(&g.capacity)
            .ok_or_else(|| bad("consent.giver", format!("unknown capacity '{}'", g.capacity)))?;
        givers.push((g.person_id, cap));
    }
    let mut categories = Vec::new();
    for c in &i.categories {
        categories
            .push(InfoCategory::parse(c).ok_or_else(|| bad("consent.category", format!("unknown category '{c}'")))?);
    }
    let new = NewConsent {
        case_id: id,
        domain,
        givers,
        from_services: i.from_services,
        to_services: i.to_services,
        categories,
        purpose: i.purpose,
        consequences: i.consequences,
        form,
        valid_from: i.valid_from,
        valid_to: i.valid_to,
        care_order: i.care_order,
        measures_directed_at_parents: i.measures_directed_at_parents,
        both_required: i.both_required,
    };
    let c = st.store.record_consent(&user, new).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

#[derive(Deserialize, ToSchema)]
pub struct WithdrawInput {
    #[serde(default)]
    reason: String,
}

/// Withdraws a consent at once. Information already shared stays with the recipient (spec 02 §3.4).
#[utoipa::path(post, path = "/api/v1/consents/{id}/withdraw", params(("id" = String, Path)), request_body = WithdrawInput, responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn withdraw_consent(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<WithdrawInput>,
) -> Result<StatusCode, ApiError> {
    st.store.withdraw_consent(&user, &id, &i.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct RenewInput {
    valid_to: NaiveDate,
}

/// Renews a consent with a new end date; the old record is kept.
#[utoipa::path(post, path = "/api/v1/consents/{id}/renew", params(("id" = String, Path)), request_body = RenewInput, responses((status = 201, body = ConsentDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn renew_consent(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<RenewInput>,
) -> Result<(StatusCode, Json<ConsentDto>), ApiError> {
    let c = st.store.renew_consent(&user, &id, i.valid_to).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

#[derive(Deserialize, ToSchema)]
pub struct NoteInput {
    service_id: String,
    category: String,
    body: String,
}

/// Adds a record owned by one of the caller's services.
#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", params(("id" = String, Path)), request_body = NoteInput, responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_note(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<NoteInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let category = InfoCategory::parse(&i.category)
        .ok_or_else(|| bad("note.category", format!("unknown category '{}'", i.category)))?;
    let note = st.store.add_note(&user, &id, &i.service_id, category, &i.body, None).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": note }))))
}

#[derive(Deserialize, ToSchema)]
pub struct BreakGlassInput {
    reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct GrantDto {
    id: String,
    case_id: String,
    expires_at: chrono::DateTime<chrono::Utc>,
}

/// Opens a case in an emergency with a reason: time-limited, flagged to leaders, visible to the family.
#[utoipa::path(post, path = "/api/v1/cases/{id}/break-glass", params(("id" = String, Path)), request_body = BreakGlassInput, responses((status = 201, body = GrantDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn break_glass(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<BreakGlassInput>,
) -> Result<(StatusCode, Json<GrantDto>), ApiError> {
    let g = st.store.break_glass(&user, &id, &i.reason).await?;
    Ok((StatusCode::CREATED, Json(GrantDto { id: g.id, case_id: g.case_id, expires_at: g.expires_at })))
}

#[derive(Serialize, ToSchema)]
pub struct AccessLogDto {
    at: chrono::DateTime<chrono::Utc>,
    case_id: String,
    who: String,
    service: Option<String>,
    role: Option<String>,
    action: String,
    category: Option<String>,
    /// allow | deny
    outcome: String,
    basis: String,
}

/// The caller's (a citizen's) access log of their own and their children's cases.
#[utoipa::path(get, path = "/api/v1/me/access-log", responses((status = 200, body = Vec<AccessLogDto>), (status = 403, body = Problem)))]
pub async fn my_access_log(State(st): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<Vec<AccessLogDto>> {
    let lines = st.store.access_log_for(&user).await?;
    Ok(Json(
        lines
            .into_iter()
            .map(|l| AccessLogDto {
                at: l.at,
                case_id: l.case_id,
                who: l.who,
                service: l.service,
                role: l.role,
                action: l.action,
                category: l.category,
                outcome: l.outcome,
                basis: l.basis,
            })
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct ReportQuery {
    /// Days back (default 31).
    days: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AccessReportDto {
    since: chrono::DateTime<chrono::Utc>,
    reads_allowed: usize,
    denials: usize,
    break_glass: Vec<serde_json::Value>,
}

/// Leaders' internal-control report on access.
#[utoipa::path(get, path = "/api/v1/reports/access", params(ReportQuery), responses((status = 200, body = AccessReportDto), (status = 403, body = Problem)))]
pub async fn access_report(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<ReportQuery>,
) -> ApiResult<AccessReportDto> {
    let since = chrono::Utc::now() - chrono::Duration::days(q.days.unwrap_or(31).clamp(1, 3650));
    let r = st.store.access_report(&user, since).await?;
    Ok(Json(AccessReportDto {
        since: r.since,
        reads_allowed: r.reads_allowed,
        denials: r.denials,
        break_glass: r.break_glass.into_iter().map(|g| serde_json::to_value(g).unwrap_or_default()).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ParticipantInput {
    service_id: String,
    reason: String,
}

/// Step 3: contact another service and add it to the case. Refused (422 `step3.no_consent`) unless a valid
/// consent or a recorded legal exception covers the contact from the caller's service.
#[utoipa::path(post, path = "/api/v1/cases/{id}/participants", params(("id" = String, Path)), request_body = ParticipantInput, responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn add_participant(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<ParticipantInput>,
) -> Result<StatusCode, ApiError> {
    st.store.add_participant(&user, &id, &i.service_id, &i.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct LeaveInput {
    reason: String,
}

/// A service leaves the case, with a reason; the others are asked to assess again.
#[utoipa::path(post, path = "/api/v1/cases/{id}/participants/{service}/leave", params(("id" = String, Path), ("service" = String, Path)), request_body = LeaveInput, responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn leave_participant(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, service)): Path<(String, String)>,
    Json(i): Json<LeaveInput>,
) -> Result<StatusCode, ApiError> {
    st.store.end_participation(&user, &id, &service, &i.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct AssessmentInput {
    service_id: String,
    /// necessary | voluntary_with_consent | not_necessary
    result: String,
    reasoning: String,
    /// heard | declined | not_yet_heard
    child_voice: String,
    child_wishes: String,
    #[serde(default = "yes")]
    needs_of_child: bool,
    #[serde(default)]
    needs_of_parents: bool,
    /// The four planning assessments (spec 01 §4.3), all four or none.
    planning: Option<PlanningInput>,
    /// Situations from the guidance (spec 01 §4.2): child_welfare_health_needs | health_needs_at_school |
    /// challenging_behaviour | many_providers_family | universal_services_only
    #[serde(default)]
    situations: Vec<String>,
    /// Why the result differs from what the ticked situations suggest.
    deviation_reason: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct PlanningInput {
    cooperate_with: String,
    cooperate_on: String,
    extent_duration: String,
    organisation: String,
}

fn yes() -> bool {
    true
}

/// Step 2: a service's assessment of whether cooperation is necessary, with the child's wishes.
#[utoipa::path(post, path = "/api/v1/cases/{id}/assessments", params(("id" = String, Path)), request_body = AssessmentInput, responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_assessment(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<AssessmentInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let result = AssessmentResult::parse(&i.result)
        .ok_or_else(|| bad("assessment.result", format!("unknown result '{}'", i.result)))?;
    let child_voice = ChildVoice::parse(&i.child_voice)
        .ok_or_else(|| bad("assessment.child_voice", format!("unknown value '{}'", i.child_voice)))?;
    let situations = i
        .situations
        .iter()
        .map(|s| Situation::parse(s).ok_or_else(|| bad("assessment.situation", format!("unknown situation '{s}'"))))
        .collect::<Result<Vec<_>, _>>()?;
    let new = los_store::NewAssessment {
        case_id: id,
        service_id: i.service_id,
        result,
        reasoning: i.reasoning,
        child_voice,
        child_wishes: i.child_wishes,
        needs_of_child: i.needs_of_child,
        needs_of_parents: i.needs_of_parents,
        best_interests_id: None,
        situations,
        deviation_reason: i.deviation_reason,
        planning: i.planning.map(|p| los_domain::coordination::PlanningAssessment {
            cooperate_with: p.cooperate_with,
            cooperate_on: p.cooperate_on,
            extent_duration: p.extent_duration,
            organisation: p.organisation,
        }),
    };
    let aid = st.store.record_assessment(&user, new).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": aid }))))
}

#[derive(Deserialize, ToSchema)]
pub struct CoordinatorInput {
    service_id: String,
    /// agreed_by_services | designated_by_municipality | child_coordinator | agreed_non_municipal
    basis: String,
    #[serde(default)]
    agreed_by: Vec<String>,
    child_view: String,
    parents_view: String,
    #[serde(default)]
    reasons: String,
}

/// Records who coordinates. Every rule of spec 01 §6.2 is checked; a refusal names the rule (422).
#[utoipa::path(post, path = "/api/v1/cases/{id}/coordinator", params(("id" = String, Path)), request_body = CoordinatorInput, responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn assign_coordinator(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<CoordinatorInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let basis = CoordinationBasis::parse(&i.basis)
        .ok_or_else(|| bad("coordination.basis", format!("unknown basis '{}'", i.basis)))?;
    let new = los_store::NewAssignment {
        case_id: id,
        service_id: i.service_id,
        basis,
        agreed_by: i.agreed_by,
        child_view: i.child_view,
        parents_view: i.parents_view,
        reasons: i.reasons,
    };
    let aid = st.store.assign_coordinator(&user, new).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": aid }))))
}

#[derive(Deserialize, ToSchema)]
pub struct DisputeInput {
    positions: String,
    #[serde(default)]
    child_wishes: String,
    #[serde(default)]
    family_wishes: String,
}

/// The services cannot agree who coordinates: the dispute goes to the municipality's decision-maker.
#[utoipa::path(post, path = "/api/v1/cases/{id}/disputes", params(("id" = String, Path)), request_body = DisputeInput, responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn raise_dispute(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<DisputeInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let did = st.store.raise_dispute(&user, &id, &i.positions, &i.child_wishes, &i.family_wishes).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": did }))))
}

#[derive(Deserialize, ToSchema)]
pub struct CommunicatedInput {
    how: String,
}

/// Records that the family was told who coordinates.
#[utoipa::path(post, path = "/api/v1/cases/{id}/coordinator/communicated", params(("id" = String, Path)), request_body = CommunicatedInput, responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn coordinator_communicated(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<CommunicatedInput>,
) -> Result<StatusCode, ApiError> {
    st.store.mark_communicated(&user, &id, &i.how).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct TransitionInput {
    /// kindergarten_to_school | lower_to_upper_secondary | turning_18 | end_of_crisis_centre_stay | moving_municipality | end_of_sentence
    transition: String,
}

/// A life transition: prompts a review of who coordinates.
#[utoipa::path(post, path = "/api/v1/cases/{id}/transitions", params(("id" = String, Path)), request_body = TransitionInput, responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn record_transition(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<TransitionInput>,
) -> Result<StatusCode, ApiError> {
    let t = Transition::parse(&i.transition)
        .ok_or_else(|| bad("transition.unknown", format!("unknown transition '{}'", i.transition)))?;
    st.store.record_transition(&user, &id, t).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct PlanItemInput {
    /// goal | measure
    kind: String,
    title: String,
    responsible_service: Option<String>,
    for_person: Option<String>,
    /// The place in the plan's order; without it the item goes last.
    position: Option<i32>,
    depends_on: Option<String>,
    /// help | control
    measure_type: Option<String>,
    /// Part of the transition plan after a sentence: housing | education_work | health | finances |
    /// network_leisure | follow_up_after (a measure in a case with a sentence).
    release_area: Option<String>,
}

/// Adds a goal or a measure to the shared plan; a measure only by its responsible service.
#[utoipa::path(post, path = "/api/v1/cases/{id}/plan", params(("id" = String, Path)), request_body = PlanItemInput, responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn add_plan_item(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<PlanItemInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let new = los_store::NewPlanItem {
        case_id: id,
        kind: i.kind,
        title: i.title,
        responsible_service: i.responsible_service,
        for_person: i.for_person,
        position: i.position,
        depends_on: i.depends_on,
        measure_type: i.measure_type,
        release_area: match i.release_area.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            None => None,
            Some(a) => Some(
                los_domain::coordination::ReleaseArea::parse(a)
                    .ok_or_else(|| bad("plan.release_area_unknown", format!("unknown area '{a}'")))?,
            ),
        },
    };
    let pid = st.store.add_plan_item(&user, new).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": pid }))))
}

#[derive(Deserialize, ToSchema)]
pub struct ReportInput {
    description: String,
}

/// A team member reports that the youth did not follow a measure; it goes to the youth coordinator.
#[utoipa::path(post, path = "/api/v1/cases/{id}/non-compliance", params(("id" = String, Path)), request_body = ReportInput, responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn report_non_compliance(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<ReportInput>,
) -> Result<StatusCode, ApiError> {
    st.store.report_non_compliance(&user, &id, &i.description).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct TeamMemberInput {
    /// police_contact | correctional_service | guardian | service | network (the youth coordinator and, under 18, the parents are added)
    role: String,
    service_id: Option<String>,
    name: String,
}

#[derive(Deserialize, ToSchema)]
pub struct SentenceInput {
    /// ungdomsstraff | ungdomsoppfolging (recorded by the youth coordinator) | community_sentence (by the
    /// probation office) | prison (by the correctional service's youth unit)
    kind: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    team: Vec<TeamMemberInput>,
}

/// The service that leads the follow-up records a sentence and its team: the youth coordinator a youth
/// sentence or youth follow-up, the probation office a community sentence, the youth unit a prison sentence.
/// Mandatory members are checked, and parents are added under 18.
#[utoipa::path(post, path = "/api/v1/cases/{id}/sentence", params(("id" = String, Path)), request_body = SentenceInput, responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn start_sentence(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<SentenceInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let kind = SentenceType::parse(&i.kind)
        .ok_or_else(|| bad("sentence.kind", format!("unknown sentence type '{}'", i.kind)))?;
    let mut team = Vec::new();
    for m in i.team {
        let role =
            TeamRole::parse(&m.role).ok_or_else(|| bad("sentence.role", format!("unknown role '{}'", m.role)))?;
        team.push((role, m.service_id, m.name));
    }
    let sid = st.store.start_sentence(&user, &id, kind, i.starts_on, i.ends_on, team).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": sid }))))
}

#[derive(Serialize, ToSchema)]
pub struct DecisionMakerDto {
    kommunenummer: String,
    municipality: String,
    kind: String,
    title: String,
    delegation_ref: String,
    contact: String,
    valid_from: NaiveDate,
}

/// Who decides when services disagree about who coordinates, per municipality (public).
#[utoipa::path(get, path = "/api/v1/decision-makers", responses((status = 200, body = Vec<DecisionMakerDto>)))]
pub async fn decision_makers(State(st): State<AppState>, _u: ApiUser) -> ApiResult<Vec<DecisionMakerDto>> {
    Ok(Json(
        st.store
            .decision_makers()
            .await?
            .into_iter()
            .map(|(k, name, d)| DecisionMakerDto {
                kommunenummer: k,
                municipality: name,
                kind: d.kind,
                title: d.title,
                delegation_ref: d.delegation_ref,
                contact: d.contact,
                valid_from: d.valid_from,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct MappingInput {
    /// The other services and providers involved (or "none").
    other_services: String,
    /// asked_child | asked_parents | own_records
    source: String,
    /// Guidance given when a need has no service (and whether the family was helped to make contact).
    guidance: Option<String>,
}

/// Step 1: which other services are involved, where that came from, and guidance given.
#[utoipa::path(post, path = "/api/v1/cases/{id}/mappings", params(("id" = String, Path)), request_body = MappingInput, responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn record_mapping(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<MappingInput>,
) -> Result<StatusCode, ApiError> {
    let source = MappingSource::parse(&i.source)
        .ok_or_else(|| bad("mapping.source", format!("unknown source '{}'", i.source)))?;
    st.store.record_mapping(&user, &id, &i.other_services, source, i.guidance.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct HearingInput {
    held_on: NaiveDate,
    #[serde(default = "yes")]
    direct: bool,
    indirect_reason: Option<String>,
    /// kindergarten | school | home | neutral | office | digital
    place: String,
    talked_with: String,
    companion: Option<String>,
    /// e.g. interpreter, ASK/AAC, adapted information
    #[serde(default)]
    adaptations: Vec<String>,
    #[serde(default)]
    declined: bool,
    #[serde(default)]
    views: String,
    #[serde(default)]
    maturity: String,
    #[serde(default)]
    weight: String,
}

/// The record of hearing the child (how, where, who, adaptations, the right to decline, views, weight).
#[utoipa::path(post, path = "/api/v1/cases/{id}/hearings", params(("id" = String, Path)), request_body = HearingInput, responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn record_hearing(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<HearingInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let place =
        HearingPlace::parse(&i.place).ok_or_else(|| bad("hearing.place", format!("unknown place '{}'", i.place)))?;
    let h = Hearing {
        id: String::new(),
        case_id: id,
        held_on: i.held_on,
        direct: i.direct,
        indirect_reason: i.indirect_reason,
        place,
        talked_with: i.talked_with,
        companion: i.companion,
        adaptations: i.adaptations,
        declined: i.declined,
        views: i.views,
        age: 0,
        maturity: i.maturity,
        weight: i.weight,
        recorded_by: user.id.clone(),
    };
    let hid = st.store.record_hearing(&user, h).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": hid }))))
}

#[derive(Deserialize, ToSchema)]
pub struct BestInterestsInput {
    /// The seven elements: view, identity, family, protection, vulnerability, health, education.
    elements: std::collections::BTreeMap<String, String>,
    conclusion: String,
    hearing_id: Option<String>,
    not_heard_reason: Option<String>,
    #[serde(default)]
    finalised: bool,
}

/// A best-interests assessment. Finalising needs all seven elements and a hearing record or a stated reason.
#[utoipa::path(post, path = "/api/v1/cases/{id}/best-interests", params(("id" = String, Path)), request_body = BestInterestsInput, responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn record_best_interests(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<BestInterestsInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let b = BestInterests {
        id: String::new(),
        case_id: id,
        elements: i.elements.into_iter().collect(),
        conclusion: i.conclusion,
        hearing_id: i.hearing_id,
        not_heard_reason: i.not_heard_reason,
        finalised: i.finalised,
        assessed_by: user.id.clone(),
        assessed_at: chrono::Utc::now(),
    };
    let bid = st.store.record_best_interests(&user, b).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": bid }))))
}

#[derive(Deserialize, ToSchema)]
pub struct MunicipalitiesInput {
    /// The care municipality (omsorgskommune) of a placed child.
    care: Option<String>,
    /// Where the foster home or institution is.
    placement: Option<String>,
    /// A second actual residence (delt bosted).
    second_residence: Option<String>,
    /// How cooperation with the placement municipality was clarified locally.
    local_clarification: Option<String>,
}

/// Records the municipalities tied to the child beside the registered one.
#[utoipa::path(post, path = "/api/v1/cases/{id}/municipalities", params(("id" = String, Path)), request_body = MunicipalitiesInput, responses((status = 204), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_municipalities(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<MunicipalitiesInput>,
) -> Result<StatusCode, ApiError> {
    st.store
        .set_municipalities(
            &user,
            &id,
            i.care.as_deref(),
            i.placement.as_deref(),
            i.second_residence.as_deref(),
            i.local_clarification.as_deref(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unknown API paths answer problem JSON, not an HTML page.
pub async fn not_found() -> ApiError {
    ApiError(AppError::new(StatusCode::NOT_FOUND, "not_found", "no such API endpoint"))
}

#[derive(Deserialize, ToSchema)]
pub struct ExternalDecisionInput {
    /// The deciding service (the actor must work there).
    service_id: String,
    /// What was decided, e.g. "Vedtak om arbeidsrettet oppfølging".
    title: String,
    /// The service's own reference (its case or decision number).
    reference: Option<String>,
    decided_on: NaiveDate,
}

/// Links a decision of one service (a NAV vedtak, a child welfare measure) to the case. Granting a new
/// service asks every service taking part to assess the need for cooperation again.
#[utoipa::path(post, path = "/api/v1/cases/{id}/decisions", params(("id" = String, Path)), request_body = ExternalDecisionInput, responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn record_external_decision(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<ExternalDecisionInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let new = los_store::NewExternalDecision {
        case_id: id,
        service_id: i.service_id,
        title: i.title,
        reference: i.reference,
        decided_on: i.decided_on,
    };
    let did = st.store.record_external_decision(&user, new).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": did }))))
}

#[derive(Deserialize, ToSchema)]
pub struct MeetingInput {
    /// cooperation | start_up | follow_up | restorative
    kind: String,
    /// Norwegian local time of the (first) meeting, e.g. 2026-12-10T09:00.
    starts_at: String,
    /// For a series: weeks between meetings, and how many (1 for a single meeting).
    #[serde(default)]
    every_weeks: u32,
    #[serde(default = "one")]
    count: u32,
    #[serde(default = "hour")]
    duration_minutes: u32,
    #[serde(default)]
    place: String,
    agenda: String,
    invited: Vec<String>,
    /// Services the child does not want at the meeting; they contribute outside it.
    #[serde(default)]
    excluded_by_child: Vec<String>,
    /// attends | part_of_meeting | through_someone | written_views | not_taking_part
    child_participation: String,
    /// The preparation checklist: what must be ready before the meeting (at most 20 items of 200
    /// characters). Each meeting of a series gets its own copy.
    #[serde(default)]
    preparation: Vec<String>,
}

fn one() -> u32 {
    1
}

fn hour() -> u32 {
    60
}

/// Sets up a meeting or a series of meetings in the case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/meetings", params(("id" = String, Path)), request_body = MeetingInput, responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn schedule_meetings(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<MeetingInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let kind =
        MeetingKind::parse(&i.kind).ok_or_else(|| bad("meeting.kind", format!("unknown meeting kind '{}'", i.kind)))?;
    let child_participation = ChildParticipation::parse(&i.child_participation)
        .ok_or_else(|| bad("meeting.child_participation", format!("unknown value '{}'", i.child_participation)))?;
    let first = crate::parse_local_time(&i.starts_at)
        .ok_or_else(|| bad("meeting.starts_at", format!("'{}' is not a time like 2026-12-10T09:00", i.starts_at)))?;
    let new = los_store::NewMeetings {
        case_id: id,
        kind,
        first,
        every_weeks: i.every_weeks,
        count: i.count,
        duration_minutes: i.duration_minutes,
        place: i.place,
        agenda: i.agenda,
        invited: i.invited,
        excluded_by_child: i.excluded_by_child,
        child_participation,
        preparation: i.preparation,
    };
    let ids = st.store.schedule_meetings(&user, new).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "ids": ids }))))
}

#[derive(Deserialize, ToSchema)]
pub struct MinutesInput {
    /// The invited services that came.
    attended: Vec<String>,
    minutes: String,
    /// Other agreements, as free text. Follow-ups with an owner and a due date are added to the meeting
    /// with `POST /api/v1/cases/{id}/meetings/{meeting}/actions`.
    #[serde(default)]
    follow_ups: String,
}

/// Records the minutes of a meeting (a new version keeps the earlier ones).
#[utoipa::path(post, path = "/api/v1/cases/{id}/meetings/{meeting}/minutes", params(("id" = String, Path), ("meeting" = String, Path)), request_body = MinutesInput, responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn record_minutes(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, meeting)): Path<(String, String)>,
    Json(i): Json<MinutesInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let mid = st.store.record_minutes(&user, &id, &meeting, i.attended, &i.minutes, &i.follow_ups).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": mid }))))
}

#[derive(Deserialize, ToSchema)]
pub struct PreparationInput {
    /// Ticked off (true) or open again (false).
    done: bool,
}

/// Ticks an item of a meeting's preparation checklist off, or opens it again (the arranging service).
#[utoipa::path(post, path = "/api/v1/cases/{id}/meetings/{meeting}/preparation/{item}", params(("id" = String, Path), ("meeting" = String, Path), ("item" = String, Path)), request_body = PreparationInput, responses((status = 200), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_preparation(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, meeting, item)): Path<(String, String, String)>,
    Json(i): Json<PreparationInput>,
) -> Result<Json<serde_json::Value>, ApiError> {
    st.store.set_preparation_done(&user, &id, &meeting, &item, i.done).await?;
    Ok(Json(serde_json::json!({ "id": item, "done": i.done })))
}

#[derive(Deserialize, ToSchema)]
pub struct ActionInput {
    /// What is to be done.
    description: String,
    /// The service that does it; it must take part in the case.
    owner_service: String,
    /// By when, e.g. 2026-12-15; not before the meeting.
    due_on: NaiveDate,
}

/// Adds a follow-up agreed at a meeting: who does what by when (the arranging service, once the meeting
/// has started). The owning service sees it on its worklist.
#[utoipa::path(post, path = "/api/v1/cases/{id}/meetings/{meeting}/actions", params(("id" = String, Path), ("meeting" = String, Path)), request_body = ActionInput, responses((status = 201), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_meeting_action(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, meeting)): Path<(String, String)>,
    Json(i): Json<ActionInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let new = los_store::NewAction { description: i.description, owner_service: i.owner_service, due_on: i.due_on };
    let aid = st.store.add_meeting_action(&user, &id, &meeting, new).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": aid }))))
}

#[derive(Deserialize, ToSchema)]
pub struct ActionDoneInput {
    /// What came of it (optional).
    #[serde(default)]
    note: String,
}

/// Marks a follow-up done. Only the owning service can.
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions/{action}/done", params(("id" = String, Path), ("action" = String, Path)), request_body = ActionDoneInput, responses((status = 200), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn complete_meeting_action(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, action)): Path<(String, String)>,
    Json(i): Json<ActionDoneInput>,
) -> Result<Json<serde_json::Value>, ApiError> {
    st.store.complete_meeting_action(&user, &id, &action, &i.note).await?;
    Ok(Json(serde_json::json!({ "id": action, "done": true })))
}

#[derive(Deserialize, ToSchema)]
pub struct PlanRevisionInput {
    title: String,
    for_person: Option<String>,
    position: i32,
    depends_on: Option<String>,
}

/// Revises a goal or measure as a new version; the order and dependencies are checked.
#[utoipa::path(post, path = "/api/v1/cases/{id}/plan/{item}/revisions", params(("id" = String, Path), ("item" = String, Path)), request_body = PlanRevisionInput, responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn revise_plan_item(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, item)): Path<(String, String)>,
    Json(i): Json<PlanRevisionInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let rev = los_store::PlanRevision {
        title: i.title,
        for_person: i.for_person,
        position: i.position,
        depends_on: i.depends_on,
    };
    let pid = st.store.revise_plan_item(&user, &id, &item, rev).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": pid }))))
}

#[derive(Deserialize, ToSchema)]
pub struct PlanStatusInput {
    /// planned | started | done | stopped
    status: String,
}

/// Changes a measure's status as a new version; a measure does not start before what it waits for.
#[utoipa::path(post, path = "/api/v1/cases/{id}/plan/{item}/status", params(("id" = String, Path), ("item" = String, Path)), request_body = PlanStatusInput, responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_plan_status(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, item)): Path<(String, String)>,
    Json(i): Json<PlanStatusInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let pid = st.store.set_plan_status(&user, &id, &item, &i.status).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": pid }))))
}

#[derive(Serialize, ToSchema)]
pub struct TaskDto {
    /// reassess | review_coordinator | evaluate | communicate | decide_dispute | meeting | prepare | minutes |
    /// follow_up | feedback | transition_ahead
    kind: String,
    case_id: String,
    case_title: String,
    service_id: Option<String>,
    detail: String,
    date: NaiveDate,
    /// Days since it arose; negative for a meeting ahead.
    age_days: i64,
}

/// The caller's worklist across the cases they may see (each case consulted is recorded in the audit log).
#[utoipa::path(get, path = "/api/v1/me/tasks", responses((status = 200, body = Vec<TaskDto>), (status = 401, body = Problem)))]
pub async fn my_tasks(State(st): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Vec<TaskDto>>, ApiError> {
    let tasks = st.store.tasks_for(&user).await?;
    Ok(Json(
        tasks
            .into_iter()
            .map(|t| TaskDto {
                kind: t.kind.to_owned(),
                case_id: t.case_id,
                case_title: t.case_title,
                service_id: t.service_id,
                detail: t.detail,
                date: t.date,
                age_days: t.age_days,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct FeedbackInput {
    /// The service to tell; empty for the coordinating service.
    recipient_service: Option<String>,
    body: String,
}

/// The child, young person or a parent reports that something is not working (to the coordinating service
/// or another service they choose). Only the author and the recipient service can read it.
#[utoipa::path(post, path = "/api/v1/cases/{id}/feedback", params(("id" = String, Path)), request_body = FeedbackInput, responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn send_feedback(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<FeedbackInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let fid = st.store.send_feedback(&user, &id, i.recipient_service, &i.body).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": fid }))))
}

#[derive(Deserialize, ToSchema)]
pub struct ResolveInput {
    /// What was done about it; the family sees this.
    resolution: String,
}

/// The recipient service records how a report was followed up.
#[utoipa::path(post, path = "/api/v1/cases/{id}/feedback/{feedback}/resolve", params(("id" = String, Path), ("feedback" = String, Path)), request_body = ResolveInput, responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn resolve_feedback(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, feedback)): Path<(String, String)>,
    Json(i): Json<ResolveInput>,
) -> Result<StatusCode, ApiError> {
    st.store.resolve_feedback(&user, &id, &feedback, &i.resolution).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct CancelInput {
    /// Why; the family and the services see it.
    reason: String,
    /// Also cancel the later meetings of the series.
    #[serde(default)]
    rest_of_series: bool,
}

/// Cancels a meeting (or it and the rest of its series); the meeting is kept, marked cancelled.
#[utoipa::path(post, path = "/api/v1/cases/{id}/meetings/{meeting}/cancel", params(("id" = String, Path), ("meeting" = String, Path)), request_body = CancelInput, responses((status = 200), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn cancel_meeting(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, meeting)): Path<(String, String)>,
    Json(i): Json<CancelInput>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let n = st.store.cancel_meeting(&user, &id, &meeting, &i.reason, i.rest_of_series).await?;
    Ok(Json(serde_json::json!({ "cancelled": n })))
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionMakerInput {
    kommunenummer: String,
    /// kommunedirektor | staff_function | coordinating_unit | other
    kind: String,
    title: String,
    /// The delegation: document, paragraph and date.
    delegation_ref: String,
    contact: String,
    valid_from: NaiveDate,
    /// The role that reads the dossier and decides while a dispute is open: coordinating_unit_handler |
    /// leader | case_worker
    decider_role: String,
}

/// An administrator of the municipality records who decides disputes there, from a date (spec 01 §6.3).
#[utoipa::path(post, path = "/api/v1/decision-makers", request_body = DecisionMakerInput, responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_decision_maker(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Json(i): Json<DecisionMakerInput>,
) -> Result<StatusCode, ApiError> {
    let role = los_domain::model::Role::parse(&i.decider_role)
        .ok_or_else(|| bad("decision_maker.role", format!("unknown role '{}'", i.decider_role)))?;
    let dm = los_domain::coordination::DecisionMaker {
        kind: i.kind,
        title: i.title,
        delegation_ref: i.delegation_ref,
        contact: i.contact,
        valid_from: i.valid_from,
    };
    st.store.set_decision_maker(&user, i.kommunenummer.trim(), dm, role).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct OutcomeInput {
    /// education | work | competence_building | combination
    outcome: String,
    #[serde(default)]
    detail: String,
    achieved_on: NaiveDate,
}

/// The county follow-up service records what its follow-up achieved (spec 01 §8.H item 33).
#[utoipa::path(post, path = "/api/v1/cases/{id}/outcomes", params(("id" = String, Path)), request_body = OutcomeInput, responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn record_outcome(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<OutcomeInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let outcome = los_domain::coordination::FollowUpOutcome::parse(&i.outcome)
        .ok_or_else(|| bad("outcome.kind", format!("unknown outcome '{}'", i.outcome)))?;
    let oid = st.store.record_follow_up_outcome(&user, &id, outcome, &i.detail, i.achieved_on).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": oid }))))
}

#[derive(Deserialize, ToSchema)]
pub struct ScreeningInput {
    /// individual_plan | coordinator | child_coordinator
    right: String,
    /// in_place | requested | not_entitled | declined
    outcome: String,
    /// The service that holds the plan, employs the coordinator or was asked.
    service_id: Option<String>,
    /// The appointed coordinator (a coordinator or child coordinator in place).
    person: Option<String>,
    /// For example the plan's or the decision's reference.
    reference: Option<String>,
    reasoning: String,
    /// Required when a child coordinator is in place: the appointment decides who coordinates.
    #[serde(default)]
    child_view: String,
    #[serde(default)]
    parents_view: String,
}

/// Records the screening of an individual right: individual plan, coordinator or child coordinator (spec 01
/// §8.C item 15). An appointed child coordinator takes over the coordination and locks it.
#[utoipa::path(post, path = "/api/v1/cases/{id}/rights", params(("id" = String, Path)), request_body = ScreeningInput, responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn record_screening(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(i): Json<ScreeningInput>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let kind = los_domain::rights::RightKind::parse(&i.right)
        .ok_or_else(|| bad("rights.kind", format!("unknown right '{}'", i.right)))?;
    let outcome = los_domain::rights::ScreeningOutcome::parse(&i.outcome)
        .ok_or_else(|| bad("rights.outcome", format!("unknown outcome '{}'", i.outcome)))?;
    let new = los_store::NewScreening {
        kind,
        outcome,
        service_id: i.service_id,
        person: i.person,
        reference: i.reference,
        reasoning: i.reasoning,
        child_view: i.child_view,
        parents_view: i.parents_view,
    };
    let sid = st.store.record_screening(&user, &id, new).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": sid }))))
}
