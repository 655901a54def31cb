//! How long is left before PingOne closes the flow, from its `expiresAt`. When it reaches zero the
//! page asks PingOne (one read of the flow) rather than trusting the phone's clock.

use leptos::prelude::*;

use crate::screen::format_remaining;
use crate::text;

/// A live `m:ss` countdown.
#[component]
pub fn Countdown(
    /// When the flow expires, in milliseconds since the epoch; `None` shows nothing.
    #[prop(into)]
    expires_at: Signal<Option<f64>>,
    /// Called once each time the countdown reaches zero for a given `expires_at`.
    on_zero: Callback<()>,
) -> impl IntoView {
    let now = RwSignal::new(js_sys::Date::now());
    if let Ok(handle) = set_interval_with_handle(
        move || now.set(js_sys::Date::now()),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    let remaining = Memo::new(move |_| {
        expires_at
            .get()
            .map(|at| ((at - now.get()) / 1000.0).ceil() as i64)
    });
    let fired_for = StoredValue::new(None::<f64>);
    Effect::new(move |_| {
        if remaining.get().is_some_and(|s| s <= 0) {
            let at = expires_at.get_untracked();
            if fired_for.get_value() != at {
                fired_for.set_value(at);
                on_zero.run(());
            }
        }
    });
    move || {
        remaining.get().map(|s| {
            view! {
                <p class="countdown">
                    {text::EXPIRES_IN}
                    <time class="countdown__time">{format_remaining(s)}</time>
                </p>
            }
        })
    }
}
