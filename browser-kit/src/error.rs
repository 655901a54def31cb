//! What can go wrong driving a browser, as one error type the suite and the bench turn into
//! their own reports: each variant says what was being done, and a wait that ran out says what
//! the person would have seen.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::error::{CmdError, NewSessionError};

/// A failure of the browser, of ChromeDriver, or of the page to show what was expected.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// ChromeDriver did not start or answer (kept as text: every later caller sees the first
    /// failure).
    #[error("ChromeDriver: {0}")]
    Driver(String),
    /// ChromeDriver did not open a browser window.
    #[error("starting a Chromium session ({})", chromium.display())]
    Session {
        chromium: PathBuf,
        #[source]
        source: Box<NewSessionError>,
    },
    /// A WebDriver or DevTools command failed.
    #[error("{doing}")]
    Command {
        doing: String,
        #[source]
        source: Box<CmdError>,
    },
    /// Something expected never showed within the time allowed.
    #[error("{0}")]
    Timeout(Box<Waited>),
    /// The page is not as a person expects it (says what, and what it shows instead).
    #[error("{0}")]
    Unexpected(String),
    /// A script or a command answered something of another shape than asked.
    #[error("{doing}: unexpected answer {answer}")]
    Answer { doing: String, answer: String },
    /// A file (profile, screenshot, log) could not be written or read.
    #[error("{doing} {}", path.display())]
    File {
        doing: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A wait that ran out: what was awaited, and what the person saw instead.
#[derive(Debug)]
pub struct Waited {
    pub what: String,
    pub waited: Duration,
    /// The address bar.
    pub url: String,
    /// The page's text, whitespace collapsed.
    pub on_screen: String,
    /// Where the screenshot of that moment went.
    pub screenshot: String,
    /// The last error the check met, if it met one.
    pub last_error: Option<String>,
}

impl std::fmt::Display for Waited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "waited {:.1} s for {}\n  at: {}\n  on screen: {}\n  screenshot: {}",
            self.waited.as_secs_f64(),
            self.what,
            self.url,
            self.on_screen,
            self.screenshot
        )?;
        if let Some(e) = &self.last_error {
            write!(f, "\n  last error: {e}")?;
        }
        Ok(())
    }
}

/// The kit's results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Attaches what was being done to a WebDriver command's failure.
pub(crate) trait Doing<T> {
    fn doing(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Doing<T> for std::result::Result<T, CmdError> {
    fn doing(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| Error::Command {
            doing: what(),
            source: Box::new(source),
        })
    }
}

/// An error and its causes on one line, as a wait reports the last one it met.
pub(crate) fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}
