//! The state of a case (issue 11): a service proposes closing it with a reason, another confirms (or the
//! only service closes it), the family ends the cooperation, a service reopens it. The store applies the
//! access policy and the rules of `los_domain::closing`; every act is audited.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use los_domain::closing::ClosingReason;
use los_domain::model::User;
use los_store::StateAct;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Rejected, after, user};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::input::JsonOrForm;
use crate::pages::PageResult;

/// The section of the case page the forms return to.
const ANCHOR: &str = "avslutning";

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/avslutning/forslag", post(propose_page))
        .route("/saker/{id}/avslutning", post(close_page))
        .route("/saker/{id}/gjenapning", post(reopen_page))
        .route("/saker/{id}/avslutt-samarbeidet", post(end_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(propose_closing))
        .routes(routes!(close_case))
        .routes(routes!(reopen_case))
        .routes(routes!(end_cooperation))
}

/// Why the case is closing: a reason code and, for `other` and when the family ended the cooperation,
/// the reason in words.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ClosingInput {
    /// goals_reached | moved | family_ended_cooperation | other (`all_services_left` is set by Los when the
    /// last service leaves). Closing a case that is `closing` may leave it out: the proposal's reason.
    #[serde(default)]
    reason: String,
    #[serde(default)]
    reason_text: String,
}

/// The reason in words: why the case is reopened, or (for a service recording it) who in the family ended
/// the cooperation and how.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonInput {
    #[serde(default)]
    reason_text: String,
}

/// The page's element for each request field a rule can name.
const ELEMENTS: &[(&str, &str)] = &[("reason", "closing-reason"), ("reason_text", "closing-text")];

fn rejected(e: los_store::StoreError) -> Rejected {
    Rejected::on(ELEMENTS, "closing-reason", e)
}

/// The ONE parse of a closing request: a known reason code, or none.
fn reason(code: &str) -> Result<Option<ClosingReason>, Rejected> {
    match code.trim() {
        "" => Ok(None),
        c => ClosingReason::parse(c)
            .map(Some)
            .ok_or_else(|| Rejected::new("closing-reason", "closing.reason", "choose why the case is closing")),
    }
}

async fn propose(st: &AppState, actor: &User, case_id: &str, i: ClosingInput) -> Result<(), Rejected> {
    let reason = reason(&i.reason)?
        .ok_or_else(|| Rejected::new("closing-reason", "closing.reason", "choose why the case is closing"))?;
    let act = StateAct::Propose { reason, text: &i.reason_text };
    st.store.change_case_state(actor, case_id, act).await.map_err(rejected)
}

async fn close(st: &AppState, actor: &User, case_id: &str, i: ClosingInput) -> Result<(), Rejected> {
    let act = StateAct::Close { reason: reason(&i.reason)?, text: &i.reason_text };
    st.store.change_case_state(actor, case_id, act).await.map_err(rejected)
}

async fn reopen(st: &AppState, actor: &User, case_id: &str, i: ReasonInput) -> Result<(), Rejected> {
    let act = StateAct::Reopen { text: &i.reason_text };
    st.store.change_case_state(actor, case_id, act).await.map_err(|e| Rejected::at("reopen-text", e))
}

async fn end(st: &AppState, actor: &User, case_id: &str, i: ReasonInput) -> Result<(), Rejected> {
    st.store.end_cooperation(actor, case_id, &i.reason_text).await.map_err(|e| Rejected::at("end-text", e))
}

pub async fn propose_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<ClosingInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = propose(&st, u, &id, f).await;
    after(&st, &ctx, &id, ANCHOR, r).await
}

/// A service taking part proposes closing the case, with a reason: the case is `closing` while the services
/// are told and wind down; another service confirms (`/close`).
#[utoipa::path(post, path = "/cases/{id}/closing-proposal", params(("id" = String, Path)), request_body = ClosingInput, responses((status = 204)))]
pub async fn propose_closing(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<ClosingInput>,
) -> Result<StatusCode, ApiError> {
    propose(&st, &user, &id, i).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn close_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<ClosingInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = close(&st, u, &id, f).await;
    after(&st, &ctx, &id, ANCHOR, r).await
}

/// A service taking part closes the case: confirms another service's proposal, or closes it directly when it
/// is the only service or the family ended the cooperation (422 `closing.propose_first` otherwise). Every
/// service still taking part leaves it; those that took part keep reading it.
#[utoipa::path(post, path = "/cases/{id}/close", params(("id" = String, Path)), request_body = ClosingInput, responses((status = 204)))]
pub async fn close_case(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<ClosingInput>,
) -> Result<StatusCode, ApiError> {
    close(&st, &user, &id, i).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn reopen_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<ReasonInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = reopen(&st, u, &id, f).await;
    after(&st, &ctx, &id, ANCHOR, r).await
}

/// A service reopens a closed case (or keeps a closing one open), with a reason; an audited act. A service
/// that took part when the case stopped being open takes part again; the others join again through step 3.
#[utoipa::path(post, path = "/cases/{id}/reopen", params(("id" = String, Path)), request_body = ReasonInput, responses((status = 204)))]
pub async fn reopen_case(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<ReasonInput>,
) -> Result<StatusCode, ApiError> {
    reopen(&st, &user, &id, i).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn end_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<ReasonInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = end(&st, u, &id, f).await;
    after(&st, &ctx, &id, ANCHOR, r).await
}

/// The family ends the cooperation, and the case closes: a parent with parental responsibility, or the
/// young person where the law lets them consent (403 `denied.may_not_end_cooperation` otherwise). A service
/// taking part records it when the family tells them, saying who and how.
#[utoipa::path(post, path = "/cases/{id}/end-cooperation", params(("id" = String, Path)), request_body = ReasonInput, responses((status = 204)))]
pub async fn end_cooperation(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<ReasonInput>,
) -> Result<StatusCode, ApiError> {
    end(&st, &user, &id, i).await?;
    Ok(StatusCode::NO_CONTENT)
}
