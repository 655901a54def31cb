//! The page's root: reads the address bar, loads the configuration, and drives the flow, showing
//! the screen its status asks for. The decisions live in `screen`; this module wires them to
//! signals, session storage and the network.

use leptos::prelude::*;

use crate::api::{self, Client, ConfigFailure, Step};
use crate::code::{Remembered, UserCode};
use crate::components::{Countdown, Message, NextStep};
use crate::config::{Config, origin};
use crate::error::ApiError;
use crate::flow::Flow;
use crate::pages::{CodeScreen, Consent, SignOn};
use crate::query::{Query, is_device_path};
use crate::screen::{self, End, Screen};
use crate::text;

/// Session-storage key of the code the page keeps across PingOne's redirect and reloads.
const CODE_KEY: &str = "pingone-device.code";

/// The performance mark set when the first screen that takes input is on screen.
pub const ACTIONABLE_MARK: &str = "device:actionable";

fn storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

/// Keeps the code for this tab (session storage: gone when the tab closes).
fn remember(code: &Remembered) {
    if let Some(s) = storage() {
        // Private modes may refuse storage; the page then works without resuming.
        let _ = s.set_item(CODE_KEY, &code.encode());
    }
}

fn recall() -> Option<Remembered> {
    let stored = storage()?.get_item(CODE_KEY).ok().flatten()?;
    Remembered::decode(&stored)
}

fn forget() {
    if let Some(s) = storage() {
        let _ = s.remove_item(CODE_KEY);
    }
}

/// Whether the page runs inside a frame.
fn in_iframe() -> bool {
    match window().top() {
        Ok(Some(top)) => !js_sys::Object::is(&top, &window()),
        _ => true,
    }
}

fn mark_actionable() {
    if let Some(perf) = window().performance()
        && perf.get_entries_by_name(ACTIONABLE_MARK).length() == 0
    {
        let _ = perf.mark(ACTIONABLE_MARK);
    }
}

fn navigate(url: &str, replace: bool) {
    let location = window().location();
    // If the browser refuses to navigate there is nothing better to do than stay.
    let _ = if replace {
        location.replace(url)
    } else {
        location.assign(url)
    };
}

/// The page's own path (`/device`), for links that start over.
fn own_path() -> String {
    window()
        .location()
        .pathname()
        .unwrap_or_else(|_| "/device".to_owned())
}

/// Where the configuration lives: the `href` of `<link id="device-config">` in `index.html`
/// (which also preloads it), else `/config.json`.
fn config_url() -> String {
    document()
        .get_element_by_id("device-config")
        .and_then(|link| link.get_attribute("href"))
        .unwrap_or_else(|| "/config.json".to_owned())
}

/// Removes `user_code` from the address bar (history replace), so the code is in no history
/// entry, bookmark or `Referer`.
fn forget_user_code(location: &web_sys::Location) {
    let search = location.search().unwrap_or_default();
    let kept = Query::without_user_code(&search);
    if kept == search {
        return;
    }
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    if let Ok(history) = window().history() {
        let url = format!("{path}{kept}{hash}");
        // Failing to tidy the address bar must not stop the page.
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Starts the page: reads the address bar, loads the configuration (preloaded by `index.html`
/// while the WebAssembly compiles), then mounts the screen.
pub async fn start() {
    let location = window().location();
    let on_device_path = is_device_path(&location.pathname().unwrap_or_default());
    let query = Query::parse(&location.search().unwrap_or_default());
    forget_user_code(&location);
    let config = if on_device_path {
        Some(load_config(query.environment_id.as_deref()).await)
    } else {
        None
    };
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(move || view! { <App config query /> });
}

async fn load_config(environment_id: Option<&str>) -> Result<Config, ConfigFailure> {
    let json = api::fetch_config(&config_url()).await?;
    Config::parse(&json, environment_id).map_err(|e| ConfigFailure::Invalid(e.to_string()))
}

/// The whole page.
#[component]
pub fn App(
    /// The configuration, or what is wrong with it; `None` off the `/device` path.
    config: Option<Result<Config, ConfigFailure>>,
    /// What the address bar brought.
    query: Query,
) -> impl IntoView {
    view! {
        <main class="page">
            <h1 class="page__title">{text::TITLE}</h1>
            {match config {
                Some(Ok(config)) => view! { <Device config query /> }.into_any(),
                Some(Err(ConfigFailure::Invalid(problem))) => {
                    view! { <Message title=text::CONFIG_TITLE body=text::CONFIG_BODY detail=problem modifier="problem" /> }
                        .into_any()
                }
                Some(Err(ConfigFailure::Unreachable)) => {
                    let next = NextStep::Button {
                        label: text::TRY_AGAIN,
                        on_click: Callback::new(|_| {
                            let _ = window().location().reload();
                        }),
                    };
                    view! { <Message title=text::CONFIG_UNREACHABLE_TITLE body=text::CONFIG_UNREACHABLE next modifier="problem" /> }
                        .into_any()
                }
                None => view! { <Message title=text::NOT_FOUND_TITLE body=text::NOT_FOUND_BODY modifier="problem" /> }
                    .into_any(),
            }}
        </main>
    }
}

/// The device flow for one configured environment: before PingOne (take the code, hand off) or
/// back from it (drive the flow).
#[component]
pub fn Device(
    /// The checked configuration.
    config: Config,
    /// What the address bar brought.
    query: Query,
) -> impl IntoView {
    let from_link = query
        .user_code
        .as_deref()
        .map(|raw| match UserCode::parse(raw) {
            Ok(code) => Remembered::Linked(code),
            Err(_) => Remembered::Typed(raw.to_owned()),
        });
    if let Some(code) = &from_link {
        remember(code);
    }
    let remembered = recall();
    match query.flow_id {
        Some(flow_id) => view! { <FlowSteps config flow_id remembered /> }.into_any(),
        None => {
            let linked = matches!(from_link, Some(Remembered::Linked(_)));
            view! { <Start config remembered linked /> }.into_any()
        }
    }
}

/// Before PingOne: a code from the link goes straight to PingOne's device endpoint; otherwise the
/// code field comes first.
#[component]
fn Start(config: Config, remembered: Option<Remembered>, linked: bool) -> impl IntoView {
    let leaving = RwSignal::new(false);
    let go = move |code: &Remembered, replace: bool| {
        if let Some(user_code) = code.code() {
            remember(code);
            leaving.set(true);
            navigate(&api::hand_off_url(&config, Some(&user_code)), replace);
        }
    };
    if linked && let Some(code) = &remembered {
        go(code, true);
        return view! { <p class="page__status" role="status">{text::REDIRECTING}</p> }.into_any();
    }
    mark_actionable();
    view! {
        <CodeScreen
            remembered
            busy=leaving
            problem=Signal::stored(None)
            on_code=Callback::new(move |code: Remembered| go(&code, false))
        />
    }
    .into_any()
}

/// Back from PingOne with a flow id: read the flow, show its step, send what the person does.
#[component]
fn FlowSteps(config: Config, flow_id: String, remembered: Option<Remembered>) -> impl IntoView {
    let client = Client::new(&config);
    let flow = RwSignal::new(None::<Flow>);
    // What stands in for the flow's own screen: an end state, or a first read that failed.
    let overlay = RwSignal::new(None::<Screen>);
    let problem = RwSignal::new(None::<ApiError>);
    let denied = RwSignal::new(false);
    let remembered = RwSignal::new(remembered);

    let apply = move |result: Result<Flow, ApiError>| match result {
        Ok(f) => {
            problem.set(None);
            flow.set(Some(f));
        }
        Err(e) => {
            if let Some(end) = screen::end_for_error(&e, in_iframe()) {
                overlay.set(Some(Screen::End(end)));
            } else if flow.get_untracked().is_none() {
                overlay.set(Some(Screen::LoadFailed(e)));
            } else {
                problem.set(Some(e));
            }
        }
    };

    // One action for every call: `None` reads the flow, `Some(step)` takes a step.
    let call = {
        let id = flow_id.clone();
        Action::new_local(move |step: &Option<Step>| {
            let (client, id, step) = (client.clone(), id.clone(), step.clone());
            async move {
                match step {
                    Some(step) => client.act(&id, &step).await,
                    None => client.flow(&id).await,
                }
            }
        })
    };
    Effect::new(move |_| {
        if let Some(result) = call.value().get() {
            apply(result);
        }
    });
    call.dispatch(None);
    let reload = move || {
        if !call.pending().get_untracked() {
            call.dispatch(None);
        }
    };
    let busy = Signal::from(call.pending());
    // One action at a time: a double tap, or a tap while the last answer is on its way, sends
    // nothing.
    let act = move |s: Step| {
        if call.pending().get_untracked() {
            return;
        }
        problem.set(None);
        denied.set(s == Step::Consent(false));
        call.dispatch(Some(s));
    };

    let current = Memo::new(move |_| {
        overlay.get().unwrap_or_else(|| match flow.get() {
            Some(f) => screen::for_flow(&f, denied.get()),
            None => Screen::Loading,
        })
    });
    let interactive = move || {
        matches!(
            current.get(),
            Screen::SignOn | Screen::Code | Screen::Consent
        )
    };
    let expires_at = Signal::derive(move || {
        flow.with(|f| {
            f.as_ref()
                .and_then(|f| f.expires_at.as_deref())
                .map(js_sys::Date::parse)
        })
        .filter(|ms| ms.is_finite())
    });

    let resume = config.clone();
    Effect::new(move |_| {
        let Screen::End(end) = current.get() else {
            if interactive() {
                mark_actionable();
            }
            return;
        };
        if matches!(end, End::Connected | End::Refused | End::TooManyAttempts) {
            forget();
        }
        if end == End::Connected && resume.follow_resume_url {
            let url = flow.get_untracked().and_then(|f| f.resume_url);
            if let Some(url) = url.filter(|u| origin(u) == resume.auth_origin()) {
                navigate(&url, true);
            }
        }
    });

    let hosted = api::hosted_sign_on_url(&config, &flow_id);
    let next_step = move |end: End| -> NextStep {
        let code = remembered.get_untracked().and_then(|r| r.code());
        let link = |label, href| NextStep::Link {
            label,
            href,
            new_window: false,
        };
        match end {
            End::Connected => link(text::CONNECT_ANOTHER, own_path()),
            End::Refused | End::Failed | End::TooManyAttempts => link(text::NEW_CODE, own_path()),
            End::CodeExpired | End::CodeUsed => NextStep::Button {
                label: text::NEW_CODE,
                on_click: Callback::new(move |_| {
                    forget();
                    remembered.set(None);
                    overlay.set(None);
                }),
            },
            End::FlowExpired | End::NotSignedIn => {
                link(text::START_AGAIN, api::hand_off_url(&config, code.as_ref()))
            }
            End::CookieBlocked => NextStep::Link {
                label: text::NEW_WINDOW,
                href: match code {
                    Some(code) => format!("{}?user_code={code}", own_path()),
                    None => own_path(),
                },
                new_window: true,
            },
        }
    };

    view! {
        {move || match current.get() {
            Screen::Loading => view! { <p class="page__status" role="status">{text::LOADING}</p> }.into_any(),
            Screen::LoadFailed(error) => {
                let retry = Callback::new(move |_| {
                    overlay.set(None);
                    reload();
                });
                let next = NextStep::Button { label: text::TRY_AGAIN, on_click: retry };
                view! { <Message title=text::LOAD_FAILED_TITLE body=text::problem(&error) next modifier="problem" /> }
                    .into_any()
            }
            Screen::SignOn => view! { <SignOn busy problem on_submit=Callback::new(act) /> }.into_any(),
            Screen::Code => {
                let on_code = Callback::new(move |code: Remembered| {
                    if let Some(user_code) = code.code() {
                        remember(&code);
                        remembered.set(Some(code));
                        act(Step::VerifyCode(user_code));
                    }
                });
                view! { <CodeScreen remembered=remembered.get_untracked() busy problem on_code /> }.into_any()
            }
            Screen::Consent => flow
                .get_untracked()
                .map(|flow| {
                    let on_answer = Callback::new(move |accept| act(Step::Consent(accept)));
                    view! { <Consent flow busy problem on_answer /> }
                })
                .into_any(),
            Screen::HandOff(_) => {
                let next = NextStep::Link { label: text::HAND_OFF_LINK, href: hosted.clone(), new_window: false };
                view! { <Message title=text::HAND_OFF_TITLE body=text::HAND_OFF_BODY next modifier="problem" /> }
                    .into_any()
            }
            Screen::End(end) => {
                let (title, body) = text::end(end);
                let modifier = if end == End::Connected { "done" } else { "problem" };
                view! { <Message title body next=next_step(end) modifier /> }.into_any()
            }
        }}
        {move || {
            interactive().then(|| view! { <Countdown expires_at on_zero=Callback::new(move |_| reload()) /> })
        }}
    }
}
