//! One file per screen the person moves through.

mod code;
mod config_problem;
mod not_found;

pub use code::CodeScreen;
pub use config_problem::ConfigProblem;
pub use not_found::NotFound;
