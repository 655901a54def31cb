//! The emulated PingOne each test runs in-process (its own ports), read and steered through the
//! emulator's typed test hooks on its running handle, and the TVs that ask it for codes.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use emulator::hooks::{ActionView, DeviceView, Fault, FaultRequest, FlowView, Route};

use crate::tv::{Endpoints, Person, Tv};

/// A running emulator with a page listener serving the built page.
pub struct PingOne {
    running: emulator::Running,
    http: reqwest::Client,
    page: String,
}

/// What a flow received, in the words the tests compare: `"userCode.verify 400"`,
/// `"GET dropped (drop)"`.
pub trait Received {
    /// Every POST the flow received, in order.
    fn steps(&self) -> Vec<String>;
    /// Every request the flow received, in order.
    fn all(&self) -> Vec<String>;
    /// How many times the flow received `action` (any outcome).
    fn count(&self, action: &str) -> usize;
}

/// One request as `"action status"`, its fault marked.
pub fn line(a: &ActionView) -> String {
    let status = a
        .http_status
        .map_or_else(|| "dropped".to_owned(), |s| s.to_string());
    match &a.fault {
        Some(fault) => format!("{} {status} ({fault})", a.action),
        None => format!("{} {status}", a.action),
    }
}

impl Received for FlowView {
    fn steps(&self) -> Vec<String> {
        self.actions
            .iter()
            .filter(|a| a.action != "GET")
            .map(line)
            .collect()
    }

    fn all(&self) -> Vec<String> {
        self.actions.iter().map(line).collect()
    }

    fn count(&self, action: &str) -> usize {
        self.actions.iter().filter(|a| a.action == action).count()
    }
}

impl PingOne {
    /// Starts an emulator with `config`, serving the page from `dist`.
    pub async fn start(config: emulator::Config, dist: &Path) -> Result<PingOne> {
        let running = emulator::start(emulator::Options {
            api_addr: "127.0.0.1:0".parse()?,
            page_addr: Some("127.0.0.1:0".parse()?),
            dist: Some(dist.to_owned()),
            config,
        })
        .await
        .context("starting the emulator")?;
        let page = running
            .page_url()
            .context("the emulator has no page listener")?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(PingOne {
            running,
            http,
            page,
        })
    }

    /// `http://127.0.0.1:PORT` of the API listener.
    pub fn api_origin(&self) -> String {
        self.running.api_url()
    }

    /// The page's address for `path_and_query` (`/device`, `/device?user_code=…`).
    pub fn page_url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.page)
    }

    /// The environment id.
    pub fn env_id(&self) -> &str {
        self.running.env_id()
    }

    /// The demo portal's address (`http://host:PORT`), when the configuration asks for one.
    pub fn portal_url(&self) -> Result<String> {
        self.running
            .portal_url()
            .context("the emulator serves no demo portal")
    }

    /// `http://127.0.0.1:PORT` of the apps listener, PingOne's hosted sign-on host; none on a
    /// custom domain.
    pub fn apps_origin(&self) -> Option<String> {
        self.running.apps_url()
    }

    /// The contract's `{base}`: the API with the environment id, or without it on a custom
    /// domain.
    pub fn base(&self) -> String {
        self.running.config().base()
    }

    /// Where the page starts a flow for `user_code`: `{base}/device/{appIdentifier}` with the
    /// code, the identifier being the one the page's `config.json` names.
    pub fn hand_off_url(&self, user_code: &str) -> String {
        format!(
            "{}/device/{}?user_code={user_code}",
            self.base(),
            self.running.config().application.device_path_id
        )
    }

    /// The demo user's id (the `sub` of the tokens).
    pub fn user_id(&self) -> String {
        self.running.config().users[0].id.clone()
    }

    /// The user who signs on as `username`.
    pub fn person(&self, username: &str) -> Result<Person> {
        let user = self
            .running
            .config()
            .users
            .iter()
            .find(|u| u.username == username)
            .with_context(|| format!("the environment has no user {username}"))?;
        Ok(Person {
            id: user.id.clone(),
            name: format!("{} {}", user.given_name, user.family_name),
        })
    }

    /// The `_links` a flow shows anyone who reads it (PingOne answers a read by the flow's id
    /// alone until someone signs on). The read is recorded like any other.
    pub async fn links(&self, flow_id: &str) -> Result<serde_json::Value> {
        let url = format!("{}/flows/{flow_id}", self.base());
        let resp = self
            .http
            .get(&url)
            .send()
            .await
            .with_context(|| format!("reading {url}"))?;
        let status = resp.status();
        let text = resp
            .text()
            .await
            .with_context(|| format!("reading {url}"))?;
        ensure!(status.is_success(), "{url} answered {status}: {text}");
        let flow: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("the flow {text}"))?;
        flow.get("_links")
            .cloned()
            .with_context(|| format!("the flow has no _links: {text}"))
    }

    /// Every flow, oldest first.
    pub fn flows(&self) -> Vec<FlowView> {
        self.running.flows()
    }

    /// The one flow there is; fails if there are none or several.
    pub fn only_flow(&self) -> Result<FlowView> {
        let mut flows = self.flows();
        ensure!(
            flows.len() == 1,
            "expected exactly one flow, the emulator holds {}: {:?}",
            flows.len(),
            flows
                .iter()
                .map(|f| (&f.status, f.all()))
                .collect::<Vec<_>>()
        );
        Ok(flows.remove(0))
    }

    /// Makes a flow idle past its lifetime (PingOne: 15 minutes without use).
    pub fn expire_flow(&self, flow_id: &str) -> Result<()> {
        self.running
            .expire_flow(flow_id)
            .map(drop)
            .with_context(|| format!("no flow {flow_id} to expire"))
    }

    /// Puts a flow in any status, as a sign-on policy would.
    pub fn force_status(&self, flow_id: &str, status: &str) -> Result<()> {
        self.running
            .force_status(flow_id, status)
            .map(drop)
            .with_context(|| format!("putting flow {flow_id} in {status}"))
    }

    /// The device authorization behind `user_code`.
    pub fn device(&self, user_code: &str) -> Result<DeviceView> {
        self.running
            .device(user_code)
            .with_context(|| format!("no device authorization has the code {user_code}"))
    }

    /// Makes the device code behind `user_code` expire now.
    pub fn expire_device(&self, user_code: &str) -> Result<()> {
        self.running
            .expire_device(user_code)
            .map(drop)
            .with_context(|| format!("no device authorization has the code {user_code}"))
    }

    /// The next `count` requests to `route` meet `fault`.
    pub fn fault(&self, route: Route, count: u32, fault: Fault) -> Result<()> {
        let request = FaultRequest {
            route,
            count,
            fault,
        };
        self.running
            .add_fault(request.clone())
            .map(drop)
            .with_context(|| format!("injecting {request:?}"))
    }

    /// Removes the faults no request has met yet.
    pub fn clear_faults(&self) {
        self.running.clear_faults();
    }

    /// A TV that has just asked for a code.
    pub async fn tv(&self) -> Result<Tv> {
        Tv::ask(Endpoints {
            http: self.http.clone(),
            oauth: format!("{}/as", self.base()),
            client_id: self.running.client_id().to_owned(),
            user: self.person(emulator::DEMO_USERNAME)?,
        })
        .await
    }

    /// Every flow and device as the emulator holds them, for a failed test's report.
    pub fn state_report(&self) -> String {
        format!(
            "the emulator's flows: {:#?}\nits devices: {:#?}",
            self.flows(),
            self.running.devices()
        )
    }
}
