//! The deployment's configuration (`config.json` beside the page), parsed and checked before the
//! page talks to anyone, so a wrong value gets a screen naming the key instead of a blank page.

use serde::Deserialize;
use thiserror::Error;

use crate::json::{Flag, Obj, Text, decode};

/// Where the page sends people and which PingOne environment and application it serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// PingOne's auth host for the region, or the custom domain: `https://auth.pingone.com`.
    /// Never ends with a slash.
    pub auth_base: String,
    /// The PingOne environment (a UUID).
    pub environment_id: String,
    /// The application's client id or device path id, as in `/{envId}/device/{appIdentifier}`.
    /// `None` uses the environment's default sign-on policy (`/{envId}/device`).
    pub app_identifier: Option<String>,
    /// PingOne's hosted sign-on, for the steps this page does not handle itself.
    pub hosted_sign_on_url: String,
    /// Whether to follow the flow's `resumeUrl` once it completes (only on `auth_base`'s origin).
    pub follow_resume_url: bool,
}

/// Which key is wrong, and how.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// The file is not a JSON object of the expected shape.
    #[error("config.json is not valid JSON: {0}")]
    Syntax(String),
    /// A required key is absent or empty.
    #[error("config.json has no \"{0}\"")]
    Missing(&'static str),
    /// A key holds a value the page cannot use.
    #[error("config.json \"{key}\" {problem}")]
    Invalid {
        /// The JSON key.
        key: &'static str,
        /// What is wrong, as the end of a sentence.
        problem: &'static str,
    },
}

impl ConfigError {
    /// The key at fault, or `"syntax"` when the file itself does not parse.
    pub fn key(&self) -> &'static str {
        match self {
            ConfigError::Syntax(_) => "syntax",
            ConfigError::Missing(key) | ConfigError::Invalid { key, .. } => key,
        }
    }
}

/// `config.json` as written: every key optional and tolerant here; [`Config::parse`] checks them.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Raw {
    auth_base: Text,
    environment_id: Text,
    app_identifier: Text,
    hosted_sign_on_url: Text,
    follow_resume_url: Flag,
}

impl Config {
    /// Parses `config.json`. `environment_id`, when given (PingOne's redirect carries it in the
    /// query), overrides the file's. Unknown keys are ignored.
    pub fn parse(json: &str, environment_id: Option<&str>) -> Result<Self, ConfigError> {
        let Obj(raw) = decode::<Obj<Raw>>(json).map_err(ConfigError::Syntax)?;
        let raw = raw
            .filter(|_| json.trim_start().starts_with('{'))
            .ok_or_else(|| ConfigError::Syntax("expected a JSON object".into()))?;

        let auth_base = required("authBase", raw.auth_base.0)?;
        let auth_base = http_url("authBase", &auth_base)?
            .trim_end_matches('/')
            .to_owned();

        let environment_id = match environment_id {
            Some(id) => id.trim().to_owned(),
            None => required("environmentId", raw.environment_id.0)?,
        };
        if !is_uuid(&environment_id) {
            return Err(ConfigError::Invalid {
                key: "environmentId",
                problem: "is not a UUID (PingOne environment ids look like 8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f)",
            });
        }

        let app_identifier = match raw.app_identifier.0 {
            Some(id) if !is_app_identifier(&id) => {
                return Err(ConfigError::Invalid {
                    key: "appIdentifier",
                    problem: "must be the client id or a device path id: 1 to 50 letters, digits, '-' or '_'",
                });
            }
            other => other,
        };

        let hosted_sign_on_url = match raw.hosted_sign_on_url.0 {
            Some(url) => http_url("hostedSignOnUrl", &url)?.to_owned(),
            None => format!("{auth_base}/{environment_id}/signon/"),
        };

        Ok(Config {
            auth_base,
            environment_id,
            app_identifier,
            hosted_sign_on_url,
            follow_resume_url: raw.follow_resume_url.0.unwrap_or(false),
        })
    }

    /// The scheme, host and port of `auth_base`: the only origin `resumeUrl` may lead to.
    pub fn auth_origin(&self) -> &str {
        origin(&self.auth_base)
    }
}

/// A key that must be there (a string, not blank: [`Text`] already trimmed it).
fn required(key: &'static str, value: Option<String>) -> Result<String, ConfigError> {
    value.ok_or(ConfigError::Missing(key))
}

fn http_url<'a>(key: &'static str, value: &'a str) -> Result<&'a str, ConfigError> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(rest)
            if !rest.is_empty()
                && !rest.starts_with('/')
                && !rest.contains(char::is_whitespace) =>
        {
            Ok(value)
        }
        _ => Err(ConfigError::Invalid {
            key,
            problem: "must be an absolute http:// or https:// URL",
        }),
    }
}

/// The origin part (`scheme://host[:port]`) of an absolute URL.
pub fn origin(url: &str) -> &str {
    let bytes = url.as_bytes();
    let after_scheme = bytes
        .windows(3)
        .position(|w| w == b"://")
        .map_or(0, |i| i + 3);
    let end = bytes[after_scheme..]
        .iter()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .map_or(url.len(), |i| after_scheme + i);
    &url[..end]
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn is_app_identifier(s: &str) -> bool {
    (1..=50).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENV: &str = "8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f";

    fn json(auth: &str, env: &str, app: &str) -> String {
        format!(r#"{{"authBase":"{auth}","environmentId":"{env}","appIdentifier":"{app}"}}"#)
    }

    #[test]
    fn reads_a_full_config() {
        let text = format!(
            r#"{{"authBase":"https://auth.pingone.eu/","environmentId":"{ENV}","appIdentifier":"tv",
                "hostedSignOnUrl":"https://apps.pingone.eu/{ENV}/signon/","followResumeUrl":true,"future":1}}"#
        );
        let config = Config::parse(&text, None).expect("valid");
        assert_eq!(config.auth_base, "https://auth.pingone.eu");
        assert_eq!(config.environment_id, ENV);
        assert_eq!(config.app_identifier.as_deref(), Some("tv"));
        assert_eq!(
            config.hosted_sign_on_url,
            format!("https://apps.pingone.eu/{ENV}/signon/")
        );
        assert!(config.follow_resume_url);
        assert_eq!(config.auth_origin(), "https://auth.pingone.eu");
    }

    #[test]
    fn fills_defaults() {
        let text = format!(r#"{{"authBase":"http://127.0.0.1:9000","environmentId":"{ENV}"}}"#);
        let config = Config::parse(&text, None).expect("valid");
        assert_eq!(config.app_identifier, None);
        assert_eq!(
            config.hosted_sign_on_url,
            format!("http://127.0.0.1:9000/{ENV}/signon/")
        );
        assert!(!config.follow_resume_url);
    }

    #[test]
    fn query_environment_overrides_the_file() {
        let other = "11111111-2222-3333-4444-555555555555";
        let config =
            Config::parse(&json("https://a.example", ENV, "tv"), Some(other)).expect("valid");
        assert_eq!(config.environment_id, other);
        let err = Config::parse(&json("https://a.example", ENV, "tv"), Some("nope"));
        assert_eq!(err.map_err(|e| e.key()), Err("environmentId"));
    }

    #[test]
    fn names_the_wrong_key() {
        let cases: [(String, &str); 9] = [
            ("not json".into(), "syntax"),
            ("[]".into(), "syntax"),
            (r#"{"environmentId":"x"}"#.into(), "authBase"),
            (json("", ENV, "tv"), "authBase"),
            (json("ftp://a", ENV, "tv"), "authBase"),
            (json("https://", ENV, "tv"), "authBase"),
            (json("https://a.example", "", "tv"), "environmentId"),
            (
                json("https://a.example", "not-a-uuid", "tv"),
                "environmentId",
            ),
            (json("https://a.example", ENV, "has space"), "appIdentifier"),
        ];
        for (text, key) in cases {
            let err = Config::parse(&text, None).expect_err(&text);
            assert_eq!(err.key(), key, "{text}: {err}");
        }
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin("https://auth.pingone.com/env/flows"),
            "https://auth.pingone.com"
        );
        assert_eq!(origin("http://127.0.0.1:9000"), "http://127.0.0.1:9000");
        assert_eq!(origin("http://h:1?x#y"), "http://h:1");
    }
}
