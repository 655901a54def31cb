//! Sign on with username and password (`USERNAME_PASSWORD_REQUIRED`). A failed try keeps both
//! fields as typed, so a slip in one character is fixed, not retyped.

use leptos::prelude::*;

use crate::api::Step;
use crate::components::{Frame, ProblemMessage};
use crate::error::ApiError;
use crate::i18n::{k, t};

/// The sign-on screen.
#[component]
pub fn SignOn(
    /// Whether the sign-on is being sent; the button is disabled meanwhile.
    #[prop(into)]
    busy: Signal<bool>,
    /// The last problem signing on.
    #[prop(into)]
    problem: Signal<Option<ApiError>>,
    /// Called with the sign-on step when the person submits.
    on_submit: Callback<Step>,
) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        on_submit.run(Step::SignOn {
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        });
    };
    view! {
        <Frame title=t(k::SIGN_ON_TITLE).to_owned()>
            <p>{t(k::SIGN_ON_INTRO)}</p>
            <form class="sign-on" method="post" on:submit=submit>
                <label class="field__label" for="username">{t(k::SIGN_ON_USERNAME)}</label>
                <input id="username" class="field__input" name="username" type="text" autocomplete="username"
                    autocapitalize="none" spellcheck="false" required bind:value=username />
                <label class="field__label" for="password">{t(k::SIGN_ON_PASSWORD)}</label>
                <input id="password" class="field__input" name="password" type="password"
                    autocomplete="current-password" required bind:value=password />
                <ProblemMessage problem />
                <button class="button button--primary" type="submit" disabled=busy aria-busy=move || busy.get().to_string()>
                    {t(k::SIGN_ON_SUBMIT)}
                </button>
            </form>
        </Frame>
    }
}
