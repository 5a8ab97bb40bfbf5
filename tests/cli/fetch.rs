//! The request tokn sends and the answers it accepts: the SPEC's "The request"
//! and "The response" rows, and the option/env precedence.

use base64::Engine;
use httpmock::prelude::*;

use crate::util::{SECRET, TOKEN, TempDir, run, token_json, tokn, tokn_for};

fn basic(id: &str, secret: &str) -> String {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pair = format!("{}:{}", enc(id), enc(secret));
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

#[test]
fn client_credentials_with_basic_auth_and_the_default_headers() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(POST)
            .path("/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .header("user-agent", concat!("tokn/", env!("CARGO_PKG_VERSION")))
            .header("authorization", basic("my-client", SECRET))
            .body("grant_type=client_credentials");
        then.status(200).body(token_json(3600));
    });
    let tmp = TempDir::new();
    tokn_for(&tmp, &server.url("/token"))
        .assert()
        .code(0)
        .stdout(format!("{TOKEN}\n"))
        .stderr("");
    mock.assert_calls(1);
}

#[test]
fn basic_form_urlencodes_the_id_and_secret_first() {
    let secret = "s:e+c%r/e&t x";
    let id = "id with:colon";
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.header("authorization", basic(id, secret));
        then.status(200).body(token_json(60));
    });
    let tmp = TempDir::new();
    tokn(&tmp)
        .args(["-u", &server.url("/t"), "-i", id, "--auth", "basic"])
        .env("TOKN_CLIENT_SECRET", secret)
        .assert()
        .code(0)
        .stdout(format!("{TOKEN}\n"));
    mock.assert_calls(1);
}

#[test]
fn fields_come_in_the_spec_order_with_post_auth() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(POST).header_missing("authorization").body(format!(
            "grant_type=client_credentials&scope=read+write+admin&client_id=my-client\
             &client_secret={SECRET}&audience=https%3A%2F%2Fapi.example.com&resource=a%26b%3Dc&empty="
        ));
        then.status(200).body(token_json(60));
    });
    let tmp = TempDir::new();
    tokn_for(&tmp, &server.url("/token"))
        .args([
            "--auth",
            "client_secret_post",
            "-s",
            "read write",
            "-s",
            "admin read",
        ])
        .args([
            "-d",
            "audience=https://api.example.com",
            "-d",
            "resource=a&b=c",
            "-d",
            "empty=",
        ])
        .assert()
        .code(0)
        .stdout(format!("{TOKEN}\n"));
    mock.assert_calls(1);
}

#[test]
fn a_data_key_may_repeat_and_is_sent_in_order() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.body("grant_type=client_credentials&resource=b&audience=x&resource=a");
        then.status(200).body(token_json(60));
    });
    let tmp = TempDir::new();
    tokn_for(&tmp, &server.url("/token"))
        .args(["-d", "resource=b", "-d", "audience=x", "-d", "resource=a"])
        .assert()
        .code(0);
    mock.assert_calls(1);
}

#[test]
fn auth_none_sends_the_client_id_alone_and_needs_no_secret() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.header_missing("authorization")
            .body("grant_type=client_credentials&client_id=public-app");
        then.status(200).body(token_json(60));
    });
    let tmp = TempDir::new();
    tokn(&tmp)
        .args([
            "-u",
            &server.url("/t"),
            "-i",
            "public-app",
            "--auth",
            "none",
        ])
        .assert()
        .code(0)
        .stdout(format!("{TOKEN}\n"));
    mock.assert_calls(1);
}

#[test]
fn custom_grant_types_and_extra_headers_are_sent_as_given() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.header("x-tenant", "acme: blue")
            .header("accept", "application/jwt")
            .body("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange");
        then.status(200).body(token_json(60));
    });
    let tmp = TempDir::new();
    tokn_for(&tmp, &server.url("/t"))
        .args([
            "--grant-type",
            "urn:ietf:params:oauth:grant-type:token-exchange",
        ])
        .args([
            "-H",
            "X-Tenant: acme: blue",
            "-H",
            "Accept: application/jwt",
        ])
        .assert()
        .code(0);
    mock.assert_calls(1);
}

#[test]
fn auto_falls_back_to_post_once_when_basic_is_refused() {
    let server = MockServer::start();
    let (refused, accepted) = crate::util::basic_refused_post_accepted(&server, 60);
    let tmp = TempDir::new();
    let out = run(tokn_for(&tmp, &server.url("/t")).arg("-v"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{TOKEN}\n"));
    assert!(
        out.stderr.contains("retrying with --auth post"),
        "{}",
        out.stderr
    );
    refused.assert_calls(1);
    accepted.assert_calls(1);
}

#[test]
fn auto_reports_both_answers_when_both_fail() {
    let server = MockServer::start();
    let basic = server.mock(|when, then| {
        when.header_exists("authorization");
        then.status(401)
            .body(r#"{"error":"invalid_client","error_description":"basic said no"}"#);
    });
    let post = server.mock(|when, then| {
        when.header_missing("authorization");
        then.status(400)
            .body(r#"{"error":"invalid_request","error_description":"post said no"}"#);
    });
    let tmp = TempDir::new();
    let out = run(&mut tokn_for(&tmp, &server.url("/t")));
    assert_eq!(out.code, 4);
    assert_eq!(out.stdout, "");
    for expected in [
        "tokn: error: the token endpoint refused the request (HTTP 400 invalid_request)",
        "with --auth basic: HTTP 401 invalid_client",
        "error_description: basic said no",
        "with --auth post: HTTP 400 invalid_request",
        "error_description: post said no",
    ] {
        assert!(
            out.stderr.contains(expected),
            "missing {expected:?} in\n{}",
            out.stderr
        );
    }
    basic.assert_calls(1);
    post.assert_calls(1);
}

#[test]
fn auto_does_not_fall_back_on_a_5xx_or_a_403() {
    for status in [500, 403] {
        let server = MockServer::start();
        let mock = server.mock(|when, then| {
            when.any_request();
            then.status(status).body(r#"{"error":"server_error"}"#);
        });
        let tmp = TempDir::new();
        let out = run(&mut tokn_for(&tmp, &server.url("/t")));
        assert_eq!(
            out.code,
            if status == 500 { 5 } else { 4 },
            "{}",
            out.stderr
        );
        mock.assert_calls(1);
    }
}

#[test]
fn explicit_basic_does_not_fall_back() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(401).body(r#"{"error":"invalid_client"}"#);
    });
    let tmp = TempDir::new();
    let out = run(tokn_for(&tmp, &server.url("/t")).args(["--auth", "basic"]));
    assert_eq!(out.code, 4);
    assert!(
        out.stderr
            .contains("hint: check the client ID and secret, or try --auth post"),
        "{}",
        out.stderr
    );
    mock.assert_calls(1);
}

#[test]
fn answers_real_providers_give_are_accepted() {
    let cases = [
        (
            201,
            "application/json",
            r#"{"access_token":"t1","expires_in":"3599"}"#,
            "t1",
        ),
        (
            200,
            "application/x-www-form-urlencoded",
            "access_token=t2&token_type=bearer&scope=a+b",
            "t2",
        ),
        (200, "text/plain", "access_token=t3&token_type=bearer", "t3"),
        (
            200,
            "application/json",
            r#"{"access_token":"t4","scope":["a","b"],"extra":{"k":1}}"#,
            "t4",
        ),
    ];
    for (status, content_type, body, token) in cases {
        let server = MockServer::start();
        server.mock(|when, then| {
            when.any_request();
            then.status(status)
                .header("content-type", content_type)
                .body(body);
        });
        let tmp = TempDir::new();
        tokn_for(&tmp, &server.url("/t"))
            .assert()
            .code(0)
            .stdout(format!("{token}\n"));
    }
}

#[test]
fn an_error_on_a_200_is_a_refusal() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.any_request();
        then.status(200)
            .body(r#"{"error":"invalid_scope","error_description":"scope x is unknown"}"#);
    });
    let tmp = TempDir::new();
    let out = run(tokn_for(&tmp, &server.url("/t")).args(["--auth", "post"]));
    assert_eq!(out.code, 4);
    assert_eq!(
        out.stderr,
        "tokn: error: the token endpoint refused the request (HTTP 200 invalid_scope)\n  \
         error: invalid_scope\n  error_description: scope x is unknown\n  \
         hint: ask only for scopes the client is allowed (-s)\n"
    );
}

#[test]
fn unusable_answers_exit_5() {
    let big = format!(r#"{{"access_token":"{}"}}"#, "a".repeat(1024 * 1024 + 10));
    let cases: [(u16, &str, &str); 6] = [
        (200, r#"{"token_type":"bearer"}"#, "no access_token"),
        (200, r#"{"access_token":""}"#, "empty"),
        (200, "<html>hi</html>", "neither a JSON object nor a form"),
        (200, &big, "larger than 1 MiB"),
        (502, "bad gateway", "failed (HTTP 502)"),
        (
            503,
            r#"{"error":"temporarily_unavailable","error_description":"later"}"#,
            "error_description: later",
        ),
    ];
    for (status, body, expected) in cases {
        let server = MockServer::start();
        server.mock(|when, then| {
            when.any_request();
            then.status(status).body(body);
        });
        let tmp = TempDir::new();
        let out = run(&mut tokn_for(&tmp, &server.url("/t")));
        assert_eq!(out.code, 5, "{expected}: {}", out.stderr);
        assert_eq!(out.stdout, "");
        assert!(out.stderr.starts_with("tokn: error: "), "{}", out.stderr);
        assert!(
            out.stderr.contains(expected),
            "{expected:?} not in {}",
            out.stderr
        );
    }
}

#[test]
fn error_fields_are_shown_with_control_characters_removed() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.any_request();
        then.status(400).body(
            r#"{"error":"invalid_request","error_description":"bad\u001b[31m red\r\nline","error_uri":"https://idp/doc"}"#,
        );
    });
    let tmp = TempDir::new();
    let out = run(tokn_for(&tmp, &server.url("/t")).args(["--auth", "post"]));
    assert_eq!(out.code, 4);
    assert!(!out.stderr.contains('\u{1b}') && !out.stderr.contains('\r'));
    assert!(
        out.stderr.contains("error_description: bad[31m red line"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("error_uri: https://idp/doc"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_flag_beats_and_replaces_its_environment_variable() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.path("/flag")
            .body("grant_type=client_credentials&scope=from-flag");
        then.status(200).body(token_json(60));
    });
    let tmp = TempDir::new();
    tokn(&tmp)
        .args(["-u", &server.url("/flag"), "-s", "from-flag"])
        .env("TOKN_TOKEN_URL", server.url("/env"))
        .env("TOKN_SCOPE", "from-env")
        .env("TOKN_CLIENT_ID", "my-client")
        .env("TOKN_CLIENT_SECRET", SECRET)
        .env("TOKN_AUTH", "basic")
        .assert()
        .code(0);
    mock.assert_calls(1);
}

#[test]
fn every_option_has_its_environment_variable() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.header("authorization", basic("env-client", SECRET))
            .body("grant_type=custom&scope=a+b");
        then.status(200).body(token_json(60));
    });
    let tmp = TempDir::new();
    tokn(&tmp)
        .env("TOKN_TOKEN_URL", server.url("/t"))
        .env("TOKN_CLIENT_ID", "env-client")
        .env("TOKN_CLIENT_SECRET", SECRET)
        .env("TOKN_SCOPE", "a b")
        .env("TOKN_GRANT_TYPE", "custom")
        .env("TOKN_AUTH", "client_secret_basic")
        .env("TOKN_FORMAT", "header")
        .env("TOKN_TIMEOUT", "5")
        .assert()
        .code(0)
        .stdout(format!("Authorization: Bearer {TOKEN}\n"));
    mock.assert_calls(1);
}

#[test]
fn the_secret_sources_in_order() {
    let server = MockServer::start();
    let tmp = TempDir::new();
    let flag_file = tmp.file("flag.secret", b"from-flag-file\r\n", 0o600);
    let env_file = tmp.file("env.secret", b"from-env-file\n", 0o600);
    let expect = |secret: &str| {
        server.mock(|when, then| {
            when.header("authorization", basic("my-client", secret));
            then.status(200).body(token_json(60));
        })
    };
    let url = server.url("/t");
    let base = || {
        let mut cmd = tokn(&tmp);
        cmd.args([
            "-u",
            &url,
            "-i",
            "my-client",
            "--auth",
            "basic",
            "--no-cache",
        ]);
        cmd
    };

    let m = expect("from-flag");
    base()
        .args(["--client-secret", "from-flag"])
        .arg("--client-secret-file")
        .arg(&flag_file)
        .env("TOKN_CLIENT_SECRET", "from-env")
        .assert()
        .code(0);
    m.assert_calls(1);

    let m = expect("from-flag-file");
    base()
        .arg("--client-secret-file")
        .arg(&flag_file)
        .env("TOKN_CLIENT_SECRET", "from-env")
        .env("TOKN_CLIENT_SECRET_FILE", &env_file)
        .assert()
        .code(0);
    m.assert_calls(1);

    let m = expect("from-env");
    base()
        .env("TOKN_CLIENT_SECRET", "from-env")
        .env("TOKN_CLIENT_SECRET_FILE", &env_file)
        .assert()
        .code(0);
    m.assert_calls(1);

    let m = expect("from-env-file");
    base()
        .env("TOKN_CLIENT_SECRET_FILE", &env_file)
        .assert()
        .code(0);
    m.assert_calls(1);

    let m = expect("from-stdin");
    base()
        .args(["--client-secret-file", "-"])
        .write_stdin("from-stdin\n")
        .assert()
        .code(0);
    m.assert_calls(1);
}

#[test]
fn a_secret_file_others_can_read_gives_a_warning() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.any_request();
        then.status(200).body(token_json(60));
    });
    let tmp = TempDir::new();
    let file = tmp.file("shared.secret", SECRET.as_bytes(), 0o644);
    let out = run(tokn(&tmp)
        .args([
            "-u",
            &server.url("/t"),
            "-i",
            "my-client",
            "--client-secret-file",
        ])
        .arg(&file));
    assert_eq!(out.code, 0);
    assert!(
        out.stderr.starts_with("tokn: warning: the secret file '")
            && out.stderr.contains("shared.secret")
            && out.stderr.contains("0644"),
        "{}",
        out.stderr
    );
    let quiet = run(tokn(&tmp)
        .args([
            "-u",
            &server.url("/t"),
            "-i",
            "my-client",
            "-q",
            "--no-cache",
            "--client-secret-file",
        ])
        .arg(&file));
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""));
}

#[test]
fn verbose_shows_the_exchange_with_secrets_redacted() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.any_request();
        then.status(200)
            .header("content-type", "application/json")
            .body(format!(
                r#"{{"access_token":"{TOKEN}","refresh_token":"refreshCANARY-123456","expires_in":60}}"#
            ));
    });
    let tmp = TempDir::new();
    let url = server.url("/token");
    let out = run(tokn_for(&tmp, &url).args([
        "-v",
        "-s",
        "read",
        "-d",
        "audience=api",
        "-H",
        "X-Api-Key: k3y-value",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{TOKEN}\n"));
    for expected in [
        format!("> POST {url}"),
        "> Authorization: Basic [redacted]".to_string(),
        "> X-Api-Key: [redacted]".to_string(),
        "> form fields: grant_type, scope, audience".to_string(),
        "< HTTP 200 application/json".to_string(),
        format!("\"access_token\":\"{}…\"", &TOKEN[..6]),
        "\"refresh_token\":\"refres…\"".to_string(),
        "* cached the token for 60 s".to_string(),
    ] {
        assert!(
            out.stderr.contains(&expected),
            "missing {expected:?} in\n{}",
            out.stderr
        );
    }
    crate::util::assert_no_leak(&out.stderr, "-v");
    assert!(!out.stderr.contains("refreshCANARY-123456") && !out.stderr.contains("k3y-value"));
}

#[test]
fn the_cacert_env_is_read_like_the_flag() {
    let tmp = TempDir::new();
    let out =
        run(tokn_for(&tmp, "https://127.0.0.1:9/t").env("TOKN_CACERT", "/nonexistent/ca.pem"));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("cannot read the --cacert file '/nonexistent/ca.pem'"),
        "{}",
        out.stderr
    );
}

/// Serve one token answer on a raw socket and hand back the request head as sent.
fn capture_one_request() -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/t", listener.local_addr().expect("addr"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut head = String::new();
        while reader.read_line(&mut head).is_ok_and(|n| n > 2) {}
        let body = token_json(60);
        let mut stream = stream;
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = tx.send(head);
    });
    (url, rx)
}

#[test]
fn two_headers_of_one_name_are_both_sent_and_own_headers_are_replaced() {
    let (url, head) = capture_one_request();
    let tmp = TempDir::new();
    tokn_for(&tmp, &url)
        .args(["-H", "X-Trace: one", "-H", "x-trace: two"])
        .args(["-H", "accept: text/plain"])
        .assert()
        .code(0);
    let head = head
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the request");
    let lower = head.to_ascii_lowercase();
    assert!(lower.contains("x-trace: one\r\n"), "{head}");
    assert!(lower.contains("x-trace: two\r\n"), "{head}");
    assert_eq!(lower.matches("\r\naccept:").count(), 1, "{head}");
    assert!(lower.contains("accept: text/plain\r\n"), "{head}");
}

#[test]
fn a_failed_write_of_the_output_is_exit_2() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.any_request();
        then.status(200).body(token_json(3600));
    });
    let tmp = TempDir::new();
    let to_full = |args: &[&str]| {
        let out = crate::util::std_tokn(&tmp)
            .args(args)
            .env("TOKN_CLIENT_SECRET", SECRET)
            .stdin(std::process::Stdio::null())
            .stdout(std::fs::File::create("/dev/full").expect("/dev/full"))
            .output()
            .expect("tokn runs");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("tokn: error: cannot write the output"),
            "{stderr}"
        );
    };
    to_full(&["-u", &server.url("/t"), "-i", "my-client"]);
    // The token is cached now: `cache list` has a line to write, and fails alike.
    to_full(&["cache", "list"]);
}

#[test]
fn verbose_and_quiet_are_taken_by_every_command() {
    let tmp = TempDir::new();
    for args in [
        &["cache", "clear", "-v"][..],
        &["-v", "cache", "clear"],
        &["cache", "list", "-q"],
        &["-q", "cache", "list"],
    ] {
        let out = run(tokn(&tmp).args(args));
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    let out = run(tokn(&tmp).args(["-u", "http://127.0.0.1:1/t", "cache", "list"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("'cache' cannot be used with '--token-url'"),
        "{}",
        out.stderr
    );
}
