//! The one error mapping of the web layer: pages get a page in the user's language, the API gets RFC 9457
//! problem JSON. 5xx errors are logged with their cause and never shown to the user.

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use los_store::StoreError;
use serde::Serialize;

use crate::i18n::Tr;

/// What went wrong, independent of how it is shown.
#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    /// Stable code for translation and clients, e.g. `not_found`.
    pub code: String,
    /// Explanation in English (API) — pages translate `code` where they can.
    pub detail: String,
    /// Seconds to wait before trying again (sent as `Retry-After` with 429).
    pub retry_after: Option<u64>,
    /// The request field a refused input is about, when the rule names one.
    pub field: Option<String>,
}

impl AppError {
    pub fn new(status: StatusCode, code: impl Into<String>, detail: impl Into<String>) -> Self {
        AppError { status, code: code.into(), detail: detail.into(), retry_after: None, field: None }
    }

    /// The same error, telling the client when to try again.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn bad_request(code: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "log in, or send an API token as 'Authorization: Bearer <token>'",
        )
    }

    pub fn not_found(what: &str, id: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what} {id} was not found"))
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { kind, id } => AppError::not_found(kind, &id),
            StoreError::Denied(reason) => {
                AppError::new(StatusCode::FORBIDDEN, format!("denied.{}", reason.code), reason.detail)
            }
            StoreError::Invalid { code, message, field } => AppError {
                field: field.map(str::to_owned),
                ..AppError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
            },
            other => {
                tracing::error!(error = %other, "internal error");
                AppError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "something went wrong on our side; it has been logged",
                )
            }
        }
    }
}

impl From<los_domain::ident::IdentError> for AppError {
    fn from(e: los_domain::ident::IdentError) -> Self {
        AppError::bad_request(e.rule(), e.to_string())
    }
}

fn retry_header(retry_after: Option<u64>, res: &mut Response) {
    if let Some(s) = retry_after {
        res.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(s));
    }
}

/// RFC 9457 problem details.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI reference that identifies the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code.
    pub code: String,
    /// The request field the problem is about, when a rule names one (a 422).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error answered as problem JSON (API).
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let retry_after = e.retry_after;
        let body = Problem {
            kind: format!("https://los.invalid/problems/{}", e.code),
            title: e.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: e.status.as_u16(),
            detail: e.detail,
            code: e.code,
            field: e.field,
        };
        let mut res = (e.status, axum::Json(body)).into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/problem+json"));
        retry_header(retry_after, &mut res);
        res
    }
}

/// An error answered as a page in the user's language.
#[derive(Debug)]
pub struct PageError {
    pub error: AppError,
    pub tr: Tr,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let t = self.tr;
        let e = self.error;
        let retry_after = e.retry_after;
        let title = t.try_get(&format!("error-{}", e.status.as_u16())).unwrap_or_else(|| t.get("error-generic"));
        // Translated explanation if we have one for the code, else the detail (ids only, never personal data).
        let explanation = t.try_get(&format!("err-{}", e.code.replace('.', "-"))).unwrap_or(e.detail);
        let page = crate::pages::ErrorPage::new(t, title, explanation);
        let mut res = (e.status, Html(page.render_html())).into_response();
        retry_header(retry_after, &mut res);
        res
    }
}
