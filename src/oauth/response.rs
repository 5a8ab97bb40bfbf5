//! Reading the token endpoint's answer: a success (RFC 6749 §5.1) or an error
//! (§5.2), as JSON or as a form body, with the quirks real providers have.
//!
//! [`interpret`] is a pure function of status, content type and body (and of
//! the secrets registered with `diag`, which excerpts of the body never show), so
//! the fuzzer and the property tests can drive it without a server.

use serde_json::{Map, Value};

use crate::redact;

/// A usable token answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub access_token: String,
    /// The provider's `token_type`, with any casing of `bearer` written `Bearer`,
    /// and `Bearer` when missing.
    pub token_type: String,
    /// The lifetime in seconds, when the provider said it as a number or a
    /// numeric string.
    pub expires_in: Option<u64>,
    /// Every field of the answer as the provider sent it.
    pub fields: Map<String, Value>,
}

/// The fields of an RFC 6749 §5.2 error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub error: String,
    pub description: Option<String>,
    pub uri: Option<String>,
}

/// Why an answer gives no token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The server refused (4xx, or an OAuth error on a 2xx): exit 4.
    Refused {
        status: u16,
        oauth: Option<OAuthError>,
        /// The start of a body that was not an OAuth error, to show the user.
        excerpt: Option<String>,
    },
    /// The server failed or answered something unusable: exit 5.
    Unusable {
        status: u16,
        reason: String,
        oauth: Option<OAuthError>,
    },
}

impl Rejection {
    pub fn status(&self) -> u16 {
        match self {
            Rejection::Refused { status, .. } | Rejection::Unusable { status, .. } => *status,
        }
    }

    pub fn oauth(&self) -> Option<&OAuthError> {
        match self {
            Rejection::Refused { oauth, .. } | Rejection::Unusable { oauth, .. } => oauth.as_ref(),
        }
    }
}

pub fn interpret(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<Token, Rejection> {
    let object = parse_object(content_type, body);
    let oauth = object.as_ref().and_then(oauth_error);
    match status {
        200..=299 => {}
        300..=399 => {
            return Err(Rejection::Unusable {
                status,
                reason: "the token endpoint answered with a redirect, which tokn never \
                         follows: the credentials go only to the URL given"
                    .into(),
                oauth,
            });
        }
        400..=499 => {
            return Err(Rejection::Refused {
                status,
                excerpt: oauth.is_none().then(|| redact::excerpt(body)).flatten(),
                oauth,
            });
        }
        _ => {
            return Err(Rejection::Unusable {
                status,
                reason: if status >= 500 {
                    "the token endpoint failed".into()
                } else {
                    format!("unexpected HTTP status {status}")
                },
                oauth,
            });
        }
    }
    let Some(fields) = object else {
        return Err(Rejection::Unusable {
            status,
            reason: format!(
                "the answer is neither a JSON object nor a form body{}",
                redact::excerpt(body)
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default()
            ),
            oauth: None,
        });
    };
    success(status, fields, oauth)
}

/// A token rebuilt from the fields of an answer that was accepted before (the cache).
pub fn token_from_fields(fields: Map<String, Value>) -> Option<Token> {
    success(200, fields, None).ok()
}

fn success(
    status: u16,
    fields: Map<String, Value>,
    oauth: Option<OAuthError>,
) -> Result<Token, Rejection> {
    let access_token = match fields.get("access_token") {
        Some(Value::String(token)) if !token.is_empty() => token.clone(),
        None if oauth.is_some() => {
            return Err(Rejection::Refused {
                status,
                oauth,
                excerpt: None,
            });
        }
        Some(Value::String(_)) => {
            return Err(unusable(status, "the access_token in the answer is empty"));
        }
        Some(_) => {
            return Err(unusable(
                status,
                "the access_token in the answer is not a string",
            ));
        }
        None => return Err(unusable(status, "the answer has no access_token")),
    };
    if !access_token.bytes().all(is_vschar) {
        return Err(unusable(
            status,
            "the access_token holds characters that RFC 6749 does not allow (only printable ASCII)",
        ));
    }
    let token_type = match fields.get("token_type") {
        None | Some(Value::Null) => "Bearer".to_string(),
        Some(Value::String(t)) if t.eq_ignore_ascii_case("bearer") => "Bearer".to_string(),
        Some(Value::String(t)) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic()) => {
            t.clone()
        }
        Some(_) => {
            return Err(unusable(
                status,
                "the token_type in the answer is not a single word",
            ));
        }
    };
    let expires_in = fields.get("expires_in").and_then(lifetime);
    Ok(Token {
        access_token,
        token_type,
        expires_in,
        fields,
    })
}

fn unusable(status: u16, reason: &str) -> Rejection {
    Rejection::Unusable {
        status,
        reason: reason.to_string(),
        oauth: None,
    }
}

/// RFC 6749 Appendix A: VSCHAR = %x20-7E.
fn is_vschar(b: u8) -> bool {
    (0x20..=0x7e).contains(&b)
}

/// `expires_in` as a number, or a numeric string (some providers quote it).
fn lifetime(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    }
}

/// The body as a JSON object, or as a form whose keys look like an OAuth answer.
fn parse_object(content_type: Option<&str>, body: &[u8]) -> Option<Map<String, Value>> {
    let trimmed = body.trim_ascii();
    if trimmed.starts_with(b"{") {
        return match serde_json::from_slice::<Value>(trimmed) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        };
    }
    let declared_form = content_type.is_some_and(|ct| {
        ct.split(';').next().is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
    });
    let looks_like_form = trimmed.contains(&b'=')
        && !trimmed
            .iter()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control());
    if trimmed.is_empty() || !(declared_form || looks_like_form) {
        return None;
    }
    let map: Map<String, Value> = form_urlencoded::parse(trimmed)
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect();
    let oauth_shaped = map.contains_key("access_token") || map.contains_key("error");
    (declared_form || oauth_shaped).then_some(map)
}

fn oauth_error(fields: &Map<String, Value>) -> Option<OAuthError> {
    let text = |key: &str| match fields.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    // The description and URI are only shown, and may quote a token.
    Some(OAuthError {
        error: text("error")?,
        description: text("error_description").map(|d| redact::server_text(&d)),
        uri: text("error_uri").map(|u| redact::server_text(&u)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(body: &str) -> Token {
        interpret(200, Some("application/json"), body.as_bytes()).unwrap()
    }

    #[test]
    fn a_plain_json_answer() {
        let t = ok(r#"{"access_token":"abc","token_type":"bearer","expires_in":3600,"x":1}"#);
        assert_eq!(t.access_token, "abc");
        assert_eq!(t.token_type, "Bearer");
        assert_eq!(t.expires_in, Some(3600));
        assert_eq!(t.fields["x"], 1);
    }

    #[test]
    fn quirks_real_providers_have() {
        let t = ok(r#"{"access_token":"abc","expires_in":"3599","scope":["a","b"]}"#);
        assert_eq!(
            (t.token_type.as_str(), t.expires_in),
            ("Bearer", Some(3599))
        );
        let t = interpret(201, None, b"access_token=abc&token_type=DPoP&expires_in=60").unwrap();
        assert_eq!((t.token_type.as_str(), t.expires_in), ("DPoP", Some(60)));
    }

    #[test]
    fn an_error_on_a_2xx_is_a_refusal() {
        let r = interpret(200, None, br#"{"error":"invalid_client"}"#).unwrap_err();
        assert!(matches!(r, Rejection::Refused { status: 200, .. }));
        assert_eq!(r.oauth().unwrap().error, "invalid_client");
    }

    #[test]
    fn error_answers_keep_their_fields() {
        let body = br#"{"error":"invalid_scope","error_description":"no","error_uri":"https://e"}"#;
        let r = interpret(400, None, body).unwrap_err();
        assert_eq!(
            r.oauth(),
            Some(&OAuthError {
                error: "invalid_scope".into(),
                description: Some("no".into()),
                uri: Some("https://e".into())
            })
        );
        let r = interpret(503, None, br#"{"error":"temporarily_unavailable"}"#).unwrap_err();
        assert!(matches!(
            r,
            Rejection::Unusable {
                status: 503,
                oauth: Some(_),
                ..
            }
        ));
    }

    #[test]
    fn an_excerpt_never_cuts_through_an_echoed_secret() {
        crate::diag::protect_secret("response-test-secret-4e1d");
        let body = format!(
            "{}response-test-secret-4e1d and more",
            "x ".repeat((redact::EXCERPT_CHARS - 10) / 2)
        );
        let r = interpret(400, Some("text/plain"), body.as_bytes()).unwrap_err();
        let Rejection::Refused {
            excerpt: Some(text),
            ..
        } = r
        else {
            panic!("{r:?}");
        };
        assert!(!text.contains("respons"), "{text}");
        assert!(text.contains("[redac") && text.ends_with('…'), "{text}");
    }

    #[test]
    fn unusable_answers() {
        for body in [
            &br#"{"token_type":"bearer"}"#[..],
            br#"{"access_token":""}"#,
            br#"{"access_token":5}"#,
            br#"{"access_token":"a\nb"}"#,
            b"<html>hello</html>",
            b"",
            b"[1,2]",
        ] {
            let r = interpret(200, None, body).unwrap_err();
            assert!(matches!(r, Rejection::Unusable { .. }), "{body:?}");
        }
        assert!(matches!(
            interpret(302, None, b"").unwrap_err(),
            Rejection::Unusable { status: 302, .. }
        ));
    }
}
