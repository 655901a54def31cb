//! Accessibility checks with axe-core (the npm package's `axe.min.js`, injected into the
//! document on show), run on every screen a path passes through.

use std::fmt::Write as _;
use std::sync::OnceLock;

use anyhow::{Context, Result, anyhow, bail};
use browser_kit::Page;
use serde::Deserialize;
use serde_json::Value;

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
  .then(r => done(r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({ target: n.target.join(' '), html: n.html, why: n.failureSummary })),
  }))))
  .catch(e => done('axe failed: ' + e));
"#;

/// A rule the screen breaks, and where.
#[derive(Deserialize)]
struct Violation {
    id: String,
    impact: Option<String>,
    help: String,
    nodes: Vec<Spot>,
}

#[derive(Deserialize)]
struct Spot {
    target: String,
    html: String,
    why: Option<String>,
}

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
    let answer = page
        .js_async(RUN, vec![])
        .await
        .context("running axe-core")?;
    let violations: Vec<Violation> = serde_json::from_value(answer.clone())
        .with_context(|| format!("axe-core said {answer}"))?;
    if violations.is_empty() {
        return Ok(());
    }
    let mut report = format!(
        "axe-core found {} violation(s) on “{screen}”:",
        violations.len()
    );
    for v in &violations {
        let impact = v.impact.as_deref().unwrap_or("?");
        let _ = write!(report, "\n- {} ({impact}): {}", v.id, v.help);
        for n in &v.nodes {
            let why = n.why.as_deref().unwrap_or_default().replace('\n', " ");
            let _ = write!(report, "\n    at {}: {}\n      {why}", n.target, n.html);
        }
    }
    bail!("{report}")
}
