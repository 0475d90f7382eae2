//! SCIM 2.0 provisioning (RFC 7643/7644) at `/scim/v2`, as Microsoft Entra ID sends it: `/Users` and
//! `/Groups` with the filters Entra uses, the discovery endpoints, bearer tokens made by
//! `los scim token create`. Every answer is `application/scim+json`; every error is a SCIM error body
//! (`urn:ietf:params:scim:api:messages:2.0:Error`), also those made before a handler runs ([`errors`]).
//!
//! Not part of the `/api/v1` OpenAPI document: SCIM describes itself (`/Schemas`, `/ResourceTypes`).
//! The handlers are thin: [`protocol`] parses the request into the store's typed input, the store
//! (`los_store::scim`) writes and audits, [`protocol`] renders the answer.

mod discovery;
pub mod protocol;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use los_store::StoreError;
use los_store::scim::{MAX_PAGE, ScimClient};
use serde_json::{Value, json};

use crate::AppState;

/// Where the SCIM service is mounted; resources' `meta.location` is under it.
pub const BASE: &str = "/scim/v2";
pub const CONTENT_TYPE: &str = "application/scim+json";
const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// A SCIM error: the HTTP status, the `scimType` RFC 7644 §3.12 gives for a 400 or 409, and what is wrong.
#[derive(Debug)]
pub struct ScimError {
    pub status: StatusCode,
    pub scim_type: Option<&'static str>,
    pub detail: String,
    retry_after: Option<u64>,
}

impl ScimError {
    pub fn new(status: StatusCode, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        ScimError { status, scim_type, detail: detail.into(), retry_after: None }
    }

    fn bad(scim_type: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }

    pub fn invalid_filter(detail: impl Into<String>) -> Self {
        Self::bad("invalidFilter", detail)
    }

    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::bad("invalidSyntax", detail)
    }

    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::bad("invalidValue", detail)
    }

    pub fn invalid_path(detail: impl Into<String>) -> Self {
        Self::bad("invalidPath", detail)
    }

    pub fn no_target(detail: impl Into<String>) -> Self {
        Self::bad("noTarget", detail)
    }

    pub fn mutability(detail: impl Into<String>) -> Self {
        Self::bad("mutability", detail)
    }

    fn unauthorized(detail: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, None, detail)
    }
}

impl From<StoreError> for ScimError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { kind, id } => {
                ScimError::new(StatusCode::NOT_FOUND, None, format!("{kind} {id} was not found"))
            }
            // The directory's own refusals of a value another user has (`save_employee`) too.
            StoreError::Invalid {
                code: "scim.uniqueness" | "admin.email_taken" | "admin.subject_taken",
                message,
                ..
            } => ScimError::new(StatusCode::CONFLICT, Some("uniqueness"), message),
            StoreError::Invalid { message, .. } => ScimError::invalid_value(message),
            StoreError::Denied(reason) => ScimError::new(StatusCode::FORBIDDEN, None, reason.detail),
            other => {
                tracing::error!(error = %other, "internal error in SCIM provisioning");
                ScimError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    None,
                    "something went wrong on our side; it has been logged",
                )
            }
        }
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut body =
            json!({"schemas": [ERROR_SCHEMA], "status": self.status.as_u16().to_string(), "detail": self.detail});
        if let Some(t) = self.scim_type {
            body["scimType"] = json!(t);
        }
        let mut res = scim(self.status, &body);
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"scim\""));
        }
        if let Some(s) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res
    }
}

/// A SCIM answer.
fn scim(status: StatusCode, body: &Value) -> Response {
    (status, [(header::CONTENT_TYPE, CONTENT_TYPE)], body.to_string()).into_response()
}

/// The directory client: `Authorization: Bearer <token>` with a live SCIM token. An address that sent
/// too many bad tokens is answered 429 first, as for the API.
pub struct Scim(pub ScimClient);

impl FromRequestParts<AppState> for Scim {
    type Rejection = ScimError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ip = crate::security::client_ip(parts);
        state.failures.check(ip).map_err(|wait| {
            let mut e = ScimError::new(StatusCode::TOO_MANY_REQUESTS, None, "too many failed token checks; try later");
            e.retry_after = Some(wait);
            e
        })?;
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ScimError::unauthorized("send the SCIM token as 'Authorization: Bearer <token>'"))?;
        match state.store.scim_client(token).await? {
            Some(client) => Ok(Scim(client)),
            None => {
                state.failures.fail(ip);
                Err(ScimError::unauthorized("the token is unknown or revoked; create one with 'los scim token create'"))
            }
        }
    }
}

/// The routes under [`BASE`].
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/Users", get(list_users).post(create_user))
        .route("/Users/", get(list_users).post(create_user))
        .route("/Users/{id}", get(get_user).put(replace_user).patch(patch_user).delete(delete_user))
        .route("/Groups", get(list_groups).post(create_group))
        .route("/Groups/", get(list_groups).post(create_group))
        .route("/Groups/{id}", get(get_group).patch(patch_group).delete(delete_group))
        .route("/ServiceProviderConfig", get(discovery::service_provider_config))
        .route("/Schemas", get(discovery::schemas))
        .route("/Schemas/{id}", get(discovery::schema))
        .route("/ResourceTypes", get(discovery::resource_types))
        .route("/ResourceTypes/{id}", get(discovery::resource_type))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found() -> ScimError {
    ScimError::new(StatusCode::NOT_FOUND, None, "no such SCIM endpoint")
}

async fn method_not_allowed() -> ScimError {
    ScimError::new(StatusCode::METHOD_NOT_ALLOWED, None, "this SCIM endpoint does not take that method")
}

/// Every error under `/scim` is a SCIM error body, also one made before a handler runs (a body over the
/// limit, a timeout, a path with a NUL, a panic, the CSRF check, a path outside the routes).
pub async fn errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let path = req.uri().path();
    let ours = path == "/scim" || path.starts_with("/scim/");
    let res = next.run(req).await;
    let status = res.status();
    if !ours || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    if res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(CONTENT_TYPE.as_bytes())) {
        return res;
    }
    let retry_after = res.headers().get(header::RETRY_AFTER).cloned();
    let scim_type = (status == StatusCode::BAD_REQUEST).then_some("invalidSyntax");
    let detail = status.canonical_reason().unwrap_or("error").to_lowercase();
    let mut out = ScimError::new(status, scim_type, detail).into_response();
    if let Some(r) = retry_after {
        out.headers_mut().insert(header::RETRY_AFTER, r);
    }
    out
}

// ---- request helpers ----

/// The query's parameters (`filter`, `startIndex`, `count`, `excludedAttributes`, `attributes`).
#[derive(Debug)]
struct ListQuery {
    filter: Option<String>,
    start_index: usize,
    count: usize,
    exclude_members: bool,
}

fn list_query(raw: Option<String>) -> Result<ListQuery, ScimError> {
    let pairs: Vec<(String, String)> = match raw {
        Some(q) => serde_html_form::from_str(&q).map_err(|_| ScimError::invalid_syntax("the query is not readable"))?,
        None => Vec::new(),
    };
    let find = |k: &str| pairs.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)).map(|(_, v)| v.clone());
    let number = |k: &str, default: i64| -> Result<i64, ScimError> {
        find(k).map_or(Ok(default), |v| {
            v.trim().parse::<i64>().map_err(|_| ScimError::invalid_value(format!("{k} is a whole number")))
        })
    };
    // RFC 7644 §3.4.2.4: a startIndex below 1 counts as 1, a negative count as 0.
    let start_index = usize::try_from(number("startIndex", 1)?.max(1)).unwrap_or(1);
    let count = usize::try_from(number("count", MAX_PAGE as i64)?.clamp(0, MAX_PAGE as i64)).unwrap_or(MAX_PAGE);
    let excluded = find("excludedAttributes").unwrap_or_default();
    let exclude_members = excluded.split(',').any(|a| {
        let a = a.trim().to_ascii_lowercase();
        a == "members" || a.ends_with(":members")
    });
    Ok(ListQuery { filter: find("filter"), start_index, count, exclude_members })
}

/// The JSON body, whatever its content type says (Entra ID sends `application/scim+json`).
fn body_json(body: &Bytes) -> Result<Value, ScimError> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| ScimError::invalid_syntax(format!("the body is not JSON: {e}")))?;
    if crate::security::json_has_nul(&v) {
        return Err(ScimError::invalid_value("a value contains a NUL character"));
    }
    Ok(v)
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

// ---- users ----

async fn list_users(State(st): State<AppState>, Scim(_): Scim, RawQuery(q): RawQuery) -> Result<Response, ScimError> {
    let q = list_query(q)?;
    let filter = protocol::user_filter(q.filter.as_deref())?;
    let page = st.store.scim_users(&filter, q.start_index, q.count).await?;
    Ok(scim(StatusCode::OK, &protocol::list_json(&page, |u| protocol::user_json(u, BASE))))
}

async fn get_user(State(st): State<AppState>, Scim(_): Scim, Path(id): Path<String>) -> Result<Response, ScimError> {
    let u = st.store.scim_user(&id).await?;
    Ok(scim(StatusCode::OK, &protocol::user_json(&u, BASE)))
}

async fn create_user(State(st): State<AppState>, Scim(c): Scim, body: Bytes) -> Result<Response, ScimError> {
    let input = protocol::user_input(&body_json(&body)?)?;
    let u = st.store.scim_create_user(&c, &input).await?;
    let mut res = scim(StatusCode::CREATED, &protocol::user_json(&u, BASE));
    if let Ok(loc) = HeaderValue::from_str(&format!("{BASE}/Users/{}", u.id)) {
        res.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(res)
}

async fn replace_user(
    State(st): State<AppState>,
    Scim(c): Scim,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ScimError> {
    let input = protocol::user_input(&body_json(&body)?)?;
    let u = st.store.scim_replace_user(&c, &id, &input).await?;
    Ok(scim(StatusCode::OK, &protocol::user_json(&u, BASE)))
}

async fn patch_user(
    State(st): State<AppState>,
    Scim(c): Scim,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ScimError> {
    let changes = protocol::user_changes(&body_json(&body)?)?;
    let u = st.store.scim_patch_user(&c, &id, changes).await?;
    Ok(scim(StatusCode::OK, &protocol::user_json(&u, BASE)))
}

async fn delete_user(State(st): State<AppState>, Scim(c): Scim, Path(id): Path<String>) -> Result<Response, ScimError> {
    st.store.scim_delete_user(&c, &id).await?;
    Ok(no_content())
}

// ---- groups ----

async fn list_groups(State(st): State<AppState>, Scim(_): Scim, RawQuery(q): RawQuery) -> Result<Response, ScimError> {
    let q = list_query(q)?;
    let filter = protocol::group_filter(q.filter.as_deref())?;
    let with_members = !q.exclude_members;
    let page = st.store.scim_groups(&filter, q.start_index, q.count, with_members).await?;
    Ok(scim(StatusCode::OK, &protocol::list_json(&page, |g| protocol::group_json(g, BASE, with_members))))
}

async fn get_group(
    State(st): State<AppState>,
    Scim(_): Scim,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ScimError> {
    let with_members = !list_query(q)?.exclude_members;
    let g = st.store.scim_group(&id, with_members).await?;
    Ok(scim(StatusCode::OK, &protocol::group_json(&g, BASE, with_members)))
}

async fn create_group(State(st): State<AppState>, Scim(c): Scim, body: Bytes) -> Result<Response, ScimError> {
    let input = protocol::group_input(&body_json(&body)?)?;
    let g = st.store.scim_create_group(&c, &input).await?;
    let mut res = scim(StatusCode::CREATED, &protocol::group_json(&g, BASE, true));
    if let Ok(loc) = HeaderValue::from_str(&format!("{BASE}/Groups/{}", g.id)) {
        res.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(res)
}

/// Answers 204, as Entra ID expects (returning the member list "is not advisable").
async fn patch_group(
    State(st): State<AppState>,
    Scim(c): Scim,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ScimError> {
    let changes = protocol::group_changes(&body_json(&body)?)?;
    st.store.scim_patch_group(&c, &id, changes).await?;
    Ok(no_content())
}

async fn delete_group(
    State(st): State<AppState>,
    Scim(c): Scim,
    Path(id): Path<String>,
) -> Result<Response, ScimError> {
    st.store.scim_delete_group(&c, &id).await?;
    Ok(no_content())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_queries() {
        let q = list_query(Some("excludedAttributes=members&filter=displayName%20eq%20%22x%22".into())).unwrap();
        assert!(q.exclude_members);
        assert_eq!(q.filter.as_deref(), Some("displayName eq \"x\""));
        let q = list_query(Some("startIndex=0&count=-4".into())).unwrap();
        assert_eq!((q.start_index, q.count), (1, 0));
        let q = list_query(None).unwrap();
        assert_eq!((q.start_index, q.count, q.exclude_members), (1, MAX_PAGE, false));
        assert_eq!(list_query(Some("count=many".into())).unwrap_err().scim_type, Some("invalidValue"));
    }
}
