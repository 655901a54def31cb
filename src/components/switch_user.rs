//! "Not you?": when PingOne already knows who is signed on (a session from earlier in this
//! browser can skip straight to the code), the person can sign on as someone else instead.

use leptos::prelude::*;

use crate::i18n::{around, k, t};

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
    let (before, after) = around(&t(k::NOT_YOU_QUESTION), "name");
    view! {
        <p class="not-you">
            {before}<bdi>{name}</bdi>{after}" "
            <button class="link-button" type="button" disabled=busy on:click=move |_| on_click.run(())>
                {t(k::NOT_YOU_ACTION)}
            </button>
        </p>
    }
}
