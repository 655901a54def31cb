//! Pieces several screens use.

mod countdown;
mod frame;
mod problem;

pub use countdown::Countdown;
pub use frame::Frame;
pub use problem::ProblemMessage;
