//! The emulator under load: N device flows at once, end to end over loopback HTTP, each as a TV
//! and a phone would run it (device authorization → hand-off → sign on → verify → consent →
//! token), timing every call.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};
use tokio::sync::Semaphore;

/// The calls of one flow, in order.
pub const CALLS: [&str; 6] = [
    "device_authorization",
    "hand_off",
    "sign_on",
    "verify",
    "consent",
    "token",
];

/// One HTTP call may take this long before it counts as an error.
const CALL_LIMIT: Duration = Duration::from_secs(30);
/// The whole load phase may take this long; flows still running then count as errors.
const PHASE_LIMIT: Duration = Duration::from_secs(180);

/// What the load run found.
pub struct Outcome {
    /// Flows started.
    pub flows: usize,
    /// Flows allowed in flight at once.
    pub concurrency: usize,
    /// Flows that got their tokens.
    pub completed: usize,
    /// Failures, counted by call and reason.
    pub errors: BTreeMap<String, usize>,
    /// First flow started to last flow finished.
    pub wall: Duration,
    /// Every successful call's duration, by call.
    pub latencies: BTreeMap<&'static str, Vec<Duration>>,
}

impl Outcome {
    /// Completed flows per second.
    pub fn flows_per_second(&self) -> f64 {
        self.completed as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    /// Successful calls per second.
    pub fn calls_per_second(&self) -> f64 {
        let calls: usize = self.latencies.values().map(Vec::len).sum();
        calls as f64 / self.wall.as_secs_f64().max(1e-9)
    }
}

/// Where the emulator's API listens and who the client is.
#[derive(Clone)]
pub struct Api {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The environment id.
    pub env: String,
    /// The application's client id.
    pub client_id: String,
}

/// Runs `flows` device flows, at most `concurrency` at a time.
pub async fn run(api: Api, flows: usize, concurrency: usize) -> Result<Outcome> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(CALL_LIMIT)
        .pool_max_idle_per_host(concurrency)
        .build()
        .context("building the HTTP client")?;
    let api = Arc::new(api);
    let permits = Arc::new(Semaphore::new(concurrency));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..flows {
        let (http, api, permits) = (http.clone(), Arc::clone(&api), Arc::clone(&permits));
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            one_flow(&http, &api).await
        });
    }
    let mut outcome = Outcome {
        flows,
        concurrency,
        completed: 0,
        errors: BTreeMap::new(),
        wall: Duration::ZERO,
        latencies: CALLS
            .iter()
            .map(|c| (*c, Vec::with_capacity(flows)))
            .collect(),
    };
    let deadline = tokio::time::Instant::now() + PHASE_LIMIT;
    while !tasks.is_empty() {
        let joined = match tokio::time::timeout_at(deadline, tasks.join_next()).await {
            Ok(Some(joined)) => joined,
            Ok(None) => break,
            Err(_) => {
                let left = tasks.len();
                tasks.abort_all();
                *outcome
                    .errors
                    .entry(format!("unfinished after {PHASE_LIMIT:?}"))
                    .or_default() += left;
                break;
            }
        };
        let flow = joined.context("a flow task panicked")?;
        for (call, took) in &flow.timings {
            if let Some(list) = outcome.latencies.get_mut(call) {
                list.push(*took);
            }
        }
        match flow.error {
            None => outcome.completed += 1,
            Some(error) => *outcome.errors.entry(error).or_default() += 1,
        }
    }
    outcome.wall = started.elapsed();
    Ok(outcome)
}

/// One flow's successful call timings, and the error that stopped it, if any.
struct FlowResult {
    timings: Vec<(&'static str, Duration)>,
    error: Option<String>,
}

async fn one_flow(http: &reqwest::Client, api: &Api) -> FlowResult {
    let mut timings = Vec::with_capacity(CALLS.len());
    let error = steps(http, api, &mut timings).await.err();
    FlowResult {
        timings,
        error: error.map(|e| format!("{e:#}")),
    }
}

/// A call that failed, named for the report (kept short: these are counted, not logged).
fn failed(call: &str, why: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{call}: {why}")
}

async fn steps(
    http: &reqwest::Client,
    api: &Api,
    timings: &mut Vec<(&'static str, Duration)>,
) -> Result<()> {
    let base = format!("{}/{}", api.url, api.env);

    // The TV asks for codes.
    let t = Instant::now();
    let (status, body) = json_of(
        "device_authorization",
        http.post(format!("{base}/as/device_authorization"))
            .form(&[
                ("client_id", api.client_id.as_str()),
                ("scope", "openid profile"),
            ])
            .send()
            .await,
    )
    .await?;
    expect("device_authorization", status, StatusCode::OK, &body)?;
    timings.push(("device_authorization", t.elapsed()));
    let user_code = text(&body, "user_code", "device_authorization")?;
    let device_code = text(&body, "device_code", "device_authorization")?;

    // The phone's browser reaches PingOne's device endpoint and is sent to the page.
    let t = Instant::now();
    let resp = http
        .get(format!(
            "{base}/device/{}?user_code={user_code}",
            emulator::DEMO_DEVICE_PATH_ID
        ))
        .send()
        .await
        .map_err(|e| failed("hand_off", kind(&e)))?;
    if resp.status() != StatusCode::FOUND {
        return Err(failed("hand_off", format!("HTTP {}", resp.status())));
    }
    let location = header(&resp, LOCATION).ok_or_else(|| failed("hand_off", "no Location"))?;
    // Read to the end so the connection goes back to the pool.
    let _ = resp.bytes().await;
    timings.push(("hand_off", t.elapsed()));
    let flow_id = location
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("flowId="))
        .ok_or_else(|| failed("hand_off", "no flowId in Location"))?
        .to_owned();
    let flow_url = format!("{base}/flows/{flow_id}");

    // The page drives the flow. The sign-on starts the session: its answer sets the cookie
    // every later call carries (the contract's documented moment, not the hand-off).
    let mut cookie: Option<String> = None;
    let actions = [
        (
            "sign_on",
            "usernamePassword.check",
            json!({"username": emulator::DEMO_USERNAME, "password": emulator::DEMO_PASSWORD}),
        ),
        (
            "verify",
            "deviceAuthGrant.userCode.verify",
            json!({"userCode": user_code}),
        ),
        (
            "consent",
            "deviceAuthGrant.consent",
            json!({"accept": true}),
        ),
    ];
    for (call, action, payload) in actions {
        let t = Instant::now();
        let mut request = http.post(&flow_url).header(
            CONTENT_TYPE,
            format!("application/vnd.pingidentity.{action}+json"),
        );
        if let Some(cookie) = &cookie {
            request = request.header(COOKIE, cookie);
        }
        let resp = request
            .body(payload.to_string())
            .send()
            .await
            .map_err(|e| failed(call, kind(&e)))?;
        let set = header(&resp, SET_COOKIE).and_then(|c| c.split(';').next().map(str::to_owned));
        let (status, body) = json_of(call, Ok(resp)).await?;
        expect(call, status, StatusCode::OK, &body)?;
        if cookie.is_none() {
            cookie = Some(set.ok_or_else(|| failed(call, "no session cookie"))?);
        }
        timings.push((call, t.elapsed()));
    }

    // The TV's next poll gets its tokens.
    let t = Instant::now();
    let (status, body) = json_of(
        "token",
        http.post(format!("{base}/as/token"))
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("device_code", device_code.as_str()),
                ("client_id", api.client_id.as_str()),
            ])
            .send()
            .await,
    )
    .await?;
    expect("token", status, StatusCode::OK, &body)?;
    if body["access_token"].as_str().is_none() {
        return Err(failed("token", "no access_token"));
    }
    timings.push(("token", t.elapsed()));
    Ok(())
}

async fn json_of(
    call: &str,
    sent: reqwest::Result<reqwest::Response>,
) -> Result<(StatusCode, Value)> {
    let resp = sent.map_err(|e| failed(call, kind(&e)))?;
    let status = resp.status();
    let body = resp
        .json::<Value>()
        .await
        .map_err(|e| failed(call, format!("HTTP {status}, body: {}", kind(&e))))?;
    Ok((status, body))
}

fn expect(call: &str, status: StatusCode, want: StatusCode, body: &Value) -> Result<()> {
    if status == want {
        return Ok(());
    }
    let code = body["code"]
        .as_str()
        .or_else(|| body["error"].as_str())
        .unwrap_or("?");
    bail!("{call}: HTTP {} {code}", status.as_u16())
}

fn text(body: &Value, key: &str, call: &str) -> Result<String> {
    body[key]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| failed(call, format!("no {key}")))
}

fn header(resp: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A short, countable reason for a transport error.
fn kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_decode() {
        "unreadable body"
    } else if e.is_body() {
        "body cut short"
    } else {
        "transport error"
    }
}
