//! The client secret as a type that cannot be printed by accident.
//!
//! `Debug` and `Display` both print `[redacted]`, so a stray `{:?}` in an error or
//! a verbose line cannot leak it. The value is reached through one obvious call,
//! [`Secret::expose`], which is easy to search for in review. [`sent_forms`]
//! lists the forms the secret takes on the wire, which redaction and the cache
//! look for.

use std::fmt;

use base64::Engine;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Every form in which tokn sends `secret` for `client_id`: as given (and so in
/// a prompt or a file), and inside HTTP Basic's base64 of the form-urlencoded
/// pair (RFC 6749 §2.3.1). Its form-urlencoding, as in a `post` body, is derived
/// from the first by `diag::needle` with the other spellings of each form.
pub fn sent_forms(client_id: &str, secret: &str) -> [String; 2] {
    [secret.to_string(), basic_pair(client_id, secret)]
}

/// HTTP Basic's credentials for a client (RFC 6749 §2.3.1): the ID and secret
/// are form-urlencoded before they are joined and base64-encoded.
pub fn basic_pair(client_id: &str, secret: &str) -> String {
    let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pair = format!("{}:{}", encode(client_id), encode(secret));
    base64::engine::general_purpose::STANDARD.encode(pair)
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_never_shows_the_value() {
        let s = Secret::new("canary-5ecret".into());
        assert_eq!(
            format!("{s} {s:?} {:?}", Some(&s)),
            "[redacted] [redacted] Some([redacted])"
        );
        assert_eq!(s.expose(), "canary-5ecret");
    }

    #[test]
    fn the_sent_forms_include_rfc_6749_basic_credentials() {
        // "a b:c" → "a+b%3Ac"; "s:+%/& x" → "s%3A%2B%25%2F%26+x"
        let basic = base64::engine::general_purpose::STANDARD.encode("a+b%3Ac:s%3A%2B%25%2F%26+x");
        assert_eq!(
            sent_forms("a b:c", "s:+%/& x"),
            ["s:+%/& x".to_string(), basic]
        );
    }
}
