//! The one Chromium command line of the project. The end-to-end suite and the bench start
//! Chromium with it through this kit; wasm-bindgen-test-runner reads the same list from the
//! workspace's `webdriver.json`, and a test here keeps that file equal to this list.

/// The flags every Chromium of the project starts with (the kit adds the window size and a fresh
/// profile per session).
pub const CHROMIUM_FLAGS: [&str; 10] = [
    // No display on a build machine.
    "--headless=new",
    // Containers run as root, where Chromium's sandbox cannot start.
    "--no-sandbox",
    // No GPU either; software rendering is what the screenshots show.
    "--disable-gpu",
    // Loopback HTTP/1.1 only: no QUIC attempts to skew timings.
    "--disable-quic",
    // Nothing of Chromium's own on the network or on screen: no first-run page, no background
    // requests, component updates or sync, so the only traffic is the page's.
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    // Containers have a small /dev/shm; Chromium crashes on big pages without this.
    "--disable-dev-shm-usage",
    // A frame of another site in the page's own process, as on phones (Android Chrome does not
    // isolate every site): the DevTools scripts and the console log the kit reads then cover it,
    // so a policy violation inside a portal's frame is seen too.
    "--disable-site-isolation-trials",
];

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::CHROMIUM_FLAGS;

    /// `webdriver.json` is wasm-bindgen-test-runner's copy of the flags: it must say exactly what
    /// the kit says, in the same order, or the browser tests run another Chromium than the rest.
    #[test]
    fn webdriver_json_has_exactly_the_kits_flags() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../webdriver.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let json: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
        let args: Vec<&str> = json["goog:chromeOptions"]["args"]
            .as_array()
            .unwrap_or_else(|| panic!("{} has no goog:chromeOptions.args", path.display()))
            .iter()
            .map(|a| a.as_str().unwrap_or("(not a string)"))
            .collect();
        assert_eq!(
            args,
            CHROMIUM_FLAGS,
            "{} must list the kit's Chromium flags (browser-kit/src/flags.rs)",
            path.display()
        );
    }
}
