//! A real Chromium for the project's native tests and its bench, driven the way a person uses
//! the page: one ChromeDriver per process, the project's one list of Chromium flags, one fresh
//! profile per window, and a [`Page`] whose helpers find things by what the person reads
//! (labels, button and link names, headings), never by CSS classes. The same window also speaks
//! the DevTools protocol (slow-phone emulation, load timings) and reads the browser's console.

mod console;
mod devtools;
mod driver;
mod error;
mod flags;
mod locate;
mod page;
mod person;

use std::path::{Path, PathBuf};

pub use console::{ConsoleEntry, CspViolation};
pub use devtools::{Network, ResourceTiming, Timings};
pub use error::{Error, Result, Waited};
pub use fantoccini::key::Key;
pub use flags::CHROMIUM_FLAGS;
pub use page::{Page, TIMEOUT, squash};

/// Which ChromeDriver and Chromium to run, and where windows write their screenshots and the
/// driver its log.
#[derive(Clone, Debug)]
pub struct Browser {
    /// ChromeDriver.
    pub chromedriver: PathBuf,
    /// Chromium (a bare name lets ChromeDriver find its own).
    pub chromium: PathBuf,
    /// Screenshots (`{window}-{nn}-{step}.png`) and `chromedriver.log`.
    pub out: PathBuf,
}

impl Browser {
    /// The installed browser: `CHROMEDRIVER` and `CHROMIUM` when set, else the Debian packages'
    /// `/usr/bin` files when there, else the names on `PATH`.
    pub fn from_env(out: impl Into<PathBuf>) -> Browser {
        Browser {
            chromedriver: executable("CHROMEDRIVER", "/usr/bin/chromedriver", "chromedriver"),
            chromium: executable("CHROMIUM", "/usr/bin/chromium", "chromium"),
            out: out.into(),
        }
    }

    /// Opens a fresh headless window (its own new profile: no cookies, an empty cache) whose
    /// viewport is exactly `width`×`height` CSS pixels; `name` prefixes its screenshots.
    pub async fn open(&self, name: &str, (width, height): (u32, u32)) -> Result<Page> {
        Page::launch(self, name, width, height).await
    }
}

fn executable(env: &str, default: &str, name: &str) -> PathBuf {
    match std::env::var_os(env) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ if Path::new(default).exists() => PathBuf::from(default),
        _ => PathBuf::from(name),
    }
}
