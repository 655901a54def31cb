//! The steps most paths share, in the person's words: sign on as the demo user, confirm the
//! code the link brought, type a code, allow (and see "connected" while the TV gets its token)
//! or deny (and see the refusal while the TV hears `access_denied`). Each step first waits for
//! its screen, so a path reads as what the person sees and does.

use anyhow::{Context, Result, ensure};
use browser_kit::Page;

use crate::harness::Test;
use crate::tv::{Person, Tv};

/// The demo user's sign-on.
pub const USERNAME: &str = emulator::DEMO_USERNAME;
pub const PASSWORD: &str = emulator::DEMO_PASSWORD;

/// The code field's label.
pub const CODE_FIELD: &str = "Code shown on your device";

/// The consent screen's confirmation box, which enables Allow.
pub const CONFIRM_BOX: &str = "This device is in front of me and shows this code";

/// What a flow receives when a new user signs on, confirms the code and answers the consent
/// (allowing or denying: PingOne answers both with `200`).
pub const NEW_USER_STEPS: [&str; 3] = [
    "usernamePassword.check 200",
    "userCode.verify 200",
    "deviceAuthGrant.consent 200",
];

/// Everything a flow receives when the page reads it once, then a new user signs on, confirms
/// the code and answers the consent.
pub const READ_AND_NEW_USER_STEPS: [&str; 4] = [
    "GET 200",
    "usernamePassword.check 200",
    "userCode.verify 200",
    "deviceAuthGrant.consent 200",
];

/// What a flow receives when someone already signed on confirms the code and answers the
/// consent.
pub const RETURNING_USER_STEPS: [&str; 2] = ["userCode.verify 200", "deviceAuthGrant.consent 200"];

impl Test {
    /// Signs on as the demo user from the sign-on screen.
    pub async fn sign_on(&self) -> Result<()> {
        self.page.expect_heading("Sign on").await?;
        self.page.fill("Username", USERNAME).await?;
        self.page.fill("Password", PASSWORD).await?;
        self.page.click("Sign on").await?;
        Ok(())
    }

    /// Confirms that the code the page shows is the TV's.
    pub async fn confirm(&self, tv: &Tv) -> Result<()> {
        self.page
            .expect_screen("Is this the code on your device?", &[tv.user_code.as_str()])
            .await?;
        self.page.click("Yes, it matches").await?;
        Ok(())
    }

    /// Types `code` on the code screen of `/device` opened by hand and continues: PingOne's
    /// sign-on first, then back on the code screen, the code still there to send.
    pub async fn type_code_and_sign_on(&self, code: &str) -> Result<()> {
        self.page.fill(CODE_FIELD, code).await?;
        self.page.click("Continue").await?;
        self.sign_on().await?;
        self.page
            .expect_heading("Enter the code from your device")
            .await?;
        Ok(())
    }

    /// Types `code` on the code screen and continues.
    pub async fn enter_code(&self, code: &str) -> Result<()> {
        self.page
            .expect_heading("Enter the code from your device")
            .await?;
        self.page.fill(CODE_FIELD, code).await?;
        self.page.click("Continue").await?;
        Ok(())
    }

    /// Allows the device: the page says it is connected and the TV gets its token for the demo
    /// user.
    pub async fn allow(&self, tv: &Tv) -> Result<()> {
        self.allow_as(tv, &self.pingone.person(USERNAME)?).await
    }

    /// Allows the device signed on as `person`: the page says it is connected and the TV gets
    /// its token for them.
    pub async fn allow_as(&self, tv: &Tv, person: &Person) -> Result<()> {
        self.tick_confirm().await?;
        self.page.click("Allow").await?;
        self.page.expect_heading("Your device is connected").await?;
        tv.expect_token_for(person).await
    }

    /// Ticks the consent screen's box that says the device is in front of the person, which
    /// enables Allow (a box already ticked, after a failed answer, stays ticked).
    pub async fn tick_confirm(&self) -> Result<()> {
        self.page.expect_heading("Allow this device?").await?;
        let confirm = self.page.field(CONFIRM_BOX).await?;
        if !confirm
            .is_selected()
            .await
            .context("reading the confirmation box")?
        {
            confirm
                .click()
                .await
                .context("ticking the confirmation box")?;
        }
        Ok(())
    }

    /// Denies the device: the page says it was not connected and the TV hears `access_denied`.
    pub async fn deny(&self, tv: &Tv) -> Result<()> {
        self.page.expect_heading("Allow this device?").await?;
        self.page.click("Deny").await?;
        self.page.expect_heading("Device not connected").await?;
        tv.expect_error("access_denied").await
    }

    /// The end screen offers a new code, on this page.
    pub async fn expect_new_code_link(&self) -> Result<()> {
        let (next, _) = self.page.link("Enter a new code").await?;
        let want = self.pingone.page_url("/device");
        ensure!(
            next == want,
            "“Enter a new code” leads to {next}, not {want}"
        );
        Ok(())
    }

    /// The whole path of a new user who follows the TV's link: sign on, confirm, allow.
    pub async fn connect_by_link(&self, tv: &Tv) -> Result<()> {
        self.page.open(&tv.verification_uri_complete).await?;
        self.sign_on().await?;
        self.confirm(tv).await?;
        self.allow(tv).await
    }
}

/// A well-formed code that is not `real` (so it matches no device of the test).
pub fn wrong_code(real: &str, n: usize) -> String {
    let candidates = [
        "BBBB-BBBB",
        "CCCC-CCCC",
        "DDDD-DDDD",
        "FFFF-FFFF",
        "GGGG-GGGG",
        "HHHH-HHHH",
    ];
    candidates
        .iter()
        .filter(|c| **c != real)
        .nth(n)
        .map(|c| (*c).to_owned())
        .unwrap_or_else(|| "ZZZZ-ZZZ9".to_owned())
}

/// The address bar must never show the code after the page has read it.
pub async fn expect_no_code_in_address_bar(page: &Page) -> Result<()> {
    let url = page.url().await?;
    ensure!(
        !url.contains("user_code"),
        "the address bar still holds the code: {url}"
    );
    Ok(())
}

/// The countdown the page shows for the flow's lifetime; fails unless it is shown and within
/// PingOne's 15 minutes (and no more than a minute below it: the flow was just used).
pub async fn expect_fresh_countdown(page: &Page) -> Result<()> {
    let seconds = countdown(page, "Time left to finish: ").await?;
    ensure!(
        (840..=900).contains(&seconds),
        "the countdown shows {seconds} s: a flow just used has 15:00 (PingOne's idle limit) or a little less"
    );
    Ok(())
}

/// The seconds a countdown shows as `m:ss` right after `label`, once it is on screen.
pub async fn countdown(page: &Page, label: &str) -> Result<u32> {
    let shown = page
        .wait(
            &format!("the countdown “{label}”"),
            browser_kit::TIMEOUT,
            || async {
                let text = page.text().await?;
                Ok(text
                    .split(label)
                    .nth(1)
                    .and_then(|rest| rest.split_whitespace().next())
                    .map(str::to_owned))
            },
        )
        .await?;
    shown
        .split_once(':')
        .and_then(|(m, s)| Some(m.parse::<u32>().ok()? * 60 + s.parse::<u32>().ok()?))
        .with_context(|| format!("the countdown “{label}” shows {shown}, not m:ss"))
}
