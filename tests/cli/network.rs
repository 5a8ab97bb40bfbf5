//! Transport rules: timeouts, redirects, plain http, what a URL may say, what
//! a request head may hold, a closed stdout. Proxies are in `proxy.rs`.

use std::net::TcpListener;
use std::process::Stdio;
use std::time::{Duration, Instant};

use httpmock::prelude::*;

use crate::util::{
    SECRET, TempDir, assert_no_leak, free_port, run, std_tokn, token_json, tokn, tokn_for,
};

#[test]
fn a_server_that_never_answers_is_a_network_error_within_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/token", listener.local_addr().unwrap());
    let held = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        std::thread::sleep(Duration::from_secs(4));
        drop(stream);
    });
    let tmp = TempDir::new();
    let started = Instant::now();
    let out = run(tokn_for(&tmp, &url).args(["--timeout", "1"]));
    let took = started.elapsed();
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("no answer within the timeout of 1 s"),
        "{}",
        out.stderr
    );
    assert!(took < Duration::from_secs(3), "took {took:?}");
    held.join().unwrap();
}

#[test]
fn a_refused_connection_is_a_network_error() {
    let port = free_port();
    let tmp = TempDir::new();
    let out = run(&mut tokn_for(
        &tmp,
        &format!("http://127.0.0.1:{port}/token"),
    ));
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.starts_with("tokn: error: connection refused"),
        "{}",
        out.stderr
    );
}

#[test]
fn redirects_are_never_followed() {
    let target = MockServer::start();
    let target_mock = target.mock(|when, then| {
        when.any_request();
        then.status(200).body(token_json(60));
    });
    for status in [301, 302, 303, 307, 308] {
        let server = MockServer::start();
        server.mock(|when, then| {
            when.any_request();
            then.status(status).header("location", target.url("/steal"));
        });
        let tmp = TempDir::new();
        let out = run(&mut tokn_for(&tmp, &server.url("/token")));
        assert_eq!(out.code, 5, "{status}: {}", out.stderr);
        assert_eq!(out.stdout, "");
        assert!(out.stderr.contains("redirect"), "{}", out.stderr);
        assert!(out.stderr.contains(&target.url("/steal")), "{}", out.stderr);
    }
    target_mock.assert_calls(0);
}

#[test]
fn plain_http_to_another_host_is_refused_before_anything_is_sent() {
    let tmp = TempDir::new();
    let out = run(&mut tokn_for(&tmp, "http://idp.example.test/token"));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--allow-http"), "{}", out.stderr);
    for host in ["localhost", "127.0.0.2", "[::1]"] {
        // Loopback is allowed: the request is made (and refused: nothing listens on port 9).
        let out = run(&mut tokn_for(&tmp, &format!("http://{host}:9/token")));
        assert_eq!(out.code, 3, "{host}: {}", out.stderr);
    }
}

fn token_server() -> MockServer {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.any_request();
        then.status(200).body(token_json(60));
    });
    server
}

#[test]
fn a_closed_stdout_ends_quietly_with_exit_0() {
    let server = token_server();
    let tmp = TempDir::new();
    let mut child = std_tokn(&tmp)
        .args(["-u", &server.url("/t"), "-i", "my-client"])
        .env("TOKN_CLIENT_SECRET", SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert!(!String::from_utf8_lossy(&out.stderr).contains(SECRET));
}

/// A listener that counts the connections made to it, for "nothing was sent".
struct Untouched(TcpListener);

impl Untouched {
    fn new() -> Untouched {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        Untouched(listener)
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.0.local_addr().unwrap())
    }

    fn assert_untouched(&self) {
        assert!(self.0.accept().is_err(), "a connection was made");
    }
}

#[test]
fn a_port_out_of_range_or_a_missing_host_is_a_usage_error() {
    let tmp = TempDir::new();
    for url in [
        "http://127.0.0.1:99999/token",
        "http://127.0.0.1:65536/token",
        "https://127.0.0.1:70000/",
        "http://127.0.0.1:0/token",
        "http://[::1]:99999/token",
        "http:///token",
        "https://:443/token",
    ] {
        let out = run(&mut tokn_for(&tmp, url));
        assert_eq!(out.code, 2, "{url}: {}", out.stderr);
        assert!(
            out.stderr.contains("is not a number from 1 to 65535")
                || out.stderr.contains("not valid"),
            "{url}: {}",
            out.stderr
        );
    }
}

#[test]
fn credentials_in_an_invalid_url_are_never_echoed() {
    let tmp = TempDir::new();
    for url in [
        "https://id:PASSWD-71f@/token",
        "ftp://id:PASSWD-71f@idp.example.test/token",
        "https://id:PASSWD 71f@idp.example.test/token",
        "https://id:PASSWD/71f@idp.example.test/token",
        "https://id:PASSWD-71f@idp.example.test:99999/token",
        "https://id:PASSWD-71f@idp.example.test/token",
    ] {
        let out = run(&mut tokn_for(&tmp, url));
        assert_eq!(out.code, 2, "{url}: {}", out.stderr);
        assert!(!out.stderr.contains("PASSWD"), "{url}: {}", out.stderr);
        assert!(!out.stderr.contains("71f"), "{url}: {}", out.stderr);
    }
}

#[test]
fn a_request_head_over_16_kib_is_a_usage_error_and_is_not_sent() {
    let tmp = TempDir::new();
    let long = "a".repeat(20_000);
    let server = Untouched::new();
    let header = format!("X-Big: {long}");
    let cases = [
        (
            server.url("/token"),
            vec!["-i", "c", "-H", header.as_str()],
            "-H",
        ),
        (server.url(&format!("/{long}")), vec!["-i", "c"], "URL"),
        (
            server.url("/token"),
            vec!["-i", long.as_str(), "--auth", "basic"],
            "client ID",
        ),
        (
            server.url("/token"),
            vec!["-i", long.as_str()],
            "client ID with auto",
        ),
    ];
    for (url, args, case) in cases {
        let out = run(tokn(&tmp)
            .args(["-u", url.as_str(), "--no-cache"])
            .args(&args)
            .env("TOKN_CLIENT_SECRET", SECRET));
        assert_eq!(out.code, 2, "{case}: {}", out.stderr);
        assert!(
            out.stderr.contains("tokn sends at most 16 KiB"),
            "{case}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains(&long), "{case}: the value was echoed");
        assert_no_leak(&out.stderr, case);
    }
    server.assert_untouched();
    // A large head that fits is sent.
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200).body(token_json(60));
    });
    let header = format!("X-Big: {}", "b".repeat(12_000));
    let out = run(tokn_for(&tmp, &server.url("/token")).args(["--no-cache", "-H", &header]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    mock.assert_calls(1);
}

#[test]
fn headers_that_frame_the_request_cannot_be_set_with_h() {
    let tmp = TempDir::new();
    let server = Untouched::new();
    for header in [
        "Content-Length: abc",
        "content-length: 5",
        "Host: elsewhere.example.test",
        "Transfer-Encoding: chunked",
    ] {
        let out = run(tokn_for(&tmp, &server.url("/token")).args(["-H", header]));
        assert_eq!(out.code, 2, "{header}: {}", out.stderr);
        assert!(out.stderr.contains("cannot be set"), "{}", out.stderr);
    }
    server.assert_untouched();
}
