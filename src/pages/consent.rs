//! Allow or deny the device (`DAG_CONSENT_REQUIRED`): which application asks, for what, who is
//! signed in and the code the person gave (RFC 8628 §3.3.1, §5.4), with the plain warning that
//! device-code phishing calls for. Allow and Deny have equal weight; unless the operator turns it
//! off, Allow waits for a tick saying the device is in front of the person, and says so.

use leptos::prelude::*;

use crate::components::{Frame, NotYou, ProblemMessage, Report, SwitchUser};
use crate::error::ApiError;
use crate::flow::Flow;
use crate::i18n::{around, k, t};
use crate::user_code::UserCode;

/// The consent screen.
#[component]
pub fn Consent(
    /// The flow, for the application, scopes and user it carries.
    flow: Flow,
    /// Whether an answer is being sent; both buttons are disabled meanwhile.
    #[prop(into)]
    busy: Signal<bool>,
    /// The last problem sending the answer.
    #[prop(into)]
    problem: Signal<Option<ApiError>>,
    /// The code the person confirmed or typed, when the page kept it.
    #[prop(default = None)]
    code: Option<UserCode>,
    /// Allow waits for the confirmation box (`consent.requireConfirm`).
    #[prop(default = true)]
    require_confirm: bool,
    /// Who is signed on, for "Not you?", when PingOne says.
    #[prop(default = None)]
    switch_user: Option<SwitchUser>,
    /// "I didn't start this".
    #[prop(default = None)]
    on_report: Option<Callback<()>>,
    /// Called with `true` for Allow, `false` for Deny.
    on_answer: Callback<bool>,
) -> impl IntoView {
    let name = flow
        .application
        .unwrap_or_else(|| t(k::CONSENT_UNKNOWN_APP).to_owned());
    let (icon, user, scopes) = (flow.icon, flow.user, flow.scopes);
    let (asks_before, asks_after) = around(&t(k::CONSENT_ASKS), "app");
    // Which answer was given, so only that button shows it is on its way.
    let allowed = RwSignal::new(false);
    let confirmed = RwSignal::new(!require_confirm);
    let answer = move |accept: bool| {
        if !busy.get_untracked() && (confirmed.get_untracked() || !accept) {
            allowed.set(accept);
            on_answer.run(accept);
        }
    };
    // Shapes shared with Deny's button, so the check adds little to the WebAssembly.
    let allow_disabled = Signal::derive(move || busy.get() || !confirmed.get());
    view! {
        <Frame title=t(k::CONSENT_TITLE).to_owned()>
            <div class="consent__app">
                {icon.map(|src| view! { <img class="consent__icon" src=src alt="" width="48" height="48" /> })}
                <p>{asks_before}<strong class="consent__name">{name}</strong>{asks_after}</p>
            </div>
            {user.map(|u| emphasised(k::CONSENT_SIGNED_IN_AS, "name", u))}
            {code.map(|code| emphasised(k::CONSENT_DEVICE_SHOWS, "code", code.formatted()))}
            {(!scopes.is_empty()).then(|| view! {
                <p>{t(k::CONSENT_SCOPES)}</p>
                <ul class="consent__scopes">
                    {scopes.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
                </ul>
            })}
            <p class="warning">{t(k::CONSENT_WARNING)}</p>
            {require_confirm.then(|| view! {
                <p class="consent__confirm">
                    <input id="consent-confirm" type="checkbox" on:click=move |ev| confirmed.set(event_target_checked(&ev)) />
                    <label for="consent-confirm">{t(k::CONSENT_CONFIRM)}</label>
                </p>
            })}
            <div class="actions actions--split">
                <button class="button button--secondary" type="button" disabled=busy aria-busy=move || (busy.get() && !allowed.get()).to_string() on:click=move |_| answer(false)>
                    {t(k::CONSENT_DENY)}
                </button>
                <button class="button button--secondary" type="button" disabled=allow_disabled aria-describedby=require_confirm.then_some("consent-confirm-needed") aria-busy=move || (busy.get() && allowed.get()).to_string() on:click=move |_| answer(true)>
                    {t(k::CONSENT_ALLOW)}
                </button>
            </div>
            {require_confirm.then(|| view! { <p id="consent-confirm-needed" class="not-you">{t(k::CONSENT_CONFIRM_NEEDED)}</p> })}
            <ProblemMessage problem />
            {on_report.map(|on_report| view! { <Report busy on_report /> })}
            {switch_user.map(|switch| view! { <NotYou switch busy /> })}
        </Frame>
    }
}

/// A message with one value in it set apart (isolated, for right-to-left text): who is signed
/// in, the code the device shows. One view shape for both keeps the WebAssembly small.
fn emphasised(key: &str, name: &str, value: String) -> impl IntoView {
    let (before, after) = around(&t(key), name);
    view! { <p class="consent__user">{before}<strong><bdi>{value}</bdi></strong>{after}</p> }
}
