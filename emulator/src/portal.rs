//! The demo portal: a customer's page that embeds `/device` the way the README tells portals to,
//! with the page's own `embed.js` and a `<pingone-device>` element, on a listener of its own (a
//! third origin). It lists what the page told it, and every message its window received at all,
//! so the demo shows the protocol and the end-to-end suite can read what a portal would get.
//! `cargo xtask demo --portal` and the suite's portal tests use it.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::request::{html_escape, query_param};
use crate::state::Shared;

pub(crate) fn router(st: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(page))
        .route(
            "/portal.js",
            get(|| async { asset("text/javascript", SCRIPT) }),
        )
        .route("/portal.css", get(|| async { asset("text/css", STYLE) }))
        .with_state(st)
}

/// The portal. `?device=` picks what the frame shows (a TV's link, say), only on the page's or
/// PingOne's own origins; by default the page's `/device`.
async fn page(State(st): State<Arc<Shared>>, uri: Uri) -> Response {
    let env = &st.env;
    let Some(page) = env.page_url.clone() else {
        return (
            StatusCode::NOT_FOUND,
            "The demo portal needs the page listener.\n",
        )
            .into_response();
    };
    let ours = [&page, &env.api_url, &env.apps_url];
    let device = query_param(&uri, "device")
        .filter(|d| ours.iter().any(|o| d.starts_with(&format!("{o}/"))))
        .unwrap_or_else(|| format!("{page}/device"));
    let frames: Vec<&str> = ours.iter().map(|o| o.as_str()).collect();
    let policy = format!(
        "default-src 'none'; script-src 'self' {page}; style-src 'self'; frame-src {}; \
         base-uri 'none'; form-action 'none'; object-src 'none'",
        frames.join(" ")
    );
    let html = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Example customer portal</title>
<link rel="stylesheet" href="/portal.css">
<script src="{page}/embed.js" defer></script>
<script src="/portal.js" defer></script>
</head>
<body>
<header>Example customer portal</header>
<main>
<pingone-device src="{device}" title="Connect a device"></pingone-device>
<h2>What the page told this portal</h2>
<ol id="events"></ol>
<h2>Every message this window received</h2>
<ol id="messages"></ol>
</main>
</body>
</html>
"#,
        page = html_escape(&page),
        device = html_escape(&device),
    );
    let mut response = (StatusCode::OK, axum::response::Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::try_from(policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// Lists each event `<pingone-device>` re-dispatches, and every `message` the window gets (from
/// anyone: what an unlisted portal would see), each as the JSON it carried.
const SCRIPT: &str = r#"const line = (id, text) => {
  const item = document.createElement('li');
  item.textContent = text;
  document.getElementById(id).append(item);
};
for (const name of ['ready', 'resize', 'step', 'result']) {
  document.addEventListener(`pingone-device:${name}`, (e) => line('events', JSON.stringify(e.detail)));
}
addEventListener('message', (e) => line('messages', JSON.stringify(e.data)));
"#;

const STYLE: &str = "body { margin: 0; font-family: system-ui, sans-serif; }
header { padding: 8px 12px; background: #223; color: #fff; }
main { padding: 0 8px; }
ol { font: 0.75rem/1.4 ui-monospace, monospace; overflow-wrap: anywhere; }
";
