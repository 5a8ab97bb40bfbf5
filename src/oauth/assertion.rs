//! The client assertion of `private_key_jwt` and `client_secret_jwt` (RFC 7523
//! §2.2 and §3, OpenID Connect Core §9): a JWT the client signs to prove who it
//! is, sent as `client_assertion`.
//!
//! Each request gets a fresh one (a new `jti`), since servers refuse a replayed
//! assertion. It is a credential: registered with `diag` so that no line shows
//! it, and never written to the cache.

use anyhow::Result;
use serde_json::{Map, Value};

use crate::clock;
use crate::diag;
use crate::jose::{self, Alg};
use crate::keys::SigningKey;

/// `client_assertion_type` (RFC 7523 §2.2).
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long an assertion is valid, in seconds.
pub const LIFETIME: u64 = 60;

/// What shapes the assertion besides the key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JwtOptions {
    /// `--jwt-alg`; else the key's default.
    pub alg: Option<Alg>,
    /// `--signing-key-id`: the header's `kid`.
    pub kid: Option<String>,
    /// `--jwt-audience`: replaces the URL the request goes to as `aud`.
    pub audience: Option<String>,
}

/// The claims: `iss` and `sub` the client ID, `aud`, `jti`, `iat`, `exp`.
pub fn claims(client_id: &str, audience: &str, jti: &str, now: u64) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("iss".into(), client_id.into());
    claims.insert("sub".into(), client_id.into());
    claims.insert("aud".into(), audience.into());
    claims.insert("jti".into(), jti.into());
    claims.insert("iat".into(), now.into());
    claims.insert("exp".into(), now.saturating_add(LIFETIME).into());
    claims
}

/// 128 random bits in base64url.
///
/// `TOKN_TEST_JTI` replaces them, so that a test can replay an assertion and
/// see the server refuse it. Like `TOKN_TEST_NOW`, it is for tests only and is
/// not documented as an option.
pub fn new_jti() -> Result<String> {
    if let Some(fixed) = std::env::var("TOKN_TEST_JTI")
        .ok()
        .filter(|v| !v.is_empty())
    {
        return Ok(fixed);
    }
    jose::random_b64url(16)
}

/// A signed assertion for a request to `url`, registered as a secret.
pub fn sign(client_id: &str, key: &SigningKey, options: &JwtOptions, url: &str) -> Result<String> {
    let alg = key.choose_alg(options.alg)?;
    let audience = options.audience.as_deref().unwrap_or(url);
    let mut header = Map::new();
    if let Some(kid) = &options.kid {
        header.insert("kid".into(), kid.as_str().into());
    }
    let claims = claims(client_id, audience, &new_jti()?, clock::now());
    let assertion = jose::sign_jwt(key, alg, header, &claims)?;
    diag::protect_secret(&assertion);
    diag::verbose(&format!(
        "* client assertion: {}{}{}, aud {audience}, valid {LIFETIME} s",
        alg.name(),
        options
            .kid
            .as_deref()
            .map(|k| format!(", kid {k}"))
            .unwrap_or_default(),
        if key.thumbprints().is_some() {
            ", x5t and x5t#S256 of the key's certificate"
        } else {
            ""
        }
    ));
    Ok(assertion)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::test_keys::read;

    #[test]
    fn the_claims_are_exactly_these() {
        let c = claims(
            "my-client",
            "https://as.example/token",
            "abc",
            1_700_000_000,
        );
        assert_eq!(
            Value::Object(c),
            serde_json::json!({
                "iss": "my-client",
                "sub": "my-client",
                "aud": "https://as.example/token",
                "jti": "abc",
                "iat": 1_700_000_000u64,
                "exp": 1_700_000_060u64,
            })
        );
    }

    #[test]
    fn a_jti_is_128_random_bits() {
        let (a, b) = (new_jti().unwrap(), new_jti().unwrap());
        assert_ne!(a, b);
        assert_eq!(jose::b64url_decode(&a).map(|v| v.len()), Some(16));
    }

    #[test]
    fn an_assertion_goes_to_the_url_unless_an_audience_is_given() {
        let key = SigningKey::from_pem(&read("p256.pem"), "k").unwrap();
        let mut options = JwtOptions {
            kid: Some("k1".into()),
            ..JwtOptions::default()
        };
        let jwt = sign("c", &key, &options, "https://as.example/t").unwrap();
        let d = jose::decode(&jwt).unwrap();
        assert_eq!(
            (d.header["alg"].as_str(), d.header["kid"].as_str()),
            (Some("ES256"), Some("k1"))
        );
        assert_eq!(d.claims["aud"], "https://as.example/t");
        options.audience = Some("https://as.example".into());
        let d = jose::decode(&sign("c", &key, &options, "https://as.example/t").unwrap()).unwrap();
        assert_eq!(d.claims["aud"], "https://as.example");
        assert_eq!(
            d.claims["exp"].as_u64().unwrap() - d.claims["iat"].as_u64().unwrap(),
            LIFETIME
        );
    }
}
