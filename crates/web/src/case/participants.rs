//! Services taking part in the case: step 1 (who else is involved), step 3 (contact another service, which
//! joins — gated by a consent or a legal exception in the store) and leaving with a reason.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use los_domain::coordination::MappingSource;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Rejected, after, user};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::input::{JsonOrForm, non_empty};
use crate::pages::PageResult;

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/tjenester", post(add_page))
        .route("/saker/{id}/tjenester/avslutt", post(leave_page))
        .route("/saker/{id}/kartlegging", post(mapping_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(add_participant)).routes(routes!(leave_participant)).routes(routes!(record_mapping))
}

/// Step 3: the service to contact, and why.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ParticipantInput {
    #[serde(default, alias = "service")]
    service_id: String,
    #[serde(default)]
    reason: String,
}

pub async fn add_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<ParticipantInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.add_participant(u, &id, &f.service_id, &f.reason).await;
    after(&st, &ctx, &id, "samarbeid", r.map_err(|e| Rejected::at("coop-participant-service", e))).await
}

/// Step 3: contact another service and add it to the case. Refused (422 `step3.no_consent`) unless a valid
/// consent or a recorded legal exception covers the contact from the caller's service.
#[utoipa::path(post, path = "/cases/{id}/participants", params(("id" = String, Path)), request_body = ParticipantInput, responses((status = 204)))]
pub async fn add_participant(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<ParticipantInput>,
) -> Result<StatusCode, ApiError> {
    st.store.add_participant(&user, &id, &i.service_id, &i.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Leaving the case: why. The page names the service in the form, the API in the path.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LeaveInput {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    #[schema(ignore)]
    service: String,
}

pub async fn leave_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<LeaveInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.end_participation(u, &id, &f.service, &f.reason).await;
    after(&st, &ctx, &id, "samarbeid", r.map_err(|e| Rejected::at("coop-leave-reason", e))).await
}

/// A service leaves the case, with a reason; the others are asked to assess again.
#[utoipa::path(post, path = "/cases/{id}/participants/{service}/leave", params(("id" = String, Path), ("service" = String, Path)), request_body = LeaveInput, responses((status = 204)))]
pub async fn leave_participant(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, service)): Path<(String, String)>,
    JsonOrForm(i): JsonOrForm<LeaveInput>,
) -> Result<StatusCode, ApiError> {
    st.store.end_participation(&user, &id, &service, &i.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Step 1: which other services are involved, where that came from, and guidance given.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MappingInput {
    /// The other services and providers involved (or "none").
    #[serde(default)]
    other_services: String,
    /// asked_child | asked_parents | own_records
    #[serde(default)]
    source: String,
    /// Guidance given when a need has no service (and whether the family was helped to make contact).
    guidance: Option<String>,
}

async fn mapping(
    st: &AppState,
    actor: &los_domain::model::User,
    case_id: &str,
    i: MappingInput,
) -> Result<(), Rejected> {
    let field = "coop-mapping-others";
    let source = MappingSource::parse(&i.source)
        .ok_or_else(|| Rejected::new(field, "mapping.source", "choose where the information came from"))?;
    let guidance = non_empty(i.guidance);
    st.store
        .record_mapping(actor, case_id, &i.other_services, source, guidance.as_deref())
        .await
        .map_err(|e| Rejected::at(field, e))
}

pub async fn mapping_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<MappingInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = mapping(&st, u, &id, f).await;
    after(&st, &ctx, &id, "samarbeid", r).await
}

/// Step 1: which other services are involved, where that came from, and guidance given.
#[utoipa::path(post, path = "/cases/{id}/mappings", params(("id" = String, Path)), request_body = MappingInput, responses((status = 204)))]
pub async fn record_mapping(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<MappingInput>,
) -> Result<StatusCode, ApiError> {
    mapping(&st, &user, &id, i).await?;
    Ok(StatusCode::NO_CONTENT)
}
