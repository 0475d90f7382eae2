//! Log-in over OpenID Connect: citizens with ID-porten, staff with the municipality's Entra ID or HelseID,
//! several providers at once from the configuration.
//!
//! `GET /logg-inn/{provider}` starts the authorization code flow with PKCE (S256), `state` and `nonce`;
//! `GET /logg-inn/{provider}/callback` checks the state, exchanges the code, verifies the ID token with the
//! `openidconnect` crate (signature against the provider's JWKS, issuer, audience, expiry, nonce), checks the
//! level of assurance (`acr`) for citizens, finds the user the municipality has recorded (the store's
//! `login.rs`) and starts a NEW session. Every refusal is a page in the user's language with a stable code
//! (`login.*`), answered 4xx, logged with ids only and counted by the failure limiter.
//!
//! Where the per-attempt secrets live: in the database (`login_attempt`), not in the browser. The browser
//! gets only a random key in a short-lived HttpOnly, SameSite=Lax cookie scoped to `/logg-inn`, which binds
//! the attempt to that browser (a callback in another browser finds no attempt: no login CSRF). The nonce
//! and the PKCE verifier never leave the server, nothing in the cookie needs signing, and an attempt is
//! deleted when its callback arrives, so a callback works once.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use los_domain::ident::{Fodselsnummer, ParseOptions};
use los_store::LoginAttempt;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl, LogoutRequest, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope,
    TokenResponse,
};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{Ctx, SESSION_COOKIE, session_cookie};
use crate::error::{AppError, PageError};
use crate::security::{ip_of, loggable, too_many};

/// The cookie holding the key of a log-in in progress.
pub const LOGIN_COOKIE: &str = "los_login";
/// How long a session lasts at most, however busy (the idle timeout is the store's setting).
const SESSION_HOURS: i64 = 8;
/// How long discovered provider metadata (endpoints and signing keys) is used before it is fetched again.
const METADATA_TTL: Duration = Duration::from_secs(300);

/// Who logs in with a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// Children, young people and parents (ID-porten): matched by the `pid` claim (fødselsnummer).
    Citizen,
    /// Employees (Entra ID, HelseID): matched by a configured claim.
    Staff,
}

/// One OpenID provider as configured (`[[oidc.providers]]`).
#[derive(Clone)]
pub struct ProviderConfig {
    /// Used in the URL: `/logg-inn/{id}`.
    pub id: String,
    /// Shown on the log-in button.
    pub name: String,
    pub kind: ProviderKind,
    /// The issuer; its `/.well-known/openid-configuration` is read.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Scopes besides `openid`.
    pub scopes: Vec<String>,
    /// Citizens: the lowest level of assurance accepted (`idporten-loa-high` unless configured).
    pub acr_required: String,
    /// Staff: the claim matched against a user's `external_subject` (e.g. `sub`, `oid`, `employee_id`).
    pub subject_claim: String,
    /// Staff: the claim matched against a user's e-mail address when the subject is not known (off if unset).
    pub email_claim: Option<String>,
    /// Staff: the HPR number's claim, matched against an `external_subject` of the form `hpr:NUMBER`.
    pub hpr_claim: Option<String>,
}

impl std::fmt::Debug for ProviderConfig {
    // The client secret stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

struct Provider {
    config: ProviderConfig,
    metadata: tokio::sync::Mutex<Option<(Instant, ProviderMetadataWithLogout)>>,
}

/// The configured providers, with their discovered metadata cached. Discovery happens at the first log-in,
/// not at start-up, so Los starts while a provider is down.
#[derive(Default)]
pub struct Providers {
    /// Where Los is served (`https://los.example.kommune.no`), for the redirect URIs.
    public_url: String,
    list: Vec<Provider>,
}

impl std::fmt::Debug for Providers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.list.iter().map(|p| &p.config)).finish()
    }
}

impl Providers {
    pub fn new(public_url: &str, configs: Vec<ProviderConfig>) -> Self {
        let list = configs.into_iter().map(|config| Provider { config, metadata: Default::default() }).collect();
        Providers { public_url: public_url.trim_end_matches('/').to_owned(), list }
    }

    /// Id and name of each provider, for the log-in page's buttons.
    pub fn buttons(&self) -> Vec<(String, String)> {
        self.list.iter().map(|p| (p.config.id.clone(), p.config.name.clone())).collect()
    }

    fn get(&self, id: &str) -> Result<&Provider, AppError> {
        self.list.iter().find(|p| p.config.id == id).ok_or_else(|| {
            AppError::new(StatusCode::NOT_FOUND, "login.unknown_provider", "no such log-in provider is configured")
        })
    }

    /// Where to send the browser after logging out of Los: the provider's end-session endpoint
    /// (RP-initiated logout), when it has one.
    pub async fn end_session_url(&self, provider: &str) -> Option<String> {
        let p = self.get(provider).ok()?;
        let metadata = p.metadata().await.ok()?;
        let endpoint = metadata.additional_metadata().end_session_endpoint.clone()?;
        let mut req = LogoutRequest::from(endpoint).set_client_id(ClientId::new(p.config.client_id.clone()));
        if let Ok(back) = PostLogoutRedirectUrl::new(format!("{}/", self.public_url)) {
            req = req.set_post_logout_redirect_uri(back);
        }
        Some(req.http_get_url().to_string())
    }
}

/// The HTTP client for the provider: no redirects (the discovery and token endpoints answer directly; a
/// redirect could point anywhere) and a time limit.
fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("an HTTP client without special settings")
}

impl Provider {
    async fn metadata(&self) -> Result<ProviderMetadataWithLogout, AppError> {
        let mut cached = self.metadata.lock().await;
        if let Some((at, m)) = cached.as_ref()
            && at.elapsed() < METADATA_TTL
        {
            return Ok(m.clone());
        }
        let unavailable = |e: &dyn std::fmt::Display| {
            tracing::warn!(provider = %self.config.id, error = %e, "OpenID provider discovery failed");
            AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "login.provider_unavailable",
                "the identity provider does not answer; try again in a while",
            )
        };
        let issuer = IssuerUrl::new(self.config.issuer.clone()).map_err(|e| unavailable(&e))?;
        let m =
            ProviderMetadataWithLogout::discover_async(issuer, &http_client()).await.map_err(|e| unavailable(&e))?;
        *cached = Some((Instant::now(), m.clone()));
        Ok(m)
    }

    async fn client(
        &self,
        public_url: &str,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        AppError,
    > {
        let metadata = self.metadata().await?;
        let redirect = RedirectUrl::new(format!("{public_url}/logg-inn/{}/callback", self.config.id))
            .map_err(|_| AppError::new(StatusCode::NOT_FOUND, "login.unknown_provider", "bad redirect URL"))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(self.config.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }
}

fn refused(status: StatusCode, code: &str, detail: &str) -> AppError {
    AppError::new(status, code, detail)
}

/// `GET /logg-inn/{provider}`: to the provider, with PKCE, state and nonce.
pub async fn start(
    State(st): State<AppState>,
    ctx: Ctx,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    jar: CookieJar,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let err = |error| PageError { error, tr: ctx.tr };
    let ip = ip_of(connect.as_ref().map(|c| &c.0));
    st.failures.check(ip).map_err(|wait| err(too_many(wait)))?;
    let p = st.login.get(&id).map_err(err)?;
    let client = p.client(&st.login.public_url).await.map_err(err)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut req = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .set_pkce_challenge(challenge)
        .add_extra_param("ui_locales", ctx.tr.lang.code());
    for s in p.config.scopes.iter().filter(|s| *s != "openid") {
        req = req.add_scope(Scope::new(s.clone()));
    }
    if p.config.kind == ProviderKind::Citizen {
        req = req.add_extra_param("acr_values", p.config.acr_required.clone());
    }
    let (url, state, nonce) = req.url();
    let attempt = LoginAttempt {
        provider: p.config.id.clone(),
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
    };
    let key = st.store.begin_login(&attempt).await.map_err(|e| err(e.into()))?;
    let cookie = Cookie::build((LOGIN_COOKIE, key))
        .path("/logg-inn")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(st.secure_cookies)
        .build();
    Ok((jar.add(cookie), Redirect::to(url.as_str())).into_response())
}

/// What the provider sends back to the callback.
#[derive(Debug, Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /logg-inn/{provider}/callback`: verify, match the user, start a new session.
pub async fn callback(
    State(st): State<AppState>,
    ctx: Ctx,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    jar: CookieJar,
    Path(id): Path<String>,
    Query(q): Query<Callback>,
) -> Response {
    let ip = ip_of(connect.as_ref().map(|c| &c.0));
    if let Err(wait) = st.failures.check(ip) {
        return PageError { error: too_many(wait), tr: ctx.tr }.into_response();
    }
    let key = jar.get(LOGIN_COOKIE).map(|c| c.value().to_owned());
    let jar = jar.remove(Cookie::build(LOGIN_COOKIE).path("/logg-inn"));
    let outcome = match verify(&st, &id, key.as_deref(), q).await {
        Ok(v) => start_session(&st, &ctx, &id, v).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok((user_id, secret)) => {
            tracing::info!(provider = %loggable(&id), user.id = %user_id, "log-in");
            (jar.add(session_cookie(secret, st.secure_cookies)), Redirect::to("/saker")).into_response()
        }
        Err(error) => {
            st.failures.fail(ip);
            tracing::warn!(provider = %loggable(&id), code = %error.code, "log-in refused");
            // Refusals at a configured provider are audited; an unknown provider in the URL is just a 404.
            if st.login.get(&id).is_ok()
                && let Err(e) = st.store.record_login_refused(&id, &error.code).await
            {
                tracing::error!(error = %e, "the refused log-in could not be audited");
            }
            (jar, PageError { error, tr: ctx.tr }).into_response()
        }
    }
}

/// Who the provider vouched for, once everything about the token checked out.
struct Verified {
    user_id: String,
    sid: Option<String>,
}

async fn verify(st: &AppState, id: &str, key: Option<&str>, q: Callback) -> Result<Verified, AppError> {
    let bad = |code: &str, detail: &str| refused(StatusCode::BAD_REQUEST, code, detail);
    let p = st.login.get(id)?;
    if q.error.is_some() {
        return Err(bad("login.provider_error", "the identity provider did not complete the log-in"));
    }
    let no_attempt = || bad("login.no_attempt", "no log-in was started in this browser, or it took too long");
    let attempt = st.store.take_login(key.ok_or_else(no_attempt)?).await?.ok_or_else(no_attempt)?;
    if attempt.provider != p.config.id || q.state.as_deref() != Some(attempt.state.as_str()) {
        return Err(bad("login.state", "the answer does not belong to the log-in started in this browser"));
    }
    let code = q.code.ok_or_else(|| bad("login.no_code", "the identity provider sent no authorization code"))?;
    let client = p.client(&st.login.public_url).await?;
    let exchange = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|_| bad("login.exchange", "the identity provider has no token endpoint"))?
        .set_pkce_verifier(PkceCodeVerifier::new(attempt.pkce_verifier));
    let token = exchange.request_async(&http_client()).await.map_err(|e| {
        tracing::warn!(provider = %p.config.id, error = %e, "code exchange failed");
        bad("login.exchange", "the identity provider refused the authorization code")
    })?;
    let id_token = token.id_token().ok_or_else(|| bad("login.token_invalid", "no ID token came back"))?;
    let claims = id_token.claims(&client.id_token_verifier(), &Nonce::new(attempt.nonce)).map_err(|e| {
        tracing::warn!(provider = %p.config.id, error = %e, "ID token refused");
        match e {
            ClaimsVerificationError::Expired(_) => bad("login.expired", "the ID token has expired"),
            ClaimsVerificationError::InvalidNonce(_) => bad("login.nonce", "the ID token is not for this log-in"),
            _ => bad("login.token_invalid", "the ID token did not verify"),
        }
    })?;
    let raw = raw_claims(&id_token.to_string()).ok_or_else(|| bad("login.token_invalid", "unreadable ID token"))?;
    let user_id = match p.config.kind {
        ProviderKind::Citizen => {
            let acr = claims.auth_context_ref().map(|a| a.as_str()).unwrap_or_default();
            if !acr_sufficient(acr, &p.config.acr_required) {
                return Err(refused(
                    StatusCode::FORBIDDEN,
                    "login.acr",
                    "the log-in's level of assurance is lower than Los requires",
                ));
            }
            citizen(st, &raw).await?
        }
        ProviderKind::Staff => staff(st, &p.config, &raw).await?,
    };
    let sid = raw.get("sid").and_then(serde_json::Value::as_str).map(str::to_owned);
    Ok(Verified { user_id: user_id.ok_or_else(not_registered)?, sid })
}

/// Rotation: the session the browser had (if any) ends, and a new one begins.
async fn start_session(st: &AppState, ctx: &Ctx, provider: &str, v: Verified) -> Result<(String, String), AppError> {
    if let Some(old) = &ctx.session {
        st.store.revoke_token(old).await?;
    }
    let ttl = chrono::Duration::hours(SESSION_HOURS);
    let secret = st.store.create_login_session(&v.user_id, provider, v.sid.as_deref(), ttl).await?;
    Ok((v.user_id, secret))
}

fn not_registered() -> AppError {
    refused(StatusCode::FORBIDDEN, "login.not_registered", "you are not registered in Los in this municipality")
}

fn missing_claim() -> AppError {
    refused(StatusCode::BAD_REQUEST, "login.claims", "the ID token lacks the claim that identifies the user")
}

/// ID-porten's levels, lowest first; an unknown value must match exactly.
fn acr_sufficient(acr: &str, required: &str) -> bool {
    const LEVELS: [&str; 2] = ["idporten-loa-substantial", "idporten-loa-high"];
    let rank = |a: &str| LEVELS.iter().position(|l| *l == a);
    match (rank(acr), rank(required)) {
        (Some(have), Some(need)) => have >= need,
        _ => !acr.is_empty() && acr == required,
    }
}

/// The claims of an ID token that has been verified, by name (for `pid` and the configured staff claims).
fn raw_claims(jwt: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn claim<'a>(raw: &'a serde_json::Map<String, serde_json::Value>, name: &str) -> Option<&'a str> {
    raw.get(name).and_then(serde_json::Value::as_str).filter(|s| !s.is_empty())
}

/// A citizen: the person with the `pid` claim's fødselsnummer, and the citizen user linked to them.
async fn citizen(st: &AppState, raw: &serde_json::Map<String, serde_json::Value>) -> Result<Option<String>, AppError> {
    let pid = claim(raw, "pid").ok_or_else(missing_claim)?;
    // Synthetic (test) numbers are accepted: they match only a person the municipality has recorded.
    let fnr = Fodselsnummer::parse_with(pid, ParseOptions { allow_synthetic: true }).map_err(|_| {
        refused(StatusCode::BAD_REQUEST, "login.claims", "the pid claim is not a national identity number")
    })?;
    Ok(st.store.citizen_for_fnr(&fnr).await?)
}

/// A staff member: the configured subject claim, then the HPR number, then (if configured) the e-mail.
async fn staff(
    st: &AppState,
    config: &ProviderConfig,
    raw: &serde_json::Map<String, serde_json::Value>,
) -> Result<Option<String>, AppError> {
    let subject = claim(raw, &config.subject_claim);
    let hpr = config.hpr_claim.as_deref().and_then(|c| claim(raw, c));
    let email = config.email_claim.as_deref().and_then(|c| claim(raw, c));
    if subject.is_none() && hpr.is_none() && email.is_none() {
        return Err(missing_claim());
    }
    if let Some(s) = subject
        && let Some(u) = st.store.staff_for_subject(s).await?
    {
        return Ok(Some(u));
    }
    if let Some(h) = hpr
        && let Some(u) = st.store.staff_for_subject(&format!("hpr:{h}")).await?
    {
        return Ok(Some(u));
    }
    match email {
        Some(e) => Ok(st.store.staff_for_email(e).await?),
        None => Ok(None),
    }
}

/// What an identity provider sends to end a session (front-channel logout: `iss` and `sid`).
#[derive(Debug, Deserialize)]
pub struct FrontChannel {
    iss: Option<String>,
    sid: Option<String>,
}

/// `GET /logg-ut/{provider}/frontkanal?iss=…&sid=…`: the provider ended its session; every Los session
/// logged in with that `sid` ends too. The browser sends no Los cookie here (it is a cross-site frame), so
/// the `sid` is what names the sessions.
pub async fn front_channel_logout(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<FrontChannel>,
) -> Result<Response, PageError> {
    let err = |error| PageError { error, tr: ctx.tr };
    let p = st.login.get(&id).map_err(err)?;
    let bad = || err(refused(StatusCode::BAD_REQUEST, "login.logout", "the logout request is not for this provider"));
    if q.iss.as_deref().is_some_and(|i| i.trim_end_matches('/') != p.config.issuer.trim_end_matches('/')) {
        return Err(bad());
    }
    let sid = q.sid.filter(|s| !s.is_empty()).ok_or_else(bad)?;
    let ended = st.store.revoke_sessions_by_sid(&p.config.id, &sid).await.map_err(|e| err(e.into()))?;
    tracing::info!(provider = %p.config.id, sessions = ended, "front-channel logout");
    Ok((StatusCode::OK, "").into_response())
}

/// Logout: the session ends in Los, then (when the session came from a provider with an end-session
/// endpoint) the browser goes there to end the provider's session too.
pub async fn logout(State(st): State<AppState>, ctx: Ctx, jar: CookieJar) -> Result<Response, PageError> {
    let err = |e: los_store::StoreError| PageError { error: e.into(), tr: ctx.tr };
    let mut to = "/".to_owned();
    if let Some(secret) = &ctx.session {
        let origin = st.store.session_origin(secret).await.map_err(err)?;
        st.store.revoke_token(secret).await.map_err(err)?;
        if let Some((provider, _)) = origin
            && let Some(url) = st.login.end_session_url(&provider).await
        {
            to = url;
        }
    }
    Ok((jar.remove(Cookie::build(SESSION_COOKIE).path("/")), Redirect::to(&to)).into_response())
}
