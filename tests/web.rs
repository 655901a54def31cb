//! Screens mounted in a real browser (headless Chromium via `wasm-bindgen-test`), checked the way
//! a person sees them.
#![cfg(target_arch = "wasm32")]

use device_page::app::Device;
use device_page::config::Config;
use device_page::query::Query;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn config() -> Config {
    Config::parse(
        r#"{"authBase":"http://127.0.0.1:9","environmentId":"8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f","appIdentifier":"tv"}"#,
        None,
    )
    .expect("test config is valid")
}

/// Mounts `Device` in a fresh container and returns the container.
fn mount(query: Query) -> web_sys::HtmlElement {
    let container = document().create_element("div").expect("create div");
    document()
        .body()
        .expect("body")
        .append_child(&container)
        .expect("append");
    let container: web_sys::HtmlElement = container.unchecked_into();
    let config = config();
    leptos::mount::mount_to(container.clone(), move || view! { <Device config query /> }).forget();
    container
}

#[wasm_bindgen_test]
async fn a_code_from_the_link_is_shown_normalised() {
    let screen = mount(Query {
        user_code: Some("gkhf jqbc".into()),
        ..Query::default()
    });
    leptos::task::tick().await;
    let text = screen.text_content().unwrap_or_default();
    assert!(text.contains("GKHF-JQBC"), "screen says: {text}");
    assert!(
        text.contains("Is this the code on your device?"),
        "screen says: {text}"
    );
    assert!(
        screen.query_selector("input").expect("query").is_none(),
        "no field for a linked code"
    );
}

#[wasm_bindgen_test]
async fn without_a_code_there_is_an_empty_code_field() {
    let screen = mount(Query::default());
    leptos::task::tick().await;
    let input: web_sys::HtmlInputElement = screen
        .query_selector("input[autocomplete=one-time-code]")
        .expect("query")
        .expect("a code field")
        .unchecked_into();
    assert_eq!(input.value(), "");
    let label = screen
        .query_selector("label[for=user-code]")
        .expect("query")
        .expect("a label");
    assert_eq!(
        label.text_content().as_deref(),
        Some("Code shown on your device")
    );
}
