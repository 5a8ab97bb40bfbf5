//! The device grant (RFC 8628): the device request, the prompt on stderr, and
//! every answer a poll can get — pending, slow_down (which really spaces the
//! polls out), access_denied, expired_token, the device code's own expiry —
//! plus Ctrl-C, and `--timeout` bounding each request rather than the wait.
//!
//! The server is scripted, so each poll gets the next answer in turn and every
//! request is timed. Time assertions are generous lower bounds, or upper
//! bounds that only prove nothing hangs.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::scripted::{Answer, Scripted};
use crate::util::{
    SECRET, TOKEN, TempDir, cache_entries, run, std_tokn, token_json, tokn, tokn_for,
};

const DEVICE_CODE: &str = "canaryDEVICE-1c2d3e4f5a";
const GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

fn code(interval: u64, expires_in: u64) -> Answer {
    (
        200,
        format!(
            r#"{{"device_code":"{DEVICE_CODE}","user_code":"WDJB-MJHT","verification_uri":"https://verify.example/device","verification_uri_complete":"https://verify.example/device?user_code=WDJB-MJHT","expires_in":{expires_in},"interval":{interval}}}"#
        ),
    )
}

fn error(name: &str) -> Answer {
    (
        400,
        format!(r#"{{"error":"{name}","error_description":"said {name}"}}"#),
    )
}

fn granted() -> Answer {
    (200, token_json(3600))
}

fn start(device: Answer, polls: Vec<Answer>) -> Scripted {
    Scripted::start(vec![("/device", vec![device]), ("/token", polls)])
}

fn device_cmd(dir: &TempDir, server: &Scripted) -> assert_cmd::Command {
    let mut cmd = tokn_for(dir, &server.url("/token"));
    cmd.args([
        "--grant-type",
        "device",
        "--device-url",
        &server.url("/device"),
    ])
    .timeout(Duration::from_secs(60));
    cmd
}

/// No token anywhere: not on stdout, not in the cache.
fn assert_nothing_written(out: &crate::util::Run, dir: &TempDir) {
    assert_eq!(out.stdout, "");
    assert!(cache_entries(dir).is_empty(), "a cache entry was written");
}

#[test]
fn a_device_sign_in_polls_until_granted_and_prompts_on_stderr_only() {
    let server = start(
        code(1, 600),
        vec![
            error("authorization_pending"),
            error("authorization_pending"),
            granted(),
        ],
    );
    let dir = TempDir::new();
    let out = run(device_cmd(&dir, &server).args(["--auth", "none", "-s", "read", "-q"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{TOKEN}\n"));
    assert_eq!(
        out.stderr,
        "To sign in, open https://verify.example/device and enter the code WDJB-MJHT\n\
         or open https://verify.example/device?user_code=WDJB-MJHT, which holds the code\n"
    );
    let device = server.seen("/device");
    assert_eq!(device.len(), 1);
    assert_eq!(device[0].body, "scope=read&client_id=my-client");
    let polls = server.seen("/token");
    assert_eq!(polls.len(), 3);
    for poll in &polls {
        assert_eq!(
            poll.body,
            format!(
                "grant_type={}&device_code={DEVICE_CODE}&scope=read&client_id=my-client",
                form_urlencoded::byte_serialize(GRANT.as_bytes()).collect::<String>()
            )
        );
    }
    // The interval is 1 s: the first poll waits for it, and so does each next one.
    let mut last = device[0].at;
    for poll in &polls {
        assert!(
            poll.at - last >= Duration::from_millis(900),
            "polled too soon"
        );
        last = poll.at;
    }
}

#[test]
fn slow_down_adds_five_seconds_to_the_interval() {
    let server = start(
        code(1, 600),
        vec![
            error("slow_down"),
            error("authorization_pending"),
            granted(),
        ],
    );
    let dir = TempDir::new();
    let out = run(device_cmd(&dir, &server).arg("-v"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("slow_down: asking every 6 s"),
        "{}",
        out.stderr
    );
    let polls = server.seen("/token");
    assert_eq!(polls.len(), 3);
    // 1 s, then 6 s, then 6 s: generous bounds, not exact timings.
    assert!(polls[1].at - polls[0].at >= Duration::from_millis(5500));
    assert!(polls[2].at - polls[1].at >= Duration::from_millis(5500));
    assert!(!out.stderr.contains(DEVICE_CODE), "{}", out.stderr);
    assert!(!out.stderr.contains(SECRET), "{}", out.stderr);
}

#[test]
fn a_pending_answer_to_basic_is_not_sent_again_with_post() {
    let server = start(
        code(1, 600),
        vec![error("authorization_pending"), granted()],
    );
    let dir = TempDir::new();
    let out = run(&mut device_cmd(&dir, &server));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let polls = server.seen("/token");
    assert_eq!(polls.len(), 2, "auto fell back after a pending answer");
    assert!(polls.iter().all(|p| p.header("authorization").is_some()));
}

#[test]
fn access_denied_and_expired_token_end_the_wait_with_exit_4() {
    for (answer, words) in [
        ("access_denied", "the sign-in was denied (access_denied)"),
        (
            "expired_token",
            "the device code expired before the sign-in was completed (expired_token)",
        ),
    ] {
        let server = start(
            code(1, 600),
            vec![error("authorization_pending"), error(answer)],
        );
        let dir = TempDir::new();
        let out = run(&mut device_cmd(&dir, &server));
        assert_eq!(out.code, 4, "{answer}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("tokn: error: {words}")),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr.contains(&format!("said {answer}")),
            "{}",
            out.stderr
        );
        assert_eq!(server.seen("/token").len(), 2);
        assert_nothing_written(&out, &dir);
    }
}

#[test]
fn the_wait_ends_when_the_device_code_expires() {
    let server = start(code(1, 3), vec![error("authorization_pending")]);
    let dir = TempDir::new();
    let started = Instant::now();
    let out = run(&mut device_cmd(&dir, &server));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the device code expired after 3 s without a sign-in"),
        "{}",
        out.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "it did not stop"
    );
    assert!(server.seen("/token").len() <= 3);
    assert_nothing_written(&out, &dir);
}

#[test]
fn timeout_bounds_each_request_not_the_wait() {
    let server = start(
        code(1, 600),
        vec![
            error("authorization_pending"),
            error("authorization_pending"),
            error("authorization_pending"),
            granted(),
        ],
    );
    let dir = TempDir::new();
    let out = run(device_cmd(&dir, &server).args(["--timeout", "2"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(server.seen("/token").len(), 4);
}

#[test]
fn a_refused_device_request_names_the_device_endpoint() {
    let server = start(
        (401, r#"{"error":"invalid_client"}"#.into()),
        vec![granted()],
    );
    let dir = TempDir::new();
    let out = run(device_cmd(&dir, &server).args(["--auth", "basic"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "the device authorization endpoint refused the request (HTTP 401 invalid_client)"
        ),
        "{}",
        out.stderr
    );
    assert!(server.seen("/token").is_empty());
    let server = start(
        (
            200,
            r#"{"user_code":"A","verification_uri":"https://v","expires_in":5}"#.into(),
        ),
        vec![granted()],
    );
    let out = run(device_cmd(&dir, &server).args(["--auth", "basic"]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr.contains("no usable device_code"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unreadable_device_answer_names_the_device_endpoint() {
    let server = start((200, "x".repeat(2 * 1024 * 1024)), vec![granted()]);
    let dir = TempDir::new();
    let out = run(&mut device_cmd(&dir, &server));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(
            "tokn: error: the answer from the device authorization endpoint is larger than 1 MiB"
        ),
        "{}",
        out.stderr
    );
    assert!(server.seen("/token").is_empty());
}

#[test]
fn ctrl_c_during_the_wait_exits_130_and_writes_nothing() {
    let server = start(code(1, 600), vec![error("authorization_pending")]);
    let dir = TempDir::new();
    let mut child = std_tokn(&dir)
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
            "device",
            "--device-url",
            &server.url("/device"),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tokn starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("the prompt");
    assert!(line.starts_with("To sign in, open"), "{line}");
    // Wait for a poll, so that the signal lands in the wait itself.
    let started = Instant::now();
    while server.seen("/token").is_empty() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: sends a signal to the child this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let out = child.wait_with_output().expect("tokn ends");
    assert_eq!(out.status.code(), Some(130));
    let out = crate::util::Run {
        code: 130,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::new(),
    };
    assert_nothing_written(&out, &dir);
}

#[test]
fn the_issuers_metadata_names_the_device_endpoint() {
    let metadata = |device: bool| -> Answer {
        let extra = if device {
            r#","device_authorization_endpoint":"{base}/device""#
        } else {
            ""
        };
        (
            200,
            format!(r#"{{"issuer":"{{base}}","token_endpoint":"{{base}}/token"{extra}}}"#),
        )
    };
    let server = Scripted::start(vec![
        ("/.well-known/openid-configuration", vec![metadata(true)]),
        ("/device", vec![code(1, 600)]),
        ("/token", vec![granted()]),
    ]);
    let dir = TempDir::new();
    let out = run(tokn(&dir)
        .args([
            "--issuer",
            &server.base,
            "-i",
            "my-client",
            "--auth",
            "none",
            "-v",
        ])
        .args(["--grant-type", "device", "--retry", "0"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{TOKEN}\n"));
    assert!(
        out.stderr.contains(&format!(
            "* device_authorization_endpoint from the metadata: {}",
            server.url("/device")
        )),
        "{}",
        out.stderr
    );
    assert_eq!(server.seen("/device").len(), 1);

    // Metadata without it: the server's answer is unusable, and the option is named.
    let server = Scripted::start(vec![
        ("/.well-known/openid-configuration", vec![metadata(false)]),
        ("/token", vec![granted()]),
    ]);
    let out = run(tokn(&dir)
        .args([
            "--issuer",
            &server.base,
            "-i",
            "my-client",
            "--auth",
            "none",
        ])
        .args(["--grant-type", "device", "--retry", "0", "--no-cache"]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("names no device_authorization_endpoint"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--device-url"), "{}", out.stderr);
    assert!(server.seen("/token").is_empty());
}
