//! HTTP for Los: server-rendered pages and the JSON API, on axum.
//!
//! `router(state)` builds the whole application. Layers (outermost first): request id, tracing, panic
//! catcher, security headers, CSRF (Origin / Sec-Fetch-Site), body limit and timeout. Handlers are thin and
//! call [`los_store::Store`], which applies the access policy and writes the audit log.
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod casepages;
pub mod error;
pub mod i18n;
pub mod pages;
pub mod reminders;

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
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
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

/// The whole application.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/openapi.json", get(api::openapi))
        .route("/me", get(api::me))
        .route("/services", get(api::list_services))
        .route("/services/{id}", get(api::get_service))
        .route("/laws", get(api::list_laws))
        .route("/provisions", get(api::list_provisions))
        .route("/service-types", get(api::list_service_types))
        .route("/municipalities", get(api::list_municipalities))
        .route("/municipalities/{kommunenummer}", get(api::get_municipality))
        .route("/organisations/{orgnr}", get(api::get_organisation_by_orgnr))
        .route("/cases", get(api::list_cases))
        .route("/cases/{id}", get(api::get_case))
        .route("/cases/{id}/consents", post(api::create_consent))
        .route("/cases/{id}/notes", post(api::create_note))
        .route("/cases/{id}/break-glass", post(api::break_glass))
        .route("/consents/{id}/withdraw", post(api::withdraw_consent))
        .route("/consents/{id}/renew", post(api::renew_consent))
        .route("/me/access-log", get(api::my_access_log))
        .route("/me/tasks", get(api::my_tasks))
        .route("/cases/{id}/participants", post(api::add_participant))
        .route("/cases/{id}/participants/{service}/leave", post(api::leave_participant))
        .route("/cases/{id}/assessments", post(api::create_assessment))
        .route("/cases/{id}/coordinator", post(api::assign_coordinator))
        .route("/cases/{id}/coordinator/communicated", post(api::coordinator_communicated))
        .route("/cases/{id}/disputes", post(api::raise_dispute))
        .route("/cases/{id}/transitions", post(api::record_transition))
        .route("/cases/{id}/plan", post(api::add_plan_item))
        .route("/cases/{id}/non-compliance", post(api::report_non_compliance))
        .route("/cases/{id}/sentence", post(api::start_sentence))
        .route("/cases/{id}/mappings", post(api::record_mapping))
        .route("/cases/{id}/hearings", post(api::record_hearing))
        .route("/cases/{id}/best-interests", post(api::record_best_interests))
        .route("/cases/{id}/municipalities", post(api::set_municipalities))
        .route("/cases/{id}/decisions", post(api::record_external_decision))
        .route("/cases/{id}/outcomes", post(api::record_outcome))
        .route("/cases/{id}/rights", post(api::record_screening))
        .route("/cases/{id}/feedback", post(api::send_feedback))
        .route("/cases/{id}/feedback/{feedback}/resolve", post(api::resolve_feedback))
        .route("/cases/{id}/meetings", post(api::schedule_meetings))
        .route("/cases/{id}/meetings/{meeting}/minutes", post(api::record_minutes))
        .route("/cases/{id}/meetings/{meeting}/cancel", post(api::cancel_meeting))
        .route("/cases/{id}/meetings/{meeting}/preparation/{item}", post(api::set_preparation))
        .route("/cases/{id}/meetings/{meeting}/actions", post(api::add_meeting_action))
        .route("/cases/{id}/actions/{action}/done", post(api::complete_meeting_action))
        .route("/cases/{id}/plan/{item}/revisions", post(api::revise_plan_item))
        .route("/cases/{id}/plan/{item}/status", post(api::set_plan_status))
        .route("/decision-makers", get(api::decision_makers).post(api::set_decision_maker))
        .route("/reports/access", get(api::access_report))
        .fallback(api::not_found);

    let app = Router::new()
        .route("/", get(pages::home))
        .route("/health", get(health))
        .route("/assets/{*path}", get(asset))
        .route("/logg-inn", get(pages::login_form).post(pages::login))
        .route("/logg-ut", post(pages::logout))
        .route("/sprak", post(pages::set_language))
        .route("/tjenester", get(pages::services))
        .route("/tjenester/{id}", get(pages::service))
        .route("/lovverk", get(pages::laws))
        .route("/kommuner", get(pages::municipalities))
        .route("/saker", get(casepages::cases))
        .route("/oppgaver", get(casepages::tasks))
        .route("/saker/{id}", get(casepages::case))
        .route("/saker/{id}/notater", post(casepages::add_note))
        .route("/saker/{id}/samtykker", post(casepages::add_consent))
        .route("/saker/{id}/hjemler", post(casepages::add_legal_basis))
        .route("/saker/{id}/nodtilgang", post(casepages::break_glass))
        .route("/saker/{id}/anonym", post(casepages::anonymise))
        .route("/saker/{id}/helse-skjerming", post(casepages::health_privacy))
        .route("/saker/{id}/familie", post(casepages::invite_relative))
        .route("/saker/{id}/vurderinger", post(casepages::add_assessment))
        .route("/saker/{id}/kartlegging", post(casepages::record_mapping))
        .route("/saker/{id}/samtale", post(casepages::record_hearing))
        .route("/saker/{id}/barnets-beste", post(casepages::record_best_interests))
        .route("/saker/{id}/tjenester", post(casepages::add_participant))
        .route("/saker/{id}/tjenester/avslutt", post(casepages::leave_participant))
        .route("/saker/{id}/samordning", post(casepages::assign_coordinator))
        .route("/saker/{id}/samordning/informert", post(casepages::mark_communicated))
        .route("/saker/{id}/uenighet", post(casepages::raise_dispute))
        .route("/saker/{id}/overgang", post(casepages::record_transition))
        .route("/saker/{id}/plan", post(casepages::add_plan_item))
        .route("/saker/{id}/plan/{item}/status", post(casepages::set_plan_status))
        .route("/saker/{id}/straff/avvik", post(casepages::report_non_compliance))
        .route("/saker/{id}/straff", post(casepages::start_sentence))
        .route("/saker/{id}/vedtak", post(casepages::record_external_decision))
        .route("/saker/{id}/resultat", post(casepages::record_outcome))
        .route("/saker/{id}/rettigheter", post(casepages::record_screening))
        .route("/saker/{id}/meldinger", post(casepages::send_feedback))
        .route("/saker/{id}/meldinger/{feedback}/lost", post(casepages::resolve_feedback))
        .route("/saker/{id}/moter", post(casepages::schedule_meetings))
        .route("/saker/{id}/moter.ics", get(casepages::meetings_calendar))
        .route("/saker/{id}/moter/{meeting}/referat", post(casepages::record_minutes))
        .route("/saker/{id}/moter/{meeting}/avlys", post(casepages::cancel_meeting))
        .route("/saker/{id}/moter/{meeting}/forberedelse/{item}", post(casepages::set_preparation))
        .route("/saker/{id}/moter/{meeting}/oppfolging", post(casepages::add_meeting_action))
        .route("/saker/{id}/oppfolging/{action}/utfort", post(casepages::complete_meeting_action))
        .route("/saker/{id}/plan/{item}/endre", post(casepages::revise_plan_item))
        .route("/hvem-bestemmer", get(casepages::who_decides).post(casepages::set_decision_maker))
        .route("/saker/{id}/familie/fjern", post(casepages::revoke_relative))
        .route("/samtykker/{id}/trekk", post(casepages::withdraw_consent))
        .route("/samtykker/{id}/forny", post(casepages::renew_consent))
        .route("/meg/tilgangslogg", get(casepages::access_log))
        .route("/rapporter/tilgang", get(casepages::access_report))
        .route("/rapporter/nodtilgang/{id}/gjennomgatt", post(casepages::review_break_glass))
        .nest("/api/v1", api)
        .fallback(pages::not_found)
        .with_state(state);

    let x_request_id = HeaderName::from_static("x-request-id");
    security_headers(app)
        .layer(CsrfLayer::new())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(1024 * 1024))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            // The path is logged, never query strings (they may carry search terms).
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
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
