//! Path 4: a mistyped code is refused with what was typed kept and the tries left shown; the
//! right one then works. Five wrong codes lock the sign-on (RFC 8628 §5.1).

use anyhow::Result;

use crate::harness::Test;
use crate::{sign_on, wrong_code};

const FIELD: &str = "Code shown on your device";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_code_then_the_right_one() -> Result<()> {
    let t = Test::start("p04-wrong-then-right").await?;
    let (page, pingone) = (&t.page, &t.pingone);
    let tv = pingone.tv().await?;
    let wrong = wrong_code(&tv.user_code, 0);

    page.open(&tv.verification_uri).await?;
    page.fill(FIELD, &wrong).await?;
    page.click("Continue").await?;
    sign_on(page).await?;
    page.expect_heading("Enter the code from your device")
        .await?;
    page.click("Continue").await?;

    page.expect_alert("That code doesn't match a device. Check the code on your device and try again. 4 tries left.")
        .await?;
    assert_eq!(
        page.value_of(FIELD).await?,
        wrong,
        "what was typed stays for correcting"
    );
    page.screenshot("wrong-code").await?;

    page.fill(FIELD, &tv.user_code).await?;
    page.click("Continue").await?;
    page.expect_heading("Allow this device?").await?;
    page.click("Allow").await?;
    page.expect_heading("Your device is connected").await?;

    let flow = pingone.only_flow().await?;
    assert_eq!(flow.failed_code_attempts, 1);
    assert_eq!(
        flow.steps(),
        [
            "usernamePassword.check 200",
            "userCode.verify 400",
            "userCode.verify 200",
            "deviceAuthGrant.consent 200"
        ]
    );
    tv.expect_token_for(&pingone.user_id()).await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_codes_lock_the_sign_on() -> Result<()> {
    let t = Test::start("p04-five-wrong").await?;
    let (page, pingone) = (&t.page, &t.pingone);
    let tv = pingone.tv().await?;

    page.open(&tv.verification_uri_complete).await?;
    sign_on(page).await?;
    page.click("No, enter the code myself").await?;
    for (n, left) in [
        "4 tries left.",
        "3 tries left.",
        "2 tries left.",
        "1 try left.",
    ]
    .into_iter()
    .enumerate()
    {
        let wrong = wrong_code(&tv.user_code, n);
        page.fill(FIELD, &wrong).await?;
        page.click("Continue").await?;
        page.expect_alert(&format!(
            "That code doesn't match a device. Check the code on your device and try again. {left}"
        ))
        .await?;
        assert_eq!(page.value_of(FIELD).await?, wrong);
    }
    page.screenshot("one-try-left").await?;
    page.fill(FIELD, &wrong_code(&tv.user_code, 4)).await?;
    page.click("Continue").await?;

    page.expect_heading("Too many tries").await?;
    page.expect_text("this sign-on is locked after too many wrong codes")
        .await?;
    let (next, _) = page.link("Enter a new code").await?;
    assert_eq!(next, pingone.page_url("/device"));
    page.screenshot("locked").await?;

    let flow = pingone.only_flow().await?;
    assert_eq!(flow.failed_code_attempts, 5);
    assert_eq!(
        flow.steps(),
        [
            "usernamePassword.check 200",
            "userCode.verify 400",
            "userCode.verify 400",
            "userCode.verify 400",
            "userCode.verify 400",
            "userCode.verify 429"
        ]
    );
    tv.expect_still_waiting().await?;
    t.finish().await
}
