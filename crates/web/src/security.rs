//! Defences against a hostile client that sit in front of every handler: values safe to log, same-site
//! redirect targets, NUL bytes refused before they reach a database, `Cache-Control: no-store` and HSTS, and
//! a limit on failed authentications per client address.
//!
//! The failure limiter is written here rather than taken from `tower_governor`: governor limits every
//! request, while Los must limit only *failed* log-ins and token checks (a busy coordinator's many good
//! requests must never be slowed), which needs the handler's verdict, not a layer in front of it.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// The longest user-supplied value written to a log line.
const LOG_MAX: usize = 64;

/// A user-supplied value as it may appear in a log: at most 64 characters, control characters (a forged
/// line break included) escaped, longer values cut with `…`.
pub fn loggable(s: &str) -> String {
    let mut out: String = s.chars().take(LOG_MAX).flat_map(char::escape_debug).collect();
    if s.chars().nth(LOG_MAX).is_some() {
        out.push('…');
    }
    out
}

/// A redirect target taken from the request: only a same-site absolute path (`/saker/x`), never another
/// host (`//evil`, `/\evil`), a scheme, a control character or an overlong value.
pub fn local_path(back: &str) -> Option<&str> {
    let ok = back.len() <= 2048
        && back.starts_with('/')
        && !back.starts_with("//")
        && !back.contains('\\')
        && !back.chars().any(char::is_control);
    ok.then_some(back)
}

/// An identifier taken from a form or a path, as it may be put in a redirect: letters, digits, `-`, `_`
/// and `.`, at most 128 characters. Checked before anything is written, so a bad one changes nothing.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The error for a NUL character: PostgreSQL cannot store one in text, and no user types one.
pub fn nul_error() -> AppError {
    AppError::bad_request("input.nul", "the request contains a NUL character (%00), which no field may hold")
}

/// Whether a parsed JSON value holds a NUL character in any string or key.
pub fn json_has_nul(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(a) => a.iter().any(json_has_nul),
        serde_json::Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || json_has_nul(v)),
        _ => false,
    }
}

/// Whether a form body (`application/x-www-form-urlencoded`) holds a NUL character, raw or encoded.
pub fn form_has_nul(body: &[u8]) -> bool {
    body.contains(&0) || body.windows(3).any(|w| w == b"%00")
}

/// Middleware: a path or query string with an encoded NUL is refused with 400 before any handler runs.
pub async fn refuse_nul_in_uri(req: Request, next: Next) -> Response {
    let uri = req.uri();
    let has_nul = uri.path().contains("%00") || uri.query().is_some_and(|q| q.contains("%00"));
    if !has_nul {
        return next.run(req).await;
    }
    crate::input::InputRejection::new(uri.path().starts_with("/api/"), nul_error()).into_response()
}

/// Middleware: every answer is `Cache-Control: no-store` unless the handler said otherwise (the static
/// assets do): pages and API answers carry personal data, which no browser or proxy cache may keep.
pub async fn no_store(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut().entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    res
}

/// Counts failed authentications (an unknown, expired or revoked token; a refused log-in) per client
/// address in a sliding one-minute window; past the limit the address is answered 429 until the window
/// has passed, whatever it sends.
#[derive(Clone, Debug)]
pub struct FailureLimiter {
    per_minute: u32,
    seen: Arc<Mutex<HashMap<IpAddr, Vec<Instant>>>>,
}

const WINDOW: Duration = Duration::from_secs(60);

impl FailureLimiter {
    /// A limiter allowing `per_minute` failures per address and minute; 0 turns it off.
    pub fn new(per_minute: u32) -> Self {
        Self { per_minute, seen: Arc::default() }
    }

    fn prune(list: &mut Vec<Instant>, now: Instant) {
        list.retain(|t| now.duration_since(*t) < WINDOW);
    }

    /// `Err(seconds to wait)` when the address has used up its failures.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let Some(list) = seen.get_mut(&ip) else { return Ok(()) };
        Self::prune(list, now);
        if list.len() < self.per_minute as usize {
            return Ok(());
        }
        let oldest = list.first().copied().unwrap_or(now);
        Err(WINDOW.saturating_sub(now.duration_since(oldest)).as_secs().max(1))
    }

    /// Records one failure from the address.
    pub fn fail(&self, ip: IpAddr) {
        if self.per_minute == 0 {
            return;
        }
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        // Bound the memory a flood of addresses can take: forget the quiet ones first.
        if seen.len() > 10_000 {
            seen.retain(|_, l| {
                Self::prune(l, now);
                !l.is_empty()
            });
        }
        let list = seen.entry(ip).or_default();
        Self::prune(list, now);
        list.push(now);
    }
}

/// The client's address as the server saw the connection (behind a reverse proxy: the proxy's).
pub fn client_ip(parts: &axum::http::request::Parts) -> IpAddr {
    ip_of(parts.extensions.get::<ConnectInfo<SocketAddr>>())
}

/// The address of a connection, or the unspecified address when the server keeps none (a router served
/// without connect info).
pub fn ip_of(connect: Option<&ConnectInfo<SocketAddr>>) -> IpAddr {
    connect.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ConnectInfo(addr)| addr.ip())
}

/// The answer to an address that failed too often.
pub fn too_many(retry_after: u64) -> AppError {
    AppError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_failures",
        format!("too many failed log-ins or token checks from this address; try again in {retry_after} s"),
    )
    .retry_after(retry_after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_values_are_bounded_and_escaped() {
        assert_eq!(loggable("sak-1"), "sak-1");
        assert_eq!(loggable("a\nuser.id=admin"), "a\\nuser.id=admin");
        let long = "x".repeat(100_000);
        assert_eq!(loggable(&long).chars().count(), LOG_MAX + 1);
    }

    #[test]
    fn only_same_site_paths_are_redirect_targets() {
        assert_eq!(local_path("/saker/sak-1?x=1"), Some("/saker/sak-1?x=1"));
        for bad in ["//evil.example", "/\\evil.example", "https://evil.example", "evil", "/a\r\nSet-Cookie: x", ""] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ids_for_redirects() {
        assert!(valid_id("sak-sofia-daniel"));
        assert!(!valid_id("sak\r\nx") && !valid_id("") && !valid_id("../x/y") && !valid_id(&"a".repeat(129)));
    }

    #[test]
    fn nul_is_found_in_json_and_forms() {
        assert!(json_has_nul(&serde_json::json!({"a": ["b", "c\u{0}"]})));
        assert!(!json_has_nul(&serde_json::json!({"a": ["b", 1]})));
        assert!(form_has_nul(b"a=b%00") && form_has_nul(b"a=\0") && !form_has_nul(b"a=b%2500"));
    }

    #[test]
    fn failures_are_limited_per_address() {
        let l = FailureLimiter::new(3);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert!(l.check(a).is_ok());
            l.fail(a);
        }
        let wait = l.check(a).unwrap_err();
        assert!((1..=60).contains(&wait));
        assert!(l.check(b).is_ok(), "another address is not affected");
        assert!(FailureLimiter::new(0).check(a).is_ok());
    }
}
