//! Time to act: how long after PingOne's redirect the person can type or tap. Each run starts a
//! device authorization (as the TV would), opens PingOne's hand-off URL in a fresh headless
//! Chromium window of the browser kit (the emulator sets the session cookie and redirects to the
//! page with `flowId`), and reads the page's `device:actionable` mark: once with a cold cache,
//! then again in the same window (warm cache) with a second device code.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use browser_kit::{Browser, Network, Page, Timings};
use serde::Deserialize;

pub use browser_kit::ResourceTiming as Resource;

/// The page's mark (`device_page::app::ACTIONABLE_MARK`; xtask does not link the page crate).
pub const ACTIONABLE_MARK: &str = "device:actionable";

/// How long one page load may take before the run counts as failed.
const LOAD_LIMIT: Duration = Duration::from_secs(60);

/// A phone's viewport.
const PHONE: (u32, u32) = (412, 915);

/// A CPU and network profile applied through the DevTools protocol before the first load.
#[derive(Clone, Debug)]
pub struct Conditions {
    /// Short name for the report.
    pub name: &'static str,
    /// Human description for the report.
    pub description: &'static str,
    /// CPU slowdown (1 = none).
    pub cpu_slowdown: f64,
    /// Network emulation, if any.
    pub network: Option<Network>,
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

    fn from_timings(t: Timings) -> Result<Load> {
        if !t.url.contains("flowId=") {
            bail!(
                "the page that marked itself actionable was not PingOne's hand-off target: {}",
                t.url
            );
        }
        Ok(Load {
            since_navigation_ms: t.mark_ms,
            fetch_start_ms: t.fetch_start_ms,
            document_end_ms: t.response_end_ms,
            requests: 1 + t.resources.len(),
            transfer_bytes: t.transfer + t.resources.iter().map(|r| r.transfer).sum::<u64>(),
            resources: t.resources,
        })
    }
}

/// The loads measured under one set of conditions.
pub struct Series {
    /// The CPU and network profile.
    pub conditions: Conditions,
    /// First load in a fresh profile.
    pub cold: Vec<Load>,
    /// Second load in the same window.
    pub warm: Vec<Load>,
    /// Runs that failed, and why.
    pub failures: Vec<String>,
}

/// Where the emulator listens.
pub struct Target<'a> {
    /// `http://127.0.0.1:PORT` of the API listener.
    pub api: &'a str,
    /// The environment id.
    pub env: &'a str,
    /// The application's client id.
    pub client_id: &'a str,
}

/// Runs `runs` cold+warm pairs under each of `conditions`, interleaved so background load on the
/// machine spreads evenly over the series.
pub async fn measure(
    browser: &Browser,
    target: &Target<'_>,
    conditions: &[Conditions],
    runs: usize,
) -> Result<Vec<Series>> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .context("building the HTTP client")?;
    let mut series: Vec<Series> = conditions
        .iter()
        .map(|c| Series {
            conditions: c.clone(),
            cold: Vec::new(),
            warm: Vec::new(),
            failures: Vec::new(),
        })
        .collect();
    // A few failures on a busy machine are reported; more mean something is broken.
    let tolerated = (runs / 5).max(2);
    for run in 1..=runs {
        for s in series.iter_mut() {
            let window = format!("bench-{}-{run}", s.conditions.name);
            match pair(browser, &window, target, &s.conditions, &http).await {
                Ok((cold, warm)) => {
                    println!(
                        "  {:<10} run {run:>2}/{runs}: cold {:>6.0} ms, warm {:>6.0} ms, {} requests",
                        s.conditions.name,
                        cold.to_act_ms(),
                        warm.to_act_ms(),
                        cold.requests
                    );
                    s.cold.push(cold);
                    s.warm.push(warm);
                }
                Err(error) => {
                    println!(
                        "  {:<10} run {run:>2}/{runs}: failed: {error:#}",
                        s.conditions.name
                    );
                    s.failures.push(format!("{error:#}"));
                    if s.failures.len() > tolerated {
                        bail!(
                            "{} of the {} runs failed; the last: {error:#}",
                            s.failures.len(),
                            s.conditions.name
                        );
                    }
                }
            }
        }
    }
    Ok(series)
}

/// One fresh window under `conditions`: a cold load, then a warm one.
async fn pair(
    browser: &Browser,
    window: &str,
    target: &Target<'_>,
    conditions: &Conditions,
    http: &reqwest::Client,
) -> Result<(Load, Load)> {
    let page = browser.open(window, PHONE).await?;
    let loads = async {
        page.throttle_cpu(conditions.cpu_slowdown).await?;
        if let Some(network) = conditions.network {
            page.emulate_network(network).await?;
        }
        let cold = load(&page, &hand_off(http, target).await?)
            .await
            .context("cold load")?;
        let warm = load(&page, &hand_off(http, target).await?)
            .await
            .context("warm load")?;
        Ok::<_, anyhow::Error>((cold, warm))
    }
    .await;
    let closed = page.close().await;
    let loads = loads?;
    closed?;
    Ok(loads)
}

/// Opens `url` (PingOne's hand-off, which redirects to the page) and waits for the page's mark.
async fn load(page: &Page, url: &str) -> Result<Load> {
    page.open(url).await?;
    let timings = page
        .wait(
            &format!("the page's mark {ACTIONABLE_MARK}"),
            LOAD_LIMIT,
            || page.timings(ACTIONABLE_MARK),
        )
        .await?;
    Load::from_timings(timings)
}

/// The device authorization answer, as far as the bench needs it.
#[derive(Deserialize)]
struct Codes {
    user_code: String,
}

/// Starts a device authorization as the TV would and returns PingOne's hand-off URL for its code.
async fn hand_off(http: &reqwest::Client, target: &Target<'_>) -> Result<String> {
    let url = format!("{}/{}/as/device_authorization", target.api, target.env);
    let resp = http
        .post(&url)
        .form(&[("client_id", target.client_id), ("scope", "openid profile")])
        .send()
        .await
        .with_context(|| format!("POST {url}"))?;
    let status = resp.status();
    let body = resp
        .text()
        .await
        .with_context(|| format!("reading the answer of POST {url}"))?;
    if !status.is_success() {
        bail!("POST {url} answered {status}: {body}");
    }
    let codes: Codes =
        serde_json::from_str(&body).with_context(|| format!("POST {url} answered {body}"))?;
    Ok(format!(
        "{}/{}/device/{}?user_code={}",
        target.api,
        target.env,
        emulator::DEMO_DEVICE_PATH_ID,
        codes.user_code
    ))
}
