//! The first read of the flow failed in a way a retry may fix (network, server error).

use leptos::prelude::*;

use crate::components::Frame;
use crate::error::ApiError;
use crate::text;

/// The load-failed screen.
#[component]
pub fn LoadFailed(
    /// What went wrong.
    error: ApiError,
    /// Called when the person asks to try again.
    on_retry: Callback<()>,
) -> impl IntoView {
    view! {
        <Frame title=text::LOAD_FAILED_TITLE.to_owned() modifier="problem">
            <p role="alert">{text::problem(&error)}</p>
            <button class="button button--primary" type="button" on:click=move |_| on_retry.run(())>
                {text::TRY_AGAIN}
            </button>
        </Frame>
    }
}
