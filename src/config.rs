//! The deployment's configuration (`config.json` beside the page), parsed and checked before the
//! page talks to anyone, so a wrong value gets a screen naming the key instead of a blank page.

use std::fmt;

use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use thiserror::Error;

use crate::i18n::k;
use crate::json::{Flag, Obj, Text, decode};

/// Where the page sends people and which PingOne environment and application it serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// PingOne's auth host for the region, or the custom domain: `https://auth.pingone.com`.
    /// Never ends with a slash.
    pub auth_base: String,
    /// The PingOne environment (a UUID): the one the link names when the file serves it, else
    /// the file's. On a custom domain it may be absent.
    pub environment_id: Option<String>,
    /// `authBase` is a PingOne custom domain: URLs carry no environment id.
    pub custom_domain: bool,
    /// The application's client id or device path id, as in `/{envId}/device/{appIdentifier}`.
    /// `None` uses the environment's default sign-on policy (`/{envId}/device`).
    pub app_identifier: Option<String>,
    /// PingOne's hosted sign-on, for the steps this page does not handle itself, when the flow
    /// does not name it (`_links.signOnPage`).
    pub hosted_sign_on_url: String,
    /// Whether to follow the flow's `resumeUrl` once it completes (only on `auth_base`'s origin).
    pub follow_resume_url: bool,
    /// Allow stays disabled until the person ticks "this device is in front of me"
    /// (`consent.requireConfirm`, on unless the file says `false`).
    pub require_confirm: bool,
    /// What the page does with a code that came in the link (`linkedCode`).
    pub linked_code: LinkedCode,
    /// Where "I didn't start this" leads, after refusing the device (`reportUrl`).
    pub report_url: Option<String>,
}

/// What the page does with a code that came in the link: the link is the channel a phisher
/// controls, so an operator may ask for more than a tap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LinkedCode {
    /// Show it large and ask the person to confirm it matches their device.
    #[default]
    Confirm,
    /// Show it among two decoys: the person picks the one their device shows.
    Match,
    /// Never use it: the person types the code from their device.
    Ignore,
}

/// What is wrong with the configuration, naming the key; each says it in the person's language
/// through [`ConfigError::message`].
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// The file is not a JSON object.
    #[error("config.json is not a JSON object")]
    Syntax,
    /// The server answered with a web page (an SPA fallback), not the file.
    #[error("{0} answered with HTML")]
    Html(String),
    /// The server refused the file (a 4xx).
    #[error("{0} answered HTTP {1}")]
    Status(String, u16),
    /// A required key is absent or empty.
    #[error("config.json has no \"{0}\"")]
    Missing(&'static str),
    /// A key that must be an absolute URL is not one.
    #[error("config.json \"{0}\" is not an absolute URL")]
    NotUrl(&'static str),
    /// A URL is plain `http://` to a host other than this computer: passwords would travel in
    /// clear.
    #[error("config.json \"{0}\" must use https://")]
    Insecure(&'static str),
    /// A key that must be an environment id is not a UUID.
    #[error("config.json \"{0}\" is not a UUID")]
    NotUuid(&'static str),
    /// `appIdentifier` is not a client id or device path id.
    #[error("config.json \"appIdentifier\" is not an app identifier")]
    AppIdentifier,
    /// `customDomain` is true for one of PingOne's regional hosts.
    #[error("config.json \"customDomain\" contradicts \"authBase\"")]
    CustomDomain,
    /// The link names an environment this page does not serve (neither `environmentId` nor in
    /// `environmentIds`): someone else's link, which must not send the person anywhere.
    #[error("the link's environmentId is not one config.json serves")]
    EnvironmentNotServed,
    /// An `embed.parentOrigins` entry (quoted) is not an origin.
    #[error("config.json \"embed.parentOrigins\" has {0:?}, not an origin")]
    NotOrigin(String),
}

impl ConfigError {
    /// The key at fault (`syntax` for the file itself, `fetch` for how it was served).
    pub fn key(&self) -> &'static str {
        match self {
            ConfigError::Syntax => "syntax",
            ConfigError::Html(_) | ConfigError::Status(..) => "fetch",
            ConfigError::Missing(key)
            | ConfigError::NotUrl(key)
            | ConfigError::Insecure(key)
            | ConfigError::NotUuid(key) => key,
            ConfigError::AppIdentifier => "appIdentifier",
            ConfigError::CustomDomain => "customDomain",
            ConfigError::EnvironmentNotServed => "environmentId",
            ConfigError::NotOrigin(_) => PARENT_ORIGINS,
        }
    }

    /// The message key and its arguments.
    pub fn message(&self) -> (&'static str, Vec<(&'static str, String)>) {
        let key = |k: &str| vec![("key", k.to_owned())];
        match self {
            ConfigError::Syntax => (k::OPERATOR_SYNTAX, Vec::new()),
            ConfigError::Html(url) => (k::OPERATOR_HTML, vec![("url", url.clone())]),
            ConfigError::Status(url, status) => (
                k::OPERATOR_STATUS,
                vec![("url", url.clone()), ("status", status.to_string())],
            ),
            ConfigError::Missing(name) => (k::OPERATOR_MISSING, key(name)),
            ConfigError::NotUrl(name) => (k::OPERATOR_NOT_URL, key(name)),
            ConfigError::Insecure(name) => (k::OPERATOR_INSECURE, key(name)),
            ConfigError::NotUuid(name) => (k::OPERATOR_NOT_UUID, key(name)),
            ConfigError::AppIdentifier => (k::OPERATOR_APP_IDENTIFIER, Vec::new()),
            ConfigError::CustomDomain => (k::OPERATOR_CUSTOM_DOMAIN, Vec::new()),
            ConfigError::EnvironmentNotServed => (k::ENVIRONMENT_BODY, Vec::new()),
            ConfigError::NotOrigin(value) => (
                k::OPERATOR_NOT_ORIGIN,
                vec![("key", PARENT_ORIGINS.to_owned()), ("value", value.clone())],
            ),
        }
    }
}

/// `config.json` as written: every key optional and tolerant here; [`Config::parse`] checks them.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Raw {
    auth_base: Text,
    environment_id: Text,
    environment_ids: Ids,
    custom_domain: Flag,
    app_identifier: Text,
    hosted_sign_on_url: Text,
    follow_resume_url: Flag,
    allow_plain_http: Flag,
    embed: Obj<Embed>,
    consent: Obj<RawConsent>,
    linked_code: Text,
    report_url: Text,
}

/// `consent` as written.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct RawConsent {
    require_confirm: Flag,
}

/// `environmentIds` as written: absent, a list of strings, or something else (`Wrong`, which the
/// screen names rather than ignoring a list the operator meant).
#[derive(Default)]
enum Ids {
    #[default]
    Absent,
    Listed(Vec<Text>),
    Wrong,
}

impl<'de> Deserialize<'de> for Ids {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Strings;
        impl<'de> Visitor<'de> for Strings {
            type Value = Ids;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of strings")
            }
            // `null` is absent, as the browser's reader already treats it.
            fn visit_unit<E: serde::de::Error>(self) -> Result<Ids, E> {
                Ok(Ids::Absent)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ids, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Text>()? {
                    items.push(item);
                }
                Ok(Ids::Listed(items))
            }
        }
        Ok(d.deserialize_any(Strings).unwrap_or(Ids::Wrong))
    }
}

impl Config {
    /// Parses `config.json`. `environment_id` is the one the link names (PingOne's redirect
    /// carries it in the query): used when it is `environmentId` or listed in `environmentIds`,
    /// refused ([`ConfigError::EnvironmentNotServed`]) otherwise, so a link cannot send the
    /// person to another environment on a shared `authBase`. Unknown keys are ignored.
    pub fn parse(json: &str, environment_id: Option<&str>) -> Result<Self, ConfigError> {
        let Obj(raw) = decode::<Obj<Raw>>(json).map_err(|_| ConfigError::Syntax)?;
        let raw = raw
            .filter(|_| json.trim_start().starts_with('{'))
            .ok_or(ConfigError::Syntax)?;
        let plain_http = raw.allow_plain_http.0.unwrap_or(false);

        let auth_base = required("authBase", raw.auth_base.0)?;
        let auth_base = url("authBase", &auth_base, plain_http)?
            .trim_end_matches('/')
            .to_owned();

        // PingOne's regional hosts always take the environment id; any other host is a custom
        // domain unless the file says otherwise, and needs none.
        let region = pingone_region(&auth_base).map(str::to_owned);
        let served = served_environments(raw.environment_id.0, raw.environment_ids)?;
        let custom_domain = raw
            .custom_domain
            .0
            .unwrap_or(region.is_none() && served.is_empty());
        if served.is_empty() && !custom_domain {
            return Err(ConfigError::Missing("environmentId"));
        }
        if custom_domain && region.is_some() {
            return Err(ConfigError::CustomDomain);
        }
        let app_identifier = match raw.app_identifier.0 {
            Some(id) if !is_app_identifier(&id) => {
                return Err(ConfigError::AppIdentifier);
            }
            other => other,
        };
        let hosted_sign_on_url = match raw.hosted_sign_on_url.0 {
            Some(at) => Some(url("hostedSignOnUrl", &at, plain_http)?.to_owned()),
            None => None,
        };
        // Where people report phishing is never plain http off this computer.
        let report_url = match raw.report_url.0 {
            Some(at) => Some(url("reportUrl", &at, false)?.to_owned()),
            None => None,
        };
        // Anything else is confirm, the safe default (public/boot.js warns in the console).
        let linked_code = match raw.linked_code.0.as_deref() {
            Some("match") => LinkedCode::Match,
            Some("ignore") => LinkedCode::Ignore,
            _ => LinkedCode::Confirm,
        };

        check_parent_origins(raw.embed.0.map(|e| e.parent_origins), plain_http)?;

        // Last, once the file itself is known to be right: the environment the link names.
        let environment_id = match environment_id.map(str::trim).filter(|id| !id.is_empty()) {
            // A custom domain that names no environment: the domain picks it, and the link's
            // value cannot steer any request.
            Some(_) if served.is_empty() => None,
            Some(asked) => Some(
                served
                    .iter()
                    .find(|id| id.eq_ignore_ascii_case(asked))
                    .ok_or(ConfigError::EnvironmentNotServed)?
                    .clone(),
            ),
            None => served.first().cloned(),
        };

        let mut config = Config {
            auth_base,
            environment_id,
            custom_domain,
            app_identifier,
            hosted_sign_on_url: String::new(),
            follow_resume_url: raw.follow_resume_url.0.unwrap_or(false),
            require_confirm: raw
                .consent
                .0
                .and_then(|c| c.require_confirm.0)
                .unwrap_or(true),
            linked_code,
            report_url,
        };
        config.hosted_sign_on_url = match hosted_sign_on_url {
            Some(at) => at,
            // PingOne serves its hosted pages from the region's `apps.` host, not `auth.`.
            None => match (region, &config.environment_id) {
                (Some(region), Some(env)) => format!("https://apps.pingone.{region}/{env}/signon/"),
                _ => format!("{}/signon/", config.base()),
            },
        };
        Ok(config)
    }

    /// `{base}` of the contract: `{authBase}/{envId}` on a regional host, `{authBase}` on a
    /// custom domain. Every URL the page builds starts with it.
    pub fn base(&self) -> String {
        match (&self.environment_id, self.custom_domain) {
            (Some(env), false) => format!("{}/{env}", self.auth_base),
            _ => self.auth_base.clone(),
        }
    }

    /// Whether a URL taken from PingOne's answer may be followed: only to `authBase`'s origin
    /// or the hosted sign-on's.
    pub fn trusts(&self, url: &str) -> bool {
        let at = origin(url);
        at.contains("://") && (at == self.auth_origin() || at == origin(&self.hosted_sign_on_url))
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

/// The environments this page serves: `environmentId` first, then `environmentIds`; each a UUID.
fn served_environments(first: Option<String>, listed: Ids) -> Result<Vec<String>, ConfigError> {
    if first.as_deref().is_some_and(|id| !is_uuid(id)) {
        return Err(ConfigError::NotUuid("environmentId"));
    }
    let listed = match listed {
        Ids::Absent => Vec::new(),
        Ids::Listed(ids) => ids
            .into_iter()
            .map(|Text(id)| id.filter(|id| is_uuid(id)))
            .collect::<Option<Vec<String>>>()
            .ok_or(ConfigError::NotUuid("environmentIds"))?,
        Ids::Wrong => return Err(ConfigError::NotUuid("environmentIds")),
    };
    Ok(first.into_iter().chain(listed).collect())
}

/// An absolute `https://` URL, or `http://` to this computer (or anywhere, when the file says
/// `allowPlainHttp` for a demo on a local network).
fn url<'a>(key: &'static str, value: &'a str, plain_http: bool) -> Result<&'a str, ConfigError> {
    let (rest, secure) = match (
        value.strip_prefix("https://"),
        value.strip_prefix("http://"),
    ) {
        (Some(rest), _) => (rest, true),
        (None, Some(rest)) => (rest, false),
        (None, None) => return Err(ConfigError::NotUrl(key)),
    };
    if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
        return Err(ConfigError::NotUrl(key));
    }
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or(rest);
    if secure || plain_http || is_loopback(authority) {
        Ok(value)
    } else {
        Err(ConfigError::Insecure(key))
    }
}

/// Whether a URL's authority (`host[:port]`) is this computer: `localhost`, `127.0.0.0/8` or
/// `[::1]`, written plainly (no user info, no octal or shortened addresses).
fn is_loopback(authority: &str) -> bool {
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && !host.ends_with(':') => (host, Some(port)),
        _ => (authority, None),
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let octets: Vec<&str> = host.split('.').collect();
    host.eq_ignore_ascii_case("localhost")
        || host == "[::1]"
        || (octets.len() == 4
            && octets[0] == "127"
            && octets[1..].iter().all(|o| {
                o.len() <= 3 && (o == &"0" || !o.starts_with('0')) && o.parse::<u8>().is_ok()
            }))
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

/// The region suffix (`com`, `eu`, `ca`, `asia`, `com.au`) when `auth_base` is PingOne's regional
/// auth host `https://auth.pingone.<region>`.
fn pingone_region(auth_base: &str) -> Option<&str> {
    auth_base
        .strip_prefix("https://auth.pingone.")
        .filter(|region| {
            !region.is_empty() && region.chars().all(|c| c.is_ascii_lowercase() || c == '.')
        })
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

// --- Portals (issue 18): `embed.parentOrigins` -------------------------------------------------
// The page only checks the list here, so a wrong entry gets the configuration screen; the
// portal protocol itself (public/lazy/frame.js) reads it from config.json.

const PARENT_ORIGINS: &str = "embed.parentOrigins";

/// `embed` as written.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Embed {
    parent_origins: Ids,
}

/// Each entry must be an exact origin (`https://portal.example.com`, `http://` only to this
/// computer unless `allowPlainHttp`): never `*`, a path or another scheme, since the page posts
/// to each and the browser delivers to any page of an origin it names.
fn check_parent_origins(listed: Option<Ids>, plain_http: bool) -> Result<(), ConfigError> {
    let entries = match listed {
        None | Some(Ids::Absent) => return Ok(()),
        Some(Ids::Listed(entries)) => entries,
        Some(Ids::Wrong) => return Err(ConfigError::NotOrigin(String::new())),
    };
    for Text(entry) in entries {
        let entry = entry.unwrap_or_default();
        let is_origin = url(PARENT_ORIGINS, &entry, plain_http).is_ok_and(|u| origin(u) == u)
            && !entry.contains(['@', '\\']);
        if !is_origin {
            return Err(ConfigError::NotOrigin(entry));
        }
    }
    Ok(())
}

#[cfg(test)]
mod parent_origin_tests {
    use super::*;

    fn with(list: &str) -> Result<Config, ConfigError> {
        Config::parse(
            &format!(
                r#"{{"authBase":"https://auth.example.com","embed":{{"parentOrigins":{list}}}}}"#
            ),
            None,
        )
    }

    #[test]
    fn exact_origins_pass() {
        for list in [
            "[]",
            "null",
            r#"["https://portal.example.com"]"#,
            r#"["https://portal.example.com:8443","http://localhost:8080","http://127.0.0.1:1"]"#,
        ] {
            assert!(with(list).is_ok(), "{list}");
        }
        let no_embed = Config::parse(r#"{"authBase":"https://auth.example.com"}"#, None);
        assert!(no_embed.is_ok());
    }

    #[test]
    fn anything_else_is_named() {
        for (list, value) in [
            (r#"["*"]"#, "*"),
            (
                r#"["https://portal.example.com/"]"#,
                "https://portal.example.com/",
            ),
            (
                r#"["https://portal.example.com/app"]"#,
                "https://portal.example.com/app",
            ),
            (r#"["javascript:alert(1)"]"#, "javascript:alert(1)"),
            (r#"["https:"]"#, "https:"),
            (
                r#"["http://portal.example.com"]"#,
                "http://portal.example.com",
            ),
            (
                r#"["https://a@portal.example.com"]"#,
                "https://a@portal.example.com",
            ),
            (r#"["https://ok.example.com",""]"#, ""),
            (r#"[7]"#, ""),
            (r#""https://portal.example.com""#, ""),
        ] {
            let err = with(list).expect_err(list);
            assert_eq!(err.key(), PARENT_ORIGINS, "{list}");
            assert_eq!(
                err.message(),
                (
                    k::OPERATOR_NOT_ORIGIN,
                    vec![
                        ("key", PARENT_ORIGINS.to_owned()),
                        ("value", value.to_owned())
                    ]
                ),
                "{list}"
            );
        }
    }
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
        assert_eq!(config.environment_id.as_deref(), Some(ENV));
        assert!(!config.custom_domain);
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
    fn a_custom_domain_needs_no_environment_id() {
        // Detected: not a PingOne regional host, and no environment id.
        let config =
            Config::parse(r#"{"authBase":"https://auth.example.com"}"#, None).expect("valid");
        assert!(config.custom_domain);
        assert_eq!(config.base(), "https://auth.example.com");
        assert_eq!(
            config.hosted_sign_on_url,
            "https://auth.example.com/signon/"
        );
        // Said: the environment id is kept but not put in URLs.
        let said = Config::parse(
            &format!(r#"{{"authBase":"https://auth.example.com","environmentId":"{ENV}","customDomain":true}}"#),
            None,
        )
        .expect("valid");
        assert_eq!(
            (said.custom_domain, said.base()),
            (true, "https://auth.example.com".into())
        );
        // A regional host is never a custom domain, and always needs the environment id.
        let regional =
            Config::parse(&json("https://auth.pingone.com", ENV, "tv"), None).expect("valid");
        assert_eq!(regional.base(), format!("https://auth.pingone.com/{ENV}"));
        assert_eq!(
            regional.hosted_sign_on_url,
            format!("https://apps.pingone.com/{ENV}/signon/")
        );
        let no_env = Config::parse(r#"{"authBase":"https://auth.pingone.ca"}"#, None);
        assert_eq!(no_env.map_err(|e| e.key()), Err("environmentId"));
        let both = Config::parse(
            &format!(
                r#"{{"authBase":"https://auth.pingone.ca","environmentId":"{ENV}","customDomain":true}}"#
            ),
            None,
        );
        assert_eq!(both.map_err(|e| e.key()), Err("customDomain"));
    }

    #[test]
    fn trusts_only_its_own_origins() {
        let config =
            Config::parse(&json("https://auth.pingone.eu", ENV, "tv"), None).expect("valid");
        assert!(config.trusts(&format!("https://auth.pingone.eu/{ENV}/flows/f")));
        assert!(config.trusts(&format!("https://apps.pingone.eu/{ENV}/signon/?flowId=f")));
        for away in [
            "https://auth.pingone.eu.evil.example/x",
            "https://evil.example/",
            "http://auth.pingone.eu/x",
            "javascript:alert(1)",
            "/flows/f",
        ] {
            assert!(!config.trusts(away), "{away}");
        }
    }

    #[test]
    fn names_the_wrong_key() {
        let cases: [(String, &str); 10] = [
            ("not json".into(), "syntax"),
            ("[]".into(), "syntax"),
            (r#"{"environmentId":"x"}"#.into(), "authBase"),
            (
                r#"{"authBase":"https://auth.pingone.com"}"#.into(),
                "environmentId",
            ),
            (json("", ENV, "tv"), "authBase"),
            (json("ftp://a", ENV, "tv"), "authBase"),
            (json("https://", ENV, "tv"), "authBase"),
            (json("https://auth.pingone.com", "", "tv"), "environmentId"),
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
    fn an_attacker_environment_in_the_link_is_refused() {
        // `…/device?environmentId=<attacker env>&user_code=X` on a shared regional authBase.
        let attacker = "11111111-2222-3333-4444-555555555555";
        let refused = Config::parse(&json("https://auth.pingone.com", ENV, "tv"), Some(attacker));
        assert!(refused.is_err(), "{refused:?}");
        let err = refused.expect_err("refused");
        assert_eq!(err.key(), "environmentId");
        assert_eq!(err.message(), (k::ENVIRONMENT_BODY, Vec::new()));
        // Not a UUID at all: the same screen, it is still not an environment this page serves.
        let junk = Config::parse(&json("https://auth.pingone.com", ENV, "tv"), Some("nope"));
        assert_eq!(junk.map_err(|e| e.message().0), Err(k::ENVIRONMENT_BODY));
    }

    #[test]
    fn the_link_may_name_a_served_environment() {
        let other = "11111111-2222-3333-4444-555555555555";
        // The configured one, in any case (PingOne's redirect carries it back).
        let same = Config::parse(
            &json("https://auth.pingone.com", ENV, "tv"),
            Some(&ENV.to_uppercase()),
        )
        .expect("served");
        assert_eq!(same.environment_id.as_deref(), Some(ENV));
        // One the file lists.
        let listed = format!(
            r#"{{"authBase":"https://auth.pingone.com","environmentId":"{ENV}","environmentIds":["{other}"]}}"#
        );
        let config = Config::parse(&listed, Some(other)).expect("listed");
        assert_eq!(config.environment_id.as_deref(), Some(other));
        assert_eq!(config.base(), format!("https://auth.pingone.com/{other}"));
        assert_eq!(
            Config::parse(&listed, None).map(|c| c.environment_id),
            Ok(Some(ENV.to_owned()))
        );
        // A list alone serves its environments; the first is the default.
        let only_list = format!(
            r#"{{"authBase":"https://auth.pingone.com","environmentIds":["{other}","{ENV}"]}}"#
        );
        assert_eq!(
            Config::parse(&only_list, None).map(|c| c.environment_id),
            Ok(Some(other.to_owned()))
        );
        assert!(Config::parse(&only_list, Some(ENV)).is_ok());
        // A custom domain that names no environment takes its environment from the domain: the
        // query cannot steer any request, so it is not used.
        let custom = Config::parse(r#"{"authBase":"https://auth.example.com"}"#, Some(other))
            .expect("custom domain");
        assert_eq!(custom.environment_id, None);
        assert_eq!(custom.base(), "https://auth.example.com");
    }

    #[test]
    fn environment_lists_must_be_uuids() {
        let text = format!(
            r#"{{"authBase":"https://auth.pingone.com","environmentId":"{ENV}","environmentIds":null}}"#
        );
        assert!(Config::parse(&text, None).is_ok(), "null is absent");
        for ids in [
            r#""not a list""#,
            r#"["nope"]"#,
            r#"[1]"#,
            r#"[" "]"#,
            r#"{"a":1}"#,
        ] {
            let text = format!(
                r#"{{"authBase":"https://auth.pingone.com","environmentId":"{ENV}","environmentIds":{ids}}}"#
            );
            let err = Config::parse(&text, None).expect_err(&text);
            assert_eq!(err.key(), "environmentIds", "{text}");
        }
    }

    #[test]
    fn plain_http_only_on_loopback() {
        for base in [
            "http://auth.example.com",
            "http://auth.pingone.com",
            "http://localhost.evil.example",
            "http://127.0.0.1.evil.example",
            "http://localhost@evil.example",
            "http://127.0.0.1:9000@evil.example",
            "http://[::1].evil.example",
            "http://0177.0.0.1",
            "http://10.0.0.1:9000",
            "http://localhost:notaport",
        ] {
            let err = Config::parse(&json(base, ENV, "tv"), None).expect_err(base);
            assert_eq!(err.key(), "authBase", "{base}");
            assert_eq!(
                err.message(),
                (k::OPERATOR_INSECURE, vec![("key", "authBase".to_owned())]),
                "{base}"
            );
        }
        for base in [
            "http://localhost",
            "http://LOCALHOST:8080",
            "http://127.0.0.1:9000",
            "http://127.1.2.3",
            "http://[::1]:9000",
            "https://auth.example.com",
        ] {
            assert!(
                Config::parse(&json(base, ENV, "tv"), None).is_ok(),
                "{base}"
            );
        }
        let sign_on = format!(
            r#"{{"authBase":"https://auth.example.com","environmentId":"{ENV}","hostedSignOnUrl":"http://auth.example.com/signon/"}}"#
        );
        let err = Config::parse(&sign_on, None).expect_err("http sign-on");
        assert_eq!(err.key(), "hostedSignOnUrl");
        assert_eq!(err.message().0, k::OPERATOR_INSECURE);
        // A demo on a local network says so explicitly.
        let demo = format!(
            r#"{{"authBase":"http://192.168.1.20:9000","environmentId":"{ENV}","allowPlainHttp":true}}"#
        );
        assert!(Config::parse(&demo, None).is_ok());
    }

    #[test]
    fn phishing_defenses_default_on_and_read_what_is_written() {
        let base = format!(r#""authBase":"https://auth.example.com","environmentId":"{ENV}""#);
        let parse = |extra: &str| Config::parse(&format!("{{{base}{extra}}}"), None);
        let plain = parse("").expect("valid");
        assert!(plain.require_confirm);
        assert_eq!(plain.linked_code, LinkedCode::Confirm);
        assert_eq!(plain.report_url, None);

        let set = parse(
            r#","consent":{"requireConfirm":false},"linkedCode":"match","reportUrl":"https://help.example/phish""#,
        )
        .expect("valid");
        assert!(!set.require_confirm);
        assert_eq!(set.linked_code, LinkedCode::Match);
        assert_eq!(
            set.report_url.as_deref(),
            Some("https://help.example/phish")
        );
        assert_eq!(
            parse(r#","linkedCode":"ignore""#).map(|c| c.linked_code),
            Ok(LinkedCode::Ignore)
        );
        // A value of the wrong type keeps the safe default.
        assert!(
            parse(r#","consent":{"requireConfirm":"no"}"#)
                .expect("valid")
                .require_confirm
        );
        assert!(parse(r#","consent":false"#).expect("valid").require_confirm);

        // An unknown mode is the safe default (boot.js warns in the console), not a config screen.
        let unknown = parse(r#","linkedCode":"auto""#).expect("valid");
        assert_eq!(unknown.linked_code, LinkedCode::Confirm);

        // The report page: https, or http only to this computer (allowPlainHttp does not count).
        assert!(parse(r#","reportUrl":"http://127.0.0.1:8080/report""#).is_ok());
        for (url, key) in [
            ("http://help.example/phish", k::OPERATOR_INSECURE),
            ("help.example/phish", k::OPERATOR_NOT_URL),
            ("javascript:alert(1)", k::OPERATOR_NOT_URL),
        ] {
            let err =
                parse(&format!(r#","reportUrl":"{url}","allowPlainHttp":true"#)).expect_err(url);
            assert_eq!(
                err.message(),
                (key, vec![("key", "reportUrl".to_owned())]),
                "{url}"
            );
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
