//! One file per screen that takes input; the screens that only tell use
//! [`crate::components::Message`].

mod code;
mod consent;
mod sign_on;

pub use code::{Carried, CodeScreen};
pub use consent::Consent;
pub use sign_on::SignOn;
