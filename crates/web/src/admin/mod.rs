//! Administering a municipality (issue 11): the pages under `/admin` and the API under `/api/v1/admin`.
//! As in the case slices, each file holds the typed input of each action (one struct for the page's form and
//! the API's JSON), the ONE function that parses it and calls the store, and the two thin faces. The store
//! asks the access policy (`Resource::Directory`) and writes the audit log; nothing here decides access.

pub mod employees;
pub mod services;

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use los_domain::model::{Role, ServiceType};
use los_store::{AdminOrganisation, Directory, EmployeeAdmin, MembershipAdmin, ServiceAdmin, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::case::{FieldError, Rejected};
use crate::error::ApiError;
use crate::i18n::{Lang, Tr};
use crate::input::ApiQuery;
use crate::pages::{Base, PageResult, page_err, render};

/// The page routes of the administration.
pub fn page_routes() -> Router<AppState> {
    let r = Router::new().route("/admin", get(overview_page));
    let r = services::pages(r);
    employees::pages(r)
}

/// The API routes of the administration; the OpenAPI document is built from the same list.
pub fn api_routes() -> OpenApiRouter<AppState> {
    let r = OpenApiRouter::new().routes(routes!(get_directory));
    let r = services::api(r);
    employees::api(r)
}

/// A refusal shown on the form element of the field the rule names (`adm-<field>`), else on `default`.
pub(crate) fn on_field(default: &'static str, e: StoreError) -> Rejected {
    match &e {
        StoreError::Invalid { field: Some(f), .. } => Rejected::at(format!("adm-{f}"), e),
        _ => Rejected::at(default, e),
    }
}

/// Which directory a page or call is about (needed only by an administrator of several).
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct DirectoryQuery {
    /// The organisation whose directory (default: the caller's only one).
    #[serde(default)]
    pub organisation_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminOrganisationDto {
    pub id: String,
    pub name: String,
    pub kommunenummer: Option<String>,
}

impl From<AdminOrganisation> for AdminOrganisationDto {
    fn from(o: AdminOrganisation) -> Self {
        AdminOrganisationDto { id: o.id, name: o.name, kommunenummer: o.kommunenummer }
    }
}

/// A service as the administrator sees it, active or deactivated.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceAdminDto {
    pub id: String,
    pub name: String,
    pub description: String,
    pub service_type: String,
    pub sector: String,
    /// municipal | county | state | private
    pub owner_type: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub orgnr: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub opening_hours: Option<String>,
    pub active: bool,
    pub deactivated_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<ServiceAdmin> for ServiceAdminDto {
    fn from(s: ServiceAdmin) -> Self {
        ServiceAdminDto {
            id: s.id,
            name: s.name,
            description: s.description,
            service_type: s.service_type,
            sector: s.sector.as_str().into(),
            owner_type: s.owner_type.as_str().into(),
            organisation_id: s.organisation_id,
            organisation_name: s.organisation_name,
            orgnr: s.orgnr,
            phone: s.phone,
            email: s.email,
            address: s.address,
            opening_hours: s.opening_hours,
            active: s.active,
            deactivated_at: s.deactivated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipAdminDto {
    pub id: i64,
    pub organisation_id: String,
    pub service_id: Option<String>,
    /// case_worker | coordinator | child_coordinator | coordinating_unit_handler | leader | administrator
    pub role: String,
    /// Set when the membership ended; it then grants nothing.
    pub ended_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<MembershipAdmin> for MembershipAdminDto {
    fn from(m: MembershipAdmin) -> Self {
        MembershipAdminDto {
            id: m.id,
            organisation_id: m.organisation_id,
            service_id: m.service_id,
            role: m.role.as_str().into(),
            ended_at: m.ended_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmployeeAdminDto {
    pub id: String,
    pub display_name: String,
    pub email: Option<String>,
    pub external_subject: Option<String>,
    pub active: bool,
    pub deactivated_at: Option<chrono::DateTime<chrono::Utc>>,
    pub memberships: Vec<MembershipAdminDto>,
}

impl From<EmployeeAdmin> for EmployeeAdminDto {
    fn from(e: EmployeeAdmin) -> Self {
        EmployeeAdminDto {
            id: e.id,
            display_name: e.display_name,
            email: e.email,
            external_subject: e.external_subject,
            active: e.active,
            deactivated_at: e.deactivated_at,
            memberships: e.memberships.into_iter().map(Into::into).collect(),
        }
    }
}

/// The directory an administrator administers.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryDto {
    pub organisation: AdminOrganisationDto,
    pub services: Vec<ServiceAdminDto>,
    pub employees: Vec<EmployeeAdminDto>,
}

impl From<Directory> for DirectoryDto {
    fn from(d: Directory) -> Self {
        DirectoryDto {
            organisation: d.organisation.into(),
            services: d.services.into_iter().map(Into::into).collect(),
            employees: d.employees.into_iter().map(Into::into).collect(),
        }
    }
}

/// The services (active or deactivated) and the employees (with their memberships, live or ended) of the
/// directory the caller administers. Only administrators of the organisation; the read is audited.
#[utoipa::path(get, path = "/admin/directory", params(DirectoryQuery), responses((status = 200, body = DirectoryDto)))]
pub async fn get_directory(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(q): ApiQuery<DirectoryQuery>,
) -> Result<Json<DirectoryDto>, ApiError> {
    Ok(Json(st.store.directory(&user, q.organisation_id.as_deref()).await?.into()))
}

// ---- pages ----

/// The name of a service type in the page's language.
pub(crate) fn type_name(t: &Tr, types: &[ServiceType], code: &str) -> String {
    types
        .iter()
        .find(|x| x.code == code)
        .map(|x| match t.lang {
            Lang::Nb => x.name_nb.clone(),
            Lang::Nn => x.name_nn.clone(),
            Lang::En => x.name_en.clone(),
        })
        .unwrap_or_else(|| code.to_owned())
}

/// The translated name of a role.
pub(crate) fn role_name(t: &Tr, r: Role) -> String {
    t.get(&format!("admin-role-{}", r.as_str()))
}

#[derive(Template)]
#[template(path = "admin.html")]
struct OverviewPage {
    base: Base,
    dir: Directory,
    /// The other organisations the administrator administers: (id, name).
    others: Vec<(String, String)>,
    types: Vec<ServiceType>,
}

impl OverviewPage {
    fn type_name(&self, code: &str) -> String {
        type_name(&self.base.t, &self.types, code)
    }
    fn roles(&self, e: &EmployeeAdmin) -> String {
        let live: Vec<String> = e
            .memberships
            .iter()
            .filter(|m| m.ended_at.is_none())
            .map(|m| match &m.service_name {
                Some(s) => format!("{} ({s})", role_name(&self.base.t, m.role)),
                None => role_name(&self.base.t, m.role),
            })
            .collect();
        if live.is_empty() { "–".into() } else { live.join(", ") }
    }
}

/// `GET /admin`: the directory, with links to each service and employee and to add new ones.
pub async fn overview_page(State(st): State<AppState>, ctx: Ctx, Query(q): Query<DirectoryQuery>) -> PageResult {
    let Some(user) = ctx.user.as_ref() else {
        return Ok(Redirect::to("/logg-inn").into_response());
    };
    let err = page_err(&ctx);
    let dir = st.store.directory(user, q.organisation_id.as_deref()).await.map_err(|e| err(e.into()))?;
    let others = st
        .store
        .administered_organisations(user)
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .filter(|o| o.id != dir.organisation.id)
        .map(|o| (o.id, o.name))
        .collect();
    let types = st.store.service_types().await.map_err(|e| err(e.into()))?;
    Ok(render(&OverviewPage { base: Base::new(&ctx, st.demo), dir, others, types }))
}

/// A form's refusal for the page: the element and the message in the user's language.
pub(crate) fn field_error(ctx: &Ctx, r: &Rejected) -> FieldError {
    FieldError { field: r.field.clone(), message: crate::case::view::translate_store_error(ctx, &r.error) }
}

/// Whether a page answers a refusal with the form again (422) or with an error page.
pub(crate) fn shown_on_form(r: &Rejected) -> bool {
    matches!(r.error, StoreError::Invalid { .. })
}
