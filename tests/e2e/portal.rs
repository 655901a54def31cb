//! Portals: the page inside the emulator's demo portal (a listener of its own, another origin),
//! which embeds it with the shipped `embed.js` as the README says and lists what the page told
//! it. The portal is reached as `127.0.0.1` (the page's own site) or `localhost` (another site).
//! Checked here: the protocol's messages in order (`ready`, the steps, the result), heights that
//! keep the frame without a scrollbar on a 360-pixel phone, the break-out to a window of its own
//! (`continued-in-window`), and a portal the page does not list getting no message at all.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::harness::{self, Test};
use crate::tv::Tv;

/// Where the portal is, as the browser sees it.
#[derive(Clone, Copy)]
pub enum Site {
    /// The page's own site (`127.0.0.1`, another port).
    Same,
    /// Another site (`localhost`).
    Other,
}

/// A small phone: the frame must fit its content at this width.
const SMALL_PHONE: (u32, u32) = (360, 740);

impl Test {
    /// A TV asked for a code, and the person opens the demo portal on `site`, which the page
    /// lists (both in its policy's `frame-ancestors` and in `config.json`'s
    /// `embed.parentOrigins`), showing the TV's link; the person looks inside its frame.
    pub async fn in_portal(name: &str, site: Site) -> Result<(Test, Tv)> {
        Test::in_portal_of(name, site, true, harness::PHONE).await
    }

    /// As [`Test::in_portal`]; `listed`: whether `config.json` lists the portal.
    pub async fn in_portal_of(
        name: &str,
        site: Site,
        listed: bool,
        size: (u32, u32),
    ) -> Result<(Test, Tv)> {
        let mut config = harness::config();
        config.demo_portal = Some(emulator::DemoPortal {
            host: match site {
                Site::Same => "127.0.0.1",
                Site::Other => "localhost",
            }
            .to_owned(),
            port: 0,
            listed,
        });
        let t = Test::start_with(name, config, size).await?;
        let tv = t.pingone.tv().await?;
        let portal = t.pingone.portal_url()?;
        let url = reqwest::Url::parse_with_params(
            &format!("{portal}/"),
            [("device", &tv.verification_uri_complete)],
        )
        .context("the portal's address")?;
        t.page.open(url.as_str()).await?;
        t.page.expect_text("Example customer portal").await?;
        t.page.enter_frame(0).await?;
        Ok((t, tv))
    }

    /// What the portal listed, read from its own document: the events `<pingone-device>`
    /// re-dispatched (`events`) or every message its window received (`messages`). Leaves the
    /// frame and comes back into it.
    async fn portal_list(&self, list: &str) -> Result<Vec<Value>> {
        self.page.leave_frames().await?;
        let items = self
            .page
            .js(
                "return [...document.querySelectorAll(`#${arguments[0]} li`)].map((li) => li.textContent);",
                vec![list.into()],
            )
            .await;
        self.page.enter_frame(0).await?;
        let items: Vec<String> = serde_json::from_value(items?).context("the portal's list")?;
        items
            .iter()
            .map(|i| serde_json::from_str(i).with_context(|| format!("the portal listed {i}")))
            .collect()
    }

    /// Waits until the portal has heard `event` with `field` = `value`, and returns everything
    /// it heard but the heights, as `event name` lines (a page load's `ready` once).
    async fn portal_heard(&self, event: &str, field: &str, value: &str) -> Result<Vec<String>> {
        let want = format!("{event} {value}");
        let mut heard = Vec::new();
        for _ in 0..100 {
            heard = told(&self.portal_list("events").await?);
            if heard.contains(&want) {
                return Ok(heard);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("the portal never heard {event} {field}={value}; it heard {heard:?}")
    }

    /// Follows the link called `link` into a window of its own, comes back to the portal's, and
    /// returns what the portal heard once it heard `continued-in-window` (told as the link was
    /// clicked).
    async fn continue_in_window(&self, link: &str) -> Result<Vec<String>> {
        self.page.click_into_new_window(link).await?;
        self.page.switch_to_other_window().await?;
        self.portal_heard("result", "status", "continued-in-window")
            .await
    }

    /// The portal posts the frame what a page accepting commands might obey, in the protocol's
    /// shape and others: the page has no ear for any of it.
    async fn portal_commands(&self) -> Result<()> {
        self.page.leave_frames().await?;
        let sent = self
            .page
            .js(
                "const frame = document.querySelector('iframe').contentWindow;
                 for (const message of [
                   { type: 'pingone-device', v: 1, event: 'result', status: 'connected' },
                   { type: 'pingone-device', v: 1, command: 'navigate', url: 'https://evil.example/' },
                   'location=https://evil.example/', null, 42,
                 ]) frame.postMessage(message, '*');",
                vec![],
            )
            .await;
        self.page.enter_frame(0).await?;
        sent?;
        Ok(())
    }

    /// The frame shows all of its content: the iframe is as tall as the page inside, which does
    /// not scroll.
    async fn expect_frame_fits(&self) -> Result<()> {
        let mut last = Value::Null;
        for _ in 0..50 {
            let inside = self
                .page
                .js(
                    "return [document.documentElement.scrollHeight, innerHeight, innerWidth];",
                    vec![],
                )
                .await?;
            let [content, height, width] = serde_json::from_value::<[i64; 3]>(inside.clone())?;
            if content <= height && width <= i64::from(SMALL_PHONE.0) {
                return Ok(());
            }
            last = inside;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("the frame scrolls: [content height, frame height, frame width] = {last}")
    }
}

/// The events other than `resize` as `event value` lines, a page load's repeated `ready` once.
fn told(events: &[Value]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for e in events {
        let event = e["event"].as_str().unwrap_or_default();
        let line = match event {
            "ready" => format!("ready {}", e["lang"].as_str().unwrap_or_default()),
            "step" => format!("step {}", e["name"].as_str().unwrap_or_default()),
            "result" => format!("result {}", e["status"].as_str().unwrap_or_default()),
            _ => continue,
        };
        if !(event == "ready" && lines.last() == Some(&line)) {
            lines.push(line);
        }
    }
    lines
}

/// The heights the portal was told, in order.
fn heights(events: &[Value]) -> Vec<i64> {
    events
        .iter()
        .filter(|e| e["event"] == "resize")
        .filter_map(|e| e["height"].as_i64())
        .collect()
}

/// No message names the code, the flow, the person or a token; each is the protocol's shape.
fn expect_only_names(t: &Test, tv: &Tv, events: &[Value]) -> Result<()> {
    let flows: Vec<String> = t.pingone.flows().into_iter().map(|f| f.id).collect();
    for e in events {
        let text = e.to_string();
        let code = [tv.user_code.clone(), tv.user_code.replace('-', "")];
        for secret in code.iter().chain(&flows) {
            if text.contains(secret.as_str()) {
                bail!("the portal was told {secret:?}: {text}");
            }
        }
        if text.contains(emulator::DEMO_USERNAME) {
            bail!("the portal was told the username: {text}");
        }
        if e["type"] != "pingone-device" || e["v"] != 1 {
            bail!("not the protocol's shape: {text}");
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_same_site_portal_hears_every_step_and_connected() -> Result<()> {
    let (t, tv) = Test::in_portal_of("portal-connected", Site::Same, true, SMALL_PHONE).await?;
    t.page.expect_heading("Sign on").await?;
    t.expect_frame_fits().await?;
    let at_sign_on = heights(&t.portal_list("events").await?);
    t.portal_commands().await?;
    t.page.expect_heading("Sign on").await?;
    t.sign_on().await?;
    t.confirm(&tv).await?;
    t.expect_frame_fits().await?;
    t.allow(&tv).await?;
    t.expect_frame_fits().await?;
    t.screen("portal-connected").await?;

    let heard = t.portal_heard("result", "status", "connected").await?;
    assert_eq!(
        heard,
        [
            "ready en",
            "step sign-on",
            "step confirm-code",
            "step consent",
            "step done",
            "result connected"
        ]
    );
    let events = t.portal_list("events").await?;
    let all = heights(&events);
    assert!(
        !at_sign_on.is_empty() && all.len() > at_sign_on.len(),
        "the height follows the screens: {all:?}"
    );
    assert!(
        all.windows(2).all(|w| w[0] != w[1]),
        "a height only when it changed: {all:?}"
    );
    expect_only_names(&t, &tv, &events)?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_same_site_portal_hears_refused() -> Result<()> {
    let (t, tv) = Test::in_portal_of("portal-refused", Site::Same, true, SMALL_PHONE).await?;
    t.sign_on().await?;
    t.confirm(&tv).await?;
    t.deny(&tv).await?;
    t.expect_frame_fits().await?;
    let heard = t.portal_heard("result", "status", "refused").await?;
    assert_eq!(
        heard[heard.len() - 3..],
        ["step consent", "step done", "result refused"]
    );
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_site_portal_hears_the_break_out_to_a_window_of_its_own() -> Result<()> {
    let (t, tv) = Test::in_portal("portal-break-out", Site::Other).await?;
    t.sign_on().await?;
    t.confirm(&tv).await?;
    t.page
        .expect_heading("This sign-on needs its own window")
        .await?;
    t.expect_frame_fits().await?;
    let heard = t.continue_in_window("Continue in a new window").await?;
    assert_eq!(
        heard,
        [
            "ready en",
            "step sign-on",
            "step confirm-code",
            "step hand-off",
            "result continued-in-window"
        ]
    );
    expect_only_names(&t, &tv, &t.portal_list("events").await?)?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portal_the_page_does_not_list_hears_nothing() -> Result<()> {
    let (t, _tv) = Test::in_portal_of("portal-unlisted", Site::Other, false, SMALL_PHONE).await?;
    t.screen_shows(
        "portal-unlisted",
        "This page can't be shown inside another site",
        &["For your security, this page only works in a window of its own."],
    )
    .await?;
    let (href, new_window) = t.page.link("Open it in a new window").await?;
    assert!(new_window, "the link must open a window of its own");
    assert!(href.starts_with(&t.pingone.page_url("/device")), "{href}");
    // Long enough for the page to have spoken had it meant to.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(t.portal_list("messages").await?, Vec::<Value>::new());
    assert_eq!(t.portal_list("events").await?, Vec::<Value>::new());
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_portal_the_hosted_sign_on_opens_in_a_window_of_its_own() -> Result<()> {
    let (t, _tv) = Test::in_portal("portal-hosted-sign-on", Site::Same).await?;
    t.page.expect_heading("Sign on").await?;
    // The policy asks for a second factor; the frame reads the flow again.
    let flow = t.pingone.only_flow()?;
    t.pingone.force_status(&flow.id, "OTP_REQUIRED")?;
    t.page.js("location.reload();", vec![]).await?;
    t.page
        .expect_heading("One more step to finish signing on")
        .await?;
    let (_, new_window) = t.page.link("Continue on the sign-on page").await?;
    assert!(
        new_window,
        "the hosted sign-on must open a window of its own"
    );
    let heard = t.continue_in_window("Continue on the sign-on page").await?;
    assert_eq!(
        heard[heard.len() - 2..],
        ["step hand-off", "result continued-in-window"]
    );
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_origin_that_is_not_an_origin_gets_the_configuration_screen_naming_it()
-> Result<()> {
    let mut config = harness::config();
    config.page_settings = serde_json::json!({
        "embed": {"parentOrigins": ["https://portal.example.com", "*"]}
    })
    .as_object()
    .cloned()
    .context("an object")?;
    let t = Test::start_with("portal-not-an-origin", config, harness::PHONE).await?;
    t.page.open(&t.pingone.page_url("/device")).await?;
    t.screen_shows(
        "not-an-origin",
        "This page is not set up correctly",
        &[
            "config.json “embed.parentOrigins” has “*”, which is not an origin like \
           https://portal.example.com.",
        ],
    )
    .await?;
    t.finish().await
}
