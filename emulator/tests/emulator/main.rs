//! End-to-end tests of the emulator over HTTP: each test starts its own emulator in-process on
//! port 0 and talks to it the way the page, the device or a test hook would.

mod common;

mod device_client;
mod flow;
mod hooks;
mod oauth;
mod page;
mod robustness;
mod session;
mod urls;
