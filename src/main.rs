//! Entry point: panic hook, then the app.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(device_page::app::App);
}
