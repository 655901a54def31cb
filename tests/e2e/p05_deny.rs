//! Path 5: the person denies the device; the page says it was not connected and the TV hears
//! `access_denied`.

use anyhow::Result;

use crate::harness::Test;
use crate::sign_on;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deny_refuses_the_device() -> Result<()> {
    let t = Test::start("p05-deny").await?;
    let (page, pingone) = (&t.page, &t.pingone);
    let tv = pingone.tv().await?;

    page.open(&tv.verification_uri_complete).await?;
    sign_on(page).await?;
    page.click("Yes, it matches").await?;
    page.expect_heading("Allow this device?").await?;
    page.click("Deny").await?;

    page.expect_heading("Device not connected").await?;
    page.expect_text("You denied access, so the device was not connected.")
        .await?;
    let (next, _) = page.link("Enter a new code").await?;
    assert_eq!(next, pingone.page_url("/device"));
    page.screenshot("refused").await?;
    // The refusal stands after a reload: PingOne says the flow failed because access was denied.
    page.reload().await?;
    page.expect_heading("Device not connected").await?;

    let flow = pingone.only_flow().await?;
    assert_eq!(flow.status, "FAILED");
    assert_eq!(
        flow.steps(),
        [
            "usernamePassword.check 200",
            "userCode.verify 200",
            "deviceAuthGrant.consent 200"
        ]
    );
    tv.expect_error("access_denied").await?;
    assert_eq!(pingone.device(&tv.user_code).await?.status, "DENIED");
    t.finish().await
}
