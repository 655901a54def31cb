//! The recipes on the real servers: nginx and Caddy, each started from the recipe written for
//! it, serving the built page; every path and header checked as a browser would meet them.
//!
//! Needs the built page (`E2E_DIST`, else the workspace's `dist/`) and the servers (`cargo xtask
//! setup` installs them). Without a server binary the test says so and passes, unless `CI` or
//! `HOSTING_REQUIRE_SERVERS` is set (`cargo xtask test` sets it).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use hosting::servers::{self, Kind, Server};
use hosting::{Header, Policy, Site};
use reqwest::StatusCode;

/// A user code as it arrives from a QR code; it must reach the page and never the log.
const USER_CODE: &str = "WDJB-MJHT";

#[tokio::test]
async fn nginx_serves_the_page_with_every_header() -> Result<()> {
    check(Kind::Nginx, &[]).await
}

#[tokio::test]
async fn caddy_serves_the_page_with_every_header() -> Result<()> {
    check(Kind::Caddy, &[]).await
}

#[tokio::test]
async fn nginx_lets_a_listed_portal_frame_the_page() -> Result<()> {
    check(Kind::Nginx, &["https://portal.example.com"]).await
}

#[tokio::test]
async fn caddy_lets_a_listed_portal_frame_the_page() -> Result<()> {
    check(Kind::Caddy, &["https://portal.example.com"]).await
}

/// Caddy reads the committed recipe (certificates aside, it is what an operator deploys).
#[test]
fn the_committed_caddyfile_is_valid() -> Result<()> {
    let Some(caddy) = servers::binary_for_tests(Kind::Caddy)? else {
        return Ok(());
    };
    let recipe = Path::new(env!("CARGO_MANIFEST_DIR")).join(hosting::recipes::CADDY);
    let out = std::process::Command::new(&caddy)
        .args(["adapt", "--adapter", "caddyfile", "--config"])
        .arg(&recipe)
        .output()
        .with_context(|| format!("running {}", caddy.display()))?;
    if !out.status.success() {
        bail!(
            "caddy refuses {}:\n{}",
            recipe.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// nginx accepts the committed recipe, the TLS server and the redirect included, once its
/// certificate and log paths point into a scratch folder (with a throwaway self-signed
/// certificate from openssl).
#[test]
fn the_committed_nginx_recipe_is_valid() -> Result<()> {
    let Some(nginx) = servers::binary_for_tests(Kind::Nginx)? else {
        return Ok(());
    };
    let site = Site::example()?;
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hosting");
    let (dir, ssl) = (scratch.join("nginx-committed"), scratch.join("nginx-ssl"));
    std::fs::create_dir_all(&ssl).with_context(|| format!("creating {}", ssl.display()))?;
    let (cert, key) = (ssl.join("fullchain.pem"), ssl.join("privkey.pem"));
    let openssl = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
        ])
        .arg(format!("/CN={}", site.server_name))
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .context("running openssl (`cargo xtask setup` installs it)")?;
    if !openssl.status.success() {
        bail!("openssl: {}", String::from_utf8_lossy(&openssl.stderr));
    }
    // nginx reads it as an unprivileged user; the key is a throwaway.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644))?;

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(hosting::recipes::NGINX);
    let committed = std::fs::read_to_string(&path)?;
    let mut moves = vec![
        (
            format!("/etc/ssl/{}/", site.server_name),
            format!("{}/", ssl.display()),
        ),
        (
            "/var/log/nginx/".to_owned(),
            format!("{}/", dir.join("run").display()),
        ),
    ];
    for listen in ["80;", "[::]:80;", "443 ssl", "[::]:443 ssl"] {
        let port = hosting::servers::free_port()?;
        let rest = listen
            .trim_start_matches("[::]:")
            .trim_start_matches(char::is_numeric);
        moves.push((
            format!("listen {listen}"),
            format!("listen 127.0.0.1:{port}{rest}"),
        ));
    }
    let mut recipe = committed.clone();
    for (from, to) in &moves {
        if !recipe.contains(from.as_str()) {
            bail!(
                "{} no longer names {from}: update this test",
                path.display()
            );
        }
        recipe = recipe.replace(from.as_str(), to);
    }
    hosting::servers::nginx_accepts(&nginx, &recipe, &dir)?;
    Ok(())
}

/// The built page: `E2E_DIST`, else the workspace's `dist/`.
fn dist() -> Result<PathBuf> {
    let dist = match std::env::var_os("E2E_DIST").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist"),
    };
    let dist = dist
        .canonicalize()
        .with_context(|| format!("the built page: {} (run `cargo xtask test` or `trunk build --release`, or set E2E_DIST)", dist.display()))?;
    if !dist.join("index.html").is_file() {
        bail!("{} has no index.html: build the page first", dist.display());
    }
    Ok(dist)
}

/// The first built file with this extension under `assets/`, as a URL path.
fn asset(dist: &Path, ext: &str) -> Result<String> {
    let dir = dist.join("assets");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(&format!(".{ext}")))
        .collect();
    names.sort();
    names
        .into_iter()
        .next()
        .map(|n| format!("/assets/{n}"))
        .with_context(|| format!("no .{ext} file in {}", dir.display()))
}

async fn check(kind: Kind, portals: &[&str]) -> Result<()> {
    let Some(binary) = servers::binary_for_tests(kind)? else {
        return Ok(());
    };
    let dist = dist()?;
    let policy = Policy::shipped()?;
    let mut site = Site::example()?;
    site.dist = dist.to_str().context("a UTF-8 dist path")?.to_owned();
    site.portal_origins = portals.iter().map(|p| p.to_string()).collect();
    let variant = if portals.is_empty() {
        "alone"
    } else {
        "portal"
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hosting")
        .join(format!("{}-{variant}", kind.name()));
    let server = Server::start(kind, &binary, &policy, &site, &dir)?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let mut problems = Vec::new();
    let every = policy.every_answer(&site);

    // What the policy says, checked against literal expectations too: a weakened headers.toml
    // must not pass just because the servers send it faithfully.
    let csp = policy.csp(&site);
    let frame_ancestors = match portals {
        [] => "frame-ancestors 'none'".to_owned(),
        _ => format!("frame-ancestors {}", portals.join(" ")),
    };
    if !csp.contains(&frame_ancestors) || !csp.starts_with("default-src 'none'; ") {
        problems.push(format!("the policy {csp:?} lacks {frame_ancestors:?}"));
    }
    let x_frame = every.iter().find(|(n, _)| n == "X-Frame-Options");
    if portals.is_empty() != (x_frame.map(|(_, v)| v.as_str()) == Some("DENY")) {
        problems.push(format!(
            "X-Frame-Options is {x_frame:?} with portals {portals:?}"
        ));
    }

    let index = std::fs::read(dist.join("index.html"))?;
    let config = std::fs::read(dist.join("config.json"))?;
    let embed =
        std::fs::read(dist.join("embed.js")).context("dist/embed.js (cargo xtask build)")?;
    let page = [
        "/device".to_owned(),
        "/device/".to_owned(),
        format!("/device?user_code={USER_CODE}"),
    ];
    for path in &page {
        let answer = get(&http, &server, path, "br, gzip").await?;
        answer.expect(&mut problems, StatusCode::OK, Some(&index), &every);
        answer.expect_class(&mut problems, &policy, "/device");
    }
    // embed.js has precompressed siblings (never edited after a build): asked for as it is.
    for (path, body, accept) in [
        ("/index.html", &index, "br, gzip"),
        ("/config.json", &config, "br, gzip"),
        ("/embed.js", &embed, "identity"),
    ] {
        let answer = get(&http, &server, path, accept).await?;
        answer.expect(&mut problems, StatusCode::OK, Some(body), &every);
        answer.expect_class(&mut problems, &policy, path);
    }
    for ext in ["wasm", "js", "css"] {
        let path = asset(&dist, ext)?;
        let raw = std::fs::read(dist.join(path.trim_start_matches('/')))?;
        for (accept, encoding) in [("identity", None), ("gzip", Some("gz")), ("br", Some("br"))] {
            let answer = get(&http, &server, &path, accept).await?;
            let body = match encoding {
                None => raw.clone(),
                Some(ext) => {
                    let sibling = dist.join(format!("{}.{ext}", path.trim_start_matches('/')));
                    std::fs::read(&sibling)
                        .with_context(|| format!("{} (precompress the build)", sibling.display()))?
                }
            };
            answer.expect(&mut problems, StatusCode::OK, Some(&body), &every);
            answer.expect_class(&mut problems, &policy, &path);
            let sent = answer.header("content-encoding");
            let wanted = encoding.map(|e| if e == "gz" { "gzip" } else { e });
            if sent.as_deref() != wanted {
                problems.push(format!(
                    "{path} with Accept-Encoding: {accept} came as {sent:?}, not {wanted:?}"
                ));
            }
        }
    }
    for path in [
        "/",
        "/admin",
        "/devices",
        "/device/extra",
        "/assets/",
        "/assets/missing.js",
        "/public/boot.js",
    ] {
        let answer = get(&http, &server, path, "identity").await?;
        answer.expect(&mut problems, StatusCode::NOT_FOUND, None, &every);
        if answer.body == index {
            problems.push(format!("{path} answered with the page"));
        }
    }

    // The log is written as requests finish; give it a moment.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let log = server.access_log()?;
    // The three page requests, logged by the path asked for.
    let page_lines = log
        .lines()
        .filter(|l| l.contains("/device") && !l.contains("/device/extra"))
        .count();
    if page_lines < page.len() {
        problems.push(format!(
            "the access log has {page_lines} lines for /device:\n{log}"
        ));
    }
    if log.contains(USER_CODE) || log.contains("user_code") {
        problems.push(format!("the access log holds the query string:\n{log}"));
    }

    let logs = server.logs();
    let port = server.port();
    drop(server);
    // Stopped means stopped: nothing (such as an orphaned nginx worker) answers any more.
    if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
        problems.push(format!(
            "port {port} still answers after the server was stopped"
        ));
    }
    if !problems.is_empty() {
        bail!(
            "{} with its recipe:\n  {}\nits logs:\n{logs}",
            kind.name(),
            problems.join("\n  "),
        );
    }
    Ok(())
}

/// One answer, read whole.
struct Answer {
    path: String,
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

async fn get(http: &reqwest::Client, server: &Server, path: &str, accept: &str) -> Result<Answer> {
    let url = format!("{}{path}", server.origin());
    let response = http
        .get(&url)
        .header("accept-encoding", accept)
        .send()
        .await
        .with_context(|| format!("GET {url}"))?;
    Ok(Answer {
        path: path.to_owned(),
        status: response.status(),
        headers: response.headers().clone(),
        body: response
            .bytes()
            .await
            .with_context(|| format!("reading {url}"))?
            .to_vec(),
    })
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// Each header present exactly once with exactly this value.
    fn expect_headers(&self, problems: &mut Vec<String>, headers: &[Header]) {
        for (name, value) in headers {
            let sent: Vec<&str> = self
                .headers
                .get_all(name.as_str())
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            if sent != [value.as_str()] {
                problems.push(format!("{}: {name} is {sent:?}, not {value:?}", self.path));
            }
        }
    }

    fn expect(
        &self,
        problems: &mut Vec<String>,
        status: StatusCode,
        body: Option<&[u8]>,
        every: &[Header],
    ) {
        if self.status != status {
            problems.push(format!(
                "{}: {} instead of {status}",
                self.path, self.status
            ));
        }
        if body.is_some_and(|b| b != self.body) {
            problems.push(format!(
                "{}: a body of {} bytes, not the file's {}",
                self.path,
                self.body.len(),
                body.map_or(0, <[u8]>::len)
            ));
        }
        self.expect_headers(problems, every);
    }

    /// The class's headers and the served file's content type.
    fn expect_class(&self, problems: &mut Vec<String>, policy: &Policy, path: &str) {
        let Some(route) = policy.route(path) else {
            problems.push(format!("{path} is not a path the policy serves"));
            return;
        };
        self.expect_headers(problems, &route.class.headers());
        let wanted = policy.content_type(&route.file);
        let sent = self.header("content-type");
        if sent.as_deref() != wanted {
            problems.push(format!(
                "{}: Content-Type {sent:?}, not {wanted:?}",
                self.path
            ));
        }
    }
}
