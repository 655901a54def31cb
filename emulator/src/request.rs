//! Taking requests apart without ever rejecting them in axum's own words: bodies with a size
//! limit, media types, forms, cookies, queries and path segments, each failing into a value the
//! handler turns into PingOne's error shape.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Path parameters; a path that does not decode (bad percent-encoding) is a PingOne `404`.
pub(crate) struct PathParams<T>(pub T);

impl<T, S> FromRequestParts<S> for PathParams<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(PathParams(value)),
            Err(_) => Err(ApiError::not_found("The requested resource was not found.")),
        }
    }
}

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    TooLarge,
    Unreadable,
}

/// The whole body, at most `limit` bytes.
pub(crate) async fn read_body(body: Body, limit: usize) -> Result<Bytes, BodyError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) if err.downcast_ref::<LengthLimitError>().is_some() => Err(BodyError::TooLarge),
        Err(_) => Err(BodyError::Unreadable),
    }
}

/// The `Content-Type` essence, lower-cased, and whether its parameters are acceptable (only
/// `charset=utf-8` is). `None` when absent or not ASCII.
pub(crate) fn media_type(headers: &HeaderMap) -> Option<(String, bool)> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut parts = value.split(';');
    let essence = parts.next()?.trim().to_ascii_lowercase();
    let params_ok = parts.all(|p| {
        let p = p.trim();
        if p.is_empty() {
            return true;
        }
        match p.split_once('=') {
            Some((k, v)) => {
                k.trim().eq_ignore_ascii_case("charset")
                    && v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
            }
            None => false,
        }
    });
    Some((essence, params_ok))
}

/// An `application/x-www-form-urlencoded` body as single-valued parameters. `Err(name)` names a
/// parameter given twice (RFC 6749 §3.1 forbids it).
pub(crate) fn parse_form(body: &[u8]) -> Result<HashMap<String, String>, String> {
    let mut params = HashMap::new();
    for (k, v) in form_urlencoded::parse(body) {
        if params.insert(k.to_string(), v.to_string()).is_some() {
            return Err(k.to_string());
        }
    }
    Ok(params)
}

/// The first value of a query parameter (lossy UTF-8, never fails).
pub(crate) fn query_param(uri: &Uri, name: &str) -> Option<String> {
    let query = uri.query()?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A cookie's value from every `Cookie` header.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
        .filter(|v| !v.is_empty())
}

/// Text safe inside HTML elements and attribute values.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `base` with `key=value` pairs appended to its query, percent-encoded.
pub(crate) fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    let query = ser.finish();
    let (without_fragment, fragment) = match base.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (base, None),
    };
    let sep = if !without_fragment.contains('?') {
        "?"
    } else if without_fragment.ends_with('?') || without_fragment.ends_with('&') {
        ""
    } else {
        "&"
    };
    match fragment {
        Some(f) => format!("{without_fragment}{sep}{query}#{f}"),
        None => format!("{without_fragment}{sep}{query}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn media_types_are_case_insensitive_and_allow_utf8_only() {
        let mut h = HeaderMap::new();
        assert_eq!(media_type(&h), None);
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("Application/JSON; charset=UTF-8"),
        );
        assert_eq!(media_type(&h), Some(("application/json".to_owned(), true)));
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=latin1"),
        );
        assert_eq!(media_type(&h), Some(("application/json".to_owned(), false)));
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; boundary"),
        );
        assert_eq!(media_type(&h), Some(("application/json".to_owned(), false)));
    }

    #[test]
    fn forms_refuse_repeated_parameters() {
        let form = parse_form(b"a=1&b=%20x").expect("valid");
        assert_eq!(form["b"], " x");
        assert_eq!(parse_form(b"a=1&a=2"), Err("a".to_owned()));
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("a=1; ST=abc"));
        h.append(header::COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(cookie(&h, "ST").as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "b").as_deref(), Some("2"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn queries_are_appended_properly() {
        assert_eq!(
            with_query("http://h/device", &[("flowId", "a b")]),
            "http://h/device?flowId=a+b"
        );
        assert_eq!(
            with_query("http://h/device?x=1#top", &[("flowId", "f")]),
            "http://h/device?x=1&flowId=f#top"
        );
        assert_eq!(
            html_escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
