//! Double tap: an impatient double-click on any button sends its action once.

use anyhow::Result;
use emulator::hooks::{Fault, Route};

use crate::harness::Test;
use crate::pingone::Received;
use crate::steps::{CODE_FIELD, NEW_USER_STEPS, PASSWORD, USERNAME};

impl Test {
    /// Double-clicks each button in turn, each time waiting for the screen it leads to.
    async fn double_tap_through(&self, buttons: &[(&str, &str)]) -> Result<()> {
        for (button, next) in buttons {
            self.page.double_click(button).await?;
            self.page.expect_heading(next).await?;
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn double_click_on_every_button_sends_each_action_once() -> Result<()> {
    let (t, tv) = Test::with_tv("double-tap").await?;

    // By link: Sign on, Yes it matches, Allow; then on to another device.
    t.page.open(&tv.verification_uri_complete).await?;
    t.page.expect_heading("Sign on").await?;
    t.page.fill("Username", USERNAME).await?;
    t.page.fill("Password", PASSWORD).await?;
    t.double_tap_through(&[
        ("Sign on", "Is this the code on your device?"),
        ("Yes, it matches", "Allow this device?"),
    ])
    .await?;
    t.tick_confirm().await?;
    t.double_tap_through(&[
        ("Allow", "Your device is connected"),
        ("Connect another device", "Enter the code from your device"),
    ])
    .await?;

    // By typing, after a failed first read: Continue (before and inside the flow), Try again,
    // Deny.
    let second = t.pingone.tv().await?;
    t.page.fill(CODE_FIELD, &second.user_code).await?;
    t.pingone
        .fault(Route::Flows, 1, Fault::Status { status: 503 })?;
    t.double_tap_through(&[
        ("Continue", "Couldn't load your sign-on"),
        ("Try again", "Enter the code from your device"),
        ("Continue", "Allow this device?"),
        ("Deny", "Device not connected"),
    ])
    .await?;
    let flows = t.pingone.flows();
    assert_eq!(
        flows.len(),
        2,
        "one flow per device, however often Continue was clicked"
    );
    assert_eq!(flows[0].steps(), NEW_USER_STEPS);
    assert_eq!(
        flows[1].all(),
        [
            "GET 503 (status)",
            "GET 200",
            "userCode.verify 200",
            "deviceAuthGrant.consent 200"
        ]
    );
    tv.expect_token().await?;
    second.expect_error("access_denied").await?;
    t.finish().await
}
