//! Hand-off: the sign-on policy asks for a step this page does not do (a second factor, a
//! password change, a status nobody has seen yet): the page explains and hands off to PingOne's
//! hosted sign-on, at the flow's own `_links.signOnPage`, never a dead end. Regionally that is
//! PingOne's apps host, not the API's; on a custom domain, the domain itself.

use anyhow::{Result, ensure};

use crate::harness::{Mode, Test};
use crate::pingone::Received;

in_modes!(
    hand_off,
    unsupported_status_hands_off_to_hosted_sign_on_with_the_flow_id: Regional,
    hand_off_on_a_custom_domain: CustomDomain,
    hand_off_with_a_link_per_action: DistinctLinks,
);

async fn hand_off(mode: Mode) -> Result<()> {
    let (t, tv) = Test::with_tv_in("hand-off", mode).await?;

    // The policy asks for a second factor: the page, reading the flow (here on a reload, which
    // resumes from whatever status PingOne reports), hands off.
    t.page.open(&tv.verification_uri_complete).await?;
    t.page.expect_heading("Sign on").await?;
    let flow = t.pingone.only_flow()?;
    t.pingone.force_status(&flow.id, "OTP_REQUIRED")?;
    t.page.reload().await?;

    t.page
        .expect_screen(
            "One more step to finish signing on",
            &["Continue on the sign-on page; your device will connect when you finish."],
        )
        .await?;
    let (hosted, _) = t.page.link("Continue on the sign-on page").await?;
    let want = match t.pingone.apps_origin() {
        Some(apps) => {
            ensure!(apps != t.pingone.api_origin(), "the apps host is the API's");
            format!("{apps}/{}/signon/?flowId={}", t.pingone.env_id(), flow.id)
        }
        None => format!("{}/signon/?flowId={}", t.pingone.api_origin(), flow.id),
    };
    assert_eq!(hosted, want);
    assert_eq!(
        t.pingone.apps_origin().is_none(),
        mode == Mode::CustomDomain
    );
    t.screen("hand-off").await?;

    // A status no one has seen yet is handed off just the same.
    t.pingone
        .force_status(&flow.id, "A_STATUS_NOBODY_HAS_SEEN")?;
    t.page.reload().await?;
    t.page
        .expect_heading("One more step to finish signing on")
        .await?;
    t.page.click("Continue on the sign-on page").await?;
    t.page
        .expect_heading("PingOne hosted sign-on (emulated)")
        .await?;
    t.page
        .expect_text(&format!(
            "This is PingOne's hosted sign-on for flow {}.",
            flow.id
        ))
        .await?;
    t.page
        .expect_text("It is at step A_STATUS_NOBODY_HAS_SEEN.")
        .await?;
    // PingOne's page, not this project's: kept, not audited.
    t.page.screenshot("hosted-sign-on").await?;

    let flow = t.pingone.only_flow()?;
    ensure!(flow.steps().is_empty(), "the page sent {:?}", flow.steps());
    assert_eq!(flow.all(), ["GET 200", "GET 200", "GET 200"]);
    // The link the page offered is the one the flow gives.
    let links = t.pingone.links(&flow.id).await?;
    assert_eq!(links["signOnPage"]["href"].as_str(), Some(hosted.as_str()));
    tv.expect_still_waiting().await?;
    t.finish().await
}
