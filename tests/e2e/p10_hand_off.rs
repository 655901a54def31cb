//! Path 10: the sign-on policy asks for a step this page does not do (a second factor, a
//! password change, a status nobody has seen yet): the page explains and hands off to PingOne's
//! hosted sign-on with the flow id, never a dead end.

use anyhow::{Result, ensure};

use crate::harness::Test;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_status_hands_off_to_hosted_sign_on_with_the_flow_id() -> Result<()> {
    let t = Test::start("p10-hand-off").await?;
    let (page, pingone) = (&t.page, &t.pingone);
    let tv = pingone.tv().await?;

    // The policy asks for a second factor: the page, reading the flow (here on a reload, which
    // resumes from whatever status PingOne reports), hands off.
    page.open(&tv.verification_uri_complete).await?;
    page.expect_heading("Sign on").await?;
    let flow = pingone.only_flow().await?;
    pingone.force_status(&flow.id, "OTP_REQUIRED").await?;
    page.reload().await?;

    page.expect_heading("One more step on PingOne").await?;
    page.expect_text(
        "Continue on PingOne's sign-on page; your device will connect when you finish.",
    )
    .await?;
    let hosted = format!(
        "{}/{}/signon/?flowId={}",
        pingone.api_origin(),
        pingone.env_id(),
        flow.id
    );
    assert_eq!(page.link("Continue on PingOne").await?.0, hosted);
    page.screenshot("hand-off").await?;

    // A status no one has seen yet is handed off just the same.
    pingone
        .force_status(&flow.id, "A_STATUS_NOBODY_HAS_SEEN")
        .await?;
    page.reload().await?;
    page.expect_heading("One more step on PingOne").await?;
    page.click("Continue on PingOne").await?;
    page.expect_heading("PingOne hosted sign-on (emulated)")
        .await?;
    page.expect_text(&format!(
        "This is PingOne's hosted sign-on for flow {}.",
        flow.id
    ))
    .await?;
    page.expect_text("It is at step A_STATUS_NOBODY_HAS_SEEN.")
        .await?;
    page.screenshot("hosted-sign-on").await?;

    let flow = pingone.only_flow().await?;
    ensure!(flow.steps().is_empty(), "the page sent {:?}", flow.steps());
    assert_eq!(flow.all(), ["GET 200", "GET 200", "GET 200"]);
    tv.expect_still_waiting().await?;
    t.finish().await
}
