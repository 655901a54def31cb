//! The /device page's response headers and the hosting recipes written from them.
//!
//! `deploy/headers.toml` is the one description of what the page's host sends: the
//! Content-Security-Policy and the other security headers, which paths the page answers and how
//! each is cached. `cargo xtask hosting` renders it, with an operator's [`Site`], into the
//! recipes committed in `deploy/` (nginx, Caddy, static hosts, CloudFront); the emulator applies
//! the same [`Policy`] to the page it serves; [`servers`] runs the recipes on real nginx and
//! Caddy for the tests. One source, so the headers tested are the headers shipped.

mod policy;
pub mod recipes;
pub mod servers;
mod site;

pub use policy::{Header, PathClass, Policy, Route};
pub use site::Site;

/// What can go wrong reading the sources or running a server.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A TOML file that does not parse or does not fit its shape.
    #[error("{what} is not what it should be: {source}")]
    Toml {
        what: String,
        #[source]
        source: toml::de::Error,
    },
    /// `headers.toml` parses but says something the recipes cannot carry.
    #[error("deploy/headers.toml: {0}")]
    Policy(String),
    /// An operator's value that would not be safe or valid in a recipe.
    #[error("the site's {field} {value:?} {why}")]
    Site {
        field: &'static str,
        value: String,
        why: &'static str,
    },
    /// Reading or writing a file, or starting a process.
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// A server that would not start or serve.
    #[error("{0}")]
    Server(String),
}

impl Error {
    fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let what = what.into();
        move |source| Error::Io { what, source }
    }
}
