//! The assertion of the jwt-bearer grant when tokn signs it (RFC 7523 §3), as
//! service accounts do (Google's, Salesforce's connected apps): the account
//! proves who it is with a JWT signed by its own key, and no client secret.
//!
//! It differs from the client assertion of `private_key_jwt` (`assertion.rs`)
//! in what it says: the issuer and subject are the account's, not the client
//! ID, it lives 300 seconds, and it may carry more claims (`--jwt-claim`, and a
//! service account's scopes).

use anyhow::Result;
use serde_json::{Map, Value};

use crate::clock;
use crate::diag;
use crate::error::usage;
use crate::jose;
use crate::keys::SigningKey;
use crate::oauth::assertion::{JwtOptions, new_jti};
use crate::secret::Secret;

/// How long the assertion is valid, in seconds.
pub const LIFETIME: u64 = 300;

/// The claims tokn sets itself, and the option to use instead of `--jwt-claim`.
const OWN_CLAIMS: &[(&str, &str)] = &[
    ("iss", "--jwt-issuer"),
    ("sub", "--jwt-subject"),
    ("aud", "--jwt-audience"),
    ("exp", "nothing: tokn sets it"),
    ("iat", "nothing: tokn sets it"),
    ("jti", "nothing: tokn sets it"),
];

/// One `--jwt-claim KEY=VALUE`: a string unless VALUE parses as JSON.
pub fn parse_claim(arg: &str, option: &str) -> Result<(String, Value)> {
    let Some((key, value)) = arg.split_once('=') else {
        return Err(usage(format!(
            "{option} '{arg}' has no '=': write it as KEY=VALUE"
        )));
    };
    if key.is_empty() {
        return Err(usage(format!("{option} '{arg}' has an empty key")));
    }
    if let Some((_, instead)) = OWN_CLAIMS.iter().find(|(name, _)| *name == key) {
        return Err(usage(format!(
            "{option} {key}=… is a claim tokn sets itself: use {instead}"
        )));
    }
    let value = serde_json::from_str::<Value>(value).unwrap_or_else(|_| Value::from(value));
    Ok((key.to_string(), value))
}

/// What the assertion says.
pub struct Claims<'a> {
    pub issuer: &'a str,
    pub subject: &'a str,
    pub audience: &'a str,
    pub extra: &'a [(String, Value)],
    /// A service account's scopes, as the `scope` claim.
    pub scope: Option<&'a str>,
}

impl Claims<'_> {
    /// The claims object at `now` with this `jti`.
    pub fn object(&self, jti: &str, now: u64) -> Map<String, Value> {
        let mut claims = Map::new();
        claims.insert("iss".into(), self.issuer.into());
        claims.insert("sub".into(), self.subject.into());
        claims.insert("aud".into(), self.audience.into());
        if let Some(scope) = self.scope {
            claims.insert("scope".into(), scope.into());
        }
        claims.insert("iat".into(), now.into());
        claims.insert("exp".into(), now.saturating_add(LIFETIME).into());
        claims.insert("jti".into(), jti.into());
        for (key, value) in self.extra {
            claims.insert(key.clone(), value.clone());
        }
        claims
    }
}

/// The signed assertion, registered as a secret; `kid` names the key.
pub fn sign(
    claims: &Claims,
    key: &SigningKey,
    options: &JwtOptions,
    kid: Option<&str>,
) -> Result<Secret> {
    let alg = key.choose_alg(options.alg)?;
    let mut header = Map::new();
    if let Some(kid) = kid {
        header.insert("kid".into(), kid.into());
    }
    let jwt = jose::sign_jwt(key, alg, header, &claims.object(&new_jti()?, clock::now()))?;
    diag::protect_secret(&jwt);
    diag::verbose(&format!(
        "* signed the jwt-bearer assertion: {}{}, iss {}, sub {}, aud {}, valid {LIFETIME} s",
        alg.name(),
        kid.map(|k| format!(", kid {k}")).unwrap_or_default(),
        claims.issuer,
        claims.subject,
        claims.audience
    ));
    Ok(Secret::new(jwt))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_is_a_string_unless_it_is_json() {
        let p = |a: &str| parse_claim(a, "--jwt-claim").unwrap();
        assert_eq!(p("tenant=acme"), ("tenant".into(), Value::from("acme")));
        assert_eq!(p("n=42"), ("n".into(), Value::from(42)));
        assert_eq!(p("ok=true"), ("ok".into(), Value::from(true)));
        assert_eq!(p("a=[1,\"x\"]").1, serde_json::json!([1, "x"]));
        assert_eq!(p("e=a=b"), ("e".into(), Value::from("a=b")));
        let err = parse_claim("iss=x", "--jwt-claim").unwrap_err().to_string();
        assert!(err.contains("--jwt-issuer"), "{err}");
        assert!(parse_claim("novalue", "--jwt-claim").is_err());
    }

    #[test]
    fn the_claims_are_these_and_the_extra_ones() {
        let extra = vec![("tenant".to_string(), Value::from("acme"))];
        let claims = Claims {
            issuer: "sa@example",
            subject: "sa@example",
            audience: "https://idp/token",
            extra: &extra,
            scope: Some("read write"),
        };
        assert_eq!(
            Value::Object(claims.object("j", 1_700_000_000)),
            serde_json::json!({
                "iss": "sa@example", "sub": "sa@example", "aud": "https://idp/token",
                "scope": "read write", "iat": 1_700_000_000u64, "exp": 1_700_000_300u64,
                "jti": "j", "tenant": "acme"
            })
        );
    }
}
