//! Every string a person reads on the page, in one place, so that a translation touches one file.

use crate::error::ApiError;
use crate::screen::End;
use crate::user_code::{CODE_LEN, CodeError};

pub const TITLE: &str = "Connect a device";
pub const LOADING: &str = "Loading…";
pub const REDIRECTING: &str = "Taking you to sign on…";
pub const TRY_AGAIN: &str = "Try again";
pub const START_AGAIN: &str = "Start again";
pub const EXPIRES_IN: &str = "Time left to finish: ";
pub const TRY_AGAIN_IN: &str = "You can try again in ";
pub const SUPPORT_ID: &str = "Reference for support: ";
pub const NOT_YOU_BEFORE: &str = "Not ";
pub const NOT_YOU_AFTER: &str = "? ";
pub const SWITCH_USER: &str = "Sign on as someone else";
pub const LOGIN_ERROR_TITLE: &str = "Sign-on couldn't continue";
pub const LOGIN_ERROR_BODY: &str = "The sign-on service sent you back here with a problem. Start again; if it happens again, get a new code on your device.";

pub const CODE_LABEL: &str = "Code shown on your device";
pub const CODE_HINT: &str =
    "8 letters and numbers, like GKHF-JQBC. Case, dashes and spaces don't matter.";
pub const CODE_TITLE: &str = "Enter the code from your device";
pub const CODE_FROM_LINK: &str = "Is this the code on your device?";
pub const CODE_CONFIRM: &str = "Yes, it matches";
pub const CODE_DIFFERENT: &str = "No, enter the code myself";
pub const CODE_WARNING: &str = "If you didn't start this on a device you own, stop here and close this page: someone may be trying to connect their device to your account.";
pub const CONTINUE: &str = "Continue";

pub const SIGN_ON_TITLE: &str = "Sign on";
pub const SIGN_ON_INTRO: &str = "Sign on to connect your device.";
pub const USERNAME: &str = "Username";
pub const PASSWORD: &str = "Password";
pub const SIGN_ON: &str = "Sign on";

pub const CONSENT_TITLE: &str = "Allow this device?";
pub const CONSENT_ASKS: &str = "wants to access your account.";
pub const CONSENT_APP_UNKNOWN: &str = "A device";
pub const CONSENT_SCOPES: &str = "It will be able to:";
pub const CONSENT_SIGNED_IN_AS: &str = "Signed in as ";
pub const ALLOW: &str = "Allow";
pub const DENY: &str = "Deny";

pub const HAND_OFF_TITLE: &str = "One more step on PingOne";
pub const HAND_OFF_BODY: &str = "Your sign-on needs a step this page can't show (for example a second factor or a password change). Continue on PingOne's sign-on page; your device will connect when you finish.";
pub const HAND_OFF_LINK: &str = "Continue on PingOne";

pub const NEW_WINDOW: &str = "Continue in a new window";
pub const NEW_CODE: &str = "Enter a new code";
pub const CONNECT_ANOTHER: &str = "Connect another device";

pub const LOAD_FAILED_TITLE: &str = "Couldn't load your sign-on";

pub const NOT_FOUND_TITLE: &str = "Page not found";
pub const NOT_FOUND_BODY: &str = "This address has no page. To connect a device, go to /device.";

pub const CONFIG_TITLE: &str = "This page is not set up correctly";
pub const CONFIG_BODY: &str = "The site's configuration (config.json) has a problem, so the page cannot reach sign-on. Tell the site's operator:";
pub const CONFIG_UNREACHABLE_TITLE: &str = "Couldn't load this page";
pub const CONFIG_UNREACHABLE: &str =
    "The page's settings didn't arrive. Check your connection and try again.";

/// What the code field says about text that is not yet a code.
pub fn code_problem(error: CodeError) -> String {
    match error {
        CodeError::Empty => "Enter the code shown on your device.".into(),
        CodeError::TooShort(n) | CodeError::TooLong(n) => {
            format!("That's {n} letters and numbers; the code has {CODE_LEN}.")
        }
        CodeError::BadCharacter(c) => {
            format!("The code has only letters and numbers, not “{c}”.")
        }
    }
}

/// What a screen says about a failed step it can recover from.
pub fn problem(error: &ApiError) -> String {
    match error {
        ApiError::WrongCode { remaining } => {
            with_remaining("That code doesn't match a device. Check the code on your device and try again.", *remaining)
        }
        ApiError::CodeRefused { remaining } => with_remaining(
            "This code isn't valid: it may be mistyped, expired or already used. Check the code on your device.",
            *remaining,
        ),
        ApiError::WrongPassword => "Wrong username or password.".into(),
        ApiError::PasswordLocked { .. } => {
            "Too many wrong passwords: this account is locked for a while. Wait, then try again.".into()
        }
        ApiError::Busy { .. } => {
            "The sign-on service is busy right now. Wait a moment and try again; nothing you entered is lost.".into()
        }
        ApiError::Network => {
            "Couldn't reach the sign-on service. Check your connection and try again; nothing you entered is lost.".into()
        }
        ApiError::Server { status } => {
            format!("The sign-on service had a problem (HTTP {status}). Try again in a moment.")
        }
        ApiError::BadResponse => {
            "The sign-on service sent an answer this page can't read. Try again.".into()
        }
        ApiError::Refused { status, .. } => format!(
            "The sign-on service refused this request (HTTP {status}). Try again, or start again on your device."
        ),
        other => end(end_of(other)).1.into(),
    }
}

fn with_remaining(text: &str, remaining: Option<u32>) -> String {
    match remaining {
        Some(1) => format!("{text} 1 try left."),
        Some(n) => format!("{text} {n} tries left."),
        None => text.into(),
    }
}

fn end_of(error: &ApiError) -> End {
    crate::screen::end_for_error(error, false).unwrap_or(End::Failed)
}

/// An end state's title and explanation.
pub fn end(end: End) -> (&'static str, &'static str) {
    match end {
        End::Connected => (
            "Your device is connected",
            "You can go back to your device now; it will finish signing in by itself. You can close this page.",
        ),
        End::Refused => (
            "Device not connected",
            "You denied access, so the device was not connected. If that was a mistake, start again on the device to get a new code.",
        ),
        End::Failed => (
            "Sign-on didn't finish",
            "PingOne ended this sign-on. Start again on your device to get a new code.",
        ),
        End::CodeExpired => (
            "This code has expired",
            "Codes only last a few minutes. Get a new code on your device, then enter it here.",
        ),
        End::CodeUsed => (
            "This code was already used",
            "Each code connects one device once. Get a new code on your device, then enter it here.",
        ),
        End::TooManyAttempts => (
            "Too many tries",
            "For your security, this sign-on is locked after too many wrong codes. Start again on your device to get a new code.",
        ),
        End::FlowExpired => (
            "This sign-on timed out",
            "Nothing happened for a while, so the sign-on was closed. Start again; your code still works if your device still shows it.",
        ),
        End::NotSignedIn => (
            "Your sign-on session wasn't found",
            "This can happen when the browser blocks cookies or the link was opened in another browser. Start again in this browser.",
        ),
        End::CookieBlocked => (
            "This sign-on needs its own window",
            "This page is shown inside another site, and your browser keeps the sign-on service's cookies from it. Continue in a window of its own.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_has_words_and_tries_left_are_counted_right() {
        let errors = [
            ApiError::WrongCode { remaining: None },
            ApiError::CodeExpired,
            ApiError::CodeUsed,
            ApiError::CodeRefused { remaining: None },
            ApiError::TooManyAttempts,
            ApiError::WrongPassword,
            ApiError::FlowExpired,
            ApiError::NotSignedIn,
            ApiError::Network,
            ApiError::BadResponse,
            ApiError::Server { status: 503 },
            ApiError::Refused {
                status: 400,
                code: Some("INVALID_REQUEST".into()),
            },
        ];
        for error in errors {
            assert!(problem(&error).len() > 20, "{error:?}");
        }
        assert!(problem(&ApiError::WrongCode { remaining: Some(1) }).ends_with(" 1 try left."));
        assert!(problem(&ApiError::WrongCode { remaining: Some(4) }).ends_with(" 4 tries left."));
        assert!(problem(&ApiError::Server { status: 503 }).contains("HTTP 503"));
        assert!(
            problem(&ApiError::Refused {
                status: 400,
                code: Some("X".into())
            })
            .contains("HTTP 400)")
        );
        // The combined, honest message when PingOne does not say why a code was refused.
        assert!(
            problem(&ApiError::CodeRefused { remaining: None })
                .contains("mistyped, expired or already used")
        );
    }

    #[test]
    fn every_end_state_is_distinct() {
        let ends = [
            End::Connected,
            End::Refused,
            End::Failed,
            End::CodeExpired,
            End::CodeUsed,
            End::TooManyAttempts,
            End::FlowExpired,
            End::NotSignedIn,
            End::CookieBlocked,
        ];
        let titles: std::collections::HashSet<_> = ends.iter().map(|e| end(*e).0).collect();
        assert_eq!(titles.len(), ends.len());
    }

    #[test]
    fn code_problems_say_how_many_characters() {
        assert_eq!(
            code_problem(CodeError::TooShort(5)),
            "That's 5 letters and numbers; the code has 8."
        );
        assert!(code_problem(CodeError::BadCharacter('+')).contains("“+”"));
    }
}
