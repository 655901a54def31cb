//! What `boot.js` started before the WebAssembly arrived: it fetches the configuration and the
//! person's language file as soon as the HTML is parsed and leaves the promises on
//! `window.devicePage`, so the page takes them instead of asking again. When a promise is missing
//! (the page was started another way) or failed, the page fetches the file itself.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::api::{ConfigFailure, fetch_text};
use crate::browser;

/// The promise `boot.js` left under `name`, awaited; `None` when there is none or it failed.
async fn started(name: &str) -> Option<JsValue> {
    let boot = js_sys::Reflect::get(&leptos::prelude::window(), &"devicePage".into()).ok()?;
    let promise = js_sys::Reflect::get(&boot, &name.into())
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()?;
    JsFuture::from(promise).await.ok()
}

/// `config.json`'s text.
pub async fn config() -> Result<String, ConfigFailure> {
    match started("config").await.and_then(|v| v.as_string()) {
        Some(text) => Ok(text),
        None => fetch_text(&browser::config_url()).await,
    }
}

/// The chosen language file's text.
pub async fn language() -> Option<String> {
    match started("language").await.and_then(|v| v.as_string()) {
        Some(text) => Some(text),
        None => english().await,
    }
}

/// English, which fills what another language's file lacks.
pub async fn english() -> Option<String> {
    fetch_text(&browser::asset_url("i18n/en.json")).await.ok()
}
