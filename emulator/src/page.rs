//! The page listener: the built page (`dist/`) as static files with the `/device…` SPA fallback,
//! and a generated `/config.json` pointing at this emulator, so one build works on any port.
//! Files with precompressed siblings (`name.br`, `name.gz`, written by `cargo xtask` after the
//! release build) are sent compressed to browsers that accept it, as a static host would.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::error::json_response;
use crate::faults;
use crate::state::Shared;

pub(crate) fn router(st: Arc<Shared>, dist: Option<PathBuf>) -> Router {
    let config = Router::new()
        .route("/config.json", get(config_json))
        .layer(from_fn_with_state(st.clone(), faults::config_faults))
        .with_state(st);
    match dist {
        Some(dist) => {
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
            config.fallback_service(files)
        }
        None => config.fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "The emulator serves no page: start it with --dist pointing at the built page.\n",
            )
        }),
    }
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
    json_response(StatusCode::OK, &config)
}
