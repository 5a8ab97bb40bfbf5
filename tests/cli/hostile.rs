//! A hostile or broken token endpoint: answers too large, endless or slow, bytes
//! that are not text, escape sequences meant for the terminal, redirects, broken
//! connections and answers that are not HTTP at all.
//!
//! httpmock cannot misbehave at the socket level, so these tests use [`Server`], a
//! small `std::net` server on 127.0.0.1 that hands each connection to the test's
//! own code. Every case must end within `--timeout` with the SPEC's exit code,
//! and tokn's memory must stay bounded whatever the server sends.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::util::{self, SECRET, TempDir, run, tokn_for};

/// No test server lives longer than this, whatever happens to the test.
const SERVER_LIFETIME: Duration = Duration::from_secs(60);
/// No connection handler blocks on a read or a write longer than this.
const IO_TIMEOUT: Duration = Duration::from_secs(20);

/// A loopback server that runs `handler` for each connection, on its own thread,
/// and stops accepting when dropped (or after [`SERVER_LIFETIME`]).
pub struct Server {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// `handler` gets the 0-based number of the connection and the stream.
    pub fn start<F>(handler: F) -> Server
    where
        F: Fn(usize, TcpStream) + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let addr = listener.local_addr().expect("the listener's address");
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let handler = Arc::new(handler);
        let (count, stopped) = (connections.clone(), stop.clone());
        thread::spawn(move || {
            let started = Instant::now();
            while !stopped.load(Ordering::Relaxed) && started.elapsed() < SERVER_LIFETIME {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let n = count.fetch_add(1, Ordering::SeqCst);
                        let handler = handler.clone();
                        thread::spawn(move || {
                            let _ = stream.set_nonblocking(false);
                            let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
                            let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
                            handler(n, stream);
                        });
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            addr,
            connections,
            stop,
        }
    }

    /// A server that answers every request with these bytes, then closes.
    pub fn answering(answer: Vec<u8>) -> Server {
        Server::start(move |_, mut stream| {
            read_request(&mut stream);
            let _ = stream.write_all(&answer);
            let _ = stream.flush();
            let _ = stream.shutdown(Shutdown::Write);
            drain(&mut stream);
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}/token", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// How many connections were accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Read one request (head and `Content-Length` body); what was read, as text.
pub fn read_request(stream: &mut TcpStream) -> String {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = find(&data, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                break;
            }
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&data).into_owned()
}

/// Read until the client closes (or [`IO_TIMEOUT`]), so that closing our side
/// sends a FIN rather than a reset.
pub fn drain(stream: &mut TcpStream) {
    let mut buf = [0u8; 4096];
    while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A whole HTTP/1.1 answer with a `Content-Length` that matches the body.
pub fn http_answer(status: &str, headers: &[&str], body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for header in headers {
        out.push_str(header);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// Write `total` bytes of body in 64 KiB pieces, chunked or not, until done or
/// until tokn hangs up.
fn send_body(stream: &mut TcpStream, total: u64, chunked: bool) {
    let piece = vec![b'a'; 64 * 1024];
    let mut sent = 0u64;
    while sent < total {
        let result = if chunked {
            stream
                .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                .and_then(|()| stream.write_all(&piece))
                .and_then(|()| stream.write_all(b"\r\n"))
        } else {
            stream.write_all(&piece)
        };
        if result.is_err() {
            return;
        }
        sent += piece.len() as u64;
    }
}

/// Run tokn and time it; the exit code, stderr and how long it took.
fn timed(cmd: &mut assert_cmd::Command) -> (util::Run, Duration) {
    let started = Instant::now();
    let out = run(cmd);
    (out, started.elapsed())
}

/// tokn's exit code and peak resident memory in KiB, measured by GNU time.
fn peak_rss_kib(url: &str, dir: &TempDir) -> (i32, u64) {
    let time = Path::new("/usr/bin/time");
    assert!(
        time.exists(),
        "this test measures memory with GNU time: install it (apt-get install time)"
    );
    let report = dir.path().join("time.txt");
    let status = std::process::Command::new(time)
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(assert_cmd::cargo::cargo_bin!("tokn"))
        .args([
            "-u",
            url,
            "-i",
            "my-client",
            "--retry",
            "0",
            "--timeout",
            "20",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TOKN_CACHE_DIR", dir.path().join("cache"))
        .env("TOKN_CLIENT_SECRET", SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("GNU time runs tokn");
    let text = std::fs::read_to_string(&report).expect("GNU time's report");
    // A failed command's report starts with "Command exited with non-zero status N".
    let kib = text
        .lines()
        .filter_map(|l| l.trim().parse::<u64>().ok())
        .next_back()
        .unwrap_or_else(|| panic!("no peak RSS in GNU time's report: {text}"));
    eprintln!("peak RSS of tokn against {url}: {kib} KiB");
    (status.code().unwrap_or(-1), kib)
}

const RSS_LIMIT_KIB: u64 = 32 * 1024;
const HUNDRED_MB: u64 = 100 * 1024 * 1024;

#[test]
fn a_100_mb_body_with_a_content_length_is_refused_in_bounded_memory() {
    let server = Server::start(|_, mut stream| {
        read_request(&mut stream);
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {HUNDRED_MB}\r\n\r\n"
        );
        if stream.write_all(head.as_bytes()).is_ok() {
            send_body(&mut stream, HUNDRED_MB, false);
        }
    });
    let dir = TempDir::new();
    let (out, took) = timed(tokn_for(&dir, &server.url()).args(["--timeout", "10"]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("larger than 1 MiB"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(took < Duration::from_secs(10), "took {took:?}");

    let (code, kib) = peak_rss_kib(&server.url(), &dir);
    assert_eq!(code, 5);
    assert!(kib < RSS_LIMIT_KIB, "peak RSS {kib} KiB on a 100 MB answer");
}

#[test]
fn a_100_mb_body_streamed_until_close_is_refused_in_bounded_memory() {
    let server = Server::start(|_, mut stream| {
        read_request(&mut stream);
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
        if stream.write_all(head.as_bytes()).is_ok() {
            send_body(&mut stream, HUNDRED_MB, false);
        }
    });
    let dir = TempDir::new();
    let out = run(tokn_for(&dir, &server.url()).args(["--timeout", "10"]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("larger than 1 MiB"), "{}", out.stderr);

    let (code, kib) = peak_rss_kib(&server.url(), &dir);
    assert_eq!(code, 5);
    assert!(kib < RSS_LIMIT_KIB, "peak RSS {kib} KiB on a 100 MB answer");
}

#[test]
fn an_endless_chunked_body_is_cut_at_1_mib() {
    let server = Server::start(|_, mut stream| {
        read_request(&mut stream);
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        if stream.write_all(head.as_bytes()).is_ok() {
            // "Endless" within reason: far past the cap, bounded for the test's sake.
            send_body(&mut stream, 10 * HUNDRED_MB, true);
        }
    });
    let dir = TempDir::new();
    let (out, took) = timed(tokn_for(&dir, &server.url()).args(["--timeout", "10"]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("larger than 1 MiB"), "{}", out.stderr);
    assert!(took < Duration::from_secs(10), "took {took:?}");

    let (code, kib) = peak_rss_kib(&server.url(), &dir);
    assert_eq!(code, 5);
    assert!(
        kib < RSS_LIMIT_KIB,
        "peak RSS {kib} KiB on an endless answer"
    );
}

#[test]
fn a_body_that_trickles_one_byte_a_second_hits_the_timeout() {
    let server = Server::start(|_, mut stream| {
        read_request(&mut stream);
        let head =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
        if stream.write_all(head.as_bytes()).is_err() {
            return;
        }
        for _ in 0..100 {
            if stream.write_all(b" ").is_err() {
                return;
            }
            thread::sleep(Duration::from_secs(1));
        }
    });
    let dir = TempDir::new();
    let (out, took) = timed(tokn_for(&dir, &server.url()).args(["--timeout", "2"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("no answer within the timeout of 2 s"),
        "{}",
        out.stderr
    );
    assert!(
        took < Duration::from_millis(3500),
        "took {took:?} with --timeout 2"
    );
}

#[test]
fn a_server_that_accepts_and_never_answers_hits_the_timeout() {
    let server = Server::start(|_, mut stream| {
        read_request(&mut stream);
        drain(&mut stream);
    });
    let dir = TempDir::new();
    let (out, took) = timed(tokn_for(&dir, &server.url()).args(["--timeout", "1"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("no answer within the timeout of 1 s"),
        "{}",
        out.stderr
    );
    assert!(
        took < Duration::from_millis(2500),
        "took {took:?} with --timeout 1"
    );
}

#[test]
fn a_body_that_is_not_utf8_is_unusable() {
    let body = b"\xff\xfe\x00{\"access_token\":\"\xc3\x28\"}\x1b[2J";
    let server = Server::answering(http_answer(
        "200 OK",
        &["Content-Type: application/json"],
        body,
    ));
    let dir = TempDir::new();
    let out = run(tokn_for(&dir, &server.url()).arg("-v"));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);

    // The same bytes as a 4xx body are shown as an excerpt, made safe.
    let server = Server::answering(http_answer(
        "400 Bad Request",
        &["Content-Type: text/plain"],
        body,
    ));
    let out = run(tokn_for(&dir, &server.url()).args(["--auth", "basic", "-v"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("body: "), "{}", out.stderr);
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
}

#[test]
fn escape_sequences_and_newlines_from_the_server_never_reach_the_terminal() {
    // JSON escapes for ESC, CSI (U+009B), BEL, CR and LF, and raw bytes in a text body.
    let json = br#"{"error":"invalid_request\u001b]0;owned\u0007","error_description":"\u001b[31mred\u001b[0m\nforged line\r\n\u009b2Jtail","error_uri":"https://e/\u001b[5m"}"#;
    let text = b"\x1b[31mplain red\x1b[0m\nforged: line\r\n\x07";
    let cases: [(&str, &[u8], &str); 3] = [
        ("400 Bad Request", json, "application/json"),
        ("503 Service Unavailable", json, "application/json"),
        ("401 Unauthorized", text, "text/plain"),
    ];
    for (status, body, content_type) in cases {
        for verbose in [false, true] {
            let server = Server::answering(http_answer(
                status,
                &[&format!("Content-Type: {content_type}")],
                body,
            ));
            let dir = TempDir::new();
            let mut cmd = tokn_for(&dir, &server.url());
            cmd.args(["--auth", "post"]);
            if verbose {
                cmd.arg("-v");
            }
            let out = run(&mut cmd);
            assert!(out.code == 4 || out.code == 5, "{status}: {}", out.stderr);
            let context = format!("{status} -v={verbose}");
            for bad in ['\u{1b}', '\u{9b}', '\u{7}', '\r'] {
                assert!(
                    !out.stderr.contains(bad),
                    "{context}: {bad:?} reached stderr: {:?}",
                    out.stderr
                );
            }
            // Newlines from the server cannot forge a line of tokn's own.
            for line in out.stderr.lines() {
                assert!(
                    !line.starts_with("forged"),
                    "{context}: a forged line: {:?}",
                    out.stderr
                );
            }
            if body == json {
                let described = out
                    .stderr
                    .lines()
                    .find(|l| l.contains("error_description:"))
                    .unwrap_or_else(|| panic!("{context}: no description: {}", out.stderr));
                assert!(
                    described.contains("red") && described.contains("tail"),
                    "{described}"
                );
            }
        }
    }
}

#[test]
fn a_redirect_to_another_port_is_not_followed() {
    let target = Server::answering(http_answer(
        "200 OK",
        &["Content-Type: application/json"],
        util::token_json(3600).as_bytes(),
    ));
    for status in [
        "301 Moved Permanently",
        "302 Found",
        "303 See Other",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let location = format!("Location: http://127.0.0.1:{}/token", target.port());
        let server = Server::answering(http_answer(status, &[&location], b""));
        let dir = TempDir::new();
        let out = run(tokn_for(&dir, &server.url()).arg("-v"));
        assert_eq!(out.code, 5, "{status}: {}", out.stderr);
        assert!(out.stderr.contains("redirect"), "{status}: {}", out.stderr);
        assert!(out.stdout.is_empty());
        assert_eq!(server.connections(), 1, "{status}");
    }
    assert_eq!(target.connections(), 0, "the redirect target was contacted");
}

#[test]
fn a_connection_closed_mid_body_is_a_network_error() {
    let server = Server::start(|_, mut stream| {
        read_request(&mut stream);
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"access_tok",
        );
        let _ = stream.shutdown(Shutdown::Write);
        drain(&mut stream);
    });
    let dir = TempDir::new();
    let out = run(tokn_for(&dir, &server.url()).args(["--timeout", "5"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("closed before a whole answer arrived"),
        "{}",
        out.stderr
    );
    assert_eq!(
        server.connections(),
        1,
        "a closed connection is not retried"
    );
}

#[test]
fn a_connection_closed_before_any_answer_is_a_network_error() {
    let server = Server::answering(Vec::new());
    let dir = TempDir::new();
    let out = run(tokn_for(&dir, &server.url()).args(["--timeout", "5"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("closed before a whole answer arrived"),
        "{}",
        out.stderr
    );
}

/// Bytes that are not an HTTP answer at all are "something unusable" (exit 5),
/// like any answer tokn cannot read, not a network failure: the server was
/// reached and it answered.
#[test]
fn an_answer_without_a_status_line_is_unusable() {
    let garbage: [&[u8]; 3] = [
        b"hello there\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n",
        b"{\"access_token\":\"abc\"}\r\n\r\n",
    ];
    for answer in garbage {
        let server = Server::answering(answer.to_vec());
        let dir = TempDir::new();
        let out = run(tokn_for(&dir, &server.url()).args(["--timeout", "5"]));
        assert_eq!(out.code, 5, "{answer:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("not valid HTTP"),
            "{answer:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains('\u{1b}'));
    }
}

#[test]
fn an_endless_header_is_unusable() {
    let server = Server::start(|_, mut stream| {
        read_request(&mut stream);
        if stream.write_all(b"HTTP/1.1 200 OK\r\nX-Filler: ").is_ok() {
            let piece = vec![b'a'; 64 * 1024];
            for _ in 0..1600 {
                if stream.write_all(&piece).is_err() {
                    return;
                }
            }
        }
    });
    let dir = TempDir::new();
    let (out, took) = timed(tokn_for(&dir, &server.url()).args(["--timeout", "10"]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(took < Duration::from_secs(10), "took {took:?}");
}
