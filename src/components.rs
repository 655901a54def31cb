//! Pieces several screens use.

mod countdown;
mod frame;
mod message;
mod problem;

pub use countdown::Countdown;
pub use frame::Frame;
pub use message::{Message, NextStep};
pub use problem::ProblemMessage;
