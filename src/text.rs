//! Every string a person reads on the page, in one place, so that a translation touches one file.

pub const TITLE: &str = "Connect a device";
pub const LOADING: &str = "Loading…";

pub const CODE_LABEL: &str = "Code shown on your device";
pub const CODE_HINT: &str =
    "8 letters and numbers, like GKHF-JQBC. Case, dashes and spaces don't matter.";
pub const CODE_FROM_LINK: &str = "Is this the code on your device?";
pub const CONTINUE: &str = "Continue";

pub const NOT_FOUND_TITLE: &str = "Page not found";
pub const NOT_FOUND_BODY: &str = "This address has no page. To connect a device, go to /device.";

pub const CONFIG_TITLE: &str = "This page is not set up correctly";
pub const CONFIG_BODY: &str = "The site's configuration (config.json) has a problem, so the page cannot reach sign-on. \
     Tell the site's operator:";
pub const CONFIG_UNREACHABLE: &str = "config.json could not be loaded";

/// What the code field says about text that is not yet a code.
pub fn code_problem(error: crate::code::CodeError) -> String {
    use crate::code::{CODE_LEN, CodeError};
    match error {
        CodeError::Empty => "Enter the code shown on your device.".into(),
        CodeError::TooShort(n) => {
            format!("That's {n} letters and numbers; the code has {CODE_LEN}.")
        }
        CodeError::TooLong(n) => {
            format!("That's {n} letters and numbers; the code has {CODE_LEN}.")
        }
        CodeError::BadCharacter(c) => {
            format!("The code has only letters and numbers, not “{c}”.")
        }
    }
}
