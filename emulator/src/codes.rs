//! User codes as the device shows them (`XXXX-XXXX`) and as the server compares them (RFC 8628
//! §6.1: case-insensitive, dashes, spaces and punctuation ignored), plus random identifiers.

use rand::Rng;

use crate::config::UserCodeCharset;

/// Characters in a user code, without the dash.
pub(crate) const USER_CODE_LEN: usize = 8;

/// A fresh code in display form, `XXXX-XXXX`.
pub(crate) fn new_user_code(charset: UserCodeCharset) -> String {
    let alphabet = charset.alphabet();
    let mut rng = rand::rng();
    let mut code = String::with_capacity(USER_CODE_LEN + 1);
    for i in 0..USER_CODE_LEN {
        if i == USER_CODE_LEN / 2 {
            code.push('-');
        }
        let c = alphabet[rng.random_range(0..alphabet.len())];
        code.push(char::from(c));
    }
    code
}

/// The comparison form of a typed code: ASCII letters and digits only, upper-cased.
pub(crate) fn normalize(typed: &str) -> String {
    typed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// An opaque, unguessable token (session cookies): 32 random bytes, base64url.
pub(crate) fn opaque_token() -> String {
    use base64::Engine;
    let bytes: [u8; 32] = rand::rng().random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_shape_of_pings_examples() {
        for charset in [UserCodeCharset::Alphanumeric, UserCodeCharset::Base20] {
            for _ in 0..200 {
                let code = new_user_code(charset);
                assert_eq!(code.len(), 9, "{code}");
                assert_eq!(&code[4..5], "-");
                assert!(
                    normalize(&code)
                        .bytes()
                        .all(|b| charset.alphabet().contains(&b)),
                    "{code}"
                );
            }
        }
    }

    #[test]
    fn typed_codes_compare_as_rfc_8628_says() {
        for (typed, want) in [
            ("BVKV-2GZ2", "BVKV2GZ2"),
            ("bvkv-2gz2", "BVKV2GZ2"),
            (" bvkv 2gz2 ", "BVKV2GZ2"),
            ("BVKV.2GZ2!", "BVKV2GZ2"),
            ("bvkv–2gz2", "BVKV2GZ2"),
            ("", ""),
            ("ÄÖÜ", ""),
        ] {
            assert_eq!(normalize(typed), want, "{typed:?}");
        }
    }

    #[test]
    fn tokens_are_distinct() {
        assert_ne!(opaque_token(), opaque_token());
        assert_eq!(opaque_token().len(), 43);
    }
}
