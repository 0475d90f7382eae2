//! The services of a directory: list a new one from the welfare-service taxonomy, change its details,
//! deactivate and reactivate it. One typed input per action, one parse, two faces.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use los_domain::admin::{ServiceDetails, ServiceText, service_details};
use los_domain::model::{OwnerType, ServiceType, User};
use los_store::{NewService, ServiceAdmin, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{field_error, on_field, shown_on_form};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::case::{Created, FieldError, Rejected, created, user};
use crate::error::ApiError;
use crate::input::JsonOrForm;
use crate::pages::{Base, PageResult, page_err, render};

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/admin/tjenester/ny", get(new_page).post(create_page))
        .route("/admin/tjenester/{id}", get(edit_page).post(update_page))
        .route("/admin/tjenester/{id}/deaktiver", post(deactivate_page))
        .route("/admin/tjenester/{id}/aktiver", post(activate_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(create_service))
        .routes(routes!(update_service))
        .routes(routes!(deactivate_service))
        .routes(routes!(activate_service))
}

/// A service's details: name, description, its own organisation number (underenhet) and how the public
/// reaches it (a telephone number or an e-mail address is required).
#[derive(Debug, Default, Clone, Deserialize, Serialize, ToSchema)]
pub struct ServiceDetailsInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// 9 digits with a valid check digit, optional.
    #[serde(default)]
    pub orgnr: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub opening_hours: String,
}

/// A new service: its type in the welfare-service taxonomy (`GET /service-types`, which gives the sector
/// and the owner type), its details and, for a county, state or private owner, the owner's name and
/// organisation number.
#[derive(Debug, Default, Clone, Deserialize, Serialize, ToSchema)]
pub struct NewServiceInput {
    /// The directory (organisation) it is listed in; needed only by an administrator of several.
    #[serde(default)]
    pub organisation_id: String,
    #[serde(default)]
    pub service_type: String,
    /// municipal | county | state | private; empty: as the taxonomy says for the type (a different one is
    /// refused).
    #[serde(default)]
    pub owner_type: String,
    #[serde(default)]
    pub owner_name: String,
    #[serde(default)]
    pub owner_orgnr: String,
    #[serde(flatten)]
    pub details: ServiceDetailsInput,
}

/// The ONE parse of a service's details.
fn parse_details(i: &ServiceDetailsInput) -> Result<ServiceDetails, Rejected> {
    service_details(&ServiceText {
        name: &i.name,
        description: &i.description,
        orgnr: &i.orgnr,
        phone: &i.phone,
        email: &i.email,
        address: &i.address,
        opening_hours: &i.opening_hours,
    })
    .map_err(|e| on_field("adm-name", e.into()))
}

fn parse_new(i: &NewServiceInput) -> Result<NewService, Rejected> {
    Ok(NewService {
        organisation_id: Some(i.organisation_id.clone()).filter(|o| !o.trim().is_empty()),
        service_type: i.service_type.clone(),
        details: parse_details(&i.details)?,
        owner_type: i.owner_type.clone(),
        owner_name: i.owner_name.clone(),
        owner_orgnr: i.owner_orgnr.clone(),
    })
}

async fn create(st: &AppState, actor: &User, i: &NewServiceInput) -> Result<String, Rejected> {
    let new = parse_new(i)?;
    st.store.create_service(actor, &new).await.map_err(|e| on_field("adm-service_type", e))
}

async fn update(st: &AppState, actor: &User, id: &str, i: &ServiceDetailsInput) -> Result<(), Rejected> {
    let d = parse_details(i)?;
    st.store.update_service(actor, id, &d).await.map_err(|e| on_field("adm-name", e))
}

async fn set_active(st: &AppState, actor: &User, id: &str, active: bool) -> Result<bool, Rejected> {
    st.store.set_service_active(actor, id, active).await.map_err(|e| Rejected::at("adm-active", e))
}

/// An administrator lists a new service in their directory (201 with its id).
#[utoipa::path(post, path = "/admin/services", request_body = NewServiceInput, responses((status = 201, body = Created)))]
pub async fn create_service(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    JsonOrForm(i): JsonOrForm<NewServiceInput>,
) -> Result<(StatusCode, axum::Json<Created>), ApiError> {
    Ok(created(create(&st, &user, &i).await?))
}

/// An administrator changes a service's details (its type and owner stay).
#[utoipa::path(post, path = "/admin/services/{id}", params(("id" = String, Path)), request_body = ServiceDetailsInput, responses((status = 204)))]
pub async fn update_service(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<ServiceDetailsInput>,
) -> Result<StatusCode, ApiError> {
    update(&st, &user, &id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An administrator deactivates a service: it leaves the directory and the pickers, and stays for the
/// cases that name it. A service taking part in a case that is not closed is refused (422
/// `admin.service_in_cases`). Doing it twice changes nothing.
#[utoipa::path(post, path = "/admin/services/{id}/deactivate", params(("id" = String, Path)), responses((status = 204)))]
pub async fn deactivate_service(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    set_active(&st, &user, &id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An administrator reactivates a service.
#[utoipa::path(post, path = "/admin/services/{id}/activate", params(("id" = String, Path)), responses((status = 204)))]
pub async fn activate_service(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    set_active(&st, &user, &id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- pages ----

#[derive(Template)]
#[template(path = "admin_service.html")]
struct ServicePage {
    base: Base,
    /// None: a new service.
    svc: Option<ServiceAdmin>,
    input: NewServiceInput,
    error: Option<FieldError>,
    /// (code, name in the page's language, the owner type the taxonomy gives)
    types: Vec<(String, String, OwnerType)>,
    /// The organisations the administrator administers, when more than one: (id, name).
    organisations: Vec<(String, String)>,
}

impl ServicePage {
    fn field_err(&self, field: &str) -> Option<&str> {
        self.error.as_ref().filter(|e| e.field == field).map(|e| e.message.as_str())
    }
}

async fn form(
    st: &AppState,
    ctx: &Ctx,
    svc: Option<ServiceAdmin>,
    input: NewServiceInput,
    error: Option<FieldError>,
) -> PageResult {
    let u = user(ctx)?;
    let err = page_err(ctx);
    let all: Vec<ServiceType> = st.store.service_types().await.map_err(|e| err(e.into()))?;
    let types = all.iter().map(|t| (t.code.clone(), super::type_name(&ctx.tr, &all, &t.code), t.owner_type)).collect();
    let orgs = st.store.administered_organisations(u).await.map_err(|e| err(e.into()))?;
    let organisations = if orgs.len() > 1 { orgs.into_iter().map(|o| (o.id, o.name)).collect() } else { vec![] };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = render(&ServicePage { base: Base::new(ctx, st.demo), svc, input, error, types, organisations });
    Ok((status, page).into_response())
}

/// The service of the administrator's directories with this id.
async fn find(st: &AppState, ctx: &Ctx, id: &str) -> Result<ServiceAdmin, crate::error::PageError> {
    let err = page_err(ctx);
    let dirs = st.store.directories(user(ctx)?).await.map_err(|e| err(e.into()))?;
    dirs.into_iter()
        .flat_map(|d| d.services)
        .find(|s| s.id == id)
        .ok_or_else(|| err(StoreError::NotFound { kind: "service", id: id.to_owned() }.into()))
}

fn details_of(s: &ServiceAdmin) -> ServiceDetailsInput {
    ServiceDetailsInput {
        name: s.name.clone(),
        description: s.description.clone(),
        orgnr: s.orgnr.clone().unwrap_or_default(),
        phone: s.phone.clone().unwrap_or_default(),
        email: s.email.clone().unwrap_or_default(),
        address: s.address.clone().unwrap_or_default(),
        opening_hours: s.opening_hours.clone().unwrap_or_default(),
    }
}

pub async fn new_page(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    if ctx.user.is_none() {
        return Ok(Redirect::to("/logg-inn").into_response());
    }
    form(&st, &ctx, None, NewServiceInput::default(), None).await
}

pub async fn create_page(
    State(st): State<AppState>,
    ctx: Ctx,
    JsonOrForm(i): JsonOrForm<NewServiceInput>,
) -> PageResult {
    let u = user(&ctx)?;
    match create(&st, u, &i).await {
        Ok(id) => Ok(Redirect::to(&format!("/admin/tjenester/{id}")).into_response()),
        Err(r) if shown_on_form(&r) => {
            let e = field_error(&ctx, &r);
            form(&st, &ctx, None, i, Some(e)).await
        }
        Err(r) => Err(page_err(&ctx)(r.into())),
    }
}

pub async fn edit_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    if ctx.user.is_none() {
        return Ok(Redirect::to("/logg-inn").into_response());
    }
    let svc = find(&st, &ctx, &id).await?;
    let input = NewServiceInput { details: details_of(&svc), ..Default::default() };
    form(&st, &ctx, Some(svc), input, None).await
}

pub async fn update_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<ServiceDetailsInput>,
) -> PageResult {
    let u = user(&ctx)?;
    match update(&st, u, &id, &i).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/tjenester/{id}")).into_response()),
        Err(r) if shown_on_form(&r) => {
            let svc = find(&st, &ctx, &id).await?;
            let e = field_error(&ctx, &r);
            form(&st, &ctx, Some(svc), NewServiceInput { details: i, ..Default::default() }, Some(e)).await
        }
        Err(r) => Err(page_err(&ctx)(r.into())),
    }
}

async fn active_page(st: &AppState, ctx: &Ctx, id: &str, active: bool) -> PageResult {
    let u = user(ctx)?;
    match set_active(st, u, id, active).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/tjenester/{id}")).into_response()),
        Err(r) if shown_on_form(&r) => {
            let svc = find(st, ctx, id).await?;
            let input = NewServiceInput { details: details_of(&svc), ..Default::default() };
            let e = field_error(ctx, &r);
            form(st, ctx, Some(svc), input, Some(e)).await
        }
        Err(r) => Err(page_err(ctx)(r.into())),
    }
}

pub async fn deactivate_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    active_page(&st, &ctx, &id, false).await
}

pub async fn activate_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    active_page(&st, &ctx, &id, true).await
}
