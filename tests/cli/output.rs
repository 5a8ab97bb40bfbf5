//! The output formats of the SPEC's "The output" table.

use httpmock::prelude::*;

use crate::util::{TOKEN, TempDir, run, tokn_for};

fn serve(body: &str) -> MockServer {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.any_request();
        then.status(200)
            .header("content-type", "application/json")
            .body(body);
    });
    server
}

fn output(server: &MockServer, args: &[&str]) -> String {
    let tmp = TempDir::new();
    let out = run(tokn_for(&tmp, &server.url("/t"))
        .args(args)
        .env("TOKN_TEST_NOW", "1700000000"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    out.stdout
}

#[test]
fn raw_header_and_curl() {
    let server = serve(&format!(
        r#"{{"access_token":"{TOKEN}","token_type":"bearer"}}"#
    ));
    assert_eq!(output(&server, &[]), format!("{TOKEN}\n"));
    assert_eq!(output(&server, &["-f", "raw"]), format!("{TOKEN}\n"));
    assert_eq!(
        output(&server, &["-f", "header"]),
        format!("Authorization: Bearer {TOKEN}\n")
    );
    assert_eq!(
        output(&server, &["--format", "curl"]),
        format!("-H 'Authorization: Bearer {TOKEN}'\n")
    );
}

#[test]
fn json_has_every_field_a_numeric_expires_in_and_expires_at() {
    let server = serve(&format!(
        r#"{{"access_token":"{TOKEN}","expires_in":"3600","scope":["a","b"],"custom":{{"k":true}}}}"#
    ));
    let out = output(&server, &["-f", "json"]);
    assert!(
        out.ends_with("}\n") && out.matches('\n').count() == 1,
        "{out:?}"
    );
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "access_token": TOKEN,
            "expires_in": 3600,
            "expires_at": 1_700_003_600u64,
            "scope": ["a", "b"],
            "custom": {"k": true},
        })
    );
}

#[test]
fn json_without_a_lifetime_has_no_expires_at() {
    let server = serve(&format!(
        r#"{{"access_token":"{TOKEN}","token_type":"Bearer"}}"#
    ));
    let json: serde_json::Value = serde_json::from_str(&output(&server, &["-f", "json"])).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"access_token": TOKEN, "token_type": "Bearer"})
    );
}

#[test]
fn header_name_and_pattern_with_placeholders() {
    let server = serve(&format!(
        r#"{{"access_token":"{TOKEN}","token_type":"DPoP"}}"#
    ));
    assert_eq!(
        output(
            &server,
            &[
                "-f",
                "header",
                "--header-name",
                "X-Auth",
                "--header-pattern",
                "{token_type} {access_token}"
            ]
        ),
        format!("X-Auth: DPoP {TOKEN}\n")
    );
    assert_eq!(
        output(
            &server,
            &[
                "-f",
                "curl",
                "--header-pattern",
                "Token token={access_token}, it's"
            ]
        ),
        format!("-H 'Authorization: Token token={TOKEN}, it'\\''s'\n")
    );
    let server = serve(&format!(r#"{{"access_token":"{TOKEN}"}}"#));
    assert_eq!(
        output(
            &server,
            &[
                "-f",
                "header",
                "--header-pattern",
                "{token_type} {access_token}"
            ]
        ),
        format!("Authorization: Bearer {TOKEN}\n")
    );
}

#[test]
fn the_curl_format_survives_a_real_shell() {
    let server = serve(&format!(r#"{{"access_token":"{TOKEN}"}}"#));
    let out = output(
        &server,
        &[
            "-f",
            "curl",
            "--header-pattern",
            "a'b \"c\" $HOME `x` {access_token}",
        ],
    );
    let echoed = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("printf '%s|' {}", out.trim_end()))
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&echoed.stdout),
        format!("-H|Authorization: a'b \"c\" $HOME `x` {TOKEN}|")
    );
}
