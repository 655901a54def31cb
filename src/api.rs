//! All HTTP the page does: one small typed client over `gloo-net`. No other module builds a URL
//! or sets a header. Every flow call carries credentials: PingOne ties the flow to the browser by
//! its session cookie.

use gloo_net::http::{Request, Response};
use serde::Serialize;
use web_sys::RequestCredentials;

use crate::config::Config;
pub use crate::error::ApiError;
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

/// Where the page sends the window to start a flow: PingOne's
/// `/{envId}/device[/{appIdentifier}]`, with the code as a hint.
pub fn hand_off_url(config: &Config, code: Option<&UserCode>) -> String {
    let mut url = format!("{}/{}/device", config.auth_base, config.environment_id);
    if let Some(app) = &config.app_identifier {
        url = format!("{url}/{app}");
    }
    if let Some(code) = code {
        url = format!("{url}?user_code={code}");
    }
    url
}

/// PingOne's hosted sign-on for a flow, for the steps this page does not handle.
pub fn hosted_sign_on_url(config: &Config, flow_id: &str) -> String {
    let base = &config.hosted_sign_on_url;
    let joiner = if base.contains('?') { '&' } else { '?' };
    let id: String = form_urlencoded::byte_serialize(flow_id.as_bytes()).collect();
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

/// The flow API of one environment.
#[derive(Clone, Debug)]
pub struct Client {
    flows: String,
}

impl Client {
    /// A client for the configured environment.
    pub fn new(config: &Config) -> Self {
        Client {
            flows: format!("{}/{}/flows", config.auth_base, config.environment_id),
        }
    }

    fn flow_url(&self, id: &str) -> Result<String, ApiError> {
        if is_flow_id(id) {
            Ok(format!("{}/{id}", self.flows))
        } else {
            Err(ApiError::FlowExpired)
        }
    }

    /// Makes a call; PingOne answers with the flow as it now stands.
    pub async fn call(&self, id: &str, call: &Call) -> Result<Flow, ApiError> {
        match call {
            Call::Read => self.flow(id).await,
            Call::Act(step) => self.act(id, step).await,
        }
    }

    /// Reads the flow.
    pub async fn flow(&self, id: &str) -> Result<Flow, ApiError> {
        let response = Request::get(&self.flow_url(id)?)
            .credentials(RequestCredentials::Include)
            .send()
            .await
            .map_err(|_| ApiError::Network)?;
        read_flow(response).await
    }

    /// Takes a step; PingOne answers with the flow as it now stands.
    pub async fn act(&self, id: &str, step: &Step) -> Result<Flow, ApiError> {
        let response = Request::post(&self.flow_url(id)?)
            .credentials(RequestCredentials::Include)
            .header("Content-Type", step.media_type())
            .body(step.body())
            .map_err(|_| ApiError::Network)?
            .send()
            .await
            .map_err(|_| ApiError::Network)?;
        read_flow(response).await
    }
}

/// Checks the status before decoding the body.
async fn read_flow(response: Response) -> Result<Flow, ApiError> {
    let status = response.status();
    // A body that cannot be read after the status line arrived: the connection broke.
    let body = response.text().await.map_err(|_| ApiError::Network)?;
    if !(200..300).contains(&status) {
        return Err(ApiError::from_response(status, &body));
    }
    Flow::parse(&body).map_err(|_| ApiError::BadResponse)
}

/// Fetches the deployment's configuration as text (parsed by [`Config`]).
///
/// A network failure or a server error (5xx) is worth retrying; any other refusal (a missing
/// file) is the deployment's to fix, so it is reported as a configuration problem.
pub async fn fetch_config(url: &str) -> Result<String, ConfigFailure> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|_| ConfigFailure::Unreachable)?;
    match response.status() {
        200..=299 => response
            .text()
            .await
            .map_err(|_| ConfigFailure::Unreachable),
        500..=599 => Err(ConfigFailure::Unreachable),
        status => Err(ConfigFailure::Invalid(format!(
            "{url} answered HTTP {status}"
        ))),
    }
}

/// Why the page has no usable configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigFailure {
    /// It could not be fetched now (offline, server error): try again.
    Unreachable,
    /// It is missing or wrong: the operator must fix it. Says which key, or what answered.
    Invalid(String),
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
    }

    #[test]
    fn builds_the_hand_off() {
        let code = UserCode::parse("bvkv2gz2").expect("code");
        assert_eq!(
            hand_off_url(&config("tv"), Some(&code)),
            "https://auth.pingone.eu/8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f/device/tv?user_code=BVKV-2GZ2"
        );
        assert_eq!(
            hand_off_url(&config(""), None),
            "https://auth.pingone.eu/8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f/device"
        );
    }

    #[test]
    fn builds_the_hosted_sign_on_link() {
        let mut c = config("tv");
        assert_eq!(
            hosted_sign_on_url(&c, "f-1"),
            "https://auth.pingone.eu/8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f/signon/?flowId=f-1"
        );
        c.hosted_sign_on_url = "https://sso.example/signon?theme=dark".into();
        assert_eq!(
            hosted_sign_on_url(&c, "f 1"),
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
