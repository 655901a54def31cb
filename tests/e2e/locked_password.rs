//! A locked password: grace's account locks after three wrong passwords (for a minute in the demo
//! environment). The sign-on screen says it is locked rather than "wrong password", counts down
//! to the unlock PingOne announced, and keeps "Sign on" disabled meanwhile; once it is over, the
//! right password signs on and the TV connects as grace.

use std::time::Duration;

use anyhow::{Context, Result, ensure};

use crate::harness::{self, PHONE, Test};
use crate::pingone::Received;
use crate::steps::countdown;

const USERNAME: &str = emulator::DEMO_LOCKABLE_USERNAME;
const PASSWORD: &str = emulator::DEMO_LOCKABLE_PASSWORD;
const LOCKED: &str =
    "Too many wrong passwords: this account is locked for a while. Wait, then try again.";
const RETRY_IN: &str = "You can try again in ";

impl Test {
    /// Signs on as grace with a wrong password, the `nth` try on this flow, and waits for
    /// PingOne's answer to it.
    async fn wrong_password(&self, nth: usize) -> Result<()> {
        self.page.fill("Username", USERNAME).await?;
        self.page.fill("Password", "fortran-1957").await?;
        self.page.click("Sign on").await?;
        self.page
            .wait(
                &format!("PingOne to answer sign-on number {nth}"),
                browser_kit::TIMEOUT,
                || async {
                    let flows = self.pingone.flows();
                    let sent: usize = flows
                        .iter()
                        .map(|f| f.count("usernamePassword.check"))
                        .sum();
                    Ok((sent == nth).then_some(()))
                },
            )
            .await?;
        Ok(())
    }

    /// Three wrong passwords: wrong, wrong, locked.
    async fn lock_grace(&self) -> Result<()> {
        self.page.expect_heading("Sign on").await?;
        for nth in 1..=2 {
            self.wrong_password(nth).await?;
            self.page
                .expect_alert("Wrong username or password.")
                .await?;
        }
        self.wrong_password(3).await?;
        self.page.expect_alert(LOCKED).await?;
        Ok(())
    }
}

/// What it means when the countdown does not move.
const FROZEN: &str = "the page's wait countdown does not count down: the unlock time must be fixed \
                      when PingOne announces it (src/app.rs wait_until), not re-read from the clock";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_wrong_passwords_say_the_account_is_locked_and_hold_sign_on() -> Result<()> {
    let (t, tv) = Test::with_tv("password-locked").await?;
    t.page.open(&tv.verification_uri_complete).await?;
    t.lock_grace().await?;

    // PingOne said 60 s; a second more is the page rounding up a clock that ticks each second.
    let shown = countdown(&t.page, RETRY_IN).await?;
    ensure!(
        (55..=61).contains(&shown),
        "PingOne unlocks in 60 s; the page says {shown} s"
    );
    t.page.expect_no_text("Wrong username or password.").await?;
    ensure!(
        t.page.is_disabled("Sign on").await?,
        "“Sign on” while locked"
    );
    t.screen("password-locked").await?;

    let flow = t.pingone.only_flow()?;
    assert_eq!(flow.steps(), ["usernamePassword.check 400"; 3]);
    assert_eq!(flow.status, "USERNAME_PASSWORD_REQUIRED");
    tv.expect_still_waiting().await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lock_counts_down_with_sign_on_held() -> Result<()> {
    let (t, tv) = Test::with_tv("password-locked-counting").await?;
    t.page.open(&tv.verification_uri_complete).await?;
    t.lock_grace().await?;
    t.page
        .expect_text(&format!("{RETRY_IN}0:5"))
        .await
        .context(FROZEN)?;
    let first = countdown(&t.page, RETRY_IN).await?;
    ensure!(
        t.page.is_disabled("Sign on").await?,
        "“Sign on” while locked"
    );
    t.screen("password-locked-counting").await?;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let later = countdown(&t.page, RETRY_IN).await?;
    ensure!(
        later < first && later + 4 >= first,
        "the countdown went from {first} s to {later} s in 2.5 s"
    );
    ensure!(
        t.page.is_disabled("Sign on").await?,
        "“Sign on” while locked"
    );
    tv.expect_still_waiting().await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_unlock_the_right_password_connects_the_tv() -> Result<()> {
    let mut config = harness::config();
    let grace = config
        .users
        .iter_mut()
        .find(|u| u.username == USERNAME)
        .and_then(|u| u.lockout.as_mut());
    let Some(lockout) = grace else {
        anyhow::bail!("the demo environment's {USERNAME} has no lockout");
    };
    lockout.seconds = 3;
    let t = Test::start_with("password-unlocked", config, PHONE).await?;
    let tv = t.pingone.tv().await?;
    t.page.open(&tv.verification_uri_complete).await?;
    t.lock_grace().await?;
    t.page.expect_text(&format!("{RETRY_IN}0:0")).await?;
    ensure!(
        t.page.is_disabled("Sign on").await?,
        "“Sign on” while locked"
    );

    t.page
        .wait(
            "“Sign on” after the unlock",
            Duration::from_secs(8),
            || async { Ok((!t.page.is_disabled("Sign on").await?).then_some(())) },
        )
        .await?;
    t.page.fill("Password", PASSWORD).await?;
    t.page.click("Sign on").await?;
    t.confirm(&tv).await?;
    t.page
        .expect_screen("Allow this device?", &["Signed in as Grace Hopper"])
        .await?;
    t.allow_as(&tv, &t.pingone.person(USERNAME)?).await?;

    let flow = t.pingone.only_flow()?;
    assert_eq!(
        flow.steps(),
        [
            "usernamePassword.check 400",
            "usernamePassword.check 400",
            "usernamePassword.check 400",
            "usernamePassword.check 200",
            "userCode.verify 200",
            "deviceAuthGrant.consent 200",
        ]
    );
    t.finish().await
}
