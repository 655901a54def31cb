//! The emulated PingOne each test runs in-process (its own ports), read and steered through its
//! `/__emulator/` hooks, and the TV: a minimal RFC 8628 device that asks for a code and polls for
//! its token, so every test can say what the device finally got.

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use base64::Engine;
use serde_json::{Value, json};

/// A running emulator with a page listener serving the built page.
pub struct PingOne {
    running: emulator::Running,
    http: reqwest::Client,
    api: String,
    page: String,
}

/// One thing a flow received, as the emulator recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// `GET`, `usernamePassword.check`, `userCode.verify`, `deviceAuthGrant.consent`, …
    pub action: String,
    /// The HTTP status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// The injected fault's kind, when one answered instead.
    pub fault: Option<String>,
}

impl std::fmt::Display for Recorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.action)?;
        match self.status {
            Some(s) => write!(f, " {s}")?,
            None => write!(f, " dropped")?,
        }
        if let Some(fault) = &self.fault {
            write!(f, " ({fault})")?;
        }
        Ok(())
    }
}

/// A flow as the emulator's hooks show it.
#[derive(Clone, Debug)]
pub struct Flow {
    pub id: String,
    pub status: String,
    /// The device's user code, once a code was verified for this flow.
    pub user_code: Option<String>,
    /// The `user_code` the browser brought to `/{envId}/device/…`.
    pub user_code_hint: Option<String>,
    pub user_id: Option<String>,
    pub failed_code_attempts: u64,
    pub actions: Vec<Recorded>,
}

impl Flow {
    fn from_json(v: &Value) -> Result<Flow> {
        let text = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
        let actions = v
            .get("actions")
            .and_then(Value::as_array)
            .context("a flow without actions")?
            .iter()
            .map(|a| Recorded {
                action: a["action"].as_str().unwrap_or_default().to_owned(),
                status: a["httpStatus"].as_u64().and_then(|s| u16::try_from(s).ok()),
                fault: a.get("fault").and_then(Value::as_str).map(str::to_owned),
            })
            .collect();
        Ok(Flow {
            id: text("id").context("a flow without id")?,
            status: text("status").context("a flow without status")?,
            user_code: text("userCode"),
            user_code_hint: text("userCodeHint"),
            user_id: text("userId"),
            failed_code_attempts: v["failedUserCodeAttempts"].as_u64().unwrap_or_default(),
            actions,
        })
    }

    /// Every POST the flow received, in order, as `"action status"` (faults marked).
    pub fn steps(&self) -> Vec<String> {
        self.actions
            .iter()
            .filter(|a| a.action != "GET")
            .map(ToString::to_string)
            .collect()
    }

    /// Every request the flow received, in order.
    pub fn all(&self) -> Vec<String> {
        self.actions.iter().map(ToString::to_string).collect()
    }

    /// How many times the flow received `action` (any outcome).
    pub fn count(&self, action: &str) -> usize {
        self.actions.iter().filter(|a| a.action == action).count()
    }
}

/// A device authorization as the emulator's hooks show it.
#[derive(Clone, Debug)]
pub struct DeviceRecord {
    pub status: String,
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
        let api = running.api_url();
        let page = running
            .page_url()
            .context("the emulator has no page listener")?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(PingOne {
            running,
            http,
            api,
            page,
        })
    }

    /// `http://127.0.0.1:PORT` of the API listener.
    pub fn api_origin(&self) -> &str {
        &self.api
    }

    /// The page's address for `path_and_query` (`/device`, `/device?user_code=…`).
    pub fn page_url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.page)
    }

    /// The environment id.
    pub fn env_id(&self) -> &str {
        self.running.env_id()
    }

    /// The demo user's id (the `sub` of the tokens).
    pub fn user_id(&self) -> String {
        self.running.config().users[0].id.clone()
    }

    async fn hook(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value> {
        let url = format!("{}/__emulator/{path}", self.api);
        let mut req = self.http.request(method.clone(), &url);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req
            .send()
            .await
            .with_context(|| format!("{method} {url}"))?;
        let status = resp.status();
        let text = resp.text().await?;
        ensure!(
            status.is_success(),
            "{method} {url} answered {status}: {text}"
        );
        serde_json::from_str(&text).with_context(|| format!("{method} {url} sent {text}"))
    }

    /// Every flow, oldest first.
    pub async fn flows(&self) -> Result<Vec<Flow>> {
        let v = self.hook(reqwest::Method::GET, "flows", None).await?;
        v.as_array()
            .context("flows is not a list")?
            .iter()
            .map(Flow::from_json)
            .collect()
    }

    /// The one flow there is; fails if there are none or several.
    pub async fn only_flow(&self) -> Result<Flow> {
        let mut flows = self.flows().await?;
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

    /// The newest flow.
    pub async fn latest_flow(&self) -> Result<Flow> {
        self.flows()
            .await?
            .pop()
            .context("the emulator holds no flow")
    }

    /// Makes a flow idle past its lifetime (PingOne: 15 minutes without use).
    pub async fn expire_flow(&self, flow_id: &str) -> Result<()> {
        self.hook(
            reqwest::Method::POST,
            &format!("flows/{flow_id}/expire"),
            Some(json!({})),
        )
        .await
        .map(drop)
    }

    /// Puts a flow in any status, as a sign-on policy would.
    pub async fn force_status(&self, flow_id: &str, status: &str) -> Result<()> {
        self.hook(
            reqwest::Method::POST,
            &format!("flows/{flow_id}/status"),
            Some(json!({ "status": status })),
        )
        .await
        .map(drop)
    }

    /// The device authorization behind `user_code`.
    pub async fn device(&self, user_code: &str) -> Result<DeviceRecord> {
        let v = self
            .hook(reqwest::Method::GET, &format!("devices/{user_code}"), None)
            .await?;
        Ok(DeviceRecord {
            status: v["status"].as_str().unwrap_or_default().to_owned(),
        })
    }

    /// Makes the device code behind `user_code` expire now.
    pub async fn expire_device(&self, user_code: &str) -> Result<()> {
        self.hook(
            reqwest::Method::POST,
            &format!("devices/{user_code}/expire"),
            Some(json!({})),
        )
        .await
        .map(drop)
    }

    /// The next `count` requests to `route` (`flows`, `device`, `config`, …) meet `fault`
    /// (`{"kind":"status","status":503}`, `{"kind":"drop"}`, …).
    pub async fn fault(&self, route: &str, count: u32, fault: Value) -> Result<()> {
        self.hook(
            reqwest::Method::POST,
            "faults",
            Some(json!({ "route": route, "count": count, "fault": fault })),
        )
        .await
        .map(drop)
    }

    /// Removes the faults no request has met yet.
    pub async fn clear_faults(&self) -> Result<()> {
        self.hook(reqwest::Method::DELETE, "faults", None)
            .await
            .map(drop)
    }

    /// A TV that has just asked for a code.
    pub async fn tv(&self) -> Result<Tv> {
        let env = self.env_id();
        let client_id = self.running.client_id().to_owned();
        let resp = self
            .http
            .post(format!("{}/{env}/as/device_authorization", self.api))
            .form(&[
                ("client_id", client_id.as_str()),
                ("scope", "openid profile"),
            ])
            .send()
            .await
            .context("the TV asking for a code")?;
        let status = resp.status();
        let body: Value = resp
            .json()
            .await
            .context("the device authorization answer")?;
        ensure!(
            status.is_success(),
            "device authorization answered {status}: {body}"
        );
        let text = |key: &str| -> Result<String> {
            body[key]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("no {key} in {body}"))
        };
        Ok(Tv {
            http: self.http.clone(),
            token_url: format!("{}/{env}/as/token", self.api),
            client_id,
            device_code: text("device_code")?,
            user_code: text("user_code")?,
            verification_uri: text("verification_uri")?,
            verification_uri_complete: text("verification_uri_complete")?,
            interval: Duration::from_secs(body["interval"].as_u64().unwrap_or(5)),
            last_poll: Mutex::new(None),
        })
    }
}

/// A device showing a code and polling for its token (RFC 8628 §3.4–3.5).
pub struct Tv {
    http: reqwest::Client,
    token_url: String,
    client_id: String,
    device_code: String,
    /// The code on the TV's screen (`XXXX-XXXX`).
    pub user_code: String,
    pub verification_uri: String,
    /// The QR code's link: `verification_uri?user_code=…`.
    pub verification_uri_complete: String,
    interval: Duration,
    last_poll: Mutex<Option<Instant>>,
}

/// What one poll of the token endpoint answered.
#[derive(Clone, Debug, PartialEq)]
pub enum Poll {
    /// The token response.
    Token(Value),
    /// An OAuth error code (`authorization_pending`, `access_denied`, `expired_token`, …).
    Error(String),
}

impl Tv {
    /// Polls once, keeping to the interval the server asked for (the wait is the protocol's).
    pub async fn poll(&self) -> Result<Poll> {
        let wait = {
            let last = self
                .last_poll
                .lock()
                .map_err(|_| anyhow::anyhow!("poisoned"))?;
            last.map(|at| (self.interval + Duration::from_millis(50)).saturating_sub(at.elapsed()))
        };
        if let Some(wait) = wait {
            tokio::time::sleep(wait).await;
        }
        let resp = self
            .http
            .post(&self.token_url)
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("device_code", self.device_code.as_str()),
                ("client_id", self.client_id.as_str()),
            ])
            .send()
            .await
            .context("the TV polling for its token")?;
        *self
            .last_poll
            .lock()
            .map_err(|_| anyhow::anyhow!("poisoned"))? = Some(Instant::now());
        let status = resp.status();
        let body: Value = resp.json().await.context("the token endpoint's answer")?;
        if status.is_success() {
            Ok(Poll::Token(body))
        } else {
            let error = body["error"].as_str().unwrap_or_default().to_owned();
            ensure!(
                !error.is_empty(),
                "the token endpoint answered {status}: {body}"
            );
            Ok(Poll::Error(error))
        }
    }

    /// Polls until the answer is no longer `authorization_pending`/`slow_down`.
    pub async fn outcome(&self) -> Result<Poll> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match self.poll().await? {
                Poll::Error(e) if e == "authorization_pending" || e == "slow_down" => {
                    if Instant::now() > deadline {
                        bail!("the TV was still waiting after 30 s");
                    }
                }
                other => return Ok(other),
            }
        }
    }

    /// Fails unless the device's poll returns tokens for `user_id`; returns the ID token's
    /// claims.
    pub async fn expect_token_for(&self, user_id: &str) -> Result<Value> {
        let token = match self.outcome().await? {
            Poll::Token(token) => token,
            Poll::Error(e) => bail!("the TV got {e:?} instead of a token"),
        };
        ensure!(
            token["access_token"]
                .as_str()
                .is_some_and(|t| !t.is_empty()),
            "no access token in {token}"
        );
        ensure!(token["token_type"] == "Bearer", "token_type in {token}");
        let id_token = token["id_token"].as_str().context("no id_token")?;
        let claims = id_token
            .split('.')
            .nth(1)
            .context("the ID token is not a JWT")?;
        let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(claims)
            .context("the ID token's claims are not base64url")?;
        let claims: Value = serde_json::from_slice(&claims)?;
        ensure!(
            claims["sub"] == user_id,
            "the token is for {} instead of {user_id}",
            claims["sub"]
        );
        Ok(claims)
    }

    /// Fails unless the device's poll answers the OAuth error `want`.
    pub async fn expect_error(&self, want: &str) -> Result<()> {
        match self.outcome().await? {
            Poll::Error(e) if e == want => Ok(()),
            other => bail!("the TV got {other:?} instead of the error {want:?}"),
        }
    }

    /// Fails unless one poll answers `authorization_pending` (nobody approved it).
    pub async fn expect_still_waiting(&self) -> Result<()> {
        match self.poll().await? {
            Poll::Error(e) if e == "authorization_pending" => Ok(()),
            other => bail!("the TV should still be waiting, it got {other:?}"),
        }
    }
}
