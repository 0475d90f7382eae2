//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/v1/openapi.json`.
//! It calls the same store methods as the pages; errors are RFC 9457 problem JSON.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use los_domain::ident::{Kommunenummer, Organisasjonsnummer};
use los_domain::model::{Law, Municipality, Organisation, Provision, Service, ServiceType, User};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, AppError, Problem};
use crate::input::ApiQuery;

#[derive(OpenApi)]
#[openapi(
    info(title = "Los API", version = "1", description = "Case coordination for services to children, young people and their families. Authenticate with 'Authorization: Bearer <token>' (created by 'los token create --user ID')."),
    components(schemas(Problem)),
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

/// Every operation can answer with problem JSON: 400 (a malformed request or Authorization header, an
/// invalid identifier), 401 (no or a bad token), 403 (the access policy said no), 404 (no such record), 429
/// (too many failed token checks from the address), and an operation with a body also 413 (too large), 415
/// (not JSON or a form) and 422 (a rule of the domain refused it). Documented once here, so that the document tells the truth for every route.
struct ProblemResponses;

impl utoipa::Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = |what: &str| {
            ResponseBuilder::new()
                .description(what)
                .content(
                    "application/problem+json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
                )
                .build()
        };
        let always = [
            ("400", "The request is malformed (body, Authorization header or an identifier)."),
            ("401", "No token, or an unknown, expired or revoked one."),
            ("403", "The access policy refused it; the refusal is in the audit log."),
            ("404", "No such record."),
            ("429", "Too many failed token checks from this address; `Retry-After` says when to try again."),
        ];
        let with_body = [
            ("413", "The body is too large."),
            ("415", "The body is neither application/json nor a form."),
            ("422", "A rule refused it; `code` names the rule and nothing was changed."),
        ];
        let retried = [
            ("409", "The first request with this Idempotency-Key is still running."),
            ("422", "A rule refused it, or the Idempotency-Key was used for another request."),
        ];
        for item in openapi.paths.paths.values_mut() {
            // Every write takes an optional Idempotency-Key: a retry with the same key and request gets the
            // first answer again instead of writing twice.
            if let Some(op) = item.post.as_mut() {
                for (status, what) in retried {
                    op.responses.responses.insert(status.to_owned(), problem(what).into());
                }
                let header = utoipa::openapi::path::ParameterBuilder::new()
                    .name("Idempotency-Key")
                    .parameter_in(utoipa::openapi::path::ParameterIn::Header)
                    .required(utoipa::openapi::Required::False)
                    .description(Some(
                        "1–255 printable ASCII characters, new for each new request; a retry with the same key \
                         and request gets the first answer again (with `Idempotent-Replayed: true`).",
                    ))
                    .schema(Some(
                        utoipa::openapi::ObjectBuilder::new()
                            .schema_type(utoipa::openapi::schema::Type::String)
                            .min_length(Some(1))
                            .max_length(Some(255))
                            .pattern(Some("^[ -~]+$")),
                    ))
                    .build();
                op.parameters.get_or_insert_with(Vec::new).push(header);
            }
            for op in
                [&mut item.get, &mut item.post, &mut item.put, &mut item.delete, &mut item.patch].into_iter().flatten()
            {
                let has_body = op.request_body.is_some();
                let extra = if has_body { &with_body[..] } else { &[][..] };
                for (status, what) in always.iter().chain(extra) {
                    op.responses.responses.insert((*status).to_owned(), problem(what).into());
                }
                if let Some(body) = op.request_body.as_mut() {
                    let json = body.content.get("application/json").cloned();
                    if let Some(json) = json {
                        body.content.insert("application/x-www-form-urlencoded".to_owned(), json);
                    }
                }
            }
        }
    }
}

/// The OpenAPI document, built from the same route list as the router.
pub fn document() -> utoipa::openapi::OpenApi {
    use utoipa::Modify;
    let mut doc = OpenApiRouter::with_openapi(ApiDoc::openapi()).nest("/api/v1", router()).split_for_parts().1;
    ProblemResponses.modify(&mut doc);
    doc
}

/// Every API route (relative to `/api/v1`), with its OpenAPI description: the one list the router and the
/// document are both built from.
pub fn router() -> OpenApiRouter<AppState> {
    let reference = OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(list_services))
        .routes(routes!(get_service))
        .routes(routes!(list_laws))
        .routes(routes!(list_provisions))
        .routes(routes!(list_service_types))
        .routes(routes!(list_municipalities))
        .routes(routes!(get_municipality))
        .routes(routes!(get_organisation_by_orgnr));
    reference
        .merge(crate::case::api_routes())
        .merge(crate::admin::api_routes())
        .merge(crate::child_coordination::api_routes())
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Response {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let json = DOC.get_or_init(|| document().to_json().unwrap_or_default());
    ([(axum::http::header::CONTENT_TYPE, "application/json")], json.clone()).into_response()
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
#[utoipa::path(get, path = "/me", responses((status = 200, body = MeDto)))]
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
#[utoipa::path(get, path = "/services", responses((status = 200, body = Vec<ServiceDto>)))]
pub async fn list_services(State(st): State<AppState>, _u: ApiUser) -> ApiResult<Vec<ServiceDto>> {
    Ok(Json(st.store.services().await?.into_iter().map(Into::into).collect()))
}

/// One service with contact details and opening hours.
#[utoipa::path(get, path = "/services/{id}", params(("id" = String, Path)), responses((status = 200, body = ServiceDto)))]
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
#[utoipa::path(get, path = "/laws", responses((status = 200, body = Vec<LawDto>)))]
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
#[utoipa::path(get, path = "/provisions", responses((status = 200, body = Vec<ProvisionDto>)))]
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
#[utoipa::path(get, path = "/service-types", responses((status = 200, body = Vec<ServiceTypeDto>)))]
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
#[utoipa::path(get, path = "/municipalities", params(MunicipalityQuery), responses((status = 200, body = Vec<MunicipalityDto>)))]
pub async fn list_municipalities(
    State(st): State<AppState>,
    _u: ApiUser,
    ApiQuery(q): ApiQuery<MunicipalityQuery>,
) -> ApiResult<Vec<MunicipalityDto>> {
    let day = q.date.unwrap_or_else(|| chrono::Utc::now().date_naive());
    Ok(Json(st.store.municipalities(day, q.q.as_deref()).await?.into_iter().map(Into::into).collect()))
}

/// One municipality by kommunenummer. An invalid number is a 400 naming the rule broken.
#[utoipa::path(get, path = "/municipalities/{kommunenummer}", params(("kommunenummer" = String, Path)), responses((status = 200, body = MunicipalityDto)))]
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
#[utoipa::path(get, path = "/organisations/{orgnr}", params(("orgnr" = String, Path)), responses((status = 200, body = OrganisationDto)))]
pub async fn get_organisation_by_orgnr(
    State(st): State<AppState>,
    _u: ApiUser,
    Path(orgnr): Path<String>,
) -> ApiResult<OrganisationDto> {
    let orgnr = Organisasjonsnummer::parse(&orgnr)?;
    Ok(Json(st.store.organisation_by_orgnr(&orgnr).await?.into()))
}

/// Unknown API paths answer problem JSON, not an HTML page.
pub async fn not_found() -> ApiError {
    ApiError(AppError::new(StatusCode::NOT_FOUND, "not_found", "no such API endpoint"))
}

/// A known API path with a method it does not have.
pub async fn method_not_allowed() -> ApiError {
    ApiError(AppError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this path does not take that method"))
}

#[cfg(test)]
mod tests {
    /// The document is built from the route list; the snapshot shows every change to what the API promises
    /// (review it with `cargo insta review`).
    #[test]
    fn the_openapi_document_is_stable() {
        let doc = serde_json::to_value(super::document()).expect("serialisable");
        insta::assert_json_snapshot!("openapi", doc);
    }

    /// Every operation documents the problem answers it can give.
    #[test]
    fn every_operation_documents_its_problems() {
        let doc = super::document();
        for (path, item) in &doc.paths.paths {
            for op in [&item.get, &item.post].into_iter().flatten() {
                for status in ["400", "401", "403", "404", "429"] {
                    assert!(op.responses.responses.contains_key(status), "{path} lacks {status}");
                }
                if op.request_body.is_some() {
                    for status in ["413", "415", "422"] {
                        assert!(op.responses.responses.contains_key(status), "{path} lacks {status}");
                    }
                }
            }
        }
    }
}
