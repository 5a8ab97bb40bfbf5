//! The canary matrix for keys and certificates: with `private_key_jwt`,
//! `client_secret_jwt`, `tls` and a client certificate beside Basic, against a
//! server that echoes the whole request (headers and body, so the client
//! assertion too) into its answer, at every exit, with `-v` and without, with
//! the cache and without. No assertion, no line of a private key, and no
//! secret may appear on stderr, on stdout, or in any file tokn writes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::util::{
    SECRET, TOKEN, TempDir, assert_no_leak, files_under, form_fields, key_path, run, test_key, tokn,
};

/// A server that answers every request with `status` and `body`, where
/// `{echo}` becomes the request as received; it keeps every request body.
fn echo_server(status: u16, body: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://127.0.0.1:{}/token",
        listener.local_addr().unwrap().port()
    );
    let bodies: Arc<Mutex<Vec<String>>> = Arc::default();
    let record = bodies.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let (mut head, mut length) = (String::new(), 0);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut request = vec![0; length];
            if reader.read_exact(&mut request).is_err() {
                continue;
            }
            let request = String::from_utf8_lossy(&request).into_owned();
            record.lock().unwrap().push(request.clone());
            let echo = format!("{head}{request}").replace(['"', '\r', '\n'], " ");
            let answer = body.replace("{echo}", &echo);
            let response = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{answer}",
                answer.len()
            );
            let _ = (&stream).write_all(response.as_bytes());
        }
    });
    (url, bodies)
}

/// The base64 lines of the private keys under tests/keys that the runs use.
fn key_lines(names: &[&str]) -> Vec<String> {
    let mut lines = Vec::new();
    for name in names {
        let pem = std::fs::read_to_string(key_path(name)).unwrap();
        let mut in_key = false;
        for line in pem.lines() {
            if line.starts_with("-----BEGIN") {
                in_key = line.contains("PRIVATE KEY");
            } else if in_key && !line.starts_with("-----") && line.len() > 16 {
                lines.push(line.to_string());
            }
        }
    }
    lines
}

#[test]
fn no_assertion_key_or_secret_leaks_at_any_exit() {
    let answers: [(&str, i32, u16, &'static str); 5] = [
        ("success", 0, 200, "SUCCESS"),
        (
            "success echoing the request",
            0,
            200,
            r#"{"access_token":"canaryTOKEN-5b8e2c41d0","expires_in":3600,"note":"{echo}"}"#,
        ),
        (
            "401 echoing the request",
            4,
            401,
            r#"{"error":"invalid_client","error_description":"you sent {echo}"}"#,
        ),
        (
            "500 echoing the request",
            5,
            500,
            r#"{"error":"server_error","error_description":"{echo}"}"#,
        ),
        (
            "a non-answer echoing the request",
            5,
            200,
            "<html>{echo}</html>",
        ),
    ];
    let methods: [(&str, &[&str]); 5] = [
        (
            "private_key_jwt",
            &[
                "--auth",
                "private_key_jwt",
                "--signing-key",
                "{dir}/rsa-with-cert.pem",
            ],
        ),
        (
            "auto with a key and a certificate",
            &[
                "--signing-key",
                "{dir}/p256.pem",
                "--cert",
                "{dir}/rsa-with-cert.pem",
            ],
        ),
        (
            "client_secret_jwt",
            &["--auth", "client_secret_jwt", "--jwt-alg", "HS512"],
        ),
        (
            "tls",
            &[
                "--auth",
                "tls",
                "--cert",
                "{dir}/rsa.cert.pem",
                "--key",
                "{dir}/rsa.pkcs1.pem",
            ],
        ),
        (
            "basic with a certificate",
            &["--auth", "basic", "--cert", "{dir}/rsa-with-cert.pem"],
        ),
    ];
    let secret_lines = key_lines(&["rsa-with-cert.pem", "p256.pem", "rsa.pkcs1.pem"]);
    for (answer, exit, status, body) in answers {
        let body: &'static str = if body == "SUCCESS" {
            Box::leak(crate::util::token_json(3600).into_boxed_str())
        } else {
            body
        };
        let (url, requests) = echo_server(status, body);
        for (method, args) in methods {
            for verbose in [false, true] {
                for cache in [false, true] {
                    let context = format!("{method}, {answer} (-v {verbose}, cache {cache})");
                    let dir = TempDir::new();
                    for name in [
                        "rsa-with-cert.pem",
                        "p256.pem",
                        "rsa.cert.pem",
                        "rsa.pkcs1.pem",
                    ] {
                        test_key(&dir, name);
                    }
                    let shown = dir.path().display().to_string();
                    let mut cmd = tokn(&dir);
                    cmd.args(["-u", &url, "-i", "my-client", "--retry", "0"])
                        .args(args.iter().map(|a| a.replace("{dir}", &shown)))
                        .env("TOKN_CLIENT_SECRET", SECRET);
                    if verbose {
                        cmd.arg("-v");
                    }
                    if !cache {
                        cmd.arg("--no-cache");
                    }
                    let before = requests.lock().unwrap().len();
                    let out = run(&mut cmd);
                    assert_eq!(out.code, exit, "{context}: {}", out.stderr);
                    let sent: Vec<String> = requests.lock().unwrap()[before..].to_vec();
                    assert!(!sent.is_empty(), "{context}: nothing was sent");
                    let assertions: Vec<String> = sent
                        .iter()
                        .flat_map(|b| form_fields(b))
                        .filter(|(k, _)| k == "client_assertion")
                        .map(|(_, v)| v)
                        .collect();
                    if method.contains("jwt") || method.starts_with("auto") {
                        assert!(!assertions.is_empty(), "{context}: no assertion was sent");
                    }
                    let mut secrets = assertions;
                    secrets.extend(secret_lines.iter().cloned());
                    check(
                        &context,
                        exit,
                        &out.stdout,
                        &out.stderr,
                        dir.path(),
                        &secrets,
                    );
                }
            }
        }
    }
}

/// Nothing secret in stdout, stderr or any file; the token only on stdout at
/// exit 0 and in the cache entry.
fn check(context: &str, exit: i32, stdout: &str, stderr: &str, dir: &Path, secrets: &[String]) {
    assert_no_leak(stderr, &format!("{context}: stderr"));
    if exit == 0 {
        assert!(stdout.contains(TOKEN), "{context}: {stdout}");
    } else {
        assert_eq!(stdout, "", "{context}");
    }
    let cache_dir = dir.join("cache");
    let written: Vec<(std::path::PathBuf, Vec<u8>)> = files_under(dir)
        .into_iter()
        .filter(|(path, _)| path.starts_with(&cache_dir))
        .collect();
    for secret in secrets {
        for (what, text) in [("stdout", stdout), ("stderr", stderr)] {
            assert!(
                !text.contains(secret.as_str()),
                "{context}: {what} holds a secret:\n{text}"
            );
        }
        for (path, bytes) in &written {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text.contains(secret.as_str()) && !text.contains(SECRET),
                "{context}: {} holds a secret",
                path.display()
            );
        }
    }
    for (path, bytes) in &written {
        let is_entry = path.extension().is_some_and(|e| e == "json");
        if !is_entry {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text.contains(TOKEN),
                "{context}: the token is in {}",
                path.display()
            );
        }
    }
}
