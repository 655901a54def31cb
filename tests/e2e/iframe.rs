//! Iframe: the page inside a customer's portal. On a portal of the same site the whole flow works
//! in the frame. On a portal of another site the browser withholds PingOne's session cookie from
//! the frame: reading the flow and signing on need none, but the first call after the sign-on
//! answers 401. The page says why and offers to continue in a window of its own, where the flow
//! then works.

use anyhow::Result;

use crate::harness::Test;
use crate::pingone::Received;
use crate::portal::Site;
use crate::steps::READ_AND_NEW_USER_STEPS;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_a_same_site_portal_the_whole_flow_works() -> Result<()> {
    let (t, tv) = Test::in_portal("iframe-same-site", Site::Same).await?;
    t.sign_on().await?;
    t.page
        .expect_heading("Is this the code on your device?")
        .await?;
    t.screen("confirm-in-frame").await?;
    t.confirm(&tv).await?;
    t.allow(&tv).await?;
    t.screen("connected-in-frame").await?;

    let flow = t.pingone.only_flow()?;
    assert_eq!(flow.status, "COMPLETED");
    assert_eq!(flow.all(), READ_AND_NEW_USER_STEPS);
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_a_cross_site_portal_the_page_offers_a_new_window() -> Result<()> {
    let (t, tv) = Test::in_portal("iframe-cross-site", Site::Other).await?;
    t.sign_on().await?;
    t.confirm(&tv).await?;
    t.page
        .expect_screen(
            "This sign-on needs its own window",
            &[
                "This page is shown inside another site, and your browser keeps the sign-on \
               service's cookies from it.",
            ],
        )
        .await?;
    let (href, new_window) = t.page.link("Continue in a new window").await?;
    assert!(new_window, "the link must open a window of its own");
    assert!(href.starts_with(&t.pingone.page_url("/device")), "{href}");
    t.screen("cookie-blocked-in-frame").await?;
    assert_eq!(
        t.pingone.only_flow()?.all(),
        [
            "GET 200",
            "usernamePassword.check 200",
            "userCode.verify 401"
        ]
    );

    t.page
        .click_into_new_window("Continue in a new window")
        .await?;
    t.sign_on().await?;
    t.confirm(&tv).await?;
    t.allow(&tv).await?;
    t.screen("connected-in-new-window").await?;

    let flows = t.pingone.flows();
    assert_eq!(flows.len(), 2);
    assert_eq!(flows[1].status, "COMPLETED");
    t.finish().await
}
