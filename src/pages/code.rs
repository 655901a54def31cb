//! Confirm the code. A code that came in the link is shown large and must be confirmed, with a
//! plain warning (RFC 8628 §5.4); a code typed by hand goes through one forgiving field and is
//! normalised before it is sent. A refused code switches to the field with the code kept in it.
//! With `linkedCode: match` the code from the link is shown among two decoys and the person
//! picks the one their device shows: approving someone else's link then takes reading a screen
//! that is not in front of them.

use leptos::prelude::*;

use crate::components::{Frame, NotYou, ProblemMessage, Report, SwitchUser};
use crate::error::ApiError;
use crate::i18n::{k, t, tp};
use crate::text;
use crate::user_code::{CODE_LEN, Remembered, UserCode};

/// What the person did in `index.html`'s code field before the page started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Carried {
    /// The caret or selection in the field.
    pub selection: (u32, u32),
    /// The field had the focus.
    pub focused: bool,
    /// Enter was pressed (or Continue tapped).
    pub submitted: bool,
}

/// The code screen.
#[component]
pub fn CodeScreen(
    /// The code the page kept, if any, and how it arrived.
    remembered: Option<Remembered>,
    /// Whether the code is being sent; the button is disabled meanwhile.
    #[prop(into)]
    busy: Signal<bool>,
    /// The last problem sending a code.
    #[prop(into)]
    problem: Signal<Option<ApiError>>,
    /// Who is signed on, for "Not you?", when PingOne says.
    #[prop(default = None)]
    switch_user: Option<SwitchUser>,
    /// What the person did in the code field `index.html` showed before the page started.
    #[prop(default = None)]
    carried: Option<Carried>,
    /// Called with a well-formed code (and how it arrived) when the person confirms it.
    on_code: Callback<Remembered>,
    /// Show the link's code among decoys for the person to pick (`linkedCode: match`) instead
    /// of asking them to confirm it; the pick goes to `on_code` as a linked code.
    #[prop(default = false)]
    decoys: bool,
    /// "I didn't start this", when there is something to refuse or report.
    #[prop(default = None)]
    on_report: Option<Callback<()>>,
) -> impl IntoView {
    let linked = match &remembered {
        Some(Remembered::Linked(code)) => Some(code.clone()),
        _ => None,
    };
    // When matching, "No, enter the code myself" opens an empty field: the link's code in it
    // would give the answer away.
    let typed = RwSignal::new(
        remembered
            .as_ref()
            .filter(|_| !(decoys && linked.is_some()))
            .map(Remembered::text)
            .unwrap_or_default(),
    );
    let confirming = RwSignal::new(linked.is_some());
    let local_problem = RwSignal::new(None::<String>);

    // A refused code goes back into the field, as it was, for correcting.
    let refused = move || {
        matches!(
            problem.get(),
            Some(ApiError::WrongCode { .. } | ApiError::CodeRefused { .. })
        )
    };

    let send = move |remembered: Remembered| {
        if !busy.get_untracked() {
            on_code.run(remembered);
        }
    };
    let submit_text = move || {
        let text = typed.get_untracked();
        match UserCode::parse(&text) {
            Ok(_) => {
                local_problem.set(None);
                send(Remembered::Typed(text));
            }
            Err(e) => local_problem.set(Some(text::code_problem(e))),
        }
    };
    let submit_typed = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit_text();
    };
    // The field before the page started: focus and caret come back, and a pressed Enter counts.
    let field = NodeRef::<leptos::html::Input>::new();
    if let Some(carried) = carried {
        Effect::new(move |_| {
            let Some(input) = field.get() else { return };
            if carried.focused {
                let _ = input.focus();
                // Once the field holds its text (setting a value puts the caret at its end).
                let (start, end) = carried.selection;
                request_animation_frame(move || {
                    let _ = input.set_selection_range(start, end);
                });
            }
            if carried.submitted {
                submit_text();
            }
        });
    }
    // The codes offered with a button each: the link's own to confirm, or it among decoys.
    let offered = linked.map(|code| {
        if decoys {
            code.among_decoys(|n| (js_sys::Math::random() * n as f64) as usize)
                .to_vec()
        } else {
            vec![code]
        }
    });
    let switch_user = StoredValue::new(switch_user);
    let not_you = move || {
        switch_user
            .get_value()
            .map(|switch| view! { <NotYou switch busy /> })
    };
    let report = move || on_report.map(|on_report| view! { <Report busy on_report /> });
    move || {
        if let (Some(offered), true) = (&offered, confirming.get() && !refused()) {
            // One shape for both: confirming shows the code and a Confirm button; matching
            // shows a hint and a button per code, each labelled with it.
            let (title, shown, shown_class) = if decoys {
                (k::MATCH_TITLE, t(k::MATCH_HINT).to_owned(), "")
            } else {
                (
                    k::CODE_FROM_LINK,
                    offered[0].formatted(),
                    "code-confirm__code",
                )
            };
            // A button per offered code, each of one shape (a list would link the WebAssembly's
            // list diffing for at most three).
            let button = |at: usize| {
                offered
                    .get(at)
                    .cloned()
                    .map(|code| offer(code, decoys, busy, send))
            };
            let (first, second, third) = (button(0), button(1), button(2));
            view! {
                <Frame title=t(title).to_owned()>
                    <p class=shown_class>{shown}</p>
                    <p class="warning">{t(k::CODE_WARNING)}</p>
                    <div class="actions">
                        {first}
                        {second}
                        {third}
                        <button class="button button--secondary" type="button" on:click=move |_| confirming.set(false)>
                            {t(k::CODE_DIFFERENT)}
                        </button>
                    </div>
                    <ProblemMessage problem />
                    {report()}
                    {not_you()}
                </Frame>
            }
            .into_any()
        } else {
            view! {
                <Frame title=t(k::CODE_TITLE).to_owned()>
                    <form class="code-entry" method="post" novalidate on:submit=submit_typed>
                        <label class="code-entry__label" for="user-code">{t(k::CODE_LABEL)}</label>
                        <input
                            id="user-code"
                            class="field__input code-entry__input"
                            name="user_code"
                            type="text"
                            autocomplete="one-time-code"
                            autocapitalize="characters"
                            spellcheck="false"
                            inputmode="text"
                            maxlength="200"
                            aria-describedby="user-code-hint"
                            node_ref=field
                            bind:value=typed
                        />
                        <p id="user-code-hint" class="code-entry__hint">{tp(k::CODE_HINT, CODE_LEN as u32, &[("example", "GKHF-JQBC")])}</p>
                        <p class="problem" role="alert">{move || local_problem.get()}</p>
                        <ProblemMessage problem=Signal::derive(move || problem.get().filter(|_| local_problem.get().is_none())) />
                        <button class="button button--primary" type="submit" disabled=busy aria-busy=move || busy.get().to_string()>
                            {t(k::ACTION_CONTINUE)}
                        </button>
                    </form>
                    <p class="warning">{t(k::CODE_WARNING)}</p>
                    {report()}
                    {not_you()}
                </Frame>
            }
            .into_any()
        }
    }
}

/// One button offering a code: "Confirm" (primary) for the link's code alone, or the code itself
/// (secondary) among decoys.
fn offer(
    code: UserCode,
    among_decoys: bool,
    busy: Signal<bool>,
    send: impl Fn(Remembered) + Copy + 'static,
) -> impl IntoView {
    let (label, class) = if among_decoys {
        (code.formatted(), "button button--secondary")
    } else {
        (t(k::CODE_CONFIRM).to_owned(), "button button--primary")
    };
    view! {
        <button class=class type="button" disabled=busy aria-busy=move || busy.get().to_string() on:click=move |_| send(Remembered::Linked(code.clone()))>
            {label}
        </button>
    }
}
