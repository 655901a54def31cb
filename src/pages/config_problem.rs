//! The deployment's `config.json` is missing or wrong: say which key, not a blank page.

use leptos::prelude::*;

use crate::text;

/// The configuration problem screen.
#[component]
pub fn ConfigProblem(
    /// What is wrong, naming the key.
    problem: String,
) -> impl IntoView {
    view! {
        <section class="screen screen--problem" role="alert">
            <h2 class="screen__title">{text::CONFIG_TITLE}</h2>
            <p>{text::CONFIG_BODY}</p>
            <p><code class="screen__detail">{problem}</code></p>
        </section>
    }
}
