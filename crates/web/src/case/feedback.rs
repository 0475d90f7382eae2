//! The family's safe channel: a child, young person or parent reports that something is not working, to the
//! coordinating service or another service they choose; only the author and the recipient read it.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use los_domain::model::User;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Created, Rejected, after, created, user};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::input::{JsonOrForm, non_empty};
use crate::pages::PageResult;

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/meldinger", post(send_page)).route("/saker/{id}/meldinger/{feedback}/lost", post(resolve_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(send_feedback)).routes(routes!(resolve_feedback))
}

/// A report that something is not working.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FeedbackInput {
    /// The service to tell; empty for the coordinating service.
    #[serde(alias = "recipient")]
    recipient_service: Option<String>,
    #[serde(default)]
    body: String,
}

async fn send(st: &AppState, actor: &User, case_id: &str, i: FeedbackInput) -> Result<String, Rejected> {
    st.store
        .send_feedback(actor, case_id, non_empty(i.recipient_service), &i.body)
        .await
        .map_err(|e| Rejected::on(&[("recipient_service", "feedback-to")], "feedback-body", e))
}

pub async fn send_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<FeedbackInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = send(&st, u, &id, f).await.map(|_| ());
    after(&st, &ctx, &id, "meldinger", r).await
}

/// The child, young person or a parent reports that something is not working (to the coordinating service
/// or another service they choose). Only the author and the recipient service can read it.
#[utoipa::path(post, path = "/cases/{id}/feedback", params(("id" = String, Path)), request_body = FeedbackInput, responses((status = 201, body = Created)))]
pub async fn send_feedback(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<FeedbackInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(send(&st, &user, &id, i).await?))
}

/// What was done about a report; the family sees this.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResolveInput {
    #[serde(default)]
    resolution: String,
}

pub async fn resolve_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, feedback)): Path<(String, String)>,
    JsonOrForm(f): JsonOrForm<ResolveInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.resolve_feedback(u, &id, &feedback, &f.resolution).await;
    after(&st, &ctx, &id, "meldinger", r.map_err(|e| Rejected::at(format!("resolve-{feedback}"), e))).await
}

/// The recipient service records how a report was followed up.
#[utoipa::path(post, path = "/cases/{id}/feedback/{feedback}/resolve", params(("id" = String, Path), ("feedback" = String, Path)), request_body = ResolveInput, responses((status = 204)))]
pub async fn resolve_feedback(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, feedback)): Path<(String, String)>,
    JsonOrForm(i): JsonOrForm<ResolveInput>,
) -> Result<StatusCode, ApiError> {
    st.store.resolve_feedback(&user, &id, &feedback, &i.resolution).await?;
    Ok(StatusCode::NO_CONTENT)
}
