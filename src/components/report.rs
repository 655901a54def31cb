//! "I didn't start this": on the screens a phished person reaches (the code, the consent), one
//! plain way to refuse what someone else started.

use leptos::prelude::*;

use crate::i18n::{k, t};

/// The link-styled button; `on_report` refuses (and the refusal offers the operator's report
/// page, when there is one).
#[component]
pub fn Report(
    /// Whether a call is in flight; the button waits meanwhile.
    #[prop(into)]
    busy: Signal<bool>,
    /// Called when pressed.
    on_report: Callback<()>,
) -> impl IntoView {
    view! {
        <p class="not-you">
            <button class="link-button" type="button" disabled=busy on:click=move |_| on_report.run(())>
                {t(k::REPORT_LINK)}
            </button>
        </p>
    }
}
