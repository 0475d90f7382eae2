//! What the individual plan says (IP-forskriften § 9): texts in the plan's sections (the child's own words
//! marked as theirs), goals and sub-goals, measures with their responsible service, scope, how, timing,
//! status and agreed deviation, the next evaluation — each change a new version with its reason — and two
//! versions side by side. Page and API are two faces of one parse each.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use los_domain::individual_plan::content::{Change, MeasureInput as DomainMeasure, MeasureStatus, Voice};
use los_domain::model::{User, UserKind};
use los_store::IpComparison;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{after_ip, day, optional, pick};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::case::{Rejected, user};
use crate::error::ApiError;
use crate::input::{ApiQuery, JsonOrForm, non_empty};
use crate::pages::{Base, PageResult, page_err, render};

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/individuell-plan/tekst", post(entry_page))
        .route("/saker/{id}/individuell-plan/mal", post(goal_page))
        .route("/saker/{id}/individuell-plan/tiltak", post(measure_page))
        .route("/saker/{id}/individuell-plan/tiltak/{measure}", post(edit_measure_page))
        .route("/saker/{id}/individuell-plan/tiltak/{measure}/status", post(status_page))
        .route("/saker/{id}/individuell-plan/evaluering", post(evaluation_page))
        .route("/saker/{id}/individuell-plan/versjoner", get(compare_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(add_entry))
        .routes(routes!(add_goal))
        .routes(routes!(add_measure))
        .routes(routes!(edit_measure))
        .routes(routes!(set_status))
        .routes(routes!(set_evaluation))
        .routes(routes!(compare))
}

/// A new version of the plan: its number.
#[derive(Debug, Serialize, ToSchema)]
pub struct IpVersionAnswer {
    pub version: i32,
}

fn voice(v: &Option<String>, actor: &User, element: &str) -> Result<Voice, Rejected> {
    Ok(optional(v, Voice::parse, element, "ip.voice")?.unwrap_or(if actor.kind == UserKind::Citizen {
        Voice::Family
    } else {
        Voice::Service
    }))
}

async fn run(
    st: &AppState,
    actor: &User,
    id: &str,
    change: Change,
    reason: &str,
    element: &'static str,
) -> Result<i32, Rejected> {
    let form: &[(&str, &'static str)] = &[("reason", "ip-change-reason")];
    st.store.change_individual_plan(actor, id, change, reason).await.map_err(|e| Rejected::on(form, element, e))
}

/// A text in one of the plan's sections.
#[derive(Debug, Deserialize, ToSchema)]
pub struct IpEntryInput {
    /// The section's code (see `detail.sections` of the plan).
    #[serde(default)]
    section: String,
    /// child | family | relatives | service (a family member in Los: their own; staff: service unless
    /// they record the child's or family's words).
    voice: Option<String>,
    #[serde(default)]
    text: String,
    /// Why the plan changes.
    #[serde(default)]
    reason: String,
}

async fn entry_in(st: &AppState, actor: &User, id: &str, i: IpEntryInput) -> Result<i32, Rejected> {
    let mut v = voice(&i.voice, actor, "ip-entry-voice")?;
    if actor.kind == UserKind::Citizen && i.voice.is_none() {
        v = Voice::Family;
    }
    let change = Change::AddEntry { section: i.section.trim().to_owned(), voice: v, text: i.text };
    run(st, actor, id, change, &i.reason, "ip-entry-text").await
}

/// A goal, or a sub-goal of one.
#[derive(Debug, Deserialize, ToSchema)]
pub struct IpGoalInput {
    /// The goal this is a sub-goal of.
    parent: Option<String>,
    /// child | family | relatives | service: whose goal, in whose words.
    voice: Option<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    reason: String,
}

async fn goal_in(st: &AppState, actor: &User, id: &str, i: IpGoalInput) -> Result<i32, Rejected> {
    let change =
        Change::AddGoal { parent: non_empty(i.parent), voice: voice(&i.voice, actor, "ip-goal-voice")?, text: i.text };
    run(st, actor, id, change, &i.reason, "ip-goal-text").await
}

/// A measure towards a goal.
#[derive(Debug, Deserialize, ToSchema)]
pub struct IpMeasureInput {
    #[serde(default)]
    goal: String,
    #[serde(default)]
    title: String,
    /// The service taking part that carries it out.
    #[serde(default)]
    responsible_service: String,
    /// How much ("2 timer i uka").
    #[serde(default)]
    scope: String,
    /// How it is carried out.
    #[serde(default)]
    how: String,
    /// YYYY-MM-DD
    starts_on: Option<String>,
    /// YYYY-MM-DD
    ends_on: Option<String>,
    /// Why the services agreed to depart from the usual division of work (IP-forskriften § 10); empty when
    /// they did not.
    agreed_deviation: Option<String>,
    #[serde(default)]
    reason: String,
}

impl IpMeasureInput {
    fn parse(&self) -> Result<DomainMeasure, Rejected> {
        Ok(DomainMeasure {
            goal: self.goal.trim().to_owned(),
            title: self.title.clone(),
            responsible_service: self.responsible_service.trim().to_owned(),
            scope: self.scope.clone(),
            how: self.how.clone(),
            starts_on: day(&self.starts_on, "ip-measure-starts")?,
            ends_on: day(&self.ends_on, "ip-measure-ends")?,
            agreed_deviation: non_empty(self.agreed_deviation.clone()),
        })
    }
}

const MEASURE_FORM: &[(&str, &str)] = &[
    ("goal", "ip-measure-goal"),
    ("text", "ip-measure-title"),
    ("responsible_service", "ip-measure-service"),
    ("ends_on", "ip-measure-ends"),
    ("agreed_deviation", "ip-measure-deviation"),
    ("reason", "ip-change-reason"),
];

async fn measure_in(st: &AppState, actor: &User, id: &str, i: IpMeasureInput) -> Result<i32, Rejected> {
    let change = Change::AddMeasure(i.parse()?);
    st.store
        .change_individual_plan(actor, id, change, &i.reason)
        .await
        .map_err(|e| Rejected::on(MEASURE_FORM, "ip-measure-title", e))
}

async fn edit_measure_in(
    st: &AppState,
    actor: &User,
    id: &str,
    measure: &str,
    i: IpMeasureInput,
) -> Result<i32, Rejected> {
    let change = Change::EditMeasure { id: measure.to_owned(), measure: i.parse()? };
    st.store
        .change_individual_plan(actor, id, change, &i.reason)
        .await
        .map_err(|e| Rejected::on(MEASURE_FORM, "ip-measure-title", e))
}

/// Where a measure stands.
#[derive(Debug, Deserialize, ToSchema)]
pub struct IpStatusInput {
    /// planned | started | done | stopped
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
}

async fn status_in(st: &AppState, actor: &User, id: &str, measure: &str, i: IpStatusInput) -> Result<i32, Rejected> {
    let element = format!("ip-status-{measure}");
    let status = pick(&i.status, MeasureStatus::parse, &element, "ip.measure_status")?;
    st.store
        .change_individual_plan(actor, id, Change::SetStatus { id: measure.to_owned(), status }, &i.reason)
        .await
        .map_err(|e| Rejected::at(element, e))
}

/// The next evaluation of the plan with the family.
#[derive(Debug, Deserialize, ToSchema)]
pub struct IpEvaluationInput {
    /// YYYY-MM-DD; empty removes it.
    on: Option<String>,
    #[serde(default)]
    reason: String,
}

async fn evaluation_in(st: &AppState, actor: &User, id: &str, i: IpEvaluationInput) -> Result<i32, Rejected> {
    let change = Change::SetEvaluation { on: day(&i.on, "ip-evaluation-on")? };
    run(st, actor, id, change, &i.reason, "ip-evaluation-on").await
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

page_action!(entry_page, IpEntryInput, entry_in, "content");
page_action!(goal_page, IpGoalInput, goal_in, "content");
page_action!(measure_page, IpMeasureInput, measure_in, "content");
page_action!(evaluation_page, IpEvaluationInput, evaluation_in, "content");

async fn edit_measure_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, measure)): Path<(String, String)>,
    JsonOrForm(f): JsonOrForm<IpMeasureInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = edit_measure_in(&st, u, &id, &measure, f).await;
    after_ip(&st, &ctx, &id, "content", r).await
}

async fn status_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, measure)): Path<(String, String)>,
    JsonOrForm(f): JsonOrForm<IpStatusInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = status_in(&st, u, &id, &measure, f).await;
    after_ip(&st, &ctx, &id, "content", r).await
}

/// Which two versions to compare.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CompareQuery {
    /// The earlier version's number.
    a: i32,
    /// The later version's number.
    b: i32,
}

#[derive(Template)]
#[template(path = "individual_plan_versions.html")]
struct ComparePage {
    base: Base,
    case_id: String,
    c: IpComparison,
}

impl ComparePage {
    fn t_code(&self, prefix: &str, code: &str) -> String {
        self.base.t.try_get(&format!("{prefix}-{}", code.replace('_', "-"))).unwrap_or_else(|| code.to_owned())
    }
}

async fn compare_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<CompareQuery>,
) -> PageResult {
    let u = user(&ctx)?;
    let c = st.store.compare_individual_plan_versions(u, &id, q.a, q.b).await.map_err(|e| page_err(&ctx)(e.into()))?;
    Ok((StatusCode::OK, render(&ComparePage { base: Base::new(&ctx, st.demo), case_id: id, c })).into_response())
}

macro_rules! api_action {
    ($(#[$m:meta])* $name:ident, $input:ty, $run:ident) => {
        $(#[$m])*
        pub async fn $name(
            State(st): State<AppState>,
            ApiUser(user): ApiUser,
            Path(id): Path<String>,
            JsonOrForm(i): JsonOrForm<$input>,
        ) -> Result<(StatusCode, Json<IpVersionAnswer>), ApiError> {
            Ok((StatusCode::CREATED, Json(IpVersionAnswer { version: $run(&st, &user, &id, i).await? })))
        }
    };
}

api_action!(
    /// Adds a text to a section of the plan (a new version). The child and the family write in their own
    /// voice.
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/entries", params(("id" = String, Path)), request_body = IpEntryInput, responses((status = 201, body = IpVersionAnswer)))]
    add_entry, IpEntryInput, entry_in
);
api_action!(
    /// Adds a goal or a sub-goal (a new version).
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/goals", params(("id" = String, Path)), request_body = IpGoalInput, responses((status = 201, body = IpVersionAnswer)))]
    add_goal, IpGoalInput, goal_in
);
api_action!(
    /// Adds a measure towards a goal (a new version): responsible service, scope, how, timing, any agreed
    /// deviation from the usual division of work.
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/measures", params(("id" = String, Path)), request_body = IpMeasureInput, responses((status = 201, body = IpVersionAnswer)))]
    add_measure, IpMeasureInput, measure_in
);
api_action!(
    /// Sets the next evaluation of the plan with the family (a new version).
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/evaluation", params(("id" = String, Path)), request_body = IpEvaluationInput, responses((status = 201, body = IpVersionAnswer)))]
    set_evaluation, IpEvaluationInput, evaluation_in
);

/// Changes a measure (a new version; the service with the main responsibility).
#[utoipa::path(post, path = "/cases/{id}/individual-plan/measures/{measure}", params(("id" = String, Path), ("measure" = String, Path)), request_body = IpMeasureInput, responses((status = 201, body = IpVersionAnswer)))]
pub async fn edit_measure(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, measure)): Path<(String, String)>,
    JsonOrForm(i): JsonOrForm<IpMeasureInput>,
) -> Result<(StatusCode, Json<IpVersionAnswer>), ApiError> {
    Ok((StatusCode::CREATED, Json(IpVersionAnswer { version: edit_measure_in(&st, &user, &id, &measure, i).await? })))
}

/// Sets where a measure stands (a new version): the service with the main responsibility, or the service
/// responsible for the measure.
#[utoipa::path(post, path = "/cases/{id}/individual-plan/measures/{measure}/status", params(("id" = String, Path), ("measure" = String, Path)), request_body = IpStatusInput, responses((status = 201, body = IpVersionAnswer)))]
pub async fn set_status(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, measure)): Path<(String, String)>,
    JsonOrForm(i): JsonOrForm<IpStatusInput>,
) -> Result<(StatusCode, Json<IpVersionAnswer>), ApiError> {
    Ok((StatusCode::CREATED, Json(IpVersionAnswer { version: status_in(&st, &user, &id, &measure, i).await? })))
}

/// Two versions of the plan side by side, with what changed between them.
#[utoipa::path(get, path = "/cases/{id}/individual-plan/versions", params(("id" = String, Path), CompareQuery), responses((status = 200, description = "Both versions and their differences", body = serde_json::Value)))]
pub async fn compare(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<CompareQuery>,
) -> Result<Json<IpComparison>, ApiError> {
    Ok(Json(st.store.compare_individual_plan_versions(&user, &id, q.a, q.b).await?))
}
