//! A token as `tokn inspect` reads it: a compact JWS whose payload is a JSON
//! object, or a refusal that says why not (an opaque or an encrypted token).
//! Nothing here trusts the token: `verify.rs` decides whether it holds.

use anyhow::Result;
use serde_json::Value;

use crate::error::usage;

use super::Decoded;

const OPAQUE: &str = "an opaque token: only its issuer can introspect it";

/// Take `token` apart, or say why it is not a JWT (exit 2).
pub fn jwt(token: &str) -> Result<Decoded> {
    if token.split('.').count() == 5 {
        return Err(usage(
            "an encrypted token (JWE): only its issuer can read it",
        ));
    }
    let decoded = super::decode(token).map_err(|_| usage(OPAQUE))?;
    if !decoded.header.get("alg").is_some_and(Value::is_string) {
        return Err(usage(OPAQUE));
    }
    Ok(decoded)
}

impl Decoded {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Exit, exit_of};
    use crate::jose::b64url;

    fn part(json: &str) -> String {
        b64url(json.as_bytes())
    }

    #[test]
    fn a_jwt_comes_apart() {
        let token = format!(
            "{}.{}.{}",
            part(r#"{"alg":"RS256","kid":"k1"}"#),
            part(r#"{"iss":"https://idp.test","exp":1700000000.5,"nbf":"soon"}"#),
            b64url(b"sig")
        );
        let jws = jwt(&token).unwrap();
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
            let err = jwt(&token).unwrap_err();
            assert_eq!(exit_of(&err), Exit::Usage, "{token}");
            assert_eq!(err.to_string(), OPAQUE, "{token}");
        }
        let jwe = jwt("a.b.c.d.e").unwrap_err();
        assert!(jwe.to_string().contains("encrypted"), "{jwe}");
    }
}
