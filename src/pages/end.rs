//! The end states: connected, refused, and every way a flow can stop, each with a next step.

use leptos::prelude::*;

use crate::components::Frame;
use crate::screen::End;
use crate::text;

/// What the person can do after an end state.
#[derive(Clone)]
pub enum NextStep {
    /// Nothing more is needed (connected), but offer to connect another device.
    Link {
        /// The label.
        label: &'static str,
        /// Where it goes.
        href: String,
        /// Open in a new window (leaving an iframe).
        new_window: bool,
    },
    /// Go back to the code field in the same flow.
    NewCode(Callback<()>),
}

/// An end-state screen.
#[component]
pub fn EndScreen(
    /// Which end.
    end: End,
    /// What to offer next.
    next: NextStep,
) -> impl IntoView {
    let (title, body) = text::end(end);
    let modifier = match end {
        End::Connected => "done",
        _ => "problem",
    };
    view! {
        <Frame title=title.to_owned() modifier>
            <p role="status">{body}</p>
            {match next {
                NextStep::Link { label, href, new_window } => view! {
                    <a class="button button--primary" href=href
                        target=new_window.then_some("_blank") rel=new_window.then_some("noopener")>
                        {label}
                    </a>
                }.into_any(),
                NextStep::NewCode(callback) => view! {
                    <button class="button button--primary" type="button" on:click=move |_| callback.run(())>
                        {text::NEW_CODE}
                    </button>
                }.into_any(),
            }}
        </Frame>
    }
}
