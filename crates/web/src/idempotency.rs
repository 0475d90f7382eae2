//! `Idempotency-Key` on API writes: a client that retries a POST after a lost answer sends the same key and
//! gets the first answer again (with `Idempotent-Replayed: true`) instead of writing twice. The key belongs
//! to the caller's credential; the same key with another request is refused (422), and a retry while the
//! first request still runs gets 409. Only successful answers are kept (24 hours); a refused or failed
//! request frees its key, since it wrote nothing. The rules live in [`los_store::idempotency`].

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use los_store::Idempotency;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::{ApiError, AppError};

pub const HEADER: &str = "idempotency-key";
const MAX_BODY: usize = 1024 * 1024;

fn valid_key(k: &str) -> bool {
    (1..=255).contains(&k.len()) && k.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

fn problem(status: StatusCode, code: &str, detail: &str) -> Response {
    ApiError(AppError::new(status, code, detail)).into_response()
}

/// Middleware on the API router.
pub async fn layer(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(raw) = req.headers().get(HEADER) else { return next.run(req).await };
    let key = match raw.to_str() {
        Ok(k) if valid_key(k) => k.to_owned(),
        _ => {
            return problem(
                StatusCode::BAD_REQUEST,
                "idempotency.key",
                "Idempotency-Key must be 1 to 255 printable ASCII characters",
            );
        }
    };
    // Only a live credential has keys: without one (none, unknown, expired, revoked) the request goes on and
    // the handler answers 401, so a kept answer is never given to a credential that no longer holds.
    let Some(auth) = req.headers().get(header::AUTHORIZATION) else { return next.run(req).await };
    let token = auth.to_str().ok().and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")));
    let live = match token {
        Some(t) => st.store.user_for_token(t.trim(), los_store::TokenKind::Api).await.ok().flatten().is_some(),
        None => false,
    };
    if !live {
        return next.run(req).await;
    }
    let scope = hex::encode(Sha256::digest(auth.as_bytes()));
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return problem(StatusCode::PAYLOAD_TOO_LARGE, "input.too_large", "payload too large");
    };
    let fingerprint = fingerprint(&parts, &bytes);
    match st.store.idempotency_begin(&scope, &key, &fingerprint).await {
        Err(e) => ApiError::from(e).into_response(),
        Ok(Idempotency::Mismatch) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency.key_reused",
            "this Idempotency-Key was used for another request; use a new key for a new request",
        ),
        Ok(Idempotency::InProgress) => problem(
            StatusCode::CONFLICT,
            "idempotency.in_progress",
            "the first request with this Idempotency-Key is still running; try again shortly",
        ),
        Ok(Idempotency::Replay { status, content_type, body }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut res = (status, body).into_response();
            let headers = res.headers_mut();
            headers.remove(header::CONTENT_TYPE);
            if let Some(ct) = content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
                headers.insert(header::CONTENT_TYPE, ct);
            }
            headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
            res
        }
        Ok(Idempotency::Run) => {
            let res = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            if !res.status().is_success() {
                release(&st, &scope, &key).await;
                return res;
            }
            let (rparts, rbody) = res.into_parts();
            let Ok(rbytes) = to_bytes(rbody, MAX_BODY).await else {
                release(&st, &scope, &key).await;
                return problem(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the answer could not be read");
            };
            let ct = rparts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
            match std::str::from_utf8(&rbytes) {
                Ok(text) => {
                    if let Err(e) = st.store.idempotency_finish(&scope, &key, rparts.status.as_u16(), ct, text).await {
                        tracing::error!(error = %e, "idempotency: answer not kept");
                        release(&st, &scope, &key).await;
                    }
                }
                Err(_) => release(&st, &scope, &key).await,
            }
            Response::from_parts(rparts, Body::from(rbytes))
        }
    }
}

/// What makes two requests the same: method, path and query, content type and body.
fn fingerprint(parts: &axum::http::request::Parts, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(parts.method.as_str());
    h.update(b"\n");
    h.update(parts.uri.path_and_query().map_or("", |p| p.as_str()));
    h.update(b"\n");
    h.update(parts.headers.get(header::CONTENT_TYPE).map_or(&b""[..], |v| v.as_bytes()));
    h.update(b"\n");
    h.update(body);
    hex::encode(h.finalize())
}

async fn release(st: &AppState, scope: &str, key: &str) {
    if let Err(e) = st.store.idempotency_release(scope, key).await {
        tracing::error!(error = %e, "idempotency: key not released");
    }
}
