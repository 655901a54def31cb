//! The one ChromeDriver a process shares: started on first use, on a free loopback port, and
//! tied to the process by a watchdog so that it stops when the process ends, however it ends
//! (a failed test binary, a bench stopped with Ctrl-C).

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::OnceCell;

use crate::error::{Error, Result};

/// How long ChromeDriver may take to say it is ready.
const READY_WITHIN: Duration = Duration::from_secs(20);

/// The running ChromeDriver.
pub(crate) struct Driver {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Held so the watchdog's stdin stays open; when this process exits, the pipe closes and the
    /// watchdog stops ChromeDriver (statics are never dropped, so this is "the end").
    _watchdog: Child,
}

static DRIVER: OnceCell<Result<Driver, String>> = OnceCell::const_new();

/// The process's ChromeDriver, started from `chromedriver` (logging to `log`) by the first
/// caller; later callers share it whatever they pass.
pub(crate) async fn shared(chromedriver: &Path, log: &Path) -> Result<&'static Driver> {
    DRIVER
        .get_or_init(|| async { start(chromedriver, log).await.map_err(|e| e.to_string()) })
        .await
        .as_ref()
        .map_err(|e| Error::Driver(e.clone()))
}

/// `GET /status`'s answer, as far as readiness goes.
#[derive(Deserialize)]
struct Status {
    value: StatusValue,
}

#[derive(Deserialize)]
struct StatusValue {
    ready: bool,
}

async fn start(chromedriver: &Path, log: &Path) -> Result<Driver> {
    let failed = |why: String| Error::Driver(format!("{}: {why}", chromedriver.display()));
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| failed(format!("no free loopback port: {e}")))?
        .port();
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir).map_err(|source| Error::File {
            doing: "creating",
            path: dir.to_owned(),
            source,
        })?;
    }
    let log_file = std::fs::File::create(log).map_err(|source| Error::File {
        doing: "creating",
        path: log.to_owned(),
        source,
    })?;
    let log_too = log_file.try_clone().map_err(|source| Error::File {
        doing: "sharing",
        path: log.to_owned(),
        source,
    })?;
    // `sh` runs ChromeDriver in the background and waits on its own stdin: when this process
    // exits (or dies), the pipe closes, `read` returns and ChromeDriver is stopped.
    let watchdog = Command::new("sh")
        .arg("-c")
        .arg(r#""$@" & pid=$!; read _ignored; kill "$pid" 2>/dev/null; wait "$pid""#)
        .arg("browser-kit-chromedriver")
        .arg(chromedriver)
        .arg(format!("--port={port}"))
        .stdin(Stdio::piped())
        .stdout(log_too)
        .stderr(log_file)
        .spawn()
        .map_err(|e| failed(format!("could not start: {e}")))?;
    let driver = Driver {
        url: format!("http://127.0.0.1:{port}"),
        _watchdog: watchdog,
    };
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| failed(format!("no HTTP client: {e}")))?;
    let deadline = Instant::now() + READY_WITHIN;
    loop {
        let ready = match http.get(format!("{}/status", driver.url)).send().await {
            Ok(resp) => resp.json::<Status>().await.is_ok_and(|s| s.value.ready),
            Err(_) => false,
        };
        if ready {
            return Ok(driver);
        }
        if Instant::now() > deadline {
            return Err(failed(format!(
                "not ready on port {port} within {} s (see {}); set CHROMEDRIVER to a \
                 ChromeDriver matching the installed Chromium",
                READY_WITHIN.as_secs(),
                log.display()
            )));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
