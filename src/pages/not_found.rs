//! Any path other than `/device`.

use leptos::prelude::*;

use crate::text;

/// The not-found screen.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <main class="page">
            <h1 class="page__title">{text::NOT_FOUND_TITLE}</h1>
            <p>{text::NOT_FOUND_BODY}</p>
        </main>
    }
}
