//! Path 7: reloading at any step comes back to the same step (the page asks PingOne where the
//! flow stands), and the code never stays in the address bar once the page has read it.

use anyhow::Result;

use crate::browser::Page;
use crate::harness::Test;
use crate::{PASSWORD, USERNAME, expect_no_code_in_address_bar};

const FIELD: &str = "Code shown on your device";

/// Reloads and waits for the same screen.
async fn reload_to(page: &Page, heading: &str) -> Result<()> {
    page.reload().await?;
    page.expect_heading(heading).await?;
    expect_no_code_in_address_bar(page).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_at_every_step_resumes() -> Result<()> {
    let t = Test::start("p07-reload").await?;
    let (page, pingone) = (&t.page, &t.pingone);
    let tv = pingone.tv().await?;

    // A link whose code was cut short: the page keeps what it got in the field, not in the
    // address bar, and a reload keeps it too.
    page.open(&pingone.page_url("/device?user_code=gkhf"))
        .await?;
    page.expect_heading("Enter the code from your device")
        .await?;
    expect_no_code_in_address_bar(page).await?;
    assert_eq!(page.value_of(FIELD).await?, "gkhf");
    reload_to(page, "Enter the code from your device").await?;
    assert_eq!(page.value_of(FIELD).await?, "gkhf");

    page.open(&tv.verification_uri_complete).await?;
    page.expect_heading("Sign on").await?;
    expect_no_code_in_address_bar(page).await?;
    reload_to(page, "Sign on").await?;
    page.screenshot("sign-on-reloaded").await?;
    page.fill("Username", USERNAME).await?;
    page.fill("Password", PASSWORD).await?;
    page.click("Sign on").await?;

    page.expect_heading("Is this the code on your device?")
        .await?;
    reload_to(page, "Is this the code on your device?").await?;
    // The code came back from this tab's storage, not from the address bar.
    page.expect_text(&tv.user_code).await?;
    page.screenshot("confirm-reloaded").await?;
    page.click("Yes, it matches").await?;

    page.expect_heading("Allow this device?").await?;
    reload_to(page, "Allow this device?").await?;
    page.expect_text("Living-room TV wants to access your account.")
        .await?;
    page.screenshot("consent-reloaded").await?;
    page.click("Allow").await?;

    page.expect_heading("Your device is connected").await?;
    reload_to(page, "Your device is connected").await?;
    page.screenshot("connected-reloaded").await?;

    // Typing a code by hand, then reloading before continuing, keeps nothing in the address bar
    // either.
    let second = pingone.tv().await?;
    page.click("Connect another device").await?;
    page.expect_heading("Enter the code from your device")
        .await?;
    page.fill(FIELD, &second.user_code).await?;
    page.click("Continue").await?;
    page.expect_heading("Enter the code from your device")
        .await?;
    expect_no_code_in_address_bar(page).await?;
    reload_to(page, "Enter the code from your device").await?;
    assert_eq!(
        page.value_of(FIELD).await?,
        second.user_code,
        "the typed code survives a reload"
    );

    let flows = pingone.flows().await?;
    let first = &flows[0];
    assert_eq!(
        first.steps(),
        [
            "usernamePassword.check 200",
            "userCode.verify 200",
            "deviceAuthGrant.consent 200"
        ]
    );
    // One read of the flow per load: the first and four reloads.
    assert_eq!(first.count("GET"), 5, "{:?}", first.all());
    tv.expect_token_for(&pingone.user_id()).await?;
    t.finish().await
}
