//! All HTTP the page does: typed calls over the browser's own `fetch` (gloo-net's wrapper cost
//! 4 kB of compressed WebAssembly for the three things the page needs). No other module builds a
//! URL or sets a header. Every flow call carries credentials: PingOne ties the flow to the browser by
//! its session cookie.

use serde::Serialize;
use web_sys::RequestCredentials;

use crate::config::{Config, ConfigError};
pub use crate::error::{ApiError, Failure};
use crate::flow::Flow;
use crate::json::encode;
use crate::user_code::UserCode;

/// What the person does to move the flow on; each is one POST whose `Content-Type` names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Sign on.
    SignOn {
        /// Username.
        username: String,
        /// Password.
        password: String,
    },
    /// Confirm the device's code.
    VerifyCode(UserCode),
    /// Allow (`true`) or deny (`false`) the device.
    Consent(bool),
    /// "Not you?": detach the signed-on user so another can sign on.
    ResetSession,
}

impl Step {
    /// The media type that names the action.
    pub fn media_type(&self) -> &'static str {
        match self {
            Step::SignOn { .. } => "application/vnd.pingidentity.usernamePassword.check+json",
            Step::VerifyCode(_) => {
                "application/vnd.pingidentity.deviceAuthGrant.userCode.verify+json"
            }
            Step::Consent(_) => "application/vnd.pingidentity.deviceAuthGrant.consent+json",
            Step::ResetSession => "application/vnd.pingidentity.session.reset+json",
        }
    }

    /// The `_links` entries the flow may name for this action, best first (the contract's
    /// [model] key for the code, then the name its media type suggests).
    pub fn links(&self) -> &'static [&'static str] {
        match self {
            Step::SignOn { .. } => &["usernamePassword.check"],
            Step::VerifyCode(_) => &["userCode.verify", "deviceAuthGrant.userCode.verify"],
            Step::Consent(_) => &["deviceAuthGrant.consent"],
            Step::ResetSession => &["session.reset"],
        }
    }

    /// The JSON body.
    pub fn body(&self) -> String {
        match self {
            Step::SignOn { username, password } => encode(&SignOnBody { username, password }),
            Step::VerifyCode(code) => encode(&VerifyBody {
                user_code: code.formatted(),
            }),
            Step::Consent(accept) => encode(&ConsentBody { accept: *accept }),
            Step::ResetSession => "{}".to_owned(),
        }
    }
}

#[derive(Serialize)]
struct SignOnBody<'a> {
    username: &'a str,
    password: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VerifyBody {
    user_code: String,
}

#[derive(Serialize)]
struct ConsentBody {
    accept: bool,
}

/// Whether a flow id from the address bar can be put in a URL path as it is.
pub fn is_flow_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Where the page sends the window to start a flow: PingOne's `{base}/device[/{appIdentifier}]`,
/// with the code as a hint.
pub fn hand_off_url(config: &Config, code: Option<&UserCode>) -> String {
    let mut url = format!("{}/device", config.base());
    if let Some(app) = &config.app_identifier {
        url = format!("{url}/{app}");
    }
    if let Some(code) = code {
        url = format!("{url}?user_code={code}");
    }
    url
}

/// PingOne's hosted sign-on for a flow, for the steps this page does not handle: the flow's own
/// `signOnPage` link when it names one the configuration trusts, else the configured page.
pub fn hosted_sign_on_url(config: &Config, flow_id: &str, flow: Option<&Flow>) -> String {
    if let Some(href) = flow
        .and_then(|f| f.link("signOnPage"))
        .filter(|h| config.trusts(h))
    {
        return href.to_owned();
    }
    let base = &config.hosted_sign_on_url;
    let joiner = if base.contains('?') { '&' } else { '?' };
    let id = crate::query::form::encode(flow_id);
    format!("{base}{joiner}flowId={id}")
}

/// A call to PingOne's flow API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// Read the flow.
    Read,
    /// Take a step.
    Act(Step),
}

/// Where a call goes: the flow's own link for the action (else its `self` link) when the
/// configuration trusts it, as Ping's sign-on sample does; otherwise `{base}/flows/{id}`. `None`
/// when the flow id from the address bar is not one.
pub fn url_for(config: &Config, flow_id: &str, flow: Option<&Flow>, call: &Call) -> Option<String> {
    let names: &[&str] = match call {
        Call::Read => &[],
        Call::Act(step) => step.links(),
    };
    let linked = flow.and_then(|flow| {
        names
            .iter()
            .chain(&["self"])
            .filter_map(|name| flow.link(name))
            .find(|href| config.trusts(href))
    });
    match linked {
        Some(href) => Some(href.to_owned()),
        None => is_flow_id(flow_id).then(|| format!("{}/flows/{flow_id}", config.base())),
    }
}

/// PingOne's flow API, as the browser reaches it: every call carries credentials, since PingOne
/// ties the flow to the browser by its session cookie.
pub async fn call(url: Option<String>, call: &Call) -> Result<Flow, Failure> {
    let url = url.ok_or(ApiError::FlowExpired)?;
    let sent = match call {
        Call::Read => fetch(&url, true, None).await,
        Call::Act(step) => fetch(&url, true, Some((step.media_type(), step.body()))).await,
    };
    read_flow(sent.ok_or(ApiError::Network)?)
}

/// A flow call's answer, the status checked before the body is decoded.
pub fn read_flow(answer: Answer) -> Result<Flow, Failure> {
    if !(200..300).contains(&answer.status) {
        let failure = Failure::from_response(answer.status, &answer.body, answer.retry_after);
        return Err(failure);
    }
    Ok(Flow::parse(&answer.body).map_err(|_| ApiError::BadResponse)?)
}

/// What came back: the status, the body, and the headers the page reads.
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: String,
    /// `Retry-After`, in seconds.
    pub retry_after: Option<u32>,
    /// The body is a web page.
    pub html: bool,
}

/// One request with the browser's `fetch`: a GET, or a POST of `(media type, body)`; with
/// `cookies`, PingOne's session cookie goes along. `None` when no answer arrived whole (offline,
/// refused by CORS or the CSP, a connection dropped mid-body).
async fn fetch(url: &str, cookies: bool, post: Option<(&str, String)>) -> Option<Answer> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Headers, RequestInit, Response};

    let init = RequestInit::new();
    // The page's own files are fetched like index.html preloads them (same-origin credentials),
    // so the browser hands over the preloaded answer instead of asking again.
    if cookies {
        init.set_credentials(RequestCredentials::Include);
    }
    if let Some((media_type, body)) = post {
        let headers = Headers::new().ok()?;
        headers.set("Content-Type", media_type).ok()?;
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(&body.into());
    }
    let promise = leptos::prelude::window().fetch_with_str_and_init(url, &init);
    let response: Response = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    let headers = response.headers();
    let header = |name| headers.get(name).ok().flatten();
    let text = JsFuture::from(response.text().ok()?).await.ok()?;
    Some(Answer {
        status: response.status(),
        body: text.as_string().unwrap_or_default(),
        retry_after: header("retry-after").and_then(|s| s.trim().parse().ok()),
        html: header("content-type").is_some_and(|t| t.contains("html")),
    })
}

/// Fetches a file the page needs as text (the configuration, a language file).
///
/// A network failure or a server error (5xx) is worth retrying; any other refusal (a missing
/// file), or a web page where JSON belongs (a host answering every path with index.html), is the
/// deployment's to fix.
pub async fn fetch_text(url: &str) -> Result<String, ConfigFailure> {
    let answer = fetch(url, false, None)
        .await
        .ok_or(ConfigFailure::Unreachable)?;
    fetch_text_from(url, answer)
}

/// The text of a file's answer, or why the page cannot use it (see [`fetch_text`]).
pub fn fetch_text_from(url: &str, answer: Answer) -> Result<String, ConfigFailure> {
    match answer.status {
        200..=299 if answer.html => Err(ConfigFailure::Invalid(ConfigError::Html(url.to_owned()))),
        200..=299 => Ok(answer.body),
        500..=599 => Err(ConfigFailure::Unreachable),
        status => Err(ConfigFailure::Invalid(ConfigError::Status(
            url.to_owned(),
            status,
        ))),
    }
}

/// Why the page has no usable configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigFailure {
    /// It could not be fetched now (offline, server error): try again.
    Unreachable,
    /// It is missing or wrong: the operator must fix it.
    Invalid(ConfigError),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(app: &str) -> Config {
        Config::parse(
            &format!(
                r#"{{"authBase":"https://auth.pingone.eu","environmentId":"8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f","appIdentifier":"{app}"}}"#
            ),
            None,
        )
        .expect("valid")
    }

    #[test]
    fn steps_name_their_action_and_carry_their_body() {
        let code = UserCode::parse("gkhf jqbc").expect("code");
        let sign_on = Step::SignOn {
            username: "ada".into(),
            password: "p\"w".into(),
        };
        assert_eq!(
            sign_on.media_type(),
            "application/vnd.pingidentity.usernamePassword.check+json"
        );
        assert_eq!(sign_on.body(), r#"{"username":"ada","password":"p\"w"}"#);
        assert_eq!(Step::VerifyCode(code).body(), r#"{"userCode":"GKHF-JQBC"}"#);
        assert_eq!(Step::Consent(false).body(), r#"{"accept":false}"#);
        assert!(
            Step::Consent(true)
                .media_type()
                .ends_with("deviceAuthGrant.consent+json")
        );
        assert_eq!(
            Step::ResetSession.media_type(),
            "application/vnd.pingidentity.session.reset+json"
        );
        assert_eq!(Step::ResetSession.body(), "{}");
    }

    const ENV: &str = "8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f";

    fn custom(app: &str) -> Config {
        Config::parse(
            &format!(r#"{{"authBase":"https://auth.example.com","appIdentifier":"{app}"}}"#),
            None,
        )
        .expect("valid")
    }

    #[test]
    fn builds_the_hand_off_on_both_kinds_of_host() {
        let code = UserCode::parse("bvkv2gz2").expect("code");
        assert_eq!(
            hand_off_url(&config("tv"), Some(&code)),
            format!("https://auth.pingone.eu/{ENV}/device/tv?user_code=BVKV-2GZ2")
        );
        assert_eq!(
            hand_off_url(&config(""), None),
            format!("https://auth.pingone.eu/{ENV}/device")
        );
        // A custom domain drops the environment id from every URL.
        assert_eq!(
            hand_off_url(&custom("tv"), Some(&code)),
            "https://auth.example.com/device/tv?user_code=BVKV-2GZ2"
        );
    }

    fn flow(links: &str) -> Flow {
        Flow::parse(&format!(
            r#"{{"id":"f-1","status":"X","_links":{{{links}}}}}"#
        ))
        .expect("flow")
    }

    #[test]
    fn calls_go_to_the_flows_links_when_they_stay_home() {
        let c = config("tv");
        let built = format!("https://auth.pingone.eu/{ENV}/flows/f-1");
        let verify = Call::Act(Step::VerifyCode(UserCode::parse("GKHFJQBC").expect("code")));
        // No flow yet, or no links: the URL the contract builds.
        assert_eq!(url_for(&c, "f-1", None, &Call::Read), Some(built.clone()));
        assert_eq!(
            url_for(&c, "f-1", Some(&flow("")), &verify),
            Some(built.clone())
        );
        assert_eq!(
            url_for(&custom("tv"), "f-1", None, &Call::Read).as_deref(),
            Some("https://auth.example.com/flows/f-1")
        );
        // The action's own link first (either name), then `self`.
        let linked = flow(&format!(
            r#""self":{{"href":"{built}"}},"userCode.verify":{{"href":"{built}?action=verify"}}"#
        ));
        assert_eq!(
            url_for(&c, "f-1", Some(&linked), &verify),
            Some(format!("{built}?action=verify"))
        );
        let long_name = flow(&format!(
            r#""deviceAuthGrant.userCode.verify":{{"href":"{built}/v"}}"#
        ));
        assert_eq!(
            url_for(&c, "f-1", Some(&long_name), &verify),
            Some(format!("{built}/v"))
        );
        assert_eq!(
            url_for(&c, "f-1", Some(&linked), &Call::Act(Step::Consent(true))),
            Some(built.clone())
        );
        // A link to anywhere else is ignored.
        let away = flow(
            r#""self":{"href":"https://evil.example/flows/f-1"},"userCode.verify":{"href":"https://evil.example/v"}"#,
        );
        assert_eq!(url_for(&c, "f-1", Some(&away), &verify), Some(built));
        // An id from the address bar that is not one goes nowhere.
        assert_eq!(url_for(&c, "../x", None, &Call::Read), None);
    }

    #[test]
    fn builds_the_hosted_sign_on_link() {
        let mut c = config("tv");
        // PingOne's hosted pages live on the region's apps host.
        assert_eq!(
            hosted_sign_on_url(&c, "f-1", None),
            format!("https://apps.pingone.eu/{ENV}/signon/?flowId=f-1")
        );
        assert_eq!(
            hosted_sign_on_url(&custom("tv"), "f-1", None),
            "https://auth.example.com/signon/?flowId=f-1"
        );
        // The flow's own link, when it stays on a trusted origin.
        let linked = flow(&format!(
            r#""signOnPage":{{"href":"https://apps.pingone.eu/{ENV}/signon/?flowId=f-1&x=1"}}"#
        ));
        assert_eq!(
            hosted_sign_on_url(&c, "f-1", Some(&linked)),
            format!("https://apps.pingone.eu/{ENV}/signon/?flowId=f-1&x=1")
        );
        let away = flow(r#""signOnPage":{"href":"https://evil.example/signon"}"#);
        assert!(hosted_sign_on_url(&c, "f-1", Some(&away)).starts_with("https://apps.pingone.eu/"));
        c.hosted_sign_on_url = "https://sso.example/signon?theme=dark".into();
        assert_eq!(
            hosted_sign_on_url(&c, "f 1", None),
            "https://sso.example/signon?theme=dark&flowId=f+1"
        );
    }

    #[test]
    fn flow_ids_must_be_plain() {
        assert!(is_flow_id("03ab2f4e-1c3b-4d5e-9f70-2a4b6c8d0e1f"));
        for bad in ["", "../x", "a/b", "a?b", "a b", &"x".repeat(129)] {
            assert!(!is_flow_id(bad), "{bad:?}");
        }
    }
}
