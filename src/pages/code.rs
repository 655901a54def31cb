//! Confirm the code: shown large when it came in the link (RFC 8628 §5.4), or typed into one
//! forgiving field.

use leptos::prelude::*;

use crate::code::UserCode;
use crate::text;

/// The code screen.
#[component]
pub fn CodeScreen(
    /// The code as it arrived in the link (`user_code`), not yet normalised.
    from_link: Option<String>,
) -> impl IntoView {
    let linked = from_link
        .as_deref()
        .and_then(|raw| UserCode::parse(raw).ok());
    let typed = RwSignal::new(if linked.is_some() {
        String::new()
    } else {
        from_link.unwrap_or_default()
    });
    let problem = RwSignal::new(None::<String>);

    match linked {
        Some(code) => view! {
            <section class="screen">
                <h2 class="screen__title">{text::CODE_FROM_LINK}</h2>
                <p class="code-confirm__code" aria-label=text::CODE_LABEL>{code.formatted()}</p>
            </section>
        }
        .into_any(),
        None => view! {
            <section class="screen">
                <form
                    class="code-entry"
                    novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        problem.set(UserCode::parse(&typed.get_untracked()).err().map(text::code_problem));
                    }
                >
                    <label class="code-entry__label" for="user-code">{text::CODE_LABEL}</label>
                    <input
                        id="user-code"
                        class="code-entry__input"
                        name="user_code"
                        type="text"
                        autocomplete="one-time-code"
                        autocapitalize="characters"
                        spellcheck="false"
                        inputmode="text"
                        aria-describedby="user-code-hint"
                        bind:value=typed
                    />
                    <p id="user-code-hint" class="code-entry__hint">{text::CODE_HINT}</p>
                    <p class="code-entry__problem" role="alert">{move || problem.get()}</p>
                    <button class="button button--primary" type="submit">{text::CONTINUE}</button>
                </form>
            </section>
        }
        .into_any(),
    }
}
