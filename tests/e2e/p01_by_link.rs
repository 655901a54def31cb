//! Path 1: a new user scans the TV's QR code (the link carries the code), signs on, confirms the
//! code, allows the device, and the TV's next poll returns its tokens.

use anyhow::{Result, ensure};

use crate::harness::Test;
use crate::{PASSWORD, USERNAME, expect_fresh_countdown, expect_no_code_in_address_bar};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_with_code_new_user_signs_on_confirms_allows_and_the_tv_gets_a_token() -> Result<()> {
    let t = Test::start("p01-link").await?;
    let (page, pingone) = (&t.page, &t.pingone);
    let tv = pingone.tv().await?;
    ensure!(
        tv.verification_uri_complete
            .starts_with(&pingone.page_url("/device?user_code=")),
        "the QR code should lead to this page: {}",
        tv.verification_uri_complete
    );

    page.open(&tv.verification_uri_complete).await?;
    page.expect_heading("Sign on").await?;
    expect_no_code_in_address_bar(page).await?;
    page.expect_text("Sign on to connect your device.").await?;
    expect_fresh_countdown(page).await?;
    page.screenshot("sign-on").await?;
    page.fill("Username", USERNAME).await?;
    page.fill("Password", PASSWORD).await?;
    page.click("Sign on").await?;

    page.expect_heading("Is this the code on your device?")
        .await?;
    page.expect_text(&tv.user_code).await?;
    expect_fresh_countdown(page).await?;
    page.expect_text("If you didn't start this on a device you own, stop here")
        .await?;
    page.screenshot("confirm-code").await?;
    page.click("Yes, it matches").await?;

    page.expect_heading("Allow this device?").await?;
    page.expect_text("Living-room TV wants to access your account.")
        .await?;
    page.expect_text("Know who you are: your PingOne user id")
        .await?;
    page.expect_text("See your name and username").await?;
    page.expect_text("Signed in as Ada Lovelace").await?;
    expect_fresh_countdown(page).await?;
    page.screenshot("consent").await?;
    page.click("Allow").await?;

    page.expect_heading("Your device is connected").await?;
    page.expect_text("You can go back to your device now")
        .await?;
    expect_no_code_in_address_bar(page).await?;
    page.screenshot("connected").await?;

    let flow = pingone.only_flow().await?;
    assert_eq!(flow.status, "COMPLETED");
    assert_eq!(
        flow.steps(),
        [
            "usernamePassword.check 200",
            "userCode.verify 200",
            "deviceAuthGrant.consent 200"
        ]
    );
    assert_eq!(flow.user_code.as_deref(), Some(tv.user_code.as_str()));
    assert_eq!(flow.user_id, Some(pingone.user_id()));
    tv.expect_token_for(&pingone.user_id()).await?;
    t.finish().await
}
