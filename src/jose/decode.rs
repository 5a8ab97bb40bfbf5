//! A compact JWS (RFC 7515 §7.1) taken apart: its header and claims as JSON,
//! and what the signature covers. Nothing here trusts the token: `verify.rs`
//! decides whether it holds.

use anyhow::Result;
use serde_json::{Map, Value};

use crate::error::usage;

use super::base64url;

/// A decoded, unverified JWT.
#[derive(Debug, Clone)]
pub struct Jws<'a> {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    /// `BASE64URL(header) "." BASE64URL(payload)`, the bytes the signature covers.
    pub signing_input: &'a str,
    pub signature: Vec<u8>,
}

impl Jws<'_> {
    /// The header's `alg`.
    pub fn alg(&self) -> &str {
        self.header.get("alg").and_then(Value::as_str).unwrap_or("")
    }

    /// A numeric date claim (`exp`, `nbf`, `iat`): `None` when absent, an
    /// error when it is not a number of seconds.
    pub fn date(&self, name: &str) -> Result<Option<u64>, String> {
        match self.claims.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => match (n.as_u64(), n.as_f64()) {
                (Some(secs), _) => Ok(Some(secs)),
                // Fractions are allowed (RFC 7519 §2, NumericDate); `as` saturates.
                (None, Some(secs)) if secs.is_finite() && secs >= 0.0 => Ok(Some(secs as u64)),
                _ => Err(format!("{name} is not a date: {n}")),
            },
            Some(other) => Err(format!("{name} is not a number of seconds: {other}")),
        }
    }
}

const OPAQUE: &str = "an opaque token: only its issuer can introspect it";

/// Take `token` apart, or say why it is not a JWT (exit 2).
pub fn decode(token: &str) -> Result<Jws<'_>> {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() == 5 {
        return Err(usage(
            "an encrypted token (JWE): only its issuer can read it",
        ));
    }
    let [header, payload, signature] = parts[..] else {
        return Err(usage(OPAQUE));
    };
    let (Some(header_json), Some(claims), Some(signature)) = (
        json_object(header),
        json_object(payload),
        base64url::decode(signature),
    ) else {
        return Err(usage(OPAQUE));
    };
    if !header_json.get("alg").is_some_and(Value::is_string) {
        return Err(usage(OPAQUE));
    }
    Ok(Jws {
        header: header_json,
        claims,
        signing_input: &token[..header.len() + 1 + payload.len()],
        signature,
    })
}

fn json_object(part: &str) -> Option<Map<String, Value>> {
    match serde_json::from_slice(&base64url::decode(part)?) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Exit, exit_of};

    fn part(json: &str) -> String {
        base64url::encode(json.as_bytes())
    }

    #[test]
    fn a_jwt_comes_apart() {
        let token = format!(
            "{}.{}.{}",
            part(r#"{"alg":"RS256","kid":"k1"}"#),
            part(r#"{"iss":"https://idp.test","exp":1700000000.5,"nbf":"soon"}"#),
            base64url::encode(b"sig")
        );
        let jws = decode(&token).unwrap();
        assert_eq!(jws.alg(), "RS256");
        assert_eq!(jws.claims["iss"], "https://idp.test");
        assert_eq!(jws.date("exp"), Ok(Some(1_700_000_000)));
        assert_eq!(jws.date("iat"), Ok(None));
        assert!(jws.date("nbf").is_err());
        assert_eq!(jws.signature, b"sig");
        assert_eq!(token.rsplit_once('.').unwrap().0, jws.signing_input);
    }

    #[test]
    fn anything_else_is_opaque() {
        let header = part(r#"{"alg":"RS256"}"#);
        let claims = part(r#"{"sub":"x"}"#);
        for token in [
            "2YotnFZFEjr1zCsicMWpAA".to_string(),
            format!("{header}.{claims}"),
            format!("{header}.{claims}.a.b"),
            format!("{header}.{}.", part("[1]")),
            format!("{}.{claims}.", part(r#"{"typ":"JWT"}"#)),
            format!("{header}.{claims}.not*base64"),
            format!("{header}=.{claims}."),
        ] {
            let err = decode(&token).unwrap_err();
            assert_eq!(exit_of(&err), Exit::Usage, "{token}");
            assert_eq!(err.to_string(), OPAQUE, "{token}");
        }
        let jwe = decode("a.b.c.d.e").unwrap_err();
        assert!(jwe.to_string().contains("encrypted"), "{jwe}");
    }
}
