//! Reads who signed in from the `id_token`'s payload, for display only.
//!
//! The signature is NOT checked, on purpose: the token came straight from the token endpoint over
//! the connection this program opened (OpenID Connect Core §3.1.3.7 lets a client rely on that
//! instead of the signature), and nothing here trusts the claims for anything but showing a name.
//! A program that acts on the identity must verify the token against the environment's JWKS.

use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};
use serde::Deserialize;

use crate::outcome::User;

/// base64url, with or without `=` padding (JWTs have none, but be lenient).
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

#[derive(Deserialize)]
struct Claims {
    sub: Option<String>,
    preferred_username: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    name: Option<String>,
}

/// The user named by a compact JWT's claims; `Err` says why it could not be read.
pub fn user_of(id_token: &str) -> Result<User, String> {
    let mut parts = id_token.split('.');
    let payload = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(_), Some(payload), Some(_), None) => payload,
        _ => return Err("the id_token is not a JWT (three dot-separated parts)".to_owned()),
    };
    let bytes = BASE64URL
        .decode(payload)
        // A few servers send standard base64; accept it rather than show nothing.
        .or_else(|_| general_purpose::STANDARD_NO_PAD.decode(payload.trim_end_matches('=')))
        .map_err(|e| format!("the id_token payload is not base64url: {e}"))?;
    let claims: Claims = serde_json::from_slice(&bytes)
        .map_err(|e| format!("the id_token payload is not a JSON object of claims: {e}"))?;
    Ok(User {
        sub: claims.sub,
        preferred_username: claims.preferred_username,
        given_name: claims.given_name,
        family_name: claims.family_name,
        name: claims.name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        let enc = general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.{}",
            enc.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
            enc.encode(payload),
            enc.encode("signature")
        )
    }

    #[test]
    fn reads_the_claims_the_device_shows() {
        let token = jwt(
            r#"{"sub":"5a8e2c41","preferred_username":"ada","given_name":"Ada","family_name":"Lovelace","aud":"x","amr":["pwd"]}"#,
        );
        let user = user_of(&token).expect("a valid token");
        assert_eq!(user.sub.as_deref(), Some("5a8e2c41"));
        assert_eq!(user.preferred_username.as_deref(), Some("ada"));
        assert_eq!(user.display_name(), "Ada Lovelace (ada)");
    }

    #[test]
    fn missing_claims_are_none() {
        let user = user_of(&jwt(r#"{"sub":"only-sub"}"#)).expect("valid");
        assert_eq!(user.given_name, None);
        assert_eq!(user.display_name(), "only-sub");
    }

    #[test]
    fn broken_tokens_say_why() {
        for (token, why) in [
            ("not-a-jwt", "not a JWT"),
            ("a.b.c.d", "not a JWT"),
            ("a.!!!.c", "not base64url"),
            (&jwt("[1,2]") as &str, "not a JSON object"),
        ] {
            let err = user_of(token).expect_err(token);
            assert!(err.contains(why), "{token}: {err}");
        }
    }
}
