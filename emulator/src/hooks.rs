//! The test hooks' vocabulary: what `/__emulator/` answers and accepts, as types. Tests in the
//! same process use them through [`Running`](crate::Running)'s helpers, tests over HTTP
//! serialise the same types, so the two cannot drift apart. Never part of the PingOne surface.
//!
//! Times are strings as PingOne writes them (`2026-11-28T18:24:57.154Z`).

use serde::{Deserialize, Serialize};

pub use crate::model::Action;

/// One flow as the emulator recorded it: `GET /__emulator/flows[/{id}]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowView {
    /// The flow id.
    pub id: String,
    /// The status the flow resource shows (`USERNAME_PASSWORD_REQUIRED`, …).
    pub status: String,
    /// The device's user code (display form), once a code was verified in this flow.
    pub user_code: Option<String>,
    /// The `user_code` the browser brought to `/device…`: recorded, never checked.
    pub user_code_hint: Option<String>,
    /// The flow resource's `session.id`.
    pub session_id: Option<String>,
    /// The signed-on user's id.
    pub user_id: Option<String>,
    /// Wrong user codes this flow received.
    pub failed_user_code_attempts: u32,
    /// Every request the flow received, in order.
    pub actions: Vec<ActionView>,
    /// When the flow was created.
    pub created_at: String,
    /// When the flow idles out (it slides with every accepted call).
    pub expires_at: String,
    /// Whether it has idled out (any call now answers `404`).
    pub expired: bool,
}

/// One request a flow received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionView {
    /// `GET`, `usernamePassword.check`, `userCode.verify`, `deviceAuthGrant.consent`,
    /// `session.reset`, `resume`, or `POST {media type}` for a media type naming no action.
    pub action: String,
    /// When it arrived.
    pub at: String,
    /// The status answered; `None` when an injected fault dropped the connection.
    pub http_status: Option<u16>,
    /// The kind of the injected fault that answered instead of the flow, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

/// One device authorization: `GET /__emulator/devices[/{userCode}]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceView {
    /// The user code in display form, `XXXX-XXXX`.
    pub user_code: String,
    /// The device code the device polls with.
    pub device_code: String,
    /// The application that asked.
    pub client_id: String,
    /// The scopes granted at the device authorization.
    pub scopes: Vec<String>,
    /// `PENDING`, `APPROVED`, `DENIED`, `EXPIRED` or `ISSUED`.
    pub status: String,
    /// The current polling interval in seconds (grows by 5 with each `slow_down`).
    pub interval: u64,
    /// When each token poll arrived.
    pub polls: Vec<String>,
    /// When the codes were issued.
    pub created_at: String,
    /// When they expire.
    pub expires_at: String,
}

/// How much the emulator holds: `GET /__emulator/store`. Each count has a limit (`max_flows`,
/// `max_sessions`, `max_devices` in the configuration), whoever calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreSize {
    /// Flows.
    pub flows: usize,
    /// Entries of the list that orders the flows (never more than `flows`).
    pub listed_flows: usize,
    /// Requests recorded on all flows together.
    pub actions: usize,
    /// Browser sessions.
    pub sessions: usize,
    /// Device authorizations.
    pub devices: usize,
    /// User codes that find a device authorization (one each).
    pub user_codes: usize,
}

/// Which requests a fault applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// `{base}/flows/*`, GET and POST.
    Flows,
    /// Only the `POST`s to `{base}/flows/*` whose `Content-Type` names this action
    /// (`{"flow_action": "userCode.verify"}` in JSON).
    FlowAction(Action),
    /// `{base}/device` and `{base}/device/*`.
    Device,
    /// `{base}/as/device_authorization`.
    DeviceAuthorization,
    /// `{base}/as/token`.
    Token,
    /// The page listener's `/config.json`.
    Config,
    /// The page listener's WebAssembly (`*.wasm`): e.g. held back to test what the page does
    /// before it arrives.
    Wasm,
    /// The page listener's language files (`i18n/*.json`): e.g. held back to test what the page
    /// shows before the person's words arrive.
    Language,
    /// Every GET or POST on the API listener outside `/__emulator/`, and `/config.json`.
    Any,
}

/// What happens instead of (or before) the real answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Wait, then answer normally.
    Latency {
        /// How long, in milliseconds (at most 120 000).
        ms: u64,
    },
    /// Answer this status with a PingOne error body; the handler does not run.
    Status {
        /// The HTTP status (200–599).
        status: u16,
    },
    /// Close the connection without a response; the handler does not run.
    Drop,
    /// `200` with a truncated JSON body; the handler does not run.
    MalformedJson,
    /// PingOne's platform rate limit: `429 REQUEST_LIMITED` with no details and a
    /// `Retry-After` header; the handler does not run, so the flow is untouched.
    RateLimited {
        /// Seconds in `Retry-After` (at most 3600).
        retry_after: u64,
    },
    /// Only on the hand-off (`route: device`): no flow is created, and the browser is sent back
    /// to the login page (or the hosted sign-on) with `error`, a PingOne error body as JSON.
    ErrorRedirect {
        /// The error's `code` (`REQUEST_FAILED`, `INVALID_REQUEST`, …).
        code: String,
    },
}

impl Fault {
    /// The name the hooks record on a faulted request (`latency`, `status`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::Latency { .. } => "latency",
            Fault::Status { .. } => "status",
            Fault::Drop => "drop",
            Fault::MalformedJson => "malformed_json",
            Fault::RateLimited { .. } => "rate_limited",
            Fault::ErrorRedirect { .. } => "error_redirect",
        }
    }
}

/// `POST /__emulator/faults`: the next `count` requests to `route` meet `fault`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRequest {
    /// Which requests.
    pub route: Route,
    /// How many of them (at least 1).
    pub count: u32,
    /// What they meet.
    pub fault: Fault,
}

impl FaultRequest {
    /// The next `count` requests to `route` meet `fault`.
    pub fn new(route: Route, count: u32, fault: Fault) -> FaultRequest {
        FaultRequest {
            route,
            count,
            fault,
        }
    }

    /// Checks the values; the error says what is wrong.
    pub fn validate(&self) -> Result<(), HookError> {
        let invalid = |why: &str| Err(HookError::Invalid(why.to_owned()));
        if self.count == 0 {
            return invalid("count must be at least 1");
        }
        match &self.fault {
            Fault::Latency { ms } if *ms > 120_000 => invalid("latency ms must be at most 120000"),
            Fault::Status { status } if !(200..=599).contains(status) => {
                invalid("status must be between 200 and 599")
            }
            Fault::RateLimited { retry_after } if *retry_after > 3600 => {
                invalid("retry_after must be at most 3600 seconds")
            }
            Fault::ErrorRedirect { .. } if self.route != Route::Device => {
                invalid("error_redirect happens on route device only")
            }
            Fault::ErrorRedirect { code } if !is_status_name(code) => {
                invalid("code must be upper-case letters and '_', like REQUEST_FAILED")
            }
            _ => Ok(()),
        }
    }
}

/// A registered fault and how many more requests it applies to: `GET /__emulator/faults`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Which requests.
    pub route: Route,
    /// How many more of them.
    pub remaining: u32,
    /// What they meet.
    pub fault: Fault,
}

/// `POST /__emulator/flows/{id}/status`: put the flow in any status, as a sign-on policy would.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// Upper-case letters and `_`, like `OTP_REQUIRED`.
    pub status: String,
}

/// `POST /__emulator/next-flow`: how the next flow the hand-off creates starts (once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NextFlowRequest {
    /// Its first status, like `DAG_USER_CODE_REQUIRED` or `OTP_REQUIRED`.
    pub status: String,
    /// The username of a user this browser signed on earlier: the hand-off then attaches the
    /// user and sets the session cookie, as for a browser that already holds one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_on_as: Option<String>,
}

/// A status or error code: 1 to 64 upper-case letters and `_`.
pub(crate) fn is_status_name(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
}

/// Why a hook refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HookError {
    /// No flow has that id.
    #[error("no such flow")]
    NoFlow,
    /// No device authorization has that user code.
    #[error("no device authorization has that user code")]
    NoDevice,
    /// The request's values are not acceptable; says why.
    #[error("{0}")]
    Invalid(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_requests_parse_as_the_hooks_document() {
        let req: FaultRequest = serde_json::from_str(
            r#"{"route":"device_authorization","count":2,"fault":{"kind":"latency","ms":3000}}"#,
        )
        .expect("valid");
        assert_eq!(req.route, Route::DeviceAuthorization);
        assert_eq!(req.fault, Fault::Latency { ms: 3000 });
        for text in [
            r#"{"route":"any","count":1,"fault":{"kind":"drop"}}"#,
            r#"{"route":"config","count":1,"fault":{"kind":"malformed_json"}}"#,
            r#"{"route":"flows","count":1,"fault":{"kind":"status","status":503}}"#,
        ] {
            let req: FaultRequest = serde_json::from_str(text).expect(text);
            req.validate().expect(text);
        }
        let zero: FaultRequest =
            serde_json::from_str(r#"{"route":"any","count":0,"fault":{"kind":"drop"}}"#)
                .expect("parses");
        assert!(zero.validate().is_err());
    }

    #[test]
    fn a_fault_aims_at_one_action_through_its_route() {
        let req: FaultRequest = serde_json::from_str(
            r#"{"route":{"flow_action":"userCode.verify"},"count":1,"fault":{"kind":"rate_limited","retry_after":2}}"#,
        )
        .expect("valid");
        assert_eq!(req.route, Route::FlowAction(Action::UserCodeVerify));
        assert_eq!(req.fault, Fault::RateLimited { retry_after: 2 });
    }

    #[test]
    fn views_keep_the_hooks_json_names() {
        let action = ActionView {
            action: "GET".to_owned(),
            at: "2026-11-28T18:24:57.154Z".to_owned(),
            http_status: None,
            fault: None,
        };
        let json = serde_json::to_value(&action).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({"action": "GET", "at": "2026-11-28T18:24:57.154Z", "httpStatus": null})
        );
        let back: ActionView = serde_json::from_value(json).expect("reads back");
        assert_eq!(back, action);
    }
}
