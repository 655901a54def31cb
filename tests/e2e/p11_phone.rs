//! Path 11: on a small phone (360×640) and a common one (390×844) every screen of the flow fits
//! the width (no sideways scrolling, nothing cut off) and every target is at least 44×44 px.

use anyhow::{Result, bail};
use serde_json::{Value, json};

use crate::browser::Page;
use crate::harness::{Test, config};
use crate::{PASSWORD, USERNAME};

const LAYOUT: &str = r#"
const vw = window.innerWidth, vh = window.innerHeight;
const problems = [];
const doc = document.documentElement;
if (doc.scrollWidth > vw) problems.push(`the page is ${doc.scrollWidth}px wide in a ${vw}px viewport`);
for (const e of document.body.querySelectorAll('*')) {
  const r = e.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  const name = `${e.tagName.toLowerCase()} “${(e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 40)}”`;
  if (r.left < -0.5 || r.right > vw + 0.5) problems.push(`${name} spans ${Math.round(r.left)}..${Math.round(r.right)}px, outside the ${vw}px viewport`);
  const target = e.matches('a[href], button, input:not([type=hidden]), select, textarea, [role=button], [tabindex]:not([tabindex="-1"])');
  if (target && (r.width < 44 || r.height < 44)) problems.push(`${name} is a ${Math.round(r.width)}×${Math.round(r.height)}px target (under 44×44)`);
}
return { problems, height: doc.scrollHeight, vh };
"#;

/// Checks the screen on show fits and has big enough targets; takes its screenshot.
async fn check(page: &Page, step: &str) -> Result<()> {
    page.screenshot(step).await?;
    let v = page.js(LAYOUT, vec![]).await?;
    let problems: Vec<&str> = v["problems"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if !problems.is_empty() {
        bail!(
            "“{step}” does not fit the phone:\n- {}",
            problems.join("\n- ")
        );
    }
    Ok(())
}

async fn whole_flow_fits(name: &str, size: (u32, u32)) -> Result<()> {
    let t = Test::start_with(name, config(), size).await?;
    let (page, pingone) = (&t.page, &t.pingone);
    assert_eq!(page.viewport().await?, (size.0 as i64, size.1 as i64));

    // By link, new user, allowed.
    let tv = pingone.tv().await?;
    page.open(&tv.verification_uri_complete).await?;
    page.expect_heading("Sign on").await?;
    check(page, "sign-on").await?;
    page.fill("Username", USERNAME).await?;
    page.fill("Password", "not-the-password").await?;
    page.click("Sign on").await?;
    page.expect_alert("Wrong username or password.").await?;
    check(page, "sign-on-wrong-password").await?;
    page.fill("Password", PASSWORD).await?;
    page.click("Sign on").await?;
    page.expect_heading("Is this the code on your device?")
        .await?;
    check(page, "confirm-code").await?;
    page.click("Yes, it matches").await?;
    page.expect_heading("Allow this device?").await?;
    check(page, "consent").await?;
    page.click("Allow").await?;
    page.expect_heading("Your device is connected").await?;
    check(page, "connected").await?;

    // By typing, refused.
    let second = pingone.tv().await?;
    page.click("Connect another device").await?;
    page.expect_heading("Enter the code from your device")
        .await?;
    page.fill("Code shown on your device", "abc").await?;
    page.click("Continue").await?;
    page.expect_alert("That's 3 letters and numbers; the code has 8.")
        .await?;
    check(page, "enter-code-too-short").await?;
    page.fill("Code shown on your device", &second.user_code)
        .await?;
    page.click("Continue").await?;
    page.expect_heading("Enter the code from your device")
        .await?;
    check(page, "enter-code").await?;
    page.click("Continue").await?;
    page.expect_heading("Allow this device?").await?;
    page.click("Deny").await?;
    page.expect_heading("Device not connected").await?;
    check(page, "refused").await?;

    // The screen with the longest unbroken text: a configuration problem's detail.
    pingone
        .fault("config", 1, json!({"kind": "malformed_json"}))
        .await?;
    page.open(&pingone.page_url("/device")).await?;
    page.expect_heading("This page is not set up correctly")
        .await?;
    check(page, "config-problem").await?;

    tv.expect_token_for(&pingone.user_id()).await?;
    second.expect_error("access_denied").await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_fits_a_360_by_640_phone() -> Result<()> {
    whole_flow_fits("p11-phone-360x640", (360, 640)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_fits_a_390_by_844_phone() -> Result<()> {
    whole_flow_fits("p11-phone-390x844", (390, 844)).await
}
