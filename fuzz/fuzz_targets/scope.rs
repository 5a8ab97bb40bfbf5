//! `-s SCOPE` (repeatable): the values, cut at NUL bytes (which no argument holds),
//! become scopes without whitespace or duplicates, in the order first given.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tokn::oauth::request::{TokenRequest, normalize_scopes};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let values: Vec<String> = text.split('\0').map(str::to_string).collect();
    let scopes = normalize_scopes(&values);
    let words: Vec<&str> = values.iter().flat_map(|v| v.split_whitespace()).collect();
    for (i, scope) in scopes.iter().enumerate() {
        assert!(
            !scope.is_empty() && !scope.chars().any(char::is_whitespace),
            "{scope:?}"
        );
        assert!(!scopes[..i].contains(scope), "duplicate {scope:?}");
        assert!(words.contains(&scope.as_str()));
    }
    for word in &words {
        assert!(scopes.iter().any(|s| s == word), "{word:?} was dropped");
    }
    assert_eq!(
        normalize_scopes(&scopes),
        scopes,
        "normalizing twice changes nothing"
    );
    let request = TokenRequest::new("client_credentials".into(), &values, vec![]);
    let body = request.encode(&[]);
    let sent: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    match sent.iter().find(|(k, _)| k == "scope") {
        Some((_, joined)) => assert_eq!(joined.split(' ').collect::<Vec<_>>(), scopes),
        None => assert!(scopes.is_empty()),
    }
});
