//! Proxies, as curl uses them: absolute form for plain http, CONNECT for https,
//! SOCKS for either; `NO_PROXY`; and proxies that refuse, fail, trickle or are
//! misconfigured, which must end in the SPEC's exit code with a message that
//! names the proxy and never its password.
//!
//! The proxies here are small `std::net` servers on 127.0.0.1 that record what
//! they receive and then forward it, refuse it or misbehave.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine;
use httpmock::prelude::*;

use crate::util::{
    TOKEN, TempDir, assert_no_leak, basic_refused_post_accepted, free_port, run, token_json,
    tokn_for,
};

/// A proxy password no output would contain by chance.
const PASSWORD: &str = "proxy-PASSW0RD-4e1b";

/// No test socket blocks longer than this, whatever happens to the test.
const IO_TIMEOUT: Duration = Duration::from_secs(20);

/// A loopback server that gives each connection to `handler` on its own
/// thread, with a log the handler writes what it saw to.
struct Fake {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Fake {
    fn start<F>(handler: F) -> Fake
    where
        F: Fn(TcpStream, &Mutex<Vec<String>>) + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (log, handler) = (seen.clone(), Arc::new(handler));
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (log, handler) = (log.clone(), handler.clone());
                let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
                let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
                thread::spawn(move || handler(stream, &log));
            }
        });
        Fake { addr, seen }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn url_with_password(&self) -> String {
        format!("http://user:{PASSWORD}@{}", self.addr)
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// One HTTP message: the head up to the blank line, then a `Content-Length`
/// body. `None` when the peer closed first.
fn read_message(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length = head
        .to_ascii_lowercase()
        .lines()
        .find_map(|l| {
            l.strip_prefix("content-length:")
                .map(|v| v.trim().to_string())
        })
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).ok()?;
    Some((head, body))
}

/// Copy both ways until either side closes.
fn pump(client: TcpStream, server: TcpStream) {
    let (mut client_r, mut server_w) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    let up = thread::spawn(move || {
        let _ = std::io::copy(&mut client_r, &mut server_w);
        let _ = server_w.shutdown(Shutdown::Write);
    });
    let (mut server_r, mut client_w) = (server, client);
    let _ = std::io::copy(&mut server_r, &mut client_w);
    let _ = client_w.shutdown(Shutdown::Write);
    let _ = up.join();
}

/// An HTTP proxy in front of `upstream`, whatever host the client names: a
/// request in absolute form is forwarded as it came, one at a time; a CONNECT
/// gets a tunnel. The log holds every head received.
fn http_proxy(upstream: SocketAddr) -> Fake {
    Fake::start(move |mut client, log| {
        while let Some((head, body)) = read_message(&mut client) {
            log.lock().unwrap().push(head.clone());
            let Ok(mut server) = TcpStream::connect(upstream) else {
                return;
            };
            if head.starts_with("CONNECT ") {
                let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                return pump(client, server);
            }
            let _ = server.write_all(head.as_bytes());
            let _ = server.write_all(&body);
            let Some((answer, answer_body)) = read_message(&mut server) else {
                return;
            };
            let _ = client.write_all(answer.as_bytes());
            let _ = client.write_all(&answer_body);
        }
    })
}

/// A proxy that answers the first request of each connection with `answer`,
/// then closes.
fn answering(answer: &'static [u8]) -> Fake {
    Fake::start(move |mut client, log| {
        if let Some((head, _)) = read_message(&mut client) {
            log.lock().unwrap().push(head);
            let _ = client.write_all(answer);
            let _ = client.shutdown(Shutdown::Write);
            let _ = client.read(&mut [0u8; 64]);
        }
    })
}

fn token_server() -> MockServer {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.any_request();
        then.status(200).body(token_json(60));
    });
    server
}

fn first_line(head: &str) -> &str {
    head.lines().next().unwrap_or_default()
}

#[test]
fn plain_http_goes_to_the_proxy_in_absolute_form() {
    let server = token_server();
    let tmp = TempDir::new();
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        let proxy = http_proxy(*server.address());
        let out = run(tokn_for(&tmp, "http://idp.example.test/token")
            .args(["--allow-http", "--no-cache"])
            .env(var, proxy.url())
            .env("HTTPS_PROXY", "http://127.0.0.1:9"));
        assert_eq!(out.code, 0, "{var}: {}", out.stderr);
        assert_eq!(out.stdout, format!("{TOKEN}\n"));
        let seen = proxy.seen();
        assert_eq!(seen.len(), 1, "{var}: {seen:?}");
        assert_eq!(
            first_line(&seen[0]),
            "POST http://idp.example.test/token HTTP/1.1",
            "{var}"
        );
        assert!(
            seen[0]
                .to_ascii_lowercase()
                .contains("\r\nhost: idp.example.test\r\n"),
            "{seen:?}"
        );
    }
}

#[test]
fn the_absolute_form_keeps_the_port_and_the_query() {
    let server = token_server();
    let proxy = http_proxy(*server.address());
    let tmp = TempDir::new();
    let out = run(
        tokn_for(&tmp, "http://idp.example.test:8080/oauth/token?tenant=a")
            .args(["--allow-http", "--no-cache"])
            .env("HTTP_PROXY", proxy.url()),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let seen = proxy.seen();
    assert_eq!(
        first_line(&seen[0]),
        "POST http://idp.example.test:8080/oauth/token?tenant=a HTTP/1.1"
    );
    assert!(
        seen[0]
            .to_ascii_lowercase()
            .contains("\r\nhost: idp.example.test:8080\r\n"),
        "{seen:?}"
    );
}

#[test]
fn both_auto_attempts_go_in_absolute_form_with_the_proxy_credentials() {
    let server = MockServer::start();
    let (refused, accepted) = basic_refused_post_accepted(&server, 60);
    let proxy = http_proxy(*server.address());
    let tmp = TempDir::new();
    let out = run(tokn_for(&tmp, "http://idp.example.test/token")
        .args(["--allow-http", "--no-cache", "-v"])
        .env("HTTP_PROXY", proxy.url_with_password()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    refused.assert_calls(1);
    accepted.assert_calls(1);
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("user:{PASSWORD}"));
    let seen = proxy.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    for head in &seen {
        assert_eq!(
            first_line(head),
            "POST http://idp.example.test/token HTTP/1.1"
        );
        assert!(
            head.to_ascii_lowercase().contains(&format!(
                "\r\nproxy-authorization: basic {}\r\n",
                basic.to_ascii_lowercase()
            )),
            "{head}"
        );
    }
    assert!(!out.stderr.contains(PASSWORD), "{}", out.stderr);
    assert!(!out.stderr.contains(&basic), "{}", out.stderr);
}

#[test]
fn discovery_goes_through_the_proxy_too() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/.well-known/openid-configuration");
        then.status(200)
            .header("content-type", "application/json")
            .body(
                r#"{"issuer":"http://idp.example.test","token_endpoint":"http://idp.example.test/token"}"#,
            );
    });
    server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(200).body(token_json(60));
    });
    let proxy = http_proxy(*server.address());
    let tmp = TempDir::new();
    let out = run(crate::util::tokn(&tmp)
        .args(["--issuer", "http://idp.example.test", "-i", "my-client"])
        .args(["--allow-http", "--no-cache"])
        .env("TOKN_CLIENT_SECRET", crate::util::SECRET)
        .env("HTTP_PROXY", proxy.url_with_password()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let seen = proxy.seen();
    let lines: Vec<&str> = seen.iter().map(|h| first_line(h)).collect();
    assert_eq!(
        lines,
        [
            "GET http://idp.example.test/.well-known/openid-configuration HTTP/1.1",
            "POST http://idp.example.test/token HTTP/1.1"
        ]
    );
    assert!(
        seen[0]
            .to_ascii_lowercase()
            .contains("\r\nproxy-authorization: basic "),
        "{}",
        seen[0]
    );
}

#[test]
fn https_goes_through_a_connect_tunnel() {
    let proxy = answering(b"HTTP/1.1 200 Connection established\r\n\r\n");
    let tmp = TempDir::new();
    for (url, target) in [
        ("https://idp.example.test/token", "idp.example.test:443"),
        (
            "https://idp.example.test:8443/token",
            "idp.example.test:8443",
        ),
    ] {
        let out = run(tokn_for(&tmp, url)
            .args(["--no-cache", "--timeout", "5"])
            .env("HTTPS_PROXY", proxy.url()));
        // The fake proxy closes the tunnel: TLS cannot start.
        assert_eq!(out.code, 3, "{}", out.stderr);
        let seen = proxy.seen();
        assert_eq!(
            first_line(seen.last().unwrap()),
            format!("CONNECT {target} HTTP/1.1")
        );
    }
}

#[test]
fn no_proxy_entries_are_trimmed_and_star_matches_all() {
    let server = token_server();
    let tmp = TempDir::new();
    let url = server.url("/token");
    for no_proxy in ["other.test , 127.0.0.1 ", "*", " .example.org,127.0.0.1"] {
        let proxy = http_proxy(*server.address());
        let out = run(tokn_for(&tmp, &url)
            .arg("--no-cache")
            .env("HTTP_PROXY", proxy.url())
            .env("NO_PROXY", no_proxy));
        assert_eq!(out.code, 0, "{no_proxy}: {}", out.stderr);
        assert!(proxy.seen().is_empty(), "{no_proxy:?} did not bypass");
    }
    // An entry that does not match leaves the proxy in use.
    let proxy = http_proxy(*server.address());
    let out = run(tokn_for(&tmp, "http://api.example.test/token")
        .args(["--allow-http", "--no-cache"])
        .env("http_proxy", proxy.url())
        .env(
            "no_proxy",
            "other.example.test, example.org, pi.example.test",
        ));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(proxy.seen().len(), 1);
}

fn assert_password_hidden(stderr: &str, context: &str) {
    assert!(!stderr.contains(PASSWORD), "{context}: {stderr}");
    assert!(!stderr.contains("PASSW0RD"), "{context}: {stderr}");
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("user:{PASSWORD}"));
    assert!(!stderr.contains(&basic), "{context}: {stderr}");
    assert_no_leak(stderr, context);
}

#[test]
fn a_proxy_that_is_down_is_a_network_error_that_names_it_and_not_its_password() {
    let port = free_port();
    let tmp = TempDir::new();
    for (var, url) in [
        ("HTTP_PROXY", "http://idp.example.test/token"),
        ("HTTPS_PROXY", "https://idp.example.test/token"),
        ("ALL_PROXY", "https://idp.example.test/token"),
    ] {
        for password in [PASSWORD.to_string(), format!("{PASSWORD} x%2F")] {
            let out = run(tokn_for(&tmp, url)
                .args(["--allow-http", "-v"])
                .env(var, format!("http://user:{password}@127.0.0.1:{port}")));
            assert_eq!(out.code, 3, "{var}: {}", out.stderr);
            assert!(
                out.stderr
                    .contains(&format!("the proxy http://127.0.0.1:{port} (from {var})")),
                "{}",
                out.stderr
            );
            assert_password_hidden(&out.stderr, var);
        }
    }
}

#[test]
fn proxy_refusals_are_network_errors_that_name_the_proxy_and_not_its_password() {
    let tmp = TempDir::new();
    for (answer, status) in [
        (
            &b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n"[..],
            "HTTP 407",
        ),
        (&b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"[..], "HTTP 403"),
    ] {
        let proxy = answering(answer);
        let out = run(tokn_for(&tmp, "https://idp.example.test/token")
            .args(["-v"])
            .env("HTTPS_PROXY", proxy.url_with_password()));
        assert_eq!(out.code, 3, "{}", out.stderr);
        assert!(out.stderr.contains(status), "{}", out.stderr);
        assert!(
            out.stderr.contains(&format!("the proxy {}", proxy.url())),
            "{}",
            out.stderr
        );
        assert_password_hidden(&out.stderr, status);
    }
    // Plain http: the proxy's own 407 comes back as the answer to the request.
    let proxy =
        answering(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
    let out = run(tokn_for(&tmp, "http://idp.example.test/token")
        .arg("--allow-http")
        .env("HTTP_PROXY", proxy.url()));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("HTTP 407"), "{}", out.stderr);
    assert!(out.stderr.contains("USER:PASSWORD@"), "{}", out.stderr);
}

#[test]
fn garbage_or_too_many_headers_from_the_proxy_is_a_network_error_that_names_it() {
    let many: &'static [u8] = Box::leak(
        format!(
            "HTTP/1.1 200 Connection established\r\n{}\r\n",
            (0..40)
                .map(|i| format!("X-H{i}: v\r\n"))
                .collect::<String>()
        )
        .into_bytes()
        .into_boxed_slice(),
    );
    let tmp = TempDir::new();
    for answer in [&b"garbage\r\n\r\n"[..], many, b"HTTP/1.1 200\r\n"] {
        let proxy = answering(answer);
        let out = run(tokn_for(&tmp, "https://idp.example.test/token")
            .args(["--timeout", "5"])
            .env("HTTPS_PROXY", proxy.url_with_password()));
        assert_eq!(out.code, 3, "{}", out.stderr);
        assert!(
            out.stderr.contains(&format!("the proxy {}", proxy.url())),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains("token endpoint"), "{}", out.stderr);
        assert_password_hidden(&out.stderr, "garbage");
    }
}

#[test]
fn a_proxy_that_trickles_its_connect_answer_is_stopped_at_the_timeout() {
    let proxy = Fake::start(|mut client, _| {
        if read_message(&mut client).is_none() {
            return;
        }
        // One byte every 0.2 s, for 15 s at most: a regression fails the
        // test rather than hanging it.
        let answer = format!(
            "HTTP/1.1 200 Connection established\r\nX: {}",
            "y".repeat(35)
        );
        for byte in answer.bytes() {
            if client.write_all(&[byte]).is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(200));
        }
    });
    let tmp = TempDir::new();
    let started = Instant::now();
    let out = run(tokn_for(&tmp, "https://idp.example.test/token")
        .args(["--timeout", "1"])
        .env("HTTPS_PROXY", proxy.url()));
    let took = started.elapsed();
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("timeout of 1 s"), "{}", out.stderr);
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

/// A SOCKS 4, 4a, 5 or 5h proxy that records the target it was asked for
/// (`socks5 idp.example.test:80`, `socks4 127.0.0.1:8080`) and connects to
/// `upstream` whatever it was.
fn socks_proxy(upstream: SocketAddr) -> Fake {
    Fake::start(move |mut client, log| {
        let mut version = [0u8; 1];
        if client.read_exact(&mut version).is_err() {
            return;
        }
        let target = match version[0] {
            4 => socks4_handshake(&mut client),
            5 => socks5_handshake(&mut client),
            _ => None,
        };
        let Some(target) = target else {
            return;
        };
        log.lock().unwrap().push(target);
        if let Ok(server) = TcpStream::connect(upstream) {
            let reply: &[u8] = if version[0] == 4 {
                &[0, 90, 0, 0, 0, 0, 0, 0]
            } else {
                &[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]
            };
            if client.write_all(reply).is_ok() {
                pump(client, server);
            }
        }
    })
}

fn read_until_nul(stream: &mut TcpStream) -> Option<String> {
    let mut out = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        stream.read_exact(&mut byte).ok()?;
        if byte[0] == 0 {
            return String::from_utf8(out).ok();
        }
        out.push(byte[0]);
    }
}

fn socks4_handshake(client: &mut TcpStream) -> Option<String> {
    let mut request = [0u8; 7];
    client.read_exact(&mut request).ok()?;
    let port = u16::from_be_bytes([request[1], request[2]]);
    let ip = std::net::Ipv4Addr::new(request[3], request[4], request[5], request[6]);
    read_until_nul(client)?;
    if ip.octets()[..3] == [0, 0, 0] {
        let host = read_until_nul(client)?;
        return Some(format!("socks4a {host}:{port}"));
    }
    Some(format!("socks4 {ip}:{port}"))
}

fn socks5_handshake(client: &mut TcpStream) -> Option<String> {
    let mut count = [0u8; 1];
    client.read_exact(&mut count).ok()?;
    let mut methods = vec![0u8; count[0] as usize];
    client.read_exact(&mut methods).ok()?;
    client.write_all(&[5, 0]).ok()?;
    let mut request = [0u8; 4];
    client.read_exact(&mut request).ok()?;
    let host = match request[3] {
        1 => {
            let mut ip = [0u8; 4];
            client.read_exact(&mut ip).ok()?;
            std::net::Ipv4Addr::from(ip).to_string()
        }
        3 => {
            let mut len = [0u8; 1];
            client.read_exact(&mut len).ok()?;
            let mut name = vec![0u8; len[0] as usize];
            client.read_exact(&mut name).ok()?;
            String::from_utf8(name).ok()?
        }
        _ => return None,
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port).ok()?;
    Some(format!("socks5 {host}:{}", u16::from_be_bytes(port)))
}

#[test]
fn socks_proxies_carry_the_request() {
    let server = token_server();
    let local = format!("http://127.0.0.1:{}/token", server.address().port());
    let tmp = TempDir::new();
    for (var, scheme, url, expected) in [
        (
            "ALL_PROXY",
            "socks5h",
            "http://idp.example.test/token",
            "socks5 idp.example.test:80",
        ),
        (
            "HTTP_PROXY",
            "socks4a",
            "http://idp.example.test/token",
            "socks4a idp.example.test:80",
        ),
        ("all_proxy", "socks5", local.as_str(), "socks5 127.0.0.1:"),
        ("http_proxy", "socks4", local.as_str(), "socks4 127.0.0.1:"),
    ] {
        let proxy = socks_proxy(*server.address());
        let out = run(tokn_for(&tmp, url)
            .args(["--allow-http", "--no-cache"])
            .env(var, format!("{scheme}://{}", proxy.addr)));
        assert_eq!(out.code, 0, "{scheme}: {}", out.stderr);
        assert_eq!(out.stdout, format!("{TOKEN}\n"));
        let seen = proxy.seen();
        assert_eq!(seen.len(), 1, "{scheme}: {seen:?}");
        assert!(seen[0].starts_with(expected), "{scheme}: {seen:?}");
    }
}

#[test]
fn socks_proxies_for_https_never_panic() {
    let server = token_server();
    let tmp = TempDir::new();
    for (var, scheme) in [
        ("ALL_PROXY", "socks5h"),
        ("HTTPS_PROXY", "socks5"),
        ("HTTPS_PROXY", "socks4"),
    ] {
        let proxy = socks_proxy(*server.address());
        let out = run(tokn_for(&tmp, "https://127.0.0.1/token")
            .args(["--timeout", "5"])
            .env(var, format!("{scheme}://{}", proxy.addr)));
        // The tunnel reaches a plain-http server: TLS fails, and that is all.
        assert_eq!(out.code, 3, "{scheme}: {}", out.stderr);
        assert_eq!(
            proxy.seen(),
            [format!("{scheme} 127.0.0.1:443").replace("5h", "5")]
        );
    }
    // Nothing listening at the SOCKS proxy.
    let out = run(tokn_for(&tmp, "https://idp.example.test/token").env(
        "ALL_PROXY",
        format!("socks5h://user:{PASSWORD}@127.0.0.1:{}", free_port()),
    ));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("the proxy socks5h://127.0.0.1:"),
        "{}",
        out.stderr
    );
    assert_password_hidden(&out.stderr, "socks");
}

#[test]
fn unusable_proxy_urls_are_usage_errors_that_hide_the_password() {
    let tmp = TempDir::new();
    for value in [
        format!("ftp://user:{PASSWORD}@127.0.0.1:3128"),
        format!("socks://user:{PASSWORD}@127.0.0.1:1080"),
        format!("http://user:{PASSWORD}@127.0.0.1:99999"),
        format!("http://user:{PASSWORD}@127.0.0.1:0"),
        format!("http://user:{PASSWORD}@:3128"),
        format!("http://user:{PASSWORD}%zz@127.0.0.1:3128"),
    ] {
        let out = run(tokn_for(&tmp, "https://idp.example.test/token").env("HTTPS_PROXY", &value));
        assert_eq!(out.code, 2, "{value}: {}", out.stderr);
        assert!(
            out.stderr
                .starts_with("tokn: error: the proxy URL in HTTPS_PROXY"),
            "{}",
            out.stderr
        );
        assert_password_hidden(&out.stderr, &value);
    }
}

#[test]
fn names_that_do_not_resolve_are_named_as_such() {
    let tmp = TempDir::new();
    let out = run(tokn_for(&tmp, "https://tokn-test.invalid/token").args(["--timeout", "10"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(
            "tokn: error: could not resolve the host of https://tokn-test.invalid/token"
        ),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("TLS"), "{}", out.stderr);
    let out = run(tokn_for(&tmp, "https://idp.example.test/token")
        .args(["--timeout", "10"])
        .env("HTTPS_PROXY", "http://tokn-proxy.invalid:3128"));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(
            "tokn: error: could not resolve the host of the proxy http://tokn-proxy.invalid:3128"
        ),
        "{}",
        out.stderr
    );
}
