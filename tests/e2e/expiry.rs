//! Time runs out. The TV's code expires before it is confirmed (the page says so and offers a
//! new code); the flow sits idle past PingOne's 15 minutes (the page says the sign-on timed out
//! and starting again works); the countdown reaches zero while the person waits.

use anyhow::{Result, ensure};

use crate::harness::{PHONE, Test, config};
use crate::pingone::Received;
use crate::steps::RETURNING_USER_STEPS;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_expired_then_a_new_code_works() -> Result<()> {
    let (t, tv) = Test::signed_on_by_link("code-expired").await?;
    t.page
        .expect_heading("Is this the code on your device?")
        .await?;
    t.pingone.expire_device(&tv.user_code)?;
    t.confirm(&tv).await?;

    t.screen_shows(
        "code-expired",
        "This code has expired",
        &["Get a new code on your device, then enter it here."],
    )
    .await?;
    tv.expect_error("expired_token").await?;

    // The next step: the TV shows a new code, the person types it here.
    let again = t.pingone.tv().await?;
    t.page.click("Enter a new code").await?;
    t.enter_code(&again.user_code).await?;
    t.allow(&again).await?;

    let flow = t.pingone.only_flow()?;
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
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flow_idle_past_its_lifetime_then_start_again() -> Result<()> {
    let (t, tv) = Test::signed_on_by_link("flow-expired").await?;
    t.confirm(&tv).await?;
    t.tick_confirm().await?;
    t.pingone.expire_flow(&t.pingone.only_flow()?.id)?;
    t.page.click("Allow").await?;

    t.screen_shows(
        "flow-expired",
        "This sign-on timed out",
        &["Nothing happened for a while, so the sign-on was closed."],
    )
    .await?;
    let idle = t.pingone.only_flow()?;
    assert_eq!(
        idle.steps().last().map(String::as_str),
        Some("deviceAuthGrant.consent 404")
    );
    tv.expect_still_waiting().await?;

    // "Start again": a new flow, still signed on, the same code.
    t.page.click("Start again").await?;
    t.confirm(&tv).await?;
    t.allow(&tv).await?;

    let flows = t.pingone.flows();
    assert_eq!(flows.len(), 2);
    assert_eq!(flows[1].status, "COMPLETED");
    assert_eq!(flows[1].steps(), RETURNING_USER_STEPS);
    t.finish().await
}

/// The countdown reaches zero while the person waits on a screen: the page does not trust the
/// phone's clock but reads the flow once, and PingOne's `404` turns into the timed-out screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_countdown_reaching_zero_asks_pingone_and_shows_the_time_out() -> Result<()> {
    let mut config = config();
    config.flow_idle_timeout = 4;
    let t = Test::start_with("countdown", config, PHONE).await?;
    let tv = t.pingone.tv().await?;

    t.page.open(&tv.verification_uri_complete).await?;
    t.page
        .expect_screen("Sign on", &["Time left to finish: 0:0"])
        .await?;
    t.page.expect_heading("This sign-on timed out").await?;
    t.screen("countdown-timed-out").await?;

    let flow = t.pingone.only_flow()?;
    ensure!(flow.steps().is_empty(), "the page sent {:?}", flow.steps());
    ensure!(
        flow.all().last().map(String::as_str) == Some("GET 404"),
        "the page should have read the flow at zero and met PingOne's 404: {:?}",
        flow.all()
    );
    tv.expect_still_waiting().await?;
    t.finish().await
}
