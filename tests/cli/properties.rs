//! Bounded property tests of the functions that take untrusted input: the token
//! endpoint's answer (`interpret`), and the `-d`, `-s`, `-H` and
//! `--header-pattern` values, and the redaction filter. They check what the fuzz
//! targets in `fuzz/` check, with a fixed number of cases, so that every CI run
//! exercises them: no panic on any input, parse → encode round trips, no control
//! character in any output but its final newline, no token with a non-printable
//! character, no planted secret and no long token-like run in what is shown.

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{Map, Value};

use tokn::endpoint::parse_header;
use tokn::error::{Exit, exit_of};
use tokn::oauth::request::{Field, TokenRequest, normalize_scopes};
use tokn::oauth::response::{Rejection, interpret, token_from_fields};
use tokn::output::HeaderPattern;

/// The checks the fuzz targets make, shared so both hold the same properties.
#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod checks;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        // A failure prints its minimal input; nothing is written into the tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

/// Text that mixes ordinary characters with the ones that cause trouble:
/// controls (C0, DEL, C1), quotes, backslashes, braces, `=`, `&`, `%`, `:`.
fn tricky_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9 ]{0,12}",
        "[\\x00-\\x1f\\x7f-\\u{9f} a-z'\"\\\\{}=&%+:;]{0,16}",
        "[\\u{2028}\\u{202e}\\u{feff}\\u{1b}\\[0-9m]{0,10}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN", |f| f.is_finite())
            .prop_map(Value::from),
        tricky_text().prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(tricky_text(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The fields that decide the outcome, each present or not, and others.
fn answer_object() -> impl Strategy<Value = Value> {
    let token = prop_oneof!["[ -~]{1,24}", tricky_text()].prop_map(Value::from);
    let token_type = prop_oneof![
        Just("bearer".to_string()),
        Just("DPoP".to_string()),
        tricky_text()
    ]
    .prop_map(Value::from);
    let expires_in = prop_oneof![
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[0-9 .e+-]{0,8}".prop_map(Value::from),
        json_value(),
    ];
    (
        proptest::option::weighted(0.8, token),
        proptest::option::of(token_type),
        proptest::option::of(expires_in),
        proptest::option::weighted(0.2, tricky_text().prop_map(Value::from)),
        btree_map(tricky_text(), json_value(), 0..4),
    )
        .prop_map(|(token, token_type, expires_in, error, others)| {
            let mut map: Map<String, Value> = others.into_iter().collect();
            for (key, value) in [
                ("access_token", token),
                ("token_type", token_type),
                ("expires_in", expires_in),
                ("error", error),
            ] {
                if let Some(value) = value {
                    map.insert(key.into(), value);
                }
            }
            Value::Object(map)
        })
}

fn form_body() -> impl Strategy<Value = Vec<u8>> {
    let key = prop_oneof![
        Just("access_token".to_string()),
        Just("token_type".to_string()),
        Just("expires_in".to_string()),
        Just("error".to_string()),
        Just("error_description".to_string()),
        tricky_text(),
    ];
    let value = prop_oneof!["[ -~]{1,16}", tricky_text()];
    vec((key, value), 0..6).prop_map(|pairs| {
        let mut form = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &pairs {
            form.append_pair(k, v);
        }
        form.finish().into_bytes()
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        vec(any::<u8>(), 0..256),
        answer_object().prop_map(|v| v.to_string().into_bytes()),
        form_body(),
        tricky_text().prop_map(String::into_bytes),
    ]
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(200u16),
        Just(201),
        Just(400),
        Just(401),
        Just(503),
        100u16..600,
        any::<u16>()
    ]
}

fn content_type() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        Just(None),
        Just(Some("application/json")),
        Just(Some("application/x-www-form-urlencoded")),
        Just(Some("Application/X-WWW-Form-Urlencoded; charset=utf-8")),
        Just(Some("text/html")),
    ]
}

/// Patterns made of placeholders, stray braces and text.
fn pattern() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{access_token}".to_string()),
        Just("{token_type}".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("{nope}".to_string()),
        "[ -~]{0,6}",
        tricky_text(),
    ];
    prop_oneof![vec(piece, 0..6).prop_map(|p| p.concat()), any::<String>()]
}

/// A secret planted in a text (see `Plant` in fuzz/src/lib.rs): secrets with
/// the characters encodings change, and the control characters files leave.
fn plant() -> impl Strategy<Value = checks::Plant> {
    let secret = prop_oneof![
        "[a-zA-Z0-9]{4,20}",
        "[a-zA-Z0-9/+= %&\\\"é😀-]{4,20}",
        "[a-z0-9]{4,12}[\t\n\r]{1,2}[a-z0-9]{0,8}",
        tricky_text(),
    ];
    let how = (
        prop_oneof![Just(b'r'), Just(b'f'), Just(b'b'), Just(b'j')],
        prop_oneof![Just(b'n'), Just(b'j'), Just(b'f')],
        vec(any::<u8>(), 2..64),
    )
        .prop_map(|(inner, outer, rest)| [vec![inner, outer], rest].concat());
    (secret, "[a-z -]{1,10}", how, tricky_text(), tricky_text()).prop_map(
        |(secret, client_id, how, before, after)| checks::Plant {
            secret,
            client_id,
            how,
            before,
            after,
        },
    )
}

// ---------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn interpret_sorts_any_answer_and_accepts_only_printable_tokens(
        status in status(),
        content_type in content_type(),
        body in body(),
    ) {
        match interpret(status, content_type, &body) {
            Ok(token) => {
                prop_assert!((200..=299).contains(&status), "a token on HTTP {}", status);
                prop_assert!(!token.access_token.is_empty());
                prop_assert!(token.access_token.bytes().all(|b| (0x20..=0x7e).contains(&b)), "{:?}", token);
                prop_assert!(!token.token_type.is_empty());
                prop_assert!(token.token_type.bytes().all(|b| b.is_ascii_graphic()), "{:?}", token);
                prop_assert_eq!(token_from_fields(token.fields.clone()), Some(token.clone()));
                checks::assert_renders_cleanly(&token, &HeaderPattern::parse("{token_type} {access_token}").unwrap());
            }
            Err(Rejection::Refused { status: s, .. }) => {
                prop_assert_eq!(s, status);
                prop_assert!((200..=299).contains(&s) || (400..=499).contains(&s));
            }
            Err(Rejection::Unusable { status: s, .. }) => {
                prop_assert_eq!(s, status);
                prop_assert!(!(400..=499).contains(&s));
            }
        }
    }

    #[test]
    fn data_splits_at_the_first_equals_and_round_trips_through_the_body(
        arg in prop_oneof![
            tricky_text(),
            "[a-z_]{0,8}=[ -~]{0,12}",
            "(grant_type|scope|client_id|client_secret)=[a-z]{0,4}",
        ],
    ) {
        match Field::parse(&arg) {
            Ok(field) => {
                prop_assert!(!field.key.is_empty() && !field.key.contains('='));
                prop_assert_eq!(format!("{}={}", field.key, field.value), arg.clone());
                prop_assert!(!["grant_type", "scope", "client_id", "client_secret"].contains(&field.key.as_str()));
                let request = TokenRequest::new("client_credentials".into(), &[], vec![field.clone()]);
                let body = request.encode(&[]);
                prop_assert!(body.bytes().all(|b| b.is_ascii_alphanumeric() || b"%+=&*-._".contains(&b)), "{}", body);
                let sent: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
                prop_assert_eq!(sent.last(), Some(&(field.key, field.value)));
            }
            Err(e) => {
                prop_assert_eq!(exit_of(&e), Exit::Usage);
                prop_assert!(!tokn::diag::clean(&e.to_string()).chars().any(char::is_control));
            }
        }
    }

    #[test]
    fn scopes_are_words_in_first_seen_order_without_duplicates(values in vec(tricky_text(), 0..5)) {
        let scopes = normalize_scopes(&values);
        let words: Vec<&str> = values.iter().flat_map(|v| v.split_whitespace()).collect();
        let mut expected: Vec<&str> = Vec::new();
        for word in &words {
            if !expected.contains(word) {
                expected.push(word);
            }
        }
        prop_assert_eq!(&scopes, &expected);
        prop_assert_eq!(normalize_scopes(&scopes), scopes.clone());
        let body = TokenRequest::new("client_credentials".into(), &values, vec![]).encode(&[]);
        let sent: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
        match sent.iter().find(|(k, _)| k == "scope") {
            Some((_, joined)) => prop_assert_eq!(joined.split(' ').collect::<Vec<_>>(), expected),
            None => prop_assert!(scopes.is_empty()),
        }
    }

    #[test]
    fn headers_are_refused_or_safe_to_send_and_parse_back(
        arg in prop_oneof![tricky_text(), "[A-Za-z-]{0,10}:[ -~\\t\\r\\n]{0,20}", "[ -~]{0,30}"],
    ) {
        match parse_header(&arg) {
            Ok((name, value)) => {
                prop_assert!(!name.is_empty());
                prop_assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)), "{:?}", name);
                prop_assert!(value.bytes().all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f)), "{:?}", value);
                let again = parse_header(&format!("{name}: {value}")).expect("a parsed header parses again");
                prop_assert_eq!(again, (name, value));
            }
            Err(e) => {
                prop_assert_eq!(exit_of(&e), Exit::Usage);
                prop_assert!(!tokn::diag::clean(&e.to_string()).chars().any(char::is_control));
            }
        }
    }

    #[test]
    fn header_patterns_are_refused_or_render_cleanly(
        pattern in pattern(),
        access_token in "[ -~]{1,24}",
    ) {
        match HeaderPattern::parse(&pattern) {
            Ok(parsed) => {
                prop_assert!(!pattern.chars().any(char::is_control));
                for token_type in ["bearer", "DPoP"] {
                    let token = checks::token(&access_token, token_type).expect("a printable token is accepted");
                    checks::assert_renders_cleanly(&token, &parsed);
                }
            }
            Err(message) => {
                prop_assert!(!message.is_empty());
                prop_assert!(!tokn::diag::clean(&message).chars().any(char::is_control));
            }
        }
    }

    #[test]
    fn a_planted_secret_never_comes_out_of_the_filter(plant in plant()) {
        checks::assert_plant_redacted(&plant);
    }

    #[test]
    fn excerpts_and_shown_fields_hold_no_long_token_run(
        status in prop_oneof![Just(200u16), Just(400), 100u16..600],
        body in prop_oneof![body(), "[ -~]{0,8}[A-Za-z0-9_=+-]{28,40}[ -~]{0,8}".prop_map(String::into_bytes)],
    ) {
        match interpret(status, Some("text/plain"), &body) {
            Err(Rejection::Refused { excerpt: Some(text), .. }) => checks::assert_no_long_runs(&text),
            Err(Rejection::Unusable { reason, .. }) => checks::assert_no_long_runs(&reason),
            _ => {}
        }
        if let Err(rejection) = interpret(status, None, &body)
            && let Some(oauth) = rejection.oauth()
        {
            checks::assert_no_long_runs(oauth.description.as_deref().unwrap_or_default());
            checks::assert_no_long_runs(oauth.uri.as_deref().unwrap_or_default());
        }
    }

    #[test]
    fn cleaned_text_has_no_control_characters(text in tricky_text()) {
        let cleaned = tokn::diag::clean(&text);
        prop_assert!(!cleaned.chars().any(char::is_control), "{:?}", cleaned);
    }
}
