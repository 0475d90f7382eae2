//! The family gives relatives access to the shared overview (by fødselsnummer) and takes it back (page only).

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::post;
use serde::Deserialize;

use super::view::{FieldError, case_page};
use super::{Rejected, after, user};
use crate::AppState;
use crate::auth::Ctx;
use crate::input::JsonOrForm;
use crate::pages::PageResult;

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/familie", post(invite_relative)).route("/saker/{id}/familie/fjern", post(revoke_relative))
}

#[derive(Debug, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    fnr: String,
}

/// The family gives a relative access to the shared overview, by fødselsnummer.
pub async fn invite_relative(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<InviteForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = match los_domain::ident::Fodselsnummer::parse_with(&f.fnr, st.ident_options()) {
        Ok(fnr) => st.store.invite_relative(u, &id, &fnr).await.map(|_| ()),
        Err(e) => {
            let message =
                ctx.tr.try_get(&format!("err-{}", e.rule().replace('.', "-"))).unwrap_or_else(|| e.to_string());
            return case_page(&st, &ctx, &id, Some(FieldError { field: "relative-fnr".into(), message }), None).await;
        }
    };
    after(&st, &ctx, &id, "familie", r.map_err(|e| Rejected::at("relative-fnr", e))).await
}

#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    person: String,
}

pub async fn revoke_relative(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<RevokeForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.revoke_relative(u, &id, &f.person).await;
    after(&st, &ctx, &id, "familie", r.map_err(|e| Rejected::at("relative-fnr", e))).await
}
