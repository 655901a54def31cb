//! The environment's live state — browser sessions, flows and device authorizations — and the
//! resolved configuration, shared by every handler behind one mutex.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use crate::config::{Config, Scope, User};
use crate::hooks::FaultRule;

/// Everything a handler needs: the resolved configuration, where the listeners are, the state.
pub(crate) struct Shared {
    pub cfg: Config,
    pub api_url: String,
    pub store: Mutex<Store>,
    pub faults: Mutex<Vec<FaultRule>>,
}

impl Shared {
    pub fn new(cfg: Config, api_url: String) -> Self {
        Shared {
            cfg,
            api_url,
            store: Mutex::new(Store::default()),
            faults: Mutex::new(Vec::new()),
        }
    }

    /// The state, even if a panicking handler poisoned the lock (the data is still consistent:
    /// handlers never leave it half-updated across a panic point).
    pub fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn lock_faults(&self) -> MutexGuard<'_, Vec<FaultRule>> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `{api_url}/{envId}`
    pub fn env_base(&self) -> String {
        format!("{}/{}", self.api_url, self.cfg.environment_id)
    }

    pub fn is_env(&self, env: &str) -> bool {
        env == self.cfg.environment_id
    }

    /// The application addressed by `/{envId}/device/{identifier}`: client id or path id.
    pub fn app_matches(&self, identifier: &str) -> bool {
        let app = &self.cfg.application;
        identifier == app.client_id || identifier == app.device_path_id
    }

    pub fn user_by_id(&self, id: &str) -> Option<&User> {
        self.cfg.users.iter().find(|u| u.id == id)
    }

    /// The configured scopes among `names`, in the application's order.
    pub fn scopes_of(&self, names: &[String]) -> Vec<&Scope> {
        self.cfg
            .application
            .scopes
            .iter()
            .filter(|s| names.contains(&s.name))
            .collect()
    }

    pub fn flow_idle(&self) -> time::Duration {
        secs(self.cfg.flow_idle_timeout)
    }

    pub fn session_idle(&self) -> time::Duration {
        secs(self.cfg.session_idle_timeout)
    }

    /// `loginPageUrl`, if the application has one (resolved at start).
    pub fn login_page_url(&self) -> Option<&str> {
        self.cfg
            .application
            .login_page_url
            .as_deref()
            .filter(|u| !u.is_empty())
    }

    /// `verification_uri` as returned to devices: the custom URI, else PingOne's own.
    pub fn verification_uri(&self) -> String {
        match self
            .cfg
            .application
            .device_custom_verification_uri
            .as_deref()
        {
            Some(uri) if !uri.is_empty() => uri.to_owned(),
            _ => format!(
                "{}/device/{}",
                self.env_base(),
                self.cfg.application.device_path_id
            ),
        }
    }

    /// PingOne's hosted sign-on for a flow.
    pub fn hosted_sign_on(&self, flow_id: &str) -> String {
        crate::request::with_query(
            &format!("{}/signon/", self.env_base()),
            &[("flowId", flow_id)],
        )
    }

    /// Origins CORS answers for (resolved at start).
    pub fn cors_origins(&self) -> &[String] {
        self.cfg.application.cors_origins.as_deref().unwrap_or(&[])
    }

    /// The application icon's URL (resolved at start).
    pub fn icon_href(&self) -> String {
        self.cfg
            .application
            .icon_href
            .clone()
            .unwrap_or_else(|| format!("{}{}", self.api_url, crate::flows::ICON_PATH))
    }
}

/// Seconds as a `time::Duration`, saturating.
pub(crate) fn secs(s: u64) -> time::Duration {
    time::Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 2))
}

pub(crate) fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// `2026-11-28T18:24:57.154Z`, as PingOne writes times.
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    t.to_offset(time::UtcOffset::UTC)
        .format(&fmt)
        .or_else(|_| t.format(&Rfc3339))
        .unwrap_or_default()
}

#[derive(Default)]
pub(crate) struct Store {
    /// By cookie value.
    pub sessions: HashMap<String, Session>,
    pub flows: HashMap<String, Flow>,
    /// Flow ids in creation order, for the hooks' listing.
    pub flow_order: Vec<String>,
    /// By device code.
    pub devices: HashMap<String, Device>,
    /// Normalised user code → device code.
    pub user_codes: HashMap<String, String>,
}

/// A browser session: what the `ST` cookie stands for.
pub(crate) struct Session {
    pub id: String,
    pub user_id: Option<String>,
    pub last_used: OffsetDateTime,
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
    /// The cookie value of the session that created the flow.
    pub session_token: String,
    pub session_id: String,
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
    /// Forgets what no client can reach any more: keeps memory bounded over a long demo.
    pub fn prune(&mut self, now: OffsetDateTime, session_idle: time::Duration) {
        let grace = time::Duration::hours(1);
        self.flows.retain(|_, f| f.expires_at + grace > now);
        let flows = &self.flows;
        self.flow_order.retain(|id| flows.contains_key(id));
        self.devices.retain(|_, d| d.expires_at + grace > now);
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

    #[test]
    fn times_look_like_pingones() {
        let t = time::macros::datetime!(2026-11-28 18:24:57.154 UTC);
        assert_eq!(rfc3339(t), "2026-11-28T18:24:57.154Z");
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
}
