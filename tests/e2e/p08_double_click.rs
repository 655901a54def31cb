//! Path 8: an impatient double-click on any button sends its action once.

use anyhow::Result;
use serde_json::json;

use crate::harness::Test;
use crate::{PASSWORD, USERNAME};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn double_click_on_every_button_sends_each_action_once() -> Result<()> {
    let t = Test::start("p08-double-click").await?;
    let (page, pingone) = (&t.page, &t.pingone);

    // By link: Sign on, Yes it matches, Allow.
    let tv = pingone.tv().await?;
    page.open(&tv.verification_uri_complete).await?;
    page.expect_heading("Sign on").await?;
    page.fill("Username", USERNAME).await?;
    page.fill("Password", PASSWORD).await?;
    page.double_click("Sign on").await?;
    page.expect_heading("Is this the code on your device?")
        .await?;
    page.double_click("Yes, it matches").await?;
    page.expect_heading("Allow this device?").await?;
    page.double_click("Allow").await?;
    page.expect_heading("Your device is connected").await?;

    // By typing, after a failed first read: Continue (before and inside the flow), Try again,
    // Deny.
    let second = pingone.tv().await?;
    page.double_click("Connect another device").await?;
    page.expect_heading("Enter the code from your device")
        .await?;
    page.fill("Code shown on your device", &second.user_code)
        .await?;
    pingone
        .fault("flows", 1, json!({"kind": "status", "status": 503}))
        .await?;
    page.double_click("Continue").await?;
    page.expect_heading("Couldn't load your sign-on").await?;
    page.double_click("Try again").await?;
    page.expect_heading("Enter the code from your device")
        .await?;
    page.double_click("Continue").await?;
    page.expect_heading("Allow this device?").await?;
    page.double_click("Deny").await?;
    page.expect_heading("Device not connected").await?;

    let flows = pingone.flows().await?;
    assert_eq!(
        flows.len(),
        2,
        "one flow per device, however often Continue was clicked"
    );
    assert_eq!(
        flows[0].steps(),
        [
            "usernamePassword.check 200",
            "userCode.verify 200",
            "deviceAuthGrant.consent 200"
        ]
    );
    assert_eq!(
        flows[1].all(),
        [
            "GET 503 (status)",
            "GET 200",
            "userCode.verify 200",
            "deviceAuthGrant.consent 200"
        ]
    );
    tv.expect_token_for(&pingone.user_id()).await?;
    second.expect_error("access_denied").await?;
    t.finish().await
}
