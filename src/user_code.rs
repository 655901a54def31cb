//! User codes as people type them: RFC 8628 §6.1 says to accept any case, with or without the
//! dash, with spaces and punctuation. PingOne's codes are `XXXX-XXXX`, upper-case letters and
//! digits. This module turns whatever was typed (or pasted, a whole verification link included)
//! into that canonical form, or says precisely why it cannot.

use std::fmt;

/// How many significant characters a PingOne user code has.
pub const CODE_LEN: usize = 8;

/// The most characters the code field takes (its `maxlength`), and so the most a typed code
/// keeps in storage.
pub const FIELD_MAX: usize = 200;

/// A user code in canonical form: eight upper-case letters or digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UserCode(String);

/// Why typed text is not a user code. Each variant is something the person can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeError {
    /// Nothing but spaces and punctuation.
    Empty,
    /// Fewer than eight letters and digits; carries how many there are.
    TooShort(usize),
    /// More than eight letters and digits; carries how many there are.
    TooLong(usize),
    /// A character that is neither a letter, a digit nor a separator.
    BadCharacter(char),
}

impl UserCode {
    /// Reads a user code as a person typed or pasted it.
    ///
    /// Accepts any case, dashes, spaces and other separators, and a full verification link
    /// carrying `user_code=…` in its query.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let linked = from_link(input);
        let input = linked.as_deref().unwrap_or(input);
        let mut code = String::with_capacity(CODE_LEN);
        let mut count = 0;
        for c in input.chars() {
            if c.is_ascii_alphanumeric() {
                count += 1;
                if count <= CODE_LEN {
                    code.push(c.to_ascii_uppercase());
                }
            } else if !is_separator(c) {
                return Err(CodeError::BadCharacter(c));
            }
        }
        match count {
            0 => Err(CodeError::Empty),
            n if n < CODE_LEN => Err(CodeError::TooShort(n)),
            n if n > CODE_LEN => Err(CodeError::TooLong(n)),
            _ => Ok(UserCode(code)),
        }
    }

    /// The code as PingOne shows it and expects it: `XXXX-XXXX`.
    pub fn formatted(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for UserCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = self.0.split_at(CODE_LEN / 2);
        write!(f, "{a}-{b}")
    }
}

/// RFC 8628 §6.1's base-20 consonants: a code drawn only from them gets decoys from them too.
const BASE20: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// How many characters each decoy changes: enough that no one mistakes it for the real code.
const DECOY_CHANGES: usize = 4;

impl UserCode {
    /// The code among two decoys, in an order `random` picks: what a person chooses from when a
    /// code arrived in a link (`linkedCode: match`), so approving an attacker's link takes
    /// reading their own device's screen. Each decoy has the code's shape and alphabet and
    /// differs from it in [`DECOY_CHANGES`] places; the two differ from each other.
    /// `random(n)` returns a number below `n` (larger ones are reduced, so any source is safe).
    pub fn among_decoys(&self, mut random: impl FnMut(usize) -> usize) -> [UserCode; 3] {
        let mut pick = |n: usize| random(n) % n;
        let code = self.0.as_bytes();
        let alphabet = if code.iter().all(|c| BASE20.contains(c)) {
            BASE20
        } else {
            ALPHANUMERIC
        };
        let mut places: [usize; CODE_LEN] = std::array::from_fn(|i| i);
        for i in (1..CODE_LEN).rev() {
            places.swap(i, pick(i + 1));
        }
        // The first decoy changes places 0..4 of the shuffle, the second 2..6: each place the
        // first changes alone keeps the two apart.
        let mut decoy = |changed: &[usize]| {
            let mut out = code.to_vec();
            for &at in changed {
                let was = alphabet.iter().position(|c| *c == code[at]).unwrap_or(0);
                out[at] = alphabet[(was + 1 + pick(alphabet.len() - 1)) % alphabet.len()];
            }
            UserCode(out.into_iter().map(char::from).collect())
        };
        let first = decoy(&places[..DECOY_CHANGES]);
        let second = decoy(&places[2..2 + DECOY_CHANGES]);
        let mut all = [self.clone(), first, second];
        all.swap(0, pick(3));
        all
    }
}

/// A code the page keeps across PingOne's redirect and reloads (session storage), and how it
/// arrived: a code from the link must be shown and confirmed (RFC 8628 §5.4); a typed one goes
/// back into the field exactly as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Remembered {
    /// From `verification_uri_complete`, normalised.
    Linked(UserCode),
    /// Typed by the person, as typed.
    Typed(String),
}

impl Remembered {
    /// A code from the link, kept only when it is one: whatever else a link carries (of any
    /// length) is not worth remembering, and the person types the code instead.
    pub fn from_link(raw: &str) -> Option<Self> {
        UserCode::parse(raw).ok().map(Remembered::Linked)
    }

    /// The storage form: `link:GKHF-JQBC`, or `typed:` and what was typed as the field holds it
    /// (at most [`FIELD_MAX`] characters, no control characters), so storage stays small
    /// whatever was handed in.
    pub fn encode(&self) -> String {
        match self {
            Remembered::Linked(code) => format!("link:{code}"),
            Remembered::Typed(text) => format!("typed:{}", as_field_holds(text)),
        }
    }

    /// Reads the storage form; anything [`encode`](Self::encode) does not write (an older
    /// page's format, tampering, a code too long for the field) is forgotten.
    pub fn decode(stored: &str) -> Option<Self> {
        if let Some(code) = stored.strip_prefix("link:") {
            let code = UserCode::parse(code).ok()?;
            (stored == format!("link:{code}")).then_some(Remembered::Linked(code))
        } else {
            let text = stored.strip_prefix("typed:")?;
            (as_field_holds(text) == text).then(|| Remembered::Typed(text.to_owned()))
        }
    }

    /// The code, when it is one.
    pub fn code(&self) -> Option<UserCode> {
        match self {
            Remembered::Linked(code) => Some(code.clone()),
            Remembered::Typed(text) => UserCode::parse(text).ok(),
        }
    }

    /// The text for the code field.
    pub fn text(&self) -> String {
        match self {
            Remembered::Linked(code) => code.formatted(),
            Remembered::Typed(text) => text.clone(),
        }
    }
}

/// Typed text as the code field holds it: no control characters, at most [`FIELD_MAX`].
fn as_field_holds(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(FIELD_MAX)
        .collect()
}

/// Separators people put in codes: white space (including the no-break kinds phones insert),
/// dashes of every width, dots, underscores and the like.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '‐' | '‑' | '‒' | '–' | '—' | '−' | '_' | '.' | '·' | '/' | ':' | ','
        )
}

/// The `user_code` value of a pasted link (`https://…/device?user_code=ABCD-EFGH`), if any.
fn from_link(input: &str) -> Option<String> {
    let query = input.trim().split_once('?')?.1;
    crate::query::Query::parse(query).user_code
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In how many places two codes differ.
    #[cfg(not(target_arch = "wasm32"))]
    fn distance(a: &UserCode, b: &UserCode) -> usize {
        a.0.bytes().zip(b.0.bytes()).filter(|(x, y)| x != y).count()
    }

    // proptest is a native dev-dependency only.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(10_000))]

        /// Whatever the code (of either alphabet) and whatever the random numbers, the code is
        /// offered once, and each decoy is far from it, of its alphabet, and unlike the other.
        #[test]
        fn decoys_are_never_the_code_nor_close_to_it(
            code in proptest::prop_oneof!["[A-Z0-9]{8}", "[BCDFGHJKLMNPQRSTVWXZ]{8}"],
            numbers in proptest::collection::vec(proptest::prelude::any::<usize>(), 1..40),
        ) {
            let code = UserCode::parse(&code).expect("a code");
            let mut numbers = numbers.into_iter().cycle();
            let offered = code.among_decoys(|_| numbers.next().unwrap_or(0));
            proptest::prop_assert_eq!(offered.iter().filter(|c| **c == code).count(), 1);
            let decoys: Vec<&UserCode> = offered.iter().filter(|c| **c != code).collect();
            proptest::prop_assert_eq!(decoys.len(), 2);
            proptest::prop_assert_ne!(decoys[0], decoys[1]);
            let alphabet = if code.0.bytes().all(|c| BASE20.contains(&c)) { BASE20 } else { ALPHANUMERIC };
            for decoy in decoys {
                proptest::prop_assert!(distance(decoy, &code) >= 3, "{} vs {}", decoy, code);
                proptest::prop_assert!(decoy.0.bytes().all(|c| alphabet.contains(&c)), "{}", decoy);
                proptest::prop_assert_eq!(UserCode::parse(&decoy.formatted()), Ok(decoy.clone()));
            }
        }
    }

    #[test]
    fn the_code_lands_anywhere_among_the_decoys() {
        let code = UserCode::parse("GKHF-JQBC").expect("code");
        for (at, n) in [(0, 0), (1, 1), (2, 2), (0, 3)] {
            let offered = code.among_decoys(|limit| if limit == 3 { n } else { 5 });
            assert_eq!(offered.iter().position(|c| *c == code), Some(at), "{n}");
        }
    }

    #[test]
    fn accepts_every_spelling_people_use() {
        let cases = [
            "GKHF-JQBC",
            "gkhf-jqbc",
            "gkhf jqbc",
            "GKHFJQBC",
            "  gKhF - jQbC  ",
            "GK HF JQ BC",
            "gkhf\u{00a0}jqbc",
            "gkhf–jqbc",
            "gkhf_jqbc",
            "gkhf.jqbc",
            "https://example.com/device?user_code=gkhf-jqbc",
            "https://example.com/device?foo=1&user_code=GKHF%20JQBC&x=2",
            "example.com/device?user_code=GKHFJQBC#top",
        ];
        for input in cases {
            let code = UserCode::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
            assert_eq!(code.formatted(), "GKHF-JQBC", "{input:?}");
        }
    }

    #[test]
    fn keeps_digits() {
        assert_eq!(
            UserCode::parse("bvkv 2gz2").map(|c| c.to_string()),
            Ok("BVKV-2GZ2".into())
        );
    }

    #[test]
    fn remembers_how_a_code_arrived() {
        let linked = Remembered::Linked(UserCode::parse("gkhfjqbc").expect("code"));
        let typed = Remembered::Typed("gkhf jqb".into());
        for r in [&linked, &typed] {
            assert_eq!(Remembered::decode(&r.encode()).as_ref(), Some(r));
        }
        assert_eq!(linked.encode(), "link:GKHF-JQBC");
        assert_eq!(typed.text(), "gkhf jqb");
        assert_eq!(typed.code(), None);
        assert_eq!(
            linked.code().map(|c| c.formatted()).as_deref(),
            Some("GKHF-JQBC")
        );
        assert_eq!(Remembered::decode("link:nope"), None);
        assert_eq!(Remembered::decode("GKHF-JQBC"), None);
    }

    #[test]
    fn storage_holds_a_bounded_code() {
        // A 20 kB "code" from a link or the field is never stored whole.
        let huge = "A".repeat(20_000);
        let stored = Remembered::Typed(huge.clone()).encode();
        assert!(
            stored.chars().count() <= "typed:".len() + FIELD_MAX,
            "{} chars",
            stored.len()
        );
        assert_eq!(
            Remembered::decode(&stored),
            Some(Remembered::Typed("A".repeat(FIELD_MAX)))
        );
        // Storage that was written by anything else is refused, not read.
        assert!(Remembered::decode(&format!("typed:{huge}")).is_none());
        assert!(Remembered::decode(&format!("link:{huge}")).is_none());
        assert_eq!(Remembered::decode("typed:a\nb"), None);
    }

    #[test]
    fn a_code_from_a_link_is_kept_only_if_it_is_one() {
        assert_eq!(
            Remembered::from_link("gkhf jqbc"),
            Some(Remembered::Linked(
                UserCode::parse("GKHFJQBC").expect("code")
            ))
        );
        assert!(Remembered::from_link(&"A".repeat(20_000)).is_none());
        assert_eq!(Remembered::from_link("gkhf"), None);
    }

    #[test]
    fn says_why_a_code_is_not_one() {
        let cases = [
            ("", CodeError::Empty),
            (" - ", CodeError::Empty),
            ("GKHF", CodeError::TooShort(4)),
            ("GKHF-JQB", CodeError::TooShort(7)),
            ("GKHF-JQBCX", CodeError::TooLong(9)),
            ("GKHF+JQBC", CodeError::BadCharacter('+')),
            ("GKHF-JQBÇ", CodeError::BadCharacter('Ç')),
        ];
        for (input, want) in cases {
            assert_eq!(UserCode::parse(input), Err(want), "{input:?}");
        }
    }
}
