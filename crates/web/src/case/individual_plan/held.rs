//! The overview of the plans the reader's services hold (`/individuelle-planer`, `GET /api/v1/me/individual-plans`):
//! for each, the child, the next evaluation and meeting of the group, and who is behind with what they
//! committed to. The store reads the cases through the policy and audits each.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use los_store::IpHeld;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::pages::{Base, PageResult, page_err, render};

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/individuelle-planer", get(held_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(held))
}

#[derive(Template)]
#[template(path = "individual_plans.html")]
struct HeldPage {
    base: Base,
    plans: Vec<IpHeld>,
}

impl HeldPage {
    fn behind(&self, p: &IpHeld) -> String {
        p.behind
            .iter()
            .map(|b| {
                self.base.t.with(
                    "ips-behind-line",
                    &[
                        ("service", b.service_name.as_str()),
                        ("measures", b.measures.to_string().as_str()),
                        ("follow_ups", b.follow_ups.to_string().as_str()),
                    ],
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

async fn held_page(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let Some(user) = ctx.user.as_ref() else {
        return Ok(Redirect::to("/logg-inn").into_response());
    };
    let plans = st.store.individual_plans_held(user).await.map_err(|e| page_err(&ctx)(e.into()))?;
    Ok(render(&HeldPage { base: Base::new(&ctx, st.demo), plans }))
}

/// The open individual plans whose main responsibility lies with a service the caller works in: the child,
/// the next evaluation, the next meeting of the responsibility group, and who is behind (measures past
/// their end, the group's follow-ups past their day). Each case consulted is recorded in the audit log.
#[utoipa::path(get, path = "/me/individual-plans", responses((status = 200, description = "The plans the caller's services hold", body = serde_json::Value)))]
pub async fn held(State(st): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Vec<IpHeld>>, ApiError> {
    Ok(Json(st.store.individual_plans_held(&user).await?))
}
