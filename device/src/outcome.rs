//! How a run ends, and the process exit code for each ending, so scripts (and `cargo xtask demo`)
//! can tell "connected" from "refused" from "the server is down" without reading the text.

use std::fmt;

use serde::Serialize;

use crate::client::Error;

/// The process exit codes, one per [`Outcome`]. `2` is left to clap for usage errors.
pub mod exit {
    /// The device is connected: tokens were issued.
    pub const CONNECTED: u8 = 0;
    /// The command line was not understood (clap's own code).
    pub const USAGE: u8 = 2;
    /// The user refused (`access_denied`).
    pub const ACCESS_DENIED: u8 = 3;
    /// The code expired before anyone approved it (`expired_token`, or `expires_in` ran out).
    pub const EXPIRED: u8 = 4;
    /// The server answered with an error (bad client id, unknown environment, `invalid_grant`,
    /// a 5xx that did not go away) or with something that is not RFC 8628.
    pub const SERVER_ERROR: u8 = 5;
    /// No answer at all: connection refused, DNS failure, timeout, connection dropped.
    pub const UNREACHABLE: u8 = 6;
    /// Stopped with Ctrl-C (128 + SIGINT, as shells report it).
    pub const INTERRUPTED: u8 = 130;
}

/// How a run ended.
#[derive(Debug)]
pub enum Outcome {
    /// Tokens were issued.
    Connected(Box<Connected>),
    /// The user refused consent (`access_denied`); the server's `error_description`, if any.
    Denied(Option<String>),
    /// The code expired before it was approved.
    Expired(Expiry),
    /// The server could not be reached or answered with an error.
    Failed(Error),
    /// Stopped by the user (Ctrl-C) before the flow ended.
    Interrupted,
}

/// Who noticed that the code expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expiry {
    /// The token endpoint answered `expired_token` (with its `error_description`, if any).
    Server(Option<String>),
    /// `expires_in` ran out on this side before the server said anything.
    Local,
}

impl Outcome {
    /// The process exit code (see [`exit`]).
    pub fn exit_code(&self) -> u8 {
        match self {
            Outcome::Connected(_) => exit::CONNECTED,
            Outcome::Denied(_) => exit::ACCESS_DENIED,
            Outcome::Expired(_) => exit::EXPIRED,
            Outcome::Failed(Error::Config(_)) => exit::USAGE,
            Outcome::Failed(err) if err.is_unreachable() => exit::UNREACHABLE,
            Outcome::Failed(_) => exit::SERVER_ERROR,
            Outcome::Interrupted => exit::INTERRUPTED,
        }
    }

    /// The `event` name this outcome has in `--json` output.
    pub fn event(&self) -> &'static str {
        match self {
            Outcome::Connected(_) => "connected",
            Outcome::Denied(_) => "access_denied",
            Outcome::Expired(_) => "expired_token",
            Outcome::Failed(err) if err.is_unreachable() => "unreachable",
            Outcome::Failed(_) => "error",
            Outcome::Interrupted => "interrupted",
        }
    }
}

/// What a successful run got from the token endpoint.
#[derive(Debug, Clone)]
pub struct Connected {
    /// The granted scope (`scope` of the token response), if the server said.
    pub scope: Option<String>,
    /// `token_type`, normally `Bearer`.
    pub token_type: String,
    /// The access token's lifetime in seconds (`expires_in`), if the server said.
    pub expires_in: Option<u64>,
    /// The signed-in user, read from the `id_token` (present when `openid` was granted).
    pub user: Option<User>,
    /// Why the `id_token` could not be read, when there was one that could not.
    pub id_token_problem: Option<String>,
    /// The raw tokens; printed only with `--show-tokens`.
    pub tokens: Tokens,
}

/// The signed-in user, from the `id_token` claims.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct User {
    /// `sub`: the user's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// `preferred_username`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    /// `given_name`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// `family_name`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// `name`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl User {
    /// "Ada Lovelace (ada)", or whatever part of that the claims hold; the `sub` as a last resort.
    pub fn display_name(&self) -> String {
        let full = match (&self.given_name, &self.family_name, &self.name) {
            (Some(g), Some(f), _) => Some(format!("{g} {f}")),
            (_, _, Some(n)) => Some(n.clone()),
            (Some(g), None, None) => Some(g.clone()),
            (None, Some(f), None) => Some(f.clone()),
            (None, None, None) => None,
        };
        match (full, &self.preferred_username, &self.sub) {
            (Some(full), Some(user), _) => format!("{full} ({user})"),
            (Some(full), None, _) => full,
            (None, Some(user), _) => user.clone(),
            (None, None, Some(sub)) => sub.clone(),
            (None, None, None) => "an unnamed user".to_owned(),
        }
    }
}

/// The raw tokens. `Debug` does not show them.
#[derive(Clone)]
pub struct Tokens {
    /// `access_token`
    pub access_token: String,
    /// `id_token`, with `openid`
    pub id_token: Option<String>,
    /// `refresh_token`, if the application has them
    pub refresh_token: Option<String>,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &"<redacted>")
            .field("id_token", &self.id_token.as_ref().map(|_| "<redacted>"))
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(given: Option<&str>, family: Option<&str>, username: Option<&str>) -> User {
        User {
            sub: Some("5a8e".to_owned()),
            preferred_username: username.map(str::to_owned),
            given_name: given.map(str::to_owned),
            family_name: family.map(str::to_owned),
            name: None,
        }
    }

    #[test]
    fn display_names_use_what_the_claims_hold() {
        for (u, want) in [
            (
                user(Some("Ada"), Some("Lovelace"), Some("ada")),
                "Ada Lovelace (ada)",
            ),
            (user(Some("Ada"), None, None), "Ada"),
            (user(None, None, Some("ada")), "ada"),
            (user(None, None, None), "5a8e"),
        ] {
            assert_eq!(u.display_name(), want);
        }
    }

    #[test]
    fn tokens_do_not_leak_through_debug() {
        let tokens = Tokens {
            access_token: "secret-access".to_owned(),
            id_token: Some("secret-id".to_owned()),
            refresh_token: None,
        };
        let shown = format!("{tokens:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }
}
