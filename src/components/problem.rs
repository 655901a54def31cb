//! A failed step's message, announced to screen readers, shown under the form it belongs to.

use leptos::prelude::*;

use crate::error::ApiError;
use crate::text;

/// The last recoverable problem, or nothing.
#[component]
pub fn ProblemMessage(
    /// The problem to show; `None` shows nothing.
    #[prop(into)]
    problem: Signal<Option<ApiError>>,
) -> impl IntoView {
    view! {
        <p class="problem" role="alert">{move || problem.get().map(|e| text::problem(&e))}</p>
    }
}

/// PingOne's error `id` in small type: what Ping's support asks for.
#[component]
pub fn SupportId(
    /// The id.
    id: String,
) -> impl IntoView {
    view! { <p class="support">{text::SUPPORT_ID}<code>{id}</code></p> }
}
