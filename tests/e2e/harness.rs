//! What every test starts with: its own emulator on free ports serving the built page, its own
//! fresh browser, a cap on how many browsers run at once, and a place for screenshots.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::browser::Page;
use crate::pingone::PingOne;

/// Browsers that may run at once (each is several processes; the machine may have 2 cores).
static BROWSERS: Semaphore = Semaphore::const_new(3);

/// The phone most screenshots are taken at.
pub const PHONE: (u32, u32) = (390, 844);

/// The workspace root (the root crate's manifest directory).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where screenshots go: `target/e2e/` (or `E2E_SCREENSHOTS`).
pub fn screenshot_dir() -> PathBuf {
    match std::env::var_os("E2E_SCREENSHOTS") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => root().join("target").join("e2e"),
    }
}

/// The built page: `E2E_DIST`, else the workspace's `dist/`.
pub fn dist() -> Result<PathBuf> {
    let dist = match std::env::var_os("E2E_DIST") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => root().join("dist"),
    };
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
    match std::env::var_os("AXE_CORE_JS") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => root().join(".tools/axe/node_modules/axe-core/axe.min.js"),
    }
}

/// The demo environment with a 1-second polling interval, so the TV learns its fate quickly.
pub fn config() -> emulator::Config {
    let mut config = emulator::Config::demo();
    config.application.device_polling_interval = 1;
    config
}

/// One test: an emulator, a browser, and its name for screenshots.
pub struct Test {
    pub name: String,
    pub pingone: PingOne,
    pub page: Page,
    started: Instant,
    finished: bool,
    _browser: SemaphorePermit<'static>,
}

impl Test {
    /// The demo environment, a 390×844 phone.
    pub async fn start(name: &str) -> Result<Test> {
        Test::start_with(name, config(), PHONE).await
    }

    /// Any environment and viewport.
    pub async fn start_with(
        name: &str,
        config: emulator::Config,
        (width, height): (u32, u32),
    ) -> Result<Test> {
        let dist = dist()?;
        let permit = BROWSERS.acquire().await.context("the browser semaphore")?;
        let started = Instant::now();
        clear_screenshots(name);
        let pingone = PingOne::start(config, &dist).await?;
        let page = Page::launch(name, width, height).await?;
        Ok(Test {
            name: name.to_owned(),
            pingone,
            page,
            started,
            finished: false,
            _browser: permit,
        })
    }

    /// Closes the browser; the emulator stops when the test is dropped.
    pub async fn finish(mut self) -> Result<()> {
        self.finished = true;
        self.page.close().await?;
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
        if self.finished {
            return;
        }
        // The test failed: show what the emulator saw, for the failure report.
        let port = self
            .pingone
            .api_origin()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        let seen = std::thread::spawn(move || {
            let flows = crate::browser::http_raw(port, "GET", "/__emulator/flows");
            let devices = crate::browser::http_raw(port, "GET", "/__emulator/devices");
            (flows, devices)
        })
        .join();
        if let Ok((Ok((_, flows)), Ok((_, devices)))) = seen {
            eprintln!(
                "{}: the emulator's flows: {flows}\n{}: its devices: {devices}",
                self.name, self.name
            );
        }
    }
}

/// Removes the screenshots an earlier run of this test left.
fn clear_screenshots(test: &str) {
    let Ok(entries) = std::fs::read_dir(screenshot_dir()) else {
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
