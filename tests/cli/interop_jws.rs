//! A JWS signer for the interop tests, with `ring`: client assertions, jwt-bearer
//! assertions and token-exchange subject tokens that the tests make themselves, to feed
//! to the server directly or to tokn as files. It is independent of tokn's own signer,
//! so that a test proves the server accepts what a third party signs.

use base64::Engine as _;
use ring::rand::SecureRandom as _;
use ring::signature;
use serde_json::{Value, json};

use crate::interop::now;
use crate::interop_material::pem_der;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// 128 random bits in base64url, for `jti`.
pub(crate) fn random_id() -> String {
    let mut bytes = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .expect("random bytes");
    b64(&bytes)
}

/// Signs `claims` with the header `header` (which names the `alg`). `key` is a PEM
/// private key (PKCS#8 for every algorithm, or PKCS#1 for RSA) or, for HS256/384/512,
/// the shared secret itself.
pub(crate) fn sign(key: &str, header: &Value, claims: &Value) -> String {
    let alg = header["alg"].as_str().expect("the header names an alg");
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let signature = signature_of(alg, key, input.as_bytes());
    format!("{input}.{}", b64(&signature))
}

/// `sign` with the header `{"alg": alg, "typ": "JWT"}` plus `kid` when given.
pub(crate) fn sign_jwt(key: &str, alg: &str, kid: Option<&str>, claims: &Value) -> String {
    let mut header = json!({ "alg": alg, "typ": "JWT" });
    if let Some(kid) = kid {
        header["kid"] = json!(kid);
    }
    sign(key, &header, claims)
}

/// The client of the grants the server adds (password, jwt-bearer, token exchange).
pub(crate) const GRANT_ID: &str = "grant-client";
pub(crate) const GRANT_SECRET: &str = "grant-secret-0123456789";
/// The CI system whose tokens (signed with `ci.pem`) the server trusts.
pub(crate) const CI_ISSUER: &str = "https://ci.example.test";
pub(crate) const CI_SUBJECT: &str = "repo:tokn/tokn:ref:refs/heads/main";
/// The prefix of the token type URNs (RFC 8693 §3).
pub(crate) const TT: &str = "urn:ietf:params:oauth:token-type:";

/// The claims of a CI system's OIDC token (as GitHub Actions'), for `aud`.
pub(crate) fn ci_claims(aud: &str) -> Value {
    json!({
        "iss": CI_ISSUER,
        "sub": CI_SUBJECT,
        "aud": aud,
        "jti": random_id(),
        "iat": now(),
        "exp": now() + 300,
    })
}

/// The claims of a client assertion (RFC 7523 §3): iss = sub = the client, `aud`, a
/// random jti, iat now, exp in a minute.
pub(crate) fn assertion_claims(client_id: &str, aud: &str) -> Value {
    let now = now();
    json!({
        "iss": client_id,
        "sub": client_id,
        "aud": aud,
        "jti": random_id(),
        "iat": now,
        "exp": now + 60,
    })
}

fn signature_of(alg: &str, key: &str, input: &[u8]) -> Vec<u8> {
    let rng = ring::rand::SystemRandom::new();
    if let Some(bits) = alg.strip_prefix("HS") {
        let algorithm = match bits {
            "256" => ring::hmac::HMAC_SHA256,
            "384" => ring::hmac::HMAC_SHA384,
            "512" => ring::hmac::HMAC_SHA512,
            _ => panic!("unknown alg {alg}"),
        };
        let key = ring::hmac::Key::new(algorithm, key.as_bytes());
        return ring::hmac::sign(&key, input).as_ref().to_vec();
    }
    let der = pem_der(key).expect("a PEM private key");
    match alg {
        "ES256" | "ES384" => {
            let algorithm = if alg == "ES256" {
                &signature::ECDSA_P256_SHA256_FIXED_SIGNING
            } else {
                &signature::ECDSA_P384_SHA384_FIXED_SIGNING
            };
            let pair = signature::EcdsaKeyPair::from_pkcs8(algorithm, &der, &rng)
                .expect("an EC PKCS#8 key of the alg's curve");
            pair.sign(&rng, input).expect("sign").as_ref().to_vec()
        }
        "EdDSA" | "Ed25519" => {
            let pair = signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der)
                .expect("an Ed25519 PKCS#8 key");
            pair.sign(input).as_ref().to_vec()
        }
        _ => rsa_signature(alg, key, &der, input),
    }
}

fn rsa_signature(alg: &str, pem: &str, der: &[u8], input: &[u8]) -> Vec<u8> {
    let padding: &dyn signature::RsaEncoding = match alg {
        "RS256" => &signature::RSA_PKCS1_SHA256,
        "RS384" => &signature::RSA_PKCS1_SHA384,
        "RS512" => &signature::RSA_PKCS1_SHA512,
        "PS256" => &signature::RSA_PSS_SHA256,
        "PS384" => &signature::RSA_PSS_SHA384,
        "PS512" => &signature::RSA_PSS_SHA512,
        _ => panic!("unknown alg {alg}"),
    };
    let pair = if pem.contains("BEGIN RSA PRIVATE KEY") {
        signature::RsaKeyPair::from_der(der)
    } else {
        signature::RsaKeyPair::from_pkcs8(der)
    }
    .expect("an RSA key");
    let mut out = vec![0; pair.public().modulus_len()];
    pair.sign(padding, &ring::rand::SystemRandom::new(), input, &mut out)
        .expect("sign");
    out
}
