//! Deny: the person denies the device; the page says it was not connected, the refusal stands
//! after a reload, and the TV hears `access_denied`. On a regional host and on a custom domain.

use anyhow::Result;

use crate::harness::{Mode, Test};
use crate::pingone::Received;
use crate::steps::NEW_USER_STEPS;

in_modes!(
    deny,
    deny_refuses_the_device: Regional,
    deny_on_a_custom_domain: CustomDomain,
);

async fn deny(mode: Mode) -> Result<()> {
    let (t, tv) = Test::signed_on_by_link_in("deny", mode).await?;
    t.confirm(&tv).await?;
    t.deny(&tv).await?;

    t.page
        .expect_text("You denied access, so the device was not connected.")
        .await?;
    t.expect_new_code_link().await?;
    t.screen("refused").await?;
    // The refusal stands after a reload: PingOne says the flow failed because access was denied.
    t.page.reload().await?;
    t.page.expect_heading("Device not connected").await?;

    let flow = t.pingone.only_flow()?;
    assert_eq!(flow.status, "FAILED");
    assert_eq!(flow.steps(), NEW_USER_STEPS);
    assert_eq!(t.pingone.device(&tv.user_code)?.status, "DENIED");
    t.finish().await
}
