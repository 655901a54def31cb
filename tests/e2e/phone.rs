//! Phone: on a small phone (360×640) and a common one (390×844) every screen of the flow fits
//! the width (no sideways scrolling, nothing cut off) and every target is at least 44×44 px.

use anyhow::{Result, bail};
use emulator::hooks::{Fault, Route};
use serde::Deserialize;

use crate::harness::{Test, config};
use crate::steps::{CODE_FIELD, PASSWORD, USERNAME};

const LAYOUT: &str = r#"
const vw = window.innerWidth;
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
return { problems };
"#;

#[derive(Deserialize)]
struct Layout {
    problems: Vec<String>,
}

impl Test {
    /// The screen on show fits the phone and has big enough targets (and is kept and audited).
    pub(crate) async fn fits(&self, step: &str) -> Result<()> {
        self.screen(step).await?;
        let layout: Layout = serde_json::from_value(self.page.js(LAYOUT, vec![]).await?)?;
        if !layout.problems.is_empty() {
            bail!(
                "“{step}” does not fit the phone:\n- {}",
                layout.problems.join("\n- ")
            );
        }
        Ok(())
    }
}

async fn whole_flow_fits(name: &str, size: (u32, u32)) -> Result<()> {
    let t = Test::start_with(name, config(), size).await?;
    assert_eq!(
        t.page.viewport().await?,
        (i64::from(size.0), i64::from(size.1))
    );

    // By link, new user, allowed.
    let tv = t.pingone.tv().await?;
    t.page.open(&tv.verification_uri_complete).await?;
    t.page.expect_heading("Sign on").await?;
    t.fits("sign-on").await?;
    t.page.fill("Username", USERNAME).await?;
    t.page.fill("Password", "not-the-password").await?;
    t.page.click("Sign on").await?;
    t.page.expect_alert("Wrong username or password.").await?;
    t.fits("sign-on-wrong-password").await?;
    t.page.fill("Password", PASSWORD).await?;
    t.page.click("Sign on").await?;
    t.page
        .expect_heading("Is this the code on your device?")
        .await?;
    t.fits("confirm-code").await?;
    t.confirm(&tv).await?;
    t.page.expect_heading("Allow this device?").await?;
    t.fits("consent").await?;
    t.allow(&tv).await?;
    t.fits("connected").await?;

    // By typing, refused.
    let second = t.pingone.tv().await?;
    t.page.click("Connect another device").await?;
    t.enter_code("abc").await?;
    t.page
        .expect_alert("That's 3 letters and numbers; the code has 8.")
        .await?;
    t.fits("enter-code-too-short").await?;
    t.enter_code(&second.user_code).await?;
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    assert_eq!(t.page.value_of(CODE_FIELD).await?, second.user_code);
    t.fits("enter-code").await?;
    t.page.click("Continue").await?;
    t.deny(&second).await?;
    t.fits("refused").await?;

    // The screen with the longest unbroken text: a configuration problem's detail.
    t.pingone.fault(Route::Config, 1, Fault::MalformedJson)?;
    t.page.open(&t.pingone.page_url("/device")).await?;
    t.page
        .expect_heading("This page is not set up correctly")
        .await?;
    t.fits("config-problem").await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_fits_a_360_by_640_phone() -> Result<()> {
    whole_flow_fits("phone-360x640", (360, 640)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_fits_a_390_by_844_phone() -> Result<()> {
    whole_flow_fits("phone-390x844", (390, 844)).await
}

/// "Not you?" appears only for a browser that already holds a session: the code screen then.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_not_you_line_fits_a_360_by_640_phone() -> Result<()> {
    let t = Test::start_with("phone-not-you", config(), (360, 640)).await?;
    let tv = t.pingone.tv().await?;
    t.connect_by_link(&tv).await?;
    let second = t.pingone.tv().await?;
    t.page.open(&second.verification_uri_complete).await?;
    t.page.expect_text("Not Ada Lovelace?").await?;
    t.fits("not-you").await?;
    t.finish().await
}
