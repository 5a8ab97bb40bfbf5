//! The files a user names: `--client-secret-file` (and its variable, and `-`
//! for standard input) and `--cacert`. Whatever the path names — a FIFO nobody
//! writes, `/dev/zero`, a directory, an endless pipe, a huge file — tokn ends
//! within `--timeout` with a clear error and bounded memory, before anything is
//! sent; the pipes people really use (`<(pass show x)`, `-`, a FIFO that is
//! written) keep working.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use httpmock::prelude::*;

use crate::util::{SECRET, TOKEN, TempDir, assert_no_leak, run, std_tokn, token_json, tokn};

/// Long enough for any run that works; a run that hangs is killed and fails.
const GUARD: Duration = Duration::from_secs(20);

/// Answer every request with a token; the mock counts them.
fn answer_token(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.any_request();
        then.status(200)
            .header("content-type", "application/json")
            .body(token_json(3600));
    })
}

/// A FIFO made with `mode`.
fn fifo(dir: &TempDir, name: &str, mode: &str) -> PathBuf {
    let path = dir.path().join(name);
    let made = StdCommand::new("mkfifo")
        .args(["-m", mode])
        .arg(&path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    path
}

/// `tokn` against `server` with the secret from nowhere yet, guarded against hangs.
fn tokn_at(tmp: &TempDir, server: &MockServer) -> assert_cmd::Command {
    let mut cmd = tokn(tmp);
    cmd.args([
        "-u",
        &server.url("/token"),
        "-i",
        "my-client",
        "--retry",
        "0",
    ])
    .timeout(GUARD);
    cmd
}

/// `bash -c SCRIPT bash ARGS…` with `$TOKN` the binary, in the same hermetic
/// environment as [`tokn`]: for `<(…)`, which only a shell can make.
fn bash(tmp: &TempDir, script: &str) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new("bash");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TOKN_CACHE_DIR", tmp.path().join("cache"))
        .env("TOKN", assert_cmd::cargo::cargo_bin!("tokn"))
        .args(["-c", script, "bash"])
        .write_stdin("")
        .timeout(GUARD);
    cmd
}

/// Exit 3 within about `--timeout 1`, naming what was waited for; nothing sent.
fn assert_timed_out(out: &crate::util::Run, took: Duration, what: &str, mock: &httpmock::Mock) {
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with(&format!("tokn: error: timed out reading {what}")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--timeout"), "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(10),
        "took {took:?}"
    );
    mock.assert_calls(0);
}

#[test]
fn a_secret_fifo_nobody_writes_ends_at_the_timeout() {
    let server = MockServer::start();
    let mock = answer_token(&server);
    let tmp = TempDir::new();
    let fifo = fifo(&tmp, "secret.fifo", "600");
    let started = Instant::now();
    let out = run(tokn_at(&tmp, &server)
        .args(["--timeout", "1", "--client-secret-file"])
        .arg(&fifo));
    let what = format!(
        "the secret file '{}' (--client-secret-file)",
        fifo.display()
    );
    assert_timed_out(&out, started.elapsed(), &what, &mock);

    let started = Instant::now();
    let out = run(tokn_at(&tmp, &server)
        .args(["--timeout", "1"])
        .env("TOKN_CLIENT_SECRET_FILE", &fifo));
    let what = format!(
        "the secret file '{}' (TOKN_CLIENT_SECRET_FILE)",
        fifo.display()
    );
    assert_timed_out(&out, started.elapsed(), &what, &mock);
}

#[test]
fn a_cacert_fifo_nobody_writes_ends_at_the_timeout() {
    let server = MockServer::start();
    let mock = answer_token(&server);
    let tmp = TempDir::new();
    let fifo = fifo(&tmp, "ca.fifo", "600");
    for how in ["flag", "env"] {
        let mut cmd = tokn_at(&tmp, &server);
        cmd.args(["--timeout", "1"])
            .env("TOKN_CLIENT_SECRET", SECRET);
        if how == "flag" {
            cmd.arg("--cacert").arg(&fifo);
        } else {
            cmd.env("TOKN_CACERT", &fifo);
        }
        let started = Instant::now();
        let out = run(&mut cmd);
        let what = format!("the --cacert file '{}'", fifo.display());
        assert_timed_out(&out, started.elapsed(), &what, &mock);
    }
}

#[test]
fn standard_input_that_never_ends_ends_at_the_timeout() {
    let server = MockServer::start();
    let mock = answer_token(&server);
    let tmp = TempDir::new();
    let mut child = std_tokn(&tmp)
        .args(["-u", &server.url("/token"), "-i", "my-client"])
        .args(["--timeout", "1", "--client-secret-file", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tokn");
    // Held open and never written: tokn must not wait for it past the timeout.
    let mut held = child.stdin.take().expect("a stdin pipe");
    held.write_all(b"part-of-a-secret").expect("write");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() && started.elapsed() < GUARD {
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = started.elapsed();
    let _ = child.kill();
    let out = child.wait_with_output().expect("tokn finishes");
    drop(held);
    let out = crate::util::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    let what = "standard input (--client-secret-file -)";
    assert_timed_out(&out, took, what, &mock);
}

#[test]
fn process_substitution_standard_input_and_a_written_fifo_still_work() {
    let server = MockServer::start();
    let accepted = server.mock(|when, then| {
        when.method(POST)
            .header_missing("authorization")
            .form_urlencoded_tuple("client_secret", SECRET);
        then.status(200).body(token_json(3600));
    });
    let tmp = TempDir::new();
    let url = server.url("/token");
    let base = ["-u", url.as_str(), "-i", "my-client", "--auth", "post"];

    // bash's <(…): a pipe at /dev/fd/N, as `<(pass show x)` gives.
    let script = r#"exec "$TOKN" "$@" --no-cache --client-secret-file <(printf '%s\n' "$S")"#;
    let out = run(bash(&tmp, script).env("S", SECRET).args(base));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{TOKEN}\n"));
    assert_eq!(out.stderr, "", "a pipe of <(…) is the user's own");
    accepted.assert_calls(1);

    // Standard input, a pipe that ends.
    let out = run(tokn(&tmp)
        .args(base)
        .args(["--no-cache", "--client-secret-file", "-"])
        .write_stdin(format!("{SECRET}\n"))
        .timeout(GUARD));
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    accepted.assert_calls(2);

    // A FIFO whose writer comes a little later; one others could open warns.
    for (mode, warns) in [("600", false), ("644", true)] {
        let fifo = fifo(&tmp, &format!("secret-{mode}.fifo"), mode);
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(200));
                let _ = std::fs::write(&fifo, format!("{SECRET}\n"));
            })
        };
        let out = run(tokn(&tmp)
            .args(base)
            .args(["--no-cache", "--client-secret-file"])
            .arg(&fifo)
            .timeout(GUARD));
        writer.join().expect("the writer finishes");
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(out.stdout, format!("{TOKEN}\n"));
        if warns {
            assert!(
                out.stderr.starts_with("tokn: warning: the secret file '")
                    && out.stderr.contains("secret-644.fifo")
                    && out.stderr.contains("mode 0644")
                    && out.stderr.contains("chmod 600"),
                "{}",
                out.stderr
            );
        } else {
            assert_eq!(out.stderr, "");
        }
    }
    accepted.assert_calls(4);
}

/// Run `args` (with the secret in the env unless the args name a file), expect
/// exit 2 before anything is sent, and return stderr.
fn refused(tmp: &TempDir, args: &[&std::ffi::OsStr]) -> String {
    let server = MockServer::start();
    let mock = answer_token(&server);
    let out = run(tokn_at(tmp, &server)
        .env("TOKN_CLIENT_SECRET", SECRET)
        .args(args));
    assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
    assert!(out.stderr.starts_with("tokn: error: "), "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert_no_leak(&out.stderr, "a refused file");
    mock.assert_calls(0);
    out.stderr
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

#[test]
fn devices_and_directories_are_refused_without_reading_them() {
    let tmp = TempDir::new();
    let zero_link = tmp.path().join("secret-link");
    std::os::unix::fs::symlink("/dev/zero", &zero_link).expect("symlink");
    let dir = tmp.path().join("a-dir");
    std::fs::create_dir(&dir).expect("mkdir");
    for (option, path, what) in [
        (
            "--client-secret-file",
            Path::new("/dev/zero"),
            "a character device",
        ),
        (
            "--client-secret-file",
            zero_link.as_path(),
            "a character device",
        ),
        ("--client-secret-file", dir.as_path(), "a directory"),
        ("--cacert", Path::new("/dev/zero"), "a character device"),
        ("--cacert", dir.as_path(), "a directory"),
    ] {
        let stderr = refused(&tmp, &[os(option), path.as_os_str()]);
        assert!(
            stderr.contains(&format!("'{}'", path.display()))
                && stderr.contains(&format!("it is {what}, not a regular file or a pipe")),
            "{option} {}: {stderr}",
            path.display()
        );
    }
}

#[test]
fn a_secret_over_64_kib_is_a_usage_error_from_a_file_a_pipe_or_stdin() {
    let tmp = TempDir::new();
    let big = SECRET.repeat(64 * 1024 / SECRET.len() + 1);
    let file = tmp.file("big.secret", big.as_bytes(), 0o600);
    let stderr = refused(&tmp, &[os("--client-secret-file"), file.as_os_str()]);
    assert!(
        stderr.contains("big.secret' (--client-secret-file) is larger than 64 KiB")
            && stderr.contains("check that the path names the right file"),
        "{stderr}"
    );

    // An endless pipe, as `--client-secret-file <(cat /dev/zero)` gives.
    let server = MockServer::start();
    let mock = answer_token(&server);
    let script = r#"exec "$TOKN" "$@" --client-secret-file <(cat /dev/zero)"#;
    let out = run(bash(&tmp, script).args(["-u", &server.url("/token"), "-i", "my-client"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("tokn: error: the secret file '/dev/fd/")
            && out.stderr.contains("is larger than 64 KiB"),
        "{}",
        out.stderr
    );
    mock.assert_calls(0);

    let out = run(tokn(&tmp)
        .args(["-u", &server.url("/token"), "-i", "my-client"])
        .args(["--client-secret-file", "-"])
        .write_stdin(big.clone())
        .timeout(GUARD));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(
            "tokn: error: standard input (--client-secret-file -) is larger than 64 KiB"
        ),
        "{}",
        out.stderr
    );
    assert_no_leak(&out.stderr, "stdin too large");
}

#[test]
fn a_cacert_file_is_capped_at_4_mib_and_may_be_a_pipe() {
    let tmp = TempDir::new();
    let path = tmp.path().join("huge.pem");
    let file = std::fs::File::create(&path).expect("create");
    // Sparse: no disk is used for it.
    file.set_len(4 * 1024 * 1024 + 1).expect("set_len");
    let stderr = refused(&tmp, &[os("--cacert"), path.as_os_str()]);
    assert!(
        stderr.contains("the --cacert file '") && stderr.contains("is larger than 4 MiB"),
        "{stderr}"
    );
    // Through a pipe, the file is read to its end and then parsed.
    let server = MockServer::start();
    let mock = answer_token(&server);
    let script = r#"exec "$TOKN" "$@" --cacert <(printf 'not a certificate\n')"#;
    let out = run(bash(&tmp, script).env("TOKN_CLIENT_SECRET", SECRET).args([
        "-u",
        &server.url("/token"),
        "-i",
        "my-client",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("is not usable: it holds no PEM certificate"),
        "{}",
        out.stderr
    );
    mock.assert_calls(0);
}
