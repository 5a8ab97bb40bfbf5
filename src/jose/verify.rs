//! Checking a JWT against its issuer: the signature with a key of the issuer's
//! JWKS (RFC 7517), then `iss`, `exp` and `nbf` (RFC 7519 §4.1) with a minute of
//! leeway for clocks that disagree.
//!
//! Each JWK becomes a `ring` public key here (RSA from `n` and `e`, EC from the
//! uncompressed point `x`‖`y`, Ed25519 from `x`): the dozen lines that takes
//! spare tokn a JWT framework and its choices about which algorithms to accept.
//! Only asymmetric algorithms are accepted, and only the one the key allows.

use anyhow::Result;
use ring::signature::{self, EcdsaVerificationAlgorithm, RsaParameters, UnparsedPublicKey};
use serde_json::{Map, Value};

use crate::cache::human_duration;
use crate::clock::rfc3339;
use crate::error::{Exit, Failure};
use crate::http::Transport;
use crate::oauth::metadata::same_issuer;

use super::{Decoded, b64url_decode};

/// How far the clocks of tokn and the issuer may disagree, in seconds.
pub const LEEWAY: u64 = 60;

/// A check the token failed, and why: exit 4, naming the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    pub check: &'static str,
    pub why: String,
}

impl From<Failed> for anyhow::Error {
    fn from(failed: Failed) -> Self {
        Failure::new(
            Exit::Refused,
            format!("the token fails the {} check: {}", failed.check, failed.why),
        )
        .into()
    }
}

fn signature_failed(why: impl Into<String>) -> Failed {
    Failed {
        check: "signature",
        why: why.into(),
    }
}

/// The key that verified the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub alg: String,
    pub kid: Option<String>,
}

/// The algorithms tokn checks, each with the key type it needs.
enum Alg {
    Rsa(&'static RsaParameters),
    Ec {
        crv: &'static str,
        coordinate_len: usize,
        alg: &'static EcdsaVerificationAlgorithm,
    },
    Ed25519,
}

fn algorithm(name: &str) -> Option<Alg> {
    let ec = |crv, coordinate_len, alg| Alg::Ec {
        crv,
        coordinate_len,
        alg,
    };
    Some(match name {
        "RS256" => Alg::Rsa(&signature::RSA_PKCS1_2048_8192_SHA256),
        "RS384" => Alg::Rsa(&signature::RSA_PKCS1_2048_8192_SHA384),
        "RS512" => Alg::Rsa(&signature::RSA_PKCS1_2048_8192_SHA512),
        "PS256" => Alg::Rsa(&signature::RSA_PSS_2048_8192_SHA256),
        "PS384" => Alg::Rsa(&signature::RSA_PSS_2048_8192_SHA384),
        "PS512" => Alg::Rsa(&signature::RSA_PSS_2048_8192_SHA512),
        "ES256" => ec("P-256", 32, &signature::ECDSA_P256_SHA256_FIXED),
        "ES384" => ec("P-384", 48, &signature::ECDSA_P384_SHA384_FIXED),
        "EdDSA" | "Ed25519" => Alg::Ed25519,
        _ => return None,
    })
}

/// Check the signature of `jws` with the keys of a JWKS (its `keys` array).
pub fn check_signature(jws: &Decoded, keys: &[Map<String, Value>]) -> Result<Verified, Failed> {
    let name = jws.alg();
    let Some(alg) = algorithm(name) else {
        return Err(signature_failed(match name {
            "none" => "the token is not signed (alg none)".to_string(),
            n if n.starts_with("HS") => format!(
                "alg {n} is a shared-secret MAC, which no public key of the issuer can check"
            ),
            n => format!(
                "alg '{n}' is not one tokn checks (RS256/384/512, PS256/384/512, ES256, ES384, EdDSA)"
            ),
        }));
    };
    let kid = jws.header.get("kid").and_then(Value::as_str);
    let candidates: Vec<&Map<String, Value>> =
        keys.iter().filter(|k| is_candidate(k, name, kid)).collect();
    if candidates.is_empty() {
        return Err(signature_failed(match kid {
            Some(kid) => {
                format!("the issuer's JWKS has no signing key with kid '{kid}' for {name}")
            }
            None => format!("the issuer's JWKS has no signing key for {name}"),
        }));
    }
    let mut problems = Vec::new();
    for key in candidates {
        match verify_with(&alg, key, jws.signing_input.as_bytes(), &jws.signature) {
            Ok(()) => {
                return Ok(Verified {
                    alg: name.to_string(),
                    kid: key.get("kid").and_then(Value::as_str).map(str::to_string),
                });
            }
            Err(problem) => problems.push(problem),
        }
    }
    Err(signature_failed(problems.join("; ")))
}

/// A key that may have signed: the kid the token names, a signing use, and the
/// algorithm the key allows, when it says.
fn is_candidate(key: &Map<String, Value>, alg: &str, kid: Option<&str>) -> bool {
    let text = |name: &str| key.get(name).and_then(Value::as_str);
    kid.is_none_or(|kid| text("kid") == Some(kid))
        && text("use").is_none_or(|u| u == "sig")
        && text("alg").is_none_or(|a| a == alg)
}

/// Verify with one JWK, or say why it did not.
fn verify_with(
    alg: &Alg,
    key: &Map<String, Value>,
    message: &[u8],
    sig: &[u8],
) -> Result<(), String> {
    let name = match key.get("kid").and_then(Value::as_str) {
        Some(kid) => format!("key '{kid}'"),
        None => "the key".to_string(),
    };
    let field = |f: &str| -> Result<Vec<u8>, String> {
        key.get(f)
            .and_then(Value::as_str)
            .and_then(b64url_decode)
            .ok_or_else(|| format!("{name} has no base64url '{f}'"))
    };
    let kty = key.get("kty").and_then(Value::as_str).unwrap_or("");
    let crv = key.get("crv").and_then(Value::as_str).unwrap_or("");
    let checked = match alg {
        Alg::Rsa(params) if kty == "RSA" => {
            let (n, e) = (field("n")?, field("e")?);
            signature::RsaPublicKeyComponents {
                n: without_leading_zeros(&n),
                e: without_leading_zeros(&e),
            }
            .verify(params, message, sig)
        }
        Alg::Ec {
            crv: want,
            coordinate_len,
            alg,
        } if kty == "EC" && crv == *want => {
            let (x, y) = (field("x")?, field("y")?);
            if x.len() != *coordinate_len || y.len() != *coordinate_len {
                return Err(format!("{name} is not a {want} point"));
            }
            let point = [&[4u8][..], &x, &y].concat();
            UnparsedPublicKey::new(*alg, point).verify(message, sig)
        }
        Alg::Ed25519 if kty == "OKP" && crv == "Ed25519" => {
            UnparsedPublicKey::new(&signature::ED25519, field("x")?).verify(message, sig)
        }
        _ => return Err(format!("{name} (kty '{kty}') does not fit the token's alg")),
    };
    checked.map_err(|_| format!("the signature does not match {name}"))
}

/// ring wants the minimal big-endian form; JWKs sometimes pad with zeros.
fn without_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// `iss` must be the issuer (one trailing `/` aside); `exp` and `nbf`, when
/// present, must hold at `now` give or take [`LEEWAY`].
pub fn check_claims(jws: &Decoded, issuer: &str, now: u64) -> Result<(), Failed> {
    let failed = |check, why: String| Failed { check, why };
    match jws.claims.get("iss").and_then(Value::as_str) {
        Some(iss) if same_issuer(iss, issuer) => {}
        Some(iss) => {
            return Err(failed(
                "iss",
                format!("it was issued by '{iss}', not by '{issuer}'"),
            ));
        }
        None => return Err(failed("iss", "it names no issuer (iss)".into())),
    }
    match jws.date("exp").map_err(|why| failed("exp", why))? {
        Some(exp) if now >= exp.saturating_add(LEEWAY) => {
            return Err(failed(
                "exp",
                format!(
                    "it expired {} ago ({})",
                    human_duration(now - exp),
                    rfc3339(exp)
                ),
            ));
        }
        _ => {}
    }
    match jws.date("nbf").map_err(|why| failed("nbf", why))? {
        Some(nbf) if now.saturating_add(LEEWAY) < nbf => Err(failed(
            "nbf",
            format!(
                "it is not valid before {} (in {})",
                rfc3339(nbf),
                human_duration(nbf - now)
            ),
        )),
        _ => Ok(()),
    }
}

/// Check `jws` against `issuer`, whose JWKS is at the transport's URL: first
/// the signature, then the claims.
pub fn verify(jws: &Decoded, issuer: &str, jwks: &Transport, now: u64) -> Result<Verified> {
    let keys = fetch_jwks(jwks)?;
    let verified = check_signature(jws, &keys)?;
    check_claims(jws, issuer, now)?;
    Ok(verified)
}

/// The `keys` of the JWKS at the transport's URL.
pub fn fetch_jwks(transport: &Transport) -> Result<Vec<Map<String, Value>>> {
    let url = transport.url();
    let reply = transport.get().map_err(|e| e.failure)?;
    let unusable = |why: String| Failure::new(Exit::Server, format!("the JWKS at {url} {why}"));
    if !(200..300).contains(&reply.status) {
        return Err(unusable(format!("answered HTTP {}", reply.status)).into());
    }
    let keys = match serde_json::from_slice::<Value>(&reply.body) {
        Ok(Value::Object(mut set)) => set.remove("keys"),
        Ok(_) => None,
        Err(e) => return Err(unusable(format!("is not JSON: {e}")).into()),
    };
    match keys {
        Some(Value::Array(keys)) => Ok(keys
            .into_iter()
            .filter_map(|k| match k {
                Value::Object(k) => Some(k),
                _ => None,
            })
            .collect()),
        _ => Err(unusable("has no \"keys\" array".into()).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::b64url;
    use crate::jose::decode::jwt as decode;
    use ring::rand::SystemRandom;
    use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair};
    use serde_json::json;

    fn jwt(header: Value, claims: Value, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
        let input = format!(
            "{}.{}",
            b64url(header.to_string().as_bytes()),
            b64url(claims.to_string().as_bytes())
        );
        let sig = sign(input.as_bytes());
        format!("{input}.{}", b64url(&sig))
    }

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    /// An ES256 key pair and its JWK.
    fn p256(kid: &str) -> (EcdsaKeyPair, Map<String, Value>) {
        let rng = SystemRandom::new();
        let alg = &signature::ECDSA_P256_SHA256_FIXED_SIGNING;
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &rng).unwrap();
        let point = pair.public_key().as_ref();
        let jwk = json!({"kty": "EC", "crv": "P-256", "kid": kid, "use": "sig",
            "x": b64url(&point[1..33]), "y": b64url(&point[33..])});
        (pair, object(jwk))
    }

    fn es256(pair: &EcdsaKeyPair, kid: &str, claims: Value) -> String {
        let rng = SystemRandom::new();
        jwt(json!({"alg": "ES256", "kid": kid}), claims, |m| {
            pair.sign(&rng, m).unwrap().as_ref().to_vec()
        })
    }

    #[test]
    fn es256_and_eddsa_signatures_verify_and_tampering_fails() {
        let (pair, jwk) = p256("ec1");
        let (_, other) = p256("ec0");
        let keys = [other, jwk];
        let token = es256(&pair, "ec1", json!({"sub": "a"}));
        let got = check_signature(&decode(&token).unwrap(), &keys).unwrap();
        assert_eq!(got.kid.as_deref(), Some("ec1"));

        let (head, _) = token.rsplit_once('.').unwrap();
        let forged = es256(&pair, "ec1", json!({"sub": "b"}));
        let tampered = format!("{head}.{}", forged.rsplit_once('.').unwrap().1);
        let failed = check_signature(&decode(&tampered).unwrap(), &keys).unwrap_err();
        assert_eq!(failed.check, "signature");
        assert!(
            failed.why.contains("does not match key 'ec1'"),
            "{failed:?}"
        );

        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        let ed = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let jwk = object(json!({"kty": "OKP", "crv": "Ed25519",
            "x": b64url(ed.public_key().as_ref())}));
        let token = jwt(json!({"alg": "EdDSA"}), json!({}), |m| {
            ed.sign(m).as_ref().to_vec()
        });
        assert!(check_signature(&decode(&token).unwrap(), &[jwk]).is_ok());
    }

    #[test]
    fn unsigned_mac_and_unknown_keys_fail_the_signature_check() {
        let (pair, jwk) = p256("ec1");
        let keys = [jwk];
        let why = |token: &str| {
            check_signature(&decode(token).unwrap(), &keys)
                .unwrap_err()
                .why
        };
        let none = jwt(json!({"alg": "none"}), json!({}), |_| Vec::new());
        assert!(why(&none).contains("not signed"));
        let hs = jwt(json!({"alg": "HS256"}), json!({}), |_| vec![1]);
        assert!(why(&hs).contains("shared-secret"));
        let token = es256(&pair, "ec2", json!({}));
        assert!(why(&token).contains("no signing key with kid 'ec2'"));
        // A key that allows another algorithm is not used.
        let mut rs_only = keys[0].clone();
        rs_only.insert("alg".into(), "RS256".into());
        let token = es256(&pair, "ec1", json!({}));
        assert!(check_signature(&decode(&token).unwrap(), &[rs_only]).is_err());
    }

    fn claims(c: Value) -> String {
        jwt(json!({"alg": "ES256"}), c, |_| vec![0])
    }

    #[test]
    fn iss_exp_and_nbf_with_a_minute_of_leeway() {
        let iss = "https://idp.test";
        let check = |c: Value, now| check_claims(&decode(&claims(c)).unwrap(), iss, now);
        assert_eq!(
            check(json!({"iss": iss, "exp": 1000, "nbf": 900}), 1059),
            Ok(())
        );
        assert_eq!(check(json!({"iss": "https://idp.test/"}), 0), Ok(()));
        let fails = |c: Value, now| check(c, now).unwrap_err();
        assert_eq!(fails(json!({"iss": "https://evil.test"}), 0).check, "iss");
        assert_eq!(fails(json!({"exp": 1}), 0).check, "iss");
        let exp = fails(json!({"iss": iss, "exp": 1000}), 1060);
        assert_eq!(exp.check, "exp");
        assert_eq!(exp.why, "it expired 1m 0s ago (1970-01-01T00:16:40Z)");
        assert_eq!(fails(json!({"iss": iss, "exp": "never"}), 0).check, "exp");
        assert_eq!(check(json!({"iss": iss, "nbf": 1060}), 1000), Ok(()));
        let nbf = fails(json!({"iss": iss, "nbf": 1061}), 1000);
        assert_eq!(nbf.check, "nbf");
        assert!(nbf.why.contains("in 1m 1s"), "{nbf:?}");
    }

    #[test]
    fn a_token_checked_against_a_jwks_from_a_url() {
        use crate::http::{Transport, Trust};
        use std::time::{Duration, Instant};
        let (pair, jwk) = p256("ec1");
        let server = httpmock::MockServer::start();
        server.mock(|when, then| {
            when.method(httpmock::Method::GET).path("/jwks");
            then.status(200)
                .json_body(json!({"keys": [{"kty": "oct", "k": "c2VjcmV0"}, jwk]}));
        });
        server.mock(|when, then| {
            when.method(httpmock::Method::GET).path("/broken");
            then.status(200).body("<html>");
        });
        let transport = |path: &str| {
            let timeout = Duration::from_secs(10);
            let deadline = Instant::now() + timeout;
            Transport::new(
                &server.url(path),
                Trust::System,
                None,
                None,
                timeout,
                deadline,
            )
            .unwrap()
        };
        let iss = server.base_url();
        let token = es256(&pair, "ec1", json!({"iss": iss, "exp": 2000}));
        let jws = decode(&token).unwrap();
        let verified = verify(&jws, &iss, &transport("/jwks"), 1000).unwrap();
        assert_eq!(
            (verified.alg.as_str(), verified.kid.as_deref()),
            ("ES256", Some("ec1"))
        );

        let exit = |err: anyhow::Error| (crate::error::exit_of(&err), err.to_string());
        let (code, message) = exit(verify(&jws, &iss, &transport("/jwks"), 2060).unwrap_err());
        assert_eq!(code, Exit::Refused);
        assert!(
            message.starts_with("the token fails the exp check"),
            "{message}"
        );
        let (code, message) =
            exit(verify(&jws, "https://other", &transport("/jwks"), 0).unwrap_err());
        assert_eq!(code, Exit::Refused);
        assert!(
            message.starts_with("the token fails the iss check"),
            "{message}"
        );
        let (code, message) = exit(verify(&jws, &iss, &transport("/broken"), 0).unwrap_err());
        assert_eq!(code, Exit::Server);
        assert!(message.contains("is not JSON"), "{message}");
        let (code, _) = exit(verify(&jws, &iss, &transport("/missing"), 0).unwrap_err());
        assert_eq!(code, Exit::Server);
    }
}
