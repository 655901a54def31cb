//! Pieces several screens use.

mod countdown;
mod frame;
mod message;
mod problem;
mod report;
mod switch_user;

pub use countdown::Countdown;
pub use frame::Frame;
pub use message::{Message, NextStep};
pub use problem::{ProblemMessage, SupportId};
pub use report::Report;
pub use switch_user::{NotYou, SwitchUser};
