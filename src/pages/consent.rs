//! Allow or deny the device (`DAG_CONSENT_REQUIRED`): which application asks, for what, and who is
//! signed in (RFC 8628 §3.3.1, §5.4). Allow and Deny have equal weight.

use leptos::prelude::*;

use crate::components::{Frame, NotYou, ProblemMessage, SwitchUser};
use crate::error::ApiError;
use crate::flow::Flow;
use crate::i18n::{around, k, t};

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
    /// Who is signed on, for "Not you?", when PingOne says.
    #[prop(default = None)]
    switch_user: Option<SwitchUser>,
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
    let answer = move |accept: bool| {
        if !busy.get_untracked() {
            allowed.set(accept);
            on_answer.run(accept);
        }
    };
    view! {
        <Frame title=t(k::CONSENT_TITLE).to_owned()>
            <div class="consent__app">
                {icon.map(|src| view! { <img class="consent__icon" src=src alt="" width="48" height="48" /> })}
                <p>{asks_before}<strong class="consent__name">{name}</strong>{asks_after}</p>
            </div>
            {(!scopes.is_empty()).then(|| view! {
                <p>{t(k::CONSENT_SCOPES)}</p>
                <ul class="consent__scopes">
                    {scopes.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
                </ul>
            })}
            {user.map(|u| {
                let (before, after) = around(&t(k::CONSENT_SIGNED_IN_AS), "name");
                view! { <p class="consent__user">{before}<strong><bdi>{u}</bdi></strong>{after}</p> }
            })}
            <div class="actions actions--split">
                <button class="button button--secondary" type="button" disabled=busy aria-busy=move || (busy.get() && !allowed.get()).to_string() on:click=move |_| answer(false)>
                    {t(k::CONSENT_DENY)}
                </button>
                <button class="button button--primary" type="button" disabled=busy aria-busy=move || (busy.get() && allowed.get()).to_string() on:click=move |_| answer(true)>
                    {t(k::CONSENT_ALLOW)}
                </button>
            </div>
            <ProblemMessage problem />
            {switch_user.map(|switch| view! { <NotYou switch busy /> })}
        </Frame>
    }
}
