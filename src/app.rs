//! The page's root: reads the address bar, loads the configuration, and wires the flow's state
//! machine (`machine`) to the screens. Decisions live in `machine` and `screen`; this module only
//! feeds events in and carries commands out.

use leptos::prelude::*;

use crate::api::{self, Call, ConfigFailure, Step};
use crate::boot;
use crate::browser;
use crate::components::{Countdown, Message, NextStep, SupportId, SwitchUser};
use crate::config::{Config, LinkedCode};
use crate::error::{ApiError, support_id_of_redirect};
use crate::i18n::{self, Catalog};
use crate::i18n::{k, t, tf};
use crate::machine::{self, Command, Context, Event, Links, Next, Said, State, Told, told};
use crate::pages::{Carried, CodeScreen, Consent, SignOn};
use crate::query::{Query, is_device_path};
use crate::screen::Screen;
use crate::text;
use crate::user_code::{Remembered, UserCode};

pub use crate::browser::ACTIONABLE_MARK;

/// Starts the page: reads the address bar, takes the configuration and the language file (which
/// `boot.js` started fetching while the WebAssembly downloaded), then mounts the screen.
pub async fn start() {
    let on_device_path = is_device_path(&browser::path());
    let query = browser::query();
    browser::forget_user_code();
    let config = if on_device_path {
        Some(load_config(query.environment_id.as_deref()).await)
    } else {
        None
    };
    // A broken config.json is explained in the operator's messages, which only English has.
    let operator = matches!(config, Some(Err(ConfigFailure::Invalid(_))));
    let texts = load_language(if operator { k::ALL } else { k::PERSON }).await;
    // Taken and mounted in one go, so the browser never paints between the two.
    let carried = browser::take_placeholders();
    if !texts {
        leptos::mount::mount_to_body(NoTexts);
        return;
    }
    browser::show_language(&i18n::current(), &t(k::PAGE_TITLE));
    leptos::mount::mount_to_body(move || view! { <App config query carried /> });
    browser::mark("device:mounted");
}

async fn load_config(environment_id: Option<&str>) -> Result<Config, ConfigFailure> {
    let json = boot::config().await?;
    Config::parse(&json, environment_id).map_err(ConfigFailure::Invalid)
}

/// Makes the chosen language the page's, with English filling whatever of `needed` its file
/// lacks; `false` when not even English arrived.
async fn load_language(needed: &[&str]) -> bool {
    let mut catalog = boot::language()
        .await
        .and_then(|text| Catalog::parse(&text));
    let complete = catalog
        .as_ref()
        .is_some_and(|c| c.missing(needed).is_empty());
    if !complete {
        let english = boot::english().await.and_then(|text| Catalog::parse(&text));
        catalog = match (catalog, english) {
            (Some(mut chosen), Some(english)) => {
                chosen.fill_from(english);
                Some(chosen)
            }
            (chosen, english) => english.or(chosen),
        };
    }
    match catalog {
        Some(catalog) if catalog.missing(needed).is_empty() => {
            i18n::set(catalog);
            true
        }
        _ => false,
    }
}

/// The one screen shown when no language file arrived: its words are the only ones in the
/// WebAssembly.
#[component]
fn NoTexts() -> impl IntoView {
    let next = NextStep::Button {
        label: i18n::NO_TEXTS_RETRY.to_owned(),
        on_click: Callback::new(|_| browser::reload()),
    };
    view! {
        <main class="page">
            <Message title=i18n::NO_TEXTS_TITLE body=i18n::NO_TEXTS_BODY next modifier="problem" />
        </main>
    }
}

/// The whole page.
#[component]
pub fn App(
    /// The configuration, or what is wrong with it; `None` off the `/device` path.
    config: Option<Result<Config, ConfigFailure>>,
    /// What the address bar brought.
    query: Query,
    /// What was typed in `index.html`'s code field before the page started, and how.
    #[prop(default = None)]
    carried: Option<(String, Carried)>,
) -> impl IntoView {
    let body = match config {
        Some(Ok(config)) => view! { <Device config query carried /> }.into_any(),
        Some(Err(ConfigFailure::Invalid(problem))) => {
            let (key, args) = problem.message();
            let args: Vec<(&str, &str)> = args.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let detail = tf(key, &args);
            view! { <Message title=t(k::CONFIG_TITLE) body=t(k::CONFIG_BODY) detail modifier="problem" /> }
                .into_any()
        }
        Some(Err(ConfigFailure::Unreachable)) => {
            let next = NextStep::Button {
                label: t(k::ACTION_TRY_AGAIN),
                on_click: Callback::new(|_| browser::reload()),
            };
            view! { <Message title=t(k::CONFIG_UNREACHABLE_TITLE) body=t(k::CONFIG_UNREACHABLE_BODY) next modifier="problem" /> }
                .into_any()
        }
        None => view! { <Message title=t(k::NOT_FOUND_TITLE) body=tf(k::NOT_FOUND_BODY, &[("path", "/device")]) modifier="problem" /> }
            .into_any(),
    };
    view! {
        <main class="page">
            <h1 class="page__title">{t(k::PAGE_TITLE)}</h1>
            {body}
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
    /// What was typed in `index.html`'s code field before the page started, and how.
    #[prop(default = None)]
    carried: Option<(String, Carried)>,
) -> impl IntoView {
    // `linkedCode: ignore`: the link's code is never used; the person types it.
    let from_link = query
        .user_code
        .as_deref()
        .filter(|_| config.linked_code != LinkedCode::Ignore)
        .map(|raw| match UserCode::parse(raw) {
            Ok(code) => Remembered::Linked(code),
            Err(_) => Remembered::Typed(raw.to_owned()),
        });
    if let Some(code) = &from_link {
        browser::remember(code);
    }
    let remembered = browser::recall();
    if let Some(error) = &query.error {
        // PingOne sent the browser back because something failed: start again from the device.
        let code = remembered.as_ref().and_then(Remembered::code);
        let next = NextStep::Link {
            label: t(k::ACTION_START_AGAIN),
            href: api::hand_off_url(&config, code.as_ref()),
            new_window: false,
        };
        return match support_id_of_redirect(error) {
            Some(support_id) => view! {
                <Message title=t(k::LOGIN_ERROR_TITLE) body=t(k::LOGIN_ERROR_BODY) next support_id modifier="problem" />
            }
            .into_any(),
            None => view! { <Message title=t(k::LOGIN_ERROR_TITLE) body=t(k::LOGIN_ERROR_BODY) next modifier="problem" /> }
                .into_any(),
        };
    }
    match query.flow_id {
        Some(flow_id) => view! { <FlowSteps config flow_id remembered /> }.into_any(),
        None => {
            let linked = matches!(from_link, Some(Remembered::Linked(_)));
            let (remembered, carried) = match carried {
                // Something typed before the page started wins over a code kept from before.
                Some((text, carried)) if !text.is_empty() => {
                    (Some(Remembered::Typed(text)), Some(carried))
                }
                Some((_, carried)) => (remembered, Some(carried)),
                None => (remembered, None),
            };
            view! { <Start config remembered linked carried /> }.into_any()
        }
    }
}

/// Before PingOne: a code from the link goes straight to PingOne's device endpoint; otherwise the
/// code field comes first.
#[component]
fn Start(
    config: Config,
    remembered: Option<Remembered>,
    linked: bool,
    carried: Option<Carried>,
) -> impl IntoView {
    let leaving = RwSignal::new(false);
    let report_url = config.report_url.clone();
    let go = move |code: &Remembered, replace: bool| {
        if let Some(user_code) = code.code() {
            browser::remember(code);
            leaving.set(true);
            browser::navigate(&api::hand_off_url(&config, Some(&user_code)), replace);
        }
    };
    if linked && let Some(code) = &remembered {
        go(code, true);
        return view! { <p class="page__status" role="status">{t(k::PAGE_REDIRECTING)}</p> }
            .into_any();
    }
    browser::mark_actionable();
    browser::announce("device:step", "code");
    // No flow yet, so nothing to refuse: "I didn't start this" only leads to the report page.
    let on_report = report_url.map(|url| {
        Callback::new(move |_| {
            browser::forget();
            browser::navigate(&url, false);
        })
    });
    view! {
        <CodeScreen
            remembered
            busy=leaving
            problem=Signal::stored(None)
            carried
            on_code=Callback::new(move |code: Remembered| go(&code, false))
            on_report
        />
    }
    .into_any()
}

/// The flow's state machine in the page: its state, and what its calls need.
#[derive(Clone, Copy)]
struct Machine {
    state: RwSignal<State>,
    /// The page's surroundings, the configuration and the flow id.
    env: StoredValue<(Context, Config, String)>,
}

impl Machine {
    /// Feeds one event to the machine and carries out what it answers. A call runs as a task of
    /// its own whose answer comes back here; the machine, not the task, keeps one call at a time.
    fn feed(self, event: Event) {
        let Some(commands) = self.state.try_update(|s| {
            let (next, commands) = self
                .env
                .with_value(|(ctx, _, _)| std::mem::take(s).apply(event, ctx));
            *s = next;
            commands
        }) else {
            return;
        };
        for command in commands {
            match command {
                Command::Send(call) => {
                    let url = self.env.with_value(|(_, config, flow_id)| {
                        self.state.with_untracked(|s| {
                            api::url_for(config, flow_id, s.flow.as_ref(), &call)
                        })
                    });
                    leptos::task::spawn_local(async move {
                        // The first read may already have been made by boot.js.
                        let early = match call {
                            Call::Read => boot::flow(url.as_deref()).await,
                            Call::Act(_) => None,
                        };
                        let answer = match early {
                            Some(answer) => api::read_flow(answer),
                            None => api::call(url, &call).await,
                        };
                        self.feed(Event::Answer(answer));
                    });
                }
                Command::Remember(code) => browser::remember(&code),
                Command::Forget => browser::forget(),
                Command::Navigate(url) => browser::navigate(&url, true),
            }
        }
    }
}

/// Back from PingOne with a flow id: read the flow, show its step, send what the person does.
#[component]
fn FlowSteps(config: Config, flow_id: String, remembered: Option<Remembered>) -> impl IntoView {
    let in_iframe = browser::in_iframe();
    let ctx = Context {
        in_iframe,
        resume_origin: config
            .follow_resume_url
            .then(|| config.auth_origin().to_owned()),
    };
    let machine = Machine {
        state: RwSignal::new(State::new(remembered)),
        env: StoredValue::new((ctx, config.clone(), flow_id.clone())),
    };
    let on_event = Callback::new(move |event: Event| machine.feed(event));
    on_event.run(Event::Open);

    let state = machine.state;
    let screen = Memo::new(move |_| state.with(State::screen));
    // Whoever embeds the page learns each step, and how the flow ended.
    Effect::new(move |_| {
        let linked = state.with_untracked(|s| matches!(s.remembered, Some(Remembered::Linked(_))));
        let (step, result) = machine::announced(&screen.get(), linked);
        browser::announce("device:step", step);
        if let Some(result) = result {
            browser::announce("device:result", result);
        }
    });
    let busy = Signal::derive(move || state.with(|s| s.busy || s.waiting));
    let problem = Signal::derive(move || state.with(|s| s.problem.clone()));
    let support_id = move || state.with(|s| s.problem.as_ref().and(s.support_id.clone()));
    let expires_at = Signal::derive(move || {
        state
            .with(|s| {
                s.flow
                    .as_ref()
                    .and_then(|f| f.expires_at.as_deref())
                    .map(js_sys::Date::parse)
            })
            .filter(|ms| ms.is_finite())
    });
    // How long PingOne asked to wait, counted from when it said so.
    let wait = Memo::new(move |_| {
        state.with(|s| {
            s.waiting
                .then(|| s.problem.as_ref().and_then(wait_seconds))
                .flatten()
        })
    });
    // Fixed when PingOne says so (a memo, not re-read on every tick, or it would never run out).
    let wait_until = Memo::new(move |_| {
        wait.get()
            .map(|s| js_sys::Date::now() + f64::from(s) * 1000.0)
    });
    let asks = move || {
        matches!(
            screen.get(),
            Screen::SignOn | Screen::Code | Screen::Consent
        )
    };
    let own_path = browser::own_path();
    let (require_confirm, decoys) = (
        config.require_confirm,
        config.linked_code == LinkedCode::Match,
    );
    let on_report = Some(Callback::new(move |_| on_event.run(Event::Report)));

    let view_of = move |screen: Screen| {
        let links = Links {
            own_path: &own_path,
            config: &config,
            flow_id: &flow_id,
            in_iframe,
        };
        if let Some(told) = state.with_untracked(|s| told(&screen, s, &links)) {
            return tell(told, on_event);
        }
        browser::mark_actionable();
        let switch_user = state
            .with_untracked(|s| s.flow.as_ref().and_then(|f| f.user.clone()))
            .map(|name| SwitchUser {
                name,
                on_click: Callback::new(move |_| on_event.run(Event::Step(Step::ResetSession))),
            });
        match screen {
            Screen::SignOn => {
                let on_submit = Callback::new(move |step| on_event.run(Event::Step(step)));
                view! { <SignOn busy problem on_submit /> }.into_any()
            }
            Screen::Code => {
                let remembered = state.with_untracked(|s| s.remembered.clone());
                let on_code = Callback::new(move |code| on_event.run(Event::Code(code)));
                view! { <CodeScreen remembered busy problem on_code switch_user decoys on_report /> }
                    .into_any()
            }
            Screen::Consent => state
                .with_untracked(|s| {
                    let code = s.remembered.as_ref().and_then(Remembered::code);
                    s.flow.clone().map(|flow| (flow, code))
                })
                .map(|(flow, code)| {
                    let on_answer = Callback::new(move |accept| {
                        on_event.run(Event::Step(Step::Consent(accept)))
                    });
                    view! { <Consent flow busy problem code require_confirm on_answer switch_user on_report /> }
                })
                .into_any(),
            _ => {
                view! { <p class="page__status" role="status">{t(k::PAGE_LOADING)}</p> }.into_any()
            }
        }
    };

    view! {
        {move || view_of(screen.get())}
        {move || asks().then(|| view! {
            <Countdown label=k::TIME_RETRY_IN expires_at=wait_until on_zero=Callback::new(move |_| on_event.run(Event::WaitOver)) />
            {support_id().map(|id| view! { <SupportId id /> })}
            <Countdown label=k::TIME_LEFT expires_at on_zero=Callback::new(move |_| on_event.run(Event::CountdownAtZero)) />
        })}
    }
}

/// The seconds PingOne asked the person to wait, for the errors that say.
fn wait_seconds(error: &ApiError) -> Option<u32> {
    match error {
        ApiError::Busy { retry_after } => *retry_after,
        ApiError::PasswordLocked { seconds } => *seconds,
        _ => None,
    }
}

/// A telling screen, its next step wired to the machine (`on_event` receives its button's event).
pub fn tell(told: Told, on_event: Callback<Event>) -> AnyView {
    let Told {
        title,
        body,
        next,
        modifier,
        support_id,
    } = told;
    let title = t(title);
    let service = t(k::SERVICE_DEFAULT);
    let body = match body {
        Said::Key(key) => tf(key, &[("service", &service)]),
        Said::Problem(error) => text::problem(&error),
    };
    let label = |key| tf(key, &[("service", &service)]);
    let next = match next {
        Next::Link {
            label: key,
            href,
            new_window,
        } => NextStep::Link {
            label: label(key),
            href,
            new_window,
        },
        Next::Button { label: key, event } => NextStep::Button {
            label: label(key),
            on_click: Callback::new(move |_| on_event.run((*event).clone())),
        },
    };
    match support_id {
        Some(support_id) => view! { <Message title body next modifier support_id /> }.into_any(),
        None => view! { <Message title body next modifier /> }.into_any(),
    }
}
