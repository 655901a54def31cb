//! What one emulated PingOne environment is set up with (application, users, timings) as a
//! person writes it: the built-in demo values, and a TOML file over them, checked. Values that
//! can follow the running listeners say so explicitly; `environment` works them out at start.

use std::fmt;
use std::path::Path;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

/// The demo environment's id.
pub const DEMO_ENV_ID: &str = "8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f";
/// The demo application's client id.
pub const DEMO_CLIENT_ID: &str = "2c7e9b14-5d3a-4f68-a1b0-c9d8e7f6a5b4";
/// The demo application's `devicePathId` (stands in for the client id in `/{envId}/device/tv`).
pub const DEMO_DEVICE_PATH_ID: &str = "tv";
/// The demo application's name.
pub const DEMO_APP_NAME: &str = "Living-room TV";
/// The demo user's username.
pub const DEMO_USERNAME: &str = "ada";
/// The demo user's password.
pub const DEMO_PASSWORD: &str = "lovelace-1815";
/// The demo environment's second user, whose password locks after a few wrong tries.
pub const DEMO_LOCKABLE_USERNAME: &str = "grace";
/// The second user's password.
pub const DEMO_LOCKABLE_PASSWORD: &str = "cobol-1959";
/// The page listener address the demo's `login_page_url` and CORS origin assume when the
/// emulator runs without one.
pub const DEMO_PAGE_ORIGIN: &str = "http://127.0.0.1:8080";

/// Everything the emulated environment is set up with. `Config::demo()` is the built-in
/// environment; a TOML file may replace any value (missing keys keep the demo's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The environment id (a UUID), the first path segment of every PingOne URL.
    pub environment_id: String,
    /// The HS256 secret that signs this environment's access and ID tokens.
    pub signing_key: String,
    /// The alphabet user codes are drawn from.
    pub user_code_charset: UserCodeCharset,
    /// Seconds of inactivity after which a flow is gone (`404`). PingOne: 15 minutes.
    pub flow_idle_timeout: u64,
    /// Wrong user codes a flow accepts; the last one answers `429` and locks the flow.
    pub max_user_code_attempts: u32,
    /// Seconds a browser session (the `ST` cookie) lives without use.
    pub session_idle_timeout: u64,
    /// Lifetime of issued access and ID tokens, in seconds.
    pub access_token_lifetime: u64,
    /// Largest request body accepted, in bytes; larger ones get `400 INVALID_REQUEST`.
    pub max_body_bytes: usize,
    /// Most flows kept at once: every `GET {base}/device` makes one, so past this the oldest
    /// is forgotten (as if it had idled out) and memory stays bounded whoever calls.
    pub max_flows: usize,
    /// Most browser sessions kept at once; past this the one unused longest is forgotten.
    pub max_sessions: usize,
    /// Most device authorizations kept at once; past this the oldest is forgotten.
    pub max_devices: usize,
    /// The token a peer other than this computer must present to the test hooks
    /// (`Authorization: Bearer …`). `None`: a random one, made at start
    /// (`Running::hook_token`).
    pub hook_token: Option<String>,
    /// The session cookie's name and attributes.
    pub session_cookie: SessionCookie,
    /// The one application of the environment (a native app using the device grant).
    pub application: Application,
    /// The users who can sign on.
    pub users: Vec<User>,
    /// The host (name or IP) put in the URLs the emulator hands out — the verification URI, the
    /// login page, the CORS origin, `config.json`'s `authBase` — instead of the bound address.
    /// For a phone on the same network when the listeners bind `0.0.0.0`.
    pub public_host: Option<String>,
    /// Portal origins allowed to show the page listener's page in a frame: the policy's
    /// `frame-ancestors`, as an operator lists portals in `deploy/site.toml`. Empty: no site may
    /// frame it (`frame-ancestors 'none'` and `X-Frame-Options: DENY`, what ships by default).
    pub portal_origins: Vec<String>,
    /// Serve and hand out URLs as a PingOne custom domain does: no environment id in any path
    /// (`{authBase}/flows/{id}`, `{authBase}/as/token`, the hosted sign-on at
    /// `{authBase}/signon/`); the environment-prefixed paths are then `404`.
    pub custom_domain: bool,
    /// Give each action link in `_links` its own URL (`{flow}?action={name}`) instead of the
    /// flow's, and accept an action only there: shows whether a client follows the links.
    pub action_links_distinct: bool,
    /// Keys added to the page's generated `config.json`, as an operator would write them
    /// (`linkedCode`, `consent`, `reportUrl`, …), so a test can vary what the page is told.
    pub page_settings: serde_json::Map<String, serde_json::Value>,
}

/// Which characters user codes use; both are shown as `XXXX-XXXX`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserCodeCharset {
    /// Upper-case letters and digits, as in Ping's examples (`BVKV-2GZ2`).
    Alphanumeric,
    /// RFC 8628 §6.1's base-20 consonants `BCDFGHJKLMNPQRSTVWXZ`.
    Base20,
}

impl UserCodeCharset {
    /// The characters a code is drawn from.
    pub fn alphabet(self) -> &'static [u8] {
        match self {
            UserCodeCharset::Alphanumeric => b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
            UserCodeCharset::Base20 => b"BCDFGHJKLMNPQRSTVWXZ",
        }
    }
}

/// The session cookie PingOne sets on `/{envId}/device…` and reads on every flow call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionCookie {
    /// Cookie name (PingOne: `ST`).
    pub name: String,
    /// The `SameSite` attribute.
    pub same_site: SameSite,
    /// Whether to add `Secure` (leave off on plain http, or browsers drop the cookie).
    pub secure: bool,
}

/// A cookie's `SameSite` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SameSite {
    /// `SameSite=Strict`
    Strict,
    /// `SameSite=Lax`
    Lax,
    /// `SameSite=None` (requires `secure`)
    None,
}

impl fmt::Display for SameSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        })
    }
}

/// The environment's device-grant application. Values that can follow the running emulator say
/// how; `Running::config()` shows them worked out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Application {
    /// Shown to the user before consent.
    pub name: String,
    /// The OAuth client id (public client: no secret).
    pub client_id: String,
    /// `devicePathId`: stands in for the client id in `/{envId}/device/{devicePathId}`.
    pub device_path_id: String,
    /// The icon's id in `_embedded.application.icon`.
    pub icon_id: String,
    /// The icon's URL. `None`: the emulator's own icon at `{api_url}/assets/living-room-tv.svg`.
    pub icon_href: Option<String>,
    /// The scopes the application may request, with the text shown at consent, in order.
    pub scopes: Vec<Scope>,
    /// `loginPageUrl`. `Automatic`: `{page_url}/device`, or `http://127.0.0.1:8080/device`
    /// without a page listener. `Off` (`false` in TOML): none, so the `302` goes to PingOne's
    /// hosted sign-on.
    pub login_page_url: Link,
    /// Origins allowed by CORS (`ALLOW_SPECIFIC_ORIGINS`, at most 20). `None`: the page
    /// listener's origin, or `http://127.0.0.1:8080` without one. `[]`: `ALLOW_NO_ORIGINS`.
    pub cors_origins: Option<Vec<String>>,
    /// `deviceCustomVerificationUri`, returned as `verification_uri`. `Automatic`:
    /// `{page_url}/device`, or none without a page listener. `Off` (`false` in TOML): none, so
    /// devices get PingOne's own `{api_url}/{envId}/device/{devicePathId}`.
    pub device_custom_verification_uri: Link,
    /// `deviceTimeout`: seconds a device code lives (1–3600).
    pub device_timeout: u64,
    /// `devicePollingInterval`: seconds between token polls (1–60).
    pub device_polling_interval: u64,
}

/// A scope and the human description shown at consent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// The scope as requested (`openid`).
    pub name: String,
    /// What it lets the application do, in words.
    pub description: String,
}

/// A URL setting that can follow the running emulator, be switched off, or be given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "LinkToml", into = "LinkToml")]
pub enum Link {
    /// Follows the emulator's listeners (each setting says how): `true` in TOML, or leave the
    /// key out.
    #[default]
    Automatic,
    /// None at all: `false` in TOML.
    Off,
    /// This URL: a string in TOML.
    Url(String),
}

impl Link {
    /// The URL, when one is given.
    pub fn url(&self) -> Option<&str> {
        match self {
            Link::Url(url) => Some(url),
            Link::Automatic | Link::Off => None,
        }
    }
}

/// How a [`Link`] is written in TOML: `true`, `false` or a URL.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum LinkToml {
    Automatic(bool),
    Url(String),
}

impl TryFrom<LinkToml> for Link {
    type Error = &'static str;

    fn try_from(value: LinkToml) -> Result<Link, Self::Error> {
        match value {
            LinkToml::Automatic(true) => Ok(Link::Automatic),
            LinkToml::Automatic(false) => Ok(Link::Off),
            LinkToml::Url(url) if url.is_empty() => Err("an empty URL: write false for none"),
            LinkToml::Url(url) => Ok(Link::Url(url)),
        }
    }
}

impl From<Link> for LinkToml {
    fn from(link: Link) -> LinkToml {
        match link {
            Link::Automatic => LinkToml::Automatic(true),
            Link::Off => LinkToml::Automatic(false),
            Link::Url(url) => LinkToml::Url(url),
        }
    }
}

/// A user who can sign on with a password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// The user's id (`sub`); a UUID in PingOne.
    pub id: String,
    /// The sign-on name.
    pub username: String,
    /// The password, in clear: this is an emulator.
    pub password: String,
    /// `name.given`
    pub given_name: String,
    /// `name.family`
    pub family_name: String,
    /// The password locks after this many wrong tries in a row; without it, it never does.
    #[serde(default)]
    pub lockout: Option<Lockout>,
}

/// When a user's password locks, and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lockout {
    /// Wrong passwords in a row that lock it (the last one answers `PASSWORD_LOCKED_OUT`).
    pub failures: u32,
    /// Seconds it stays locked.
    pub seconds: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config::demo()
    }
}

impl Default for SessionCookie {
    fn default() -> Self {
        SessionCookie {
            name: "ST".to_owned(),
            same_site: SameSite::Lax,
            secure: false,
        }
    }
}

impl SessionCookie {
    /// `ST` with `SameSite=None; Secure`, as others observed PingOne's cookie: sent on
    /// cross-site requests, and only over https (browsers make an exception for localhost).
    pub fn cross_site() -> SessionCookie {
        SessionCookie {
            same_site: SameSite::None,
            secure: true,
            ..SessionCookie::default()
        }
    }
}

impl Default for Application {
    fn default() -> Self {
        Application {
            name: DEMO_APP_NAME.to_owned(),
            client_id: DEMO_CLIENT_ID.to_owned(),
            device_path_id: DEMO_DEVICE_PATH_ID.to_owned(),
            icon_id: "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b".to_owned(),
            icon_href: None,
            scopes: vec![
                Scope {
                    name: "openid".to_owned(),
                    description: "Know who you are: your PingOne user id".to_owned(),
                },
                Scope {
                    name: "profile".to_owned(),
                    description: "See your name and username".to_owned(),
                },
            ],
            login_page_url: Link::Automatic,
            cors_origins: None,
            device_custom_verification_uri: Link::Automatic,
            device_timeout: 600,
            device_polling_interval: 5,
        }
    }
}

impl Config {
    /// The built-in demo environment: application `Living-room TV` (`tv`), users `ada` and
    /// `grace` (whose password locks for a minute after three wrong tries).
    pub fn demo() -> Config {
        Config {
            environment_id: DEMO_ENV_ID.to_owned(),
            public_host: None,
            portal_origins: Vec::new(),
            signing_key: "emulator-demo-environment-signing-key-not-a-secret".to_owned(),
            user_code_charset: UserCodeCharset::Alphanumeric,
            flow_idle_timeout: 15 * 60,
            max_user_code_attempts: 5,
            session_idle_timeout: 8 * 60 * 60,
            access_token_lifetime: 3600,
            max_body_bytes: 16 * 1024,
            max_flows: 5_000,
            max_sessions: 5_000,
            max_devices: 5_000,
            hook_token: None,
            session_cookie: SessionCookie::default(),
            application: Application::default(),
            users: vec![
                User {
                    id: "5a8e2c41-7b3d-4e9f-a6c0-1d2e3f4a5b6c".to_owned(),
                    username: DEMO_USERNAME.to_owned(),
                    password: DEMO_PASSWORD.to_owned(),
                    given_name: "Ada".to_owned(),
                    family_name: "Lovelace".to_owned(),
                    lockout: None,
                },
                User {
                    id: "9c3f7a15-2e8d-4b6a-b1c4-7d0e5f2a8b93".to_owned(),
                    username: DEMO_LOCKABLE_USERNAME.to_owned(),
                    password: DEMO_LOCKABLE_PASSWORD.to_owned(),
                    given_name: "Grace".to_owned(),
                    family_name: "Hopper".to_owned(),
                    lockout: Some(Lockout {
                        failures: 3,
                        seconds: 60,
                    }),
                },
            ],
            custom_domain: false,
            action_links_distinct: false,
            page_settings: serde_json::Map::new(),
        }
    }

    /// Reads a TOML file; every key it sets replaces the demo value, missing keys keep it.
    pub fn from_toml_file(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading emulator config {}", path.display()))?;
        let config = Config::from_toml_str(&text)
            .with_context(|| format!("in emulator config {}", path.display()))?;
        Ok(config)
    }

    /// Parses TOML text over the demo values and checks the result.
    pub fn from_toml_str(text: &str) -> anyhow::Result<Config> {
        let config: Config = toml::from_str(text).context("not a valid emulator config")?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every value against PingOne's limits; `start` calls it too.
    pub fn validate(&self) -> anyhow::Result<()> {
        if !is_uuid(&self.environment_id) {
            bail!(
                "environment_id {:?} is not a UUID (like {DEMO_ENV_ID})",
                self.environment_id
            );
        }
        if self.signing_key.len() < 16 {
            bail!("signing_key must be at least 16 bytes");
        }
        const YEAR: u64 = 366 * 24 * 60 * 60;
        for (key, value) in [
            ("flow_idle_timeout", self.flow_idle_timeout),
            ("session_idle_timeout", self.session_idle_timeout),
            ("access_token_lifetime", self.access_token_lifetime),
        ] {
            if !(1..=YEAR).contains(&value) {
                bail!("{key} {value} is outside 1 second to 1 year");
            }
        }
        if self.max_user_code_attempts == 0 {
            bail!("max_user_code_attempts must be at least 1");
        }
        if self.max_body_bytes < 64 {
            bail!("max_body_bytes must be at least 64");
        }
        for (key, value) in [
            ("max_flows", self.max_flows),
            ("max_sessions", self.max_sessions),
            ("max_devices", self.max_devices),
        ] {
            if !(1..=1_000_000).contains(&value) {
                bail!("{key} {value} is outside 1 to 1000000");
            }
        }
        if let Some(token) = &self.hook_token
            && (token.len() < 16 || !token.bytes().all(|b| b.is_ascii_graphic()))
        {
            bail!("hook_token must be at least 16 visible ASCII characters");
        }
        let cookie = &self.session_cookie;
        if cookie.name.is_empty()
            || !cookie
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            bail!(
                "session_cookie.name {:?} must be letters, digits, '-' or '_'",
                cookie.name
            );
        }
        if cookie.same_site == SameSite::None && !cookie.secure {
            bail!(
                "session_cookie.same_site = \"None\" needs secure = true (browsers drop it otherwise)"
            );
        }
        let app = &self.application;
        if app.name.trim().is_empty() {
            bail!("application.name is empty");
        }
        if !is_identifier(&app.client_id, 128) {
            bail!(
                "application.client_id {:?} must be 1-128 letters, digits, '-' or '_'",
                app.client_id
            );
        }
        if !is_identifier(&app.device_path_id, 50) {
            bail!(
                "application.device_path_id {:?} must be 1-50 letters, digits, '-' or '_'",
                app.device_path_id
            );
        }
        if app.scopes.is_empty() {
            bail!("application.scopes is empty");
        }
        for scope in &app.scopes {
            if scope.name.is_empty()
                || !scope
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
            {
                bail!("application.scopes: {:?} is not a valid scope", scope.name);
            }
        }
        if !(1..=3600).contains(&app.device_timeout) {
            bail!(
                "application.device_timeout {} is outside 1-3600 seconds",
                app.device_timeout
            );
        }
        if !(1..=60).contains(&app.device_polling_interval) {
            bail!(
                "application.device_polling_interval {} is outside 1-60 seconds",
                app.device_polling_interval
            );
        }
        for (key, value) in [
            ("application.login_page_url", app.login_page_url.url()),
            (
                "application.device_custom_verification_uri",
                app.device_custom_verification_uri.url(),
            ),
            ("application.icon_href", app.icon_href.as_deref()),
        ] {
            if let Some(url) = value
                && !is_http_url(url)
            {
                bail!("{key} {url:?} must be an absolute http:// or https:// URL");
            }
        }
        if let Some(origins) = &app.cors_origins {
            if origins.len() > 20 {
                bail!("application.cors_origins holds more than 20 origins");
            }
            for origin in origins {
                if !is_origin(origin) {
                    bail!(
                        "application.cors_origins: {origin:?} is not an origin (scheme://host[:port])"
                    );
                }
            }
        }
        for origin in &self.portal_origins {
            if !is_origin(origin) {
                bail!("portal_origins: {origin:?} is not an origin (scheme://host[:port])");
            }
        }
        if self.users.is_empty() {
            bail!("users is empty");
        }
        for (i, user) in self.users.iter().enumerate() {
            if user.username.trim().is_empty() || user.id.trim().is_empty() {
                bail!("users[{i}] needs an id and a username");
            }
            if let Some(lockout) = user.lockout
                && (lockout.failures == 0 || !(1..=YEAR).contains(&lockout.seconds))
            {
                bail!(
                    "users[{i}].lockout needs failures of at least 1 and seconds from 1 to a year"
                );
            }
            if self.users[..i]
                .iter()
                .any(|u| u.username.eq_ignore_ascii_case(&user.username) || u.id == user.id)
            {
                bail!(
                    "users[{i}] ({}) repeats another user's username or id",
                    user.username
                );
            }
        }
        Ok(())
    }
}

/// `8-4-4-4-12` hex digits.
pub(crate) fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|c| c.is_ascii_hexdigit()))
}

/// 1..=max of `a-zA-Z0-9_-`: PingOne's rule for `devicePathId`.
pub(crate) fn is_identifier(s: &str, max: usize) -> bool {
    (1..=max).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn is_http_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"));
    matches!(rest, Some(r) if !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace))
}

fn is_origin(s: &str) -> bool {
    is_http_url(s)
        && !s
            .split_once("://")
            .is_some_and(|(_, rest)| rest.contains(['/', '?', '#']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_is_valid() {
        Config::demo().validate().expect("demo config is valid");
    }

    #[test]
    fn toml_replaces_values_and_keeps_the_rest() {
        let config = Config::from_toml_str(
            r#"
            user_code_charset = "base20"
            [application]
            name = "Kitchen radio"
            device_polling_interval = 1
            cors_origins = []
            login_page_url = false
            device_custom_verification_uri = "https://tv.example/activate"
            [[users]]
            id = "u1"
            username = "grace"
            password = "cobol-1959"
            given_name = "Grace"
            family_name = "Hopper"
            "#,
        )
        .expect("valid");
        assert_eq!(config.user_code_charset, UserCodeCharset::Base20);
        assert_eq!(config.application.name, "Kitchen radio");
        assert_eq!(config.application.device_polling_interval, 1);
        assert_eq!(config.application.client_id, DEMO_CLIENT_ID);
        assert_eq!(config.application.cors_origins, Some(vec![]));
        assert_eq!(config.application.login_page_url, Link::Off);
        assert_eq!(
            config.application.device_custom_verification_uri,
            Link::Url("https://tv.example/activate".to_owned())
        );
        assert_eq!(config.environment_id, DEMO_ENV_ID);
        assert_eq!(config.users.len(), 1);
        assert_eq!(config.users[0].username, "grace");
    }

    #[test]
    fn rejects_out_of_range_and_unknown_keys() {
        for (text, needle) in [
            ("[application]\ndevice_timeout = 0", "device_timeout"),
            ("flow_idle_timeout = 99999999999", "flow_idle_timeout"),
            ("[application]\ndevice_polling_interval = 61", "polling"),
            ("[application]\ndevice_path_id = \"a b\"", "device_path_id"),
            ("environment_id = \"nope\"", "environment_id"),
            ("[session_cookie]\nsame_site = \"None\"", "secure"),
            (
                "[application]\ncors_origins = [\"http://a.example/path\"]",
                "origin",
            ),
            (
                "portal_origins = [\"https://portal.example/frame\"]",
                "portal_origins",
            ),
            ("colour = \"blue\"", "colour"),
            ("max_flows = 0", "max_flows"),
            ("hook_token = \"short\"", "hook_token"),
            ("[application]\nlogin_page_url = \"\"", "login_page_url"),
        ] {
            let err = Config::from_toml_str(text).expect_err(text);
            let text_of_err = format!("{err:#}");
            assert!(text_of_err.contains(needle), "{text}: {text_of_err}");
        }
    }

    #[test]
    fn from_toml_file_names_the_file() {
        let err = Config::from_toml_file(Path::new("/nonexistent/emulator.toml"))
            .expect_err("missing file");
        assert!(format!("{err:#}").contains("/nonexistent/emulator.toml"));
    }
}
