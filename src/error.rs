//! What can go wrong talking to PingOne, classified from PingOne's error body (`{id, code,
//! message, details[]}`) into what a screen needs to decide. Matches on `code`, `details[].code`,
//! `target` and `innerError`, with the HTTP status only as a fallback (Ping says 4xx statuses may
//! change), and never on `message`.

use serde::Deserialize;
use thiserror::Error;

use crate::json::{Count, List, Obj, Text, decode};

/// A failed call, in the terms the screens act on.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ApiError {
    /// The code did not match any device; `remaining` tries, when PingOne says.
    #[error("user code mismatch")]
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
    #[error("user code refused")]
    CodeRefused {
        /// Tries left, when PingOne says.
        remaining: Option<u32>,
    },
    /// Too many wrong codes: PingOne refuses further ones for this flow.
    #[error("too many attempts")]
    TooManyAttempts,
    /// Username or password wrong.
    #[error("wrong username or password")]
    WrongPassword,
    /// Too many wrong passwords: the account is locked for a while.
    #[error("password locked out")]
    PasswordLocked {
        /// Seconds until PingOne unlocks it, when it says.
        seconds: Option<u32>,
    },
    /// PingOne's platform-wide rate limit: nothing is wrong with the flow; try again shortly.
    #[error("rate limited")]
    Busy {
        /// Seconds to wait (`Retry-After`), when PingOne says.
        retry_after: Option<u32>,
    },
    /// The flow is unknown or expired.
    #[error("flow expired or unknown")]
    FlowExpired,
    /// The browser did not send the flow's session cookie.
    #[error("no session cookie for this flow")]
    NotSignedIn,
    /// No answer at all: offline, DNS, refused by CORS or the page's CSP, connection dropped.
    #[error("network error")]
    Network,
    /// A success status with a body that is not what the contract says.
    #[error("unreadable response")]
    BadResponse,
    /// PingOne failed (HTTP 5xx), or something in front of it answered with a page.
    #[error("server error")]
    Server {
        /// The HTTP status.
        status: u16,
    },
    /// Any other refusal, with PingOne's `code` when it sent one.
    #[error("request refused")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// PingOne's error code.
        code: Option<String>,
    },
}

/// A failed call and the error body's `id`, which Ping's support asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// What went wrong.
    pub error: ApiError,
    /// PingOne's error `id`, when it sent one.
    pub support_id: Option<String>,
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Failure {
            error,
            support_id: None,
        }
    }
}

/// PingOne's error body: `{id, code, message, details: [{code, target, innerError}]}`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct Body {
    pub(crate) id: Text,
    pub(crate) code: Text,
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
    seconds_until_unlock: Count,
}

impl Body {
    /// Reads an error body; anything unreadable (a CDN's HTML page) is an empty one.
    pub(crate) fn parse(text: &str) -> Body {
        decode::<Obj<Body>>(text)
            .ok()
            .and_then(|b| b.0)
            .unwrap_or_default()
    }
}

/// What the page shows of the `error` PingOne may put on the login page URL: only its `id`, and
/// only when it looks like one (the address bar is anyone's to write, so its text is never shown).
pub fn support_id_of_redirect(error: &str) -> Option<String> {
    Body::parse(error)
        .id
        .0
        .filter(|id| id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

impl Failure {
    /// Classifies an error response from its status, body and `Retry-After` header.
    pub fn from_response(status: u16, body: &str, retry_after: Option<u32>) -> Self {
        let body = Body::parse(body);
        let support_id = body.id.0.clone();
        Failure {
            error: classify(status, body, retry_after),
            support_id,
        }
    }
}

fn classify(status: u16, body: Body, retry_after: Option<u32>) -> ApiError {
    let detail = body.details.0.into_iter().next().unwrap_or_default();
    let inner = detail.inner_error.0.unwrap_or_default();
    let target = detail.target.0.as_deref();
    let detail_code = detail.code.0.as_deref();
    let remaining = inner.remaining_attempts.0;
    let code = body.code.0;
    let lockout = target == Some("userCode") || detail_code == Some("LIMIT_EXCEEDED");

    match (code.as_deref(), detail_code) {
        // A lockout says so in its details; any other 429 is the platform's rate limit.
        (Some("REQUEST_LIMITED"), _) if lockout => ApiError::TooManyAttempts,
        (Some("REQUEST_LIMITED"), _) => ApiError::Busy { retry_after },
        (_, Some("PASSWORD_LOCKED_OUT")) => ApiError::PasswordLocked {
            seconds: inner.seconds_until_unlock.0,
        },
        (_, Some("INVALID_CREDENTIALS")) => ApiError::WrongPassword,
        (_, _) if target == Some("userCode") => match inner.reason.0.as_deref() {
            Some("MISMATCH") => ApiError::WrongCode { remaining },
            Some("EXPIRED") => ApiError::CodeExpired,
            Some("ALREADY_USED") => ApiError::CodeUsed,
            _ => ApiError::CodeRefused { remaining },
        },
        (_, _) if matches!(target, Some("password" | "username")) => ApiError::WrongPassword,
        (Some("NOT_FOUND"), _) => ApiError::FlowExpired,
        (Some("ACCESS_FAILED"), _) => ApiError::NotSignedIn,
        (Some("UNEXPECTED_ERROR"), _) => ApiError::Server { status },
        // No body to go by (or a code this page does not know): the status decides.
        _ => match status {
            401 => ApiError::NotSignedIn,
            404 => ApiError::FlowExpired,
            429 => ApiError::Busy { retry_after },
            500..=599 => ApiError::Server { status },
            _ => ApiError::Refused { status, code },
        },
    }
}

/// One of every kind of problem (with and without its details), for the tests that must cover
/// them all: add a kind to `ApiError`, add it here.
#[cfg(test)]
pub(crate) fn every_kind() -> Vec<ApiError> {
    vec![
        ApiError::WrongCode { remaining: Some(2) },
        ApiError::WrongCode { remaining: None },
        ApiError::CodeRefused { remaining: None },
        ApiError::CodeExpired,
        ApiError::CodeUsed,
        ApiError::TooManyAttempts,
        ApiError::WrongPassword,
        ApiError::PasswordLocked { seconds: Some(60) },
        ApiError::PasswordLocked { seconds: Some(3) },
        ApiError::Busy { retry_after: None },
        ApiError::Busy {
            retry_after: Some(5),
        },
        ApiError::FlowExpired,
        ApiError::NotSignedIn,
        ApiError::Network,
        ApiError::BadResponse,
        ApiError::Server { status: 503 },
        ApiError::Refused {
            status: 400,
            code: None,
        },
        ApiError::Refused {
            status: 400,
            code: Some("INVALID_REQUEST".into()),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(code: &str, detail: &str) -> String {
        format!(
            r#"{{"id":"6c796712-0f16","code":"{code}","message":"whatever Ping says today","details":[{detail}]}}"#
        )
    }

    fn detail(code: &str, target: &str, inner: &str) -> String {
        let mut d = format!(r#"{{"code":"{code}","message":"m""#);
        if !target.is_empty() {
            d += &format!(r#","target":"{target}""#);
        }
        if !inner.is_empty() {
            d += &format!(r#","innerError":{inner}"#);
        }
        d + "}"
    }

    /// Every `code` and `details[].code` the contract lists, with the statuses PingOne uses and
    /// others it might: the body decides, the status only when the body says nothing.
    #[test]
    fn classifies_every_documented_code() {
        use ApiError::*;
        let user_code = |reason: &str| {
            detail(
                "INVALID_VALUE",
                "userCode",
                &format!(r#"{{"reason":"{reason}","remainingAttempts":3}}"#),
            )
        };
        let cases: Vec<(u16, String, ApiError)> = vec![
            (
                400,
                body("INVALID_DATA", &user_code("MISMATCH")),
                WrongCode { remaining: Some(3) },
            ),
            (
                400,
                body("INVALID_DATA", &user_code("EXPIRED")),
                CodeExpired,
            ),
            (
                400,
                body("INVALID_DATA", &user_code("ALREADY_USED")),
                CodeUsed,
            ),
            (
                400,
                body("INVALID_DATA", &user_code("NEW_REASON")),
                CodeRefused { remaining: Some(3) },
            ),
            (
                400,
                body("INVALID_DATA", &detail("INVALID_VALUE", "userCode", "")),
                CodeRefused { remaining: None },
            ),
            (
                400,
                body("INVALID_DATA", &detail("INVALID_CREDENTIALS", "", "")),
                WrongPassword,
            ),
            (
                401,
                body(
                    "INVALID_DATA",
                    &detail("INVALID_CREDENTIALS", "password", ""),
                ),
                WrongPassword,
            ),
            (
                400,
                body("INVALID_DATA", &detail("INVALID_VALUE", "password", "")),
                WrongPassword,
            ),
            (
                400,
                body(
                    "INVALID_DATA",
                    &detail("PASSWORD_LOCKED_OUT", "", r#"{"secondsUntilUnlock":900}"#),
                ),
                PasswordLocked { seconds: Some(900) },
            ),
            (
                400,
                body("INVALID_DATA", &detail("PASSWORD_LOCKED_OUT", "", "")),
                PasswordLocked { seconds: None },
            ),
            // The lockout after too many codes says so; the platform's rate limit does not.
            (
                429,
                body("REQUEST_LIMITED", &detail("LIMIT_EXCEEDED", "userCode", "")),
                TooManyAttempts,
            ),
            (
                429,
                body("REQUEST_LIMITED", &detail("LIMIT_EXCEEDED", "", "")),
                TooManyAttempts,
            ),
            (
                429,
                body("REQUEST_LIMITED", ""),
                Busy {
                    retry_after: Some(7),
                },
            ),
            (
                429,
                String::new(),
                Busy {
                    retry_after: Some(7),
                },
            ),
            (
                403,
                body("REQUEST_LIMITED", ""),
                Busy {
                    retry_after: Some(7),
                },
            ),
            (404, body("NOT_FOUND", ""), FlowExpired),
            (400, body("NOT_FOUND", ""), FlowExpired),
            (401, body("ACCESS_FAILED", ""), NotSignedIn),
            (403, body("ACCESS_FAILED", ""), NotSignedIn),
            (500, body("UNEXPECTED_ERROR", ""), Server { status: 500 }),
            (400, body("UNEXPECTED_ERROR", ""), Server { status: 400 }),
            (503, "<html>busy</html>".into(), Server { status: 503 }),
            (401, "<html>sign in</html>".into(), NotSignedIn),
            (404, String::new(), FlowExpired),
            (
                400,
                body("INVALID_REQUEST", ""),
                Refused {
                    status: 400,
                    code: Some("INVALID_REQUEST".into()),
                },
            ),
            (
                400,
                body("REQUEST_FAILED", ""),
                Refused {
                    status: 400,
                    code: Some("REQUEST_FAILED".into()),
                },
            ),
            (
                400,
                body("INVALID_DATA", &detail("REQUIRED_VALUE", "username", "")),
                WrongPassword,
            ),
            (
                400,
                body("INVALID_DATA", &detail("SIZE_LIMIT_EXCEEDED", "body", "")),
                Refused {
                    status: 400,
                    code: Some("INVALID_DATA".into()),
                },
            ),
            (
                400,
                body("INVALID_DATA", &detail("OUT_OF_RANGE", "", "")),
                Refused {
                    status: 400,
                    code: Some("INVALID_DATA".into()),
                },
            ),
            (
                415,
                "not json".into(),
                Refused {
                    status: 415,
                    code: None,
                },
            ),
        ];
        for (status, text, want) in cases {
            assert_eq!(
                classify(status, Body::parse(&text), Some(7)),
                want,
                "{status} {text}"
            );
        }
    }

    #[test]
    fn a_redirect_error_shows_only_a_plain_id() {
        assert_eq!(
            support_id_of_redirect(
                r#"{"id":"6c796712-0f16","code":"X","message":"<b>call us</b>"}"#
            )
            .as_deref(),
            Some("6c796712-0f16")
        );
        assert_eq!(
            support_id_of_redirect(r#"{"id":"call 555-0100 now"}"#),
            None
        );
        assert_eq!(support_id_of_redirect("not json"), None);
    }

    #[test]
    fn keeps_the_support_id() {
        let failure = Failure::from_response(400, &body("INVALID_REQUEST", ""), None);
        assert_eq!(failure.support_id.as_deref(), Some("6c796712-0f16"));
        assert_eq!(Failure::from_response(503, "<html>", None).support_id, None);
    }
}
