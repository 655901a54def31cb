//! Entry point. In the browser there is no `fn main`: the JS glue calls [`start`] once the
//! WebAssembly is instantiated, so no Rust runtime wraps it (its argument setup and its stdout
//! cleanup, code the page never needs).
#![cfg_attr(target_arch = "wasm32", no_main)]

/// Panic messages in the console (debug builds: the release build aborts on panic without
/// formatting anything), then the app.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
fn start() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // The page starts with an await (the configuration) before Leptos mounts and sets up its
    // own executor, so this first task goes to wasm-bindgen's.
    wasm_bindgen_futures::spawn_local(device_page::app::start());
}

/// Natively the page is a library for the tests; the binary has nothing to run.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
