//! Accessibility beyond the audit every path runs on its screens: the whole flow done with the
//! keyboard alone, focus landing on each new screen's heading and always visible; and the
//! screens no other path reaches (a lost session, an unreachable or unknown address), audited.

use anyhow::{Result, ensure};
use browser_kit::Key;
use emulator::hooks::{Fault, Route};

use crate::harness::Test;
use crate::pingone::Received;
use crate::steps::{
    CODE_FIELD, CONFIRM_BOX, NEW_USER_STEPS, PASSWORD, RETURNING_USER_STEPS, USERNAME,
};

impl Test {
    /// Waits for a new screen and checks focus moved to its heading.
    async fn focus_on(&self, heading: &str) -> Result<()> {
        self.page.expect_heading(heading).await?;
        let want = format!("h2 {heading}");
        self.page
            .wait(
                &format!("focus on the heading “{heading}”"),
                browser_kit::TIMEOUT,
                || async { Ok((self.page.focused().await? == want).then_some(())) },
            )
            .await?;
        Ok(())
    }

    /// Tabs to `control` (within `limit` presses) and checks it shows it has focus (an outline).
    async fn tab_to_visibly(&self, control: &str, limit: usize) -> Result<()> {
        self.page.tab_to(control, limit).await?;
        let v = self
            .page
            .js(
                "const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth];",
                vec![],
            )
            .await?;
        ensure!(
            v[0] != "none" && v[1] != "0px",
            "the focused {control} shows no focus outline ({v})"
        );
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_with_the_keyboard_alone() -> Result<()> {
    let (t, tv) = Test::with_tv("keyboard").await?;

    t.page.open(&tv.verification_uri_complete).await?;
    t.focus_on("Sign on").await?;
    t.tab_to_visibly("field Username", 3).await?;
    t.page.type_text(USERNAME).await?;
    t.page.tab_to("field Password", 1).await?;
    t.page.type_text(PASSWORD).await?;
    t.screen("sign-on-typed").await?;
    t.page.press(Key::Enter).await?;

    t.focus_on("Is this the code on your device?").await?;
    t.tab_to_visibly("button Yes, it matches", 3).await?;
    t.screen("confirm-focused").await?;
    t.page.press(Key::Enter).await?;

    t.focus_on("Allow this device?").await?;
    t.tab_to_visibly(&format!("field {CONFIRM_BOX}"), 3).await?;
    t.page.press(Key::Space).await?;
    t.tab_to_visibly("button Allow", 3).await?;
    t.screen("allow-focused").await?;
    t.page.press(Key::Space).await?;

    t.focus_on("Your device is connected").await?;
    t.page.tab_to("a Connect another device", 2).await?;
    t.page.press(Key::Enter).await?;

    // A second device, code typed, refused: the keyboard again.
    let second = t.pingone.tv().await?;
    t.focus_on("Enter the code from your device").await?;
    t.page.tab_to(&format!("field {CODE_FIELD}"), 2).await?;
    t.page.type_text(&second.user_code.to_lowercase()).await?;
    t.page.press(Key::Enter).await?;
    t.focus_on("Enter the code from your device").await?;
    t.page.tab_to("button Continue", 3).await?;
    t.page.press(Key::Enter).await?;
    t.focus_on("Allow this device?").await?;
    t.tab_to_visibly("button Deny", 3).await?;
    t.page.press(Key::Enter).await?;
    t.focus_on("Device not connected").await?;
    t.screen("refused").await?;

    let flows = t.pingone.flows();
    assert_eq!(flows[0].steps(), NEW_USER_STEPS);
    assert_eq!(flows[1].steps(), RETURNING_USER_STEPS);
    tv.expect_token().await?;
    second.expect_error("access_denied").await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screens_no_path_reaches_are_accessible() -> Result<()> {
    let (t, tv) = Test::with_tv("unreached-screens").await?;

    // The session cookie the sign-on set is gone (cleared, or another browser) when the page
    // reads the flow again.
    t.page.open(&tv.verification_uri_complete).await?;
    t.sign_on().await?;
    t.page
        .expect_heading("Is this the code on your device?")
        .await?;
    t.page.forget_cookies().await?;
    t.page.reload().await?;
    t.page
        .expect_heading("Your sign-on session wasn't found")
        .await?;
    t.screen("not-signed-in").await?;

    // The configuration cannot be loaded now: a retry works.
    t.pingone
        .fault(Route::Config, 1, Fault::Status { status: 503 })?;
    t.page.open(&t.pingone.page_url("/device")).await?;
    t.page.expect_heading("Couldn't load this page").await?;
    t.screen("config-unreachable").await?;
    t.page.click("Try again").await?;
    // This tab still remembers the last code it was given, and offers it for confirming.
    t.page
        .expect_screen("Is this the code on your device?", &[tv.user_code.as_str()])
        .await?;

    // Not the page's address.
    t.page.open(&t.pingone.page_url("/device/nowhere")).await?;
    t.page.expect_heading("Page not found").await?;
    t.screen("not-found").await?;

    let flow = t.pingone.only_flow()?;
    assert_eq!(flow.status, "DAG_USER_CODE_REQUIRED");
    assert_eq!(
        flow.all(),
        ["GET 200", "usernamePassword.check 200", "GET 401"]
    );
    tv.expect_still_waiting().await?;
    t.finish().await
}
