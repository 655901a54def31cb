//! One browser window: its WebDriver session and fresh profile, going places, reading what is
//! on screen, waiting for it, and screenshots. What a person does in it is in `person.rs`.

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

use crate::error::{Doing, Error, Result, Waited, with_causes};
use crate::flags::CHROMIUM_FLAGS;
use crate::{Browser, driver};

/// How long a wait for something on screen may take before it fails.
pub const TIMEOUT: Duration = Duration::from_secs(15);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(50);
/// How long Chromium may take to open a window, and a page to load.
const START_LIMIT: Duration = Duration::from_secs(60);

/// Windows opened by this process, for unique profile folders.
static PROFILES: AtomicUsize = AtomicUsize::new(0);

/// One browser window (one WebDriver session, one fresh profile) with a person's view of the
/// page.
pub struct Page {
    pub(crate) client: Client,
    name: String,
    out: PathBuf,
    shots: AtomicUsize,
    session: String,
    driver_url: String,
    profile: PathBuf,
    closed: AtomicBool,
}

/// Whitespace collapsed, as a person reads it.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Page {
    pub(crate) async fn launch(
        browser: &Browser,
        name: &str,
        width: u32,
        height: u32,
    ) -> Result<Page> {
        let driver =
            driver::shared(&browser.chromedriver, &browser.out.join("chromedriver.log")).await?;
        let profile = std::env::temp_dir().join(format!(
            "browser-kit-{}-{}",
            std::process::id(),
            PROFILES.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&profile).map_err(|source| Error::File {
            doing: "creating the profile",
            path: profile.clone(),
            source,
        })?;
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| (*f).to_owned()).collect();
        args.push(format!("--window-size={width},{height}"));
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut chrome = json!({ "args": args });
        if browser.chromium.is_absolute() {
            chrome["binary"] = json!(browser.chromium);
        }
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": chrome,
            // Keep every console message for `console_log`.
            "goog:loggingPrefs": { "browser": "ALL" },
            "unhandledPromptBehavior": "accept",
            "timeouts": { "pageLoad": START_LIMIT.as_millis() as u64, "script": 30_000 },
        });
        let Value::Object(caps) = caps else {
            unreachable!("a JSON object literal");
        };
        let mut builder =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps);
        let client = tokio::time::timeout(START_LIMIT, builder.connect(&driver.url))
            .await
            .map_err(|_| {
                Error::Unexpected(format!(
                    "Chromium ({}) did not open a window within {} s",
                    browser.chromium.display(),
                    START_LIMIT.as_secs()
                ))
            })?
            .map_err(|source| Error::Session {
                chromium: browser.chromium.clone(),
                source: Box::new(source),
            })?;
        let session = client
            .session_id()
            .await
            .doing(|| "reading the session id".to_owned())?
            .ok_or_else(|| Error::Unexpected("the new session has no id".to_owned()))?;
        let page = Page {
            client,
            name: name.to_owned(),
            out: browser.out.clone(),
            shots: AtomicUsize::new(0),
            session,
            driver_url: driver.url.clone(),
            profile,
            closed: AtomicBool::new(false),
        };
        page.fit_viewport(width, height).await?;
        Ok(page)
    }

    /// Makes the viewport (not the window) exactly `width`×`height`.
    async fn fit_viewport(&self, width: u32, height: u32) -> Result<()> {
        let want = (i64::from(width), i64::from(height));
        for _ in 0..3 {
            let (w, h) = self.viewport().await?;
            if (w, h) == want {
                return Ok(());
            }
            let (ww, wh) = self
                .client
                .get_window_size()
                .await
                .doing(|| "reading the window size".to_owned())?;
            let ww = (ww as i64 + want.0 - w).max(100) as u32;
            let wh = (wh as i64 + want.1 - h).max(100) as u32;
            self.client
                .set_window_size(ww, wh)
                .await
                .doing(|| format!("resizing the window to {ww}×{wh}"))?;
        }
        let (w, h) = self.viewport().await?;
        if (w, h) != want {
            return Err(Error::Unexpected(format!(
                "could not make the viewport {width}×{height}; it is {w}×{h}"
            )));
        }
        Ok(())
    }

    /// The viewport's size in CSS pixels.
    pub async fn viewport(&self) -> Result<(i64, i64)> {
        let v = self
            .js("return [window.innerWidth, window.innerHeight];", vec![])
            .await?;
        match (v[0].as_i64(), v[1].as_i64()) {
            (Some(w), Some(h)) => Ok((w, h)),
            _ => Err(Error::Answer {
                doing: "reading the viewport".to_owned(),
                answer: v.to_string(),
            }),
        }
    }

    /// Closes the window and removes its profile.
    pub async fn close(&self) -> Result<()> {
        if self.closed.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        let closed = self
            .client
            .clone()
            .close()
            .await
            .doing(|| "closing Chromium".to_owned());
        // Chromium may still be writing to the profile for a moment after the session ends.
        for _ in 0..20 {
            if std::fs::remove_dir_all(&self.profile).is_ok() || !self.profile.exists() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        closed
    }

    /// Runs a script in the page (or the frame entered) and returns what it returns.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.client
            .execute(script, args)
            .await
            .doing(|| format!("running the script {}", first_line(script)))
    }

    /// Runs a script that calls its last argument with its result when done.
    pub async fn js_async(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.client
            .execute_async(script, args)
            .await
            .doing(|| format!("running the script {}", first_line(script)))
    }

    /// Goes to an address, as typing it or tapping a link from elsewhere would, and waits for
    /// the document to load.
    pub async fn open(&self, url: &str) -> Result<()> {
        self.client
            .goto(url)
            .await
            .doing(|| format!("opening {url}"))
    }

    /// Reloads the page, as the browser's reload button does.
    pub async fn reload(&self) -> Result<()> {
        self.client.refresh().await.doing(|| "reloading".to_owned())
    }

    /// The address bar.
    pub async fn url(&self) -> Result<String> {
        Ok(self
            .client
            .current_url()
            .await
            .doing(|| "reading the address".to_owned())?
            .to_string())
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
    /// where the page was and what it showed (with a screenshot).
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
                Err(e) => last_error = Some(with_causes(&e)),
            }
            if Instant::now() > deadline {
                return Err(Error::Timeout(Box::new(Waited {
                    what: what.to_owned(),
                    waited: timeout,
                    url: self.url().await.unwrap_or_default(),
                    on_screen: self.text().await.unwrap_or_default(),
                    screenshot: self.screenshot("FAILED").await.unwrap_or_default(),
                    last_error,
                })));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Saves what the person sees to `{out}/{window}-{nn}-{step}.png` and returns the path.
    pub async fn screenshot(&self, step: &str) -> Result<String> {
        let n = self.shots.fetch_add(1, Ordering::SeqCst);
        let png = self
            .client
            .screenshot()
            .await
            .doing(|| format!("taking the screenshot “{step}”"))?;
        let path = self.out.join(format!("{}-{n:02}-{step}.png", self.name));
        std::fs::create_dir_all(&self.out)
            .and_then(|()| std::fs::write(&path, png))
            .map_err(|source| Error::File {
                doing: "writing",
                path: path.clone(),
                source,
            })?;
        Ok(path.display().to_string())
    }

    /// Enters the `index`th frame of the current document.
    pub async fn enter_frame(&self, index: u16) -> Result<()> {
        self.client
            .enter_frame(index)
            .await
            .doing(|| format!("entering frame {index}"))
    }

    /// Back to the top-level document.
    pub async fn leave_frames(&self) -> Result<()> {
        self.client
            .enter_parent_frame()
            .await
            .doing(|| "leaving the frame".to_owned())
    }

    /// Forgets every cookie of the current site, as clearing them in the browser's settings
    /// does.
    pub async fn forget_cookies(&self) -> Result<()> {
        self.client
            .delete_all_cookies()
            .await
            .doing(|| "deleting the cookies".to_owned())
    }
}

fn first_line(script: &str) -> &str {
    script
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

impl Drop for Page {
    fn drop(&mut self) {
        if self.closed.swap(true, Ordering::SeqCst) {
            return;
        }
        // A test that failed or panicked before `close`: end the session from a thread of its
        // own, where blocking is allowed and no runtime is needed.
        let url = format!("{}/session/{}", self.driver_url, self.session);
        let profile = self.profile.clone();
        let _ = std::thread::spawn(move || {
            let http = reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(30))
                .build();
            if let Ok(http) = http {
                let _ = http.delete(&url).send();
            }
            let _ = std::fs::remove_dir_all(profile);
        })
        .join();
    }
}
