//! How server text and request details are cleaned before anyone sees them: the
//! credential headers of `-v`, the answer bodies of `-v`, the excerpts of bodies
//! and the server's fields quoted in errors. Secrets and tokens tokn knows are
//! replaced by `diag::clean`, which every line passes through; this file adds
//! what can be recognised by shape alone, for tokens tokn never learned because
//! the answer did not parse: credential field values and long token-like runs
//! (SPEC, Conventions). It also tells whether a text holds the secret in any
//! form tokn sent it in, which keeps the secret out of the cache.

use std::borrow::Cow;

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

/// Fields whose values are credentials: shown as `[redacted]` wherever they can
/// be recognised in server text, parsed or not (SPEC, Conventions). A name that
/// contains another (`client_assertion`) is found through it (`assertion`).
const CREDENTIAL_FIELDS: &[&str] = &[
    "access_token",
    "refresh_token",
    "id_token",
    "device_code",
    "client_secret",
    "assertion",
];

/// Runs of this many token characters or more are cut (SPEC, Conventions).
const LONG_RUN: usize = 32;

/// How much of a body `-v` shows.
const VERBOSE_CHARS: usize = 2000;

/// Text from the server, made safe to show in an error or a verbose line:
/// registered secrets and tokens replaced and control characters removed
/// (`diag::clean`), then the values of credential fields replaced by
/// `[redacted]` and runs of 32 or more token characters cut to their first 6.
/// This holds whether or not the text parses, so a broken answer cannot carry
/// a whole token to a CI log.
pub fn server_text(text: &str) -> String {
    let text = diag::clean(text);
    let text = redact_fields(&text);
    cut_long_runs(&text).into_owned()
}

/// The answer body for `-v`, made safe by [`server_text`] and cut short.
pub fn body(body: &[u8]) -> String {
    cut(&server_text(&String::from_utf8_lossy(body)), VERBOSE_CHARS)
}

/// The start of a body for an error message, when it is text.
///
/// The whole text is made safe before it is cut: a cut through an echoed secret
/// would leave a piece of it that redaction no longer recognises.
pub fn excerpt(body: &[u8]) -> Option<String> {
    let text = server_text(&String::from_utf8_lossy(body));
    let text = text.trim();
    (!text.is_empty()).then(|| cut(text, EXCERPT_CHARS))
}

fn cut(text: &str, chars: usize) -> String {
    let mut cut: String = text.chars().take(chars).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

/// Whether `text` holds the secret in any form tokn sent it in (as given,
/// form-urlencoded, in the Basic credentials for `client_id`), or in any
/// spelling of those that a JSON or form echo would produce.
pub fn holds_secret(text: &str, client_id: &str, secret: &str) -> bool {
    diag::needle::contains(text, &sent_secret_needles(client_id, secret))
}

/// The needles for every form in which tokn sends `secret`.
pub fn sent_secret_needles(client_id: &str, secret: &str) -> Vec<diag::needle::Needle> {
    let mut needles = Vec::new();
    for form in crate::secret::sent_forms(client_id, secret) {
        needles.extend(diag::needle::secret_needles(&form));
    }
    needles
}

/// Characters a value may not contain: where a field's value ends.
fn ends_value(b: u8) -> bool {
    b.is_ascii_whitespace() || b.is_ascii_control() || b"\"'\\&,;<>{}[]()".contains(&b)
}

/// Quotes and spaces between a field name, its `:` or `=`, and its value, as
/// JSON, a form, HTML (`&quot;`) or an escaped JSON string write them.
fn skip_quotes(b: &[u8], mut i: usize) -> usize {
    loop {
        match b.get(i) {
            Some(b'"' | b'\'' | b'\\' | b' ' | b'\t') => i += 1,
            Some(b'&') if b[i..].starts_with(b"&quot;") => i += 6,
            Some(b'%') if b[i..].starts_with(b"%22") => i += 3,
            _ => return i,
        }
    }
}

/// The span of the value after a field name that ends at `i`, if one follows.
fn value_after(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let i = skip_quotes(b, i);
    let i = match b.get(i)? {
        b':' | b'=' => i + 1,
        b'%' if b[i..].starts_with(b"%3a") || b[i..].starts_with(b"%3d") => i + 3,
        _ => return None,
    };
    let start = skip_quotes(b, i);
    let len = b[start..].iter().position(|c| ends_value(*c));
    let end = start + len.unwrap_or(b.len() - start);
    (end > start).then_some((start, end))
}

/// The values of [`CREDENTIAL_FIELDS`] replaced by `[redacted]`, wherever a
/// name is followed by `:` or `=` and a value. A value `diag` already cut to a
/// token's first characters (`abcdef…`) stays, as `-v` may show it.
fn redact_fields(text: &str) -> Cow<'_, str> {
    let lower = text.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut name_ends: Vec<usize> = CREDENTIAL_FIELDS
        .iter()
        .flat_map(|name| lower.match_indices(name).map(|(i, _)| i + name.len()))
        .collect();
    if name_ends.is_empty() {
        return Cow::Borrowed(text);
    }
    name_ends.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for name_end in name_ends {
        // A name inside a value already replaced is replaced with it; skipping
        // it keeps the work linear in the text.
        if name_end < at {
            continue;
        }
        let Some((start, end)) = value_after(b, name_end) else {
            continue;
        };
        let value = &text[start..end];
        if value.ends_with('…') && value.chars().count() <= 7 {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str("[redacted]");
        at = end;
    }
    if at == 0 && out.is_empty() {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// The characters of the SPEC's long-run rule: `A–Z a–z 0–9 - _ + =`.
fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_+=".contains(&b)
}

/// Every run of [`LONG_RUN`] or more token characters cut to its first 6 and an
/// ellipsis: what an unrecognised token looks like.
fn cut_long_runs(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let mut out: Option<String> = None;
    let mut at = 0;
    let mut i = 0;
    while i < b.len() {
        if !is_token_char(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_token_char(b[i]) {
            i += 1;
        }
        if i - start >= LONG_RUN {
            let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(&text[at..start + 6]);
            out.push('…');
            at = i;
        }
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[at..]);
            Cow::Owned(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_fields_are_redacted_whether_or_not_the_body_parses() {
        for (body, shown) in [
            (
                r#"{"access_token":"abcdefghijkl","token_type":"Bearer"}"#,
                r#"{"access_token":"[redacted]","token_type":"Bearer"}"#,
            ),
            (
                r#"{"access_token" : "abc.def~g", "x":1,}"#,
                r#"{"access_token" : "[redacted]", "x":1,}"#,
            ),
            (
                "access_token=abcdefghijkl&refresh_token=r1&x={",
                "access_token=[redacted]&refresh_token=[redacted]&x={",
            ),
            (
                r#"{"e":"{\"id_token\":\"eyJ.x\"}"}"#,
                r#"{"e":"{\"id_token\":\"[redacted]\"}"}"#,
            ),
            (
                "<td>Device_Code: ABCD-EFGH</td> client_assertion%3Dxyz",
                "<td>Device_Code: [redacted]</td> client_assertion%3D[redacted]",
            ),
            (
                "&quot;refresh_token&quot;:&quot;rt-1&quot;",
                "&quot;refresh_token&quot;:&quot;[redacted]&quot;",
            ),
            // Names in prose, or as part of longer names, are left alone.
            (
                "the access_token is missing; refresh_token_expires_in=5",
                "the access_token is missing; refresh_token_expires_in=5",
            ),
        ] {
            assert_eq!(server_text(body), shown, "{body}");
        }
        // A token diag already cut to its first characters stays so.
        assert_eq!(
            server_text("access_token=abcdef…&"),
            "access_token=abcdef…&"
        );
    }

    #[test]
    fn names_repeated_inside_one_value_take_linear_time() {
        let text = "access_token=".repeat(100_000);
        let started = std::time::Instant::now();
        assert_eq!(server_text(&text), "access_token=[redacted]");
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn long_token_like_runs_are_cut_to_6_characters() {
        let run = "A1b2-C3_d4+E5=f6".repeat(2);
        assert_eq!(run.len(), LONG_RUN);
        assert_eq!(
            server_text(&format!("<p>{run}</p> {}", &run[1..])),
            format!("<p>A1b2-C…</p> {}", &run[1..])
        );
        // Split by a control character, it is still one run once cleaned.
        let split = format!("x {}\u{7}{} y", &run[..10], &run[10..]);
        assert_eq!(server_text(&split), "x A1b2-C… y");
        let jwt = format!("{run}.{run}.{run}");
        assert_eq!(server_text(&jwt), "A1b2-C….A1b2-C….A1b2-C…");
    }

    #[test]
    fn bodies_are_cut_after_they_are_made_safe() {
        let long = format!("{} {}", "x ".repeat(EXCERPT_CHARS), "y".repeat(40));
        let shown = excerpt(long.as_bytes()).unwrap();
        assert_eq!(shown.chars().count(), EXCERPT_CHARS + 1);
        assert!(shown.ends_with('…'), "{shown}");
        assert_eq!(excerpt(b" \n\t "), None);
        let verbose = body(format!("{}access_token=abc", "z ".repeat(1000)).as_bytes());
        assert!(
            verbose.ends_with('…') && !verbose.contains("abc"),
            "{verbose}"
        );
    }

    #[test]
    fn the_secret_is_found_in_every_form_tokn_sent_it_in() {
        let basic = crate::secret::sent_forms("my id", "s3cr/t+x")[1].clone();
        for stored in [
            r#"{"echo":"s3cr\/t+x"}"#.to_string(),
            r#"{"echo":"client_secret=s3cr%2Ft%2Bx"}"#.to_string(),
            format!(r#"{{"echo":"Basic {basic}"}}"#),
            format!(r#"{{"echo":"{}"}}"#, basic.replace('/', "\\/")),
            r#"{"echo":"\u0073\u0033cr/t+x"}"#.to_string(),
        ] {
            assert!(holds_secret(&stored, "my id", "s3cr/t+x"), "{stored}");
        }
        assert!(!holds_secret(
            r#"{"access_token":"s3cr"}"#,
            "my id",
            "s3cr/t+x"
        ));
    }

    #[test]
    fn credential_headers_are_hidden() {
        assert_eq!(header("Authorization", "Basic abc"), "Basic [redacted]");
        assert_eq!(header("X-Api-Key", "k"), "[redacted]");
        assert_eq!(header("X-Trace", "t"), "t");
    }
}
