//! One extractor for every write: the body of a page's form or of an API call becomes the same typed input.
//!
//! `JsonOrForm<T>` reads `application/json` with serde_json and `application/x-www-form-urlencoded` with
//! serde_html_form (repeated keys become lists), so a page handler and an API handler parse an action with
//! the same struct and the same `parse` function — one parse, one rule, one error code (the axum example
//! `parse-body-based-on-content-type`). A body that cannot be read at all is refused before any handler runs:
//! 400 with problem JSON for a JSON body, a short page for a form, and 415 for any other content type.
//! Input structs default missing text to empty, so a missing field reaches the domain's rules and is refused
//! there with the field's own code rather than with a generic parse error.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer};

use crate::error::{ApiError, AppError};

/// A typed input read from a JSON body or a form body.
#[derive(Debug)]
pub struct JsonOrForm<T>(pub T);

/// Why a body could not be read.
#[derive(Debug)]
pub struct InputRejection {
    json: bool,
    error: AppError,
}

impl InputRejection {
    /// A request refused before its handler: problem JSON for the API, a short page otherwise.
    pub(crate) fn new(json: bool, error: AppError) -> Self {
        InputRejection { json, error }
    }
}

impl IntoResponse for InputRejection {
    fn into_response(self) -> Response {
        if self.json {
            return ApiError(self.error).into_response();
        }
        // A browser's own form always parses; this answers hand-made requests, in both official languages.
        let body = format!(
            "<!doctype html><html lang=\"nb\"><head><meta charset=\"utf-8\"><title>Feil i skjemaet</title></head>\
             <body><main><h1>Feil i skjemaet / Error in the form</h1><p>{}</p><p><a href=\"/\">Los</a></p></main></body></html>",
            escape(&self.error.detail)
        );
        (self.error.status, Html(body)).into_response()
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn media_type(req: &Request) -> Option<String> {
    let ct = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
}

impl<S, T> FromRequest<S> for JsonOrForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = InputRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let media = media_type(&req);
        let json = media.as_deref().is_some_and(|m| m == "application/json" || m.ends_with("+json"));
        let form = media.as_deref() == Some("application/x-www-form-urlencoded");
        // Nested routers see their own part of the path; the original one tells an API call from a page,
        // and an API call is answered with problem JSON whatever its body was.
        let path = req
            .extensions()
            .get::<axum::extract::OriginalUri>()
            .map_or_else(|| req.uri().path().to_owned(), |o| o.0.path().to_owned());
        let answer_json = json || path.starts_with("/api/");
        if !json && !form {
            let error = AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "input.media_type",
                "send the body as application/json or application/x-www-form-urlencoded",
            );
            return Err(InputRejection { json: answer_json, error });
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| InputRejection {
            json: answer_json,
            error: AppError::new(e.status(), "input.body", "the body could not be read"),
        })?;
        // A NUL character is refused in every field (PostgreSQL cannot store it in text): found in the
        // form's bytes, or in the JSON's strings after a first parse into a value.
        let nul = |json| InputRejection { json, error: crate::security::nul_error() };
        let parsed = if json {
            let value = serde_json::from_slice::<serde_json::Value>(&bytes).map_err(|e| bounded(e.to_string()));
            match value {
                Ok(v) if crate::security::json_has_nul(&v) => return Err(nul(answer_json)),
                Ok(v) => serde_json::from_value::<T>(v).map_err(|e| bounded(e.to_string())),
                Err(e) => Err(e),
            }
        } else {
            if crate::security::form_has_nul(&bytes) {
                return Err(nul(answer_json));
            }
            serde_html_form::from_bytes::<T>(&bytes).map_err(|e| bounded(e.to_string()))
        };
        parsed.map(JsonOrForm).map_err(|detail| InputRejection {
            json: answer_json,
            error: AppError::new(StatusCode::BAD_REQUEST, "input.malformed", detail),
        })
    }
}

/// Parser messages quote input; keep them short so a hostile body cannot fill the answer or the log.
fn bounded(mut s: String) -> String {
    if s.len() > 200 {
        let mut end = 200;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
}

/// Query parameters of an API call; a malformed one is a 400 with problem JSON like every other API error.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e| ApiError(AppError::new(StatusCode::BAD_REQUEST, "input.query", bounded(e.body_text()))))
    }
}

/// A yes/no field: a JSON boolean, or a form's checkbox (`on`, `true`, `1`, `yes`; absent or `false`, `0`,
/// `off`, empty for no).
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
    }
    match Flag::deserialize(d)? {
        Flag::Bool(b) => Ok(b),
        Flag::Text(s) => match s.trim().to_ascii_lowercase().as_str() {
            "on" | "true" | "1" | "yes" => Ok(true),
            "" | "off" | "false" | "0" | "no" => Ok(false),
            other => Err(de::Error::custom(format!("'{}' is not yes or no", bounded(other.to_owned())))),
        },
    }
}

/// A whole number: a JSON number, or a form's text field (empty means "not given"). Kept loose until the
/// action's parse, so a form's "abc" is refused on its field with the action's own code.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Loose {
    Int(i64),
    Text(String),
}

/// A number field that holds something else than a whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotWhole;

impl Loose {
    /// The number, `Ok(None)` when not given, `Err(NotWhole)` when it is not a whole number.
    pub fn value(v: &Option<Loose>) -> Result<Option<i64>, NotWhole> {
        match v {
            None => Ok(None),
            Some(Loose::Int(n)) => Ok(Some(*n)),
            Some(Loose::Text(s)) if s.trim().is_empty() => Ok(None),
            Some(Loose::Text(s)) => s.trim().parse().map(Some).map_err(|_| NotWhole),
        }
    }
}

/// Trims a free-text field; empty becomes `None`.
pub fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|x| x.trim().to_owned()).filter(|x| !x.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    struct T {
        #[serde(default, deserialize_with = "flag")]
        yes: bool,
        #[serde(default)]
        n: Option<Loose>,
        #[serde(default)]
        many: Vec<String>,
    }

    #[test]
    fn a_form_and_json_give_the_same_input() {
        let form: T = serde_html_form::from_str("yes=on&n=3&many=a&many=b").unwrap();
        let json: T = serde_json::from_str(r#"{"yes":true,"n":3,"many":["a","b"]}"#).unwrap();
        assert_eq!((form.yes, &form.many), (json.yes, &json.many));
        assert_eq!(Loose::value(&form.n), Loose::value(&json.n));
        assert_eq!(Loose::value(&form.n), Ok(Some(3)));
        let empty: T = serde_html_form::from_str("n=").unwrap();
        assert_eq!(Loose::value(&empty.n), Ok(None));
        let bad: T = serde_html_form::from_str("n=x").unwrap();
        assert_eq!(Loose::value(&bad.n), Err(NotWhole));
        assert!(serde_html_form::from_str::<T>("yes=maybe").is_err());
    }
}
