//! Decisions of one service linked to the case (a NAV vedtak, a child welfare measure) and the county
//! follow-up service's outcomes (spec 01 §8.H item 33).

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use los_domain::coordination::FollowUpOutcome;
use los_domain::model::User;
use los_store::NewExternalDecision;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::consents::date;
use super::{Created, Rejected, after, created, user};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::input::{JsonOrForm, non_empty};
use crate::pages::PageResult;

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/vedtak", post(decision_page)).route("/saker/{id}/resultat", post(outcome_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(record_external_decision)).routes(routes!(record_outcome))
}

/// A decision of one service.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ExternalDecisionInput {
    /// The deciding service (the actor must work there).
    #[serde(default, alias = "service")]
    service_id: String,
    /// What was decided, e.g. "Vedtak om arbeidsrettet oppfølging".
    #[serde(default)]
    title: String,
    /// The service's own reference (its case or decision number).
    reference: Option<String>,
    #[schema(value_type = String, format = Date)]
    #[serde(default)]
    decided_on: String,
}

async fn decision(st: &AppState, actor: &User, case_id: &str, i: ExternalDecisionInput) -> Result<String, Rejected> {
    let new = NewExternalDecision {
        case_id: case_id.to_owned(),
        decided_on: date(&i.decided_on, "coop-decision-date", "decision.date")?,
        service_id: i.service_id,
        title: i.title,
        reference: non_empty(i.reference),
    };
    st.store
        .record_external_decision(actor, new)
        .await
        .map_err(|e| Rejected::on(&[("decided_on", "coop-decision-date")], "coop-decision-title", e))
}

pub async fn decision_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<ExternalDecisionInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = decision(&st, u, &id, f).await.map(|_| ());
    after(&st, &ctx, &id, "samarbeid", r).await
}

/// Links a decision of one service (a NAV vedtak, a child welfare measure) to the case. Granting a new
/// service asks every service taking part to assess the need for cooperation again.
#[utoipa::path(post, path = "/cases/{id}/decisions", params(("id" = String, Path)), request_body = ExternalDecisionInput, responses((status = 201, body = Created)))]
pub async fn record_external_decision(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<ExternalDecisionInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(decision(&st, &user, &id, i).await?))
}

/// What the county follow-up service's follow-up achieved.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OutcomeInput {
    /// education | work | competence_building | combination
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    detail: String,
    #[schema(value_type = String, format = Date)]
    #[serde(default)]
    achieved_on: String,
}

async fn outcome(st: &AppState, actor: &User, case_id: &str, i: OutcomeInput) -> Result<String, Rejected> {
    let field = "coop-outcome-date";
    let kind =
        FollowUpOutcome::parse(&i.outcome).ok_or_else(|| Rejected::new(field, "outcome.kind", "choose the outcome"))?;
    let day = date(&i.achieved_on, field, "outcome.date")?;
    st.store.record_follow_up_outcome(actor, case_id, kind, &i.detail, day).await.map_err(|e| Rejected::at(field, e))
}

pub async fn outcome_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<OutcomeInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = outcome(&st, u, &id, f).await.map(|_| ());
    after(&st, &ctx, &id, "samarbeid", r).await
}

/// The county follow-up service records what its follow-up achieved (spec 01 §8.H item 33).
#[utoipa::path(post, path = "/cases/{id}/outcomes", params(("id" = String, Path)), request_body = OutcomeInput, responses((status = 201, body = Created)))]
pub async fn record_outcome(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<OutcomeInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(outcome(&st, &user, &id, i).await?))
}
