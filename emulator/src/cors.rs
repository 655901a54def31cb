//! CORS as PingOne configures it per application (`ALLOW_SPECIFIC_ORIGINS`, with credentials):
//! only the application's origins get the headers, preflights included; the rest get none.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::Shared;

/// Request headers a page may send (beyond the CORS-safelisted ones).
const ALLOWED_HEADERS: &[&str] = &[
    "accept",
    "accept-language",
    "content-language",
    "content-type",
    "authorization",
    "x-requested-with",
];

/// Middleware for the API listener's PingOne surface.
pub(crate) async fn cors(State(st): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .filter(|o| {
            st.env
                .application
                .cors_origins
                .iter()
                .any(|allowed| allowed == o)
        })
        .map(str::to_owned);

    let is_preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if is_preflight {
        return preflight(origin.as_deref(), req.headers());
    }

    let mut resp = next.run(req).await;
    let headers = resp.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = origin
        && let Ok(value) = HeaderValue::from_str(&origin)
    {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
        // A rate limit's Retry-After reaches the page only when exposed ([model]: whether
        // PingOne exposes it is not documented; the page says "busy" either way).
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("Retry-After"),
        );
    }
    resp
}

fn preflight(origin: Option<&str>, headers: &HeaderMap) -> Response {
    let refuse = |why: &str| {
        let mut resp = ApiError::new(StatusCode::FORBIDDEN, "ACCESS_FAILED", why).into_response();
        resp.headers_mut().insert(
            header::VARY,
            HeaderValue::from_static(
                "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
            ),
        );
        resp
    };
    let Some(origin) = origin else {
        return refuse("The origin is not allowed by the application's CORS settings.");
    };
    let method_ok = headers
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .and_then(|m| m.to_str().ok())
        .is_some_and(|m| matches!(m, "GET" | "POST" | "HEAD"));
    if !method_ok {
        return refuse("The requested method is not allowed.");
    }
    let headers_ok = headers
        .get_all(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .iter()
        .all(|value| {
            value.to_str().is_ok_and(|list| {
                list.split(',')
                    .map(|h| h.trim().to_ascii_lowercase())
                    .filter(|h| !h.is_empty())
                    .all(|h| ALLOWED_HEADERS.contains(&h.as_str()))
            })
        });
    if !headers_ok {
        return refuse("A requested header is not allowed.");
    }

    let mut resp = StatusCode::NO_CONTENT.into_response();
    let out = resp.headers_mut();
    if let Ok(value) = HeaderValue::from_str(origin) {
        out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    out.insert(
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
    out.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST"),
    );
    out.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(
            "Accept, Accept-Language, Content-Language, Content-Type, Authorization, X-Requested-With",
        ),
    );
    out.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    if headers
        .get("access-control-request-private-network")
        .is_some_and(|v| v.as_bytes() == b"true")
    {
        out.insert(
            "access-control-allow-private-network",
            HeaderValue::from_static("true"),
        );
    }
    out.insert(
        header::VARY,
        HeaderValue::from_static(
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        ),
    );
    resp
}
