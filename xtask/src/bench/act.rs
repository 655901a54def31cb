//! Time to act: how long until the person can type or tap, on both ways to the page. The
//! redirect path starts a device authorization (as the TV would) and opens PingOne's hand-off
//! URL, which redirects to the page with `flowId` (time to act: the sign-on form usable); the
//! typed path opens `/device` as a person typing the address does (the code field usable). Each
//! run gives every build a fresh headless Chromium window of the browser kit: a cold load, then a
//! warm one in the same window. Each load reads the page's `device:actionable` mark and, for the breakdown,
//! the other marks its build sets and every resource up to the last of them.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use browser_kit::{Browser, Network, Page, Timings};
use serde::Deserialize;

pub use browser_kit::ResourceTiming as Resource;

/// The page's mark (`device_page::app::ACTIONABLE_MARK`; xtask does not link the page crate).
pub const ACTIONABLE_MARK: &str = "device:actionable";

/// The marks that explain the time before [`ACTIONABLE_MARK`], in the order a load sets them. A
/// build that does not set one leaves that part of the breakdown "not measured".
pub const PHASE_MARKS: [&str; 3] = [BOOT_MARK, WASM_MARK, MOUNTED_MARK];
/// `boot.js` started.
pub const BOOT_MARK: &str = "device:boot";
/// The WebAssembly instantiated.
pub const WASM_MARK: &str = "device:wasm";
/// The first screen mounted.
pub const MOUNTED_MARK: &str = "device:mounted";

/// How long one page load may take before the run counts as failed.
const LOAD_LIMIT: Duration = Duration::from_secs(60);

/// How long after the actionable mark the build's other marks may take: the typed path's field
/// can be usable well before the WebAssembly arrives on a slow phone.
const MARK_GRACE: Duration = Duration::from_secs(20);

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

/// The two ways a person reaches the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    /// The TV's link, PingOne's hand-off, the page with `flowId`: the sign-on form.
    Redirect,
    /// `/device` typed by hand: the code field.
    Typed,
}

impl Way {
    /// Both, in report order.
    pub const ALL: [Way; 2] = [Way::Redirect, Way::Typed];

    /// Short name for the report.
    pub fn name(self) -> &'static str {
        match self {
            Way::Redirect => "redirect",
            Way::Typed => "typed",
        }
    }

    /// What "actionable" means on this path.
    pub fn actionable(self) -> &'static str {
        match self {
            Way::Redirect => "the sign-on form usable",
            Way::Typed => "the code field usable",
        }
    }
}

/// One build of the page, served and ready to be loaded.
#[derive(Clone, Debug)]
pub struct Site {
    /// `baseline` or `new`.
    pub build: &'static str,
    /// `http://127.0.0.1:PORT` of PingOne's API for this build.
    pub api: String,
    /// `http://127.0.0.1:PORT` the page is served from.
    pub page: String,
    /// The environment id.
    pub env: String,
    /// The application's client id.
    pub client_id: String,
    /// Which of [`PHASE_MARKS`] the build sets (found in its files).
    pub marks: Vec<&'static str>,
}

/// What the page's Performance API said about one load.
#[derive(Clone, Debug)]
pub struct Load {
    /// The actionable mark's time since navigation start (PingOne's redirect included), ms.
    pub since_navigation_ms: f64,
    /// The page's own request start (after the redirect), ms since navigation start.
    pub fetch_start_ms: f64,
    /// The document's last byte, ms since navigation start.
    pub document_end_ms: f64,
    /// Requests until the actionable mark: the document and every resource started before it.
    pub requests: usize,
    /// Bytes over the wire until the actionable mark (headers included; cross-origin API calls
    /// report 0).
    pub transfer_bytes: u64,
    /// The resources started before the last mark read, in order.
    pub resources: Vec<Resource>,
    /// The [`PHASE_MARKS`] this load set, ms since navigation start.
    pub marks: BTreeMap<&'static str, f64>,
}

impl Load {
    /// From the page's own request to the first actionable screen, ms.
    pub fn to_act_ms(&self) -> f64 {
        self.since_navigation_ms - self.fetch_start_ms
    }

    /// `actionable`: the timings up to the actionable mark; `last`: up to the latest mark read
    /// (its resources explain the rest of the load).
    fn new(
        way: Way,
        actionable: Timings,
        last: Timings,
        marks: BTreeMap<&'static str, f64>,
    ) -> Result<Load> {
        let redirected = actionable.url.contains("flowId=");
        if redirected != (way == Way::Redirect) {
            bail!(
                "the {} path's load marked itself actionable at an unexpected address: {}",
                way.name(),
                actionable.url
            );
        }
        Ok(Load {
            since_navigation_ms: actionable.mark_ms,
            fetch_start_ms: actionable.fetch_start_ms,
            document_end_ms: actionable.response_end_ms,
            requests: 1 + actionable.resources.len(),
            transfer_bytes: actionable.transfer
                + actionable.resources.iter().map(|r| r.transfer).sum::<u64>(),
            resources: last.resources,
            marks,
        })
    }
}

/// The loads of one build on one path under one set of conditions.
pub struct Series {
    /// Which build ([`Site::build`]).
    pub build: &'static str,
    /// Which way in.
    pub way: Way,
    /// The CPU and network profile.
    pub conditions: Conditions,
    /// First load in a fresh profile.
    pub cold: Vec<Load>,
    /// Second load in the same window.
    pub warm: Vec<Load>,
    /// Runs that failed, and why.
    pub failures: Vec<String>,
}

/// Runs `runs` cold+warm pairs of every site on both paths under each of `conditions`. Each
/// run gives every site its own fresh window and alternates the loads between them (cold
/// baseline, cold new, warm baseline, warm new), and the conditions and paths interleave, so
/// background load on the machine falls evenly on every series and a ratio between builds
/// compares loads taken moments apart.
pub async fn measure(
    browser: &Browser,
    sites: &[Site],
    conditions: &[Conditions],
    runs: usize,
) -> Result<Vec<Series>> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .context("building the HTTP client")?;
    let mut series: Vec<Series> = Vec::new();
    for c in conditions {
        for way in Way::ALL {
            for site in sites {
                series.push(Series {
                    build: site.build,
                    way,
                    conditions: c.clone(),
                    cold: Vec::new(),
                    warm: Vec::new(),
                    failures: Vec::new(),
                });
            }
        }
    }
    // A few failures on a busy machine are reported; more mean something is broken.
    let tolerated = (runs / 5).max(2);
    let started = Instant::now();
    for run in 1..=runs {
        for c in conditions {
            for way in Way::ALL {
                let results = side_by_side(browser, run, sites, way, c, &http).await;
                for (site, result) in sites.iter().zip(results) {
                    let Some(s) = series.iter_mut().find(|s| {
                        s.build == site.build && s.way == way && s.conditions.name == c.name
                    }) else {
                        continue;
                    };
                    let label = format!("{} {} {}", c.name, way.name(), site.build);
                    match result {
                        Ok((cold, warm)) => {
                            println!(
                                "  {label:<28} run {run:>2}/{runs}: cold {:>6.0} ms, warm {:>6.0} ms, {} requests",
                                cold.to_act_ms(),
                                warm.to_act_ms(),
                                cold.requests
                            );
                            s.cold.push(cold);
                            s.warm.push(warm);
                        }
                        Err(error) => {
                            println!("  {label:<28} run {run:>2}/{runs}: failed: {error:#}");
                            s.failures.push(format!("{error:#}"));
                            if s.failures.len() > tolerated {
                                bail!(
                                    "{} of the {label} runs failed; the last: {error:#}",
                                    s.failures.len()
                                );
                            }
                        }
                    }
                }
            }
        }
        println!(
            "  -- run {run}/{runs} done after {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(series)
}

/// One site's window in a run, and what it measured.
struct Window {
    page: Option<Page>,
    cold: Option<Load>,
    warm: Option<Load>,
    error: Option<anyhow::Error>,
}

impl Window {
    /// The window's page while nothing has failed in it.
    fn usable(&self) -> Option<&Page> {
        self.page.as_ref().filter(|_| self.error.is_none())
    }
}

/// A fresh window per site under `conditions`, then the cold loads one site after the other,
/// then the warm ones; `(cold, warm)` per site, in `sites`' order.
async fn side_by_side(
    browser: &Browser,
    run: usize,
    sites: &[Site],
    way: Way,
    conditions: &Conditions,
    http: &reqwest::Client,
) -> Vec<Result<(Load, Load)>> {
    // Opened at once: launching Chromium is the slow part of a run, and nothing is timed then.
    let opening: Vec<_> = sites
        .iter()
        .map(|site| {
            let browser = browser.clone();
            let name = format!(
                "bench-{}-{}-{}-{run}",
                conditions.name,
                way.name(),
                site.build
            );
            tokio::spawn(async move { browser.open(&name, PHONE).await })
        })
        .collect();
    let mut windows = Vec::with_capacity(sites.len());
    for task in opening {
        let (page, error) = match task.await {
            Ok(Ok(page)) => (Some(page), None),
            Ok(Err(e)) => (None, Some(anyhow::Error::from(e))),
            Err(e) => (
                None,
                Some(anyhow::Error::from(e).context("opening a window")),
            ),
        };
        windows.push(Window {
            page,
            cold: None,
            warm: None,
            error,
        });
    }
    for w in &mut windows {
        if let Some(page) = w.usable() {
            w.error = emulate(page, conditions).await.err();
        }
    }
    for (w, site) in windows.iter_mut().zip(sites) {
        if let Some(page) = w.usable() {
            match load(page, site, way, http).await {
                Ok(l) => w.cold = Some(l),
                Err(e) => w.error = Some(e.context("cold load")),
            }
        }
    }
    for (w, site) in windows.iter_mut().zip(sites) {
        if let Some(page) = w.usable() {
            match load(page, site, way, http).await {
                Ok(l) => w.warm = Some(l),
                Err(e) => w.error = Some(e.context("warm load")),
            }
        }
    }
    let closing: Vec<_> = windows
        .iter_mut()
        .map(|w| {
            let page = w.page.take();
            tokio::spawn(async move {
                match page {
                    Some(page) => page.close().await.map_err(anyhow::Error::from),
                    None => Ok(()),
                }
            })
        })
        .collect();
    let mut results = Vec::with_capacity(windows.len());
    for (w, task) in windows.into_iter().zip(closing) {
        let closed = match task.await {
            Ok(closed) => closed,
            Err(e) => Err(anyhow::Error::from(e).context("closing a window")),
        };
        results.push(match (w.error, w.cold, w.warm) {
            (Some(e), _, _) => Err(e),
            (None, Some(cold), Some(warm)) => closed.map(|()| (cold, warm)),
            (None, _, _) => Err(anyhow::anyhow!("the window measured nothing")),
        });
    }
    results
}

/// Slows the window down to `conditions`.
async fn emulate(page: &Page, conditions: &Conditions) -> Result<()> {
    page.throttle_cpu(conditions.cpu_slowdown).await?;
    if let Some(network) = conditions.network {
        page.emulate_network(network).await?;
    }
    Ok(())
}

/// Opens the page the way `way` says and waits for its marks.
async fn load(page: &Page, site: &Site, way: Way, http: &reqwest::Client) -> Result<Load> {
    let url = match way {
        Way::Redirect => hand_off(http, site).await?,
        Way::Typed => {
            // A new navigation, not the same-address reload a second open would be.
            page.open("about:blank").await?;
            format!("{}/device", site.page)
        }
    };
    page.open(&url).await?;
    let actionable = page
        .wait(
            &format!("the page's mark {ACTIONABLE_MARK}"),
            LOAD_LIMIT,
            || page.timings(ACTIONABLE_MARK),
        )
        .await?;
    let deadline = Instant::now() + MARK_GRACE;
    let mut marks = BTreeMap::new();
    let mut last: Option<Timings> = None;
    for &mark in &site.marks {
        let left = deadline.saturating_duration_since(Instant::now());
        let timings = match page
            .wait(&format!("the page's mark {mark}"), left, || {
                page.timings(mark)
            })
            .await
        {
            Ok(timings) => timings,
            // The build carries the mark but this load did not set it: not measured.
            Err(browser_kit::Error::Timeout(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        marks.insert(mark, timings.mark_ms);
        if last.as_ref().is_none_or(|l| timings.mark_ms > l.mark_ms) {
            last = Some(timings);
        }
    }
    let last = match last {
        Some(l) if l.mark_ms > actionable.mark_ms => l,
        _ => actionable.clone(),
    };
    Load::new(way, actionable, last, marks)
}

/// The device authorization answer, as far as the bench needs it.
#[derive(Deserialize)]
struct Codes {
    user_code: String,
}

/// Starts a device authorization as the TV would and returns PingOne's hand-off URL for its code.
async fn hand_off(http: &reqwest::Client, site: &Site) -> Result<String> {
    let url = format!("{}/{}/as/device_authorization", site.api, site.env);
    let resp = http
        .post(&url)
        .form(&[
            ("client_id", site.client_id.as_str()),
            ("scope", "openid profile"),
        ])
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
        site.api,
        site.env,
        emulator::DEMO_DEVICE_PATH_ID,
        codes.user_code
    ))
}
