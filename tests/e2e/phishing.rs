//! Hard to phish (issue 19): device-code phishing sends someone a link or a code for the
//! attacker's device. The consent screen shows the code and the warning, and Allow waits for a
//! deliberate tick (mouse or keyboard); `linkedCode: match` makes the person pick their device's
//! code among decoys (a wrong pick sends nothing), `ignore` never uses the link's code; "I didn't
//! start this" refuses the device, which the TV hears as `access_denied`. Nothing else the link
//! carries is ever shown.

use anyhow::{Context, Result, ensure};
use browser_kit::Key;
use serde_json::{Value, json};

use crate::harness::{PHONE, Test, config};
use crate::pingone::Received;
use crate::steps::{CODE_FIELD, CONFIRM_BOX, NEW_USER_STEPS};
use crate::tv::Tv;

/// The warning on the consent screen.
const WARNING: &str = "Only allow this if you started it yourself on a device in front of you.";
/// Why Allow is disabled.
const CONFIRM_NEEDED: &str =
    "To allow, first tick the box to confirm the device is in front of you.";
/// The screen after a wrong pick.
const WRONG_PICK: &str = "This link may not be from your device";

impl Test {
    /// A test whose page's `config.json` also carries `settings`, and a TV that asked for a code.
    async fn with_settings(name: &str, settings: Value) -> Result<(Test, Tv)> {
        let mut config = config();
        config.page_settings = settings
            .as_object()
            .context("page settings are a JSON object")?
            .clone();
        let t = Test::start_with(name, config, PHONE).await?;
        let tv = t.pingone.tv().await?;
        Ok((t, tv))
    }

    /// The codes offered to pick from, as the buttons read.
    async fn offered_codes(&self) -> Result<Vec<String>> {
        self.page
            .expect_heading("Which code does your device show?")
            .await?;
        let codes = self
            .page
            .js(
                r#"return [...document.querySelectorAll('main button')].map((b) => b.innerText.trim())
                     .filter((t) => /^[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(t));"#,
                vec![],
            )
            .await?;
        serde_json::from_value(codes).context("the offered codes")
    }

    /// How many `userCode.verify` calls PingOne received, over every flow.
    fn verifies(&self) -> usize {
        self.pingone
            .flows()
            .iter()
            .map(|f| f.count("userCode.verify"))
            .sum()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_shows_the_code_and_allow_waits_for_the_box() -> Result<()> {
    let (t, tv) = Test::with_settings("phishing-consent", json!({})).await?;
    // A link may carry anything; only its code is ever shown.
    t.page
        .open(&format!(
            "{}&device_name=Evil%20Console",
            tv.verification_uri_complete
        ))
        .await?;
    t.sign_on().await?;
    t.confirm(&tv).await?;
    t.page
        .expect_screen(
            "Allow this device?",
            &[
                &format!("Your device shows {}", tv.user_code),
                WARNING,
                "Signed in as Ada Lovelace",
                CONFIRM_NEEDED,
            ],
        )
        .await?;
    t.page.expect_no_text("Evil Console").await?;
    ensure!(
        t.page.is_disabled("Allow").await?,
        "Allow is enabled before the box is ticked"
    );
    ensure!(!t.page.is_disabled("Deny").await?, "Deny is disabled");
    let described = t
        .page
        .js(
            r#"const allow = [...document.querySelectorAll('button')].find((b) => b.innerText.trim() === 'Allow');
               const id = allow.getAttribute('aria-describedby');
               return id ? document.getElementById(id).innerText.trim() : null;"#,
            vec![],
        )
        .await?;
    assert_eq!(
        described,
        json!(CONFIRM_NEEDED),
        "Allow says why it is disabled"
    );
    t.screen("consent-unticked").await?;

    t.tick_confirm().await?;
    ensure!(
        !t.page.is_disabled("Allow").await?,
        "Allow is still disabled after the box is ticked"
    );
    t.screen("consent-ticked").await?;
    t.page.click("Allow").await?;
    t.page.expect_heading("Your device is connected").await?;
    tv.expect_token().await?;
    assert_eq!(t.pingone.only_flow()?.steps(), NEW_USER_STEPS);
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_box_and_allow_with_the_keyboard_alone() -> Result<()> {
    let (t, tv) = Test::with_settings("phishing-keyboard", json!({})).await?;
    t.page.open(&tv.verification_uri_complete).await?;
    t.sign_on().await?;
    t.confirm(&tv).await?;
    t.page.expect_heading("Allow this device?").await?;
    // Allow is out of the tab order until the box is ticked.
    t.page.tab_to("button Deny", 6).await?;
    ensure!(
        t.page.tab_to("button Allow", 1).await.is_err(),
        "a disabled Allow took the focus"
    );
    t.page.expect_heading("Allow this device?").await?;
    t.page.reload().await?;
    t.page.expect_heading("Allow this device?").await?;
    t.page.tab_to(&format!("field {CONFIRM_BOX}"), 6).await?;
    t.page.press(Key::Space).await?;
    t.page.tab_to("button Allow", 2).await?;
    t.page.press(Key::Enter).await?;
    t.page.expect_heading("Your device is connected").await?;
    tv.expect_token().await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn match_mode_the_right_pick_continues() -> Result<()> {
    let (t, tv) = Test::with_settings("phishing-match", json!({"linkedCode": "match"})).await?;
    t.page.open(&tv.verification_uri_complete).await?;
    t.sign_on().await?;
    let codes = t.offered_codes().await?;
    assert_eq!(codes.len(), 3, "{codes:?}");
    assert_eq!(
        codes.iter().filter(|c| **c == tv.user_code).count(),
        1,
        "{codes:?}"
    );
    for decoy in codes.iter().filter(|c| **c != tv.user_code) {
        let differ = decoy
            .chars()
            .zip(tv.user_code.chars())
            .filter(|(a, b)| a != b)
            .count();
        ensure!(differ >= 3, "{decoy} is too close to {}", tv.user_code);
    }
    ensure!(codes[0] != codes[1] && codes[1] != codes[2] && codes[0] != codes[2]);
    t.screen("match").await?;
    // Typing instead starts from an empty field: the link's code there would give the answer.
    t.page.click("No, enter the code myself").await?;
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    assert_eq!(t.page.value_of(CODE_FIELD).await?, "");
    // A reload offers the codes again.
    t.page.reload().await?;
    assert_eq!(t.offered_codes().await?.len(), 3);
    assert_eq!(t.verifies(), 0);
    t.page.click(&tv.user_code).await?;
    t.allow(&tv).await?;
    assert_eq!(t.pingone.only_flow()?.steps(), NEW_USER_STEPS);
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn match_mode_each_wrong_pick_sends_nothing_and_warns() -> Result<()> {
    let (t, tv) =
        Test::with_settings("phishing-wrong-pick", json!({"linkedCode": "match"})).await?;
    t.page.open(&tv.verification_uri_complete).await?;
    t.sign_on().await?;
    for nth in 0..2 {
        if nth > 0 {
            // The link again: the browser is signed on, so PingOne goes straight to the code.
            t.page.open(&tv.verification_uri_complete).await?;
        }
        let codes = t.offered_codes().await?;
        let wrong = codes
            .iter()
            .filter(|c| **c != tv.user_code)
            .nth(nth)
            .with_context(|| format!("decoy {nth} in {codes:?}"))?;
        t.page.click(wrong).await?;
        t.page
            .expect_screen(WRONG_PICK, &["If someone sent you the link, stop here."])
            .await?;
        t.page.expect_no_text(&tv.user_code).await?;
        assert_eq!(t.verifies(), 0, "a wrong pick sent a code");
        t.screen(&format!("wrong-pick-{nth}")).await?;
    }
    // The way on: type the code the device shows.
    t.page.click("Type the code from my device").await?;
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    assert_eq!(t.page.value_of(CODE_FIELD).await?, "");
    t.page.fill(CODE_FIELD, &tv.user_code).await?;
    t.page.click("Continue").await?;
    t.allow(&tv).await?;
    assert_eq!(t.verifies(), 1);
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ignore_mode_never_prefills_the_code() -> Result<()> {
    let (t, tv) = Test::with_settings("phishing-ignore", json!({"linkedCode": "ignore"})).await?;
    t.page.open(&tv.verification_uri_complete).await?;
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    assert_eq!(t.page.value_of(CODE_FIELD).await?, "");
    t.page.expect_no_text(&tv.user_code).await?;
    assert!(
        t.pingone.flows().is_empty(),
        "the link's code went to PingOne"
    );
    t.screen("ignored-link").await?;
    // A reload does not bring it back either.
    t.page.reload().await?;
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    assert_eq!(t.page.value_of(CODE_FIELD).await?, "");
    t.enter_code(&tv.user_code).await?;
    t.sign_on().await?;
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    t.page.click("Continue").await?;
    t.allow(&tv).await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn i_did_not_start_this_refuses_the_device_and_offers_the_report() -> Result<()> {
    // Nothing listens there: only where the link leads is checked.
    let report = "http://127.0.0.1:9/report?from=device";
    let (t, tv) = Test::with_settings("phishing-report", json!({"reportUrl": report})).await?;
    t.page.open(&tv.verification_uri_complete).await?;
    t.sign_on().await?;
    t.confirm(&tv).await?;
    t.page.expect_heading("Allow this device?").await?;
    t.page.click("I didn't start this").await?;
    t.page.expect_heading("Device not connected").await?;
    tv.expect_error("access_denied").await?;
    assert_eq!(t.pingone.device(&tv.user_code)?.status, "DENIED");
    assert_eq!(t.pingone.only_flow()?.steps(), NEW_USER_STEPS);
    assert_eq!(
        t.page.link("Report it").await?,
        (report.to_owned(), true),
        "the refusal offers the operator's report page, in a window of its own"
    );
    t.screen("reported").await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_linked_code_mode_is_confirm_with_a_console_warning() -> Result<()> {
    let (t, tv) =
        Test::with_settings("phishing-unknown-mode", json!({"linkedCode": "auto"})).await?;
    t.page.open(&tv.verification_uri_complete).await?;
    t.sign_on().await?;
    // The safe default, not the configuration screen.
    t.page
        .expect_screen("Is this the code on your device?", &[tv.user_code.as_str()])
        .await?;
    let warned: Vec<String> = t
        .page
        .console_log()
        .await?
        .into_iter()
        .filter(|e| e.level == "WARNING" && e.message.contains("linkedCode"))
        .map(|e| e.message)
        .collect();
    ensure!(
        warned
            .iter()
            .any(|m| m.contains("auto") && m.contains("is not confirm, match or ignore")),
        "no console warning for the unknown mode: {warned:?}"
    );
    t.confirm(&tv).await?;
    t.allow(&tv).await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn i_did_not_start_this_on_the_code_step_sends_nothing_and_forgets_the_code() -> Result<()> {
    let report = "http://127.0.0.1:9/report?from=code";
    let (t, tv) = Test::with_settings("phishing-report-code", json!({"reportUrl": report})).await?;
    t.page.open(&tv.verification_uri_complete).await?;
    t.sign_on().await?;
    t.page
        .expect_screen("Is this the code on your device?", &[tv.user_code.as_str()])
        .await?;
    t.page.click("I didn't start this").await?;
    // Nothing is tied to a device yet: the page ends here without sending the code.
    t.page.expect_heading("Device not connected").await?;
    t.page.expect_no_text(&tv.user_code).await?;
    assert_eq!(t.verifies(), 0, "the link's code went to PingOne");
    assert_eq!(
        t.page.link("Report it").await?,
        (report.to_owned(), true),
        "the end offers the operator's report page"
    );
    t.screen("reported-on-code").await?;
    // The code is forgotten: the page opened again asks for one.
    t.page.open(&t.pingone.page_url("/device")).await?;
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    assert_eq!(t.page.value_of(CODE_FIELD).await?, "");
    t.finish().await
}
