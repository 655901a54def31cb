//! A status this page does not handle (MFA, password change, …): never a dead end; explain and
//! link to PingOne's hosted sign-on with the flow id.

use leptos::prelude::*;

use crate::components::Frame;
use crate::text;

/// The hand-off screen.
#[component]
pub fn HandOff(
    /// PingOne's hosted sign-on for this flow.
    href: String,
) -> impl IntoView {
    view! {
        <Frame title=text::HAND_OFF_TITLE.to_owned()>
            <p>{text::HAND_OFF_BODY}</p>
            <a class="button button--primary" href=href>{text::HAND_OFF_LINK}</a>
        </Frame>
    }
}
