//! Already signed on: someone who signed on earlier in this browser connects a second device
//! without seeing the sign-on screen again.

use anyhow::Result;

use crate::harness::Test;
use crate::pingone::Received;
use crate::steps::RETURNING_USER_STEPS;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn already_signed_on_goes_straight_to_the_code() -> Result<()> {
    let t = Test::start("already-signed-on").await?;

    // The first TV, the usual way.
    let first = t.pingone.tv().await?;
    t.connect_by_link(&first).await?;

    // The second TV: the same browser, a new link.
    let second = t.pingone.tv().await?;
    t.page.open(&second.verification_uri_complete).await?;
    t.page
        .expect_screen(
            "Is this the code on your device?",
            &[second.user_code.as_str()],
        )
        .await?;
    t.page.expect_no_text("Username").await?;
    t.screen("confirm-without-sign-on").await?;
    t.confirm(&second).await?;
    t.page
        .expect_screen("Allow this device?", &["Signed in as Ada Lovelace"])
        .await?;
    t.allow(&second).await?;
    t.screen("second-connected").await?;

    let flows = t.pingone.flows();
    assert_eq!(flows.len(), 2, "one flow per device");
    let second_flow = &flows[1];
    assert_eq!(
        second_flow.count("usernamePassword.check"),
        0,
        "{:?}",
        second_flow.all()
    );
    assert_eq!(second_flow.steps(), RETURNING_USER_STEPS);
    assert_eq!(
        second_flow.user_code.as_deref(),
        Some(second.user_code.as_str())
    );
    t.finish().await
}
