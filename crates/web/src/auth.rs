//! Who is asking: the browser session (cookie) or an API client (bearer token), and in which language.
//! Sessions and API tokens are both rows of the store's token table (only a hash of the secret is kept),
//! so one audited mechanism serves both; tower-sessions would add a second store for the same job.

use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, header, request::Parts};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use los_domain::model::User;
use los_store::TokenKind;

use crate::AppState;
use crate::error::{ApiError, AppError};
use crate::i18n::{Lang, Tr};

pub const SESSION_COOKIE: &str = "los_session";
pub const LANG_COOKIE: &str = "los_lang";

/// The language for this request: cookie, then `Accept-Language`, then bokmål.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    let jar = CookieJar::from_headers(headers);
    jar.get(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .or_else(|| {
            headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// Page context: the signed-in user (if any) and the language.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub user: Option<User>,
    pub tr: Tr,
    pub session: Option<String>,
    pub path: String,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let tr = Tr::new(lang_of(&parts.headers));
        let jar = CookieJar::from_headers(&parts.headers);
        let session = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned());
        let user = match &session {
            Some(secret) => state.store.user_for_token(secret, TokenKind::Session).await.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "session lookup failed");
                None
            }),
            None => None,
        };
        let path = parts.uri.path().to_owned();
        Ok(Ctx { user, tr, session, path })
    }
}

impl Ctx {
    /// The signed-in user, or the error that sends the visitor to the login page.
    pub fn require_user(&self) -> Result<&User, AppError> {
        self.user.as_ref().ok_or_else(AppError::unauthorized)
    }
}

/// An API caller authenticated by `Authorization: Bearer <token>`.
#[derive(Debug, Clone)]
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // An address that sent too many bad tokens is answered 429 before its token is even looked up.
        let ip = crate::security::client_ip(parts);
        state.failures.check(ip).map_err(crate::security::too_many)?;
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(AppError::unauthorized)?;
        let token =
            header.strip_prefix("Bearer ").or_else(|| header.strip_prefix("bearer ")).map(str::trim).ok_or_else(
                || AppError::bad_request("bad_authorization", "the Authorization header must be 'Bearer <token>'"),
            )?;
        match state.store.user_for_token(token, TokenKind::Api).await? {
            Some(user) => Ok(ApiUser(user)),
            None => {
                state.failures.fail(ip);
                Err(AppError::new(
                    axum::http::StatusCode::UNAUTHORIZED,
                    "invalid_token",
                    "the token is unknown, expired or revoked; create one with 'los token create --user ID'",
                )
                .into())
            }
        }
    }
}

/// The session cookie for a new login.
pub fn session_cookie(secret: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, secret)).path("/").http_only(true).same_site(SameSite::Lax).secure(secure).build()
}

/// The language cookie.
pub fn lang_cookie(lang: Lang, secure: bool) -> Cookie<'static> {
    Cookie::build((LANG_COOKIE, lang.code())).path("/").same_site(SameSite::Lax).secure(secure).permanent().build()
}
