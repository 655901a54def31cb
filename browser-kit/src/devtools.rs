//! What WebDriver does not cover but Chromium's DevTools protocol does, sent through
//! ChromeDriver's `goog/cdp/execute` on the window's own session: a slow phone's CPU and
//! network, and scripts installed in every document before its own scripts run. Also the
//! page's Performance API entries, read back after a load, for the bench's time to act.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{Doing, Error, Result};
use crate::page::Page;

/// A command on the window's session that fantoccini has no method for.
#[derive(Debug)]
pub(crate) struct SessionCommand {
    /// After `session/{id}/`.
    pub path: &'static str,
    pub body: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/{}", self.path))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// Network emulation values, as DevTools takes them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Network {
    /// Added round-trip latency, ms.
    pub latency_ms: f64,
    /// Download throughput, bits per second.
    pub down_bps: f64,
    /// Upload throughput, bits per second.
    pub up_bps: f64,
}

/// What the page's Performance API says about the load that led to a mark.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Timings {
    /// The document's address (after any redirect).
    pub url: String,
    /// The mark's time since navigation start (redirects included), ms.
    pub mark_ms: f64,
    /// The document's own request start (after the redirects), ms since navigation start.
    pub fetch_start_ms: f64,
    /// The document's last byte, ms since navigation start.
    pub response_end_ms: f64,
    /// The document's bytes over the wire, headers included.
    pub transfer: u64,
    /// The resources started before the mark, in order.
    pub resources: Vec<ResourceTiming>,
}

/// One resource the page loaded.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceTiming {
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
/// Sizes are whole bytes, never negative.
const READ_TIMINGS: &str = r#"
const mark = performance.getEntriesByName(arguments[0])[0];
if (!mark) { return null; }
const nav = performance.getEntriesByType('navigation')[0];
const bytes = n => Math.max(0, Math.round(n || 0));
const resources = performance.getEntriesByType('resource')
  .filter(r => r.startTime <= mark.startTime)
  .map(r => ({ name: r.name.split('?')[0], initiator: r.initiatorType, startMs: r.startTime,
               endMs: r.responseEnd, transfer: bytes(r.transferSize),
               encoded: bytes(r.encodedBodySize), decoded: bytes(r.decodedBodySize) }));
return { url: nav.name, markMs: mark.startTime, fetchStartMs: nav.fetchStart,
         responseEndMs: nav.responseEnd, transfer: bytes(nav.transferSize), resources };
"#;

impl Page {
    /// Sends a DevTools protocol command to this window and returns its result.
    pub async fn devtools(&self, method: &str, params: Value) -> Result<Value> {
        self.client
            .issue_cmd(SessionCommand {
                path: "goog/cdp/execute",
                body: json!({ "cmd": method, "params": params }),
            })
            .await
            .doing(|| format!("the DevTools command {method}"))
    }

    /// Slows the CPU down `rate` times (1 = full speed), as on a cheaper phone.
    pub async fn throttle_cpu(&self, rate: f64) -> Result<()> {
        self.devtools("Emulation.setCPUThrottlingRate", json!({ "rate": rate }))
            .await
            .map(drop)
    }

    /// Makes every request of this window go over `network`.
    pub async fn emulate_network(&self, network: Network) -> Result<()> {
        self.devtools("Network.enable", json!({})).await?;
        self.devtools(
            "Network.emulateNetworkConditions",
            json!({
                "offline": false,
                "latency": network.latency_ms,
                "downloadThroughput": network.down_bps / 8.0,
                "uploadThroughput": network.up_bps / 8.0,
            }),
        )
        .await
        .map(drop)
    }

    /// Runs `script` in every document this window loads from now on (frames included),
    /// before the document's own scripts.
    pub async fn run_in_every_document(&self, script: &str) -> Result<()> {
        self.devtools(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": script }),
        )
        .await
        .map(drop)
    }

    /// The Performance API's entries up to the mark `mark`, once the page has set it.
    pub async fn timings(&self, mark: &str) -> Result<Option<Timings>> {
        let v = self.js(READ_TIMINGS, vec![json!(mark)]).await?;
        if v.is_null() {
            return Ok(None);
        }
        serde_json::from_value(v.clone())
            .map(Some)
            .map_err(|e| Error::Answer {
                doing: format!("reading the performance entries up to {mark} ({e})"),
                answer: v.to_string(),
            })
    }
}
