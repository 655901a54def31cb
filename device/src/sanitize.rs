//! The one sanitiser every server-provided string goes through before it reaches the terminal.
//! Verification URIs, error descriptions and the names in an id token are written by whoever
//! runs the server, or by users themselves; raw, their escape sequences would write the
//! clipboard (OSC 52), hide links (OSC 8), move the cursor over what the person reads, and bidi
//! controls would reorder it. `--json` output does not come through here: JSON escapes control
//! characters itself, and scripts need the exact values.

use std::borrow::Cow;

/// What a character that must not reach the terminal is shown as: visible, and inert.
pub const PLACEHOLDER: char = '\u{FFFD}';

/// `text` with every C0 and C1 control, DEL, and bidi embedding, override, isolate and mark
/// replaced by [`PLACEHOLDER`].
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_unsafe) {
        Cow::Owned(
            text.chars()
                .map(|c| if is_unsafe(c) { PLACEHOLDER } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

fn is_unsafe(c: char) -> bool {
    // `is_control` is Unicode's Cc: U+0000–U+001F, DEL, U+0080–U+009F.
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_controls_and_bidi_and_keeps_the_rest() {
        assert!(matches!(
            for_terminal("Ada Lovelace ✓ é 中"),
            Cow::Borrowed(_)
        ));
        for (raw, shown) in [
            ("a\x1b[2Jb", "a\u{fffd}[2Jb"),
            ("tab\there\nnew", "tab\u{fffd}here\u{fffd}new"),
            ("del\u{7f} c1\u{9b}", "del\u{fffd} c1\u{fffd}"),
            ("\u{202e}txt.exe", "\u{fffd}txt.exe"),
            (
                "\u{2066}x\u{2069}\u{200f}\u{61c}",
                "\u{fffd}x\u{fffd}\u{fffd}\u{fffd}",
            ),
        ] {
            assert_eq!(for_terminal(raw), shown, "{raw:?}");
        }
    }
}
