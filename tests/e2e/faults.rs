//! Faults: the network and PingOne misbehave (emulator faults) on each call the page makes: the
//! first read of the flow, sign-on, the code, the consent. The page says what happened, a retry
//! succeeds, and nothing typed is lost. Slow answers show the page at work.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use emulator::hooks::{Fault, FlowView, Route};

use crate::harness::Test;
use crate::pingone::{Received, line};
use crate::steps::{CODE_FIELD, PASSWORD, READ_AND_NEW_USER_STEPS, USERNAME};

/// A fault that answers instead of PingOne: what the page must say, and how the emulator
/// records the faulted request.
struct Failing {
    name: &'static str,
    fault: Fault,
    says: &'static str,
    recorded: &'static str,
    /// How many requests meet the fault. Chrome silently resends a request (up to twice) when a
    /// reused keep-alive connection closes without an answer, so a dropped connection needs three
    /// to reach the page for sure; whatever is left is cleared before the person retries.
    count: u32,
}

/// The requests a flow received, with a faulted request and the browser's own immediate resends
/// of it (same action, same fault) counted once.
fn as_sent(flow: &FlowView) -> Vec<String> {
    let mut sent: Vec<String> = Vec::new();
    let mut previous = None;
    for r in &flow.actions {
        let now = line(r);
        let resent = r.fault.is_some() && previous.as_ref() == Some(&now);
        if !resent {
            sent.push(now.clone());
        }
        previous = Some(now);
    }
    sent
}

impl Test {
    /// The fault on the flow's calls, `count` times.
    fn inject(&self, f: &Failing) -> Result<()> {
        self.pingone.fault(Route::Flows, f.count, f.fault.clone())
    }

    /// The page says what went wrong in an alert; what is left of the fault is cleared before
    /// the person retries.
    async fn alerted(&self, f: &Failing, step: &str) -> Result<()> {
        self.page.expect_alert(f.says).await?;
        self.pingone.clear_faults();
        self.screen(step).await
    }
}

/// Walks the typed-code flow with `fault` on each call, retrying after each; errors say which
/// fault.
async fn each_call_fails_once_then_retry_works(f: Failing) -> Result<()> {
    let name = f.name;
    walk_with_faults(f)
        .await
        .with_context(|| format!("with the fault “{name}” on each call"))
}

async fn walk_with_faults(f: Failing) -> Result<()> {
    let (t, tv) = Test::with_tv(&format!("fault-{}", f.name)).await?;

    // The first read of the flow.
    t.page.open(&t.pingone.page_url("/device")).await?;
    t.page.fill(CODE_FIELD, &tv.user_code).await?;
    // Twice over: boot.js reads the flow while the WebAssembly loads, and the page reads it again
    // itself when that early read failed without an answer (a dropped connection).
    t.pingone
        .fault(Route::Flows, f.count * 2, f.fault.clone())?;
    t.page.click("Continue").await?;
    t.page.expect_heading("Couldn't load your sign-on").await?;
    t.page.expect_text(f.says).await?;
    t.pingone.clear_faults();
    t.screen("load-failed").await?;
    t.page.click("Try again").await?;

    // Sign on.
    t.page.expect_heading("Sign on").await?;
    t.page.fill("Username", USERNAME).await?;
    t.page.fill("Password", PASSWORD).await?;
    t.inject(&f)?;
    t.page.click("Sign on").await?;
    t.alerted(&f, "sign-on-failed").await?;
    t.page.expect_heading("Sign on").await?;
    assert_eq!(t.page.value_of("Username").await?, USERNAME);
    assert_eq!(t.page.value_of("Password").await?, PASSWORD);
    t.page.click("Sign on").await?;

    // The code.
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    t.inject(&f)?;
    t.page.click("Continue").await?;
    t.alerted(&f, "code-failed").await?;
    assert_eq!(t.page.value_of(CODE_FIELD).await?, tv.user_code);
    t.page.click("Continue").await?;

    // The consent.
    t.tick_confirm().await?;
    t.inject(&f)?;
    t.page.click("Allow").await?;
    t.alerted(&f, "consent-failed").await?;
    t.allow(&tv).await?;

    let flow = t.pingone.only_flow()?;
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
    t.finish().await
}

/// Each kind of failure on each call, each in a browser of its own, at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_call_fails_once_then_a_retry_works() -> Result<()> {
    let results = tokio::join!(
        each_call_fails_once_then_retry_works(Failing {
            name: "503",
            fault: Fault::Status { status: 503 },
            says: "The sign-on service had a problem (HTTP 503). Try again in a moment.",
            recorded: "503 (status)",
            count: 1,
        }),
        each_call_fails_once_then_retry_works(Failing {
            name: "dropped",
            fault: Fault::Drop,
            says: "Couldn't reach the sign-on service. Check your connection and try again; \
                   nothing you entered is lost.",
            recorded: "dropped (drop)",
            count: 3,
        }),
        each_call_fails_once_then_retry_works(Failing {
            name: "malformed",
            fault: Fault::MalformedJson,
            says: "The sign-on service sent an answer this page can't read. Try again.",
            recorded: "200 (malformed_json)",
            count: 1,
        }),
    );
    let failed: Vec<String> = [results.0, results.1, results.2]
        .into_iter()
        .filter_map(|r| r.err().map(|e| format!("{e:#}")))
        .collect();
    ensure!(failed.is_empty(), "{}", failed.join("\n\n"));
    Ok(())
}

/// Three seconds of latency on each call: the page shows it is working (the button is disabled
/// and busy) and carries on when the answer comes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_seconds_of_latency_on_each_call() -> Result<()> {
    let (t, tv) = Test::with_tv("fault-latency").await?;
    let slow = || {
        t.pingone
            .fault(Route::Flows, 1, Fault::Latency { ms: 3000 })
    };

    t.page.open(&t.pingone.page_url("/device")).await?;
    t.page.fill(CODE_FIELD, &tv.user_code).await?;
    slow()?;
    t.page.click("Continue").await?;
    let started = Instant::now();
    t.page.expect_text("Loading…").await?;
    // Screenshots only while the page works: the screen changes under an audit.
    t.page.screenshot("loading-slowly").await?;
    t.page.expect_heading("Sign on").await?;
    ensure!(
        started.elapsed() >= Duration::from_millis(2500),
        "the read was not slow"
    );

    t.page.fill("Username", USERNAME).await?;
    t.page.fill("Password", PASSWORD).await?;
    for (button, next) in [
        ("Sign on", "Enter the code from your device"),
        ("Continue", "Allow this device?"),
        ("Allow", "Your device is connected"),
    ] {
        if button == "Allow" {
            t.tick_confirm().await?;
        }
        slow()?;
        t.page.click(button).await?;
        let started = Instant::now();
        t.page
            .wait(
                &format!("“{button}” to be disabled while it works"),
                Duration::from_secs(2),
                || async { Ok(t.page.is_disabled(button).await?.then_some(())) },
            )
            .await?;
        t.page
            .screenshot(&format!("busy-{}", button.to_lowercase().replace(' ', "-")))
            .await?;
        t.page.expect_heading(next).await?;
        ensure!(
            started.elapsed() >= Duration::from_millis(2500),
            "{button}: the answer came too soon for a 3 s delay"
        );
    }

    let flow = t.pingone.only_flow()?;
    assert_eq!(flow.all(), READ_AND_NEW_USER_STEPS);
    tv.expect_token().await?;
    t.finish().await
}
