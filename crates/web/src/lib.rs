//! HTTP for Los: server-rendered pages and the JSON API, on axum.
//!
//! `router(state)` builds the whole application. Layers (outermost first): request id, tracing, panic
//! catcher, security headers, CSRF (Origin / Sec-Fetch-Site), body limit and timeout. Handlers are thin and
//! call [`los_store::Store`], which applies the access policy and writes the audit log.
#![forbid(unsafe_code)]

pub mod admin;
pub mod api;
pub mod auth;
pub mod case;
pub mod child_coordination;
pub mod error;
pub mod i18n;
pub mod idempotency;
pub mod input;
pub mod login;
pub mod mail;
pub mod pages;
pub mod reminders;
pub mod scim;
pub mod security;

use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use include_dir::{Dir, include_dir};
use los_store::Store;
use tower_http::csrf::CsrfLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

static ASSETS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/assets");

/// Shared state of the web layer.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    /// Demo mode: the login page offers the demo users.
    pub demo: bool,
    /// Mark cookies `Secure` (behind HTTPS); also sends `Strict-Transport-Security`.
    pub secure_cookies: bool,
    /// Failed log-ins and token checks per client address and minute.
    pub failures: security::FailureLimiter,
    /// The OpenID providers users log in with (none: only the demo picker, in demo mode).
    pub login: std::sync::Arc<login::Providers>,
    /// Where e-mail goes (meeting invitations); none when `[mail]` is not configured.
    pub mail: Option<std::sync::Arc<mail::Mailer>>,
}

impl AppState {
    /// How identity numbers typed by users are parsed: synthetic test numbers only in demo mode.
    pub fn ident_options(&self) -> los_domain::ident::ParseOptions {
        los_domain::ident::ParseOptions { allow_synthetic: self.demo }
    }
}

/// `GET /health`: the process runs and the database answers.
async fn health(State(st): State<AppState>) -> Response {
    match st.store.ping().await {
        Ok(()) => {
            axum::Json(serde_json::json!({"status": "ok", "database": st.store.backend().as_str()})).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable", "database": st.store.backend().as_str()})),
            )
                .into_response()
        }
    }
}

async fn asset(Path(path): Path<String>) -> Response {
    let Some(file) = ASSETS.get_file(&path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let mime = match path.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("woff2") => "font/woff2",
        Some("svg") => "image/svg+xml",
        Some("txt") | Some("md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "public, max-age=3600")], file.contents()).into_response()
}

fn security_headers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let headers: [(HeaderName, &'static str); 7] = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), payment=()"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (HeaderName::from_static("cross-origin-resource-policy"), "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    headers.into_iter().fold(router, |r, (name, value)| {
        r.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)))
    })
}

/// Every error the API answers is problem JSON, also those made before a handler runs: a path segment
/// that does not decode, a body over the limit, a request that took too long. Pages are left alone.
async fn api_problems(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let status = res.status();
    if !api || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_problem =
        res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if is_problem {
        return res;
    }
    let code = match status.as_u16() {
        400 => "input.malformed",
        404 => "not_found",
        405 => "method_not_allowed",
        408 => "timeout",
        413 => "input.too_large",
        _ => "error",
    };
    let detail = status.canonical_reason().unwrap_or("error").to_lowercase();
    error::ApiError(error::AppError::new(status, code, detail)).into_response()
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let hsts = state.secure_cookies;
    let api = api::router()
        .split_for_parts()
        .0
        .route("/openapi.json", get(api::openapi))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state.clone(), idempotency::layer));

    let app = Router::new()
        .route("/", get(pages::home))
        .route("/health", get(health))
        .route("/assets/{*path}", get(asset))
        .route("/logg-inn", get(pages::login_form).post(pages::login))
        .route("/logg-inn/{provider}", get(login::start))
        .route("/logg-inn/{provider}/callback", get(login::callback))
        .route("/logg-ut", post(login::logout))
        .route("/logg-ut/{provider}/frontkanal", get(login::front_channel_logout))
        .route("/sprak", post(pages::set_language))
        .route("/tjenester", get(pages::services))
        .route("/tjenester/{id}", get(pages::service))
        .route("/lovverk", get(pages::laws))
        .route("/kommuner", get(pages::municipalities))
        .merge(case::page_routes())
        .merge(admin::page_routes())
        .merge(child_coordination::page_routes())
        .nest("/api/v1", api)
        .nest(scim::BASE, scim::router())
        .fallback(pages::not_found)
        .with_state(state);

    let x_request_id = HeaderName::from_static("x-request-id");
    let app = if hsts {
        app.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ))
    } else {
        app
    };
    security_headers(app)
        .layer(axum::middleware::from_fn(security::no_store))
        .layer(axum::middleware::from_fn(security::refuse_nul_in_uri))
        .layer(CsrfLayer::new())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(1024 * 1024))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(axum::middleware::from_fn(api_problems))
        .layer(axum::middleware::from_fn(scim::errors))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            // The path is logged (bounded and escaped), never query strings (they may carry search terms).
            let path = security::loggable(req.uri().path());
            let id = security::loggable(id);
            tracing::info_span!("request", method = %req.method(), path = %path, request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
}

/// Parses a local time as a browser's `datetime-local` field sends it (`2026-12-10T09:00`, seconds optional).
pub(crate) fn parse_local_time(s: &str) -> Option<chrono::NaiveDateTime> {
    let s = s.trim();
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()
}
