//! A live `m:ss` countdown: how long is left before PingOne closes the flow (from its
//! `expiresAt`; at zero the page asks PingOne rather than trusting the phone's clock), or how long
//! to wait before trying again (a rate limit, a locked password).

use leptos::prelude::*;

use crate::i18n::{around, t};
use crate::screen::format_remaining;

/// A live `m:ss` countdown.
#[component]
pub fn Countdown(
    /// The message key saying what the time is for; its `{time}` is where the clock goes.
    label: &'static str,
    /// When it reaches zero, in milliseconds since the epoch; `None` shows nothing.
    #[prop(into)]
    expires_at: Signal<Option<f64>>,
    /// Called once each time the countdown reaches zero for a given `expires_at`.
    on_zero: Callback<()>,
) -> impl IntoView {
    let now = RwSignal::new(js_sys::Date::now());
    // The last `expires_at` the countdown reached zero for, so each is reported once.
    let reported = std::cell::Cell::new(None::<f64>);
    let tick = move || {
        let t = js_sys::Date::now();
        now.set(t);
        if let Some(at) = expires_at.get_untracked()
            && t >= at
            && reported.get() != Some(at)
        {
            reported.set(Some(at));
            on_zero.run(());
        }
    };
    if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }
    move || {
        expires_at.get().map(|at| {
            let seconds = ((at - now.get()) / 1000.0).ceil() as i64;
            let (before, after) = around(&t(label), "time");
            view! {
                <p class="countdown">
                    {before}
                    <time class="countdown__time">{format_remaining(seconds)}</time>
                    {after}
                </p>
            }
        })
    }
}
