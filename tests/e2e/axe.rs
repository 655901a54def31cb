//! Accessibility checks with axe-core (the npm package's `axe.min.js`, injected into the page).

use std::sync::OnceLock;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

use crate::browser::Page;

static AXE: OnceLock<Result<String, String>> = OnceLock::new();

fn source() -> Result<&'static str> {
    AXE.get_or_init(|| {
        let path = crate::harness::axe_js();
        std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "axe-core is missing ({}: {e}). Run `cargo xtask setup`, or \
                 `npm install --no-audit --no-fund --prefix .tools/axe axe-core@4`, or set AXE_CORE_JS.",
                path.display()
            )
        })
    })
    .as_deref()
    .map_err(|e| anyhow!("{e}"))
}

const RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] })
  .then(r => done(JSON.stringify(r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({ target: n.target.join(' '), html: n.html, why: n.failureSummary })),
  })))))
  .catch(e => done('axe failed: ' + e));
"#;

/// Runs axe-core on the current document (or the frame entered) and fails, listing every
/// violation, unless there are none.
pub async fn expect_accessible(page: &Page, screen: &str) -> Result<()> {
    let loaded = page
        .js("return typeof window.axe === 'object';", vec![])
        .await?;
    if loaded != Value::Bool(true) {
        page.js(source()?, vec![])
            .await
            .context("injecting axe-core")?;
    }
    let result = page
        .client()
        .execute_async(RUN, vec![])
        .await
        .context("running axe-core")?;
    let text = result.as_str().context("axe-core returned no result")?;
    let violations: Value = serde_json::from_str(text).with_context(|| text.to_owned())?;
    let violations = violations.as_array().cloned().unwrap_or_default();
    if violations.is_empty() {
        return Ok(());
    }
    let mut report = format!(
        "axe-core found {} violation(s) on “{screen}”:",
        violations.len()
    );
    for v in &violations {
        report.push_str(&format!(
            "\n- {} ({}): {}",
            v["id"].as_str().unwrap_or("?"),
            v["impact"].as_str().unwrap_or("?"),
            v["help"].as_str().unwrap_or("?")
        ));
        for n in v["nodes"].as_array().into_iter().flatten() {
            report.push_str(&format!(
                "\n    at {}: {}\n      {}",
                n["target"].as_str().unwrap_or("?"),
                n["html"].as_str().unwrap_or("?"),
                n["why"].as_str().unwrap_or("").replace('\n', " ")
            ));
        }
    }
    let shot = page.screenshot("AXE-FAILED").await.unwrap_or_default();
    bail!("{report}\n  screenshot: {shot}")
}
