//! A service's own records in the case (notes): only the owning service writes them; others read them
//! through a consent or a recorded legal basis (the store asks the policy for each).

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use los_domain::consent::InfoCategory;
use los_domain::model::User;
use los_store::NewNote;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Created, Rejected, after, created, user};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::input::{JsonOrForm, flag};
use crate::pages::PageResult;

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/notater", post(add_note))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(create_note))
}

/// A new record, owned by one of the caller's services.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NoteInput {
    #[serde(default, alias = "service")]
    service_id: String,
    /// general | health | child_welfare | education | social | decision_fact
    #[serde(default)]
    category: String,
    #[serde(default)]
    body: String,
    /// Open the record to the child or young person it is about, where the law leaves their access to the
    /// service (default: they see the overview only).
    #[serde(default, deserialize_with = "flag")]
    open_to_child: bool,
}

async fn write(st: &AppState, actor: &User, case_id: &str, i: NoteInput) -> Result<String, Rejected> {
    let category = InfoCategory::parse(&i.category)
        .ok_or_else(|| Rejected::new("note-category", "note.category", "choose a category"))?;
    let new = NewNote {
        case_id: case_id.to_owned(),
        service_id: i.service_id,
        category,
        body: i.body,
        supersedes: None,
        open_to_child: i.open_to_child,
    };
    st.store.add_note(actor, new).await.map_err(|e| Rejected::at("note-body", e))
}

pub async fn add_note(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<NoteInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = write(&st, u, &id, i).await.map(|_| ());
    after(&st, &ctx, &id, "notater", r).await
}

/// Adds a record owned by one of the caller's services.
#[utoipa::path(post, path = "/cases/{id}/notes", params(("id" = String, Path)), request_body = NoteInput, responses((status = 201, body = Created)))]
pub async fn create_note(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<NoteInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(write(&st, &user, &id, i).await?))
}

/// A record as the caller may read it.
#[derive(Serialize, ToSchema)]
pub struct NoteDto {
    pub(super) id: String,
    pub(super) service_id: String,
    pub(super) service_name: String,
    pub(super) category: String,
    pub(super) body: String,
    pub(super) created_by: String,
    pub(super) created_at: chrono::DateTime<chrono::Utc>,
    /// Why the caller may read this record (owning service, consent, legal basis, …).
    pub(super) access_basis: String,
    /// The service opened this record to the child or young person it is about.
    pub(super) open_to_child: bool,
}
