//! Employees of a directory and their memberships: add and change an employee, deactivate and reactivate
//! them, give a role in a service (or the organisation) and end it. One typed input per action, one parse,
//! two faces.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use los_domain::admin::{EmployeeDetails, EmployeeText, ROLES, employee_details};
use los_domain::model::{Role, User};
use los_store::{EmployeeAdmin, NewMembership, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{field_error, on_field, role_name, shown_on_form};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::case::{Created, FieldError, Rejected, created, user};
use crate::error::ApiError;
use crate::input::JsonOrForm;
use crate::pages::{Base, PageResult, page_err, render};

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/admin/ansatte/ny", get(new_page).post(create_page))
        .route("/admin/ansatte/{id}", get(edit_page).post(update_page))
        .route("/admin/ansatte/{id}/deaktiver", post(deactivate_page))
        .route("/admin/ansatte/{id}/aktiver", post(activate_page))
        .route("/admin/ansatte/{id}/roller", post(add_membership_page))
        .route("/admin/ansatte/{id}/roller/{mid}/avslutt", post(end_membership_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(create_employee))
        .routes(routes!(update_employee))
        .routes(routes!(deactivate_employee))
        .routes(routes!(activate_employee))
        .routes(routes!(add_membership))
        .routes(routes!(end_membership))
}

/// An employee: their name, and the e-mail address and/or the subject at the identity provider they log
/// in with (one of them is required; neither may be another employee's).
#[derive(Debug, Default, Clone, Deserialize, Serialize, ToSchema)]
pub struct EmployeeInput {
    /// The directory (organisation) to add a new employee to; needed only by an administrator of several.
    #[serde(default)]
    pub organisation_id: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub external_subject: String,
}

/// A role for an employee: in a service (case work needs one), or for a leader or administrator in the
/// organisation as a whole.
#[derive(Debug, Default, Clone, Deserialize, Serialize, ToSchema)]
pub struct MembershipInput {
    /// case_worker | coordinator | child_coordinator | coordinating_unit_handler | leader | administrator
    #[serde(default)]
    pub role: String,
    /// An active service of the directory; empty for a leader or administrator of the organisation.
    #[serde(default)]
    pub service_id: String,
    /// The organisation, for a role without a service (default: the administrator's own).
    #[serde(default)]
    pub organisation_id: String,
}

/// The ONE parse of an employee's details.
fn parse_employee(i: &EmployeeInput) -> Result<EmployeeDetails, Rejected> {
    employee_details(&EmployeeText {
        display_name: &i.display_name,
        email: &i.email,
        external_subject: &i.external_subject,
    })
    .map_err(|e| on_field("adm-display_name", e.into()))
}

fn parse_membership(i: &MembershipInput) -> NewMembership {
    let opt = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    NewMembership { service_id: opt(&i.service_id), organisation_id: opt(&i.organisation_id), role: i.role.clone() }
}

async fn create(st: &AppState, actor: &User, i: &EmployeeInput) -> Result<String, Rejected> {
    let d = parse_employee(i)?;
    let org = Some(i.organisation_id.trim()).filter(|o| !o.is_empty());
    st.store.create_employee(actor, org, &d).await.map_err(|e| on_field("adm-display_name", e))
}

async fn update(st: &AppState, actor: &User, id: &str, i: &EmployeeInput) -> Result<(), Rejected> {
    let d = parse_employee(i)?;
    st.store.update_employee(actor, id, &d).await.map_err(|e| on_field("adm-display_name", e))
}

async fn set_active(st: &AppState, actor: &User, id: &str, active: bool) -> Result<bool, Rejected> {
    st.store.set_employee_active(actor, id, active).await.map_err(|e| Rejected::at("adm-active", e))
}

async fn add(st: &AppState, actor: &User, id: &str, i: &MembershipInput) -> Result<i64, Rejected> {
    st.store.add_employee_membership(actor, id, &parse_membership(i)).await.map_err(|e| on_field("adm-role", e))
}

async fn end(st: &AppState, actor: &User, mid: i64) -> Result<(bool, String), Rejected> {
    st.store.end_employee_membership(actor, mid).await.map_err(|e| Rejected::at(format!("adm-end-{mid}"), e))
}

/// An administrator adds an employee (201 with the id); roles are given with `/memberships`.
#[utoipa::path(post, path = "/admin/employees", request_body = EmployeeInput, responses((status = 201, body = Created)))]
pub async fn create_employee(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    JsonOrForm(i): JsonOrForm<EmployeeInput>,
) -> Result<(StatusCode, axum::Json<Created>), ApiError> {
    Ok(created(create(&st, &user, &i).await?))
}

/// An administrator changes an employee's name, e-mail address or subject.
#[utoipa::path(post, path = "/admin/employees/{id}", params(("id" = String, Path)), request_body = EmployeeInput, responses((status = 204)))]
pub async fn update_employee(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<EmployeeInput>,
) -> Result<StatusCode, ApiError> {
    update(&st, &user, &id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An administrator deactivates an employee: they cannot log in, their tokens and sessions are revoked,
/// they get no reminders; what they did stays theirs. Administrators do not deactivate themselves.
#[utoipa::path(post, path = "/admin/employees/{id}/deactivate", params(("id" = String, Path)), responses((status = 204)))]
pub async fn deactivate_employee(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    set_active(&st, &user, &id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An administrator reactivates an employee (they log in again; old tokens stay revoked).
#[utoipa::path(post, path = "/admin/employees/{id}/activate", params(("id" = String, Path)), responses((status = 204)))]
pub async fn activate_employee(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    set_active(&st, &user, &id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An administrator gives an employee a role (201 with the membership's id; the same live role again
/// gives the same id).
#[utoipa::path(post, path = "/admin/employees/{id}/memberships", params(("id" = String, Path)), request_body = MembershipInput, responses((status = 201, body = Created)))]
pub async fn add_membership(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<MembershipInput>,
) -> Result<(StatusCode, axum::Json<Created>), ApiError> {
    Ok(created(add(&st, &user, &id, &i).await?.to_string()))
}

/// An administrator ends a membership: it is kept with the time it ended and grants nothing from then.
#[utoipa::path(post, path = "/admin/memberships/{id}/end", params(("id" = i64, Path)), responses((status = 204)))]
pub async fn end_membership(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    end(&st, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- pages ----

#[derive(Template)]
#[template(path = "admin_employee.html")]
struct EmployeePage {
    base: Base,
    /// None: a new employee.
    emp: Option<EmployeeAdmin>,
    input: EmployeeInput,
    membership: MembershipInput,
    error: Option<FieldError>,
    /// The active services of the directory: (id, name).
    services: Vec<(String, String)>,
    /// (code, name in the page's language)
    roles: Vec<(String, String)>,
    organisations: Vec<(String, String)>,
}

impl EmployeePage {
    fn field_err(&self, field: &str) -> Option<&str> {
        self.error.as_ref().filter(|e| e.field == field).map(|e| e.message.as_str())
    }
    fn role(&self, r: &Role) -> String {
        role_name(&self.base.t, *r)
    }
    fn when(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        t.with_timezone(&los_store::planning::TIME_ZONE).format("%d.%m.%Y %H:%M").to_string()
    }
}

struct Form {
    emp: Option<EmployeeAdmin>,
    input: EmployeeInput,
    membership: MembershipInput,
    error: Option<FieldError>,
}

async fn form(st: &AppState, ctx: &Ctx, f: Form) -> PageResult {
    let u = user(ctx)?;
    let err = page_err(ctx);
    let dirs = st.store.directories(u).await.map_err(|e| err(e.into()))?;
    let organisations: Vec<(String, String)> = if dirs.len() > 1 {
        dirs.iter().map(|d| (d.organisation.id.clone(), d.organisation.name.clone())).collect()
    } else {
        vec![]
    };
    let services = dirs.into_iter().flat_map(|d| d.services).filter(|s| s.active).map(|s| (s.id, s.name)).collect();
    let roles = ROLES.iter().map(|r| (r.as_str().to_owned(), role_name(&ctx.tr, *r))).collect();
    let status = if f.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = render(&EmployeePage {
        base: Base::new(ctx, st.demo),
        emp: f.emp,
        input: f.input,
        membership: f.membership,
        error: f.error,
        services,
        roles,
        organisations,
    });
    Ok((status, page).into_response())
}

/// The employee of the administrator's directories with this id.
async fn find(st: &AppState, ctx: &Ctx, id: &str) -> Result<EmployeeAdmin, crate::error::PageError> {
    let err = page_err(ctx);
    let dirs = st.store.directories(user(ctx)?).await.map_err(|e| err(e.into()))?;
    dirs.into_iter()
        .flat_map(|d| d.employees)
        .find(|e| e.id == id)
        .ok_or_else(|| err(StoreError::NotFound { kind: "employee", id: id.to_owned() }.into()))
}

fn input_of(e: &EmployeeAdmin) -> EmployeeInput {
    EmployeeInput {
        organisation_id: String::new(),
        display_name: e.display_name.clone(),
        email: e.email.clone().unwrap_or_default(),
        external_subject: e.external_subject.clone().unwrap_or_default(),
    }
}

/// The employee's page again, with a refusal on its field (422).
async fn refused(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    r: &Rejected,
    input: Option<EmployeeInput>,
    m: MembershipInput,
) -> PageResult {
    let emp = find(st, ctx, id).await?;
    let input = input.unwrap_or_else(|| input_of(&emp));
    let error = Some(field_error(ctx, r));
    form(st, ctx, Form { emp: Some(emp), input, membership: m, error }).await
}

pub async fn new_page(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    if ctx.user.is_none() {
        return Ok(Redirect::to("/logg-inn").into_response());
    }
    let f = Form { emp: None, input: EmployeeInput::default(), membership: MembershipInput::default(), error: None };
    form(&st, &ctx, f).await
}

pub async fn create_page(State(st): State<AppState>, ctx: Ctx, JsonOrForm(i): JsonOrForm<EmployeeInput>) -> PageResult {
    let u = user(&ctx)?;
    match create(&st, u, &i).await {
        Ok(id) => Ok(Redirect::to(&format!("/admin/ansatte/{id}")).into_response()),
        Err(r) if shown_on_form(&r) => {
            let error = Some(field_error(&ctx, &r));
            form(&st, &ctx, Form { emp: None, input: i, membership: MembershipInput::default(), error }).await
        }
        Err(r) => Err(page_err(&ctx)(r.into())),
    }
}

pub async fn edit_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    if ctx.user.is_none() {
        return Ok(Redirect::to("/logg-inn").into_response());
    }
    let emp = find(&st, &ctx, &id).await?;
    let input = input_of(&emp);
    form(&st, &ctx, Form { emp: Some(emp), input, membership: MembershipInput::default(), error: None }).await
}

fn back(id: &str) -> PageResult {
    Ok(Redirect::to(&format!("/admin/ansatte/{id}")).into_response())
}

pub async fn update_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<EmployeeInput>,
) -> PageResult {
    let u = user(&ctx)?;
    match update(&st, u, &id, &i).await {
        Ok(()) => back(&id),
        Err(r) if shown_on_form(&r) => refused(&st, &ctx, &id, &r, Some(i), MembershipInput::default()).await,
        Err(r) => Err(page_err(&ctx)(r.into())),
    }
}

async fn active_page(st: &AppState, ctx: &Ctx, id: &str, active: bool) -> PageResult {
    let u = user(ctx)?;
    match set_active(st, u, id, active).await {
        Ok(_) => back(id),
        Err(r) if shown_on_form(&r) => refused(st, ctx, id, &r, None, MembershipInput::default()).await,
        Err(r) => Err(page_err(ctx)(r.into())),
    }
}

pub async fn deactivate_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    active_page(&st, &ctx, &id, false).await
}

pub async fn activate_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    active_page(&st, &ctx, &id, true).await
}

pub async fn add_membership_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<MembershipInput>,
) -> PageResult {
    let u = user(&ctx)?;
    match add(&st, u, &id, &i).await {
        Ok(_) => back(&id),
        Err(r) if shown_on_form(&r) => refused(&st, &ctx, &id, &r, None, i).await,
        Err(r) => Err(page_err(&ctx)(r.into())),
    }
}

pub async fn end_membership_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, mid)): Path<(String, i64)>,
) -> PageResult {
    let u = user(&ctx)?;
    match end(&st, u, mid).await {
        // Back to the employee whose role it was (the URL's employee is only where the form stood).
        Ok((_, owner)) => back(&owner),
        Err(r) if shown_on_form(&r) => refused(&st, &ctx, &id, &r, None, MembershipInput::default()).await,
        Err(r) => Err(page_err(&ctx)(r.into())),
    }
}
