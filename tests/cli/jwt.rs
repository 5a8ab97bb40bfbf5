//! Signed JWTs and the JWKS that checks them, made with `ring` for the tests of
//! `tokn inspect`: every algorithm tokn verifies, and a way to tamper.

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair};
use serde_json::{Value, json};

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A private key, the name of its algorithm, and its public JWK.
pub struct Signer {
    pub alg: &'static str,
    pub jwk: Value,
    key: Key,
}

enum Key {
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
    Rsa(&'static RsaKeyPair, &'static dyn signature::RsaEncoding),
}

impl Signer {
    pub fn ec(alg: &'static str, kid: &str) -> Signer {
        let rng = SystemRandom::new();
        let (signing, crv, len) = match alg {
            "ES256" => (&signature::ECDSA_P256_SHA256_FIXED_SIGNING, "P-256", 32),
            _ => (&signature::ECDSA_P384_SHA384_FIXED_SIGNING, "P-384", 48),
        };
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(signing, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(signing, pkcs8.as_ref(), &rng).unwrap();
        let point = pair.public_key().as_ref();
        let jwk = json!({"kty": "EC", "crv": crv, "kid": kid, "use": "sig", "alg": alg,
            "x": b64(&point[1..=len]), "y": b64(&point[len + 1..])});
        Signer {
            alg,
            jwk,
            key: Key::Ec(pair),
        }
    }

    pub fn ed25519(kid: &str) -> Signer {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let jwk = json!({"kty": "OKP", "crv": "Ed25519", "kid": kid,
            "x": b64(pair.public_key().as_ref())});
        Signer {
            alg: "EdDSA",
            jwk,
            key: Key::Ed(pair),
        }
    }

    /// RS256/384/512 or PS256/384/512, with the RSA test key.
    pub fn rsa(alg: &'static str, kid: &str) -> Signer {
        let pair = rsa_key();
        let encoding: &'static dyn signature::RsaEncoding = match alg {
            "RS256" => &signature::RSA_PKCS1_SHA256,
            "RS384" => &signature::RSA_PKCS1_SHA384,
            "RS512" => &signature::RSA_PKCS1_SHA512,
            "PS256" => &signature::RSA_PSS_SHA256,
            "PS384" => &signature::RSA_PSS_SHA384,
            _ => &signature::RSA_PSS_SHA512,
        };
        let public = signature::RsaPublicKeyComponents::<Vec<u8>>::from(pair.public());
        let jwk = json!({"kty": "RSA", "kid": kid, "use": "sig",
            "n": b64(&public.n), "e": b64(&public.e)});
        Signer {
            alg,
            jwk,
            key: Key::Rsa(pair, encoding),
        }
    }

    pub fn kid(&self) -> &str {
        self.jwk["kid"].as_str().unwrap_or("")
    }

    /// A compact JWS of `claims`, with `typ` JWT and this key's `kid`.
    pub fn jwt(&self, claims: &Value) -> String {
        let header = json!({"alg": self.alg, "typ": "JWT", "kid": self.kid()});
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let sig = self.sign(input.as_bytes());
        format!("{input}.{}", b64(&sig))
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        let rng = SystemRandom::new();
        match &self.key {
            Key::Ec(pair) => pair.sign(&rng, message).unwrap().as_ref().to_vec(),
            Key::Ed(pair) => pair.sign(message).as_ref().to_vec(),
            Key::Rsa(pair, encoding) => {
                let mut sig = vec![0; pair.public().modulus_len()];
                pair.sign(*encoding, &rng, message, &mut sig).unwrap();
                sig
            }
        }
    }
}

/// The 2048-bit RSA test key of `tests/keys/rsa.pem` (PKCS#8).
fn rsa_key() -> &'static RsaKeyPair {
    static KEY: OnceLock<RsaKeyPair> = OnceLock::new();
    KEY.get_or_init(|| {
        let pem = include_str!("../keys/rsa.pem");
        let der = crate::interop_material::pem_der(pem).expect("a PEM key");
        RsaKeyPair::from_pkcs8(&der).expect("a PKCS#8 RSA key")
    })
}

/// A JWKS of these signers' public keys.
pub fn jwks(signers: &[&Signer]) -> String {
    json!({"keys": signers.iter().map(|s| s.jwk.clone()).collect::<Vec<_>>()}).to_string()
}

/// `token` with the payload of `other` and its own signature: a forgery.
pub fn tampered(token: &str, other: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let other: Vec<&str> = other.split('.').collect();
    format!("{}.{}.{}", parts[0], other[1], parts[2])
}
