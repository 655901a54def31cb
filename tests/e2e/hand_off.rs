//! Hand-off: the sign-on policy asks for a step this page does not do (a second factor, a
//! password change, a status nobody has seen yet): the page explains and hands off to PingOne's
//! hosted sign-on with the flow id, never a dead end.

use anyhow::{Result, ensure};

use crate::harness::Test;
use crate::pingone::Received;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_status_hands_off_to_hosted_sign_on_with_the_flow_id() -> Result<()> {
    let (t, tv) = Test::with_tv("hand-off").await?;

    // The policy asks for a second factor: the page, reading the flow (here on a reload, which
    // resumes from whatever status PingOne reports), hands off.
    t.page.open(&tv.verification_uri_complete).await?;
    t.page.expect_heading("Sign on").await?;
    let flow = t.pingone.only_flow()?;
    t.pingone.force_status(&flow.id, "OTP_REQUIRED")?;
    t.page.reload().await?;

    t.page
        .expect_screen(
            "One more step to finish signing on",
            &["Continue on the sign-on page; your device will connect when you finish."],
        )
        .await?;
    let hosted = format!(
        "{}/{}/signon/?flowId={}",
        t.pingone.api_origin(),
        t.pingone.env_id(),
        flow.id
    );
    assert_eq!(t.page.link("Continue on the sign-on page").await?.0, hosted);
    t.screen("hand-off").await?;

    // A status no one has seen yet is handed off just the same.
    t.pingone
        .force_status(&flow.id, "A_STATUS_NOBODY_HAS_SEEN")?;
    t.page.reload().await?;
    t.page
        .expect_heading("One more step to finish signing on")
        .await?;
    t.page.click("Continue on the sign-on page").await?;
    t.page
        .expect_heading("PingOne hosted sign-on (emulated)")
        .await?;
    t.page
        .expect_text(&format!(
            "This is PingOne's hosted sign-on for flow {}.",
            flow.id
        ))
        .await?;
    t.page
        .expect_text("It is at step A_STATUS_NOBODY_HAS_SEEN.")
        .await?;
    // PingOne's page, not this project's: kept, not audited.
    t.page.screenshot("hosted-sign-on").await?;

    let flow = t.pingone.only_flow()?;
    ensure!(flow.steps().is_empty(), "the page sent {:?}", flow.steps());
    assert_eq!(flow.all(), ["GET 200", "GET 200", "GET 200"]);
    tv.expect_still_waiting().await?;
    t.finish().await
}
