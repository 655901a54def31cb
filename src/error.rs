//! What can go wrong talking to PingOne, classified from the HTTP status and PingOne's error body
//! (`{id, code, message, details[]}`) into what a screen needs to decide. Matches on `code`,
//! `details[].code`, `target` and `innerError`, never on `message`: Ping says messages change.

use serde::Deserialize;
use thiserror::Error;

use crate::json::{Count, List, Obj, Text, decode};

/// A failed call, in the terms the screens act on.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ApiError {
    /// The code did not match any device; `remaining` tries, when PingOne says.
    #[error("user code mismatch ({remaining:?} tries left)")]
    WrongCode {
        /// Tries left before the flow locks.
        remaining: Option<u32>,
    },
    /// The code's device authorization has expired.
    #[error("user code expired")]
    CodeExpired,
    /// The code was already used to connect a device.
    #[error("user code already used")]
    CodeUsed,
    /// The code was refused without saying why (PingOne publishes no reason field): mistyped,
    /// expired or already used.
    #[error("user code refused ({remaining:?} tries left)")]
    CodeRefused {
        /// Tries left, when PingOne says.
        remaining: Option<u32>,
    },
    /// Too many tries: PingOne refuses further ones for this flow (HTTP 429).
    #[error("too many attempts")]
    TooManyAttempts,
    /// Username or password wrong.
    #[error("wrong username or password")]
    WrongPassword,
    /// The flow is unknown or expired (HTTP 404).
    #[error("flow expired or unknown")]
    FlowExpired,
    /// The browser did not send the flow's session cookie (HTTP 401).
    #[error("no session cookie for this flow")]
    NotSignedIn,
    /// No answer at all: offline, DNS, refused by CORS, connection dropped.
    #[error("network error")]
    Network,
    /// A success status with a body that is not what the contract says.
    #[error("unreadable response")]
    BadResponse,
    /// PingOne failed (HTTP 5xx).
    #[error("server error (HTTP {status})")]
    Server {
        /// The HTTP status.
        status: u16,
    },
    /// Any other refusal (HTTP 4xx), with PingOne's `code` when it sent one.
    #[error("request refused (HTTP {status}, {code:?})")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// PingOne's error code.
        code: Option<String>,
    },
}

/// PingOne's error body: `{id, code, message, details: [{code, target, innerError}]}`.
#[derive(Default, Deserialize)]
#[serde(default)]
struct Body {
    code: Text,
    details: List<Detail>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Detail {
    code: Text,
    target: Text,
    inner_error: Obj<Inner>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Inner {
    reason: Text,
    remaining_attempts: Count,
}

impl ApiError {
    /// Classifies an error response from its status and body.
    pub fn from_response(status: u16, body: &str) -> Self {
        let body = decode::<Obj<Body>>(body)
            .ok()
            .and_then(|b| b.0)
            .unwrap_or_default();
        let detail = body.details.0.into_iter().next().unwrap_or_default();
        let inner = detail.inner_error.0.unwrap_or_default();
        let target = detail.target.0.as_deref();
        let remaining = inner.remaining_attempts.0;
        let code = body.code.0;

        match status {
            401 => ApiError::NotSignedIn,
            404 => ApiError::FlowExpired,
            429 => ApiError::TooManyAttempts,
            500..=599 => ApiError::Server { status },
            400 if target == Some("userCode") => match inner.reason.0.as_deref() {
                Some("MISMATCH") => ApiError::WrongCode { remaining },
                Some("EXPIRED") => ApiError::CodeExpired,
                Some("ALREADY_USED") => ApiError::CodeUsed,
                _ => ApiError::CodeRefused { remaining },
            },
            400 if matches!(target, Some("password" | "username"))
                || detail.code.0.as_deref() == Some("INVALID_CREDENTIALS") =>
            {
                ApiError::WrongPassword
            }
            _ if code.as_deref() == Some("REQUEST_LIMITED") => ApiError::TooManyAttempts,
            _ => ApiError::Refused { status, code },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(code: &str, detail: &str) -> String {
        format!(
            r#"{{"id":"6c796712","code":"{code}","message":"whatever Ping says today","details":[{detail}]}}"#
        )
    }

    #[test]
    fn classifies_every_contract_error() {
        let code_detail = |inner: &str| {
            format!(r#"{{"code":"INVALID_VALUE","target":"userCode","message":"m"{inner}}}"#)
        };
        let cases: Vec<(u16, String, ApiError)> = vec![
            (
                400,
                body(
                    "INVALID_DATA",
                    &code_detail(r#","innerError":{"reason":"MISMATCH","remainingAttempts":3}"#),
                ),
                ApiError::WrongCode { remaining: Some(3) },
            ),
            (
                400,
                body(
                    "INVALID_DATA",
                    &code_detail(r#","innerError":{"reason":"MISMATCH"}"#),
                ),
                ApiError::WrongCode { remaining: None },
            ),
            (
                400,
                body(
                    "INVALID_DATA",
                    &code_detail(r#","innerError":{"reason":"EXPIRED"}"#),
                ),
                ApiError::CodeExpired,
            ),
            (
                400,
                body(
                    "INVALID_DATA",
                    &code_detail(r#","innerError":{"reason":"ALREADY_USED"}"#),
                ),
                ApiError::CodeUsed,
            ),
            (
                400,
                body("INVALID_DATA", &code_detail("")),
                ApiError::CodeRefused { remaining: None },
            ),
            (
                400,
                body(
                    "INVALID_DATA",
                    &code_detail(r#","innerError":{"reason":"NEW_REASON","remainingAttempts":1}"#),
                ),
                ApiError::CodeRefused { remaining: Some(1) },
            ),
            (
                400,
                body(
                    "INVALID_DATA",
                    r#"{"code":"INVALID_VALUE","target":"password"}"#,
                ),
                ApiError::WrongPassword,
            ),
            (
                400,
                body("INVALID_DATA", r#"{"code":"INVALID_CREDENTIALS"}"#),
                ApiError::WrongPassword,
            ),
            (429, body("REQUEST_LIMITED", ""), ApiError::TooManyAttempts),
            (429, String::new(), ApiError::TooManyAttempts),
            (404, body("NOT_FOUND", ""), ApiError::FlowExpired),
            (401, body("ACCESS_FAILED", ""), ApiError::NotSignedIn),
            (
                500,
                body("UNEXPECTED_ERROR", ""),
                ApiError::Server { status: 500 },
            ),
            (
                503,
                "<html>busy</html>".into(),
                ApiError::Server { status: 503 },
            ),
            (
                400,
                body("INVALID_REQUEST", ""),
                ApiError::Refused {
                    status: 400,
                    code: Some("INVALID_REQUEST".into()),
                },
            ),
            (
                415,
                "not json".into(),
                ApiError::Refused {
                    status: 415,
                    code: None,
                },
            ),
            (403, body("REQUEST_LIMITED", ""), ApiError::TooManyAttempts),
        ];
        for (status, text, want) in cases {
            assert_eq!(
                ApiError::from_response(status, &text),
                want,
                "{status} {text}"
            );
        }
    }
}
