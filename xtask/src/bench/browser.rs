//! Headless Chromium through ChromeDriver for the time-to-act figures: one ChromeDriver for the
//! bench, one fresh profile (cold cache) per session, DevTools protocol emulation of a slow phone,
//! and the page's own Performance API entries read back after each load.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

/// How long one page load may take before the run counts as failed.
const LOAD_LIMIT: Duration = Duration::from_secs(60);
/// How long starting or closing a browser may take.
const SESSION_LIMIT: Duration = Duration::from_secs(60);
/// How often the mark is looked for.
const POLL: Duration = Duration::from_millis(20);

/// A CPU and network profile applied through the DevTools protocol before the first load.
#[derive(Clone, Debug)]
pub struct Conditions {
    /// Short name for the report.
    pub name: &'static str,
    /// Human description for the report.
    pub description: &'static str,
    /// `Emulation.setCPUThrottlingRate` (1 = none).
    pub cpu_slowdown: f64,
    /// `Network.emulateNetworkConditions`, if any.
    pub network: Option<Network>,
}

/// Network emulation values, as DevTools takes them.
#[derive(Clone, Copy, Debug)]
pub struct Network {
    /// Added round-trip latency, ms.
    pub latency_ms: f64,
    /// Download throughput, bits per second.
    pub down_bps: f64,
    /// Upload throughput, bits per second.
    pub up_bps: f64,
}

/// The ChromeDriver process; killed when dropped.
pub struct Driver {
    child: Child,
    url: String,
    http: reqwest::Client,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    /// Starts ChromeDriver on a free loopback port, logging to `log`, and waits until it is ready.
    pub async fn start(chromedriver: &Path, log: &Path) -> Result<Driver> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .context("finding a free port for ChromeDriver")?
            .port();
        let log_file =
            std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().context("cloning the log handle")?)
            .stderr(log_file)
            .spawn()
            .with_context(|| format!("starting {}", chromedriver.display()))?;
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .context("building the HTTP client")?,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = match driver
                .http
                .get(format!("{}/status", driver.url))
                .send()
                .await
            {
                Ok(resp) => resp
                    .json::<Value>()
                    .await
                    .ok()
                    .and_then(|v| v["value"]["ready"].as_bool())
                    .unwrap_or(false),
                Err(_) => false,
            };
            if ready {
                return Ok(driver);
            }
            if Instant::now() > deadline {
                bail!(
                    "{} was not ready on port {port} within 20 s (see {})",
                    chromedriver.display(),
                    log.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// One browser window with its own fresh profile.
pub struct Session<'d> {
    driver: &'d Driver,
    client: Client,
    id: String,
    profile: PathBuf,
}

/// What the page's Performance API said about one load.
#[derive(Clone, Debug)]
pub struct Load {
    /// The mark's time since navigation start (PingOne's redirect included), ms.
    pub since_navigation_ms: f64,
    /// The page's own request start (after the redirect), ms since navigation start.
    pub fetch_start_ms: f64,
    /// The document's last byte, ms since navigation start.
    pub document_end_ms: f64,
    /// Requests until the mark: the document and every resource started before it.
    pub requests: usize,
    /// Bytes over the wire until the mark (headers included; cross-origin API calls report 0).
    pub transfer_bytes: u64,
    /// The resources, in order.
    pub resources: Vec<Resource>,
}

impl Load {
    /// From the page's own request to the first actionable screen, ms.
    pub fn to_act_ms(&self) -> f64 {
        self.since_navigation_ms - self.fetch_start_ms
    }
}

/// One resource the page loaded before it could be used.
#[derive(Clone, Debug)]
pub struct Resource {
    /// URL without the query.
    pub name: String,
    /// `initiatorType` (link, script, fetch, …).
    pub initiator: String,
    /// Start, ms since navigation start.
    pub start_ms: f64,
    /// Response end, ms since navigation start.
    pub end_ms: f64,
    /// Bytes over the wire (0 from the cache or cross-origin).
    pub transfer: u64,
    /// Body bytes as sent (compressed, if it was).
    pub encoded: u64,
    /// Body bytes after decoding.
    pub decoded: u64,
}

/// Reads the navigation, the mark and the resources before it; `null` until the mark exists.
const READ_TIMING: &str = r#"
const mark = performance.getEntriesByName(arguments[0])[0];
if (!mark) { return null; }
const nav = performance.getEntriesByType('navigation')[0];
const resources = performance.getEntriesByType('resource')
  .filter(r => r.startTime <= mark.startTime)
  .map(r => ({ name: r.name.split('?')[0], initiator: r.initiatorType, start: r.startTime,
               end: r.responseEnd, transfer: r.transferSize, encoded: r.encodedBodySize,
               decoded: r.decodedBodySize }));
return { url: nav.name, mark: mark.startTime, fetchStart: nav.fetchStart,
         responseEnd: nav.responseEnd, transfer: nav.transferSize, resources };
"#;

impl<'d> Session<'d> {
    /// Opens a headless Chromium with a new profile under `profile` and applies `conditions`.
    pub async fn open(
        driver: &'d Driver,
        chromium: &Path,
        profile: PathBuf,
        conditions: &Conditions,
    ) -> Result<Session<'d>> {
        if profile.exists() {
            std::fs::remove_dir_all(&profile)
                .with_context(|| format!("removing the old profile {}", profile.display()))?;
        }
        std::fs::create_dir_all(&profile)
            .with_context(|| format!("creating the profile {}", profile.display()))?;
        let chrome = json!({
            "binary": chromium,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                // A phone's viewport.
                "--window-size=412,915",
                format!("--user-data-dir={}", profile.display()),
            ],
        });
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), chrome);
        let mut builder =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps);
        let client = tokio::time::timeout(SESSION_LIMIT, builder.connect(&driver.url))
            .await
            .with_context(|| format!("Chromium did not start within {SESSION_LIMIT:?}"))?
            .with_context(|| format!("starting a Chromium session ({})", chromium.display()))?;
        let id = client
            .session_id()
            .await
            .context("reading the session id")?
            .context("the new session has no id")?;
        let session = Session {
            driver,
            client,
            id,
            profile,
        };
        session
            .cdp(
                "Emulation.setCPUThrottlingRate",
                json!({ "rate": conditions.cpu_slowdown }),
            )
            .await?;
        if let Some(net) = conditions.network {
            session.cdp("Network.enable", json!({})).await?;
            session
                .cdp(
                    "Network.emulateNetworkConditions",
                    json!({
                        "offline": false,
                        "latency": net.latency_ms,
                        "downloadThroughput": net.down_bps / 8.0,
                        "uploadThroughput": net.up_bps / 8.0,
                    }),
                )
                .await?;
        }
        Ok(session)
    }

    /// A DevTools protocol command through ChromeDriver.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        let url = format!("{}/session/{}/goog/cdp/execute", self.driver.url, self.id);
        let resp = self
            .driver
            .http
            .post(&url)
            .json(&json!({ "cmd": cmd, "params": params }))
            .send()
            .await
            .with_context(|| format!("sending {cmd} to ChromeDriver"))?;
        let status = resp.status();
        let body: Value = resp
            .json()
            .await
            .with_context(|| format!("reading ChromeDriver's answer to {cmd}"))?;
        if !status.is_success() {
            bail!("{cmd} failed ({status}): {}", body["value"]);
        }
        Ok(body["value"].clone())
    }

    /// Opens `url` (PingOne's hand-off, which redirects to the page) and waits for `mark`.
    pub async fn load(&self, url: &str, mark: &str) -> Result<Load> {
        let started = Instant::now();
        tokio::time::timeout(LOAD_LIMIT, self.client.goto(url))
            .await
            .with_context(|| format!("opening {url} took over {LOAD_LIMIT:?}"))?
            .with_context(|| format!("opening {url}"))?;
        loop {
            let value = self
                .client
                .execute(READ_TIMING, vec![json!(mark)])
                .await
                .context("reading the page's performance entries")?;
            if !value.is_null() {
                return parse_load(&value);
            }
            if started.elapsed() > LOAD_LIMIT {
                let now = self.client.current_url().await.map(|u| u.to_string());
                bail!(
                    "the page never marked {mark:?} within {LOAD_LIMIT:?} (at {})",
                    now.unwrap_or_else(|e| format!("unknown: {e}"))
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Closes the window and removes the profile.
    pub async fn close(self) -> Result<()> {
        let closed = match tokio::time::timeout(SESSION_LIMIT, self.client.close()).await {
            Ok(closed) => closed.context("closing the session"),
            Err(_) => Err(anyhow::anyhow!(
                "the session did not close within {SESSION_LIMIT:?}"
            )),
        };
        // Chromium may still be writing to the profile for a moment after the session ends.
        for _ in 0..20 {
            if std::fs::remove_dir_all(&self.profile).is_ok() || !self.profile.exists() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        closed
    }
}

fn parse_load(v: &Value) -> Result<Load> {
    let num = |v: &Value, key: &str| -> Result<f64> {
        v[key]
            .as_f64()
            .with_context(|| format!("the performance entry has no number {key:?}: {v}"))
    };
    let bytes = |v: &Value, key: &str| v[key].as_f64().unwrap_or(0.0).max(0.0) as u64;
    let resources = v["resources"]
        .as_array()
        .context("no resource list")?
        .iter()
        .map(|r| {
            Ok(Resource {
                name: r["name"].as_str().unwrap_or_default().to_owned(),
                initiator: r["initiator"].as_str().unwrap_or_default().to_owned(),
                start_ms: num(r, "start")?,
                end_ms: num(r, "end")?,
                transfer: bytes(r, "transfer"),
                encoded: bytes(r, "encoded"),
                decoded: bytes(r, "decoded"),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let url = v["url"].as_str().unwrap_or_default();
    if !url.contains("flowId=") {
        bail!("the page that marked itself actionable was not PingOne's hand-off target: {url}");
    }
    Ok(Load {
        since_navigation_ms: num(v, "mark")?,
        fetch_start_ms: num(v, "fetchStart")?,
        document_end_ms: num(v, "responseEnd")?,
        requests: 1 + resources.len(),
        transfer_bytes: bytes(v, "transfer") + resources.iter().map(|r| r.transfer).sum::<u64>(),
        resources,
    })
}
