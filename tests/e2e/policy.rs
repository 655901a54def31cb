//! The policy check every test ends with: a page that breaks the shipped policy (an inline
//! script) is served by the emulator's page listener under the policy, the browser refuses the
//! script, and finishing the test fails naming the refusal; on its own and inside a frame of a
//! portal of another site.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::harness::{self, PHONE, Test};

/// An inline script the policy must refuse: had it run, the heading would say so.
const INLINE_SCRIPT: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Inline script</title></head>
<body><h1 id="said">The script did not run</h1>
<script>document.getElementById('said').textContent = 'The script ran';</script>
</body></html>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inline_script_is_refused_and_the_test_fails() -> Result<()> {
    let t = Test::start_serving(
        "policy-inline-script",
        harness::config(),
        PHONE,
        &breaking_page("alone")?,
    )
    .await?;
    t.page.open(&t.pingone.page_url("/device")).await?;
    t.page.expect_heading("The script did not run").await?;
    expect_refusal_reported(t).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inline_script_in_a_portals_frame_is_refused_and_the_test_fails() -> Result<()> {
    let mut config = harness::config();
    config.demo_portal = Some(emulator::DemoPortal::default());
    let t = Test::start_serving(
        "policy-inline-script-in-frame",
        config,
        PHONE,
        &breaking_page("framed")?,
    )
    .await?;
    t.page.open(&t.pingone.portal_url()?).await?;
    t.page.expect_text("Example customer portal").await?;
    t.page.enter_frame(0).await?;
    t.page.expect_heading("The script did not run").await?;
    expect_refusal_reported(t).await
}

/// A built "page" whose index.html is [`INLINE_SCRIPT`].
fn breaking_page(name: &str) -> Result<PathBuf> {
    let dist = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("e2e-policy")
        .join(name);
    std::fs::create_dir_all(&dist).with_context(|| format!("creating {}", dist.display()))?;
    std::fs::write(dist.join("index.html"), INLINE_SCRIPT).context("writing index.html")?;
    // The portal frames it with the page's own embed.js.
    std::fs::copy(
        harness::root().join("public/embed.js"),
        dist.join("embed.js"),
    )
    .context("copying embed.js")?;
    Ok(dist)
}

async fn expect_refusal_reported(t: Test) -> Result<()> {
    let Err(refused) = t.finish().await else {
        bail!("the test finished cleanly although the page's inline script broke the policy");
    };
    let report = format!("{refused:#}");
    assert!(
        report.contains("inline script") && report.contains("script-src"),
        "{report}"
    );
    Ok(())
}
