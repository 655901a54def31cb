//! Busy: PingOne's platform-wide rate limit (a 429 that names no user code, with `Retry-After`)
//! on the code is not a lockout. The person stays on the code screen with what they typed and is
//! told the service is busy; after the wait the same code goes through and the TV connects. (The
//! real lockout, five wrong codes, still ends the flow: `wrong_codes`.)

use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use emulator::hooks::{Action, Fault, Route};

use crate::harness::Test;
use crate::pingone::Received;
use crate::steps::CODE_FIELD;
use crate::tv::Tv;

/// What PingOne's `Retry-After` asks for, in seconds.
const RETRY_AFTER: u64 = 3;

const BUSY: &str = "The sign-on service is busy right now. Wait a moment and try again; nothing \
                    you entered is lost.";

/// A person who typed the TV's code (in lower case) and signed on meets the rate limit when the
/// code is sent: the page says it is busy. Returns the code as typed.
async fn rate_limited_on_the_code(t: &Test, tv: &Tv) -> Result<String> {
    let typed = tv.user_code.to_lowercase();
    t.page.open(&tv.verification_uri).await?;
    t.enter_code(&typed).await?;
    t.sign_on().await?;
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    t.pingone.fault(
        Route::FlowAction(Action::UserCodeVerify),
        1,
        Fault::RateLimited {
            retry_after: RETRY_AFTER,
        },
    )?;
    t.page.click("Continue").await?;
    t.page.expect_alert(BUSY).await?;
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    assert_eq!(
        t.page.value_of(CODE_FIELD).await?,
        typed,
        "the code is kept"
    );
    Ok(typed)
}

/// The same code goes through after the wait, the TV connects, and PingOne counted no wrong code.
async fn then_the_same_code_connects(t: &Test, tv: &Tv, typed: &str) -> Result<()> {
    assert_eq!(t.page.value_of(CODE_FIELD).await?, typed);
    t.page.click("Continue").await?;
    t.allow(tv).await?;
    let flow = t.pingone.only_flow()?;
    assert_eq!(
        flow.steps(),
        [
            "usernamePassword.check 200",
            "userCode.verify 429 (rate_limited)",
            "userCode.verify 200",
            "deviceAuthGrant.consent 200",
        ]
    );
    assert_eq!(
        flow.failed_user_code_attempts, 0,
        "no wrong code was counted"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_platform_rate_limit_on_the_code_keeps_it_and_the_same_code_then_connects() -> Result<()>
{
    let (t, tv) = Test::with_tv("busy").await?;
    let typed = rate_limited_on_the_code(&t, &tv).await?;
    t.page.expect_no_text("Too many tries").await?;
    t.screen("busy").await?;

    // The person waits as long as PingOne asked, then tries again.
    tokio::time::sleep(Duration::from_secs(RETRY_AFTER)).await;
    then_the_same_code_connects(&t, &tv, &typed).await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_screen_counts_down_retry_after_with_continue_held() -> Result<()> {
    let (t, tv) = Test::with_tv("busy-wait").await?;
    let typed = rate_limited_on_the_code(&t, &tv).await?;
    let told = Instant::now();
    t.page.expect_text("You can try again in 0:0").await?;
    ensure!(
        t.page.is_disabled("Continue").await?,
        "“Continue” must wait out Retry-After"
    );
    t.screen("busy-waiting").await?;

    t.page
        .wait(
            "“Continue” to be enabled again",
            Duration::from_secs(RETRY_AFTER + 5),
            || async { Ok((!t.page.is_disabled("Continue").await?).then_some(())) },
        )
        .await?;
    ensure!(
        told.elapsed() >= Duration::from_secs(RETRY_AFTER - 1),
        "“Continue” came back after {:?}, before Retry-After's {RETRY_AFTER} s",
        told.elapsed()
    );
    t.page.expect_no_text("You can try again in").await?;
    then_the_same_code_connects(&t, &tv, &typed).await?;
    t.finish().await
}
