//! Transport rules: timeouts, redirects, plain http, proxies, a closed stdout.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use httpmock::prelude::*;

use crate::util::{SECRET, TOKEN, TempDir, run, std_tokn, token_json, tokn_for};

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
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
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

/// A CONNECT proxy on loopback that records what it was asked for and tunnels
/// every request to `upstream`, whatever host the client named.
struct Proxy {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

fn proxy_to(upstream: std::net::SocketAddr) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let log = log.clone();
            std::thread::spawn(move || tunnel(client, upstream, &log));
        }
    });
    Proxy { url, seen }
}

fn tunnel(client: TcpStream, upstream: std::net::SocketAddr, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let end = line == "\r\n";
        head.push(line);
        if end {
            break;
        }
    }
    log.lock().unwrap().push(head[0].trim_end().to_string());
    let mut server = TcpStream::connect(upstream).unwrap();
    let mut client_w = client;
    if head[0].starts_with("CONNECT ") {
        client_w
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .unwrap();
    } else {
        server.write_all(head.concat().as_bytes()).unwrap();
    }
    let mut server_r = server.try_clone().unwrap();
    let pump = std::thread::spawn(move || {
        let _ = std::io::copy(&mut server_r, &mut client_w);
    });
    let buffered = reader.buffer().to_vec();
    let _ = server.write_all(&buffered);
    let mut rest = reader.into_inner();
    let _ = std::io::copy(&mut rest, &mut server);
    let _ = server.shutdown(std::net::Shutdown::Write);
    let _ = pump.join();
    let _ = rest.read(&mut [0u8; 1]);
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
fn the_proxy_for_the_scheme_then_all_proxy_carries_the_request() {
    let server = token_server();
    let tmp = TempDir::new();
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        let proxy = proxy_to(*server.address());
        let out = run(tokn_for(&tmp, "http://idp.example.test/token")
            .args(["--allow-http", "--no-cache"])
            .env(var, &proxy.url)
            .env("HTTPS_PROXY", "http://127.0.0.1:9"));
        assert_eq!(out.code, 0, "{var}: {}", out.stderr);
        assert_eq!(out.stdout, format!("{TOKEN}\n"));
        let seen = proxy.seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 1, "{var}: {seen:?}");
        assert!(seen[0].contains("idp.example.test"), "{var}: {seen:?}");
    }
}

#[test]
fn no_proxy_entries_are_trimmed_and_star_matches_all() {
    let server = token_server();
    let tmp = TempDir::new();
    let url = server.url("/token");
    for no_proxy in ["other.test , 127.0.0.1 ", "*", " .example.org,127.0.0.1"] {
        let proxy = proxy_to(*server.address());
        let out = run(tokn_for(&tmp, &url)
            .arg("--no-cache")
            .env("HTTP_PROXY", &proxy.url)
            .env("NO_PROXY", no_proxy));
        assert_eq!(out.code, 0, "{no_proxy}: {}", out.stderr);
        assert!(
            proxy.seen.lock().unwrap().is_empty(),
            "{no_proxy:?} did not bypass"
        );
    }
    // An entry that does not match leaves the proxy in use.
    let proxy = proxy_to(*server.address());
    let out = run(tokn_for(&tmp, "http://api.example.test/token")
        .args(["--allow-http", "--no-cache"])
        .env("http_proxy", &proxy.url)
        .env(
            "no_proxy",
            "other.example.test, example.org, pi.example.test",
        ));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(proxy.seen.lock().unwrap().len(), 1);
}

#[test]
fn a_proxy_that_is_down_is_a_network_error_that_names_it() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let tmp = TempDir::new();
    let out = run(tokn_for(&tmp, "http://idp.example.test/token")
        .arg("--allow-http")
        .env("HTTP_PROXY", format!("http://127.0.0.1:{port}")));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("proxy"), "{}", out.stderr);
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
