//! Which screen the person sees: decided from the flow's status, the last step taken and the last
//! error, with no Leptos in it. Every status, known or not, leads somewhere.

use crate::error::ApiError;
use crate::flow::{Flow, Status};

/// How a flow ended, each with its own screen and next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The device is connected.
    Connected,
    /// The person denied the device.
    Refused,
    /// PingOne failed the flow for another reason.
    Failed,
    /// The device's code has expired: get a new one.
    CodeExpired,
    /// The code was already used.
    CodeUsed,
    /// Too many wrong codes (or other tries): the flow is locked.
    TooManyAttempts,
    /// The flow timed out or is unknown.
    FlowExpired,
    /// PingOne did not see this browser's session cookie.
    NotSignedIn,
    /// Inside an iframe whose browser withholds PingOne's cookie: continue in a new window.
    CookieBlocked,
}

/// What the page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screen {
    /// Reading the flow.
    Loading,
    /// The first read of the flow failed in a way a retry may fix.
    LoadFailed(ApiError),
    /// Username and password.
    SignOn,
    /// Confirm or type the device's code.
    Code,
    /// Allow or deny the device.
    Consent,
    /// The person picked a code the link did not carry: the link may be someone else's.
    Mismatch,
    /// A step this page does not handle: hand off to PingOne's hosted sign-on.
    HandOff(String),
    /// The flow is over.
    End(End),
}

/// The screen for a flow as PingOne returned it. `denied` says the person's last step was Deny.
pub fn for_flow(flow: &Flow, denied: bool) -> Screen {
    match &flow.status {
        Status::UsernamePasswordRequired => Screen::SignOn,
        Status::UserCodeRequired => Screen::Code,
        Status::ConsentRequired => Screen::Consent,
        Status::Completed => Screen::End(End::Connected),
        Status::Failed => {
            let access_denied = flow.error_code.as_deref() == Some("ACCESS_DENIED");
            Screen::End(if denied || access_denied {
                End::Refused
            } else {
                End::Failed
            })
        }
        Status::Other(status) => Screen::HandOff(status.clone()),
    }
}

/// The end state an error leads to, if it ends the flow. `in_iframe`: the page is embedded, where
/// a missing cookie most likely means the browser blocks third-party cookies.
pub fn end_for_error(error: &ApiError, in_iframe: bool) -> Option<End> {
    Some(match error {
        ApiError::CodeExpired => End::CodeExpired,
        ApiError::CodeUsed => End::CodeUsed,
        ApiError::TooManyAttempts => End::TooManyAttempts,
        ApiError::FlowExpired => End::FlowExpired,
        ApiError::NotSignedIn if in_iframe => End::CookieBlocked,
        ApiError::NotSignedIn => End::NotSignedIn,
        _ => return None,
    })
}

/// `m:ss` for a countdown; never negative.
pub fn format_remaining(seconds: i64) -> String {
    let seconds = seconds.max(0);
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(status: &str, extra: &str) -> Flow {
        Flow::parse(&format!(r#"{{"id":"f","status":"{status}"{extra}}}"#)).expect("flow")
    }

    #[test]
    fn every_status_has_a_screen() {
        let cases = [
            ("USERNAME_PASSWORD_REQUIRED", Screen::SignOn),
            ("DAG_USER_CODE_REQUIRED", Screen::Code),
            ("DAG_CONSENT_REQUIRED", Screen::Consent),
            ("COMPLETED", Screen::End(End::Connected)),
            ("FAILED", Screen::End(End::Failed)),
        ];
        for (status, want) in cases {
            assert_eq!(for_flow(&flow(status, ""), false), want, "{status}");
        }
        // Every other status a sign-on policy can produce is handed off, never a dead end.
        for status in [
            "SIGN_ON_REQUIRED",
            "PASSWORD_REQUIRED",
            "PASSWORD_EXPIRED",
            "MUST_CHANGE_PASSWORD",
            "RECOVERY_CODE_REQUIRED",
            "VERIFICATION_CODE_REQUIRED",
            "DEVICE_SELECTION_REQUIRED",
            "OTP_REQUIRED",
            "PUSH_CONFIRMATION_REQUIRED",
            "PUSH_CONFIRMATION_TIMED_OUT",
            "ACCOUNT_LINKING_REQUIRED",
            "ACCOUNT_CONFIRMATION_REQUIRED",
            "EXTERNAL_AUTHENTICATION_REQUIRED",
            "PROFILE_DATA_REQUIRED",
            "ASSERTION_REQUIRED",
            "AGREEMENT_CONSENT_REQUIRED",
            "A_STATUS_NOBODY_HAS_SEEN",
        ] {
            assert_eq!(
                for_flow(&flow(status, ""), false),
                Screen::HandOff(status.into())
            );
        }
    }

    #[test]
    fn a_failed_flow_after_deny_is_a_refusal() {
        assert_eq!(
            for_flow(&flow("FAILED", ""), true),
            Screen::End(End::Refused)
        );
        let denied = flow(
            "FAILED",
            r#","error":{"code":"ACCESS_DENIED","message":"m"}"#,
        );
        assert_eq!(for_flow(&denied, false), Screen::End(End::Refused));
    }

    #[test]
    fn errors_that_end_the_flow() {
        let cases = [
            (ApiError::CodeExpired, false, Some(End::CodeExpired)),
            (ApiError::CodeUsed, false, Some(End::CodeUsed)),
            (ApiError::TooManyAttempts, false, Some(End::TooManyAttempts)),
            (ApiError::FlowExpired, true, Some(End::FlowExpired)),
            (ApiError::NotSignedIn, false, Some(End::NotSignedIn)),
            (ApiError::NotSignedIn, true, Some(End::CookieBlocked)),
            (ApiError::Network, false, None),
            (ApiError::WrongCode { remaining: Some(1) }, false, None),
            (ApiError::CodeRefused { remaining: None }, false, None),
            (ApiError::WrongPassword, false, None),
            (ApiError::Server { status: 503 }, false, None),
            (ApiError::BadResponse, false, None),
        ];
        for (error, in_iframe, want) in cases {
            assert_eq!(end_for_error(&error, in_iframe), want, "{error:?}");
        }
    }

    #[test]
    fn countdowns() {
        assert_eq!(format_remaining(900), "15:00");
        assert_eq!(format_remaining(61), "1:01");
        assert_eq!(format_remaining(9), "0:09");
        assert_eq!(format_remaining(-5), "0:00");
    }
}
