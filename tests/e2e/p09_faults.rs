//! Path 9: the network and PingOne misbehave (emulator faults) on each call the page makes: the
//! first read of the flow, sign-on, the code, the consent. The page says what happened, a retry
//! succeeds, and nothing typed is lost.

use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use serde_json::{Value, json};

use crate::harness::Test;
use crate::{PASSWORD, USERNAME};

const FIELD: &str = "Code shown on your device";

/// A fault that answers instead of PingOne: what the page must say, and how the emulator
/// records the faulted request.
struct Failing {
    name: &'static str,
    fault: Value,
    says: &'static str,
    recorded: &'static str,
    /// How many requests meet the fault. Chrome silently resends a request (up to twice) when a
    /// reused keep-alive connection closes without an answer, so a dropped connection needs three
    /// to reach the page for sure; whatever is left is cleared before the person retries.
    count: u32,
}

/// The requests a flow received, with a faulted request and the browser's own immediate resends
/// of it (same action, same fault) counted once.
fn as_sent(flow: &crate::pingone::Flow) -> Vec<String> {
    let mut sent: Vec<String> = Vec::new();
    for (i, r) in flow.actions.iter().enumerate() {
        let resent = i > 0 && r.fault.is_some() && flow.actions[i - 1] == *r;
        if !resent {
            sent.push(r.to_string());
        }
    }
    sent
}

/// Walks the typed-code flow with `fault` on each call, retrying after each.
async fn each_call_fails_once_then_retry_works(f: Failing) -> Result<()> {
    let t = Test::start(&format!("p09-{}", f.name)).await?;
    let (page, pingone) = (&t.page, &t.pingone);
    let tv = pingone.tv().await?;
    let inject = || pingone.fault("flows", f.count, f.fault.clone());

    // The first read of the flow.
    page.open(&pingone.page_url("/device")).await?;
    page.fill(FIELD, &tv.user_code).await?;
    inject().await?;
    page.click("Continue").await?;
    page.expect_heading("Couldn't load your sign-on").await?;
    page.expect_text(f.says).await?;
    pingone.clear_faults().await?;
    page.screenshot("load-failed").await?;
    page.click("Try again").await?;

    // Sign on.
    page.expect_heading("Sign on").await?;
    page.fill("Username", USERNAME).await?;
    page.fill("Password", PASSWORD).await?;
    inject().await?;
    page.click("Sign on").await?;
    page.expect_alert(f.says).await?;
    pingone.clear_faults().await?;
    page.expect_heading("Sign on").await?;
    assert_eq!(page.value_of("Username").await?, USERNAME);
    assert_eq!(page.value_of("Password").await?, PASSWORD);
    page.screenshot("sign-on-failed").await?;
    page.click("Sign on").await?;

    // The code.
    page.expect_heading("Enter the code from your device")
        .await?;
    inject().await?;
    page.click("Continue").await?;
    page.expect_alert(f.says).await?;
    pingone.clear_faults().await?;
    assert_eq!(page.value_of(FIELD).await?, tv.user_code);
    page.screenshot("code-failed").await?;
    page.click("Continue").await?;

    // The consent.
    page.expect_heading("Allow this device?").await?;
    inject().await?;
    page.click("Allow").await?;
    page.expect_alert(f.says).await?;
    pingone.clear_faults().await?;
    page.expect_heading("Allow this device?").await?;
    page.screenshot("consent-failed").await?;
    page.click("Allow").await?;
    page.expect_heading("Your device is connected").await?;

    let flow = pingone.only_flow().await?;
    let bad = f.recorded;
    assert_eq!(
        as_sent(&flow),
        [
            format!("GET {bad}"),
            "GET 200".into(),
            format!("usernamePassword.check {bad}"),
            "usernamePassword.check 200".into(),
            format!("userCode.verify {bad}"),
            "userCode.verify 200".into(),
            format!("deviceAuthGrant.consent {bad}"),
            "deviceAuthGrant.consent 200".into(),
        ]
    );
    tv.expect_token_for(&pingone.user_id()).await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_unavailable_on_each_call() -> Result<()> {
    each_call_fails_once_then_retry_works(Failing {
        name: "503",
        fault: json!({"kind": "status", "status": 503}),
        says: "The sign-on service had a problem (HTTP 503). Try again in a moment.",
        recorded: "503 (status)",
        count: 1,
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connection_on_each_call() -> Result<()> {
    each_call_fails_once_then_retry_works(Failing {
        name: "dropped",
        fault: json!({"kind": "drop"}),
        says: "Couldn't reach the sign-on service. Check your connection and try again; nothing you entered is lost.",
        recorded: "dropped (drop)",
        count: 3,
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_on_each_call() -> Result<()> {
    each_call_fails_once_then_retry_works(Failing {
        name: "malformed",
        fault: json!({"kind": "malformed_json"}),
        says: "The sign-on service sent an answer this page can't read. Try again.",
        recorded: "200 (malformed_json)",
        count: 1,
    })
    .await
}

/// Three seconds of latency on each call: the page shows it is working (the button is disabled
/// and busy) and carries on when the answer comes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_seconds_of_latency_on_each_call() -> Result<()> {
    let t = Test::start("p09-latency").await?;
    let (page, pingone) = (&t.page, &t.pingone);
    let tv = pingone.tv().await?;
    let slow = || pingone.fault("flows", 1, json!({"kind": "latency", "ms": 3000}));

    page.open(&pingone.page_url("/device")).await?;
    page.fill(FIELD, &tv.user_code).await?;
    slow().await?;
    page.click("Continue").await?;
    let started = Instant::now();
    page.expect_text("Loading…").await?;
    page.screenshot("loading-slowly").await?;
    page.expect_heading("Sign on").await?;
    ensure!(
        started.elapsed() >= Duration::from_millis(2500),
        "the read was not slow"
    );

    let mut steps = vec![
        ("Sign on", "Enter the code from your device"),
        ("Continue", "Allow this device?"),
        ("Allow", "Your device is connected"),
    ];
    page.fill("Username", USERNAME).await?;
    page.fill("Password", PASSWORD).await?;
    for (button, next) in steps.drain(..) {
        slow().await?;
        page.click(button).await?;
        let started = Instant::now();
        page.wait(
            &format!("“{button}” to be disabled while it works"),
            Duration::from_secs(2),
            || async { Ok(page.is_disabled(button).await?.then_some(())) },
        )
        .await?;
        page.screenshot(&format!("busy-{}", button.to_lowercase().replace(' ', "-")))
            .await?;
        page.expect_heading(next).await?;
        ensure!(
            started.elapsed() >= Duration::from_millis(2500),
            "{button}: the answer came too soon for a 3 s delay"
        );
    }

    let flow = pingone.only_flow().await?;
    assert_eq!(
        flow.all(),
        [
            "GET 200",
            "usernamePassword.check 200",
            "userCode.verify 200",
            "deviceAuthGrant.consent 200"
        ]
    );
    tv.expect_token_for(&pingone.user_id()).await?;
    t.finish().await
}
