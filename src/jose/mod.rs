//! JSON Web Signatures in compact form (RFC 7515) carrying JWT claims (RFC 7519).
//!
//! tokn signs client assertions (RFC 7523 §2.2) and jwt-bearer assertions, and
//! decodes tokens for `tokn inspect`. Each is a header, a claims object and one
//! signature, so this is a few functions rather than a JWT framework: the
//! base64url encoding, the algorithm names, signing (`sign.rs`) and splitting a
//! compact token back into its parts; `decode.rs` and `verify.rs` read and
//! check a token for `tokn inspect`.

pub mod decode;
pub mod sign;
pub mod verify;

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use sign::sign_jwt;

/// Base64url without padding (RFC 7515 §2).
pub fn b64url(bytes: impl AsRef<[u8]>) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// `n` random bytes from the system, in base64url: a `jti`, a PKCE verifier,
/// a `state`.
pub fn random_b64url(n: usize) -> anyhow::Result<String> {
    use ring::rand::SecureRandom;
    let mut bytes = vec![0u8; n];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| {
            crate::error::Failure::new(crate::error::Exit::Bug, "the system gave no random bytes")
        })?;
    Ok(b64url(bytes))
}

/// The bytes of a base64url text without padding; `None` when it is not one.
pub fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()
}

/// A JWS algorithm tokn can sign with (RFC 7518 §3.1, RFC 8037 for `EdDSA`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize, Serialize)]
pub enum Alg {
    #[value(name = "RS256")]
    #[serde(rename = "RS256")]
    Rs256,
    #[value(name = "RS384")]
    #[serde(rename = "RS384")]
    Rs384,
    #[value(name = "RS512")]
    #[serde(rename = "RS512")]
    Rs512,
    #[value(name = "PS256")]
    #[serde(rename = "PS256")]
    Ps256,
    #[value(name = "PS384")]
    #[serde(rename = "PS384")]
    Ps384,
    #[value(name = "PS512")]
    #[serde(rename = "PS512")]
    Ps512,
    #[value(name = "ES256")]
    #[serde(rename = "ES256")]
    Es256,
    #[value(name = "ES384")]
    #[serde(rename = "ES384")]
    Es384,
    #[value(name = "EdDSA")]
    #[serde(rename = "EdDSA")]
    EdDsa,
    #[value(name = "HS256")]
    #[serde(rename = "HS256")]
    Hs256,
    #[value(name = "HS384")]
    #[serde(rename = "HS384")]
    Hs384,
    #[value(name = "HS512")]
    #[serde(rename = "HS512")]
    Hs512,
}

impl Alg {
    /// The `alg` header value.
    pub fn name(self) -> &'static str {
        match self {
            Alg::Rs256 => "RS256",
            Alg::Rs384 => "RS384",
            Alg::Rs512 => "RS512",
            Alg::Ps256 => "PS256",
            Alg::Ps384 => "PS384",
            Alg::Ps512 => "PS512",
            Alg::Es256 => "ES256",
            Alg::Es384 => "ES384",
            Alg::EdDsa => "EdDSA",
            Alg::Hs256 => "HS256",
            Alg::Hs384 => "HS384",
            Alg::Hs512 => "HS512",
        }
    }

    /// An HMAC algorithm, keyed with a shared secret rather than a private key.
    pub fn is_hmac(self) -> bool {
        matches!(self, Alg::Hs256 | Alg::Hs384 | Alg::Hs512)
    }
}

/// A compact JWS split into its parts; nothing is verified.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    /// `BASE64URL(header) "." BASE64URL(claims)`: what the signature covers.
    pub signing_input: String,
    pub signature: Vec<u8>,
}

/// Split and decode a compact JWS whose payload is a JSON object (a JWT).
pub fn decode(token: &str) -> Result<Decoded, String> {
    let mut parts = token.trim().split('.');
    let (Some(header), Some(claims), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("not three base64url parts separated by dots".into());
    };
    let object = |part: &str, what: &str| -> Result<Map<String, Value>, String> {
        let bytes = b64url_decode(part).ok_or_else(|| format!("the {what} is not base64url"))?;
        match serde_json::from_slice(&bytes) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(format!("the {what} is not a JSON object")),
        }
    };
    Ok(Decoded {
        header: object(header, "header")?,
        claims: object(claims, "claims part")?,
        signing_input: format!("{header}.{claims}"),
        signature: b64url_decode(signature).ok_or("the signature is not base64url")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_has_no_padding_and_url_safe_letters() {
        assert_eq!(b64url([0xfb, 0xff]), "-_8");
        assert_eq!(b64url_decode("-_8"), Some(vec![0xfb, 0xff]));
        assert_eq!(b64url_decode("-_8="), None);
    }

    #[test]
    fn a_compact_token_splits_into_its_parts() {
        let token = format!(
            "{}.{}.{}",
            b64url(r#"{"alg":"none"}"#),
            b64url(r#"{"sub":"x"}"#),
            b64url([1, 2])
        );
        let d = decode(&token).unwrap();
        assert_eq!(d.header["alg"], "none");
        assert_eq!(d.claims["sub"], "x");
        assert_eq!(d.signature, [1, 2]);
        assert!(token.starts_with(&d.signing_input));
        assert!(decode("a.b").is_err());
        assert!(decode("a.b.c.d").is_err());
        assert!(decode(&format!("{}.e30.", b64url("[1]"))).is_err());
    }

    #[test]
    fn names_are_the_rfc_7518_ones() {
        use clap::ValueEnum;
        for alg in Alg::value_variants() {
            let name = alg.to_possible_value().unwrap().get_name().to_string();
            assert_eq!(name, alg.name());
            let json = serde_json::Value::from(alg.name());
            assert_eq!(serde_json::from_value::<Alg>(json).unwrap(), *alg);
        }
        assert!(Alg::Hs384.is_hmac() && !Alg::Es256.is_hmac());
    }
}
