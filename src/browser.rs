//! The few things the page asks of the browser beyond rendering: the tab's session storage, the
//! address bar, frames and the performance timeline. Each fails soft: a browser that refuses
//! (private mode, a sandboxed frame) costs a convenience, never the flow.

use leptos::prelude::{document, window};

use wasm_bindgen::JsCast;

use crate::pages::Carried;
use crate::query::Query;
use crate::user_code::Remembered;

/// Session-storage key of the code the page keeps across PingOne's redirect and reloads.
const CODE_KEY: &str = "pingone-device.code";

/// The performance mark set when the first screen that takes input is on screen.
pub const ACTIONABLE_MARK: &str = "device:actionable";

fn storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

/// Keeps the code for this tab (session storage: gone when the tab closes).
pub fn remember(code: &Remembered) {
    if let Some(s) = storage() {
        // Private modes may refuse storage; the page then works without resuming.
        let _ = s.set_item(CODE_KEY, &code.encode());
    }
}

/// The code kept for this tab, if any.
pub fn recall() -> Option<Remembered> {
    let stored = storage()?.get_item(CODE_KEY).ok().flatten()?;
    Remembered::decode(&stored)
}

/// Drops the kept code.
pub fn forget() {
    if let Some(s) = storage() {
        let _ = s.remove_item(CODE_KEY);
    }
}

/// Whether the page runs inside a frame.
pub fn in_iframe() -> bool {
    match window().top() {
        Ok(Some(top)) => !js_sys::Object::is(&top, &window()),
        _ => true,
    }
}

/// Marks the first moment a screen takes input (what `cargo xtask bench` measures).
pub fn mark_actionable() {
    if let Some(perf) = window().performance()
        && perf.get_entries_by_name(ACTIONABLE_MARK).length() == 0
    {
        let _ = perf.mark(ACTIONABLE_MARK);
    }
}

/// Sends the window elsewhere (`replace`: without a history entry).
pub fn navigate(url: &str, replace: bool) {
    let location = window().location();
    // If the browser refuses to navigate there is nothing better to do than stay.
    let _ = if replace {
        location.replace(url)
    } else {
        location.assign(url)
    };
}

/// Reloads the page.
pub fn reload() {
    let _ = window().location().reload();
}

/// The address bar's path.
pub fn path() -> String {
    window().location().pathname().unwrap_or_default()
}

/// The page's own path (`/device`), for links that start over.
pub fn own_path() -> String {
    let path = path();
    if path.is_empty() {
        "/device".to_owned()
    } else {
        path
    }
}

/// What the address bar's query brought.
pub fn query() -> Query {
    Query::parse(&window().location().search().unwrap_or_default())
}

/// Where the configuration lives: the `href` of `<link id="device-config">` in `index.html`
/// (which also preloads it), else `/config.json`.
pub fn config_url() -> String {
    document()
        .get_element_by_id("device-config")
        .and_then(|link| link.get_attribute("href"))
        .unwrap_or_else(|| "/config.json".to_owned())
}

/// A file beside the configuration (the site's root, or the prefix it is hosted under).
pub fn asset_url(path: &str) -> String {
    let config = config_url();
    let dir = config.rsplit_once('/').map_or("", |(dir, _)| dir);
    format!("{dir}/{path}")
}

/// Puts the language on the document: `<html lang dir>` and the title.
pub fn show_language(catalog: &crate::i18n::Catalog, title: &str) {
    if let Some(html) = document().document_element() {
        let _ = html.set_attribute("lang", &catalog.tag);
        let _ = html.set_attribute("dir", if catalog.rtl { "rtl" } else { "ltr" });
    }
    document().set_title(title);
}

/// Removes `user_code` from the address bar (history replace), so the code is in no history
/// entry, bookmark or `Referer`.
pub fn forget_user_code() {
    let location = window().location();
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

/// Removes what `index.html` shows until the page mounts: the "Loading…" line, and the code field
/// shown before the page started, returning what the person typed there and how (when it was
/// shown).
pub fn take_placeholders() -> Option<(String, Carried)> {
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
    let pre = document().get_element_by_id("pre")?;
    let shown = !pre.has_attribute("hidden");
    let submitted = pre.get_attribute("data-submitted").is_some();
    let input = document()
        .get_element_by_id("user-code")
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
    // Read before removing: a removed field has no focus.
    let taken = input.filter(|_| shown).map(|input| {
        let focused = document()
            .active_element()
            .is_some_and(|a| a.id() == "user-code");
        let carried = Carried {
            selection: (
                input.selection_start().ok().flatten().unwrap_or(0),
                input.selection_end().ok().flatten().unwrap_or(0),
            ),
            focused,
            submitted,
        };
        (input.value(), carried)
    });
    pre.remove();
    taken
}

/// Sets a performance mark (what `cargo xtask bench` reads).
pub fn mark(name: &str) {
    if let Some(perf) = window().performance() {
        let _ = perf.mark(name);
    }
}

/// Tells whoever listens on the window (the portal module, `public/lazy/frame.js`) what the person
/// now sees: `device:step` with the step's name, `device:result` with how the flow ended. Names
/// only: never a code, a flow id, a username or a token. The last of each also stays on `<html>`
/// (`data-device-step`, `data-device-result`) for a listener that arrives late.
pub fn announce(event: &str, name: &str) {
    if let Some(html) = document().document_element() {
        let _ = html.set_attribute(&format!("data-{}", event.replace(':', "-")), name);
    }
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&name.into());
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(event, &init) {
        let _ = window().dispatch_event(&event);
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen::prelude::wasm_bindgen(js_namespace = console, js_name = warn)]
    fn console_warn(message: &str);
}

/// A note for whoever deploys the page, in the browser's console.
pub fn warn(message: &str) {
    console_warn(message);
}
