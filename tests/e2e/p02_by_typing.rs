//! Path 2: the person types the code from the TV's screen (lower case, a space for the dash)
//! instead of scanning the link; the page normalises it before PingOne sees it.

use anyhow::Result;

use crate::harness::Test;
use crate::sign_on;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_code_in_lower_case_with_a_space_connects_the_tv() -> Result<()> {
    let t = Test::start("p02-typed").await?;
    let (page, pingone) = (&t.page, &t.pingone);
    let tv = pingone.tv().await?;
    let typed = tv.user_code.to_lowercase().replace('-', " ");

    // The address the TV shows, typed into the phone's browser.
    assert_eq!(tv.verification_uri, pingone.page_url("/device"));
    page.open(&tv.verification_uri).await?;
    page.expect_heading("Enter the code from your device")
        .await?;
    page.expect_text("8 letters and numbers, like GKHF-JQBC.")
        .await?;
    // A phone keyboard that helps: no autocorrect, capitals, one-time-code autofill.
    let field = "Code shown on your device";
    assert_eq!(
        page.field_attr(field, "autocomplete").await?.as_deref(),
        Some("one-time-code")
    );
    assert_eq!(
        page.field_attr(field, "autocapitalize").await?.as_deref(),
        Some("characters")
    );
    assert_eq!(
        page.field_attr(field, "spellcheck").await?.as_deref(),
        Some("false")
    );
    page.screenshot("enter-code").await?;
    page.fill(field, &typed).await?;
    page.screenshot("code-typed").await?;
    page.click("Continue").await?;

    sign_on(page).await?;
    // Back on the code step the typed code is still there, as typed, to send.
    page.expect_heading("Enter the code from your device")
        .await?;
    assert_eq!(page.value_of(field).await?, typed);
    page.screenshot("code-after-sign-on").await?;
    page.click("Continue").await?;

    page.expect_heading("Allow this device?").await?;
    page.click("Allow").await?;
    page.expect_heading("Your device is connected").await?;
    page.screenshot("connected").await?;

    let flow = pingone.only_flow().await?;
    // PingOne got the code normalised, both on the way in and in the verification.
    assert_eq!(flow.user_code_hint.as_deref(), Some(tv.user_code.as_str()));
    assert_eq!(flow.user_code.as_deref(), Some(tv.user_code.as_str()));
    assert_eq!(
        flow.steps(),
        [
            "usernamePassword.check 200",
            "userCode.verify 200",
            "deviceAuthGrant.consent 200"
        ]
    );
    tv.expect_token_for(&pingone.user_id()).await?;
    t.finish().await
}
