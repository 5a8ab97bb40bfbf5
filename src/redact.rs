//! How server text and request details are cleaned before anyone sees them: the
//! credential headers of `-v`, the answer bodies of `-v`, and the excerpts of
//! bodies quoted in errors. Secrets registered with `diag` are replaced by
//! `diag::clean`, which every line passes through; this file adds what can be
//! recognised by shape (token fields, credential header names).

use crate::diag;

/// How much of a non-OAuth error body is shown to the user.
pub const EXCERPT_CHARS: usize = 200;

/// Headers whose values are credentials by name; their values are never shown.
pub fn header(name: &str, value: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let sensitive = [
        "authorization",
        "cookie",
        "key",
        "token",
        "secret",
        "assertion",
        "password",
    ];
    if sensitive.iter().any(|s| lower.contains(s)) {
        match value.split_once(' ') {
            Some((scheme, _)) if lower.ends_with("authorization") => format!("{scheme} [redacted]"),
            _ => "[redacted]".to_string(),
        }
    } else {
        value.to_string()
    }
}

/// Fields of an answer that hold credentials; `-v` shows their first 6 characters.
const TOKEN_FIELDS: &[&str] = &[
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "client_assertion",
    "assertion",
    "device_code",
];

/// The answer body for `-v`: token fields cut to 6 characters, any text cut short.
pub fn body(body: &[u8]) -> String {
    const SHOWN: usize = 2000;
    let text = String::from_utf8_lossy(body);
    let shown = if let Ok(serde_json::Value::Object(mut map)) = serde_json::from_slice(body) {
        for key in TOKEN_FIELDS {
            if let Some(serde_json::Value::String(v)) = map.get_mut(*key) {
                *v = diag::shorten(v);
            }
        }
        serde_json::Value::Object(map).to_string()
    } else if text.contains('=') && !text.contains('{') {
        let pairs = form_urlencoded::parse(text.as_bytes()).map(|(k, v)| {
            let v = if TOKEN_FIELDS.contains(&k.as_ref()) {
                diag::shorten(&v)
            } else {
                v.into_owned()
            };
            format!("{k}={v}")
        });
        pairs.collect::<Vec<_>>().join("&")
    } else {
        text.into_owned()
    };
    // Redacted before it is cut, so no cut leaves a piece of an echoed secret.
    let shown = diag::clean(&shown);
    let cut: String = shown.chars().take(SHOWN).collect();
    if cut.len() < shown.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// The start of a body for an error message, when it is text.
///
/// The text is cleaned (secrets redacted) before it is cut: a cut through an
/// echoed secret would leave a piece of it that redaction no longer recognises.
pub fn excerpt(body: &[u8]) -> Option<String> {
    let text = diag::clean(&String::from_utf8_lossy(body));
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut cut: String = text.chars().take(EXCERPT_CHARS).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    Some(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbose_bodies_keep_6_characters_of_tokens() {
        let shown = body(br#"{"access_token":"abcdefghijkl","token_type":"Bearer"}"#);
        assert!(
            shown.contains("abcdef…") && !shown.contains("abcdefg"),
            "{shown}"
        );
        let shown = body(b"access_token=abcdefghijkl&expires_in=5");
        assert_eq!(shown, "access_token=abcdef…&expires_in=5");
    }

    #[test]
    fn credential_headers_are_hidden() {
        assert_eq!(header("Authorization", "Basic abc"), "Basic [redacted]");
        assert_eq!(header("X-Api-Key", "k"), "[redacted]");
        assert_eq!(header("X-Trace", "t"), "t");
    }
}
