//! The flow on the page as a pure state machine: what the page knows (the flow, what stands in for
//! it, the last problem, the code the person gave, whether a call is in flight), one transition
//! for every event, and the commands the wiring must carry out. No Leptos and no browser here, so
//! every decision is tested natively; `app` only feeds events in and carries commands out.

use crate::api::{Call, Step, hand_off_url, hosted_sign_on_url};
use crate::config::{Config, origin};
use crate::error::{ApiError, Failure};
use crate::flow::Flow;
use crate::i18n::k;
use crate::screen::{End, Screen, end_for_error, for_flow};
use crate::text;
use crate::user_code::Remembered;

/// Something that happens to the flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The page opens: read the flow.
    Open,
    /// The person signs on or answers consent.
    Step(Step),
    /// The person confirms or types a code, or picks among decoys the one their device shows
    /// (`linkedCode: match`).
    Code(Remembered),
    /// "I didn't start this": refuse whatever this flow would connect.
    Report,
    /// PingOne answered the call in flight.
    Answer(Result<Flow, Failure>),
    /// The wait PingOne asked for (a rate limit, a locked password) is over.
    WaitOver,
    /// The countdown reached zero: ask PingOne rather than trust the phone's clock.
    CountdownAtZero,
    /// Try the failed first read again.
    Retry,
    /// "Enter a new code" after an expired or used one.
    NewCode,
}

/// What the wiring does after a transition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Make the call (its answer comes back as [`Event::Answer`]).
    Send(Call),
    /// Keep the code for this tab, across PingOne's redirect and reloads.
    Remember(Remembered),
    /// Drop the kept code.
    Forget,
    /// Leave for this URL (the flow's `resumeUrl`, when the deployment asks for it).
    Navigate(String),
}

/// What the machine needs from the page's surroundings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// The page runs inside a frame, where a missing cookie means the browser withholds it.
    pub in_iframe: bool,
    /// Follow `resumeUrl` on completion when it is on this origin (`followResumeUrl`).
    pub resume_origin: Option<String>,
}

/// Where the page stands with the flow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    /// The flow as PingOne last returned it.
    pub flow: Option<Flow>,
    /// What stands in for the flow's own screen: an end state, or a first read that failed.
    pub overlay: Option<Screen>,
    /// The last step's problem, shown on the step's own screen.
    pub problem: Option<ApiError>,
    /// The last error's `id`, for support.
    pub support_id: Option<String>,
    /// PingOne asked to wait (rate limit, locked password): steps are not sent until it is over.
    pub waiting: bool,
    /// The code the person confirmed or typed (from the link, or kept across a reload).
    pub remembered: Option<Remembered>,
    /// A call is in flight; nothing else is sent meanwhile (a double tap sends once).
    pub busy: bool,
    /// The person's last step was Deny, so a `FAILED` flow is a refusal.
    pub denied: bool,
    /// The person said they did not start this: the refusal offers the report page.
    pub reported: bool,
}

impl State {
    /// A page back from PingOne, with the code it kept, if any.
    pub fn new(remembered: Option<Remembered>) -> Self {
        State {
            remembered,
            ..State::default()
        }
    }

    /// The screen for this state.
    pub fn screen(&self) -> Screen {
        self.overlay.clone().unwrap_or_else(|| match &self.flow {
            Some(flow) => for_flow(flow, self.denied),
            None => Screen::Loading,
        })
    }

    /// Applies one event: the next state, and what the wiring must do.
    pub fn apply(mut self, event: Event, ctx: &Context) -> (State, Vec<Command>) {
        let commands = match event {
            Event::Open | Event::CountdownAtZero => self.send(Call::Read),
            Event::Retry => {
                self.overlay = None;
                self.send(Call::Read)
            }
            Event::Step(step) => self.act(step),
            Event::Code(code) => self.apply_code(code),
            Event::Report => self.report(),
            Event::Answer(answer) => self.answer(answer, ctx),
            Event::WaitOver => {
                self.waiting = false;
                Vec::new()
            }
            Event::NewCode => {
                self.overlay = None;
                self.problem = None;
                self.remembered = None;
                vec![Command::Forget]
            }
        };
        (self, commands)
    }

    fn apply_code(&mut self, code: Remembered) -> Vec<Command> {
        if self.busy || self.waiting {
            return Vec::new();
        }
        match (&self.remembered, code.code()) {
            // A code from the link that is not the link's own (a decoy): send nothing, and
            // forget a code that may be a phisher's.
            (Some(Remembered::Linked(kept)), Some(given))
                if matches!(code, Remembered::Linked(_)) && *kept != given =>
            {
                self.overlay = Some(Screen::Mismatch);
                self.remembered = None;
                vec![Command::Forget]
            }
            (_, Some(user_code)) => {
                self.remembered = Some(code.clone());
                let mut commands = vec![Command::Remember(code)];
                commands.extend(self.act(Step::VerifyCode(user_code)));
                commands
            }
            _ => Vec::new(),
        }
    }

    /// Consent open: deny it, so the device hears `access_denied`. Before it (the code step,
    /// nothing tied to a device yet): drop the code and end here.
    fn report(&mut self) -> Vec<Command> {
        if self.busy || self.waiting {
            return Vec::new();
        }
        self.reported = true;
        if self.screen() == Screen::Consent {
            return self.act(Step::Consent(false));
        }
        self.overlay = Some(Screen::End(End::Refused));
        self.remembered = None;
        vec![Command::Forget]
    }

    fn send(&mut self, call: Call) -> Vec<Command> {
        if self.busy {
            return Vec::new();
        }
        self.busy = true;
        vec![Command::Send(call)]
    }

    fn act(&mut self, step: Step) -> Vec<Command> {
        if self.busy || self.waiting {
            return Vec::new();
        }
        self.problem = None;
        self.support_id = None;
        self.denied = step == Step::Consent(false);
        self.send(Call::Act(step))
    }

    fn answer(&mut self, answer: Result<Flow, Failure>, ctx: &Context) -> Vec<Command> {
        self.busy = false;
        match answer {
            Ok(flow) => {
                self.problem = None;
                self.support_id = None;
                let resume = flow.resume_url.clone();
                self.flow = Some(flow);
                match self.screen() {
                    Screen::End(End::Connected) => {
                        let mut commands = vec![Command::Forget];
                        if let (Some(url), Some(allowed)) = (resume, &ctx.resume_origin)
                            && origin(&url) == allowed
                        {
                            commands.push(Command::Navigate(url));
                        }
                        commands
                    }
                    Screen::End(End::Refused) => vec![Command::Forget],
                    _ => Vec::new(),
                }
            }
            Err(Failure { error, support_id }) => {
                self.support_id = support_id;
                self.waiting = matches!(
                    error,
                    ApiError::Busy {
                        retry_after: Some(_)
                    } | ApiError::PasswordLocked { seconds: Some(_) }
                );
                if let Some(end) = end_for_error(&error, ctx.in_iframe) {
                    self.overlay = Some(Screen::End(end));
                    if end == End::TooManyAttempts {
                        return vec![Command::Forget];
                    }
                } else if self.flow.is_none() {
                    self.overlay = Some(Screen::LoadFailed(error));
                } else {
                    self.problem = Some(error);
                }
                Vec::new()
            }
        }
    }
}

/// The step and result names the page announces for a screen (`device:step`, `device:result`):
/// the portal protocol's vocabulary. `linked`: the code screen is confirming a code from the link.
pub fn announced(screen: &Screen, linked: bool) -> (&'static str, Option<&'static str>) {
    match screen {
        Screen::Loading => ("loading", None),
        Screen::SignOn => ("sign-on", None),
        Screen::Code if linked => ("confirm-code", None),
        Screen::Code => ("code", None),
        Screen::Consent => ("consent", None),
        Screen::Mismatch => ("problem", None),
        Screen::HandOff(_) => ("hand-off", None),
        Screen::LoadFailed(_) => ("problem", None),
        Screen::End(End::Connected) => ("done", Some("connected")),
        Screen::End(End::Refused) => ("done", Some("refused")),
        Screen::End(End::CodeExpired | End::FlowExpired) => ("problem", Some("expired")),
        // Not over: the flow goes on in a window of its own (`continued-in-window` once opened).
        Screen::End(End::CookieBlocked) => ("hand-off", None),
        Screen::End(_) => ("problem", Some("failed")),
    }
}

/// What a telling screen offers next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// Go somewhere.
    Link {
        /// The label.
        label: &'static str,
        /// Where it goes.
        href: String,
        /// Open a window of its own (leaving a frame).
        new_window: bool,
    },
    /// Feed this event to the machine.
    Button {
        /// The label.
        label: &'static str,
        /// What pressing it does.
        event: Box<Event>,
    },
}

/// Where the links of the end screens lead.
pub struct Links<'a> {
    /// The page's own path (`/device`), to start over.
    pub own_path: &'a str,
    /// The configuration, for the hand-off to PingOne and its hosted sign-on.
    pub config: &'a Config,
    /// The flow id, for the hosted sign-on.
    pub flow_id: &'a str,
    /// The page runs inside a frame: PingOne's hosted sign-on opens in a window of its own.
    pub in_iframe: bool,
}

/// What a telling screen says: a message, or the words for a problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Said {
    /// A message by key.
    Key(&'static str),
    /// What the page says about this problem.
    Problem(ApiError),
}

/// A screen that tells rather than asks: its title, its words, its next step and its look (titles
/// and labels are message keys).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Told {
    /// The heading.
    pub title: &'static str,
    /// What happened and what it means.
    pub body: Said,
    /// The one thing to do next.
    pub next: Next,
    /// `done` or `problem`.
    pub modifier: &'static str,
    /// The error `id` to quote to support, on problem screens.
    pub support_id: Option<String>,
}

/// The telling screen for `screen`, or `None` for the screens that take input (and loading).
pub fn told(screen: &Screen, state: &State, links: &Links) -> Option<Told> {
    let problem = |title, body, next| Told {
        title,
        body,
        next,
        modifier: "problem",
        support_id: state.support_id.clone(),
    };
    Some(match screen {
        Screen::LoadFailed(error) => problem(
            k::LOAD_FAILED_TITLE,
            Said::Problem(error.clone()),
            Next::Button {
                label: k::ACTION_TRY_AGAIN,
                event: Box::new(Event::Retry),
            },
        ),
        Screen::Mismatch => problem(
            k::MATCH_WRONG_TITLE,
            Said::Key(k::MATCH_WRONG_BODY),
            Next::Button {
                label: k::MATCH_TYPE_CODE,
                event: Box::new(Event::NewCode),
            },
        ),
        Screen::HandOff(_) => problem(
            k::HAND_OFF_TITLE,
            Said::Key(k::HAND_OFF_BODY),
            Next::Link {
                label: k::HAND_OFF_LINK,
                href: hosted_sign_on_url(links.config, links.flow_id, state.flow.as_ref()),
                new_window: links.in_iframe,
            },
        ),
        Screen::End(end) => {
            let (title, body) = text::end(*end);
            Told {
                title,
                body: Said::Key(body),
                next: next_step(*end, state, links),
                modifier: if *end == End::Connected {
                    "done"
                } else {
                    "problem"
                },
                support_id: state.support_id.clone().filter(|_| *end != End::Connected),
            }
        }
        Screen::Loading | Screen::SignOn | Screen::Code | Screen::Consent => return None,
    })
}

/// The next step an end state offers.
pub fn next_step(end: End, state: &State, links: &Links) -> Next {
    let code = state.remembered.as_ref().and_then(Remembered::code);
    let own = links.own_path.to_owned();
    let link = |label, href| Next::Link {
        label,
        href,
        new_window: false,
    };
    match end {
        End::Connected => link(k::ACTION_CONNECT_ANOTHER, own),
        End::Refused => match (&links.config.report_url, state.reported) {
            (Some(href), true) => Next::Link {
                label: k::REPORT_ACTION,
                href: href.clone(),
                new_window: true,
            },
            _ => link(k::ACTION_NEW_CODE, own),
        },
        End::Failed | End::TooManyAttempts => link(k::ACTION_NEW_CODE, own),
        End::CodeExpired | End::CodeUsed => Next::Button {
            label: k::ACTION_NEW_CODE,
            event: Box::new(Event::NewCode),
        },
        End::FlowExpired | End::NotSignedIn => link(
            k::ACTION_START_AGAIN,
            hand_off_url(links.config, code.as_ref()),
        ),
        End::CookieBlocked => Next::Link {
            label: k::ACTION_NEW_WINDOW,
            href: match code {
                Some(code) => format!("{own}?user_code={code}"),
                None => own,
            },
            new_window: true,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::Status;
    use crate::user_code::UserCode;

    const ENV: &str = "8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f";

    fn flow(status: &str) -> Flow {
        Flow::parse(&format!(
            r#"{{"id":"f","status":"{status}","resumeUrl":"https://auth.example/{ENV}/as/resume?flowId=f"}}"#
        ))
        .expect("flow")
    }

    fn config() -> Config {
        Config::parse(
            &format!(r#"{{"authBase":"https://auth.example","environmentId":"{ENV}","appIdentifier":"tv"}}"#),
            None,
        )
        .expect("config")
    }

    fn linked() -> Remembered {
        Remembered::Linked(UserCode::parse("GKHF-JQBC").expect("code"))
    }

    fn run(state: State, events: Vec<Event>, ctx: &Context) -> (State, Vec<Command>) {
        events
            .into_iter()
            .fold((state, Vec::new()), |(s, mut all), e| {
                let (s, commands) = s.apply(e, ctx);
                all.extend(commands);
                (s, all)
            })
    }

    /// A page that has read the flow at `status`.
    fn at(status: &str) -> State {
        run(
            State::new(Some(linked())),
            vec![Event::Open, Event::Answer(Ok(flow(status)))],
            &Context::default(),
        )
        .0
    }

    /// Each status and its screen; the first three take input.
    fn statuses() -> [(&'static str, Screen); 6] {
        [
            ("USERNAME_PASSWORD_REQUIRED", Screen::SignOn),
            ("DAG_USER_CODE_REQUIRED", Screen::Code),
            ("DAG_CONSENT_REQUIRED", Screen::Consent),
            ("COMPLETED", Screen::End(End::Connected)),
            ("FAILED", Screen::End(End::Failed)),
            ("OTP_REQUIRED", Screen::HandOff("OTP_REQUIRED".into())),
        ]
    }

    #[test]
    fn opening_reads_the_flow_once_and_shows_its_screen() {
        let (state, commands) = State::new(None).apply(Event::Open, &Context::default());
        assert_eq!(commands, vec![Command::Send(Call::Read)]);
        assert_eq!(state.screen(), Screen::Loading);
        assert!(state.busy);
        for (status, want) in statuses() {
            assert_eq!(at(status).screen(), want, "{status}");
            assert!(!at(status).busy);
        }
    }

    /// Every error, answered to the first read and to a step, in a frame or not.
    #[test]
    fn every_error_on_every_screen() {
        let errors = crate::error::every_kind();
        for in_iframe in [false, true] {
            let ctx = Context {
                in_iframe,
                resume_origin: None,
            };
            for error in &errors {
                let end = end_for_error(error, in_iframe);
                // The first read fails.
                let (first, _) = run(
                    State::new(None),
                    vec![Event::Open, Event::Answer(Err(error.clone().into()))],
                    &ctx,
                );
                let want = match end {
                    Some(end) => Screen::End(end),
                    None => Screen::LoadFailed(error.clone()),
                };
                assert_eq!(first.screen(), want, "first read: {error:?} {in_iframe}");
                // A step fails on each screen that takes input.
                for (status, screen) in &statuses()[..3] {
                    let step = match screen {
                        Screen::SignOn => Step::SignOn {
                            username: "ada".into(),
                            password: "pw".into(),
                        },
                        Screen::Code => Step::VerifyCode(UserCode::parse("GKHFJQBC").expect("c")),
                        _ => Step::Consent(true),
                    };
                    let (after, _) = run(
                        at(status),
                        vec![Event::Step(step), Event::Answer(Err(error.clone().into()))],
                        &ctx,
                    );
                    match end {
                        Some(end) => {
                            assert_eq!(after.screen(), Screen::End(end), "{status} {error:?}");
                            assert_eq!(after.problem, None);
                        }
                        None => {
                            assert_eq!(&after.screen(), screen, "{status} {error:?}");
                            assert_eq!(after.problem.as_ref(), Some(error));
                        }
                    }
                    assert!(!after.busy);
                }
            }
        }
    }

    #[test]
    fn one_call_at_a_time() {
        let state = at("DAG_CONSENT_REQUIRED");
        let (state, first) = state.apply(Event::Step(Step::Consent(true)), &Context::default());
        assert_eq!(first, vec![Command::Send(Call::Act(Step::Consent(true)))]);
        for again in [
            Event::Step(Step::Consent(true)),
            Event::Step(Step::Consent(false)),
            Event::Code(linked()),
            Event::Open,
            Event::CountdownAtZero,
        ] {
            let (_, commands) = state.clone().apply(again.clone(), &Context::default());
            assert_eq!(commands, vec![], "{again:?} while busy");
        }
    }

    #[test]
    fn a_code_is_kept_then_sent() {
        let typed = Remembered::Typed("gkhf jqbc".into());
        let (state, commands) =
            at("DAG_USER_CODE_REQUIRED").apply(Event::Code(typed.clone()), &Context::default());
        assert_eq!(
            commands,
            vec![
                Command::Remember(typed.clone()),
                Command::Send(Call::Act(Step::VerifyCode(
                    UserCode::parse("GKHFJQBC").expect("code")
                ))),
            ]
        );
        assert_eq!(state.remembered, Some(typed));
        // Text that is not a code sends nothing.
        let (_, none) = at("DAG_USER_CODE_REQUIRED").apply(
            Event::Code(Remembered::Typed("gkhf".into())),
            &Context::default(),
        );
        assert_eq!(none, vec![]);
    }

    #[test]
    fn deny_then_failed_is_a_refusal_and_forgets_the_code() {
        let (state, commands) = run(
            at("DAG_CONSENT_REQUIRED"),
            vec![
                Event::Step(Step::Consent(false)),
                Event::Answer(Ok(flow("FAILED"))),
            ],
            &Context::default(),
        );
        assert_eq!(state.screen(), Screen::End(End::Refused));
        assert!(commands.contains(&Command::Forget));
    }

    #[test]
    fn connected_forgets_and_follows_resume_only_when_asked_and_at_home() {
        let done = |ctx: &Context| {
            run(
                at("DAG_CONSENT_REQUIRED"),
                vec![
                    Event::Step(Step::Consent(true)),
                    Event::Answer(Ok(flow("COMPLETED"))),
                ],
                ctx,
            )
            .1
        };
        let resume = format!("https://auth.example/{ENV}/as/resume?flowId=f");
        assert_eq!(
            done(&Context::default()),
            vec![
                Command::Send(Call::Act(Step::Consent(true))),
                Command::Forget
            ]
        );
        let home = Context {
            in_iframe: false,
            resume_origin: Some("https://auth.example".into()),
        };
        assert!(done(&home).contains(&Command::Navigate(resume)));
        let elsewhere = Context {
            in_iframe: false,
            resume_origin: Some("https://other.example".into()),
        };
        assert!(
            !done(&elsewhere)
                .iter()
                .any(|c| matches!(c, Command::Navigate(_)))
        );
    }

    #[test]
    fn retry_and_new_code_clear_what_stands_in() {
        let (failed, _) = run(
            State::new(None),
            vec![Event::Open, Event::Answer(Err(ApiError::Network.into()))],
            &Context::default(),
        );
        let (retrying, commands) = failed.apply(Event::Retry, &Context::default());
        assert_eq!(commands, vec![Command::Send(Call::Read)]);
        assert_eq!(retrying.screen(), Screen::Loading);

        let (expired, _) = run(
            at("DAG_USER_CODE_REQUIRED"),
            vec![
                Event::Code(linked()),
                Event::Answer(Err(ApiError::CodeExpired.into())),
            ],
            &Context::default(),
        );
        assert_eq!(expired.screen(), Screen::End(End::CodeExpired));
        let (fresh, commands) = expired.apply(Event::NewCode, &Context::default());
        assert_eq!(commands, vec![Command::Forget]);
        assert_eq!(fresh.screen(), Screen::Code);
        assert_eq!(fresh.remembered, None);
    }

    #[test]
    fn a_later_answer_clears_the_last_problem() {
        let (state, _) = run(
            at("USERNAME_PASSWORD_REQUIRED"),
            vec![
                Event::Step(Step::SignOn {
                    username: "ada".into(),
                    password: "x".into(),
                }),
                Event::Answer(Err(ApiError::WrongPassword.into())),
                Event::Step(Step::SignOn {
                    username: "ada".into(),
                    password: "y".into(),
                }),
            ],
            &Context::default(),
        );
        assert_eq!(state.problem, None, "a new try clears the old problem");
        let (state, _) = state.apply(
            Event::Answer(Ok(flow("DAG_USER_CODE_REQUIRED"))),
            &Context::default(),
        );
        assert_eq!(state.screen(), Screen::Code);
        assert_eq!(state.flow.map(|f| f.status), Some(Status::UserCodeRequired));
    }

    #[test]
    fn every_screen_has_a_step_name_and_every_end_a_result() {
        assert_eq!(announced(&Screen::Code, true), ("confirm-code", None));
        assert_eq!(announced(&Screen::Code, false), ("code", None));
        assert_eq!(
            announced(&Screen::End(End::Connected), false),
            ("done", Some("connected"))
        );
        assert_eq!(
            announced(&Screen::End(End::Refused), false),
            ("done", Some("refused"))
        );
        for end in [
            End::Failed,
            End::CodeUsed,
            End::TooManyAttempts,
            End::NotSignedIn,
        ] {
            assert_eq!(
                announced(&Screen::End(end), false),
                ("problem", Some("failed")),
                "{end:?}"
            );
        }
        assert_eq!(
            announced(&Screen::End(End::CodeExpired), false).1,
            Some("expired")
        );
        assert_eq!(
            announced(&Screen::End(End::CookieBlocked), false),
            ("hand-off", None)
        );
    }

    #[test]
    fn a_wait_holds_every_step_until_it_is_over_and_keeps_the_screen() {
        let locked = Failure {
            error: ApiError::PasswordLocked { seconds: Some(60) },
            support_id: Some("e-1".into()),
        };
        let sign_on = Step::SignOn {
            username: "ada".into(),
            password: "x".into(),
        };
        let (state, _) = run(
            at("USERNAME_PASSWORD_REQUIRED"),
            vec![Event::Step(sign_on.clone()), Event::Answer(Err(locked))],
            &Context::default(),
        );
        assert_eq!(state.screen(), Screen::SignOn);
        assert!(state.waiting);
        assert_eq!(state.support_id.as_deref(), Some("e-1"));
        let (state, held) = state.apply(Event::Step(sign_on.clone()), &Context::default());
        assert_eq!(held, vec![], "nothing is sent while PingOne asks to wait");
        let (state, _) = state.apply(Event::WaitOver, &Context::default());
        let (state, sent) = state.apply(Event::Step(sign_on.clone()), &Context::default());
        assert_eq!(sent, vec![Command::Send(Call::Act(sign_on))]);
        assert_eq!(state.support_id, None, "a new try clears the old reference");
        // A rate limit without a time to wait holds nothing.
        let (busy, _) = run(
            at("DAG_USER_CODE_REQUIRED"),
            vec![
                Event::Code(linked()),
                Event::Answer(Err(ApiError::Busy { retry_after: None }.into())),
            ],
            &Context::default(),
        );
        assert_eq!((busy.screen(), busy.waiting), (Screen::Code, false));
        assert_eq!(busy.remembered, Some(linked()), "the code is kept");
    }

    #[test]
    fn not_you_resets_the_session_and_keeps_the_code() {
        let (state, commands) =
            at("DAG_CONSENT_REQUIRED").apply(Event::Step(Step::ResetSession), &Context::default());
        assert_eq!(commands, vec![Command::Send(Call::Act(Step::ResetSession))]);
        let (state, _) = state.apply(
            Event::Answer(Ok(flow("USERNAME_PASSWORD_REQUIRED"))),
            &Context::default(),
        );
        assert_eq!(state.screen(), Screen::SignOn);
        assert_eq!(state.remembered, Some(linked()));
    }

    /// `linkedCode: match`: only the link's own code is sent; any other pick sends nothing,
    /// forgets the code and warns, with a way on to typing the code.
    #[test]
    fn a_pick_sends_only_the_links_code() {
        let ctx = Context::default();
        let code = UserCode::parse("GKHF-JQBC").expect("code");
        let decoy = UserCode::parse("GKWF-JXBZ").expect("code");
        let cases: [(State, UserCode, Vec<Command>, Screen); 3] = [
            (
                at("DAG_USER_CODE_REQUIRED"),
                code.clone(),
                vec![
                    Command::Remember(linked()),
                    Command::Send(Call::Act(Step::VerifyCode(code.clone()))),
                ],
                Screen::Code,
            ),
            (
                at("DAG_USER_CODE_REQUIRED"),
                decoy.clone(),
                vec![Command::Forget],
                Screen::Mismatch,
            ),
            // One call at a time, and a tap while one is in flight changes nothing.
            (
                State {
                    busy: true,
                    ..at("DAG_USER_CODE_REQUIRED")
                },
                decoy.clone(),
                vec![],
                Screen::Code,
            ),
        ];
        for (state, picked, want, screen) in cases {
            let (after, commands) =
                state.apply(Event::Code(Remembered::Linked(picked.clone())), &ctx);
            assert_eq!(commands, want, "{picked}");
            assert_eq!(after.screen(), screen, "{picked}");
        }
        let (wrong, _) =
            at("DAG_USER_CODE_REQUIRED").apply(Event::Code(Remembered::Linked(decoy)), &ctx);
        assert_eq!(wrong.remembered, None, "the link's code is forgotten");
        let told = told(
            &Screen::Mismatch,
            &wrong,
            &Links {
                own_path: "/device",
                config: &config(),
                flow_id: "f",
                in_iframe: false,
            },
        )
        .expect("the warning tells");
        assert_eq!(told.title, k::MATCH_WRONG_TITLE);
        let Next::Button { label, event } = told.next else {
            panic!("{:?}", told.next)
        };
        assert_eq!(label, k::MATCH_TYPE_CODE);
        let (typing, _) = wrong.apply(*event, &ctx);
        assert_eq!(typing.screen(), Screen::Code);
        assert_eq!(typing.remembered, None, "the field starts empty");
    }

    /// "I didn't start this" denies an open consent (the device hears `access_denied`); on the
    /// code step nothing is tied to a device yet, so the page drops the code and ends. The
    /// refusal leads to the operator's report page when there is one.
    #[test]
    fn i_did_not_start_this_refuses() {
        let ctx = Context::default();
        let (consent, commands) = at("DAG_CONSENT_REQUIRED").apply(Event::Report, &ctx);
        assert_eq!(
            commands,
            vec![Command::Send(Call::Act(Step::Consent(false)))]
        );
        let (refused, _) = consent.apply(Event::Answer(Ok(flow("FAILED"))), &ctx);
        assert_eq!(refused.screen(), Screen::End(End::Refused));

        let (code, commands) = at("DAG_USER_CODE_REQUIRED").apply(Event::Report, &ctx);
        assert_eq!(commands, vec![Command::Forget], "nothing is sent");
        assert_eq!(code.screen(), Screen::End(End::Refused));
        assert_eq!(code.remembered, None);

        let (held, none) = State {
            busy: true,
            ..at("DAG_CONSENT_REQUIRED")
        }
        .apply(Event::Report, &ctx);
        assert_eq!((none, held.reported), (vec![], false));

        let plain = config();
        let reporting = Config {
            report_url: Some("https://help.example/phish".into()),
            ..config()
        };
        let next = |state: &State, config: &Config| {
            next_step(
                End::Refused,
                state,
                &Links {
                    own_path: "/device",
                    config,
                    flow_id: "f",
                    in_iframe: false,
                },
            )
        };
        let report = Next::Link {
            label: k::REPORT_ACTION,
            href: "https://help.example/phish".into(),
            new_window: true,
        };
        let new_code = Next::Link {
            label: k::ACTION_NEW_CODE,
            href: "/device".into(),
            new_window: false,
        };
        assert_eq!(next(&refused, &reporting), report);
        assert_eq!(next(&code, &reporting), report);
        assert_eq!(
            next(&refused, &plain),
            new_code,
            "no report page configured"
        );
        // A plain Deny is not a report.
        let (denied, _) = run(
            at("DAG_CONSENT_REQUIRED"),
            vec![
                Event::Step(Step::Consent(false)),
                Event::Answer(Ok(flow("FAILED"))),
            ],
            &ctx,
        );
        assert_eq!(next(&denied, &reporting), new_code);
    }

    /// Every end state and every telling screen has words and a next step that leads where it
    /// should.
    #[test]
    fn every_telling_screen_says_what_next() {
        let config = config();
        let links = Links {
            own_path: "/device",
            config: &config,
            flow_id: "f-1",
            in_iframe: false,
        };
        let state = State::new(Some(linked()));
        let hand_off = format!("https://auth.example/{ENV}/device/tv?user_code=GKHF-JQBC");
        let cases: [(End, Next); 9] = [
            (
                End::Connected,
                Next::Link {
                    label: k::ACTION_CONNECT_ANOTHER,
                    href: "/device".into(),
                    new_window: false,
                },
            ),
            (
                End::Refused,
                Next::Link {
                    label: k::ACTION_NEW_CODE,
                    href: "/device".into(),
                    new_window: false,
                },
            ),
            (
                End::Failed,
                Next::Link {
                    label: k::ACTION_NEW_CODE,
                    href: "/device".into(),
                    new_window: false,
                },
            ),
            (
                End::TooManyAttempts,
                Next::Link {
                    label: k::ACTION_NEW_CODE,
                    href: "/device".into(),
                    new_window: false,
                },
            ),
            (
                End::CodeExpired,
                Next::Button {
                    label: k::ACTION_NEW_CODE,
                    event: Box::new(Event::NewCode),
                },
            ),
            (
                End::CodeUsed,
                Next::Button {
                    label: k::ACTION_NEW_CODE,
                    event: Box::new(Event::NewCode),
                },
            ),
            (
                End::FlowExpired,
                Next::Link {
                    label: k::ACTION_START_AGAIN,
                    href: hand_off.clone(),
                    new_window: false,
                },
            ),
            (
                End::NotSignedIn,
                Next::Link {
                    label: k::ACTION_START_AGAIN,
                    href: hand_off,
                    new_window: false,
                },
            ),
            (
                End::CookieBlocked,
                Next::Link {
                    label: k::ACTION_NEW_WINDOW,
                    href: "/device?user_code=GKHF-JQBC".into(),
                    new_window: true,
                },
            ),
        ];
        let state = State {
            support_id: Some("e-9".into()),
            ..state
        };
        for (end, want) in cases {
            let told = told(&Screen::End(end), &state, &links).expect("an end state tells");
            assert_eq!(told.support_id.is_some(), end != End::Connected, "{end:?}");
            assert_eq!(told.next, want, "{end:?}");
            assert_eq!(told.body, Said::Key(text::end(end).1), "{end:?}");
            assert_eq!(told.modifier == "done", end == End::Connected);
        }
        let hand_off =
            told(&Screen::HandOff("OTP_REQUIRED".into()), &state, &links).expect("hand-off tells");
        assert_eq!(
            hand_off.next,
            Next::Link {
                label: k::HAND_OFF_LINK,
                href: format!("https://auth.example/{ENV}/signon/?flowId=f-1"),
                new_window: false,
            }
        );
        let linked_state = State {
            flow: Some(
                Flow::parse(r#"{"id":"f-1","status":"OTP_REQUIRED","_links":{"signOnPage":{"href":"https://auth.example/apps/signon?flowId=f-1"}}}"#)
                    .expect("flow"),
            ),
            ..state.clone()
        };
        let from_link = told(
            &Screen::HandOff("OTP_REQUIRED".into()),
            &linked_state,
            &links,
        )
        .expect("tells");
        assert!(
            matches!(&from_link.next, Next::Link { href, .. } if href == "https://auth.example/apps/signon?flowId=f-1"),
            "{:?}",
            from_link.next
        );
        let framed = Links {
            in_iframe: true,
            ..links
        };
        let in_frame =
            told(&Screen::HandOff("OTP_REQUIRED".into()), &state, &framed).expect("tells");
        assert!(
            matches!(
                in_frame.next,
                Next::Link {
                    new_window: true,
                    ..
                }
            ),
            "inside a frame PingOne's sign-on opens a window of its own"
        );
        let failed = told(&Screen::LoadFailed(ApiError::Network), &state, &links)
            .expect("a failed load tells");
        assert_eq!(
            failed.next,
            Next::Button {
                label: k::ACTION_TRY_AGAIN,
                event: Box::new(Event::Retry)
            }
        );
        for asks in [
            Screen::Loading,
            Screen::SignOn,
            Screen::Code,
            Screen::Consent,
        ] {
            assert_eq!(told(&asks, &state, &links), None, "{asks:?}");
        }
    }
}
