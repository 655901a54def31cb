//! What the browser says that a person does not see: its console (errors, warnings, the
//! page's own logs, and Chromium's note on every Content-Security-Policy refusal) and the
//! `securitypolicyviolation` events themselves, so a test can fail on a refused script or style
//! instead of on its consequence.

use serde::Deserialize;
use serde_json::json;

use crate::devtools::SessionCommand;
use crate::error::{Doing, Error, Result};
use crate::page::Page;

/// One console message, as ChromeDriver's browser log keeps it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ConsoleEntry {
    /// `SEVERE` (errors), `WARNING`, `INFO` or `DEBUG`.
    pub level: String,
    /// The text, prefixed with where it came from.
    pub message: String,
    /// `console-api` for the page's own calls, `security` for policy refusals, `network`, …
    #[serde(default)]
    pub source: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub timestamp: f64,
}

/// One Content-Security-Policy violation in the current document.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CspViolation {
    /// The directive that refused (`script-src-elem`, `img-src`, …).
    pub directive: String,
    /// What it refused: a URL, `inline` or `eval`.
    pub blocked: String,
    /// `enforce`, or `report` for a report-only policy.
    pub disposition: String,
    /// The document it happened in.
    pub document: String,
    /// The first characters of a refused inline script or style.
    #[serde(default)]
    pub sample: String,
}

/// Keeps every violation of the document in a list the kit reads back.
const WATCH_CSP: &str = r#"
(() => {
  if (window.__browserKitCsp) { return; }
  window.__browserKitCsp = [];
  document.addEventListener('securitypolicyviolation', e => {
    window.__browserKitCsp.push({
      directive: e.effectiveDirective || e.violatedDirective,
      blocked: e.blockedURI || '',
      disposition: e.disposition || '',
      document: e.documentURI || '',
      sample: e.sample || '',
    });
  });
})();
"#;

impl Page {
    /// The console messages since the last call (ChromeDriver hands each one out once), across
    /// every document and frame the window showed.
    pub async fn console_log(&self) -> Result<Vec<ConsoleEntry>> {
        let v = self
            .client
            .issue_cmd(SessionCommand {
                path: "se/log",
                body: json!({ "type": "browser" }),
            })
            .await
            .doing(|| "reading the browser's console".to_owned())?;
        serde_json::from_value(v.clone()).map_err(|e| Error::Answer {
            doing: format!("reading the browser's console ({e})"),
            answer: v.to_string(),
        })
    }

    /// From now on, records the Content-Security-Policy violations of every document this
    /// window loads (and of the one on show) for [`Page::csp_violations`].
    pub async fn watch_csp_violations(&self) -> Result<()> {
        self.run_in_every_document(WATCH_CSP).await?;
        self.js(WATCH_CSP, vec![]).await.map(drop)
    }

    /// The violations recorded in the document (or frame) on show since it loaded; fails if
    /// [`Page::watch_csp_violations`] was not called before it loaded.
    pub async fn csp_violations(&self) -> Result<Vec<CspViolation>> {
        let v = self
            .js("return window.__browserKitCsp || null;", vec![])
            .await?;
        if v.is_null() {
            return Err(Error::Unexpected(format!(
                "this document is not watched for policy violations (watch_csp_violations before \
                 it loads): {}",
                self.url().await.unwrap_or_default()
            )));
        }
        serde_json::from_value(v.clone()).map_err(|e| Error::Answer {
            doing: format!("reading the policy violations ({e})"),
            answer: v.to_string(),
        })
    }
}
