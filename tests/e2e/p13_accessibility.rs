//! Path 13: accessibility. axe-core finds no violation on any screen (every step, every end
//! state, every problem message), and the whole flow can be done with the keyboard alone, with
//! focus landing on each new screen's heading.

use anyhow::{Result, ensure};
use fantoccini::key::Key;
use serde_json::json;

use crate::axe::expect_accessible;
use crate::browser::Page;
use crate::harness::Test;
use crate::portal::Portal;
use crate::{PASSWORD, USERNAME, sign_on, wrong_code};

const FIELD: &str = "Code shown on your device";

/// axe-core on the screen on show, with its screenshot.
async fn audit(page: &Page, screen: &str) -> Result<()> {
    page.screenshot(screen).await?;
    expect_accessible(page, screen).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_nothing_on_the_steps_of_the_flow() -> Result<()> {
    let t = Test::start("p13-axe-steps").await?;
    let (page, pingone) = (&t.page, &t.pingone);
    let tv = pingone.tv().await?;

    page.open(&pingone.page_url("/device")).await?;
    page.expect_heading("Enter the code from your device")
        .await?;
    audit(page, "enter-code").await?;
    page.fill(FIELD, "abc").await?;
    page.click("Continue").await?;
    page.expect_alert("That's 3 letters and numbers; the code has 8.")
        .await?;
    audit(page, "enter-code-too-short").await?;
    page.fill(FIELD, &wrong_code(&tv.user_code, 0)).await?;
    page.click("Continue").await?;

    page.expect_heading("Sign on").await?;
    audit(page, "sign-on").await?;
    page.fill("Username", USERNAME).await?;
    page.fill("Password", "not-the-password").await?;
    page.click("Sign on").await?;
    page.expect_alert("Wrong username or password.").await?;
    audit(page, "sign-on-wrong-password").await?;
    page.fill("Password", PASSWORD).await?;
    page.click("Sign on").await?;

    page.expect_heading("Enter the code from your device")
        .await?;
    page.click("Continue").await?;
    page.expect_alert("That code doesn't match a device.")
        .await?;
    audit(page, "enter-code-wrong").await?;
    page.fill(FIELD, &tv.user_code).await?;
    page.click("Continue").await?;
    page.expect_heading("Allow this device?").await?;
    audit(page, "consent").await?;
    page.click("Allow").await?;
    page.expect_heading("Your device is connected").await?;
    audit(page, "connected").await?;

    let second = pingone.tv().await?;
    page.open(&second.verification_uri_complete).await?;
    page.expect_heading("Is this the code on your device?")
        .await?;
    audit(page, "confirm-code").await?;
    page.click("Yes, it matches").await?;
    page.click("Deny").await?;
    page.expect_heading("Device not connected").await?;
    audit(page, "refused").await?;

    tv.expect_token_for(&pingone.user_id()).await?;
    second.expect_error("access_denied").await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_nothing_on_the_end_states_and_problems() -> Result<()> {
    let t = Test::start("p13-axe-ends").await?;
    let (page, pingone) = (&t.page, &t.pingone);

    // Code already used: a connected TV's code typed in again.
    let used = pingone.tv().await?;
    page.open(&used.verification_uri_complete).await?;
    sign_on(page).await?;
    page.click("Yes, it matches").await?;
    page.click("Allow").await?;
    page.click("Connect another device").await?;
    page.fill(FIELD, &used.user_code).await?;
    page.click("Continue").await?;
    page.expect_heading("Enter the code from your device")
        .await?;
    page.click("Continue").await?;
    page.expect_heading("This code was already used").await?;
    audit(page, "code-used").await?;

    // Code expired.
    let expired = pingone.tv().await?;
    page.open(&expired.verification_uri_complete).await?;
    page.expect_heading("Is this the code on your device?")
        .await?;
    pingone.expire_device(&expired.user_code).await?;
    page.click("Yes, it matches").await?;
    page.expect_heading("This code has expired").await?;
    audit(page, "code-expired").await?;

    // Too many tries.
    let locked = pingone.tv().await?;
    page.open(&locked.verification_uri_complete).await?;
    page.click("No, enter the code myself").await?;
    for n in 0..5 {
        page.fill(FIELD, &wrong_code(&locked.user_code, n)).await?;
        page.click("Continue").await?;
        if n < 4 {
            page.expect_alert(if n == 3 { "1 try left." } else { "tries left." })
                .await?;
        }
    }
    page.expect_heading("Too many tries").await?;
    audit(page, "too-many-tries").await?;

    // Flow idle past its lifetime.
    let tv = pingone.tv().await?;
    page.open(&tv.verification_uri_complete).await?;
    page.expect_heading("Is this the code on your device?")
        .await?;
    pingone
        .expire_flow(&pingone.latest_flow().await?.id)
        .await?;
    page.click("Yes, it matches").await?;
    page.expect_heading("This sign-on timed out").await?;
    audit(page, "flow-expired").await?;

    // A step for PingOne's hosted pages.
    let tv = pingone.tv().await?;
    page.open(&tv.verification_uri_complete).await?;
    page.expect_heading("Is this the code on your device?")
        .await?;
    let flow = pingone.latest_flow().await?;
    pingone
        .force_status(&flow.id, "MUST_CHANGE_PASSWORD")
        .await?;
    page.reload().await?;
    page.expect_heading("One more step on PingOne").await?;
    audit(page, "hand-off").await?;

    // The first read fails.
    pingone
        .fault("flows", 1, json!({"kind": "status", "status": 503}))
        .await?;
    page.reload().await?;
    page.expect_heading("Couldn't load your sign-on").await?;
    audit(page, "load-failed").await?;

    // The session cookie is gone (cleared, or another browser).
    page.client().delete_all_cookies().await?;
    page.reload().await?;
    page.expect_heading("Your sign-on session wasn't found")
        .await?;
    audit(page, "not-signed-in").await?;

    // The configuration cannot be loaded now: a retry.
    pingone
        .fault("config", 1, json!({"kind": "status", "status": 503}))
        .await?;
    page.open(&pingone.page_url("/device")).await?;
    page.expect_heading("Couldn't load this page").await?;
    audit(page, "config-unreachable").await?;
    page.click("Try again").await?;
    // This tab still remembers the last code it was given, and offers it for confirming.
    page.expect_heading("Is this the code on your device?")
        .await?;

    // The configuration is broken: the operator's to fix.
    pingone
        .fault("config", 1, json!({"kind": "malformed_json"}))
        .await?;
    page.open(&pingone.page_url("/device")).await?;
    page.expect_heading("This page is not set up correctly")
        .await?;
    audit(page, "config-problem").await?;

    // Inside another site's frame.
    let tv = pingone.tv().await?;
    let portal = Portal::start(&tv.verification_uri_complete).await?;
    page.open(&portal.cross_site_url()).await?;
    page.enter_frame(0).await?;
    page.expect_heading("This sign-on needs its own window")
        .await?;
    audit(page, "cookie-blocked").await?;
    page.leave_frames().await?;

    // Not the page's address.
    page.open(&pingone.page_url("/device/nowhere")).await?;
    page.expect_heading("Page not found").await?;
    audit(page, "not-found").await?;

    let flows = pingone.flows().await?;
    let statuses: Vec<&str> = flows.iter().map(|f| f.status.as_str()).collect();
    assert_eq!(
        statuses,
        [
            "COMPLETED",
            "DAG_USER_CODE_REQUIRED",
            "DAG_USER_CODE_REQUIRED",
            "DAG_USER_CODE_REQUIRED",
            "DAG_USER_CODE_REQUIRED",
            "MUST_CHANGE_PASSWORD",
            "USERNAME_PASSWORD_REQUIRED"
        ]
    );
    assert_eq!(flows[1].steps(), ["userCode.verify 400"], "the used code");
    assert_eq!(flows[3].failed_code_attempts, 5);
    assert_eq!(flows[5].all().last().map(String::as_str), Some("GET 401"));
    used.expect_token_for(&pingone.user_id()).await?;
    expired.expect_error("expired_token").await?;
    locked.expect_still_waiting().await?;
    t.finish().await
}

/// Waits for a new screen and checks focus moved to its heading.
async fn focus_on(page: &Page, heading: &str) -> Result<()> {
    page.expect_heading(heading).await?;
    let want = format!("h2 {heading}");
    page.wait(
        &format!("focus on the heading “{heading}”"),
        crate::browser::TIMEOUT,
        || async { Ok((page.focused().await? == want).then_some(())) },
    )
    .await
}

/// The focused control shows where focus is (an outline).
async fn focus_is_visible(page: &Page) -> Result<()> {
    let v = page
        .js(
            "const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth];",
            vec![],
        )
        .await?;
    ensure!(
        v[0] != "none" && v[1] != "0px",
        "the focused {} shows no focus outline ({v})",
        page.focused().await?
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_with_the_keyboard_alone() -> Result<()> {
    let t = Test::start("p13-keyboard").await?;
    let (page, pingone) = (&t.page, &t.pingone);
    let tv = pingone.tv().await?;

    page.open(&tv.verification_uri_complete).await?;
    focus_on(page, "Sign on").await?;
    page.tab_to("field Username", 3).await?;
    focus_is_visible(page).await?;
    page.type_text(USERNAME).await?;
    page.tab_to("field Password", 1).await?;
    page.type_text(PASSWORD).await?;
    page.screenshot("sign-on-typed").await?;
    page.press(Key::Enter).await?;

    focus_on(page, "Is this the code on your device?").await?;
    page.tab_to("button Yes, it matches", 3).await?;
    focus_is_visible(page).await?;
    page.screenshot("confirm-focused").await?;
    page.press(Key::Enter).await?;

    focus_on(page, "Allow this device?").await?;
    page.tab_to("button Allow", 4).await?;
    focus_is_visible(page).await?;
    page.screenshot("allow-focused").await?;
    page.press(Key::Space).await?;

    focus_on(page, "Your device is connected").await?;
    page.tab_to("a Connect another device", 2).await?;
    page.press(Key::Enter).await?;

    // A second device, code typed, refused: the keyboard again.
    let second = pingone.tv().await?;
    focus_on(page, "Enter the code from your device").await?;
    page.tab_to(&format!("field {FIELD}"), 2).await?;
    page.type_text(&second.user_code.to_lowercase()).await?;
    page.press(Key::Enter).await?;
    focus_on(page, "Enter the code from your device").await?;
    page.tab_to("button Continue", 3).await?;
    page.press(Key::Enter).await?;
    focus_on(page, "Allow this device?").await?;
    page.tab_to("button Deny", 3).await?;
    focus_is_visible(page).await?;
    page.press(Key::Enter).await?;
    focus_on(page, "Device not connected").await?;
    page.screenshot("refused").await?;

    let flows = pingone.flows().await?;
    assert_eq!(
        flows[0].steps(),
        [
            "usernamePassword.check 200",
            "userCode.verify 200",
            "deviceAuthGrant.consent 200"
        ]
    );
    assert_eq!(
        flows[1].steps(),
        ["userCode.verify 200", "deviceAuthGrant.consent 200"]
    );
    tv.expect_token_for(&pingone.user_id()).await?;
    second.expect_error("access_denied").await?;
    t.finish().await
}
