//! The page's root: reads the address bar, loads the configuration, and shows the screen the
//! situation asks for.

use leptos::prelude::*;

use crate::api;
use crate::config::Config;
use crate::pages::{CodeScreen, ConfigProblem, NotFound};
use crate::query::{Query, is_device_path};
use crate::text;

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

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let location = window().location();
    if !is_device_path(&location.pathname().unwrap_or_default()) {
        return view! { <NotFound /> }.into_any();
    }
    let query = Query::parse(&location.search().unwrap_or_default());
    forget_user_code(&location);

    let environment_id = query.environment_id.clone();
    let config = LocalResource::new(move || {
        let environment_id = environment_id.clone();
        async move {
            let url = config_url();
            let json = api::fetch_config(&url)
                .await
                .map_err(|e| format!("{}: {e}", text::CONFIG_UNREACHABLE))?;
            Config::parse(&json, environment_id.as_deref()).map_err(|e| e.to_string())
        }
    });

    view! {
        <main class="page">
            <h1 class="page__title">{text::TITLE}</h1>
            {move || match config.get() {
                None => view! { <p class="page__status" role="status">{text::LOADING}</p> }.into_any(),
                Some(Ok(config)) => view! { <Device config query=query.clone() /> }.into_any(),
                Some(Err(problem)) => view! { <ConfigProblem problem /> }.into_any(),
            }}
        </main>
    }
    .into_any()
}

/// The device flow for one configured environment.
#[component]
pub fn Device(
    /// The checked configuration.
    config: Config,
    /// What the address bar brought.
    query: Query,
) -> impl IntoView {
    let _ = config;
    view! { <CodeScreen from_link=query.user_code /> }
}
