//! All HTTP in one place: a thin client for the two RFC 8628 endpoints the device calls
//! (`as/device_authorization` and `as/token`), turning every answer into a typed result and every
//! failure into an [`Error`] that keeps the server's own error body.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

/// `grant_type` of the device code grant (RFC 8628 §3.4).
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// How long to wait for a connection, and for a whole answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How much of an unreadable body an error message quotes.
const QUOTE_LIMIT: usize = 300;

/// Why a request did not give a usable answer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No HTTP answer: connection refused, DNS, timeout, connection closed mid-way.
    #[error("could not reach {url}: {reason}")]
    Unreachable {
        /// The URL requested.
        url: String,
        /// What went wrong, with its causes.
        reason: String,
    },
    /// An HTTP error status, with the body the server sent.
    #[error("{url} answered HTTP {status}: {body}")]
    Server {
        /// The URL requested.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The error body (boxed: it keeps `Result<_, Error>` small).
        body: Box<ErrorBody>,
    },
    /// An answer that is not what RFC 8628 / RFC 6749 describe.
    #[error("{url} answered HTTP {status} with {problem}")]
    Protocol {
        /// The URL requested.
        url: String,
        /// The HTTP status.
        status: u16,
        /// What is wrong with it.
        problem: String,
    },
    /// The command line names something no request can be built from.
    #[error("{0}")]
    Config(String),
}

impl Error {
    /// No HTTP answer came back (exit code 6 rather than 5).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Error::Unreachable { .. })
    }

    /// Worth polling again after a pause (RFC 8628 §3.5 asks clients to back off on timeouts):
    /// no answer, `429`, or a `5xx`.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Unreachable { .. } => true,
            Error::Server { status, .. } => *status == 429 || *status >= 500,
            Error::Protocol { .. } | Error::Config(_) => false,
        }
    }
}

/// An error body as PingOne sends it: RFC 6749's `error`/`error_description` from the OAuth
/// endpoints, or PingOne's own `code`/`message` (e.g. an unknown environment), or neither.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    /// RFC 6749 `error`.
    pub error: Option<String>,
    /// RFC 6749 `error_description`.
    pub error_description: Option<String>,
    /// PingOne API `code`.
    pub code: Option<String>,
    /// PingOne API `message`.
    pub message: Option<String>,
    /// The body as received (cut to a few hundred characters).
    pub raw: String,
}

impl ErrorBody {
    /// Reads whichever shape the body has; unknown shapes keep only `raw`.
    pub fn parse(text: &str) -> ErrorBody {
        let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
        ErrorBody {
            error: field("error"),
            error_description: field("error_description"),
            code: field("code"),
            message: field("message"),
            raw: quote(text),
        }
    }
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pair = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => Some(format!("{a}: {b}")),
            (Some(a), None) => Some(a.clone()),
            (None, Some(b)) => Some(b.clone()),
            (None, None) => None,
        };
        match pair(&self.error, &self.error_description).or(pair(&self.code, &self.message)) {
            Some(text) => f.write_str(&text),
            None if self.raw.trim().is_empty() => f.write_str("(empty body)"),
            None => f.write_str(self.raw.trim()),
        }
    }
}

/// `200` from `as/device_authorization` (RFC 8628 §3.2).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct DeviceAuthorization {
    /// The code the device polls with. Not shown to anyone.
    pub device_code: String,
    /// The code the user types.
    pub user_code: String,
    /// Where the user goes.
    pub verification_uri: String,
    /// The same with the code filled in (for the QR code).
    #[serde(default)]
    pub verification_uri_complete: Option<String>,
    /// Seconds the codes live.
    pub expires_in: u64,
    /// Seconds between polls; RFC 8628 §3.2: 5 when absent.
    #[serde(default)]
    pub interval: Option<u64>,
}

/// `200` from `as/token`.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenResponse {
    /// `access_token`
    pub access_token: String,
    /// `token_type`
    #[serde(default)]
    pub token_type: Option<String>,
    /// `expires_in`
    #[serde(default)]
    pub expires_in: Option<u64>,
    /// `scope`
    #[serde(default)]
    pub scope: Option<String>,
    /// `id_token`
    #[serde(default)]
    pub id_token: Option<String>,
    /// `refresh_token`
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// What one token poll said.
#[derive(Debug, Clone)]
pub enum Poll {
    /// Tokens: the user approved.
    Tokens(Box<TokenResponse>),
    /// `authorization_pending`: ask again after `interval`.
    Pending,
    /// `slow_down`: add 5 s to the interval, for good.
    SlowDown,
    /// `access_denied`, with the server's description.
    Denied(Option<String>),
    /// `expired_token`, with the server's description.
    Expired(Option<String>),
}

/// A client of one environment's authorization server, for one OAuth client.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    device_authorization_url: String,
    token_url: String,
    client_id: String,
}

impl Client {
    /// `base` is what the endpoints' paths follow: `https://auth.pingone.com/{envId}` on a
    /// regional host, just the host on a custom domain; the endpoints are `{base}/as/…`.
    pub fn new(base: &str, client_id: &str) -> Result<Client, Error> {
        let base = base.trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::Config(format!(
                "--auth-base {base:?} must start with http:// or https://"
            )));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("device/", env!("CARGO_PKG_VERSION"), " (RFC 8628)"))
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {}", chain(&e))))?;
        Ok(Client {
            http,
            device_authorization_url: format!("{base}/as/device_authorization"),
            token_url: format!("{base}/as/token"),
            client_id: client_id.to_owned(),
        })
    }

    /// The device authorization endpoint's URL.
    pub fn device_authorization_url(&self) -> &str {
        &self.device_authorization_url
    }

    /// The token endpoint's URL.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// RFC 8628 §3.1: asks for a device code and a user code.
    pub async fn authorize(&self, scope: Option<&str>) -> Result<DeviceAuthorization, Error> {
        let mut form = vec![("client_id", self.client_id.as_str())];
        if let Some(scope) = scope.filter(|s| !s.trim().is_empty()) {
            form.push(("scope", scope));
        }
        let url = &self.device_authorization_url;
        let (status, text) = self.post(url, &form).await?;
        if !(200..300).contains(&status) {
            return Err(Error::Server {
                url: url.clone(),
                status,
                body: Box::new(ErrorBody::parse(&text)),
            });
        }
        let auth: DeviceAuthorization =
            serde_json::from_str(&text).map_err(|e| Error::Protocol {
                url: url.clone(),
                status,
                problem: format!(
                    "a body that is not a device authorization ({e}): {}",
                    quote(&text)
                ),
            })?;
        if auth.user_code.trim().is_empty() || auth.device_code.is_empty() {
            return Err(Error::Protocol {
                url: url.clone(),
                status,
                problem: "an empty user_code or device_code".to_owned(),
            });
        }
        Ok(auth)
    }

    /// RFC 8628 §3.4: one token request.
    pub async fn poll(&self, device_code: &str) -> Result<Poll, Error> {
        let form = [
            ("grant_type", DEVICE_CODE_GRANT),
            ("device_code", device_code),
            ("client_id", self.client_id.as_str()),
        ];
        let url = &self.token_url;
        let (status, text) = self.post(url, &form).await?;
        if (200..300).contains(&status) {
            let tokens: TokenResponse =
                serde_json::from_str(&text).map_err(|e| Error::Protocol {
                    url: url.clone(),
                    status,
                    // Not quoted: it may hold tokens.
                    problem: format!("a body that is not a token response ({e})"),
                })?;
            return Ok(Poll::Tokens(Box::new(tokens)));
        }
        let body = ErrorBody::parse(&text);
        let description = body.error_description.clone();
        match body.error.as_deref() {
            Some("authorization_pending") => Ok(Poll::Pending),
            Some("slow_down") => Ok(Poll::SlowDown),
            Some("access_denied") => Ok(Poll::Denied(description)),
            Some("expired_token") => Ok(Poll::Expired(description)),
            _ => Err(Error::Server {
                url: url.clone(),
                status,
                body: Box::new(body),
            }),
        }
    }

    /// POSTs a form and reads the whole answer.
    async fn post(&self, url: &str, form: &[(&str, &str)]) -> Result<(u16, String), Error> {
        let unreachable = |e: reqwest::Error| Error::Unreachable {
            url: url.to_owned(),
            reason: chain(&e),
        };
        let response = self
            .http
            .post(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(form)
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(unreachable)?;
        Ok((status, text))
    }
}

/// An error and its causes on one line, without repeats (reqwest nests hyper nests io).
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// A body, cut to a length an error message can carry.
fn quote(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(QUOTE_LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_show_what_the_server_said() {
        for (text, want) in [
            (
                r#"{"error":"invalid_client","error_description":"Client authentication failed: unknown client."}"#,
                "invalid_client: Client authentication failed: unknown client.",
            ),
            (r#"{"error":"invalid_grant"}"#, "invalid_grant"),
            (
                r#"{"id":"6c79","code":"NOT_FOUND","message":"The requested environment was not found."}"#,
                "NOT_FOUND: The requested environment was not found.",
            ),
            ("<html>Bad gateway</html>", "<html>Bad gateway</html>"),
            ("", "(empty body)"),
        ] {
            assert_eq!(ErrorBody::parse(text).to_string(), want, "{text}");
        }
    }

    #[test]
    fn long_bodies_are_cut() {
        let long = "x".repeat(1000);
        let body = ErrorBody::parse(&long);
        assert_eq!(body.raw.chars().count(), QUOTE_LIMIT + 1);
    }

    #[test]
    fn device_authorization_reads_the_rfc_shape() {
        let auth: DeviceAuthorization = serde_json::from_str(
            r#"{"device_code":"031887ee","user_code":"BVKV-2GZ2",
                "verification_uri":"https://auth.pingone.com/env/device/go",
                "verification_uri_complete":"https://auth.pingone.com/env/device/go?user_code=BVKV-2GZ2",
                "expires_in":600,"interval":5,"unknown":true}"#,
        )
        .expect("the contract's example parses");
        assert_eq!(auth.user_code, "BVKV-2GZ2");
        assert_eq!(auth.interval, Some(5));
        let minimal: DeviceAuthorization = serde_json::from_str(
            r#"{"device_code":"d","user_code":"U","verification_uri":"https://x/","expires_in":60}"#,
        )
        .expect("optional fields may be absent");
        assert_eq!(minimal.interval, None);
        assert_eq!(minimal.verification_uri_complete, None);
    }

    #[test]
    fn endpoints_follow_the_base_and_a_bad_one_is_refused_before_any_request() {
        let err = Client::new("auth.pingone.com/env-1", "client").expect_err("no scheme");
        assert!(matches!(err, Error::Config(_)), "{err}");
        let client = Client::new("https://auth.pingone.com/env-1/", "client").expect("valid");
        assert_eq!(
            client.token_url(),
            "https://auth.pingone.com/env-1/as/token"
        );
        let client = Client::new("https://auth.example.com", "client").expect("valid");
        assert_eq!(
            client.device_authorization_url(),
            "https://auth.example.com/as/device_authorization"
        );
    }

    #[test]
    fn only_no_answer_429_and_5xx_are_worth_a_retry() {
        let server = |status| Error::Server {
            url: String::new(),
            status,
            body: Box::default(),
        };
        assert!(server(503).is_transient());
        assert!(server(429).is_transient());
        assert!(!server(401).is_transient());
        assert!(!server(400).is_transient());
        let unreachable = Error::Unreachable {
            url: String::new(),
            reason: String::new(),
        };
        assert!(unreachable.is_transient() && unreachable.is_unreachable());
    }
}
