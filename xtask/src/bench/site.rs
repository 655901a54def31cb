//! Each build of the page served as it shipped, beside its own emulator. A build that runs under
//! the page's Content-Security-Policy (its revision has `deploy/headers.toml`) is served by the
//! emulator's page listener, which sends those headers. An older build (6274dad's Trunk loader is
//! an inline script the policy refuses) is served the way the emulator served pages before the
//! policy: the files with their precompressed siblings, the `/device…` fallback and a
//! `config.json` naming the emulator, no policy headers. Its emulator lets that origin in (CORS)
//! and hands off to it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use axum::Router;
use axum::http::header;
use axum::routing::get;
use serde_json::json;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::act::{PHASE_MARKS, Site};
use crate::precompress;

/// How a build's files are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Serving {
    /// By the emulator's page listener, with the headers of `deploy/headers.toml`.
    Policy,
    /// As static files without the policy, the way pages were served before it existed.
    Plain,
}

impl Serving {
    /// For the report.
    pub fn describe(self) -> &'static str {
        match self {
            Serving::Policy => "the emulator's page listener, under deploy/headers.toml",
            Serving::Plain => {
                "plain static files (its revision predates the page's policy headers)"
            }
        }
    }
}

/// A build being served, and what serves it.
pub struct Served {
    /// Where to load it.
    pub site: Site,
    emulator: emulator::Running,
    plain: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
}

impl Served {
    /// Stops the listeners.
    pub async fn shutdown(self) {
        if let Some((stop, task)) = self.plain {
            let _ = stop.send(());
            let _ = task.await;
        }
        self.emulator.shutdown().await;
    }
}

fn loopback() -> Result<std::net::SocketAddr> {
    "127.0.0.1:0".parse().context("loopback address")
}

/// Serves `dist` (the build named `build`) with its own emulator.
pub async fn serve(build: &'static str, dist: &Path, serving: Serving) -> Result<Served> {
    let marks = marks_in(dist)?;
    match serving {
        Serving::Policy => {
            let emulator = emulator::start(emulator::Options {
                api_addr: loopback()?,
                page_addr: Some(loopback()?),
                dist: Some(dist.to_path_buf()),
                config: emulator::Config::demo(),
            })
            .await
            .with_context(|| format!("starting the emulator for the {build} page"))?;
            let page = emulator
                .page_url()
                .context("the emulator started without its page listener")?;
            Ok(Served {
                site: site(build, &emulator, page, marks),
                emulator,
                plain: None,
            })
        }
        Serving::Plain => {
            let listener = tokio::net::TcpListener::bind(loopback()?)
                .await
                .with_context(|| format!("binding a listener for the {build} page"))?;
            let page = format!(
                "http://{}",
                listener
                    .local_addr()
                    .context("the page listener's address")?
            );
            let mut config = emulator::Config::demo();
            let device = emulator::Link::Url(format!("{page}/device"));
            config.application.login_page_url = device.clone();
            config.application.device_custom_verification_uri = device;
            config.application.cors_origins = Some(vec![page.clone()]);
            let emulator = emulator::start(emulator::Options {
                api_addr: loopback()?,
                page_addr: None,
                dist: None,
                config,
            })
            .await
            .with_context(|| format!("starting the emulator for the {build} page"))?;
            let router = plain_router(dist.to_path_buf(), &emulator);
            let (stop, stopped) = oneshot::channel::<()>();
            let task = tokio::spawn(async move {
                let served = axum::serve(listener, router)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
                if let Err(e) = served {
                    eprintln!("the plain page listener stopped: {e}");
                }
            });
            Ok(Served {
                site: site(build, &emulator, page, marks),
                emulator,
                plain: Some((stop, task)),
            })
        }
    }
}

fn site(
    build: &'static str,
    emulator: &emulator::Running,
    page: String,
    marks: Vec<&'static str>,
) -> Site {
    Site {
        build,
        api: emulator.api_url(),
        page,
        env: emulator.env_id().to_owned(),
        client_id: emulator.client_id().to_owned(),
        marks,
    }
}

/// The marks of [`PHASE_MARKS`] whose names appear in the build's files (the WebAssembly's
/// data, the boot module): the ones a load can be expected to set.
pub fn marks_in(dist: &Path) -> Result<Vec<&'static str>> {
    let mut files = Vec::new();
    precompress::walk(dist, &mut files)?;
    let mut found = Vec::new();
    for file in files {
        if matches!(file.extension().and_then(|e| e.to_str()), Some("br" | "gz")) {
            continue;
        }
        let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
        for mark in PHASE_MARKS {
            if !found.contains(&mark) && bytes.windows(mark.len()).any(|w| w == mark.as_bytes()) {
                found.push(mark);
            }
        }
    }
    Ok(PHASE_MARKS
        .into_iter()
        .filter(|m| found.contains(m))
        .collect())
}

/// The page listener as the emulator had it before the policy headers: `dist` with its
/// precompressed siblings, `index.html` for `/device…`, and `config.json` for this emulator.
fn plain_router(dist: PathBuf, emulator: &emulator::Running) -> Router {
    let env = emulator.config();
    let config = json!({
        "authBase": env.api_url,
        "environmentId": env.environment_id,
        "appIdentifier": env.application.device_path_id,
        "hostedSignOnUrl": env.hosted_sign_on_page(),
        "followResumeUrl": false,
    })
    .to_string();
    Router::new()
        .route(
            "/config.json",
            get(move || {
                let config = config.clone();
                async move {
                    (
                        [
                            (header::CONTENT_TYPE, "application/json"),
                            (header::CACHE_CONTROL, "no-store"),
                            (header::PRAGMA, "no-cache"),
                        ],
                        config,
                    )
                }
            }),
        )
        .fallback_service(emulator::static_files(&dist))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_found_in_the_files_that_set_them() {
        let dist = std::env::temp_dir().join(format!("bench-marks-{}", std::process::id()));
        let assets = dist.join("assets");
        std::fs::create_dir_all(&assets).expect("temp dir");
        std::fs::write(
            assets.join("boot-1.js"),
            "performance.mark(\"device:boot\")",
        )
        .expect("write");
        std::fs::write(assets.join("page_bg.wasm"), b"\0asm..device:mounted..").expect("write");
        // A compressed sibling is not read (its bytes would not match anyway).
        std::fs::write(assets.join("page_bg.wasm.br"), b"device:wasm").expect("write");
        let found = marks_in(&dist);
        let _ = std::fs::remove_dir_all(&dist);
        assert_eq!(found.expect("marks"), vec!["device:boot", "device:mounted"]);
    }
}
