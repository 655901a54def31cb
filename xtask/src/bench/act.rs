//! Time to act: how long after PingOne's redirect the person can type or tap. Each run starts a
//! device authorization (as the TV would), opens PingOne's hand-off URL in a fresh headless
//! Chromium (the emulator sets the session cookie and redirects to the page with `flowId`), and
//! reads the page's `device:actionable` mark: once with a cold cache, then again in the same
//! window (warm cache) with a second device code.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::browser::{Conditions, Driver, Load, Session};

/// The page's mark (`device_page::app::ACTIONABLE_MARK`; xtask does not link the page crate).
pub const ACTIONABLE_MARK: &str = "device:actionable";

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
    driver: &Driver,
    chromium: &Path,
    profiles: &Path,
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
            let profile = profiles.join(format!("{}-{run}", s.conditions.name));
            match pair(driver, chromium, &profile, target, &s.conditions, &http).await {
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

/// One fresh window: a cold load, then a warm one.
async fn pair(
    driver: &Driver,
    chromium: &Path,
    profile: &Path,
    target: &Target<'_>,
    conditions: &Conditions,
    http: &reqwest::Client,
) -> Result<(Load, Load)> {
    let session = Session::open(driver, chromium, profile.to_path_buf(), conditions).await?;
    let loads = async {
        let cold = session
            .load(&hand_off(http, target).await?, ACTIONABLE_MARK)
            .await
            .context("cold load")?;
        let warm = session
            .load(&hand_off(http, target).await?, ACTIONABLE_MARK)
            .await
            .context("warm load")?;
        Ok::<_, anyhow::Error>((cold, warm))
    }
    .await;
    let closed = session.close().await;
    let loads = loads?;
    closed?;
    Ok(loads)
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
    let body: Value = resp
        .json()
        .await
        .with_context(|| format!("reading the answer of POST {url}"))?;
    if !status.is_success() {
        bail!("POST {url} answered {status}: {body}");
    }
    let code = body["user_code"]
        .as_str()
        .with_context(|| format!("no user_code in {body}"))?;
    Ok(format!(
        "{}/{}/device/{}?user_code={code}",
        target.api,
        target.env,
        emulator::DEMO_DEVICE_PATH_ID
    ))
}
