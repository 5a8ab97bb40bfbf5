//! `tokn inspect`: a JWT's header and claims on stdout, its expiry and whether
//! it was checked on stderr; opaque tokens refused.

use httpmock::prelude::*;
use serde_json::{Value, json};

use crate::jwt::{Signer, b64};
use crate::util::{TOKEN, TempDir, assert_no_leak, on_a_terminal, run, tokn};

const NOW: u64 = 1_700_000_000;

fn inspect(tmp: &TempDir) -> assert_cmd::Command {
    let mut cmd = tokn(tmp);
    cmd.arg("inspect").env("TOKN_TEST_NOW", NOW.to_string());
    cmd
}

fn es256_token(claims: &Value) -> String {
    Signer::ec("ES256", "k1").jwt(claims)
}

#[test]
fn header_and_claims_as_json_and_the_expiry_on_stderr() {
    let claims =
        json!({"iss": "https://idp.test", "sub": "svc", "exp": NOW + 3600, "scope": "a b"});
    let token = es256_token(&claims);
    let tmp = TempDir::new();
    let out = run(inspect(&tmp).arg(&token));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with(r#"{"header":{"alg":"ES256","kid":"k1","typ":"JWT"},"claims":{"#),
        "{}",
        out.stdout
    );
    assert!(out.stdout.ends_with("}}\n") && out.stdout.matches('\n').count() == 1);
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["claims"], claims);
    assert_eq!(
        out.stderr,
        "tokn: expires in 1h 0m (2023-11-14T23:13:20Z)\ntokn: decoded, not verified\n"
    );
}

#[test]
fn the_token_from_standard_input() {
    let token = es256_token(&json!({"exp": NOW - 7260}));
    let tmp = TempDir::new();
    for arg in [None, Some("-")] {
        let mut cmd = inspect(&tmp);
        cmd.args(arg).write_stdin(format!("{token}\n"));
        let out = run(&mut cmd);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(
            serde_json::from_str::<Value>(&out.stdout).unwrap()["claims"],
            json!({"exp": NOW - 7260})
        );
        assert_eq!(
            out.stderr,
            "tokn: expired 2h 1m ago (2023-11-14T20:12:20Z)\ntokn: decoded, not verified\n"
        );
    }
}

#[test]
fn quiet_leaves_stdout_alone_and_stderr_empty() {
    let token = es256_token(&json!({"sub": "x"}));
    let tmp = TempDir::new();
    let out = run(inspect(&tmp).args(["-q", &token]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    assert!(
        out.stdout.contains(r#""claims":{"sub":"x"}"#),
        "{}",
        out.stdout
    );
}

#[test]
fn control_characters_in_claims_are_escaped() {
    let token = es256_token(&json!({"sub": "a\u{1b}[31m\u{9b}b"}));
    let tmp = TempDir::new();
    let out = run(inspect(&tmp).arg(&token));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.chars().any(|c| c.is_control() && c != '\n'));
    assert!(
        out.stdout.contains(r#""sub":"a\u001b[31m\u009bb""#),
        "{}",
        out.stdout
    );
}

#[test]
fn an_opaque_token_is_exit_2() {
    let tmp = TempDir::new();
    let header = b64(br#"{"alg":"RS256"}"#);
    for token in [
        TOKEN.to_string(),
        format!("{header}.{}", b64(b"{}")),
        format!("{header}.{TOKEN}.sig"),
    ] {
        let out = run(inspect(&tmp).write_stdin(token.clone()));
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert_eq!(out.stdout, "");
        assert_eq!(
            out.stderr,
            "tokn: error: an opaque token: only its issuer can introspect it\n"
        );
        assert_no_leak(&out.stderr, "inspect");
    }
    let out = run(inspect(&tmp).arg("a.b.c.d.e"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("encrypted token (JWE)"),
        "{}",
        out.stderr
    );
}

#[test]
fn no_token_at_all_is_exit_2() {
    let tmp = TempDir::new();
    for input in ["", " \n"] {
        let out = run(inspect(&tmp).write_stdin(input));
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr.starts_with("tokn: error: no token to inspect"),
            "{}",
            out.stderr
        );
    }
}

/// On a terminal with nothing piped in, tokn fetches a token with the options
/// and inspects it (a pseudo-terminal from util-linux `script`, as in prompt.rs).
#[test]
fn on_a_terminal_a_fetched_token_is_inspected() {
    let token = es256_token(&json!({"sub": "fetched", "exp": NOW + 60}));
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(POST)
            .form_urlencoded_tuple("client_id", "my-client");
        then.status(200)
            .header("content-type", "application/json")
            .body(json!({"access_token": token, "expires_in": 60}).to_string());
    });
    let tmp = TempDir::new();
    let out = on_a_terminal(
        &tmp,
        &format!(
            "inspect -u {} -i my-client --auth none --no-cache",
            server.url("/t")
        ),
        &[("TOKN_TEST_NOW", &NOW.to_string())],
        None,
    );
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(
        screen.contains(r#""claims":{"exp":1700000060,"sub":"fetched"}"#),
        "{screen}"
    );
    assert!(screen.contains("expires in 1m 0s"), "{screen}");
    mock.assert_calls(1);
}
