//! The shared plan: goals and measures in order, with dependencies, revisions kept as versions, and each
//! measure's status; measures may belong to the transition plan after a sentence.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use los_domain::coordination::ReleaseArea;
use los_domain::model::User;
use los_domain::planning::{PlanningError, validate_position};
use los_store::{NewPlanItem, PlanRevision};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Created, Rejected, after, created, user};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::input::{JsonOrForm, Loose, non_empty};
use crate::pages::PageResult;

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/plan", post(add_page))
        .route("/saker/{id}/plan/{item}/status", post(status_page))
        .route("/saker/{id}/plan/{item}/endre", post(revise_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(add_plan_item)).routes(routes!(revise_plan_item)).routes(routes!(set_plan_status))
}

/// The place in the plan's order: 1 to 999.
fn position(v: &Option<Loose>, field: &str) -> Result<Option<i32>, Rejected> {
    let refused = |e: PlanningError| Rejected::new(field, e.code(), e.to_string());
    match Loose::value(v) {
        Ok(None) => Ok(None),
        Ok(Some(n)) => validate_position(n).map(Some).map_err(refused),
        Err(_) => Err(refused(PlanningError::Position)),
    }
}

/// A new goal or measure.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanItemInput {
    /// goal | measure
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    /// The service responsible for a measure.
    #[serde(alias = "service")]
    responsible_service: Option<String>,
    for_person: Option<String>,
    /// The place in the plan's order (1–999); without it the item goes last.
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 999)]
    position: Option<Loose>,
    depends_on: Option<String>,
    /// help | control
    measure_type: Option<String>,
    /// Part of the transition plan after a sentence: housing | education_work | health | finances |
    /// network_leisure | follow_up_after (a measure in a case with a sentence).
    release_area: Option<String>,
}

impl PlanItemInput {
    /// The one parse of a new plan item. A goal has no responsible service or measure type; an unknown
    /// area of the transition plan is refused.
    pub fn parse(self, case_id: &str) -> Result<NewPlanItem, Rejected> {
        let measure = self.kind == "measure";
        let release_area = match non_empty(self.release_area) {
            None => None,
            Some(a) => Some(ReleaseArea::parse(&a).ok_or_else(|| {
                Rejected::new("coop-plan-release", "plan.release_area_unknown", format!("unknown area '{a}'"))
            })?),
        };
        Ok(NewPlanItem {
            case_id: case_id.to_owned(),
            position: position(&self.position, "coop-plan-position")?,
            kind: self.kind,
            title: self.title,
            responsible_service: if measure { non_empty(self.responsible_service) } else { None },
            for_person: non_empty(self.for_person),
            depends_on: non_empty(self.depends_on),
            measure_type: if measure { non_empty(self.measure_type) } else { None },
            release_area,
        })
    }
}

/// The plan form's elements for the fields a rule can name.
const ITEM_FORM: &[(&str, &str)] = &[
    ("depends_on", "coop-plan-depends"),
    ("position", "coop-plan-depends"),
    ("kind", "coop-plan-depends"),
    ("measure_type", "coop-plan-depends"),
    ("responsible_service", "coop-plan-depends"),
    ("release_area", "coop-plan-depends"),
];

async fn add(st: &AppState, actor: &User, case_id: &str, i: PlanItemInput) -> Result<String, Rejected> {
    let new = i.parse(case_id)?;
    st.store.add_plan_item(actor, new).await.map_err(|e| Rejected::on(ITEM_FORM, "coop-plan-title", e))
}

pub async fn add_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<PlanItemInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = add(&st, u, &id, f).await.map(|_| ());
    after(&st, &ctx, &id, "samarbeid", r).await
}

/// Adds a goal or a measure to the shared plan; a measure only by its responsible service.
#[utoipa::path(post, path = "/cases/{id}/plan", params(("id" = String, Path)), request_body = PlanItemInput, responses((status = 201, body = Created)))]
pub async fn add_plan_item(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<PlanItemInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(add(&st, &user, &id, i).await?))
}

/// A new version of a goal or measure.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanRevisionInput {
    #[serde(default)]
    title: String,
    for_person: Option<String>,
    /// The place in the plan's order (1–999).
    #[schema(value_type = i32, minimum = 1, maximum = 999)]
    position: Option<Loose>,
    depends_on: Option<String>,
}

async fn revise(
    st: &AppState,
    actor: &User,
    case_id: &str,
    item: &str,
    i: PlanRevisionInput,
) -> Result<String, Rejected> {
    let field = format!("revise-{item}");
    let position = position(&i.position, &field)?
        .ok_or_else(|| Rejected::new(field.clone(), "plan.position", PlanningError::Position.to_string()))?;
    let rev = PlanRevision {
        title: i.title,
        for_person: non_empty(i.for_person),
        position,
        depends_on: non_empty(i.depends_on),
    };
    st.store.revise_plan_item(actor, case_id, item, rev).await.map_err(|e| Rejected::at(field, e))
}

pub async fn revise_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, item)): Path<(String, String)>,
    JsonOrForm(f): JsonOrForm<PlanRevisionInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = revise(&st, u, &id, &item, f).await.map(|_| ());
    after(&st, &ctx, &id, "plan", r).await
}

/// Revises a goal or measure as a new version; the order and dependencies are checked.
#[utoipa::path(post, path = "/cases/{id}/plan/{item}/revisions", params(("id" = String, Path), ("item" = String, Path)), request_body = PlanRevisionInput, responses((status = 201, body = Created)))]
pub async fn revise_plan_item(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, item)): Path<(String, String)>,
    JsonOrForm(i): JsonOrForm<PlanRevisionInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(revise(&st, &user, &id, &item, i).await?))
}

/// A measure's new status.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanStatusInput {
    /// planned | started | done | stopped
    #[serde(default)]
    status: String,
}

async fn status(
    st: &AppState,
    actor: &User,
    case_id: &str,
    item: &str,
    i: PlanStatusInput,
) -> Result<String, Rejected> {
    st.store
        .set_plan_status(actor, case_id, item, &i.status)
        .await
        .map_err(|e| Rejected::at(format!("status-{item}"), e))
}

pub async fn status_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, item)): Path<(String, String)>,
    JsonOrForm(f): JsonOrForm<PlanStatusInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = status(&st, u, &id, &item, f).await.map(|_| ());
    after(&st, &ctx, &id, "samarbeid", r).await
}

/// Changes a measure's status as a new version; a measure does not start before what it waits for.
#[utoipa::path(post, path = "/cases/{id}/plan/{item}/status", params(("id" = String, Path), ("item" = String, Path)), request_body = PlanStatusInput, responses((status = 201, body = Created)))]
pub async fn set_plan_status(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, item)): Path<(String, String)>,
    JsonOrForm(i): JsonOrForm<PlanStatusInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(status(&st, &user, &id, &item, i).await?))
}
