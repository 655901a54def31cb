//! One file per screen the person moves through.

mod code;
mod config_problem;
mod consent;
mod end;
mod hand_off;
mod load_failed;
mod not_found;
mod sign_on;

pub use code::CodeScreen;
pub use config_problem::ConfigProblem;
pub use consent::Consent;
pub use end::{EndScreen, NextStep};
pub use hand_off::HandOff;
pub use load_failed::LoadFailed;
pub use not_found::NotFound;
pub use sign_on::SignOn;
