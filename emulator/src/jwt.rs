//! Signing the tokens the device receives: compact JWS with HS256 and the environment's secret.
//! Enough for a client to decode the claims; nobody verifies an emulator's signature.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

/// `header.payload.signature` for `claims`, signed with `key`.
pub(crate) fn sign_hs256(claims: &Value, key: &[u8]) -> String {
    let header = json!({"alg": "HS256", "typ": "JWT", "kid": "emulator-hs256"});
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    // HMAC accepts keys of any length; the error branch cannot happen but must not panic.
    let signature = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(signing_input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    };
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_rfc_7515_appendix_a1_shape_and_verifies() {
        let token = sign_hs256(&json!({"sub": "u1"}), b"secret-key-for-tests");
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let payload = URL_SAFE_NO_PAD.decode(parts[1]).expect("base64url payload");
        let claims: Value = serde_json::from_slice(&payload).expect("json payload");
        assert_eq!(claims["sub"], "u1");
        let mut mac = Hmac::<Sha256>::new_from_slice(b"secret-key-for-tests").expect("key");
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        let sig = URL_SAFE_NO_PAD
            .decode(parts[2])
            .expect("base64url signature");
        mac.verify_slice(&sig).expect("signature verifies");
    }
}
