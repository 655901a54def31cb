//! Path 3: someone who signed on earlier in this browser connects a second device without
//! seeing the sign-on screen again.

use anyhow::Result;

use crate::harness::Test;
use crate::sign_on;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn already_signed_on_goes_straight_to_the_code() -> Result<()> {
    let t = Test::start("p03-signed-on").await?;
    let (page, pingone) = (&t.page, &t.pingone);

    // The first TV, the usual way.
    let first = pingone.tv().await?;
    page.open(&first.verification_uri_complete).await?;
    sign_on(page).await?;
    page.click("Yes, it matches").await?;
    page.click("Allow").await?;
    page.expect_heading("Your device is connected").await?;

    // The second TV: the same browser, a new link.
    let second = pingone.tv().await?;
    page.open(&second.verification_uri_complete).await?;
    page.expect_heading("Is this the code on your device?")
        .await?;
    page.expect_text(&second.user_code).await?;
    page.expect_no_text("Username").await?;
    page.screenshot("confirm-without-sign-on").await?;
    page.click("Yes, it matches").await?;
    page.expect_heading("Allow this device?").await?;
    page.expect_text("Signed in as Ada Lovelace").await?;
    page.click("Allow").await?;
    page.expect_heading("Your device is connected").await?;
    page.screenshot("second-connected").await?;

    let flows = pingone.flows().await?;
    assert_eq!(flows.len(), 2, "one flow per device");
    let second_flow = &flows[1];
    assert_eq!(
        second_flow.count("usernamePassword.check"),
        0,
        "{:?}",
        second_flow.all()
    );
    assert_eq!(
        second_flow.steps(),
        ["userCode.verify 200", "deviceAuthGrant.consent 200"]
    );
    assert_eq!(
        second_flow.user_code.as_deref(),
        Some(second.user_code.as_str())
    );
    first.expect_token_for(&pingone.user_id()).await?;
    second.expect_token_for(&pingone.user_id()).await?;
    t.finish().await
}
