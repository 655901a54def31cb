//! Path 12: the page inside a customer's portal. On a portal of the same site the whole flow works
//! in the frame. On a portal of another site the browser withholds PingOne's session cookie from
//! the frame, so the first read of the flow answers 401: the page says why and offers to continue
//! in a window of its own, where the flow then works.

use anyhow::{Context, Result};

use crate::harness::Test;
use crate::portal::Portal;
use crate::sign_on;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_a_same_site_portal_the_whole_flow_works() -> Result<()> {
    let t = Test::start("p12-iframe-same-site").await?;
    let (page, pingone) = (&t.page, &t.pingone);
    let tv = pingone.tv().await?;
    let portal = Portal::start(&tv.verification_uri_complete).await?;

    page.open(&portal.same_site_url()).await?;
    page.expect_text("Example customer portal").await?;
    page.enter_frame(0).await?;
    sign_on(page).await?;
    page.expect_heading("Is this the code on your device?")
        .await?;
    page.screenshot("confirm-in-frame").await?;
    page.click("Yes, it matches").await?;
    page.click("Allow").await?;
    page.expect_heading("Your device is connected").await?;
    page.screenshot("connected-in-frame").await?;

    let flow = pingone.only_flow().await?;
    assert_eq!(flow.status, "COMPLETED");
    assert_eq!(
        flow.all(),
        [
            "GET 200",
            "usernamePassword.check 200",
            "userCode.verify 200",
            "deviceAuthGrant.consent 200"
        ]
    );
    tv.expect_token_for(&pingone.user_id()).await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_a_cross_site_portal_the_page_offers_a_new_window() -> Result<()> {
    let t = Test::start("p12-iframe-cross-site").await?;
    let (page, pingone) = (&t.page, &t.pingone);
    let tv = pingone.tv().await?;
    let portal = Portal::start(&tv.verification_uri_complete).await?;

    page.open(&portal.cross_site_url()).await?;
    page.expect_text("Example customer portal").await?;
    page.enter_frame(0).await?;
    page.expect_heading("This sign-on needs its own window")
        .await?;
    page.expect_text("This page is shown inside another site, and your browser keeps the sign-on service's cookies from it.")
        .await?;
    let (href, new_window) = page.link("Continue in a new window").await?;
    assert!(new_window, "the link must open a window of its own");
    assert!(href.starts_with(&pingone.page_url("/device")), "{href}");
    page.screenshot("cookie-blocked-in-frame").await?;
    let blocked = pingone.only_flow().await?;
    assert_eq!(blocked.all(), ["GET 401"]);

    let before = page.client().windows().await?;
    page.click("Continue in a new window").await?;
    let opened = page
        .wait("a new window", crate::browser::TIMEOUT, || async {
            let now = page.client().windows().await?;
            Ok(now.into_iter().find(|w| !before.contains(w)))
        })
        .await
        .context("the new window")?;
    page.client().switch_to_window(opened).await?;
    sign_on(page).await?;
    page.expect_heading("Is this the code on your device?")
        .await?;
    page.expect_text(&tv.user_code).await?;
    page.click("Yes, it matches").await?;
    page.click("Allow").await?;
    page.expect_heading("Your device is connected").await?;
    page.screenshot("connected-in-new-window").await?;

    let flows = pingone.flows().await?;
    assert_eq!(flows.len(), 2);
    assert_eq!(flows[1].status, "COMPLETED");
    tv.expect_token_for(&pingone.user_id()).await?;
    t.finish().await
}
