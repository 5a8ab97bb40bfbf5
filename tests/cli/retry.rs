//! `--retry N`: HTTP 429, 502, 503 and 504 and a reset connection are retried,
//! after 0.5 s, 1 s, 2 s … or the server's `Retry-After`, never past `--timeout`;
//! nothing else is. The number of requests the server saw is the proof.
//!
//! httpmock answers the status sequences: a mock limited with `up_to_n_times`
//! answers first, then the next one takes over. A reset connection needs a
//! socket-level server ([`Server`] from the hostile tests): closing a connection
//! whose request was never read makes Linux send a reset instead of a FIN.

use std::thread;
use std::time::{Duration, Instant, SystemTime};

use assert_cmd::Command;
use httpmock::prelude::*;

use crate::hostile::{Server, http_answer, read_request};
use crate::util::{Run, SECRET, TOKEN, TempDir, free_port, run, token_json, tokn};

/// tokn against `url` with the secret from the env and no `--retry`, so that
/// each test says how many retries it wants (or takes the default of 2).
fn client(dir: &TempDir, url: &str) -> Command {
    let mut cmd = tokn(dir);
    cmd.args(["-u", url, "-i", "my-client", "--auth", "post", "--no-cache"])
        .env("TOKN_CLIENT_SECRET", SECRET);
    cmd
}

fn timed(cmd: &mut Command) -> (Run, Duration) {
    let started = Instant::now();
    let out = run(cmd);
    (out, started.elapsed())
}

/// A mock that answers `status` (with these headers) to the first `times` requests.
fn failing<'a>(
    server: &'a MockServer,
    status: u16,
    headers: &[(&str, &str)],
    times: usize,
) -> httpmock::Mock<'a> {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mock = server.mock(|when, then| {
        when.method(POST).path("/token");
        let mut then = then
            .status(status)
            .header("content-type", "application/json");
        for (name, value) in headers {
            then = then.header(name, value);
        }
        then.body(r#"{"error":"temporarily_unavailable"}"#);
    });
    mock.up_to_n_times(times);
    mock
}

fn succeeding(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(200)
            .header("content-type", "application/json")
            .body(token_json(3600));
    })
}

#[test]
fn two_503s_then_a_token_take_three_requests_and_the_backoff() {
    let server = MockServer::start();
    let failed = failing(&server, 503, &[], 2);
    let ok = succeeding(&server);
    let dir = TempDir::new();
    let (out, took) = timed(client(&dir, &server.url("/token")).arg("-v"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{TOKEN}\n"));
    failed.assert_calls(2);
    ok.assert_calls(1);
    assert!(
        out.stderr
            .contains("* retry 1 of 2 in 0.5 s after HTTP 503"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("* retry 2 of 2 in 1.0 s after HTTP 503"),
        "{}",
        out.stderr
    );
    assert!(took >= Duration::from_millis(1500), "waited only {took:?}");
}

#[test]
fn each_transient_status_is_retried() {
    for status in [429, 502, 503, 504] {
        let server = MockServer::start();
        let failed = failing(&server, status, &[], 1);
        let ok = succeeding(&server);
        let dir = TempDir::new();
        let out = run(client(&dir, &server.url("/token")).args(["--retry", "1", "-v"]));
        assert_eq!(out.code, 0, "{status}: {}", out.stderr);
        failed.assert_calls(1);
        ok.assert_calls(1);
        assert!(
            out.stderr.contains(&format!("after HTTP {status}")),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn retry_after_in_seconds_is_obeyed() {
    let server = MockServer::start();
    let failed = failing(&server, 429, &[("Retry-After", "1")], 1);
    let ok = succeeding(&server);
    let dir = TempDir::new();
    let (out, took) = timed(client(&dir, &server.url("/token")).arg("-v"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    failed.assert_calls(1);
    ok.assert_calls(1);
    assert!(
        out.stderr
            .contains("* retry 1 of 2 in 1.0 s after HTTP 429"),
        "{}",
        out.stderr
    );
    assert!(took >= Duration::from_secs(1), "waited only {took:?}");
}

#[test]
fn retry_after_as_an_http_date_is_obeyed() {
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let server = MockServer::start();
    let failed = failing(&server, 503, &[("Retry-After", &at)], 1);
    let ok = succeeding(&server);
    let dir = TempDir::new();
    let (out, took) = timed(client(&dir, &server.url("/token")).arg("-v"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    failed.assert_calls(1);
    ok.assert_calls(1);
    // The date has whole seconds: the wait is between 1 and 2 s.
    assert!(took >= Duration::from_millis(900), "waited only {took:?}");
}

#[test]
fn other_client_and_server_errors_are_not_retried() {
    for (status, code) in [(400, 4), (401, 4), (403, 4), (404, 4), (500, 5), (501, 5)] {
        let server = MockServer::start();
        let failed = failing(&server, status, &[], 100);
        let dir = TempDir::new();
        let (out, took) = timed(client(&dir, &server.url("/token")).args(["--retry", "3", "-v"]));
        assert_eq!(out.code, code, "{status}: {}", out.stderr);
        failed.assert_calls(1);
        assert!(!out.stderr.contains("retry"), "{status}: {}", out.stderr);
        // Three retries would wait 0.5 + 1 + 2 s.
        assert!(took < Duration::from_secs(2), "{status} waited {took:?}");
    }
}

#[test]
fn the_auto_fallback_is_not_a_retry() {
    // auto: Basic, then the body once; each attempt gets its own retries, none here.
    let server = MockServer::start();
    let failed = failing(&server, 400, &[], 100);
    let dir = TempDir::new();
    let mut cmd = tokn(&dir);
    cmd.args(["-u", &server.url("/token"), "-i", "my-client", "--no-cache"])
        .env("TOKN_CLIENT_SECRET", SECRET);
    let out = run(&mut cmd);
    assert_eq!(out.code, 4, "{}", out.stderr);
    failed.assert_calls(2);
}

#[test]
fn the_default_is_two_retries_and_retry_0_turns_them_off() {
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], usize);
    let cases: [Case; 4] = [
        (&[], &[], 3),
        (&["--retry", "0"], &[], 1),
        (&[], &[("TOKN_RETRY", "1")], 2),
        (&["--retry", "0"], &[("TOKN_RETRY", "3")], 1),
    ];
    for (args, env, hits) in cases {
        let server = MockServer::start();
        let failed = failing(&server, 503, &[("Retry-After", "0")], 100);
        let dir = TempDir::new();
        let mut cmd = client(&dir, &server.url("/token"));
        cmd.args(args).envs(env.iter().copied());
        let out = run(&mut cmd);
        assert_eq!(out.code, 5, "{args:?} {env:?}: {}", out.stderr);
        failed.assert_calls(hits);
        assert!(out.stderr.contains("HTTP 503"), "{}", out.stderr);
    }
}

#[test]
fn a_retry_after_past_the_timeout_is_not_waited_for() {
    for (status, code) in [(503, 5), (429, 4)] {
        let server = MockServer::start();
        let failed = failing(&server, status, &[("Retry-After", "30")], 100);
        let dir = TempDir::new();
        let (out, took) = timed(client(&dir, &server.url("/token")).args(["--timeout", "3", "-v"]));
        assert_eq!(out.code, code, "{status}: {}", out.stderr);
        failed.assert_calls(1);
        assert!(
            out.stderr.contains("* not retrying after HTTP")
                && out.stderr.contains("would pass --timeout"),
            "{}",
            out.stderr
        );
        assert!(took < Duration::from_secs(2), "{status}: took {took:?}");
    }
}

#[test]
fn an_absurd_retry_after_is_not_a_crash() {
    for value in [
        "18446744073709551615",
        "99999999999999999999999",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "-1",
        "soon",
    ] {
        let server = MockServer::start();
        let failed = failing(&server, 503, &[("Retry-After", value)], 100);
        let dir = TempDir::new();
        let (out, took) =
            timed(client(&dir, &server.url("/token")).args(["--retry", "1", "--timeout", "5"]));
        assert_eq!(out.code, 5, "Retry-After: {value}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        assert!(failed.calls() <= 2, "Retry-After: {value}");
        assert!(
            took < Duration::from_secs(5),
            "Retry-After: {value}: took {took:?}"
        );
    }
}

#[test]
fn retries_stop_at_the_timeout() {
    let server = MockServer::start();
    let failed = failing(&server, 503, &[], 100);
    let dir = TempDir::new();
    let (out, took) =
        timed(client(&dir, &server.url("/token")).args(["--retry", "10", "--timeout", "2"]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    // Requests at 0 s, 0.5 s and 1.5 s; the next wait of 2 s would pass the timeout.
    failed.assert_calls(3);
    assert!(
        took < Duration::from_millis(2500),
        "took {took:?} with --timeout 2"
    );
}

/// A server whose first `resets` connections are reset, then answers a token.
fn resetting(resets: usize) -> Server {
    Server::start(move |n, mut stream| {
        if n < resets {
            // Let the request arrive, leave it unread, and close: the kernel resets.
            thread::sleep(Duration::from_millis(200));
            drop(stream);
        } else {
            read_request(&mut stream);
            let answer = http_answer(
                "200 OK",
                &["Content-Type: application/json"],
                token_json(3600).as_bytes(),
            );
            let _ = std::io::Write::write_all(&mut stream, &answer);
            crate::hostile::drain(&mut stream);
        }
    })
}

#[test]
fn a_reset_connection_is_retried() {
    let server = resetting(1);
    let dir = TempDir::new();
    let out = run(client(&dir, &server.url()).arg("-v"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{TOKEN}\n"));
    assert_eq!(server.connections(), 2);
    assert!(
        out.stderr.contains("after the connection was reset"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_reset_connection_with_retry_0_is_a_network_error() {
    let server = resetting(5);
    let dir = TempDir::new();
    let out = run(client(&dir, &server.url()).args(["--retry", "0"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("was reset"), "{}", out.stderr);
    assert_eq!(server.connections(), 1);
}

#[test]
fn a_refused_connection_is_not_retried() {
    let port = free_port();
    let dir = TempDir::new();
    let (out, took) =
        timed(client(&dir, &format!("http://127.0.0.1:{port}/token")).args(["--retry", "3", "-v"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("refused"), "{}", out.stderr);
    assert!(!out.stderr.contains("* retry"), "{}", out.stderr);
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn a_tls_failure_is_not_retried() {
    // An https:// URL to a server that answers in plain HTTP: the handshake fails.
    let server = Server::start(|_, mut stream| {
        // The ClientHello is no HTTP request: answer it without reading to its end.
        let _ = std::io::Read::read(&mut stream, &mut [0u8; 512]);
        let _ = std::io::Write::write_all(
            &mut stream,
            &http_answer("400 Bad Request", &[], b"not TLS"),
        );
        let _ = stream.shutdown(std::net::Shutdown::Write);
        crate::hostile::drain(&mut stream);
    });
    let url = server.url().replace("http://", "https://");
    let dir = TempDir::new();
    let (out, took) = timed(client(&dir, &url).args(["--retry", "3", "-v"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("TLS"), "{}", out.stderr);
    assert!(!out.stderr.contains("* retry"), "{}", out.stderr);
    assert_eq!(server.connections(), 1);
    assert!(took < Duration::from_secs(2), "took {took:?}");
}
