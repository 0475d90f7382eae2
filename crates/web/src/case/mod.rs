//! The case and its resources, one slice per resource. Each slice holds, top-down: the typed input of each
//! action (one struct for the page's form and the API's JSON, read by [`JsonOrForm`](crate::input::JsonOrForm)),
//! the ONE function that turns it into the store's command, the page handler and the API handler (two thin
//! faces of the same parse, the same rule and the same error code), and the routes of both faces.
//!
//! The store applies the access policy and writes the audit log; nothing here decides access.

pub mod access;
pub mod assessments;
pub mod child_coordinator;
pub mod closing;
pub mod consents;
pub mod coordinator;
pub mod decisions;
pub mod family;
pub mod feedback;
pub mod individual_plan;
pub mod intake;
pub mod list;
pub mod meetings;
pub mod notes;
pub mod participants;
pub mod plan;
pub mod rights;
pub mod sentence;
pub mod view;

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use los_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{AppError, PageError};
use crate::pages::{PageResult, page_err};

pub use view::FieldError;

/// The page routes of every case resource.
pub fn page_routes() -> Router<AppState> {
    let r = Router::new();
    let r = intake::pages(r);
    let r = list::pages(r);
    let r = view::pages(r);
    let r = notes::pages(r);
    let r = consents::pages(r);
    let r = access::pages(r);
    let r = family::pages(r);
    let r = participants::pages(r);
    let r = closing::pages(r);
    let r = assessments::pages(r);
    let r = coordinator::pages(r);
    let r = plan::pages(r);
    let r = sentence::pages(r);
    let r = meetings::pages(r);
    let r = decisions::pages(r);
    let r = rights::pages(r);
    let r = child_coordinator::pages(r);
    let r = individual_plan::pages(r);
    feedback::pages(r)
}

/// The API routes of every case resource; the OpenAPI document is built from the same list.
pub fn api_routes() -> OpenApiRouter<AppState> {
    let r = OpenApiRouter::new();
    let r = list::api(r);
    let r = intake::api(r);
    let r = notes::api(r);
    let r = consents::api(r);
    let r = access::api(r);
    let r = participants::api(r);
    let r = closing::api(r);
    let r = assessments::api(r);
    let r = coordinator::api(r);
    let r = plan::api(r);
    let r = sentence::api(r);
    let r = meetings::api(r);
    let r = decisions::api(r);
    let r = rights::api(r);
    let r = child_coordinator::api(r);
    let r = individual_plan::api(r);
    feedback::api(r)
}

/// An input that was refused: the field of the page's form it belongs to, and why (a stable code).
#[derive(Debug)]
pub struct Rejected {
    /// The element id of the field on the page (`consent-giver`); the API does not use it.
    pub field: String,
    pub error: StoreError,
}

impl Rejected {
    /// An input that breaks a rule before it reaches the store.
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Rejected { field: field.into(), error: StoreError::Invalid { field: None, code, message: message.into() } }
    }

    /// A refusal by the store, shown on the form element for the request field the rule names (`elements`
    /// maps the input's field names to the page's element ids), else on `default`.
    pub fn on(elements: &[(&str, &'static str)], default: &'static str, error: StoreError) -> Self {
        Rejected { field: element(&error, elements, default).to_owned(), error }
    }

    /// A refusal by the store, shown on `field`.
    pub fn at(field: impl Into<String>, error: StoreError) -> Self {
        Rejected { field: field.into(), error }
    }
}

/// The page element a refusal points at: the one for the request field the domain rule names (typed in the
/// error, `StoreError::Invalid::field`), else `default`.
pub fn element<'a>(e: &StoreError, elements: &[(&str, &'a str)], default: &'a str) -> &'a str {
    match e {
        StoreError::Invalid { field: Some(f), .. } => {
            elements.iter().find(|(k, _)| k == f).map_or(default, |(_, id)| id)
        }
        _ => default,
    }
}

impl From<Rejected> for AppError {
    fn from(r: Rejected) -> Self {
        r.error.into()
    }
}

/// The answer to an API write that created something: its id.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

/// 201 with the new record's id.
pub fn created(id: String) -> (StatusCode, Json<Created>) {
    (StatusCode::CREATED, Json(Created { id }))
}

pub(crate) fn user(ctx: &Ctx) -> Result<&los_domain::model::User, PageError> {
    ctx.require_user().map_err(|e| page_err(ctx)(e))
}

/// After a form: back to the case on success; on a refusal the case page again, with the error on its field.
pub(crate) async fn after(
    st: &AppState,
    ctx: &Ctx,
    case_id: &str,
    anchor: &str,
    result: Result<(), Rejected>,
) -> PageResult {
    match result {
        Ok(()) => Ok(Redirect::to(&case_url(case_id, anchor)).into_response()),
        Err(Rejected { field, error: e @ (StoreError::Invalid { .. } | StoreError::Denied(_)) }) => {
            let message = view::translate_store_error(ctx, &e);
            view::case_page(st, ctx, case_id, Some(FieldError { field, message }), None).await
        }
        Err(Rejected { error, .. }) => Err(page_err(ctx)(error.into())),
    }
}

/// The case page's address, with a section anchor. An id that is not a plain id (a hand-made request) leads
/// to the case list instead of a broken `Location` header.
pub(crate) fn case_url(case_id: &str, anchor: &str) -> String {
    let plain = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if case_id.is_empty() || case_id.len() > 100 || !plain(case_id) || !plain(anchor) {
        return "/saker".to_owned();
    }
    if anchor.is_empty() { format!("/saker/{case_id}") } else { format!("/saker/{case_id}#{anchor}") }
}
