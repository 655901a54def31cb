//! Entry point: panic messages in the console (debug builds: the release build aborts on panic
//! without formatting anything), then the app.

fn main() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // The page starts with an await (the configuration) before Leptos mounts and sets up its
    // own executor, so this first task goes to wasm-bindgen's.
    wasm_bindgen_futures::spawn_local(device_page::app::start());
}
