//! Reload: reloading at any step comes back to the same step (the page asks PingOne where the
//! flow stands), and the code never stays in the address bar once the page has read it.

use anyhow::Result;

use crate::harness::Test;
use crate::pingone::Received;
use crate::steps::{CODE_FIELD, NEW_USER_STEPS, expect_no_code_in_address_bar};

impl Test {
    /// On the screen titled `heading`, with no code in the address bar, reloads and comes back
    /// to the same screen, still with no code in the address bar.
    async fn reload_at(&self, heading: &str) -> Result<()> {
        self.page.expect_heading(heading).await?;
        expect_no_code_in_address_bar(&self.page).await?;
        self.page.reload().await?;
        self.page.expect_heading(heading).await?;
        expect_no_code_in_address_bar(&self.page).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_at_every_step_resumes() -> Result<()> {
    let (t, tv) = Test::with_tv("reload").await?;

    // A link whose code was cut short: the page keeps what it got in the field, not in the
    // address bar, and a reload keeps it too.
    t.page
        .open(&t.pingone.page_url("/device?user_code=gkhf"))
        .await?;
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    assert_eq!(t.page.value_of(CODE_FIELD).await?, "gkhf");
    t.reload_at("Enter the code from your device").await?;
    assert_eq!(t.page.value_of(CODE_FIELD).await?, "gkhf");

    t.page.open(&tv.verification_uri_complete).await?;
    t.reload_at("Sign on").await?;
    t.screen("sign-on-reloaded").await?;
    t.sign_on().await?;

    // The code comes back from this tab's storage, not from the address bar.
    t.reload_at("Is this the code on your device?").await?;
    t.screen("confirm-reloaded").await?;
    t.confirm(&tv).await?;

    t.reload_at("Allow this device?").await?;
    t.page
        .expect_text("Living-room TV wants to access your account.")
        .await?;
    t.screen("consent-reloaded").await?;
    t.allow(&tv).await?;

    t.reload_at("Your device is connected").await?;
    t.screen("connected-reloaded").await?;

    // Typing a code by hand, then reloading before continuing, keeps nothing in the address bar
    // either.
    let second = t.pingone.tv().await?;
    t.page.click("Connect another device").await?;
    t.enter_code(&second.user_code).await?;
    t.reload_at("Enter the code from your device").await?;
    assert_eq!(
        t.page.value_of(CODE_FIELD).await?,
        second.user_code,
        "the typed code survives a reload"
    );

    let flows = t.pingone.flows();
    let first = &flows[0];
    assert_eq!(first.steps(), NEW_USER_STEPS);
    // One read of the flow per load: the first and four reloads.
    assert_eq!(first.count("GET"), 5, "{:?}", first.all());
    t.finish().await
}
