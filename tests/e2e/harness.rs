//! What every test starts with: its own emulator on free ports serving the built page, its own
//! fresh browser window, a cap on how many windows run at once, and the screens it passes
//! through kept as screenshots and audited for accessibility.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use browser_kit::{Browser, Page};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::pingone::PingOne;
use crate::tv::Tv;

/// Windows that may run at once (each is several processes; the machine may have 2 cores).
static WINDOWS: Semaphore = Semaphore::const_new(3);

/// The phone most tests run on.
pub const PHONE: (u32, u32) = (390, 844);

/// The workspace root (the root crate's manifest directory).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path from the environment variable `var` when set, else `default`.
fn from_env(var: &str, default: PathBuf) -> PathBuf {
    match std::env::var_os(var) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => default,
    }
}

/// Where screenshots go: `target/e2e/` (or `E2E_SCREENSHOTS`).
fn screenshot_dir() -> PathBuf {
    from_env("E2E_SCREENSHOTS", root().join("target").join("e2e"))
}

/// The built page: `E2E_DIST`, else the workspace's `dist/`.
pub fn dist() -> Result<PathBuf> {
    let dist = from_env("E2E_DIST", root().join("dist"));
    if !dist.join("index.html").is_file() {
        bail!(
            "the built page is missing: {} has no index.html. Run `cargo xtask test` (it builds the \
             page before the native tests) or `trunk build --release`, or set E2E_DIST to a built dist.",
            dist.display()
        );
    }
    Ok(dist)
}

/// The path to axe-core's `axe.min.js`: `AXE_CORE_JS`, else where `cargo xtask setup` puts it.
pub fn axe_js() -> PathBuf {
    from_env(
        "AXE_CORE_JS",
        root().join(".tools/axe/node_modules/axe-core/axe.min.js"),
    )
}

/// The demo environment with a 1-second polling interval, so the TV learns its fate quickly.
pub fn config() -> emulator::Config {
    let mut config = emulator::Config::demo();
    config.application.device_polling_interval = 1;
    config
}

/// How PingOne is set up: the paths that must work everywhere run once per mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A regional host: every URL carries the environment id, and the hosted sign-on is on the
    /// apps host.
    Regional,
    /// A custom domain: no environment id in any URL; the page's `config.json` says
    /// `customDomain` and names no environment.
    CustomDomain,
    /// A regional host whose flows give every action a link of its own, refusing it anywhere
    /// else: only a page that follows `_links` gets through.
    DistinctLinks,
}

impl Mode {
    /// The demo environment (see [`config`]) set up this way.
    pub fn config(self) -> emulator::Config {
        let mut config = config();
        config.custom_domain = self == Mode::CustomDomain;
        config.action_links_distinct = self == Mode::DistinctLinks;
        config
    }

    /// A test's name in this mode, for its screenshots and its report.
    fn name(self, test: &str) -> String {
        match self {
            Mode::Regional => test.to_owned(),
            Mode::CustomDomain => format!("{test}-custom-domain"),
            Mode::DistinctLinks => format!("{test}-distinct-links"),
        }
    }
}

/// One test: an emulator, a browser window, and its name for screenshots.
pub struct Test {
    pub name: String,
    pub pingone: PingOne,
    pub page: Page,
    started: Instant,
    finished: bool,
    _window: SemaphorePermit<'static>,
}

impl Test {
    /// The demo environment, a 390×844 phone.
    pub async fn start(name: &str) -> Result<Test> {
        Test::start_with(name, config(), PHONE).await
    }

    /// The demo environment on a phone, and a TV that has just asked for a code.
    pub async fn with_tv(name: &str) -> Result<(Test, Tv)> {
        Test::with_tv_in(name, Mode::Regional).await
    }

    /// The demo environment set up as `mode`, on a phone, and a TV that has just asked for a
    /// code.
    pub async fn with_tv_in(name: &str, mode: Mode) -> Result<(Test, Tv)> {
        let t = Test::start_with(&mode.name(name), mode.config(), PHONE).await?;
        let tv = t.pingone.tv().await?;
        Ok((t, tv))
    }

    /// A TV asked for a code, and the person followed its link (scanned its QR code) and signed
    /// on.
    pub async fn signed_on_by_link(name: &str) -> Result<(Test, Tv)> {
        Test::signed_on_by_link_in(name, Mode::Regional).await
    }

    /// As [`Test::signed_on_by_link`], against PingOne set up as `mode`.
    pub async fn signed_on_by_link_in(name: &str, mode: Mode) -> Result<(Test, Tv)> {
        let (t, tv) = Test::with_tv_in(name, mode).await?;
        t.page.open(&tv.verification_uri_complete).await?;
        t.sign_on().await?;
        Ok((t, tv))
    }

    /// Any environment and viewport.
    pub async fn start_with(
        name: &str,
        config: emulator::Config,
        size: (u32, u32),
    ) -> Result<Test> {
        Test::start_serving(name, config, size, &dist()?).await
    }

    /// Any environment and viewport, the emulator serving the page from `dist`.
    pub async fn start_serving(
        name: &str,
        config: emulator::Config,
        size: (u32, u32),
        dist: &Path,
    ) -> Result<Test> {
        let permit = WINDOWS.acquire().await.context("the window semaphore")?;
        let started = Instant::now();
        let browser = Browser::from_env(screenshot_dir());
        clear_screenshots(&browser, name);
        let pingone = PingOne::start(config, dist).await?;
        let page = browser.open(name, size).await?;
        page.watch_csp_violations().await?;
        Ok(Test {
            name: name.to_owned(),
            pingone,
            page,
            started,
            finished: false,
            _window: permit,
        })
    }

    /// The screen on show, as the person sees it: kept as a screenshot, and axe-core must find
    /// nothing wrong with it.
    pub async fn screen(&self, step: &str) -> Result<()> {
        let shot = self.page.screenshot(step).await?;
        crate::axe::expect_accessible(&self.page, step)
            .await
            .with_context(|| format!("screenshot: {shot}"))
    }

    /// The person sees the screen titled `heading` saying each of `texts`; it is kept and
    /// audited as `step`.
    pub async fn screen_shows(&self, step: &str, heading: &str, texts: &[&str]) -> Result<()> {
        self.page.expect_screen(heading, texts).await?;
        self.screen(step).await
    }

    /// Closes the browser, failing if it refused anything under the page's policy while the test
    /// ran; the emulator stops when the test is dropped.
    pub async fn finish(mut self) -> Result<()> {
        self.finished = true;
        let refusals = policy_refusals(&self.page).await;
        self.page.close().await?;
        let refusals = refusals?;
        if !refusals.is_empty() {
            bail!(
                "{}: the browser refused what the page's policy forbids:\n  {}",
                self.name,
                refusals.join("\n  ")
            );
        }
        eprintln!(
            "{}: {:.1} s",
            self.name,
            self.started.elapsed().as_secs_f64()
        );
        Ok(())
    }
}

impl Drop for Test {
    fn drop(&mut self) {
        if !self.finished {
            // The test failed: show what the emulator saw, for the failure report.
            eprintln!("{}: {}", self.name, self.pingone.state_report());
        }
    }
}

/// What the browser refused under a Content-Security-Policy or X-Frame-Options since the last
/// look: Chromium's console notes, which cover every document and frame the window showed, and
/// the `securitypolicyviolation` events of the document on show, where the kit could watch it
/// (a frame of another site runs in a process of its own).
pub async fn policy_refusals(page: &Page) -> Result<Vec<String>> {
    let mut found: Vec<String> = page
        .console_log()
        .await?
        .into_iter()
        .filter(|e| {
            e.message.contains("Content Security Policy") || e.message.contains("X-Frame-Options")
        })
        .map(|e| e.message)
        .collect();
    if let Ok(violations) = page.csp_violations().await {
        found.extend(violations.into_iter().map(|v| {
            format!(
                "{} refused {} in {} {}",
                v.directive, v.blocked, v.document, v.sample
            )
        }));
    }
    Ok(found)
}

/// Removes the screenshots an earlier run of this test left.
fn clear_screenshots(browser: &Browser, test: &str) {
    let Ok(entries) = std::fs::read_dir(&browser.out) else {
        return;
    };
    let prefix = format!("{test}-");
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(&prefix) && name.ends_with(".png") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Copies a folder's files and folders.
pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}
