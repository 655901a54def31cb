//! Wrong codes: a mistyped code is refused with what was typed kept and the tries left shown;
//! the right one then works, and typing it once more is refused as used. Five wrong codes lock
//! the sign-on (RFC 8628 §5.1). On a regional host and on a custom domain.

use anyhow::Result;

use crate::harness::{Mode, Test};
use crate::pingone::Received;
use crate::steps::{CODE_FIELD, wrong_code};

in_modes!(
    wrong_then_right_then_used,
    wrong_code_then_the_right_one_then_the_used_one: Regional,
    wrong_right_and_used_codes_on_a_custom_domain: CustomDomain,
);

async fn wrong_then_right_then_used(mode: Mode) -> Result<()> {
    let (t, tv) = Test::with_tv_in("wrong-then-right", mode).await?;
    let wrong = wrong_code(&tv.user_code, 0);

    t.page.open(&tv.verification_uri).await?;
    t.enter_code(&wrong).await?;
    t.sign_on().await?;
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    t.page.click("Continue").await?;

    t.page.expect_alert("That code doesn't match a device. Check the code on your device and try again. 4 tries left.")
        .await?;
    assert_eq!(
        t.page.value_of(CODE_FIELD).await?,
        wrong,
        "what was typed stays for correcting"
    );
    t.screen("wrong-code").await?;

    t.page.fill(CODE_FIELD, &tv.user_code).await?;
    t.page.click("Continue").await?;
    t.allow(&tv).await?;

    // The same code again, for another device: a code connects one device once.
    t.page.click("Connect another device").await?;
    t.enter_code(&tv.user_code).await?;
    t.enter_code(&tv.user_code).await?;
    t.screen_shows(
        "code-used",
        "This code was already used",
        &["Each code connects one device once."],
    )
    .await?;

    let flows = t.pingone.flows();
    assert_eq!(flows.len(), 2, "one flow per code entered");
    assert_eq!(flows[0].failed_user_code_attempts, 1);
    assert_eq!(
        flows[0].steps(),
        [
            "usernamePassword.check 200",
            "userCode.verify 400",
            "userCode.verify 200",
            "deviceAuthGrant.consent 200"
        ]
    );
    assert_eq!(flows[1].steps(), ["userCode.verify 400"], "the used code");
    t.finish().await
}

in_modes!(
    five_wrong,
    five_wrong_codes_lock_the_sign_on: Regional,
    five_wrong_codes_on_a_custom_domain: CustomDomain,
);

async fn five_wrong(mode: Mode) -> Result<()> {
    let (t, tv) = Test::signed_on_by_link_in("five-wrong", mode).await?;
    t.page.click("No, enter the code myself").await?;
    for (n, left) in [
        "4 tries left.",
        "3 tries left.",
        "2 tries left.",
        "1 try left.",
    ]
    .into_iter()
    .enumerate()
    {
        let wrong = wrong_code(&tv.user_code, n);
        t.enter_code(&wrong).await?;
        t.page.expect_alert(&format!(
            "That code doesn't match a device. Check the code on your device and try again. {left}"
        ))
        .await?;
        assert_eq!(t.page.value_of(CODE_FIELD).await?, wrong);
    }
    t.screen("one-try-left").await?;
    t.enter_code(&wrong_code(&tv.user_code, 4)).await?;

    t.page
        .expect_screen(
            "Too many tries",
            &["this sign-on is locked after too many wrong codes"],
        )
        .await?;
    t.expect_new_code_link().await?;
    t.screen("locked").await?;

    let flow = t.pingone.only_flow()?;
    assert_eq!(flow.failed_user_code_attempts, 5);
    assert_eq!(
        flow.steps(),
        [
            "usernamePassword.check 200",
            "userCode.verify 400",
            "userCode.verify 400",
            "userCode.verify 400",
            "userCode.verify 400",
            "userCode.verify 429"
        ]
    );
    tv.expect_still_waiting().await?;
    t.finish().await
}
