//! PingOne sends the browser back with an error: the hand-off could not start a flow, and the
//! login page's address carries `error`, a PingOne error body. The page says sign-on couldn't
//! continue, quotes the error's `id` for support, and "Start again" leads back to PingOne's
//! hand-off with the code, where the TV then connects.

use anyhow::{Context, Result};
use emulator::hooks::{Fault, Route};

use crate::harness::Test;
use crate::pingone::Received;
use crate::steps::NEW_USER_STEPS;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_on_the_way_back_shows_its_id_and_starting_again_connects() -> Result<()> {
    let (t, tv) = Test::with_tv("login-error").await?;
    t.pingone.fault(
        Route::Device,
        1,
        Fault::ErrorRedirect {
            code: "REQUEST_FAILED".to_owned(),
        },
    )?;
    t.page.open(&tv.verification_uri_complete).await?;

    t.page
        .expect_screen(
            "Sign-on couldn't continue",
            &["The sign-on service sent you back here with a problem."],
        )
        .await?;
    let sent = error_in_address_bar(&t).await?;
    assert_eq!(sent["code"], "REQUEST_FAILED");
    let id = sent["id"].as_str().context("the error has no id")?;
    t.page
        .expect_text(&format!("Reference for support: {id}"))
        .await?;
    let (again, _) = t.page.link("Start again").await?;
    assert_eq!(again, t.pingone.hand_off_url(&tv.user_code));
    t.screen("login-error").await?;
    assert!(t.pingone.flows().is_empty(), "PingOne started no flow");

    t.page.click("Start again").await?;
    t.sign_on().await?;
    t.confirm(&tv).await?;
    t.allow(&tv).await?;
    assert_eq!(t.pingone.only_flow()?.steps(), NEW_USER_STEPS);
    t.finish().await
}

/// The PingOne error body the redirect put in the address bar's `error`.
async fn error_in_address_bar(t: &Test) -> Result<serde_json::Value> {
    let url = t.page.url().await?;
    let parsed = reqwest::Url::parse(&url).with_context(|| format!("the address {url}"))?;
    let error = parsed
        .query_pairs()
        .find(|(key, _)| key == "error")
        .map(|(_, value)| value.into_owned())
        .with_context(|| format!("no error in the address {url}"))?;
    serde_json::from_str(&error).with_context(|| format!("the error {error}"))
}
