//! A faithful local PingOne for the OAuth 2.0 Device Authorization Grant (RFC 8628): the server
//! the demo runs on and every end-to-end test uses. It implements the contract in the
//! repository's `docs/pingone-contract.md`; where PingOne publishes nothing, its choices are
//! listed there under "What the emulator adds".
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let running = emulator::start(emulator::Options {
//!     api_addr: "127.0.0.1:0".parse()?,
//!     page_addr: None,
//!     dist: None,
//!     config: emulator::Config::demo(),
//! })
//! .await?;
//! println!("PingOne at {}/{}", running.api_url(), running.env_id());
//! running.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod clock;
mod codes;
mod config;
mod cors;
mod entry;
mod environment;
mod error;
mod faults;
mod flow_api;
mod flow_resource;
mod hook_guard;
pub mod hooks;
mod hosted;
mod jwt;
mod model;
mod oauth;
mod page;
mod portal;
mod request;
mod server;
mod state;
mod test_hooks;

pub use config::{
    Application, Config, DEMO_APP_NAME, DEMO_CLIENT_ID, DEMO_DEVICE_PATH_ID, DEMO_ENV_ID,
    DEMO_LOCKABLE_PASSWORD, DEMO_LOCKABLE_USERNAME, DEMO_PAGE_ORIGIN, DEMO_PASSWORD, DEMO_USERNAME,
    DemoPortal, Link, Lockout, SameSite, Scope, SessionCookie, User, UserCodeCharset,
};
pub use environment::{Environment, ResolvedApplication};
pub use page::static_files;
pub use server::{Options, Running, start};

/// A fresh random token, as the emulator makes for its test hooks when none is configured: for a
/// caller that starts the binary and wants to know it (`EMULATOR_HOOK_TOKEN`).
pub fn new_hook_token() -> String {
    codes::opaque_token()
}
