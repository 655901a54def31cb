//! The data the emulated environment keeps — browser sessions, flows with what they received,
//! device authorizations — and the flow actions, named by their media types.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::clock::now;
use crate::codes;
use crate::request::media_type;

/// An expired flow or device code is kept this long before it is forgotten: the hooks can still
/// show its record, and a late call meets "expired" rather than "unknown".
pub(crate) const KEPT_AFTER_EXPIRY: time::Duration = time::Duration::minutes(2);

/// The most the store holds of each thing a client can make it create; past that the oldest
/// goes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub flows: usize,
    pub sessions: usize,
    pub devices: usize,
}

/// Everything that changes while the emulator runs; one mutex guards it (see `state`).
pub(crate) struct Store {
    limits: Limits,
    /// When [`Store::prune`] last looked through everything.
    pruned_at: Option<OffsetDateTime>,
    /// By cookie value.
    pub sessions: HashMap<String, Session>,
    pub flows: HashMap<String, Flow>,
    /// Flow ids in creation order, for the hooks' listing and for forgetting the oldest.
    pub flow_order: VecDeque<String>,
    /// By device code.
    pub devices: HashMap<String, Device>,
    /// Normalised user code → device code.
    pub user_codes: HashMap<String, String>,
    /// Wrong passwords and locks, by user id (users with a lockout only).
    pub password_locks: HashMap<String, PasswordLock>,
    /// How the next flow the hand-off creates starts, when a test hook chose it.
    pub next_flow: Option<FirstStep>,
}

/// A browser session: what the session cookie stands for. PingOne starts one once it knows who
/// the user is, so every session has a user.
pub(crate) struct Session {
    pub id: String,
    pub user_id: String,
    pub last_used: OffsetDateTime,
}

/// A lockable user's wrong passwords in a row, and the lock they led to.
#[derive(Default)]
pub(crate) struct PasswordLock {
    pub failures: u32,
    pub locked_until: Option<OffsetDateTime>,
}

/// The start a test hook chose for the next flow.
pub(crate) struct FirstStep {
    pub status: FlowStatus,
    /// Start as a browser that signed this user on earlier.
    pub user_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FlowStatus {
    UsernamePasswordRequired,
    DagUserCodeRequired,
    DagConsentRequired,
    Completed,
    Failed,
    /// Any other status, forced through the test hook.
    Other(String),
}

impl FlowStatus {
    pub fn as_str(&self) -> &str {
        match self {
            FlowStatus::UsernamePasswordRequired => "USERNAME_PASSWORD_REQUIRED",
            FlowStatus::DagUserCodeRequired => "DAG_USER_CODE_REQUIRED",
            FlowStatus::DagConsentRequired => "DAG_CONSENT_REQUIRED",
            FlowStatus::Completed => "COMPLETED",
            FlowStatus::Failed => "FAILED",
            FlowStatus::Other(s) => s,
        }
    }

    pub fn parse(s: &str) -> FlowStatus {
        match s {
            "USERNAME_PASSWORD_REQUIRED" => FlowStatus::UsernamePasswordRequired,
            "DAG_USER_CODE_REQUIRED" => FlowStatus::DagUserCodeRequired,
            "DAG_CONSENT_REQUIRED" => FlowStatus::DagConsentRequired,
            "COMPLETED" => FlowStatus::Completed,
            "FAILED" => FlowStatus::Failed,
            other => FlowStatus::Other(other.to_owned()),
        }
    }

    /// `COMPLETED` or `FAILED`: nothing more can happen.
    pub fn is_end(&self) -> bool {
        matches!(self, FlowStatus::Completed | FlowStatus::Failed)
    }

    /// The one action this status asks for, if it is one the emulator implements.
    pub fn action(&self) -> Option<Action> {
        match self {
            FlowStatus::UsernamePasswordRequired => Some(Action::UsernamePasswordCheck),
            FlowStatus::DagUserCodeRequired => Some(Action::UserCodeVerify),
            FlowStatus::DagConsentRequired => Some(Action::Consent),
            _ => None,
        }
    }
}

/// The four actions the flow API takes, named by their media type; in JSON by their key in
/// `_links`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// `usernamePassword.check`: sign on.
    #[serde(rename = "usernamePassword.check")]
    UsernamePasswordCheck,
    /// `userCode.verify`: confirm the device's code.
    #[serde(rename = "userCode.verify")]
    UserCodeVerify,
    /// `deviceAuthGrant.consent`: allow or refuse the device.
    #[serde(rename = "deviceAuthGrant.consent")]
    Consent,
    /// `session.reset`: "not you?".
    #[serde(rename = "session.reset")]
    SessionReset,
}

impl Action {
    /// The action's key in `_links`, and its name in the hooks' records.
    pub fn name(self) -> &'static str {
        match self {
            Action::UsernamePasswordCheck => "usernamePassword.check",
            Action::UserCodeVerify => "userCode.verify",
            Action::Consent => "deviceAuthGrant.consent",
            Action::SessionReset => "session.reset",
        }
    }

    /// The action a `Content-Type` essence (lower-cased) names.
    pub(crate) fn from_media_type(essence: &str) -> Option<Action> {
        match essence {
            "application/vnd.pingidentity.usernamepassword.check+json" => {
                Some(Action::UsernamePasswordCheck)
            }
            "application/vnd.pingidentity.deviceauthgrant.usercode.verify+json" => {
                Some(Action::UserCodeVerify)
            }
            "application/vnd.pingidentity.deviceauthgrant.consent+json" => Some(Action::Consent),
            "application/vnd.pingidentity.session.reset+json" => Some(Action::SessionReset),
            _ => None,
        }
    }

    /// The action a request's `Content-Type` names, if it names one with acceptable parameters.
    pub(crate) fn of_request(headers: &HeaderMap) -> Option<Action> {
        match media_type(headers) {
            Some((essence, true)) => Action::from_media_type(&essence),
            _ => None,
        }
    }

    /// The label the hooks record for a POST with these headers.
    pub(crate) fn label(headers: &HeaderMap) -> String {
        match media_type(headers) {
            Some((essence, _)) => match Action::from_media_type(&essence) {
                Some(action) => action.name().to_owned(),
                None => format!("POST {}", truncate(&essence, 100)),
            },
            None => "POST".to_owned(),
        }
    }
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// One request a flow received, for the hooks.
pub(crate) struct ActionRecord {
    pub action: String,
    pub at: OffsetDateTime,
    /// `None` when the connection was dropped on purpose.
    pub http_status: Option<u16>,
    /// The injected fault that answered instead of the flow, if any.
    pub fault: Option<&'static str>,
}

pub(crate) struct Flow {
    pub id: String,
    /// The cookie value of the flow's session, once the user is known; until then the flow is
    /// the browser's by its id alone.
    pub session_token: Option<String>,
    /// The session's id, shown as `session.id`.
    pub session_id: Option<String>,
    /// Known from `/device/{appIdentifier}`, or from the verified code.
    pub client_id: Option<String>,
    pub user_id: Option<String>,
    pub status: FlowStatus,
    /// `user_code` from the `/device` URL: only a hint, never checked.
    pub user_code_hint: Option<String>,
    /// The device authorization bound by a successful `userCode.verify`.
    pub device_code: Option<String>,
    pub failed_code_attempts: u32,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub actions: Vec<ActionRecord>,
    /// `error` of a `FAILED` flow: (code, message).
    pub error: Option<(&'static str, String)>,
}

impl Flow {
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        now >= self.expires_at
    }

    pub fn record(&mut self, action: &str, http_status: Option<u16>, fault: Option<&'static str>) {
        // A flow hammered by a client is still bounded in memory.
        if self.actions.len() < 10_000 {
            self.actions.push(ActionRecord {
                action: action.to_owned(),
                at: now(),
                http_status,
                fault,
            });
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DeviceStatus {
    Pending,
    Approved { user_id: String, session_id: String },
    Denied,
    Issued,
}

/// One device authorization (`as/device_authorization`).
pub(crate) struct Device {
    pub device_code: String,
    /// Display form, `XXXX-XXXX`.
    pub user_code: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// The current minimum polling interval in seconds (grows by 5 on each `slow_down`).
    pub interval: u64,
    pub status: DeviceStatus,
    pub polls: Vec<OffsetDateTime>,
    pub last_poll: Option<Instant>,
}

impl Device {
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        now >= self.expires_at
    }

    /// The hooks' view: `PENDING`, `APPROVED`, `DENIED`, `EXPIRED` or `ISSUED`.
    pub fn status_name(&self, now: OffsetDateTime) -> &'static str {
        match &self.status {
            DeviceStatus::Issued => "ISSUED",
            DeviceStatus::Denied => "DENIED",
            _ if self.is_expired(now) => "EXPIRED",
            DeviceStatus::Approved { .. } => "APPROVED",
            DeviceStatus::Pending => "PENDING",
        }
    }
}

impl Store {
    pub fn new(limits: Limits) -> Store {
        Store {
            limits,
            pruned_at: None,
            sessions: HashMap::new(),
            flows: HashMap::new(),
            flow_order: VecDeque::new(),
            devices: HashMap::new(),
            user_codes: HashMap::new(),
            password_locks: HashMap::new(),
            next_flow: None,
        }
    }

    /// Keeps a new flow, forgetting the oldest ones past the limit.
    pub fn add_flow(&mut self, flow: Flow) {
        while self.flow_order.len() >= self.limits.flows {
            let Some(oldest) = self.flow_order.pop_front() else {
                break;
            };
            self.flows.remove(&oldest);
        }
        self.flow_order.push_back(flow.id.clone());
        self.flows.insert(flow.id.clone(), flow);
    }

    /// Keeps a new device authorization under its normalised user code, forgetting the oldest
    /// past the limit.
    pub fn add_device(&mut self, normalized_user_code: String, device: Device) {
        while self.devices.len() >= self.limits.devices {
            let Some(oldest) = self
                .devices
                .values()
                .min_by_key(|d| d.created_at)
                .map(|d| d.device_code.clone())
            else {
                break;
            };
            if let Some(gone) = self.devices.remove(&oldest) {
                self.user_codes.remove(&codes::normalize(&gone.user_code));
            }
        }
        self.user_codes
            .insert(normalized_user_code, device.device_code.clone());
        self.devices.insert(device.device_code.clone(), device);
    }

    /// Starts a session for a user who just became known: `(cookie value, session id)`. Past
    /// the limit, the session unused longest ends.
    pub fn start_session(&mut self, user_id: &str, now: OffsetDateTime) -> (String, String) {
        while self.sessions.len() >= self.limits.sessions {
            let Some(stalest) = self
                .sessions
                .iter()
                .min_by_key(|(_, s)| s.last_used)
                .map(|(token, _)| token.clone())
            else {
                break;
            };
            self.sessions.remove(&stalest);
        }
        let token = codes::opaque_token();
        let id = uuid::Uuid::new_v4().to_string();
        self.sessions.insert(
            token.clone(),
            Session {
                id: id.clone(),
                user_id: user_id.to_owned(),
                last_used: now,
            },
        );
        (token, id)
    }

    /// Forgets what no client can reach any more, on each thing's own lifetime: a flow once it
    /// idled out, a device authorization once its codes expired (each [`KEPT_AFTER_EXPIRY`]
    /// later), a session once unused for `session_idle`. At most once a second: it looks
    /// through everything, and every hand-off asks.
    pub fn prune(&mut self, now: OffsetDateTime, session_idle: time::Duration) {
        if self
            .pruned_at
            .is_some_and(|at| now - at < time::Duration::SECOND && now >= at)
        {
            return;
        }
        self.pruned_at = Some(now);
        self.flows
            .retain(|_, f| f.expires_at + KEPT_AFTER_EXPIRY > now);
        let flows = &self.flows;
        self.flow_order.retain(|id| flows.contains_key(id));
        self.devices
            .retain(|_, d| d.expires_at + KEPT_AFTER_EXPIRY > now);
        let devices = &self.devices;
        self.user_codes.retain(|_, dc| devices.contains_key(dc));
        self.sessions
            .retain(|_, s| s.last_used + session_idle > now);
    }

    /// The live session behind a cookie value, if any.
    pub fn session(
        &mut self,
        token: &str,
        now: OffsetDateTime,
        idle: time::Duration,
    ) -> Option<&mut Session> {
        self.sessions
            .get_mut(token)
            .filter(|s| s.last_used + idle > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderValue, header};

    fn store(max: usize) -> Store {
        Store::new(Limits {
            flows: max,
            sessions: max,
            devices: max,
        })
    }

    fn flow(id: &str, expires_at: OffsetDateTime) -> Flow {
        Flow {
            id: id.to_owned(),
            session_token: None,
            session_id: None,
            client_id: None,
            user_id: None,
            status: FlowStatus::UsernamePasswordRequired,
            user_code_hint: None,
            device_code: None,
            failed_code_attempts: 0,
            created_at: expires_at,
            expires_at,
            actions: Vec::new(),
            error: None,
        }
    }

    fn device(code: &str, at: OffsetDateTime) -> Device {
        Device {
            device_code: format!("dc-{code}"),
            user_code: code.to_owned(),
            client_id: "c".to_owned(),
            scopes: Vec::new(),
            created_at: at,
            expires_at: at + time::Duration::minutes(10),
            interval: 5,
            status: DeviceStatus::Pending,
            polls: Vec::new(),
            last_poll: None,
        }
    }

    #[test]
    fn past_its_limits_the_store_forgets_the_oldest() {
        let now = now();
        let mut store = store(3);
        for i in 0..10 {
            store.add_flow(flow(&format!("f{i}"), now + time::Duration::minutes(15)));
            store.start_session("u", now + time::Duration::seconds(i));
            store.add_device(
                format!("CODE000{i}"),
                device(&format!("CODE-000{i}"), now + time::Duration::seconds(i)),
            );
        }
        assert_eq!(Vec::from(store.flow_order.clone()), ["f7", "f8", "f9"]);
        assert_eq!(store.flows.len(), 3);
        assert_eq!(store.sessions.len(), 3);
        let oldest_session = store.sessions.values().map(|s| s.last_used).min();
        assert_eq!(oldest_session, Some(now + time::Duration::seconds(7)));
        let mut codes: Vec<&String> = store.user_codes.keys().collect();
        codes.sort();
        assert_eq!(codes, ["CODE0007", "CODE0008", "CODE0009"]);
        assert_eq!(store.devices.len(), 3);
    }

    #[test]
    fn things_are_pruned_on_their_own_lifetimes() {
        let now = now();
        let idle = time::Duration::hours(8);
        let mut store = store(100);
        let ago = |minutes| now - time::Duration::minutes(minutes);
        store.add_flow(flow("idled-long-ago", ago(3)));
        store.add_flow(flow("just-idled", ago(1)));
        store.add_flow(flow("alive", now + time::Duration::minutes(15)));
        store.add_device("OLD".to_owned(), device("OLD", ago(13)));
        store.add_device("NEW".to_owned(), device("NEW", ago(1)));
        store.start_session("u", now - idle - time::Duration::seconds(1));
        store.start_session("u", now - time::Duration::hours(7));
        store.prune(now, idle);
        let mut flows: Vec<&String> = store.flows.keys().collect();
        flows.sort();
        assert_eq!(flows, ["alive", "just-idled"]);
        assert_eq!(store.flow_order.len(), 2);
        assert_eq!(store.user_codes.keys().collect::<Vec<_>>(), ["NEW"]);
        assert_eq!(store.devices.len(), 1);
        assert_eq!(store.sessions.len(), 1);
    }

    #[test]
    fn statuses_round_trip() {
        for s in [
            "USERNAME_PASSWORD_REQUIRED",
            "DAG_USER_CODE_REQUIRED",
            "DAG_CONSENT_REQUIRED",
            "COMPLETED",
            "FAILED",
            "OTP_REQUIRED",
        ] {
            assert_eq!(FlowStatus::parse(s).as_str(), s);
        }
    }

    #[test]
    fn media_types_name_actions() {
        for (media, action) in [
            (
                "application/vnd.pingidentity.usernamePassword.check+json",
                Action::UsernamePasswordCheck,
            ),
            (
                "application/vnd.pingidentity.deviceAuthGrant.userCode.verify+json",
                Action::UserCodeVerify,
            ),
            (
                "application/vnd.pingidentity.deviceAuthGrant.consent+json",
                Action::Consent,
            ),
            (
                "application/vnd.pingidentity.session.reset+json",
                Action::SessionReset,
            ),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
            assert_eq!(Action::of_request(&headers), Some(action));
            assert_eq!(Action::label(&headers), action.name());
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        assert_eq!(Action::of_request(&headers), None);
        assert_eq!(Action::label(&headers), "POST application/json");
    }
}
