//! Signing a JWT: the one function every signed assertion goes through.
//!
//! The header is `alg`, `typ: JWT`, the caller's extras (such as `kid`), and —
//! when the key's PEM file also held its certificate — `x5t` and `x5t#S256`,
//! which Microsoft Entra ID needs to find a certificate credential. ECDSA
//! signatures are the fixed-length `r || s` form JWS wants (RFC 7518 §3.4), not
//! ASN.1.

use anyhow::Result;
use ring::rand::SystemRandom;
use ring::signature::{self, RsaEncoding};
use serde_json::{Map, Value};

use super::{Alg, b64url};
use crate::error::{Exit, Failure};
use crate::keys::{Pair, SigningKey};

/// Sign `claims` with `key` and `alg` into a compact JWS.
///
/// `header` holds the fields beyond `alg`, `typ` and the thumbprints (`kid`,
/// say). The algorithm must fit the key: check it with
/// [`SigningKey::choose_alg`] first (a mismatch here is reported as a bug).
pub fn sign_jwt(
    key: &SigningKey,
    alg: Alg,
    header: Map<String, Value>,
    claims: &Map<String, Value>,
) -> Result<String> {
    let mut full = Map::new();
    full.insert("alg".into(), alg.name().into());
    full.insert("typ".into(), "JWT".into());
    full.extend(header);
    if let Some(t) = key.thumbprints() {
        full.insert("x5t".into(), t.x5t().into());
        full.insert("x5t#S256".into(), t.x5t_s256().into());
    }
    let input = format!(
        "{}.{}",
        b64url(Value::Object(full).to_string()),
        b64url(Value::Object(claims.clone()).to_string())
    );
    let signature = signature_of(key, alg, input.as_bytes())
        .ok_or_else(|| Failure::new(Exit::Bug, format!("cannot sign with {}", alg.name())))?;
    Ok(format!("{input}.{}", b64url(signature)))
}

fn signature_of(key: &SigningKey, alg: Alg, message: &[u8]) -> Option<Vec<u8>> {
    let rng = SystemRandom::new();
    match (&key.pair, alg) {
        (Pair::Rsa { pair, .. }, _) => {
            let mut out = vec![0; pair.public().modulus_len()];
            pair.sign(rsa_padding(alg)?, &rng, message, &mut out).ok()?;
            Some(out)
        }
        (Pair::P256(pair), Alg::Es256) | (Pair::P384(pair), Alg::Es384) => {
            Some(pair.sign(&rng, message).ok()?.as_ref().to_vec())
        }
        (Pair::Ed25519(pair), Alg::EdDsa) => Some(pair.sign(message).as_ref().to_vec()),
        (Pair::Shared(secret), _) => {
            let hmac = match alg {
                Alg::Hs256 => ring::hmac::HMAC_SHA256,
                Alg::Hs384 => ring::hmac::HMAC_SHA384,
                Alg::Hs512 => ring::hmac::HMAC_SHA512,
                _ => return None,
            };
            let tag = ring::hmac::sign(&ring::hmac::Key::new(hmac, secret), message);
            Some(tag.as_ref().to_vec())
        }
        _ => None,
    }
}

fn rsa_padding(alg: Alg) -> Option<&'static dyn RsaEncoding> {
    Some(match alg {
        Alg::Rs256 => &signature::RSA_PKCS1_SHA256,
        Alg::Rs384 => &signature::RSA_PKCS1_SHA384,
        Alg::Rs512 => &signature::RSA_PKCS1_SHA512,
        Alg::Ps256 => &signature::RSA_PSS_SHA256,
        Alg::Ps384 => &signature::RSA_PSS_SHA384,
        Alg::Ps512 => &signature::RSA_PSS_SHA512,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::decode;
    use crate::keys::test_keys::read;
    use ring::signature::{UnparsedPublicKey, VerificationAlgorithm};
    use rustls_pki_types::SubjectPublicKeyInfoDer;
    use rustls_pki_types::pem::PemObject;

    /// The key bits of an openssl-made public key file, as ring's verifiers take them.
    fn public_key(name: &str) -> Vec<u8> {
        let spki = SubjectPublicKeyInfoDer::from_pem_slice(&read(name)).unwrap();
        crate::keys::spki_key(spki.as_ref()).unwrap().to_vec()
    }

    fn verifier(alg: Alg) -> &'static dyn VerificationAlgorithm {
        match alg {
            Alg::Rs256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            Alg::Rs384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            Alg::Rs512 => &signature::RSA_PKCS1_2048_8192_SHA512,
            Alg::Ps256 => &signature::RSA_PSS_2048_8192_SHA256,
            Alg::Ps384 => &signature::RSA_PSS_2048_8192_SHA384,
            Alg::Ps512 => &signature::RSA_PSS_2048_8192_SHA512,
            Alg::Es256 => &signature::ECDSA_P256_SHA256_FIXED,
            Alg::Es384 => &signature::ECDSA_P384_SHA384_FIXED,
            Alg::EdDsa => &signature::ED25519,
            _ => unreachable!("no public-key verifier for {alg:?}"),
        }
    }

    fn claims() -> Map<String, Value> {
        let mut c = Map::new();
        c.insert("sub".into(), "me".into());
        c
    }

    #[test]
    fn each_signature_verifies_with_the_public_key() {
        use Alg::*;
        for (file, public, algs) in [
            (
                "rsa.pem",
                "rsa.pub.pem",
                &[Rs256, Rs384, Rs512, Ps256, Ps384, Ps512][..],
            ),
            ("rsa.pkcs1.pem", "rsa.pub.pem", &[Rs256, Ps256]),
            ("p256.pem", "p256.pub.pem", &[Es256]),
            ("p256.sec1.pem", "p256.pub.pem", &[Es256]),
            ("p384.pem", "p384.pub.pem", &[Es384]),
            ("p384.sec1.pem", "p384.pub.pem", &[Es384]),
            ("ed25519.pem", "ed25519.pub.pem", &[EdDsa]),
        ] {
            let key = SigningKey::from_pem(&read(file), file).unwrap();
            let public = public_key(public);
            for alg in algs {
                let jwt = sign_jwt(
                    &key,
                    key.choose_alg(Some(*alg)).unwrap(),
                    Map::new(),
                    &claims(),
                )
                .unwrap();
                let d = decode(&jwt).unwrap();
                assert_eq!(d.header["alg"], alg.name());
                assert_eq!(d.header["typ"], "JWT");
                assert_eq!(d.claims, claims());
                UnparsedPublicKey::new(verifier(*alg), &public)
                    .verify(d.signing_input.as_bytes(), &d.signature)
                    .unwrap_or_else(|_| panic!("{file} {alg:?}: the signature does not verify"));
            }
        }
    }

    #[test]
    fn hmac_signatures_verify_with_the_secret() {
        let key = SigningKey::shared_secret(b"a shared secret", "the client secret");
        for (alg, hmac) in [
            (Alg::Hs256, ring::hmac::HMAC_SHA256),
            (Alg::Hs384, ring::hmac::HMAC_SHA384),
            (Alg::Hs512, ring::hmac::HMAC_SHA512),
        ] {
            let d = decode(&sign_jwt(&key, alg, Map::new(), &claims()).unwrap()).unwrap();
            assert_eq!(d.header["alg"], alg.name());
            let k = ring::hmac::Key::new(hmac, b"a shared secret");
            ring::hmac::verify(&k, d.signing_input.as_bytes(), &d.signature).unwrap();
        }
    }

    #[test]
    fn the_header_holds_the_extras_and_the_thumbprints() {
        let key = SigningKey::from_pem(&read("rsa-with-cert.pem"), "k").unwrap();
        let mut extra = Map::new();
        extra.insert("kid".into(), "key-1".into());
        let d = decode(&sign_jwt(&key, Alg::Rs256, extra, &claims()).unwrap()).unwrap();
        let text = |f: &str| String::from_utf8(read(f)).unwrap().trim().to_string();
        let keys: Vec<&str> = d.header.keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 5, "{keys:?}");
        assert_eq!(d.header["kid"], "key-1");
        assert_eq!(d.header["x5t"], text("rsa.cert.x5t"));
        assert_eq!(d.header["x5t#S256"], text("rsa.cert.x5t-s256"));
        let d = decode(&sign_jwt(&key, Alg::Rs256, Map::new(), &claims()).unwrap()).unwrap();
        assert!(!d.header.contains_key("kid"));
    }
}
