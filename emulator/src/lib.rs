//! A faithful local PingOne for the OAuth 2.0 Device Authorization Grant (RFC 8628): the server
//! the demo runs on and every end-to-end test uses. See `shared/pingone-device-flow.md` for the
//! contract it implements.
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

mod codes;
mod config;
mod cors;
mod error;
mod faults;
mod flows;
pub mod hooks;
mod jwt;
mod oauth;
mod page;
mod request;
mod server;
mod store;
mod test_hooks;

pub use config::{
    Application, Config, DEMO_APP_NAME, DEMO_CLIENT_ID, DEMO_DEVICE_PATH_ID, DEMO_ENV_ID,
    DEMO_PAGE_ORIGIN, DEMO_PASSWORD, DEMO_USERNAME, SameSite, Scope, SessionCookie, User,
    UserCodeCharset,
};
pub use server::{Options, Running, start};
