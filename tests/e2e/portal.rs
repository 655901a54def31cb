//! A customer's portal page that embeds `/device` in an iframe: a fixed HTML answer from a tiny
//! axum server of the test's own, reached as `127.0.0.1` (same site as the page) or `localhost`
//! (a different site).

use anyhow::{Context, Result};
use axum::Router;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::harness::{self, PHONE, Test};
use crate::tv::Tv;

/// A running portal; dropping it stops the server.
pub struct Portal {
    port: u16,
    server: JoinHandle<()>,
}

/// A portal's address, taken before the page's emulator starts so that the page's policy
/// (`frame-ancestors`) can name it, as an operator lists a portal.
pub struct PortalAddress {
    listener: TcpListener,
    port: u16,
}

impl PortalAddress {
    /// A free loopback port for the portal.
    pub async fn bind() -> Result<PortalAddress> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the portal")?;
        let port = listener.local_addr()?.port();
        Ok(PortalAddress { listener, port })
    }

    /// The portal's origin on `site`.
    pub fn origin(&self, site: Site) -> String {
        origin(site, self.port)
    }

    /// Serves a portal page whose iframe shows `frame_src`, at any path.
    pub fn serve(self, frame_src: &str) -> Portal {
        let PortalAddress { listener, port } = self;
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
        Portal { port, server }
    }
}

impl Portal {
    /// The portal's address on `site`.
    pub fn url(&self, site: Site) -> String {
        format!("{}/", origin(site, self.port))
    }
}

fn origin(site: Site, port: u16) -> String {
    let host = match site {
        Site::Same => "127.0.0.1",
        Site::Other => "localhost",
    };
    format!("http://{host}:{port}")
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
    /// A TV asked for a code, and the person opens a portal on `site` that embeds the TV's link
    /// (the page's policy lists the portal, as an operator would) and looks inside its frame.
    /// The portal serves until it is dropped.
    pub async fn in_portal(name: &str, site: Site) -> Result<(Test, Tv, Portal)> {
        let address = PortalAddress::bind().await?;
        let mut config = harness::config();
        config.portal_origins = vec![address.origin(site)];
        let t = Test::start_with(name, config, PHONE).await?;
        let tv = t.pingone.tv().await?;
        let portal = address.serve(&tv.verification_uri_complete);
        t.page.open(&portal.url(site)).await?;
        t.page.expect_text("Example customer portal").await?;
        t.page.enter_frame(0).await?;
        Ok((t, tv, portal))
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        self.server.abort();
    }
}
