//! Where the token goes next: `-f env` for `eval`, `-f k8s` for kubectl's exec
//! plugin, and `tokn exec` (SPEC part 2, "Integrations").

use std::os::unix::process::ExitStatusExt;

use httpmock::prelude::*;
use serde_json::{Value, json};

use crate::util::{
    SECRET, TOKEN, TempDir, assert_no_leak, run, std_tokn, token_json, tokn, tokn_for,
};

const NOW: &str = "1700000000";

fn serve(body: &str) -> MockServer {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST);
        then.status(200)
            .header("content-type", "application/json")
            .body(body);
    });
    server
}

// ---------------------------------------------------------------------------
// -f env
// ---------------------------------------------------------------------------

/// `eval "$OUTPUT"` in a real sh, then the three variables as sh sees them.
fn eval_in_sh(output: &str) -> String {
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            r#"eval "$1" && printf '%s|%s|%s' "$TOKN_ACCESS_TOKEN" "$TOKN_TOKEN_TYPE" "${TOKN_EXPIRES_AT-unset}""#,
            "sh",
            output,
        ])
        .env_clear()
        .output()
        .expect("sh runs");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn env_output_evals_to_the_exact_token() {
    for token in [
        TOKEN,
        r#"it's a "token" with $HOME, $(id), `id` and  spaces "#,
        r"back\slash'';&|<>*?~#!{}[]%\n",
    ] {
        let server = serve(
            &json!({"access_token": token, "token_type": "bearer", "expires_in": 60}).to_string(),
        );
        let tmp = TempDir::new();
        let out = run(tokn_for(&tmp, &server.url("/t"))
            .args(["-f", "env"])
            .env("TOKN_TEST_NOW", NOW));
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(out.stderr, "");
        assert_eq!(out.stdout.lines().count(), 3, "{}", out.stdout);
        assert!(
            out.stdout
                .ends_with("\nexport TOKN_EXPIRES_AT=1700000060\n")
        );
        assert_eq!(
            eval_in_sh(&out.stdout),
            format!("{token}|Bearer|1700000060")
        );
    }
}

#[test]
fn env_output_without_a_lifetime_has_no_expiry() {
    let server = serve(&format!(
        r#"{{"access_token":"{TOKEN}","token_type":"DPoP"}}"#
    ));
    let tmp = TempDir::new();
    let out = run(tokn_for(&tmp, &server.url("/t")).env("TOKN_FORMAT", "env"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("export TOKN_ACCESS_TOKEN='{TOKEN}'\nexport TOKN_TOKEN_TYPE='DPoP'\n")
    );
    assert_eq!(eval_in_sh(&out.stdout), format!("{TOKEN}|DPoP|unset"));
}

// ---------------------------------------------------------------------------
// -f k8s
// ---------------------------------------------------------------------------

fn k8s(server: &MockServer, exec_info: Option<&str>) -> crate::util::Run {
    let tmp = TempDir::new();
    let mut cmd = tokn_for(&tmp, &server.url("/t"));
    cmd.args(["-f", "k8s"]).env("TOKN_TEST_NOW", NOW);
    if let Some(info) = exec_info {
        cmd.env("KUBERNETES_EXEC_INFO", info);
    }
    run(&mut cmd)
}

fn exec_credential(out: &crate::util::Run) -> Value {
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    assert!(
        out.stdout.ends_with("}\n") && out.stdout.matches('\n').count() == 1,
        "{:?}",
        out.stdout
    );
    serde_json::from_str(&out.stdout).expect("one JSON object")
}

#[test]
fn k8s_is_an_exec_credential_with_an_rfc3339_expiry() {
    let server = serve(&token_json(3600));
    assert_eq!(
        exec_credential(&k8s(&server, None)),
        json!({
            "apiVersion": "client.authentication.k8s.io/v1",
            "kind": "ExecCredential",
            "status": {"token": TOKEN, "expirationTimestamp": "2023-11-14T23:13:20Z"},
        })
    );
    let v1 = r#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}"#;
    assert_eq!(
        exec_credential(&k8s(&server, Some(v1)))["apiVersion"],
        "client.authentication.k8s.io/v1"
    );
}

#[test]
fn k8s_answers_v1beta1_when_kubectl_asks_for_it() {
    let server = serve(&token_json(60));
    let info = r#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":true}}"#;
    assert_eq!(
        exec_credential(&k8s(&server, Some(info))),
        json!({
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "kind": "ExecCredential",
            "status": {"token": TOKEN, "expirationTimestamp": "2023-11-14T22:14:20Z"},
        })
    );
}

#[test]
fn k8s_without_a_lifetime_has_no_timestamp() {
    let server = serve(&format!(r#"{{"access_token":"{TOKEN}"}}"#));
    assert_eq!(
        exec_credential(&k8s(&server, None)),
        json!({
            "apiVersion": "client.authentication.k8s.io/v1",
            "kind": "ExecCredential",
            "status": {"token": TOKEN},
        })
    );
}

#[test]
fn k8s_refuses_an_api_version_it_cannot_answer_before_sending() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200).body(token_json(60));
    });
    for info in [
        r#"{"apiVersion":"client.authentication.k8s.io/v1alpha1"}"#,
        "not json",
    ] {
        let out = k8s(&server, Some(info));
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert_eq!(out.stdout, "");
        assert!(
            out.stderr.starts_with("tokn: error: KUBERNETES_EXEC_INFO"),
            "{}",
            out.stderr
        );
    }
    mock.assert_calls(0);
}

// ---------------------------------------------------------------------------
// tokn exec
// ---------------------------------------------------------------------------

/// `tokn exec` with the usual client options against `url`, secret from the env.
fn exec(tmp: &TempDir, url: &str) -> assert_cmd::Command {
    let mut cmd = tokn(tmp);
    cmd.args(["exec", "-u", url, "-i", "my-client", "--retry", "0"])
        .env("TOKN_CLIENT_SECRET", SECRET);
    cmd
}

/// `tokn exec … -- sh -c SCRIPT` against a server that hands out TOKEN.
fn exec_sh(server: &MockServer, tmp: &TempDir, extra: &[&str], script: &str) -> crate::util::Run {
    run(exec(tmp, &server.url("/t"))
        .args(extra)
        .args(["--", "sh", "-c", script, "sh"]))
}

#[test]
fn exec_passes_the_exit_status_through() {
    let server = serve(&token_json(600));
    let tmp = TempDir::new();
    for code in [0, 3, 42] {
        let out = exec_sh(&server, &tmp, &[], &format!("exit {code}"));
        assert_eq!(out.code, code, "{}", out.stderr);
        assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
    }
}

#[test]
fn exec_replaces_tokn_so_a_signal_ends_the_command_itself() {
    let server = serve(&token_json(600));
    let tmp = TempDir::new();
    let status = std_tokn(&tmp)
        .args(["exec", "-u", &server.url("/t"), "-i", "my-client", "--"])
        .args(["sh", "-c", "kill -TERM $$"])
        .env("TOKN_CLIENT_SECRET", SECRET)
        .status()
        .unwrap();
    assert_eq!(status.signal(), Some(15), "{status:?}");
    // The process that was tokn is the command: its PID, its parent.
    let out = std_tokn(&tmp)
        .args(["exec", "-u", &server.url("/t"), "-i", "my-client", "--"])
        .args(["sh", "-c", "echo $$ $PPID"])
        .env("TOKN_CLIENT_SECRET", SECRET)
        .output()
        .unwrap();
    let ids = String::from_utf8(out.stdout).unwrap();
    let ids: Vec<&str> = ids.split_whitespace().collect();
    assert_eq!(ids[1], std::process::id().to_string(), "{ids:?}");
    // A shell reports the signal as 128 + 15.
    let bin = assert_cmd::cargo::cargo_bin!("tokn");
    let shell = std::process::Command::new("sh")
        .args([
            "-c",
            r#""$0" exec -- sh -c 'kill -TERM $$'; echo "status $?""#,
        ])
        .arg(bin)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TOKN_CACHE_DIR", tmp.path().join("cache"))
        .env("TOKN_TOKEN_URL", server.url("/t"))
        .env("TOKN_CLIENT_ID", "my-client")
        .env("TOKN_CLIENT_SECRET", SECRET)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&shell.stdout), "status 143\n");
}

#[test]
fn exec_sets_the_variable_and_not_the_secret() {
    let server = serve(&token_json(600));
    let tmp = TempDir::new();
    let out = run(exec(&tmp, &server.url("/t"))
        .env("TOKN_PASSWORD", "pw-canary-1")
        .env("TOKN_REFRESH_TOKEN", "rt-canary-2")
        .env("TOKN_SCOPE", "kept")
        .args(["--", "sh", "-c"])
        .arg(r#"printf '%s|%s|%s' "$TOKN_ACCESS_TOKEN" "${TOKN_CLIENT_SECRET-no secret}" "$TOKN_SCOPE"; env"#));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with(&format!("{TOKEN}|no secret|kept")),
        "{}",
        out.stdout
    );
    for canary in [SECRET, "pw-canary-1", "rt-canary-2"] {
        assert!(!out.stdout.contains(canary), "{}", out.stdout);
    }
    let out = exec_sh(
        &server,
        &tmp,
        &["--env-var", "API_TOKEN"],
        r#"printf '%s|%s' "$API_TOKEN" "${TOKN_ACCESS_TOKEN-unset}""#,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{TOKEN}|unset"));
    assert_no_leak(&out.stderr, "exec stderr");
}

#[test]
fn exec_arguments_after_the_separator_are_the_commands() {
    let server = serve(&token_json(600));
    let tmp = TempDir::new();
    let out = run(exec(&tmp, &server.url("/t")).args([
        "-s",
        "read",
        "--",
        "printf",
        "%s,",
        "-v",
        "--env-var",
        "--",
        "a b",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "-v,--env-var,--,a b,");
    assert_eq!(out.stderr, "");
}

#[test]
fn exec_uses_the_cache() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(POST);
        then.status(200).body(token_json(600));
    });
    let tmp = TempDir::new();
    for _ in 0..2 {
        let out = exec_sh(&server, &tmp, &[], r#"printf %s "$TOKN_ACCESS_TOKEN""#);
        assert_eq!(out.stdout, TOKEN, "{}", out.stderr);
    }
    mock.assert_calls(1);
}

#[test]
fn exec_streams_reach_the_command() {
    let server = serve(&token_json(600));
    let tmp = TempDir::new();
    let out = run(exec(&tmp, &server.url("/t"))
        .args(["--", "sh", "-c", "tr a-z A-Z; echo to-stderr >&2"])
        .write_stdin("from stdin\nline two\n"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "FROM STDIN\nLINE TWO\n");
    assert_eq!(out.stderr, "to-stderr\n");
}

#[test]
fn exec_of_a_missing_command_is_exit_2() {
    let server = serve(&token_json(600));
    let tmp = TempDir::new();
    for missing in ["tokn-no-such-command-8d1f", "/nonexistent/dir/cmd"] {
        let out = run(exec(&tmp, &server.url("/t")).args(["--", missing, "x"]));
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr.starts_with(&format!(
                "tokn: error: cannot start the command '{missing}'"
            )),
            "{}",
            out.stderr
        );
        assert_no_leak(&out.stderr, "exec stderr");
    }
    let not_executable = tmp.file("script.sh", b"#!/bin/sh\necho hi\n", 0o644);
    let out = run(exec(&tmp, &server.url("/t")).arg("--").arg(&not_executable));
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn exec_without_a_token_never_runs_the_command() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST);
        then.status(401)
            .header("content-type", "application/json")
            .body(r#"{"error":"invalid_client"}"#);
    });
    let tmp = TempDir::new();
    let marker = tmp.path().join("ran");
    let script = format!("touch '{}'", marker.display());
    let out = exec_sh(&server, &tmp, &["--auth", "basic"], &script);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("invalid_client"), "{}", out.stderr);
    assert!(!marker.exists(), "the command ran");
    // Unreachable: tokn's exit 3.
    let out = run(exec(&tmp, "http://127.0.0.1:1/t").args(["--", "sh", "-c", &script]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(!marker.exists(), "the command ran");
}

#[test]
fn exec_usage_errors() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200).body(token_json(60));
    });
    let tmp = TempDir::new();
    let cases: [&[&str]; 4] = [
        &[],
        &["true"],
        &["--env-var", "NOT-A-NAME", "--", "true"],
        &["--env-var", "", "--", "true"],
    ];
    for args in cases {
        let out = run(exec(&tmp, &server.url("/t")).args(args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.starts_with("tokn: error: "), "{}", out.stderr);
    }
    mock.assert_calls(0);
}
