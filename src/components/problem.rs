//! A failed step's message, announced to screen readers, shown under the form it belongs to.

use leptos::prelude::*;

use crate::error::ApiError;
use crate::i18n::{around, k, t};
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
    let (before, after) = around(&t(k::SUPPORT_ID), "id");
    view! { <p class="support">{before}<code>{id}</code>{after}</p> }
}
