//! What `boot.js` started before the WebAssembly arrived: it fetches the configuration and the
//! person's language file as soon as the HTML is parsed and leaves the promises on
//! `window.devicePage`, so the page takes them instead of asking again. When a promise is missing
//! (the page was started another way) or failed, the page fetches the file itself.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::api::{Answer, ConfigFailure, fetch_text, fetch_text_from};
use crate::browser;

/// The promise `boot.js` left under `name`, awaited and taken (a second call gets nothing);
/// `None` when there is none or it failed.
async fn started(name: &str) -> Option<JsValue> {
    let boot = js_sys::Reflect::get(&leptos::prelude::window(), &"devicePage".into()).ok()?;
    let promise = js_sys::Reflect::get(&boot, &name.into())
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()?;
    let _ = js_sys::Reflect::set(&boot, &name.into(), &JsValue::NULL);
    JsFuture::from(promise).await.ok()
}

fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// The first read of the flow, which `boot.js` started as soon as it had the configuration: used
/// only when it went to exactly `url`, the URL the page itself would read.
pub async fn flow(url: Option<&str>) -> Option<Answer> {
    let answer = started("flow").await?;
    if field(&answer, "url").as_string().as_deref() != url {
        return None;
    }
    Some(Answer {
        status: field(&answer, "status").as_f64()? as u16,
        body: field(&answer, "body").as_string().unwrap_or_default(),
        retry_after: field(&answer, "retryAfter")
            .as_string()
            .and_then(|s| s.trim().parse().ok()),
        html: field(&answer, "html").as_bool().unwrap_or(false),
    })
}

/// `config.json`'s text.
pub async fn config() -> Result<String, ConfigFailure> {
    let url = browser::config_url();
    match started("config").await {
        Some(answer) => fetch_text_from(
            &url,
            Answer {
                status: field(&answer, "status").as_f64().unwrap_or(0.0) as u16,
                body: field(&answer, "body").as_string().unwrap_or_default(),
                retry_after: None,
                html: field(&answer, "html").as_bool().unwrap_or(false),
            },
        ),
        None => fetch_text(&url).await,
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
