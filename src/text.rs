//! Which message says what: the page's states and problems as message keys and arguments. The
//! words themselves are in `i18n/<tag>.json`; this module only chooses among them.

use crate::error::ApiError;
use crate::i18n::{k, tf, tp};
use crate::screen::{End, end_for_error};
use crate::user_code::{CODE_LEN, CodeError};

/// What the code field says about text that is not yet a code.
pub fn code_problem(error: CodeError) -> String {
    let length = CODE_LEN.to_string();
    match error {
        CodeError::Empty => tf(k::CODE_EMPTY, &[]),
        CodeError::TooShort(n) | CodeError::TooLong(n) => {
            tp(k::CODE_WRONG_LENGTH, n as u32, &[("length", &length)])
        }
        CodeError::BadCharacter(c) => tf(k::CODE_BAD_CHARACTER, &[("char", &c.to_string())]),
    }
}

/// The key and arguments of what a screen says about a failed step it can recover from (the
/// errors that end the flow say what their end screen says).
pub fn problem_key(error: &ApiError) -> (&'static str, Option<u32>, Option<u16>) {
    match error {
        ApiError::WrongCode { remaining } => (k::PROBLEM_WRONG_CODE, *remaining, None),
        ApiError::CodeRefused { remaining } => (k::PROBLEM_CODE_REFUSED, *remaining, None),
        ApiError::WrongPassword => (k::PROBLEM_WRONG_PASSWORD, None, None),
        ApiError::PasswordLocked { .. } => (k::PROBLEM_PASSWORD_LOCKED, None, None),
        ApiError::Busy { .. } => (k::PROBLEM_BUSY, None, None),
        ApiError::Network => (k::PROBLEM_NETWORK, None, None),
        ApiError::Server { status } => (k::PROBLEM_SERVER, None, Some(*status)),
        ApiError::BadResponse => (k::PROBLEM_BAD_RESPONSE, None, None),
        ApiError::Refused { status, .. } => (k::PROBLEM_REFUSED, None, Some(*status)),
        other => (
            end(end_for_error(other, false).unwrap_or(End::Failed)).1,
            None,
            None,
        ),
    }
}

/// What a screen says about a failed step, in the page's language.
pub fn problem(error: &ApiError) -> String {
    let (key, remaining, status) = problem_key(error);
    let status = status.map(|s| s.to_string()).unwrap_or_default();
    let text = tf(key, &[("status", &status)]);
    match remaining {
        Some(n) => text + " " + &tp(k::PROBLEM_TRIES_LEFT, n, &[]),
        None => text,
    }
}

/// An end state's title and explanation keys.
pub fn end(end: End) -> (&'static str, &'static str) {
    match end {
        End::Connected => (k::END_CONNECTED_TITLE, k::END_CONNECTED_BODY),
        End::Refused => (k::END_REFUSED_TITLE, k::END_REFUSED_BODY),
        End::Failed => (k::END_FAILED_TITLE, k::END_FAILED_BODY),
        End::CodeExpired => (k::END_CODE_EXPIRED_TITLE, k::END_CODE_EXPIRED_BODY),
        End::CodeUsed => (k::END_CODE_USED_TITLE, k::END_CODE_USED_BODY),
        End::TooManyAttempts => (k::END_TOO_MANY_TRIES_TITLE, k::END_TOO_MANY_TRIES_BODY),
        End::FlowExpired => (k::END_FLOW_EXPIRED_TITLE, k::END_FLOW_EXPIRED_BODY),
        End::NotSignedIn => (k::END_NOT_SIGNED_IN_TITLE, k::END_NOT_SIGNED_IN_BODY),
        End::CookieBlocked => (k::END_COOKIE_BLOCKED_TITLE, k::END_COOKIE_BLOCKED_BODY),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Catalog, set};

    fn english() {
        set(Catalog::parse(include_str!("../i18n/en.json")).expect("en.json"));
    }

    #[test]
    fn every_problem_has_words_and_tries_left_are_counted_right() {
        english();
        let errors = crate::error::every_kind();
        for error in errors {
            assert!(problem(&error).len() > 20, "{error:?}");
            assert!(
                !problem(&error).contains('{'),
                "{error:?}: {}",
                problem(&error)
            );
        }
        assert!(problem(&ApiError::WrongCode { remaining: Some(1) }).ends_with(" 1 try left."));
        assert!(problem(&ApiError::WrongCode { remaining: Some(4) }).ends_with(" 4 tries left."));
        assert!(problem(&ApiError::Server { status: 503 }).contains("HTTP 503"));
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
        english();
        assert_eq!(
            code_problem(CodeError::TooShort(5)),
            "That's 5 letters and numbers; the code has 8."
        );
        assert_eq!(
            code_problem(CodeError::TooShort(1)),
            "That's 1 letter or number; the code has 8."
        );
        assert!(code_problem(CodeError::BadCharacter('+')).contains("“+”"));
    }
}
