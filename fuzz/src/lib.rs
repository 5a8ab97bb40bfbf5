//! What every fuzz target checks about what tokn prints, and how the raw fuzzer
//! input is cut into arguments. The same properties run on every CI run, with a
//! bounded number of cases, in `tests/cli/properties.rs`, which includes this file.

use tokn::oauth::response::{Token, interpret};
use tokn::output::Format as FormatArg;
use tokn::output::{HeaderPattern, OutputSpec, render};

pub const FORMATS: [FormatArg; 6] = [
    FormatArg::Raw,
    FormatArg::Json,
    FormatArg::Header,
    FormatArg::Curl,
    FormatArg::Env,
    FormatArg::K8s,
];

/// An input for `interpret`: three ASCII digits for the status (else 200 and the
/// whole input is the body), one byte for the content type (`j` JSON, `f` form,
/// `F` form with a charset, anything else none), then the body. Seed files stay
/// readable: `200j{"access_token":"abc"}`.
pub fn split_response(data: &[u8]) -> (u16, Option<&'static str>, &[u8]) {
    if data.len() < 4 || !data[..3].iter().all(u8::is_ascii_digit) {
        return (200, None, data);
    }
    let status = data[..3]
        .iter()
        .fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
    let content_type = match data[3] {
        b'j' => Some("application/json"),
        b'f' => Some("application/x-www-form-urlencoded"),
        b'F' => Some("application/x-www-form-urlencoded; charset=UTF-8"),
        _ => None,
    };
    (status, content_type, &data[4..])
}

/// A printed output: exactly one newline, at the end, and no other control character
/// (`env` prints one line per variable: newlines between them, none in them).
pub fn assert_clean_output(out: &str, lines: usize) {
    let Some(body) = out.strip_suffix('\n') else {
        panic!("the output does not end with a newline: {out:?}");
    };
    assert_eq!(body.split('\n').count(), lines, "{out:?}");
    assert!(
        !body.chars().any(|c| c.is_control() && c != '\n'),
        "a control character in the output: {out:?}"
    );
}

/// A token `interpret` accepted: printable ASCII only, and the same token again
/// when rebuilt from its fields (as the cache does).
pub fn assert_sound_token(token: &Token) {
    assert!(!token.access_token.is_empty());
    assert!(
        token
            .access_token
            .bytes()
            .all(|b| (0x20..=0x7e).contains(&b)),
        "{token:?}"
    );
    assert!(!token.token_type.is_empty());
    assert!(
        token.token_type.bytes().all(|b| b.is_ascii_graphic()),
        "{token:?}"
    );
    let rebuilt = tokn::oauth::response::token_from_fields(token.fields.clone());
    assert_eq!(rebuilt.as_ref(), Some(token));
}

/// Every format's output for `token`, each checked with [`assert_clean_output`],
/// the JSON one read back, the curl one unquoted back to the header line.
pub fn assert_renders_cleanly(token: &Token, pattern: &HeaderPattern) {
    let spec = |format| OutputSpec {
        format,
        header_name: "Authorization".into(),
        pattern: pattern.clone(),
        k8s_api: tokn::output::k8s::ApiVersion::V1,
    };
    for format in FORMATS {
        let out = render(&spec(format), token, Some(1_000_060), 1_000_000);
        assert_clean_output(&out, if format == FormatArg::Env { 3 } else { 1 });
        match format {
            FormatArg::Raw => assert_eq!(out, format!("{}\n", token.access_token)),
            FormatArg::Json => {
                let back: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(&out).expect("the json output is a JSON object");
                for (key, value) in &token.fields {
                    if key != "expires_in" && key != "expires_at" {
                        let again = back.get(key).expect("every field is printed");
                        assert_eq!(again, value, "{key}");
                    }
                }
                assert_eq!(back["expires_in"], 60);
                assert_eq!(back["expires_at"], 1_000_060);
            }
            FormatArg::Header => {}
            FormatArg::Env => {
                let first = out.lines().next().unwrap_or_default();
                let quoted = first
                    .strip_prefix("export TOKN_ACCESS_TOKEN=")
                    .expect("env output starts with the token");
                assert_eq!(shell_unquote(quoted), token.access_token);
                assert!(
                    out.ends_with("\nexport TOKN_EXPIRES_AT=1000060\n"),
                    "{out:?}"
                );
            }
            FormatArg::K8s => {
                let back: serde_json::Value =
                    serde_json::from_str(&out).expect("the k8s output is JSON");
                assert_eq!(back["status"]["token"], token.access_token.as_str());
                assert_eq!(
                    back["status"]["expirationTimestamp"],
                    "1970-01-12T13:47:40Z"
                );
            }
            FormatArg::Curl => {
                let header = render(&spec(FormatArg::Header), token, None, 0);
                let quoted = out.strip_prefix("-H ").expect("curl output starts with -H");
                assert_eq!(
                    shell_unquote(quoted.trim_end_matches('\n')),
                    header.trim_end_matches('\n')
                );
            }
        }
    }
}

/// A token answer with this access token and token type, for rendering.
pub fn token(access_token: &str, token_type: &str) -> Option<Token> {
    let body = serde_json::json!({ "access_token": access_token, "token_type": token_type });
    interpret(200, None, body.to_string().as_bytes()).ok()
}

/// Undo POSIX shell quoting made of '…' runs and \' escapes, as sh would.
pub fn shell_unquote(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    out.push(q);
                }
            }
            '\\' => out.extend(chars.next()),
            other => panic!("unquoted {other:?} in shell-quoted text {text:?}"),
        }
    }
    out
}
