//! The authorization code grant with PKCE and a loopback redirect: the test
//! plays the browser. It reads the URL tokn prints, checks what it asks for,
//! and sends the redirect to tokn's listener itself — with the code, a wrong
//! state, an error, or nothing at all before `--login-timeout`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStderr, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

use crate::scripted::Scripted;
use crate::util::{TOKEN, TempDir, cache_entries, free_port, query_param, std_tokn, token_json};

const AUTHORIZE: &str = "https://idp.example/authorize";
const CODE: &str = "canaryCODE-6a7b8c9d0e";

/// A running `tokn --grant-type code`, and the sign-in URL it printed.
struct SignIn {
    child: Child,
    stderr: BufReader<ChildStderr>,
    url: String,
}

impl SignIn {
    fn start(dir: &TempDir, token_url: &str, args: &[&str]) -> SignIn {
        let mut child = std_tokn(dir)
            .args(["-u", token_url, "-i", "my-client", "--auth", "none"])
            .args([
                "--grant-type",
                "code",
                "--authorize-url",
                AUTHORIZE,
                "--no-browser",
            ])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tokn starts");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let url = read_url(&mut stderr);
        SignIn { child, stderr, url }
    }

    /// A parameter of the authorization URL.
    fn param(&self, name: &str) -> String {
        query_param(&self.url, name).unwrap_or_else(|| panic!("no {name} in {}", self.url))
    }

    /// The redirect URI with `query` appended, as the browser would follow it.
    fn redirect(&self, query: &str) -> (u16, String) {
        get(&format!("{}?{query}", self.param("redirect_uri")))
    }

    fn finish(mut self) -> (i32, String, String) {
        let mut rest = String::new();
        let _ = self.stderr.read_to_string(&mut rest);
        let out = self.child.wait_with_output().expect("tokn ends");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            rest,
        )
    }
}

/// The URL on the line after `To sign in, open this URL in a browser:`.
fn read_url(stderr: &mut BufReader<ChildStderr>) -> String {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap_or(0) == 0 {
            panic!("no sign-in URL on stderr: {lines:?}");
        }
        if let Some(url) = line.trim().strip_prefix(AUTHORIZE) {
            return format!("{AUTHORIZE}{url}");
        }
        lines.push(line);
    }
}

/// A plain GET, as a browser sends it; the status and the body.
fn get(url: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (authority, target) = rest.split_at(rest.find('/').expect("a path"));
    let mut stream = TcpStream::connect(authority).expect("tokn listens");
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {authority}\r\nAccept: text/html\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn token_server() -> Scripted {
    Scripted::start(vec![("/token", vec![(200, token_json(3600))])])
}

fn no_cache_entry(dir: &TempDir) -> bool {
    cache_entries(dir).is_empty()
}

#[test]
fn a_browser_sign_in_exchanges_the_code_with_the_verifier() {
    let server = token_server();
    let dir = TempDir::new();
    let sign_in = SignIn::start(
        &dir,
        &server.url("/token"),
        &["-s", "openid read", "--audience", "api"],
    );
    let query = sign_in.url.split_once('?').unwrap().1.to_string();
    let names: Vec<String> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, _)| k.into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "response_type",
            "client_id",
            "redirect_uri",
            "scope",
            "state",
            "code_challenge",
            "code_challenge_method",
            "audience"
        ]
    );
    assert_eq!(sign_in.param("response_type"), "code");
    assert_eq!(sign_in.param("scope"), "openid read");
    assert_eq!(sign_in.param("code_challenge_method"), "S256");
    let redirect_uri = sign_in.param("redirect_uri");
    assert!(
        redirect_uri.starts_with("http://127.0.0.1:") && redirect_uri.ends_with("/callback"),
        "{redirect_uri}"
    );
    // A stray request gets a 404, and the wait goes on.
    let port_and_path = redirect_uri.trim_end_matches("/callback");
    assert_eq!(get(&format!("{port_and_path}/favicon.ico")).0, 404);
    let state = sign_in.param("state");
    let challenge = sign_in.param("code_challenge");
    let (status, page) = sign_in.redirect(&format!("code={CODE}&state={state}"));
    assert_eq!(status, 200);
    assert!(page.contains("You may close this tab"), "{page}");
    let (code, stdout, stderr) = sign_in.finish();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, format!("{TOKEN}\n"));
    let seen = server.seen("/token");
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].field_names(),
        [
            "grant_type",
            "code",
            "redirect_uri",
            "code_verifier",
            "scope",
            "audience",
            "client_id"
        ]
    );
    assert_eq!(
        seen[0].field("grant_type").as_deref(),
        Some("authorization_code")
    );
    assert_eq!(seen[0].field("code").as_deref(), Some(CODE));
    assert_eq!(seen[0].field("redirect_uri"), Some(redirect_uri));
    let verifier = seen[0].field("code_verifier").unwrap();
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    assert_eq!(
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref()),
        challenge,
        "the challenge is the S256 of the verifier"
    );
    assert!(
        !stderr.contains(CODE) && !stderr.contains(&verifier),
        "{stderr}"
    );
}

#[test]
fn a_wrong_state_ends_the_sign_in_and_nothing_is_exchanged() {
    let server = token_server();
    let dir = TempDir::new();
    let sign_in = SignIn::start(&dir, &server.url("/token"), &[]);
    let (status, page) = sign_in.redirect(&format!("code={CODE}&state=forged"));
    assert_eq!(status, 400);
    assert!(page.contains("did not use it"), "{page}");
    let (code, stdout, stderr) = sign_in.finish();
    assert_eq!(code, 4, "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("another state than the one tokn sent"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was exchanged"), "{stderr}");
    assert!(server.seen("/token").is_empty());
    assert!(no_cache_entry(&dir));
}

#[test]
fn an_error_redirect_is_exit_4_with_its_description() {
    let server = token_server();
    let dir = TempDir::new();
    let sign_in = SignIn::start(&dir, &server.url("/token"), &[]);
    let state = sign_in.param("state");
    let (status, page) = sign_in.redirect(&format!(
        "error=access_denied&error_description=the+user+said+%3Cno%3E&state={state}"
    ));
    assert_eq!(status, 200);
    assert!(page.contains("the user said &lt;no&gt;"), "{page}");
    let (code, stdout, stderr) = sign_in.finish();
    assert_eq!(code, 4, "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("tokn: error: the sign-in failed (access_denied)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error_description: the user said <no>"),
        "{stderr}"
    );
    assert!(server.seen("/token").is_empty());
}

#[test]
fn no_sign_in_before_the_login_timeout_is_exit_3() {
    let server = token_server();
    let dir = TempDir::new();
    let started = Instant::now();
    let sign_in = SignIn::start(&dir, &server.url("/token"), &["--login-timeout", "1"]);
    let (code, stdout, stderr) = sign_in.finish();
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("no sign-in within the login timeout of 1 s"),
        "{stderr}"
    );
    assert!(stderr.contains("--login-timeout"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(server.seen("/token").is_empty());
}

#[test]
fn a_fixed_redirect_uri_and_a_slow_person_within_a_short_timeout() {
    let port = free_port();
    let redirect = format!("http://localhost:{port}/oauth/done");
    let server = token_server();
    let dir = TempDir::new();
    let sign_in = SignIn::start(
        &dir,
        &server.url("/token"),
        &["--redirect-uri", &redirect, "--timeout", "1"],
    );
    assert_eq!(sign_in.param("redirect_uri"), redirect);
    // The person takes longer than --timeout: it bounds each request, not the sign-in.
    std::thread::sleep(Duration::from_millis(1500));
    let state = sign_in.param("state");
    let (status, _) = get(&format!(
        "http://127.0.0.1:{port}/oauth/done?code={CODE}&state={state}"
    ));
    assert_eq!(status, 200);
    let (code, stdout, stderr) = sign_in.finish();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, format!("{TOKEN}\n"));
    assert_eq!(
        server.seen("/token")[0].field("redirect_uri"),
        Some(redirect)
    );
}

#[test]
fn the_browser_is_opened_with_the_url_when_there_is_a_display() {
    let server = token_server();
    let dir = TempDir::new();
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let opened = dir.path().join("opened");
    let script = format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display());
    let opener = bin.join("xdg-open");
    std::fs::write(&opener, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let child = std_tokn(&dir)
        .args([
            "-u",
            &server.url("/token"),
            "-i",
            "my-client",
            "--auth",
            "none",
        ])
        .args([
            "--grant-type",
            "authorization_code",
            "--authorize-url",
            AUTHORIZE,
        ])
        .env("PATH", path)
        .env("DISPLAY", ":0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tokn starts");
    let started = Instant::now();
    let url = loop {
        if let Ok(url) = std::fs::read_to_string(&opened)
            && !url.is_empty()
        {
            break url;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no browser was opened"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(url.starts_with(AUTHORIZE), "{url}");
    let redirect = query_param(&url, "redirect_uri").unwrap();
    let state = query_param(&url, "state").unwrap();
    assert_eq!(get(&format!("{redirect}?code={CODE}&state={state}")).0, 200);
    let out = child.wait_with_output().expect("tokn ends");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{TOKEN}\n"));
}

#[test]
fn ctrl_c_during_the_browser_wait_exits_130_and_writes_nothing() {
    let server = token_server();
    let dir = TempDir::new();
    let sign_in = SignIn::start(&dir, &server.url("/token"), &[]);
    let pid = libc::pid_t::try_from(sign_in.child.id()).expect("pid");
    // SAFETY: sends a signal to the child this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let (code, stdout, _) = sign_in.finish();
    assert_eq!(code, 130);
    assert_eq!(stdout, "");
    assert!(no_cache_entry(&dir));
}
