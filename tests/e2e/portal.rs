//! A customer's portal page that embeds `/device` in an iframe: a fixed HTML answer from a tiny
//! axum server of the test's own, reached as `127.0.0.1` (same site as the page) or `localhost`
//! (a different site).

use anyhow::{Context, Result};
use axum::Router;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::harness::Test;
use crate::tv::Tv;

/// A running portal; dropping it stops the server.
pub struct Portal {
    port: u16,
    server: JoinHandle<()>,
}

impl Portal {
    /// Serves a portal page whose iframe shows `frame_src`, at any path.
    pub async fn start(frame_src: &str) -> Result<Portal> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the portal")?;
        let port = listener.local_addr()?.port();
        let html = format!(
            r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Example customer portal</title>
<style>
  body {{ margin: 0; font-family: system-ui, sans-serif; }}
  header {{ padding: 8px 12px; background: #223; color: #fff; }}
  iframe {{ display: block; border: 0; width: 100%; height: 780px; }}
</style>
</head>
<body>
<header>Example customer portal</header>
<main><iframe title="Connect a device" src="{frame_src}"></iframe></main>
</body>
</html>
"#
        );
        let app = Router::new().fallback(move || {
            let html = html.clone();
            async move { ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response() }
        });
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("the portal stopped: {e}");
            }
        });
        Ok(Portal { port, server })
    }

    /// The portal's address on `site`.
    pub fn url(&self, site: Site) -> String {
        let host = match site {
            Site::Same => "127.0.0.1",
            Site::Other => "localhost",
        };
        format!("http://{host}:{}/", self.port)
    }
}

/// Where the portal is, as the browser sees it.
#[derive(Clone, Copy)]
pub enum Site {
    /// The page's own site (`127.0.0.1`, another port).
    Same,
    /// Another site (`localhost`).
    Other,
}

impl Test {
    /// The person opens a portal on `site` that embeds the TV's link, and looks inside its frame.
    /// The portal serves until it is dropped.
    pub async fn open_in_portal(&self, tv: &Tv, site: Site) -> Result<Portal> {
        let portal = Portal::start(&tv.verification_uri_complete).await?;
        self.page.open(&portal.url(site)).await?;
        self.page.expect_text("Example customer portal").await?;
        self.page.enter_frame(0).await?;
        Ok(portal)
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        self.server.abort();
    }
}
