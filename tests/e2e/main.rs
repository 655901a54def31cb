//! End to end, in a real browser: every path a person can take on `/device` (issue 7), driven in
//! headless Chromium through ChromeDriver against the real emulator and the built page, each
//! checking what the person sees and what the emulator recorded or the TV finally got.
//!
//! Needs the built page (`cargo xtask test` builds it; or `trunk build --release`; or point
//! `E2E_DIST` at a dist), Chromium and ChromeDriver (`CHROMIUM`, `CHROMEDRIVER` override the
//! `/usr/bin` ones), and for the accessibility path axe-core's `axe.min.js` (`AXE_CORE_JS`,
//! default `.tools/axe/node_modules/axe-core/axe.min.js`, installed by `cargo xtask setup`).
//! Screenshots of every screen go to `target/e2e/` (`E2E_SCREENSHOTS`).
#![cfg(not(target_arch = "wasm32"))]

mod axe;
mod browser;
mod harness;
mod pingone;
mod portal;

mod p01_by_link;
mod p02_by_typing;
mod p03_signed_on;
mod p04_wrong_codes;
mod p05_deny;
mod p06_expiry;
mod p07_reload;
mod p08_double_click;
mod p09_faults;
mod p10_hand_off;
mod p11_phone;
mod p12_iframe;
mod p13_accessibility;

use anyhow::Result;

use crate::browser::Page;

/// The demo user's sign-on.
pub const USERNAME: &str = emulator::DEMO_USERNAME;
pub const PASSWORD: &str = emulator::DEMO_PASSWORD;

/// Signs on as the demo user from the sign-on screen.
pub async fn sign_on(page: &Page) -> Result<()> {
    page.expect_heading("Sign on").await?;
    page.fill("Username", USERNAME).await?;
    page.fill("Password", PASSWORD).await?;
    page.click("Sign on").await
}

/// A well-formed code that is not `real` (so it matches no device of the test).
pub fn wrong_code(real: &str, n: usize) -> String {
    let candidates = [
        "BBBB-BBBB",
        "CCCC-CCCC",
        "DDDD-DDDD",
        "FFFF-FFFF",
        "GGGG-GGGG",
        "HHHH-HHHH",
    ];
    candidates
        .iter()
        .filter(|c| **c != real)
        .nth(n)
        .map(|c| (*c).to_owned())
        .unwrap_or_else(|| "ZZZZ-ZZZ9".to_owned())
}

/// The address bar must never show the code after the page has read it.
pub async fn expect_no_code_in_address_bar(page: &Page) -> Result<()> {
    let url = page.url().await?;
    anyhow::ensure!(
        !url.contains("user_code"),
        "the address bar still holds the code: {url}"
    );
    Ok(())
}

/// The countdown the page shows for the flow's lifetime, in seconds; fails unless it is shown
/// and within PingOne's 15 minutes (and no more than a minute below it: the flow was just used).
pub async fn expect_fresh_countdown(page: &Page) -> Result<()> {
    let shown = page
        .wait("the countdown", crate::browser::TIMEOUT, || async {
            let text = page.text().await?;
            Ok(text
                .split("Time left to finish: ")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .map(str::to_owned))
        })
        .await?;
    let seconds = shown
        .split_once(':')
        .and_then(|(m, s)| Some(m.parse::<u32>().ok()? * 60 + s.parse::<u32>().ok()?));
    anyhow::ensure!(
        seconds.is_some_and(|s| (840..=900).contains(&s)),
        "the countdown shows {shown}: a flow just used has 15:00 (PingOne's idle limit) or a little less"
    );
    Ok(())
}
