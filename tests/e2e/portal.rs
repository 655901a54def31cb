//! A customer's portal page that embeds `/device` in an iframe: a fixed HTML answer from a tiny
//! server of the test's own, reached as `127.0.0.1` (same site as the page) or `localhost` (a
//! different site).

use anyhow::{Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A running portal; dropping it stops the server.
pub struct Portal {
    port: u16,
    server: JoinHandle<()>,
}

impl Portal {
    /// Serves a portal page whose iframe shows `frame_src`, to any request.
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
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{html}",
            html.len()
        );
        let server = tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    continue;
                };
                let response = response.clone();
                tokio::spawn(async move {
                    // Read the request head (whatever it asks, the answer is the portal).
                    let mut buf = [0u8; 4096];
                    let mut head = Vec::new();
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let _ = stream.write_all(response.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Ok(Portal { port, server })
    }

    /// The portal on the page's own site (`127.0.0.1`, another port).
    pub fn same_site_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// The portal on another site (`localhost`).
    pub fn cross_site_url(&self) -> String {
        format!("http://localhost:{}/", self.port)
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        self.server.abort();
    }
}
