//! "Not you?": this browser still holds ada's PingOne session, so a new flow skips the sign-on
//! and goes straight to the code, naming her. Someone else at the same browser says "Not Ada
//! Lovelace?", signs on as grace, and the TV connects to grace's account, not ada's.

use anyhow::Result;

use crate::harness::Test;
use crate::pingone::Received;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_you_signs_on_as_someone_else_and_the_tv_connects_as_them() -> Result<()> {
    // Ada signed on in this browser earlier, for this TV.
    let (t, tv) = Test::signed_on_by_link("not-you").await?;
    t.page
        .expect_heading("Is this the code on your device?")
        .await?;

    // The TV's link again: PingOne knows the browser, so the new flow starts at the code.
    t.page.open(&tv.verification_uri_complete).await?;
    t.page
        .expect_screen(
            "Is this the code on your device?",
            &[tv.user_code.as_str(), "Not Ada Lovelace?"],
        )
        .await?;
    t.page.expect_no_text("Username").await?;
    t.screen("not-you-on-the-code").await?;
    t.page.click("Sign on as someone else").await?;

    t.page.expect_heading("Sign on").await?;
    t.page.expect_no_text("Not Ada Lovelace?").await?;
    t.page
        .fill("Username", emulator::DEMO_LOCKABLE_USERNAME)
        .await?;
    t.page
        .fill("Password", emulator::DEMO_LOCKABLE_PASSWORD)
        .await?;
    t.page.click("Sign on").await?;
    // The code from the link is still the one to confirm.
    t.confirm(&tv).await?;
    t.page
        .expect_screen(
            "Allow this device?",
            &["Signed in as Grace Hopper", "Not Grace Hopper?"],
        )
        .await?;
    t.screen("not-you-on-the-consent").await?;
    let grace = t.pingone.person(emulator::DEMO_LOCKABLE_USERNAME)?;
    t.allow_as(&tv, &grace).await?;

    let flows = t.pingone.flows();
    assert_eq!(flows.len(), 2, "one flow per visit of the link");
    assert_eq!(flows[0].steps(), ["usernamePassword.check 200"]);
    let switched = &flows[1];
    assert_eq!(
        switched.steps(),
        [
            "session.reset 200",
            "usernamePassword.check 200",
            "userCode.verify 200",
            "deviceAuthGrant.consent 200",
        ]
    );
    assert_eq!(switched.user_id.as_deref(), Some(grace.id.as_str()));
    assert_eq!(switched.status, "COMPLETED");
    t.finish().await
}
