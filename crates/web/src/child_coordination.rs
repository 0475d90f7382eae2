//! A municipality's child-coordinator settings and delegation decisions (administrators), and the caseload
//! of its child coordinators (its leaders and the coordinating unit): the API under
//! `/api/v1/municipalities/{organisation}/child-coordination` and the page `/barnekoordinatorer`.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::NaiveDate;
use los_domain::child_coordinator::work::CompetenceArea;
use los_store::child_coordination::{Caseload, CcSettings, NewCcSettings, NewCompetence, NewDelegation};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::case::{Created, created};
use crate::error::{ApiError, AppError};
use crate::input::{JsonOrForm, Loose};
use crate::pages::{Base, PageResult, page_err, render};

pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(caseload, set_settings))
        .routes(routes!(record_delegation))
        .routes(routes!(record_competence))
}

pub fn page_routes() -> Router<AppState> {
    Router::new()
        .route("/barnekoordinatorer", get(caseload_page))
        .route("/barnekoordinatorer/kompetanse", axum::routing::post(competence_form))
        .route("/admin/barnekoordinator", get(settings_page).post(settings_form))
        .route("/admin/barnekoordinator/delegering", axum::routing::post(delegation_form))
}

/// The settings to save.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SettingsInput {
    /// The service that assesses the right (the coordinating unit).
    #[serde(default)]
    unit_service_id: String,
    /// The county governor the complaints go to, by name.
    #[serde(default)]
    complaint_body: String,
    /// The complaint deadline in days (pbrl § 7-5: four weeks, 28).
    #[schema(value_type = Option<i64>)]
    deadline_days: Option<Loose>,
    /// The weighted caseload over which leaders and the unit are warned.
    #[schema(value_type = Option<i64>)]
    caseload_threshold: Option<Loose>,
    /// How many months before 18 the handover is planned.
    #[schema(value_type = Option<i64>)]
    transition_lead_months: Option<Loose>,
}

impl SettingsInput {
    /// The one parse of the settings.
    fn parse(self) -> Result<NewCcSettings, AppError> {
        Ok(NewCcSettings {
            deadline_days: whole(&self.deadline_days, 28, "deadline_days")?,
            caseload_threshold: whole(&self.caseload_threshold, 12, "caseload_threshold")?,
            transition_lead_months: whole(&self.transition_lead_months, 12, "transition_lead_months")?,
            unit_service_id: self.unit_service_id.trim().to_owned(),
            complaint_body: self.complaint_body,
        })
    }
}

impl DelegationInput {
    /// The one parse of a delegation decision.
    fn parse(self) -> Result<NewDelegation, AppError> {
        let decided_on: NaiveDate = self.decided_on.trim().parse().map_err(|_| {
            AppError::from(los_store::StoreError::Invalid {
                field: Some("decided_on"),
                code: "child_coordinator.decided_on",
                message: "give the date as YYYY-MM-DD".into(),
            })
        })?;
        Ok(NewDelegation { reference: self.reference, decided_on, scope: self.scope })
    }
}

fn whole(v: &Option<Loose>, default: u32, field: &'static str) -> Result<u32, AppError> {
    match Loose::value(v) {
        Ok(None) => Ok(default),
        Ok(Some(n)) => u32::try_from(n).map_err(|_| invalid(field)),
        Err(_) => Err(invalid(field)),
    }
}

fn invalid(field: &'static str) -> AppError {
    los_store::StoreError::Invalid {
        field: Some(field),
        code: "child_coordinator.settings_range",
        message: format!("{field} is a whole number"),
    }
    .into()
}

/// Saves a municipality's child-coordinator settings (an administrator of the municipality).
#[utoipa::path(put, path = "/municipalities/{organisation}/child-coordination", params(("organisation" = String, Path)), request_body = SettingsInput, responses((status = 200, description = "The settings as saved", body = serde_json::Value)))]
pub async fn set_settings(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(org): Path<String>,
    JsonOrForm(i): JsonOrForm<SettingsInput>,
) -> Result<Json<CcSettings>, ApiError> {
    Ok(Json(st.store.set_cc_settings(&user, &org, i.parse()?).await?))
}

/// A delegation decision that gives the child coordinators their authority.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DelegationInput {
    #[serde(default)]
    reference: String,
    #[schema(value_type = String, format = Date)]
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    scope: String,
}

/// Records a delegation decision for the municipality's child coordinators (an administrator).
#[utoipa::path(post, path = "/municipalities/{organisation}/child-coordination/delegations", params(("organisation" = String, Path)), request_body = DelegationInput, responses((status = 201, body = Created)))]
pub async fn record_delegation(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(org): Path<String>,
    JsonOrForm(i): JsonOrForm<DelegationInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let decided_on: NaiveDate = i.decided_on.trim().parse().map_err(|_| {
        AppError::from(los_store::StoreError::Invalid {
            field: Some("decided_on"),
            code: "child_coordinator.decided_on",
            message: "give the date as YYYY-MM-DD".into(),
        })
    })?;
    let id = st
        .store
        .record_delegation(&user, &org, NewDelegation { reference: i.reference, decided_on, scope: i.scope })
        .await?;
    Ok(created(id))
}

/// The caseload of the municipality's child coordinators, weighted by need against its threshold, with the
/// waiting time from request to appointment (its leaders and the coordinating unit).
#[utoipa::path(get, path = "/municipalities/{organisation}/child-coordination/caseload", params(("organisation" = String, Path)), responses((status = 200, description = "The caseload: lines per coordinator, families, waiting matters and days", body = serde_json::Value)))]
pub async fn caseload(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(org): Path<String>,
) -> Result<Json<Caseload>, ApiError> {
    Ok(Json(st.store.cc_caseload(&user, &org).await?))
}

/// A training a coordinator completed, in one of the nine competence areas.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CompetenceInput {
    #[serde(default)]
    user_id: String,
    /// follow_up | childrens_rights | plan_and_coordinator | user_participation | cross_sector |
    /// communication | chairing_meetings | public_administration | routines_and_tools
    #[serde(default)]
    area: String,
    #[schema(value_type = String, format = Date)]
    #[serde(default)]
    completed_on: String,
    #[serde(default)]
    note: String,
}

impl CompetenceInput {
    fn parse(self) -> Result<NewCompetence, AppError> {
        let bad = |field: &'static str, code: &'static str, message: &str| {
            AppError::from(los_store::StoreError::Invalid { field: Some(field), code, message: message.into() })
        };
        Ok(NewCompetence {
            area: CompetenceArea::parse(self.area.trim())
                .ok_or_else(|| bad("area", "child_coordinator.area", "choose one of the nine areas"))?,
            completed_on: self
                .completed_on
                .trim()
                .parse()
                .map_err(|_| bad("completed_on", "child_coordinator.completed_on", "give the date as YYYY-MM-DD"))?,
            user_id: self.user_id.trim().to_owned(),
            note: self.note,
        })
    }
}

/// Records a coordinator's training in one of the nine competence areas (the coordinating unit).
#[utoipa::path(post, path = "/municipalities/{organisation}/child-coordination/competence", params(("organisation" = String, Path)), request_body = CompetenceInput, responses((status = 201, body = Created)))]
pub async fn record_competence(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(org): Path<String>,
    JsonOrForm(i): JsonOrForm<CompetenceInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(st.store.record_competence(&user, &org, i.parse()?).await?))
}

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadPage {
    base: Base,
    loads: Vec<Caseload>,
    /// The services the reader works in: the unit's staff keep the competence record.
    mine: Vec<String>,
    areas: Vec<(&'static str, String)>,
    saved: bool,
}

impl CaseloadPage {
    fn keeps_record(&self, l: &Caseload) -> bool {
        l.unit_service_id.as_ref().is_some_and(|u| self.mine.contains(u))
    }
    fn area(&self, a: &CompetenceArea) -> String {
        self.base.t.get(&format!("cc-area-{}", a.as_str().replace('_', "-")))
    }
}

/// The competence form: the organisation and the training.
#[derive(Debug, Deserialize)]
struct CompetenceForm {
    #[serde(default)]
    organisation_id: String,
    #[serde(flatten)]
    competence: CompetenceInput,
}

async fn competence_form(
    State(st): State<AppState>,
    ctx: Ctx,
    JsonOrForm(f): JsonOrForm<CompetenceForm>,
) -> PageResult {
    let err = page_err(&ctx);
    let user = ctx.require_user().map_err(&err)?;
    let new = f.competence.parse().map_err(&err)?;
    st.store.record_competence(user, &f.organisation_id, new).await.map_err(|e| err(e.into()))?;
    Ok(axum::response::Redirect::to("/barnekoordinatorer?lagret=1").into_response())
}

/// The caseload page: one table per organisation the reader leads or whose unit they work in.
async fn caseload_page(
    State(st): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> PageResult {
    let err = page_err(&ctx);
    let user = ctx.require_user().map_err(&err)?;
    let mut orgs: Vec<String> = user.memberships.iter().map(|m| m.organisation_id.clone()).collect();
    orgs.sort();
    orgs.dedup();
    let mut loads = Vec::new();
    let mut denied = None;
    for org in orgs {
        match st.store.cc_caseload(user, &org).await {
            Ok(l) => loads.push(l),
            Err(los_store::StoreError::Denied(r)) => denied = Some(r),
            Err(e) => return Err(err(e.into())),
        }
    }
    if loads.is_empty()
        && let Some(r) = denied
    {
        return Err(err(los_store::StoreError::Denied(r).into()));
    }
    let mine = user.memberships.iter().filter_map(|m| m.service_id.clone()).collect();
    let areas = CompetenceArea::ALL
        .iter()
        .map(|a| (a.as_str(), ctx.tr.get(&format!("cc-area-{}", a.as_str().replace('_', "-")))))
        .collect();
    let page = CaseloadPage { base: Base::new(&ctx, st.demo), loads, mine, areas, saved: q.lagret.is_some() };
    Ok(render(&page).into_response())
}

/// One municipality's settings as the administrator sees them: its id and name, the settings if any, and
/// its active services (for the unit).
struct MunicipalSettings {
    organisation_id: String,
    settings: Option<CcSettings>,
    services: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "admin_child_coordination.html")]
struct SettingsPage {
    base: Base,
    municipalities: Vec<MunicipalSettings>,
    saved: bool,
    error: Option<String>,
}

async fn settings_view(st: &AppState, ctx: &Ctx, saved: bool, error: Option<String>) -> PageResult {
    let err = page_err(ctx);
    let user = ctx.require_user().map_err(&err)?;
    let services = st.store.services().await.map_err(|e| err(e.into()))?;
    let mut municipalities = Vec::new();
    for m in user.memberships.iter().filter(|m| m.role == los_domain::model::Role::Administrator) {
        if municipalities.iter().any(|x: &MunicipalSettings| x.organisation_id == m.organisation_id) {
            continue;
        }
        municipalities.push(MunicipalSettings {
            organisation_id: m.organisation_id.clone(),
            settings: st.store.cc_settings(&m.organisation_id).await.map_err(|e| err(e.into()))?,
            services: services
                .iter()
                .filter(|s| s.organisation_id == m.organisation_id)
                .map(|s| (s.id.clone(), s.name.clone()))
                .collect(),
        });
    }
    if municipalities.is_empty() {
        return Err(err(AppError::new(
            StatusCode::FORBIDDEN,
            "denied.not_municipal_administrator",
            "only administrators configure this",
        )));
    }
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&SettingsPage { base: Base::new(ctx, st.demo), municipalities, saved, error })).into_response())
}

#[derive(Debug, Deserialize)]
struct SavedQuery {
    lagret: Option<String>,
}

async fn settings_page(
    State(st): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> PageResult {
    settings_view(&st, &ctx, q.lagret.is_some(), None).await
}

/// The settings form: the organisation and the settings in one form.
#[derive(Debug, Deserialize)]
struct SettingsForm {
    #[serde(default)]
    organisation_id: String,
    #[serde(flatten)]
    settings: SettingsInput,
}

/// The delegation form.
#[derive(Debug, Deserialize)]
struct DelegationForm {
    #[serde(default)]
    organisation_id: String,
    #[serde(flatten)]
    delegation: DelegationInput,
}

async fn after_form(st: &AppState, ctx: &Ctx, r: Result<(), AppError>) -> PageResult {
    match r {
        Ok(()) => Ok(axum::response::Redirect::to("/admin/barnekoordinator?lagret=1").into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let message =
                ctx.tr.try_get(&format!("err-{}", e.code.replace('.', "-"))).unwrap_or_else(|| e.detail.clone());
            settings_view(st, ctx, false, Some(message)).await
        }
        Err(e) => Err(page_err(ctx)(e)),
    }
}

async fn settings_form(State(st): State<AppState>, ctx: Ctx, JsonOrForm(f): JsonOrForm<SettingsForm>) -> PageResult {
    let user = ctx.require_user().map_err(page_err(&ctx))?;
    let r = async {
        let new = f.settings.parse()?;
        st.store.set_cc_settings(user, &f.organisation_id, new).await.map(|_| ()).map_err(AppError::from)
    }
    .await;
    after_form(&st, &ctx, r).await
}

async fn delegation_form(
    State(st): State<AppState>,
    ctx: Ctx,
    JsonOrForm(f): JsonOrForm<DelegationForm>,
) -> PageResult {
    let user = ctx.require_user().map_err(page_err(&ctx))?;
    let r = async {
        let new = f.delegation.parse()?;
        st.store.record_delegation(user, &f.organisation_id, new).await.map(|_| ()).map_err(AppError::from)
    }
    .await;
    after_form(&st, &ctx, r).await
}
