//! The screening of the rights to an individual plan and a coordinator (spec 01 §8.C item 15). The child
//! coordinator has its own process (`child_coordinator`).

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use los_domain::model::User;
use los_domain::rights::{RightKind, ScreeningOutcome};
use los_store::NewScreening;
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
    r.route("/saker/{id}/rettigheter", post(screening_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(record_screening))
}

/// The screening of one right.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ScreeningInput {
    /// individual_plan | coordinator (the child coordinator has its own process)
    #[serde(default)]
    right: String,
    /// in_place | requested | not_entitled | declined
    #[serde(default)]
    outcome: String,
    /// The service that holds the plan, employs the coordinator or was asked.
    #[serde(alias = "service")]
    service_id: Option<String>,
    /// The appointed coordinator (a coordinator in place).
    person: Option<String>,
    /// For example the plan's or the decision's reference.
    reference: Option<String>,
    #[serde(default)]
    reasoning: String,
}

impl ScreeningInput {
    /// The one parse of a screening.
    pub fn parse(self) -> Result<NewScreening, Rejected> {
        let kind = RightKind::parse(&self.right)
            .ok_or_else(|| Rejected::new("rights-right", "rights.kind", "choose the right and the outcome"))?;
        let outcome = ScreeningOutcome::parse(&self.outcome)
            .ok_or_else(|| Rejected::new("rights-right", "rights.outcome", "choose the right and the outcome"))?;
        Ok(NewScreening {
            kind,
            outcome,
            service_id: non_empty(self.service_id),
            person: non_empty(self.person),
            reference: non_empty(self.reference),
            reasoning: self.reasoning,
        })
    }
}

/// The screening form's elements for the fields a rule can name.
const SCREENING_FORM: &[(&str, &str)] =
    &[("reasoning", "rights-reasoning"), ("person", "rights-person"), ("kind", "rights-right")];

async fn screen(st: &AppState, actor: &User, case_id: &str, i: ScreeningInput) -> Result<String, Rejected> {
    let new = i.parse()?;
    st.store.record_screening(actor, case_id, new).await.map_err(|e| Rejected::on(SCREENING_FORM, "rights-service", e))
}

pub async fn screening_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<ScreeningInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = screen(&st, u, &id, f).await.map(|_| ());
    after(&st, &ctx, &id, "rettigheter", r).await
}

/// Records the screening of an individual right: individual plan or coordinator (spec 01 §8.C item 15). Only
/// the service holding a right in place changes it.
#[utoipa::path(post, path = "/cases/{id}/rights", params(("id" = String, Path)), request_body = ScreeningInput, responses((status = 201, body = Created)))]
pub async fn record_screening(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<ScreeningInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(screen(&st, &user, &id, i).await?))
}
