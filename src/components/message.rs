//! A screen that tells the person something and offers one next step: every end state (connected,
//! refused, expired, locked, …), the hand-off to PingOne for steps this page does not handle, a
//! failed first load, a wrong configuration, an unknown path. One component for all of them keeps
//! them consistent, and the WebAssembly small.

use leptos::prelude::*;

use crate::components::{Frame, SupportId};

/// What the person can do next.
#[derive(Clone)]
pub enum NextStep {
    /// Go somewhere.
    Link {
        /// The label.
        label: String,
        /// Where it goes.
        href: String,
        /// Open in a new window (leaving an iframe).
        new_window: bool,
    },
    /// Do something on this page.
    Button {
        /// The label.
        label: String,
        /// What it does.
        on_click: Callback<()>,
    },
}

/// A message screen.
#[component]
pub fn Message(
    /// The heading.
    #[prop(into)]
    title: String,
    /// What happened, and what it means for the person.
    #[prop(into)]
    body: String,
    /// A technical detail to pass on to an operator (shown as code).
    #[prop(optional)]
    detail: Option<String>,
    /// PingOne's error `id`, for the person to quote to support.
    #[prop(optional)]
    support_id: Option<String>,
    /// The one next step, if there is one.
    #[prop(optional)]
    next: Option<NextStep>,
    /// The frame's BEM modifier: `done` or `problem`.
    modifier: &'static str,
) -> impl IntoView {
    view! {
        <Frame title modifier>
            <p role="status">{body}</p>
            {detail.map(|d| view! { <p><code class="screen__detail">{d}</code></p> })}
            {support_id.map(|id| view! { <SupportId id /> })}
            {next.map(|next| match next {
                NextStep::Link { label, href, new_window } => view! {
                    <a class="button button--primary" href=href
                        target=new_window.then_some("_blank") rel=new_window.then_some("noopener")>
                        {label}
                    </a>
                }.into_any(),
                NextStep::Button { label, on_click } => view! {
                    <button class="button button--primary" type="button" on:click=move |_| on_click.run(())>
                        {label}
                    </button>
                }.into_any(),
            })}
        </Frame>
    }
}
