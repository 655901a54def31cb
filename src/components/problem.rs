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
