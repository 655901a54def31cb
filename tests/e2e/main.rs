//! End to end, in a real browser: every path a person can take on `/device`, driven in headless
//! Chromium (through the project's browser kit) against the real emulator and the built page.
//! Each test checks what the person sees, that axe-core finds nothing wrong with each screen on
//! the way, what the emulator recorded or the TV finally got, and that the browser refused
//! nothing under the page's policy (the emulator sends the headers of `deploy/headers.toml`).
//! The core paths run against each setup of PingOne an operator may have (`harness::Mode`: a
//! regional host, a custom domain, a link of its own for every action).
//! `real_servers` runs a whole flow behind nginx and Caddy (`NGINX`, `CADDY` override the Debian
//! paths; without them the two tests skip unless `CI` or `HOSTING_REQUIRE_SERVERS` is set).
//!
//! Needs the built page (`cargo xtask test` builds it; or `trunk build --release`; or point
//! `E2E_DIST` at a dist), Chromium and ChromeDriver (`CHROMIUM`, `CHROMEDRIVER` override the
//! `/usr/bin` ones), and axe-core's `axe.min.js` (`AXE_CORE_JS`, default
//! `.tools/axe/node_modules/axe-core/axe.min.js`, installed by `cargo xtask setup`).
//! Screenshots of every screen go to `target/e2e/` (`E2E_SCREENSHOTS`).
#![cfg(not(target_arch = "wasm32"))]

/// One `#[tokio::test]` per named mode for a path written once as `async fn(Mode) -> Result<()>`:
/// `in_modes!(path, test_name: Regional, other_name: CustomDomain)`.
macro_rules! in_modes {
    ($path:ident, $($test:ident: $mode:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() -> anyhow::Result<()> {
                $path($crate::harness::Mode::$mode).await
            }
        )+
    };
}

mod axe;
mod harness;
mod pingone;
mod portal;
mod steps;
mod tv;

mod accessibility;
mod already_signed_on;
mod before_wasm;
mod busy;
mod by_link;
mod by_typing;
mod deny;
mod double_tap;
mod expiry;
mod faults;
mod hand_off;
mod iframe;
mod languages;
mod locked_password;
mod login_error;
mod not_you;
mod phishing;
mod phone;
mod policy;
mod real_servers;
mod reload;
mod support_reference;
mod theme;
mod wrong_codes;
