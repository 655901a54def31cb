//! The `/device` verification page of the OAuth 2.0 Device Authorization Grant (RFC 8628) for
//! PingOne.
//!
//! Pure logic (codes, configuration, the address bar) lives in Leptos-free modules with native
//! tests; `app` wires it to the screen.

pub mod api;
pub mod app;
pub mod boot;
pub mod browser;
pub mod components;
pub mod config;
pub mod error;
pub mod flow;
pub mod i18n;
pub mod json;
pub mod machine;
pub mod pages;
pub mod query;
pub mod screen;
pub mod text;
pub mod user_code;
