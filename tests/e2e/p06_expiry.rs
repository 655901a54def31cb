//! Path 6: time runs out. The TV's code expires before it is confirmed (the page says so and
//! offers a new code); the flow sits idle past PingOne's 15 minutes (emulator hook: the page
//! says the sign-on timed out and starting again works).

use anyhow::Result;

use crate::harness::Test;
use crate::sign_on;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_expired_then_a_new_code_works() -> Result<()> {
    let t = Test::start("p06-code-expired").await?;
    let (page, pingone) = (&t.page, &t.pingone);
    let tv = pingone.tv().await?;

    page.open(&tv.verification_uri_complete).await?;
    sign_on(page).await?;
    page.expect_heading("Is this the code on your device?")
        .await?;
    pingone.expire_device(&tv.user_code).await?;
    page.click("Yes, it matches").await?;

    page.expect_heading("This code has expired").await?;
    page.expect_text("Get a new code on your device, then enter it here.")
        .await?;
    page.screenshot("code-expired").await?;
    tv.expect_error("expired_token").await?;

    // The next step: the TV shows a new code, the person types it here.
    let again = pingone.tv().await?;
    page.click("Enter a new code").await?;
    page.expect_heading("Enter the code from your device")
        .await?;
    page.fill("Code shown on your device", &again.user_code)
        .await?;
    page.click("Continue").await?;
    page.expect_heading("Allow this device?").await?;
    page.click("Allow").await?;
    page.expect_heading("Your device is connected").await?;

    let flow = pingone.only_flow().await?;
    assert_eq!(
        flow.steps(),
        [
            "usernamePassword.check 200",
            "userCode.verify 400",
            "userCode.verify 200",
            "deviceAuthGrant.consent 200"
        ]
    );
    assert_eq!(flow.user_code.as_deref(), Some(again.user_code.as_str()));
    again.expect_token_for(&pingone.user_id()).await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flow_idle_past_its_lifetime_then_start_again() -> Result<()> {
    let t = Test::start("p06-flow-expired").await?;
    let (page, pingone) = (&t.page, &t.pingone);
    let tv = pingone.tv().await?;

    page.open(&tv.verification_uri_complete).await?;
    sign_on(page).await?;
    page.click("Yes, it matches").await?;
    page.expect_heading("Allow this device?").await?;
    let idle = pingone.only_flow().await?;
    pingone.expire_flow(&idle.id).await?;
    page.click("Allow").await?;

    page.expect_heading("This sign-on timed out").await?;
    page.expect_text("Nothing happened for a while, so the sign-on was closed.")
        .await?;
    page.screenshot("flow-expired").await?;
    let idle = pingone.only_flow().await?;
    assert_eq!(
        idle.steps().last().map(String::as_str),
        Some("deviceAuthGrant.consent 404")
    );
    tv.expect_still_waiting().await?;

    // "Start again": a new flow, still signed on, the same code.
    page.click("Start again").await?;
    page.expect_heading("Is this the code on your device?")
        .await?;
    page.expect_text(&tv.user_code).await?;
    page.click("Yes, it matches").await?;
    page.click("Allow").await?;
    page.expect_heading("Your device is connected").await?;

    let flows = pingone.flows().await?;
    assert_eq!(flows.len(), 2);
    assert_eq!(flows[1].status, "COMPLETED");
    assert_eq!(
        flows[1].steps(),
        ["userCode.verify 200", "deviceAuthGrant.consent 200"]
    );
    tv.expect_token_for(&pingone.user_id()).await?;
    t.finish().await
}

/// The countdown reaches zero while the person waits on a screen: the page does not trust the
/// phone's clock but reads the flow once, and PingOne's `404` turns into the timed-out screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_countdown_reaching_zero_asks_pingone_and_shows_the_time_out() -> Result<()> {
    let mut config = crate::harness::config();
    config.flow_idle_timeout = 4;
    let t = Test::start_with("p06-countdown", config, crate::harness::PHONE).await?;
    let (page, pingone) = (&t.page, &t.pingone);
    let tv = pingone.tv().await?;

    page.open(&tv.verification_uri_complete).await?;
    page.expect_heading("Sign on").await?;
    page.expect_text("Time left to finish: 0:0").await?;
    page.expect_heading("This sign-on timed out").await?;
    page.screenshot("countdown-timed-out").await?;

    let flow = pingone.only_flow().await?;
    anyhow::ensure!(flow.steps().is_empty(), "the page sent {:?}", flow.steps());
    anyhow::ensure!(
        flow.all().last().map(String::as_str) == Some("GET 404"),
        "the page should have read the flow at zero and met PingOne's 404: {:?}",
        flow.all()
    );
    tv.expect_still_waiting().await?;
    t.finish().await
}
