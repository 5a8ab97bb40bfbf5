//! Proof Key for Code Exchange (RFC 7636) and the authorization request of a
//! browser sign-in (RFC 6749 §4.1.1): a random verifier, its S256 challenge, a
//! random `state`, and the URL the browser opens.
//!
//! The verifier never leaves tokn before the code exchange, so a code caught
//! on its way back (by another app on the machine, say) is useless to anyone
//! else; the state ties the redirect to this request.

use anyhow::Result;

use crate::jose;
use crate::secret::Secret;

/// A code verifier (RFC 7636 §4.1) and its S256 challenge (§4.2).
pub struct Pkce {
    pub verifier: Secret,
    pub challenge: String,
}

impl Pkce {
    /// 32 random bytes, base64url: 43 characters, as §4.1 recommends.
    pub fn new() -> Result<Pkce> {
        let verifier = jose::random_b64url(32)?;
        crate::diag::protect_secret(&verifier);
        Ok(Pkce {
            challenge: challenge(&verifier),
            verifier: Secret::new(verifier),
        })
    }
}

/// `BASE64URL(SHA256(verifier))`, without padding (RFC 7636 §4.2).
pub fn challenge(verifier: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    jose::b64url(digest)
}

/// A random `state` (RFC 6749 §10.12): 128 bits, base64url.
pub fn state() -> Result<String> {
    jose::random_b64url(16)
}

/// What the authorization URL carries.
pub struct AuthorizationRequest<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scope: Option<&'a str>,
    pub state: &'a str,
    pub challenge: &'a str,
    pub audience: &'a [String],
    pub resource: &'a [String],
}

/// The authorization endpoint with the request's parameters added to any it
/// already has: `response_type=code`, `client_id`, `redirect_uri`, `scope`,
/// `state`, the S256 `code_challenge`, then each `audience` and `resource`.
pub fn authorization_url(endpoint: &str, req: &AuthorizationRequest) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("response_type", "code")
        .append_pair("client_id", req.client_id)
        .append_pair("redirect_uri", req.redirect_uri);
    if let Some(scope) = req.scope {
        query.append_pair("scope", scope);
    }
    query
        .append_pair("state", req.state)
        .append_pair("code_challenge", req.challenge)
        .append_pair("code_challenge_method", "S256");
    for value in req.audience {
        query.append_pair("audience", value);
    }
    for value in req.resource {
        query.append_pair("resource", value);
    }
    // RFC 6749 §3.1: the endpoint has no fragment; one given is dropped.
    let base = endpoint.split('#').next().unwrap_or(endpoint);
    let joiner = if !base.contains('?') {
        "?"
    } else if base.ends_with('?') || base.ends_with('&') {
        ""
    } else {
        "&"
    };
    format!("{base}{joiner}{}", query.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_s256_challenge_of_rfc_7636_appendix_b() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_are_43_unreserved_characters_and_differ() {
        let a = Pkce::new().unwrap();
        let b = Pkce::new().unwrap();
        assert_eq!(a.verifier.expose().len(), 43);
        assert!(
            a.verifier
                .expose()
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert_ne!(a.verifier.expose(), b.verifier.expose());
        assert_eq!(a.challenge, challenge(a.verifier.expose()));
        assert_ne!(state().unwrap(), state().unwrap());
    }

    #[test]
    fn the_url_keeps_the_endpoints_own_query() {
        let req = AuthorizationRequest {
            client_id: "my app",
            redirect_uri: "http://127.0.0.1:5000/callback",
            scope: Some("openid profile"),
            state: "st",
            challenge: "ch",
            audience: &["https://api".into()],
            resource: &[],
        };
        assert_eq!(
            authorization_url("https://idp/authorize?tenant=a#frag", &req),
            "https://idp/authorize?tenant=a&response_type=code&client_id=my+app\
             &redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fcallback&scope=openid+profile\
             &state=st&code_challenge=ch&code_challenge_method=S256&audience=https%3A%2F%2Fapi"
        );
        assert!(
            authorization_url("https://idp/authorize", &req)
                .starts_with("https://idp/authorize?response_type=code&")
        );
    }
}
