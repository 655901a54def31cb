//! By typing: the person types the code from the TV's screen (lower case, a space for the dash)
//! instead of scanning the link; the page normalises it before PingOne sees it. On a regional
//! host and on a custom domain.

use anyhow::Result;

use crate::harness::{Mode, Test};
use crate::pingone::Received;
use crate::steps::{CODE_FIELD, NEW_USER_STEPS};

in_modes!(
    by_typing,
    typed_code_in_lower_case_with_a_space_connects_the_tv: Regional,
    typed_code_on_a_custom_domain: CustomDomain,
);

async fn by_typing(mode: Mode) -> Result<()> {
    let (t, tv) = Test::with_tv_in("by-typing", mode).await?;
    let typed = tv.user_code.to_lowercase().replace('-', " ");

    // The address the TV shows, typed into the phone's browser.
    assert_eq!(tv.verification_uri, t.pingone.page_url("/device"));
    t.page.open(&tv.verification_uri).await?;
    t.page
        .expect_screen(
            "Enter the code from your device",
            &["8 letters and numbers, like GKHF-JQBC."],
        )
        .await?;
    // A phone keyboard that helps: no autocorrect, capitals, one-time-code autofill.
    for (attr, want) in [
        ("autocomplete", "one-time-code"),
        ("autocapitalize", "characters"),
        ("spellcheck", "false"),
    ] {
        assert_eq!(
            t.page.field_attr(CODE_FIELD, attr).await?.as_deref(),
            Some(want),
            "{attr}"
        );
    }
    t.screen("enter-code").await?;
    t.page.fill(CODE_FIELD, &typed).await?;
    t.screen("code-typed").await?;
    t.page.click("Continue").await?;

    t.sign_on().await?;
    // Back on the code step the typed code is still there, as typed, to send.
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    assert_eq!(t.page.value_of(CODE_FIELD).await?, typed);
    t.screen("code-after-sign-on").await?;
    t.page.click("Continue").await?;
    t.allow(&tv).await?;
    t.screen("connected").await?;

    let flow = t.pingone.only_flow()?;
    // PingOne got the code normalised, both on the way in and in the verification.
    assert_eq!(flow.user_code_hint.as_deref(), Some(tv.user_code.as_str()));
    assert_eq!(flow.user_code.as_deref(), Some(tv.user_code.as_str()));
    assert_eq!(flow.steps(), NEW_USER_STEPS);
    t.finish().await
}
