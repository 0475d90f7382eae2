//! Access beyond the ordinary: break-the-glass, a health service's privacy decision for a young person
//! (pbrl § 3-4), anonymous consultation, the family's "who has seen my data" and leaders' access report.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderName, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::Utc;
use los_store::{AccessLogLine, AccessReport, LogPage, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::view::{DeniedPage, FieldError, case_page, translate_store_error};
use super::{Rejected, after, user};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::input::{ApiQuery, JsonOrForm, flag};
use crate::pages::{Base, PageResult, page_err, render};

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/nodtilgang", post(break_glass_page))
        .route("/saker/{id}/anonym", post(anonymise))
        .route("/saker/{id}/helse-skjerming", post(health_privacy))
        .route("/meg/tilgangslogg", get(access_log_page))
        .route("/rapporter/tilgang", get(access_report_page))
        .route("/rapporter/nodtilgang/{id}/gjennomgatt", post(review_break_glass))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(break_glass)).routes(routes!(my_access_log)).routes(routes!(access_report))
}

/// Opening a case in an emergency: the reason, which leaders review.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BreakGlassInput {
    #[serde(default)]
    reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct GrantDto {
    id: String,
    case_id: String,
    expires_at: chrono::DateTime<chrono::Utc>,
}

pub async fn break_glass_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<BreakGlassInput>,
) -> PageResult {
    let u = user(&ctx)?;
    match st.store.break_glass(u, &id, &f.reason).await {
        Ok(_) => Ok(Redirect::to(&super::case_url(&id, "")).into_response()),
        Err(e @ (StoreError::Invalid { .. } | StoreError::Denied(_))) => {
            let message = translate_store_error(&ctx, &e);
            let page = DeniedPage {
                base: Base::new(&ctx, st.demo),
                case_id: id,
                explanation: ctx.tr.get("break-glass-lead"),
                can_break_glass: matches!(e, StoreError::Invalid { .. }),
                error: Some(FieldError { field: "reason".into(), message }),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(page_err(&ctx)(e.into())),
    }
}

/// Opens a case in an emergency with a reason: time-limited, flagged to leaders, visible to the family.
#[utoipa::path(post, path = "/cases/{id}/break-glass", params(("id" = String, Path)), request_body = BreakGlassInput, responses((status = 201, body = GrantDto)))]
pub async fn break_glass(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<BreakGlassInput>,
) -> Result<(StatusCode, Json<GrantDto>), ApiError> {
    let g = st.store.break_glass(&user, &id, &i.reason).await?;
    Ok((StatusCode::CREATED, Json(GrantDto { id: g.id, case_id: g.case_id, expires_at: g.expires_at })))
}

#[derive(Debug, Deserialize)]
pub struct AnonymiseForm {
    #[serde(default)]
    text: String,
}

pub async fn anonymise(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<AnonymiseForm>,
) -> PageResult {
    let u = user(&ctx)?;
    match st.store.anonymise_summary(u, &id, &f.text).await {
        Ok(a) => case_page(&st, &ctx, &id, None, Some((f.text, a))).await,
        Err(e) => after(&st, &ctx, &id, "anonym", Err(Rejected::at("anon-text", e))).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct HealthPrivacyForm {
    #[serde(default)]
    service: String,
    #[serde(default, deserialize_with = "flag")]
    private: bool,
}

pub async fn health_privacy(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<HealthPrivacyForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.set_health_privacy(u, &id, &f.service, f.private).await;
    after(&st, &ctx, &id, "helse", r.map_err(|e| Rejected::at("health-privacy", e))).await
}

#[derive(Template)]
#[template(path = "access_log.html")]
struct AccessLogPage {
    base: Base,
    lines: Vec<AccessLogLine>,
    total: u64,
    /// The first line shown (1-based) and the last.
    shown: (u64, u64),
    /// Offsets of the newer and the older page, when there is one.
    newer: Option<u64>,
    older: Option<u64>,
}

/// Which page of the access log: newest first, `limit` lines (default 100, at most 500) from `offset`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct LogQuery {
    /// Lines to skip, newest first (default 0).
    #[serde(default, alias = "fra")]
    offset: u64,
    /// Lines on the page (default 100, at most 500).
    limit: Option<u64>,
}

impl LogQuery {
    fn page(&self) -> LogPage {
        LogPage { offset: self.offset, limit: self.limit.unwrap_or(LogPage::default().limit).clamp(1, LogPage::MAX) }
    }
}

pub async fn access_log_page(State(st): State<AppState>, ctx: Ctx, Query(q): Query<LogQuery>) -> PageResult {
    let u = user(&ctx)?;
    let page = q.page();
    let log = st.store.access_log_for(u, page).await.map_err(|e| page_err(&ctx)(e.into()))?;
    let shown = (page.offset + 1, page.offset + log.lines.len() as u64);
    Ok(render(&AccessLogPage {
        base: Base::new(&ctx, st.demo),
        total: log.total,
        shown,
        newer: (page.offset > 0).then(|| page.offset.saturating_sub(page.limit)),
        older: (shown.1 < log.total).then_some(shown.1),
        lines: log.lines,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct AccessLogDto {
    at: chrono::DateTime<chrono::Utc>,
    case_id: String,
    /// The employee's name, or the caller's own; null for another citizen, whose name is never shown.
    who: Option<String>,
    service: Option<String>,
    role: Option<String>,
    action: String,
    /// The main information category of the access.
    category: Option<String>,
    /// Every information category the access read in this case (one line per access, not per item).
    categories: Vec<String>,
    /// allow | deny
    outcome: String,
    basis: String,
    /// The child of this case has a strictly confidential address the caller may not know: who read, from
    /// which service, in which role and on which basis are left out, since each can name where the child is.
    location_hidden: bool,
}

/// The caller's (a citizen's) access log of their own and their children's cases, newest first, one page at
/// a time; `X-Total-Count` says how many lines there are in all.
#[utoipa::path(get, path = "/me/access-log", params(LogQuery), responses((status = 200, body = Vec<AccessLogDto>,
    headers(("X-Total-Count" = u64, description = "lines in the whole log")))))]
pub async fn my_access_log(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(q): ApiQuery<LogQuery>,
) -> Result<([(HeaderName, String); 1], Json<Vec<AccessLogDto>>), ApiError> {
    let log = st.store.access_log_for(&user, q.page()).await?;
    Ok((
        [(HeaderName::from_static("x-total-count"), log.total.to_string())],
        Json(
            log.lines
                .into_iter()
                .map(|l| AccessLogDto {
                    at: l.at,
                    case_id: l.case_id,
                    who: l.who,
                    service: l.service,
                    role: l.role,
                    action: l.action,
                    category: l.category,
                    categories: l.categories,
                    outcome: l.outcome,
                    basis: l.basis,
                    location_hidden: l.location_hidden,
                })
                .collect(),
        ),
    ))
}

#[derive(Template)]
#[template(path = "access_report.html")]
struct AccessReportPage {
    base: Base,
    report: AccessReport,
    days: i64,
}

/// How far back the report goes: `dager` on the page, `days` in the API (default 31, at most 3650).
#[derive(Debug, Deserialize, IntoParams)]
pub struct ReportQuery {
    /// Days back (default 31).
    #[serde(alias = "dager")]
    days: Option<i64>,
}

impl ReportQuery {
    fn days(&self) -> i64 {
        self.days.unwrap_or(31).clamp(1, 3650)
    }
}

pub async fn access_report_page(State(st): State<AppState>, ctx: Ctx, Query(q): Query<ReportQuery>) -> PageResult {
    let u = user(&ctx)?;
    let days = q.days();
    let since = Utc::now() - chrono::Duration::days(days);
    let report = st.store.access_report(u, since).await.map_err(|e| page_err(&ctx)(e.into()))?;
    Ok(render(&AccessReportPage { base: Base::new(&ctx, st.demo), report, days }))
}

#[derive(Serialize, ToSchema)]
pub struct AccessReportDto {
    since: chrono::DateTime<chrono::Utc>,
    reads_allowed: usize,
    denials: usize,
    break_glass: Vec<serde_json::Value>,
}

/// Leaders' internal-control report on access.
#[utoipa::path(get, path = "/reports/access", params(ReportQuery), responses((status = 200, body = AccessReportDto)))]
pub async fn access_report(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<AccessReportDto>, ApiError> {
    let since = chrono::Utc::now() - chrono::Duration::days(q.days());
    let r = st.store.access_report(&user, since).await?;
    Ok(Json(AccessReportDto {
        since: r.since,
        reads_allowed: r.reads_allowed,
        denials: r.denials,
        break_glass: r.break_glass.into_iter().map(|g| serde_json::to_value(g).unwrap_or_default()).collect(),
    }))
}

pub async fn review_break_glass(State(st): State<AppState>, ctx: Ctx, Path(gid): Path<String>) -> PageResult {
    let u = user(&ctx)?;
    st.store.review_break_glass(u, &gid).await.map_err(|e| page_err(&ctx)(e.into()))?;
    Ok(Redirect::to("/rapporter/tilgang").into_response())
}
