//! The page listener: the built page (`dist/`) as static files with the `/device…` SPA fallback,
//! and a generated `/config.json` pointing at this emulator, so one build works on any port.
//! Files with precompressed siblings (`name.br`, `name.gz`, written by `cargo xtask` after the
//! release build) are sent compressed to browsers that accept it, as a static host would. Every
//! answer carries the headers of `deploy/headers.toml` (authBase: this emulator's API), so the
//! tests run the page under the policy that ships.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::environment::Environment;
use crate::error::json_response;
use crate::faults;
use crate::state::Shared;

pub(crate) fn router(st: Arc<Shared>, dist: Option<PathBuf>) -> anyhow::Result<Router> {
    let policy = Arc::new(PageHeaders::for_environment(&st.env)?);
    let faulted = from_fn_with_state(st.clone(), faults::page_file_faults);
    let config = Router::new()
        .route("/config.json", get(config_json))
        .layer(from_fn_with_state(st.clone(), faults::config_faults))
        .with_state(st);
    let router = match dist {
        Some(dist) => config.fallback_service(static_files(&dist)),
        None => config.fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "The emulator serves no page: start it with --dist pointing at the built page.\n",
            )
        }),
    };
    Ok(router
        .layer(faulted)
        .layer(from_fn_with_state(policy, apply_policy)))
}

/// The page's response headers for this emulator, ready to send.
struct PageHeaders {
    policy: hosting::Policy,
    /// On every answer.
    every: Vec<(HeaderName, HeaderValue)>,
    /// By path class (`page`, `assets`, …).
    by_class: Vec<(String, Vec<(HeaderName, HeaderValue)>)>,
}

impl PageHeaders {
    /// `deploy/headers.toml` with this emulator's API as authBase, the application icon's origin
    /// and the configured portals.
    fn for_environment(env: &Environment) -> anyhow::Result<PageHeaders> {
        let icon_hosts = origin_of(&env.application.icon_href).into_iter().collect();
        let site = hosting::Site::local(&env.api_url, icon_hosts, env.portal_origins.clone())
            .context("the page's headers for this emulator")?;
        let policy = hosting::Policy::shipped().context("deploy/headers.toml")?;
        let every = typed(&policy.every_answer(&site))?;
        let by_class = policy
            .paths()
            .iter()
            .map(|class| Ok((class.name.clone(), typed(&class.headers())?)))
            .collect::<anyhow::Result<_>>()?;
        Ok(PageHeaders {
            policy,
            every,
            by_class,
        })
    }
}

fn typed(headers: &[hosting::Header]) -> anyhow::Result<Vec<(HeaderName, HeaderValue)>> {
    headers
        .iter()
        .map(|(name, value)| {
            Ok((
                HeaderName::try_from(name.as_str()).with_context(|| format!("header {name}"))?,
                HeaderValue::try_from(value.as_str())
                    .with_context(|| format!("{name}: {value}"))?,
            ))
        })
        .collect()
}

/// `scheme://host[:port]` of an http(s) URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (matches!(scheme, "http" | "https") && !host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// Sends the policy's headers with every answer, and each path class's own (its caching). The
/// content type stays the handler's: faults serve wrong ones on purpose.
async fn apply_policy(State(h): State<Arc<PageHeaders>>, req: Request, next: Next) -> Response {
    let class = h
        .policy
        .route(req.uri().path())
        .map(|r| r.class.name.clone());
    let mut resp = next.run(req).await;
    let headers = resp.headers_mut();
    let own = class.and_then(|name| h.by_class.iter().find(|(n, _)| *n == name));
    for (name, value) in h.every.iter().chain(own.into_iter().flat_map(|(_, hs)| hs)) {
        headers.insert(name.clone(), value.clone());
    }
    resp
}

/// The built page's files as a static host serves them: precompressed siblings when the browser
/// takes them (with `Vary`), `index.html` for `/device` and below, `404` for the rest. No policy
/// headers: the page listener adds them, the bench serves a baseline without them.
pub fn static_files(dist: &Path) -> Router {
    let index = Arc::new(dist.join("index.html"));
    let spa = tower::service_fn(move |req: Request| {
        let index = Arc::clone(&index);
        async move { Ok::<_, Infallible>(spa_fallback(&index, req).await) }
    });
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(spa)
        .map_response(|mut resp| {
            // The same URL answers differently by Accept-Encoding: caches must know.
            resp.headers_mut()
                .append(header::VARY, HeaderValue::from_static("accept-encoding"));
            resp
        });
    Router::new().fallback_service(files)
}

/// `/device`, `/device/` and `/device/…` that are not files get `index.html` (precompressed
/// when it can be); the rest `404`.
async fn spa_fallback(index: &Path, req: Request) -> Response {
    let path = req.uri().path();
    if !(path == "/device" || path.starts_with("/device/")) {
        return (StatusCode::NOT_FOUND, "Not found\n").into_response();
    }
    let served = ServeFile::new(index)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(req)
        .await;
    match served {
        Ok(resp) if resp.status() != StatusCode::NOT_FOUND => {
            let mut resp = resp.map(axum::body::Body::new);
            let headers = resp.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            resp
        }
        result => {
            let err = result.err().map(|e| e.to_string()).unwrap_or_default();
            tracing::warn!(index = %index.display(), %err, "cannot read the page's index.html");
            (
                StatusCode::NOT_FOUND,
                "The page is not built (no index.html in the page directory).\n",
            )
                .into_response()
        }
    }
}

/// The page's configuration, generated for this emulator's bound addresses and mode.
async fn config_json(State(st): State<Arc<Shared>>) -> Response {
    let env = &st.env;
    let mut config = json!({
        "authBase": env.api_url,
        "appIdentifier": env.application.device_path_id,
        "hostedSignOnUrl": env.hosted_sign_on_page(),
        "followResumeUrl": false,
    });
    // As an operator writes it for each setup: a custom domain needs no environment id.
    if env.custom_domain {
        config["customDomain"] = json!(true);
    } else {
        config["environmentId"] = json!(env.environment_id);
    }
    // The portals the page talks to (public/lazy/frame.js), the same the policy lets frame it.
    if !env.parent_origins.is_empty() {
        config["embed"] = json!({ "parentOrigins": env.parent_origins });
    }
    // The page takes plain http:// only to this computer unless told: a demo for a phone on the
    // local network (`--public-host`) tells it.
    if !is_loopback_url(&env.api_url) {
        config["allowPlainHttp"] = json!(true);
    }
    for (key, value) in &env.page_settings {
        config[key] = value.clone();
    }
    json_response(StatusCode::OK, &config)
}

/// Whether an `http://host:port` URL the emulator made names this computer.
fn is_loopback_url(url: &str) -> bool {
    let host = url
        .strip_prefix("http://")
        .and_then(|rest| rest.rsplit_once(':'))
        .map(|(host, _)| host);
    host.is_some_and(|host| {
        host.eq_ignore_ascii_case("localhost")
            || host == "[::1]"
            || host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_allowed_only_off_loopback() {
        for url in [
            "http://127.0.0.1:9000",
            "http://[::1]:9000",
            "http://localhost:9000",
        ] {
            assert!(is_loopback_url(url), "{url}");
        }
        for url in ["http://192.168.1.20:9000", "http://tv-demo.local:9000"] {
            assert!(!is_loopback_url(url), "{url}");
        }
    }
}
