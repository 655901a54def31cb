//! By link: a new user scans the TV's QR code (the link carries the code), signs on, confirms
//! the code, allows the device, and the TV's next poll returns its tokens. On a regional host, on
//! a custom domain, and with a link of its own for every action (which only a page that follows
//! the flow's `_links` gets through).

use anyhow::{Result, ensure};

use crate::harness::{Mode, Test};
use crate::pingone::Received;
use crate::steps::{
    NEW_USER_STEPS, PASSWORD, USERNAME, expect_fresh_countdown, expect_no_code_in_address_bar,
};

in_modes!(
    by_link,
    link_with_code_new_user_signs_on_confirms_allows_and_the_tv_gets_a_token: Regional,
    link_with_code_on_a_custom_domain: CustomDomain,
    link_with_code_with_a_link_per_action: DistinctLinks,
);

async fn by_link(mode: Mode) -> Result<()> {
    let (t, tv) = Test::with_tv_in("by-link", mode).await?;
    ensure!(
        tv.verification_uri_complete
            .starts_with(&t.pingone.page_url("/device?user_code=")),
        "the QR code should lead to this page: {}",
        tv.verification_uri_complete
    );

    t.page.open(&tv.verification_uri_complete).await?;
    t.page
        .expect_screen("Sign on", &["Sign on to connect your device."])
        .await?;
    expect_no_code_in_address_bar(&t.page).await?;
    // PingOne's redirect names the environment, except on a custom domain.
    let back = t.page.url().await?;
    ensure!(
        back.contains("environmentId=") == (mode != Mode::CustomDomain),
        "PingOne sent the browser back to {back}"
    );
    // With a link per action, signing on anywhere but at its link is refused.
    let links = t.pingone.links(&t.pingone.only_flow()?.id).await?;
    ensure!(
        (links["usernamePassword.check"] != links["self"]) == (mode == Mode::DistinctLinks),
        "the flow's links: {links}"
    );
    expect_fresh_countdown(&t.page).await?;
    t.screen("sign-on").await?;
    t.page.fill("Username", USERNAME).await?;
    t.page.fill("Password", PASSWORD).await?;
    t.page.click("Sign on").await?;

    t.page
        .expect_screen(
            "Is this the code on your device?",
            &["If you didn't start this on a device you own, stop here"],
        )
        .await?;
    expect_fresh_countdown(&t.page).await?;
    t.screen("confirm-code").await?;
    t.confirm(&tv).await?;

    t.page
        .expect_screen(
            "Allow this device?",
            &[
                "Living-room TV wants to access your account.",
                "Know who you are: your PingOne user id",
                "See your name and username",
                "Signed in as Ada Lovelace",
            ],
        )
        .await?;
    expect_fresh_countdown(&t.page).await?;
    t.screen("consent").await?;
    t.allow(&tv).await?;

    t.page
        .expect_text("You can go back to your device now")
        .await?;
    expect_no_code_in_address_bar(&t.page).await?;
    t.screen("connected").await?;

    let flow = t.pingone.only_flow()?;
    assert_eq!(flow.status, "COMPLETED");
    assert_eq!(flow.steps(), NEW_USER_STEPS);
    assert_eq!(flow.user_code.as_deref(), Some(tv.user_code.as_str()));
    assert_eq!(flow.user_id, Some(t.pingone.user_id()));
    t.finish().await
}
