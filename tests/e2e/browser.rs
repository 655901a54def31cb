//! A real Chromium, driven the way a person uses the page: one ChromeDriver for the whole test
//! binary, one fresh headless profile per test, and a `Page` whose helpers find things by what
//! the person reads (labels, button and link names, headings), never by CSS classes.

use std::future::Future;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use fantoccini::actions::{
    InputSource, KeyAction, KeyActions, MOUSE_BUTTON_LEFT, MouseActions, PointerAction,
};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// How long a wait for something on screen may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(15);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(50);

/// The ChromeDriver process all tests of this binary share.
struct Driver {
    url: String,
    port: u16,
    /// Held so the watchdog's stdin stays open; when this process exits, the pipe closes and
    /// the watchdog kills ChromeDriver (statics are never dropped, so this is "the end").
    _watchdog: Child,
}

static DRIVER: OnceLock<Result<Driver, String>> = OnceLock::new();

fn executable(env: &str, default: &str, name: &str) -> PathBuf {
    match std::env::var_os(env) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ if Path::new(default).exists() => PathBuf::from(default),
        _ => PathBuf::from(name),
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

fn start_driver() -> Result<Driver> {
    let chromedriver = executable("CHROMEDRIVER", "/usr/bin/chromedriver", "chromedriver");
    let port = free_port()?;
    let log_dir = crate::harness::screenshot_dir();
    std::fs::create_dir_all(&log_dir).with_context(|| format!("creating {}", log_dir.display()))?;
    let log = std::fs::File::create(log_dir.join("chromedriver.log"))
        .context("creating chromedriver.log")?;
    // `sh` runs ChromeDriver in the background and waits on its own stdin: when this test
    // binary exits (or dies), the pipe closes, `read` returns and ChromeDriver is stopped.
    let watchdog = Command::new("sh")
        .arg("-c")
        .arg(r#""$@" & pid=$!; read _ignored; kill "$pid" 2>/dev/null; wait "$pid""#)
        .arg("e2e-chromedriver")
        .arg(&chromedriver)
        .arg(format!("--port={port}"))
        .stdin(Stdio::piped())
        .stdout(log.try_clone().context("cloning the log handle")?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {}", chromedriver.display()))?;
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok((200, body)) = http_raw(port, "GET", "/status")
            && body
                .replace(char::is_whitespace, "")
                .contains("\"ready\":true")
        {
            break;
        }
        if Instant::now() > deadline {
            bail!(
                "{} did not become ready on port {port} within 20 s (see target/e2e/chromedriver.log); \
                 set CHROMEDRIVER to a ChromeDriver matching the installed Chromium",
                chromedriver.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(Driver {
        url,
        port,
        _watchdog: watchdog,
    })
}

fn driver() -> Result<&'static Driver> {
    DRIVER
        .get_or_init(|| start_driver().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| anyhow!("{e}"))
}

/// A tiny blocking HTTP/1.1 request to ChromeDriver (readiness checks, closing a session from
/// `Drop`, where no runtime may be left).
pub fn http_raw(port: u16, method: &str, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    // Read the head, then as many body bytes as Content-Length says (ChromeDriver may keep the
    // connection open regardless of `Connection: close`).
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let body_start = loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break raw.len();
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&raw[..body_start.min(raw.len())]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while raw.len() < body_start + length {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let response = String::from_utf8_lossy(&raw).into_owned();
    let body = response.get(body_start..).unwrap_or_default().to_owned();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok((status, body))
}

static PROFILES: AtomicUsize = AtomicUsize::new(0);

/// One browser window (one WebDriver session, one fresh profile) with a person's view of the
/// page.
pub struct Page {
    client: Client,
    test: String,
    shots: AtomicUsize,
    session_id: String,
    driver_port: u16,
    profile: PathBuf,
    closed: AtomicBool,
}

/// A quoted XPath string literal for any text (XPath 1.0 has no escapes).
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// Whitespace collapsed, as a person reads it.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Page {
    /// Opens a fresh headless Chromium with the viewport `width`×`height` (CSS pixels).
    pub async fn launch(test: &str, width: u32, height: u32) -> Result<Page> {
        let driver = driver()?;
        let chromium = executable("CHROMIUM", "/usr/bin/chromium", "chromium");
        let profile = std::env::temp_dir().join(format!(
            "device-e2e-{}-{}",
            std::process::id(),
            PROFILES.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&profile)
            .with_context(|| format!("creating the profile {}", profile.display()))?;
        let mut chrome = json!({
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                format!("--window-size={width},{height}"),
                format!("--user-data-dir={}", profile.display()),
            ],
        });
        if chromium.is_absolute() || std::env::var_os("CHROMIUM").is_some() {
            chrome["binary"] = json!(chromium);
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), chrome);
        caps.insert("unhandledPromptBehavior".into(), json!("accept"));
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&driver.url)
            .await
            .with_context(|| format!("starting a Chromium session ({})", chromium.display()))?;
        let session_id = client
            .session_id()
            .await?
            .context("the new session has no id")?;
        let page = Page {
            client,
            test: test.to_owned(),
            shots: AtomicUsize::new(0),
            session_id,
            driver_port: driver.port,
            profile,
            closed: AtomicBool::new(false),
        };
        page.fit_viewport(width, height).await?;
        Ok(page)
    }

    /// Makes the viewport (not the window) exactly `width`×`height`.
    async fn fit_viewport(&self, width: u32, height: u32) -> Result<()> {
        for _ in 0..3 {
            let (w, h) = self.viewport().await?;
            if (w, h) == (width as i64, height as i64) {
                return Ok(());
            }
            let (ww, wh) = self.client.get_window_size().await?;
            let ww = (ww as i64 + width as i64 - w).max(100) as u32;
            let wh = (wh as i64 + height as i64 - h).max(100) as u32;
            self.client.set_window_size(ww, wh).await?;
        }
        let (w, h) = self.viewport().await?;
        if (w, h) != (width as i64, height as i64) {
            bail!("could not make the viewport {width}×{height}; it is {w}×{h}");
        }
        Ok(())
    }

    /// The viewport's size in CSS pixels.
    pub async fn viewport(&self) -> Result<(i64, i64)> {
        let v = self
            .js("return [window.innerWidth, window.innerHeight];", vec![])
            .await?;
        Ok((
            v[0].as_i64().unwrap_or_default(),
            v[1].as_i64().unwrap_or_default(),
        ))
    }

    /// The WebDriver client, for what the helpers below do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Closes the browser.
    pub async fn close(&self) -> Result<()> {
        if !self.closed.swap(true, Ordering::SeqCst) {
            self.client
                .clone()
                .close()
                .await
                .context("closing Chromium")?;
            let _ = std::fs::remove_dir_all(&self.profile);
        }
        Ok(())
    }

    /// Runs a script in the page (or the frame entered).
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.client
            .execute(script, args)
            .await
            .with_context(|| format!("running script: {}", script.lines().next().unwrap_or("")))
    }

    /// Goes to an address, as typing it or tapping a link from elsewhere would.
    pub async fn open(&self, url: &str) -> Result<()> {
        self.client
            .goto(url)
            .await
            .with_context(|| format!("opening {url}"))
    }

    /// Reloads the page, as the browser's reload button does.
    pub async fn reload(&self) -> Result<()> {
        self.client.refresh().await.context("reloading")
    }

    /// The address bar.
    pub async fn url(&self) -> Result<String> {
        Ok(self.client.current_url().await?.to_string())
    }

    /// Everything the person can read, whitespace collapsed.
    pub async fn text(&self) -> Result<String> {
        let v = self
            .js(
                "return document.body ? document.body.innerText : '';",
                vec![],
            )
            .await?;
        Ok(squash(v.as_str().unwrap_or_default()))
    }

    /// Polls `check` until it yields a value; fails after `timeout` saying what was awaited,
    /// where the page was and what it showed.
    pub async fn wait<T, F, Fut>(&self, what: &str, timeout: Duration, mut check: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Option<T>>>,
    {
        let deadline = Instant::now() + timeout;
        let mut last_error = None;
        loop {
            match check().await {
                Ok(Some(value)) => return Ok(value),
                Ok(None) => {}
                Err(e) => last_error = Some(format!("{e:#}")),
            }
            if Instant::now() > deadline {
                let url = self.url().await.unwrap_or_default();
                let text = self.text().await.unwrap_or_default();
                let shot = self.screenshot("FAILED").await.unwrap_or_default();
                let last = last_error
                    .map(|e| format!("\n  last error: {e}"))
                    .unwrap_or_default();
                bail!(
                    "waited {:.1} s for {what}\n  at: {url}\n  on screen: {text}\n  screenshot: {shot}{last}",
                    timeout.as_secs_f64()
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The first displayed element matching an XPath, if any.
    async fn displayed(&self, xpath: &str) -> Result<Option<Element>> {
        for element in self.client.find_all(Locator::XPath(xpath)).await? {
            if element.is_displayed().await.unwrap_or(false) {
                return Ok(Some(element));
            }
        }
        Ok(None)
    }

    /// XPath of the buttons and links a person would call `name`.
    fn control_xpath(name: &str) -> String {
        let lit = xpath_literal(name);
        format!(
            "//button[normalize-space(.)={lit} or @aria-label={lit}] | //a[normalize-space(.)={lit} or @aria-label={lit}] | //*[@role='button' or @role='link'][normalize-space(.)={lit} or @aria-label={lit}] | //input[(@type='submit' or @type='button') and @value={lit}]"
        )
    }

    /// XPath of the form field labelled `label`.
    fn field_xpath(label: &str) -> String {
        let lit = xpath_literal(label);
        format!(
            "//*[self::input or self::textarea or self::select][@id = //label[normalize-space(.)={lit}]/@for or @aria-label={lit}] | //label[normalize-space(.)={lit}]//*[self::input or self::textarea or self::select]"
        )
    }

    /// Waits for a button or link called `name` to be on screen.
    pub async fn control(&self, name: &str) -> Result<Element> {
        let xpath = Self::control_xpath(name);
        self.wait(
            &format!("a button or link called “{name}”"),
            TIMEOUT,
            || self.displayed(&xpath),
        )
        .await
    }

    /// Waits for the button or link called `name` to be on screen and enabled, and clicks it.
    pub async fn click(&self, name: &str) -> Result<()> {
        let xpath = Self::control_xpath(name);
        let element = self
            .wait(
                &format!("an enabled button or link called “{name}”"),
                TIMEOUT,
                || async {
                    match self.displayed(&xpath).await? {
                        Some(e) if e.is_enabled().await? => Ok(Some(e)),
                        _ => Ok(None),
                    }
                },
            )
            .await?;
        element
            .click()
            .await
            .with_context(|| format!("clicking “{name}”"))
    }

    /// Double-clicks the enabled button called `name` with the mouse, as an impatient person
    /// does: two presses a few milliseconds apart.
    pub async fn double_click(&self, name: &str) -> Result<()> {
        let element = self.control(name).await?;
        self.wait(&format!("“{name}” to be enabled"), TIMEOUT, || async {
            Ok(element.is_enabled().await?.then_some(()))
        })
        .await?;
        let mouse = MouseActions::new("mouse".to_owned())
            .then(PointerAction::MoveToElement {
                element: element.clone(),
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        self.client
            .perform_actions(mouse)
            .await
            .with_context(|| format!("double-clicking “{name}”"))?;
        self.client.release_actions().await?;
        Ok(())
    }

    /// Whether the button called `name` is on screen and disabled (greyed out while its action
    /// is on its way).
    pub async fn is_disabled(&self, name: &str) -> Result<bool> {
        let Some(element) = self.displayed(&Self::control_xpath(name)).await? else {
            return Ok(false);
        };
        Ok(!element.is_enabled().await?)
    }

    /// The address the link called `name` goes to, and whether it opens a new window.
    pub async fn link(&self, name: &str) -> Result<(String, bool)> {
        let element = self.control(name).await?;
        let href = element
            .prop("href")
            .await?
            .with_context(|| format!("“{name}” is not a link"))?;
        let blank = element.attr("target").await?.as_deref() == Some("_blank");
        Ok((href, blank))
    }

    /// Waits for the field labelled `label`.
    pub async fn field(&self, label: &str) -> Result<Element> {
        let xpath = Self::field_xpath(label);
        self.wait(&format!("a field labelled “{label}”"), TIMEOUT, || {
            self.displayed(&xpath)
        })
        .await
    }

    /// Types `text` into the field labelled `label`, replacing what was there.
    pub async fn fill(&self, label: &str, text: &str) -> Result<()> {
        let field = self.field(label).await?;
        field.clear().await?;
        field
            .send_keys(text)
            .await
            .with_context(|| format!("typing into “{label}”"))
    }

    /// What the field labelled `label` holds.
    pub async fn value_of(&self, label: &str) -> Result<String> {
        let field = self.field(label).await?;
        Ok(field.prop("value").await?.unwrap_or_default())
    }

    /// An attribute of the field labelled `label`.
    pub async fn field_attr(&self, label: &str, attr: &str) -> Result<Option<String>> {
        Ok(self.field(label).await?.attr(attr).await?)
    }

    /// Waits for the screen's heading to read `title`.
    pub async fn expect_heading(&self, title: &str) -> Result<()> {
        let lit = xpath_literal(title);
        let xpath = format!("//h1[normalize-space(.)={lit}] | //h2[normalize-space(.)={lit}]");
        self.wait(&format!("the heading “{title}”"), TIMEOUT, || async {
            Ok(self.displayed(&xpath).await?.map(|_| ()))
        })
        .await
    }

    /// Waits for `text` to be readable on the page.
    pub async fn expect_text(&self, text: &str) -> Result<()> {
        self.expect_text_within(text, TIMEOUT).await
    }

    /// Waits up to `timeout` for `text` to be readable on the page.
    pub async fn expect_text_within(&self, text: &str, timeout: Duration) -> Result<()> {
        let want = squash(text);
        self.wait(&format!("the text “{want}”"), timeout, || async {
            Ok(self.text().await?.contains(&want).then_some(()))
        })
        .await
    }

    /// Fails if `text` is readable on the page now.
    pub async fn expect_no_text(&self, text: &str) -> Result<()> {
        let on_screen = self.text().await?;
        if on_screen.contains(&squash(text)) {
            let shot = self.screenshot("FAILED").await.unwrap_or_default();
            bail!(
                "“{text}” should not be on screen, but it shows: {on_screen}\n  screenshot: {shot}"
            );
        }
        Ok(())
    }

    /// Waits for an alert (`role="alert"`, what a screen reader announces) saying `text`.
    pub async fn expect_alert(&self, text: &str) -> Result<()> {
        let want = squash(text);
        self.wait(&format!("an alert saying “{want}”"), TIMEOUT, || async {
            let alerts = self
                .js(
                    "return [...document.querySelectorAll('[role=alert]')].map(e => e.innerText);",
                    vec![],
                )
                .await?;
            let found = alerts
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .any(|a| squash(a).contains(&want));
            Ok(found.then_some(()))
        })
        .await
    }

    /// Presses a key on whatever has focus (no mouse involved).
    pub async fn press(&self, key: Key) -> Result<()> {
        let value: char = key.into();
        let keys = KeyActions::new("keyboard".to_owned())
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
        self.client
            .perform_actions(keys)
            .await
            .context("pressing a key")?;
        self.client.release_actions().await?;
        Ok(())
    }

    /// Types text into whatever has focus, key by key.
    pub async fn type_text(&self, text: &str) -> Result<()> {
        let mut keys = KeyActions::new("keyboard".to_owned());
        for c in text.chars() {
            keys = keys
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        self.client.perform_actions(keys).await.context("typing")?;
        self.client.release_actions().await?;
        Ok(())
    }

    /// What has keyboard focus, as a person would name it: a field's label, a control's text,
    /// or the element's tag.
    pub async fn focused(&self) -> Result<String> {
        let v = self
            .js(
                r#"const e = document.activeElement;
                   if (!e || e === document.body) return 'nothing';
                   if (e.labels && e.labels.length) return 'field ' + e.labels[0].innerText.trim();
                   const name = (e.getAttribute('aria-label') || e.innerText || '').trim().replace(/\s+/g, ' ');
                   return e.tagName.toLowerCase() + ' ' + name;"#,
                vec![],
            )
            .await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// Tabs forward (at most `limit` times) until the focused element is `want` (as `focused`
    /// names it), then returns how many presses it took.
    pub async fn tab_to(&self, want: &str, limit: usize) -> Result<usize> {
        let mut seen = Vec::new();
        for presses in 1..=limit {
            self.press(Key::Tab).await?;
            let now = self.focused().await?;
            if now == want {
                return Ok(presses);
            }
            seen.push(now);
        }
        bail!("Tab never reached “{want}” in {limit} presses; focus went: {seen:?}")
    }

    /// Saves what the person sees to `target/e2e/{test}-{nn}-{step}.png` and returns the path.
    pub async fn screenshot(&self, step: &str) -> Result<String> {
        let n = self.shots.fetch_add(1, Ordering::SeqCst);
        let png = self
            .client
            .screenshot()
            .await
            .context("taking a screenshot")?;
        let dir = crate::harness::screenshot_dir();
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{}-{n:02}-{step}.png", self.test));
        std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
        Ok(path.display().to_string())
    }

    /// Enters the `index`th frame of the current document.
    pub async fn enter_frame(&self, index: u16) -> Result<()> {
        self.client
            .enter_frame(index)
            .await
            .context("entering the frame")?;
        Ok(())
    }

    /// Back to the top-level document.
    pub async fn leave_frames(&self) -> Result<()> {
        self.client
            .enter_parent_frame()
            .await
            .context("leaving the frame")?;
        Ok(())
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        // A test that failed or panicked before `close`: end the session without a runtime.
        if !self.closed.swap(true, Ordering::SeqCst) {
            let (port, path) = (self.driver_port, format!("/session/{}", self.session_id));
            let _ = std::thread::spawn(move || http_raw(port, "DELETE", &path)).join();
            let _ = std::fs::remove_dir_all(&self.profile);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xpath_literals_quote_anything() {
        assert_eq!(xpath_literal("Sign on"), "'Sign on'");
        assert_eq!(xpath_literal("Couldn't"), "\"Couldn't\"");
        assert_eq!(xpath_literal(r#"a'b"c"#), r#"concat('a', "'", 'b"c')"#);
    }
}
