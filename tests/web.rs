//! Screens mounted in a real browser (headless Chromium via `wasm-bindgen-test`) with recorded
//! flow resources, checked the way a person sees them: the text on screen, the buttons, and what a
//! click (or a double click) sends.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use device_page::api::Step;
use device_page::app::{Device, tell};
use device_page::config::Config;
use device_page::error::{ApiError, Failure};
use device_page::flow::Flow;
use device_page::machine::{Links, State, told};
use device_page::pages::{CodeScreen, Consent, SignOn};
use device_page::query::{Query, form};
use device_page::screen::{End, Screen};
use device_page::user_code::{Remembered, UserCode};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ENV: &str = "8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f";

fn config() -> Config {
    // Port 9 (discard) on loopback: nothing answers, so any request fails as a network error.
    Config::parse(
        &format!(
            r#"{{"authBase":"http://127.0.0.1:9","environmentId":"{ENV}","appIdentifier":"tv"}}"#
        ),
        None,
    )
    .expect("test config is valid")
}

/// Mounts a view in a fresh container and returns the container; the page speaks English.
fn mount<V: IntoView + 'static>(f: impl FnOnce() -> V + 'static) -> web_sys::HtmlElement {
    device_page::i18n::set(
        device_page::i18n::Catalog::parse(include_str!("../i18n/en.json")).expect("en.json"),
    );
    let container = document().create_element("div").expect("create div");
    document()
        .body()
        .expect("body")
        .append_child(&container)
        .expect("append");
    let container: web_sys::HtmlElement = container.unchecked_into();
    leptos::mount::mount_to(container.clone(), f).forget();
    container
}

fn text(screen: &web_sys::HtmlElement) -> String {
    screen.text_content().unwrap_or_default()
}

fn find(screen: &web_sys::HtmlElement, selector: &str) -> web_sys::HtmlElement {
    screen
        .query_selector(selector)
        .expect("valid selector")
        .unwrap_or_else(|| panic!("no {selector} in: {}", text(screen)))
        .unchecked_into()
}

/// The button whose text is `label`.
fn button(screen: &web_sys::HtmlElement, label: &str) -> web_sys::HtmlButtonElement {
    let buttons = screen.query_selector_all("button").expect("query");
    (0..buttons.length())
        .filter_map(|i| buttons.item(i))
        .map(|b| b.unchecked_into::<web_sys::HtmlButtonElement>())
        .find(|b| b.text_content().as_deref().map(str::trim) == Some(label))
        .unwrap_or_else(|| panic!("no button {label:?} in: {}", text(screen)))
}

/// Types into the field labelled `label`, as a person would (an `input` event).
fn type_into(screen: &web_sys::HtmlElement, label: &str, value: &str) {
    let labels = screen.query_selector_all("label").expect("query");
    let id = (0..labels.length())
        .filter_map(|i| labels.item(i))
        .find(|l| l.text_content().as_deref() == Some(label))
        .and_then(|l| l.unchecked_into::<web_sys::Element>().get_attribute("for"))
        .unwrap_or_else(|| panic!("no label {label:?}"));
    let input: web_sys::HtmlInputElement = find(screen, &format!("#{id}")).unchecked_into();
    input.set_value(value);
    let event = web_sys::Event::new("input").expect("event");
    input.dispatch_event(&event).expect("dispatch");
}

fn field_value(screen: &web_sys::HtmlElement, selector: &str) -> String {
    find(screen, selector)
        .unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}

/// Records what a screen sends, and marks the action busy as the real page does while it waits.
struct Recorder<T> {
    sent: Rc<RefCell<Vec<T>>>,
    busy: RwSignal<bool>,
}

impl<T: Clone + 'static> Recorder<T> {
    fn new() -> Self {
        Recorder {
            sent: Rc::default(),
            busy: RwSignal::new(false),
        }
    }
    fn callback(&self) -> Callback<T> {
        let (sent, busy) = (Rc::clone(&self.sent), self.busy);
        // Callback needs Send + Sync closures; the browser test is single-threaded.
        let sent = send_wrapper::SendWrapper::new(sent);
        Callback::new(move |value: T| {
            sent.borrow_mut().push(value);
            busy.set(true);
        })
    }
    fn sent(&self) -> Vec<T> {
        self.sent.borrow().clone()
    }
}

fn linked() -> Remembered {
    Remembered::Linked(UserCode::parse("gkhf jqbc").expect("code"))
}

#[wasm_bindgen_test]
async fn a_code_from_the_link_is_shown_large_and_must_be_confirmed_once() {
    let rec = Recorder::<Remembered>::new();
    let (on_code, busy) = (rec.callback(), rec.busy);
    let screen = mount(
        move || view! { <CodeScreen remembered=Some(linked()) busy problem=Signal::stored(None) on_code /> },
    );
    settle().await;
    let shown = text(&screen);
    assert!(
        shown.contains("Is this the code on your device?"),
        "{shown}"
    );
    assert!(shown.contains("GKHF-JQBC"), "{shown}");
    assert!(
        shown.contains("If you didn't start this on a device you own, stop here"),
        "{shown}"
    );

    let confirm = button(&screen, "Yes, it matches");
    confirm.click();
    settle().await;
    confirm.click();
    settle().await;
    assert_eq!(rec.sent(), vec![linked()], "a second tap sends nothing");
    assert!(
        confirm.disabled(),
        "the button is disabled while the code is checked"
    );
}

#[wasm_bindgen_test]
async fn a_typed_code_is_checked_before_it_is_sent() {
    let rec = Recorder::<Remembered>::new();
    let (on_code, busy) = (rec.callback(), rec.busy);
    let screen = mount(
        move || view! { <CodeScreen remembered=None busy problem=Signal::stored(None) on_code /> },
    );
    settle().await;
    assert_eq!(
        field_value(&screen, "input[autocomplete=one-time-code]"),
        ""
    );

    type_into(&screen, "Code shown on your device", "gkh");
    button(&screen, "Continue").click();
    settle().await;
    assert!(
        text(&screen).contains("That's 3 letters and numbers; the code has 8."),
        "{}",
        text(&screen)
    );
    assert!(rec.sent().is_empty());

    type_into(&screen, "Code shown on your device", "gkhf jqbc");
    button(&screen, "Continue").click();
    settle().await;
    let sent = rec.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].code().map(|c| c.formatted()).as_deref(),
        Some("GKHF-JQBC")
    );
}

#[wasm_bindgen_test]
async fn a_wrong_code_says_so_keeps_the_code_and_shows_tries_left() {
    let problem = RwSignal::new(None::<ApiError>);
    let rec = Recorder::<Remembered>::new();
    let (on_code, busy) = (rec.callback(), rec.busy);
    let screen =
        mount(move || view! { <CodeScreen remembered=Some(linked()) busy problem on_code /> });
    settle().await;
    problem.set(Some(ApiError::WrongCode { remaining: Some(3) }));
    settle().await;
    let shown = text(&screen);
    assert!(
        shown.contains("That code doesn't match a device"),
        "{shown}"
    );
    assert!(shown.contains("3 tries left"), "{shown}");
    assert_eq!(
        field_value(&screen, "#user-code"),
        "GKHF-JQBC",
        "the code is kept for correcting"
    );
}

#[wasm_bindgen_test]
async fn sign_on_sends_once_and_a_wrong_password_keeps_what_was_typed() {
    let problem = RwSignal::new(None::<ApiError>);
    let rec = Recorder::<Step>::new();
    let (on_submit, busy) = (rec.callback(), rec.busy);
    let screen = mount(move || view! { <SignOn busy problem on_submit /> });
    settle().await;
    assert_eq!(
        find(&screen, "#username")
            .get_attribute("autocomplete")
            .as_deref(),
        Some("username")
    );
    assert_eq!(
        find(&screen, "#password")
            .get_attribute("autocomplete")
            .as_deref(),
        Some("current-password")
    );

    type_into(&screen, "Username", "ada");
    type_into(&screen, "Password", "lovelace-1815");
    let sign_on = button(&screen, "Sign on");
    sign_on.click();
    sign_on.click();
    settle().await;
    assert_eq!(
        rec.sent(),
        vec![Step::SignOn {
            username: "ada".into(),
            password: "lovelace-1815".into()
        }]
    );

    busy.set(false);
    problem.set(Some(ApiError::WrongPassword));
    settle().await;
    assert!(
        text(&screen).contains("Wrong username or password."),
        "{}",
        text(&screen)
    );
    assert_eq!(field_value(&screen, "#username"), "ada");
    assert_eq!(field_value(&screen, "#password"), "lovelace-1815");
    assert!(
        !button(&screen, "Sign on").disabled(),
        "the person can try again"
    );
}

const CONSENT_FLOW: &str = r#"{
  "id": "f", "status": "DAG_CONSENT_REQUIRED", "expiresAt": "2026-11-28T18:40:17.259Z",
  "_embedded": {
    "user": {"username": "ada", "name": {"given": "Ada", "family": "Lovelace"}},
    "application": {"name": "Living-room TV", "icon": {"href": "https://cdn.example/tv.png"}},
    "scopes": [{"name": "openid", "description": "Know who you are"}, {"name": "profile", "description": "See your name"}]
  }
}"#;

#[wasm_bindgen_test]
async fn consent_names_the_app_the_scopes_and_the_user_and_answers_once() {
    let flow = Flow::parse(CONSENT_FLOW).expect("recorded flow");
    let rec = Recorder::<bool>::new();
    let (on_answer, busy) = (rec.callback(), rec.busy);
    let screen =
        mount(move || view! { <Consent flow busy problem=Signal::stored(None) on_answer /> });
    settle().await;
    let shown = text(&screen);
    for want in [
        "Allow this device?",
        "Living-room TV",
        "Know who you are",
        "See your name",
        "Ada Lovelace",
    ] {
        assert!(shown.contains(want), "{want:?} missing from: {shown}");
    }
    assert_eq!(
        find(&screen, "img").get_attribute("src").as_deref(),
        Some("https://cdn.example/tv.png")
    );
    let (allow, deny) = (button(&screen, "Allow"), button(&screen, "Deny"));
    deny.click();
    deny.click();
    allow.click();
    settle().await;
    assert_eq!(rec.sent(), vec![false], "only the first answer is sent");
    assert!(allow.disabled() && deny.disabled());
}

/// The browser's JSON back end reads the contract's documents as the native one does (the native
/// tests in `src/` cover many more cases on serde_json).
#[wasm_bindgen_test]
fn the_browser_reads_flows_errors_and_config_like_the_native_build() {
    let flow = Flow::parse(CONSENT_FLOW).expect("recorded flow");
    assert_eq!(flow.status, device_page::flow::Status::ConsentRequired);
    assert_eq!(flow.application.as_deref(), Some("Living-room TV"));
    assert_eq!(flow.user.as_deref(), Some("Ada Lovelace"));
    assert_eq!(
        flow.scopes,
        vec!["Know who you are".to_owned(), "See your name".to_owned()]
    );
    assert!(Flow::parse(r#"{"status":"COMPLETED"}"#).is_err());
    assert!(Flow::parse("[1,2]").is_err());
    // A field of an unexpected type is ignored, not fatal.
    let odd = Flow::parse(
        r#"{"id":"f","status":"X","expiresAt":5,"_embedded":{"user":"ada","scopes":{"a":1},
            "application":{"name":["x"],"icon":{"href":"https://cdn.example/i.png"}}}}"#,
    )
    .expect("tolerated");
    assert_eq!(
        (odd.user, odd.application, odd.expires_at),
        (None, None, None)
    );
    assert_eq!(odd.icon.as_deref(), Some("https://cdn.example/i.png"));
    assert!(odd.scopes.is_empty());

    let mismatch = r#"{"code":"INVALID_DATA","details":[{"code":"INVALID_VALUE","target":"userCode",
        "innerError":{"reason":"MISMATCH","remainingAttempts":2}}]}"#;
    assert_eq!(
        Failure::from_response(400, mismatch, None).error,
        ApiError::WrongCode { remaining: Some(2) }
    );
    assert_eq!(
        Failure::from_response(400, "<html>", None).error,
        ApiError::Refused {
            status: 400,
            code: None
        }
    );

    assert_eq!(config().app_identifier.as_deref(), Some("tv"));
    assert_eq!(
        Config::parse("[]", None).map_err(|e| e.key()),
        Err("syntax")
    );
    assert_eq!(Config::parse("{", None).map_err(|e| e.key()), Err("syntax"));
    assert_eq!(
        Config::parse(
            r#"{"authBase":"https://a.example","environmentId":"x"}"#,
            None
        )
        .map_err(|e| e.key()),
        Err("environmentId")
    );
    // Bodies are written by the browser's JSON.stringify.
    let sign_on = Step::SignOn {
        username: "ada".into(),
        password: "p\"w\\".into(),
    };
    assert_eq!(sign_on.body(), r#"{"username":"ada","password":"p\"w\\"}"#);
    assert_eq!(
        Step::VerifyCode(UserCode::parse("gkhfjqbc").expect("code")).body(),
        r#"{"userCode":"GKHF-JQBC"}"#
    );
    assert_eq!(Step::Consent(false).body(), r#"{"accept":false}"#);
}

/// The machine's telling screens as the page renders them: each end state's words, and a next
/// step that is a real link (a new window where it must be) or a button.
#[wasm_bindgen_test]
async fn telling_screens_render_their_next_step() {
    let config = config();
    let links = Links {
        own_path: "/device",
        config: &config,
        flow_id: "flow-42",
        in_iframe: false,
    };
    let state = State::new(Some(linked()));
    let cases = [
        (
            Screen::End(End::Connected),
            "Your device is connected",
            Some(("/device", None)),
        ),
        (
            Screen::End(End::CookieBlocked),
            "This sign-on needs its own window",
            Some(("/device?user_code=GKHF-JQBC", Some("_blank"))),
        ),
        (Screen::End(End::CodeExpired), "This code has expired", None),
        (
            Screen::HandOff("OTP_REQUIRED".into()),
            "One more step to finish signing on",
            Some((
                "http://127.0.0.1:9/8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f/signon/?flowId=flow-42",
                None,
            )),
        ),
    ];
    for (shown, title, link) in cases {
        let told = told(&shown, &state, &links).expect("a telling screen");
        let screen = mount(move || tell(told, Callback::new(|_| {})));
        settle().await;
        assert!(text(&screen).contains(title), "{}", text(&screen));
        match link {
            Some((href, target)) => {
                let a = find(&screen, "a");
                assert_eq!(a.get_attribute("href").as_deref(), Some(href));
                assert_eq!(a.get_attribute("target").as_deref(), target);
            }
            None => {
                button(&screen, "Enter a new code");
            }
        }
    }
}

#[wasm_bindgen_test]
async fn without_a_code_there_is_an_empty_code_field() {
    let screen = mount(|| view! { <Device config=config() query=Query::default() /> });
    settle().await;
    assert_eq!(
        field_value(&screen, "input[autocomplete=one-time-code]"),
        ""
    );
    let label = find(&screen, "label[for=user-code]");
    assert_eq!(
        label.text_content().as_deref(),
        Some("Code shown on your device")
    );
}

#[wasm_bindgen_test]
async fn an_unreachable_server_offers_to_try_again() {
    let query = Query {
        flow_id: Some("f-1".into()),
        environment_id: Some(ENV.into()),
        ..Query::default()
    };
    let screen = mount(move || view! { <Device config=config() query /> });
    for _ in 0..50 {
        gloo_timers_sleep(100).await;
        if text(&screen).contains("Couldn't load your sign-on") {
            break;
        }
    }
    let shown = text(&screen);
    assert!(shown.contains("Couldn't load your sign-on"), "{shown}");
    assert!(
        shown.contains("Couldn't reach the sign-on service"),
        "{shown}"
    );
    button(&screen, "Try again");
}

/// Lets effects, and the effects they trigger, run (a few microtask turns).
async fn settle() {
    for _ in 0..5 {
        leptos::task::tick().await;
    }
}

async fn gloo_timers_sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

include!("common/query_cases.rs");

/// The address bar read through the browser's `URLSearchParams`, with the native tests' cases.
#[wasm_bindgen_test]
fn the_browser_reads_the_address_bar_like_the_native_build() {
    query_string_cases();
}
