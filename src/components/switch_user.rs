//! "Not you?": when PingOne already knows who is signed on (a session from earlier in this
//! browser can skip straight to the code), the person can sign on as someone else instead.

use leptos::prelude::*;

use crate::text;

/// Who is signed on, and what switching does.
#[derive(Clone)]
pub struct SwitchUser {
    /// The signed-on person's name.
    pub name: String,
    /// Ends the session (PingOne's `session.reset`); the flow then asks for a sign-on.
    pub on_click: Callback<()>,
}

/// The "Not you?" line under a screen's actions.
#[component]
pub fn NotYou(
    /// Who is signed on, and what switching does.
    switch: SwitchUser,
    /// Disabled while a call is on its way.
    #[prop(into)]
    busy: Signal<bool>,
) -> impl IntoView {
    let SwitchUser { name, on_click } = switch;
    view! {
        <p class="not-you">
            {text::NOT_YOU_BEFORE}<bdi>{name}</bdi>{text::NOT_YOU_AFTER}
            <button class="link-button" type="button" disabled=busy on:click=move |_| on_click.run(())>
                {text::SWITCH_USER}
            </button>
        </p>
    }
}
