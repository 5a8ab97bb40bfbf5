//! Canaries: the secret (`util::SECRET`, and its Basic encoding) and the token
//! (`util::TOKEN`) are planted, and every way tokn can end is searched for them.
//!
//! The matrix: every exit code (0, 2, 3, 4, 5), with `-v` and without, in every
//! format, with the cache and without. Servers echo the secret and the Basic
//! header back in their error answers, as broken ones do. Neither the secret nor
//! the whole token may appear on stderr, on stdout (but for the token on exit 0,
//! which is the point), or in any file tokn writes; the cache entry alone may
//! hold the token. Also: the secret file is read once, never written, and a
//! secret file others can read gives a warning naming it.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::time::Duration;

use base64::Engine as _;
use httpmock::prelude::*;

use crate::util::{self, SECRET, TOKEN, TempDir, assert_no_leak, files_under, run, tokn};

const FORMATS: [&str; 4] = ["raw", "json", "header", "curl"];
const REFRESH: &str = "canaryREFRESH-93e1b7aa05";

fn basic() -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("my-client:{SECRET}"))
}

/// Status, headers and body of an answer.
type Answer = (u16, Vec<(&'static str, String)>, String);

/// What the server answers in each case of the matrix, and the exit code it gives.
struct Case {
    name: &'static str,
    exit: i32,
    /// `None`: nothing listens (a refused connection); else status, headers, body.
    answer: Option<Answer>,
    /// Extra arguments, e.g. the mistake for the usage error.
    args: Vec<String>,
}

fn cases() -> Vec<Case> {
    let echo = format!(
        r#"{{"error":"invalid_client","error_description":"client secret {SECRET} does not match; you sent Authorization: Basic {}","error_uri":"https://idp.example/{SECRET}"}}"#,
        basic()
    );
    let json = || vec![("content-type", "application/json".to_string())];
    vec![
        Case {
            name: "success",
            exit: 0,
            answer: Some((
                200,
                json(),
                format!(
                    r#"{{"access_token":"{TOKEN}","refresh_token":"{REFRESH}","token_type":"Bearer","expires_in":3600}}"#
                ),
            )),
            args: vec![],
        },
        Case {
            name: "usage error",
            exit: 2,
            answer: None,
            args: vec!["--header-pattern".into(), "Bearer {secret}".into()],
        },
        Case {
            name: "unknown option",
            exit: 2,
            answer: None,
            args: vec!["--no-such-option".into()],
        },
        Case {
            name: "the secret typed into -d",
            exit: 2,
            answer: None,
            args: vec!["-d".into(), format!("client_secret={SECRET}")],
        },
        Case {
            name: "refused connection",
            exit: 3,
            answer: None,
            args: vec![],
        },
        Case {
            name: "401 echoing the credentials",
            exit: 4,
            answer: Some((401, json(), echo.clone())),
            args: vec![],
        },
        Case {
            name: "500 echoing the credentials",
            exit: 5,
            answer: Some((500, json(), echo)),
            args: vec![],
        },
        Case {
            name: "302 to a URL with the secret",
            exit: 5,
            answer: Some((
                302,
                vec![(
                    "location",
                    format!("https://elsewhere.example/token?client_secret={SECRET}"),
                )],
                String::new(),
            )),
            args: vec![],
        },
        Case {
            name: "a body that is no answer, echoing the request",
            exit: 5,
            answer: Some((
                200,
                vec![("content-type", "text/html".to_string())],
                format!(
                    "<html>Authorization: Basic {} client_secret={SECRET}</html>",
                    basic()
                ),
            )),
            args: vec![],
        },
    ]
}

/// Check one run's stdout, stderr and files.
fn assert_nothing_leaked(
    context: &str,
    code: i32,
    stdout: &str,
    stderr: &str,
    dir: &Path,
    cache_dir: &Path,
) {
    assert_no_leak(stderr, &format!("{context}: stderr"));
    assert!(
        !stderr.contains(REFRESH),
        "{context}: the refresh token leaked on stderr:\n{stderr}"
    );
    if code == 0 {
        assert!(
            stdout.contains(TOKEN),
            "{context}: no token on stdout: {stdout}"
        );
        assert!(
            !stdout.contains(SECRET) && !stdout.contains(&basic()),
            "{context}: stdout: {stdout}"
        );
    } else {
        assert_no_leak(stdout, &format!("{context}: stdout"));
        assert!(
            stdout.is_empty(),
            "{context}: stdout on exit {code}: {stdout}"
        );
    }
    for (path, bytes) in files_under(dir) {
        let text = String::from_utf8_lossy(&bytes);
        let shown = path.display();
        assert!(
            !text.contains(SECRET),
            "{context}: the secret is in {shown}"
        );
        assert!(
            !text.contains(&basic()),
            "{context}: the Basic credentials are in {shown}"
        );
        let is_entry =
            path.parent() == Some(cache_dir) && path.extension().is_some_and(|e| e == "json");
        if !is_entry {
            assert!(
                !text.contains(TOKEN),
                "{context}: the token is in {shown}, not a cache entry"
            );
        }
    }
}

#[test]
fn no_exit_verbosity_format_or_cache_setting_leaks_the_secret_or_the_token() {
    let refused_port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    for case in cases() {
        let server = MockServer::start();
        if let Some((status, headers, body)) = &case.answer {
            server.mock(|when, then| {
                when.method(POST).path("/token");
                let mut then = then.status(*status);
                for (name, value) in headers {
                    then = then.header(*name, value.as_str());
                }
                then.body(body.as_str());
            });
        }
        let url = match case.answer {
            Some(_) => server.url("/token"),
            None => format!("http://127.0.0.1:{refused_port}/token"),
        };
        for verbose in [false, true] {
            for format in FORMATS {
                for cache in [false, true] {
                    let context =
                        format!("{} (-v {verbose}, -f {format}, cache {cache})", case.name);
                    let dir = TempDir::new();
                    let cache_dir = dir.path().join("cache");
                    let run_once = || {
                        let mut cmd = tokn(&dir);
                        cmd.args(["-u", &url, "-i", "my-client", "--retry", "0", "-f", format])
                            .args(&case.args)
                            .env("TOKN_CLIENT_SECRET", SECRET);
                        if verbose {
                            cmd.arg("-v");
                        }
                        if !cache {
                            cmd.arg("--no-cache");
                        }
                        run(&mut cmd)
                    };
                    let out = run_once();
                    assert_eq!(out.code, case.exit, "{context}: {}", out.stderr);
                    assert_nothing_leaked(
                        &context,
                        out.code,
                        &out.stdout,
                        &out.stderr,
                        dir.path(),
                        &cache_dir,
                    );
                    if case.exit == 0 && cache {
                        // Again, now from the cache: the same care on that path.
                        let again = run_once();
                        assert_eq!(again.code, 0, "{context} (cached): {}", again.stderr);
                        assert_eq!(again.stdout, out.stdout, "{context} (cached)");
                        if verbose {
                            assert!(
                                again.stderr.contains("token from the cache"),
                                "{}",
                                again.stderr
                            );
                        }
                        let context = format!("{context} (cached)");
                        assert_nothing_leaked(
                            &context,
                            0,
                            &again.stdout,
                            &again.stderr,
                            dir.path(),
                            &cache_dir,
                        );
                    }
                    if case.exit == 0 && verbose {
                        // Verbose shows at most the first 6 characters of a token.
                        assert!(
                            out.stderr.contains(&TOKEN[..6]),
                            "{context}: {}",
                            out.stderr
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn the_secret_is_redacted_when_it_arrives_by_a_flag_a_file_or_standard_input() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(401)
            .header("content-type", "application/json")
            .body(format!(
                r#"{{"error":"invalid_client","error_description":"{SECRET} / {}"}}"#,
                basic()
            ));
    });
    let secrets = TempDir::new();
    let file = secrets.file("secret", format!("{SECRET}\n").as_bytes(), 0o600);
    let file_arg = format!("--client-secret-file={}", file.display());
    let flag_arg = format!("--client-secret={SECRET}");
    let ways: [(&str, Vec<&str>, Option<&str>); 3] = [
        ("flag", vec![&flag_arg], None),
        ("file", vec![&file_arg], None),
        ("stdin", vec!["--client-secret-file", "-"], Some("\n")),
    ];
    for (way, args, stdin_suffix) in ways {
        let dir = TempDir::new();
        let mut cmd = tokn(&dir);
        cmd.args([
            "-u",
            &server.url("/token"),
            "-i",
            "my-client",
            "--retry",
            "0",
            "-v",
        ])
        .args(args);
        if let Some(suffix) = stdin_suffix {
            cmd.write_stdin(format!("{SECRET}{suffix}"));
        }
        let out = run(&mut cmd);
        assert_eq!(out.code, 4, "{way}: {}", out.stderr);
        assert!(out.stderr.contains("[redacted]"), "{way}: {}", out.stderr);
        assert_nothing_leaked(
            way,
            out.code,
            &out.stdout,
            &out.stderr,
            dir.path(),
            &dir.path().join("cache"),
        );
    }
}

#[test]
fn a_secret_echoed_in_a_successful_answer_is_not_cached_or_shown() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(200)
            .header("content-type", "application/json")
            .body(format!(
                r#"{{"access_token":"{TOKEN}","expires_in":3600,"client_secret":"{SECRET}","note":"Basic {}"}}"#,
                basic()
            ));
    });
    let dir = TempDir::new();
    let out = run(util::tokn_for(&dir, &server.url("/token")).arg("-v"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{TOKEN}\n"));
    assert_no_leak(&out.stderr, "stderr");
    for (path, bytes) in files_under(dir.path()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(SECRET),
            "the secret is in {}",
            path.display()
        );
        assert!(
            !text.contains(&basic()),
            "the Basic credentials are in {}",
            path.display()
        );
    }
}

/// The modes, contents and modification times of a file, to see that it was not written.
fn snapshot(path: &Path) -> (u32, Vec<u8>, std::time::SystemTime) {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).unwrap();
    (
        meta.permissions().mode(),
        std::fs::read(path).unwrap(),
        meta.modified().unwrap(),
    )
}

fn token_server() -> MockServer {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(200)
            .header("content-type", "application/json")
            .body(util::token_json(3600));
    });
    server
}

#[test]
fn a_secret_file_others_can_read_gives_a_warning_naming_it() {
    let server = token_server();
    for (mode, warned) in [
        (0o600, false),
        (0o400, false),
        (0o640, true),
        (0o644, true),
        (0o604, true),
    ] {
        let secrets = TempDir::new();
        let file = secrets.file("client.secret", format!("{SECRET}\n").as_bytes(), mode);
        for quiet in [false, true] {
            let dir = TempDir::new();
            let mut cmd = tokn(&dir);
            cmd.args(["-u", &server.url("/token"), "-i", "my-client", "--no-cache"])
                .arg("--client-secret-file")
                .arg(&file);
            if quiet {
                cmd.arg("-q");
            }
            let out = run(&mut cmd);
            assert_eq!(out.code, 0, "mode {mode:o}: {}", out.stderr);
            assert_eq!(out.stdout, format!("{TOKEN}\n"));
            if warned && !quiet {
                assert!(
                    out.stderr.starts_with("tokn: warning: "),
                    "mode {mode:o}: {}",
                    out.stderr
                );
                assert!(
                    out.stderr.contains(&file.display().to_string()),
                    "mode {mode:o}: {}",
                    out.stderr
                );
                assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
            } else {
                assert_eq!(out.stderr, "", "mode {mode:o} -q {quiet}");
            }
            assert_no_leak(&out.stderr, "stderr");
        }
    }
    // The same through TOKN_CLIENT_SECRET_FILE.
    let secrets = TempDir::new();
    let file = secrets.file("env.secret", SECRET.as_bytes(), 0o644);
    let dir = TempDir::new();
    let mut cmd = tokn(&dir);
    cmd.args(["-u", &server.url("/token"), "-i", "my-client", "--no-cache"])
        .env("TOKN_CLIENT_SECRET_FILE", &file);
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("env.secret"), "{}", out.stderr);
}

#[test]
fn the_secret_file_is_never_written() {
    let server = token_server();
    let secrets = TempDir::new();
    let file = secrets.file("client.secret", format!("{SECRET}\r\n").as_bytes(), 0o600);
    let before = snapshot(&file);
    // Past the file system's timestamp granularity, so a write would show.
    std::thread::sleep(Duration::from_millis(50));
    let dir = TempDir::new();
    for extra in [&[][..], &["-v"][..], &["--refresh", "-f", "json"][..]] {
        let mut cmd = tokn(&dir);
        cmd.args(["-u", &server.url("/token"), "-i", "my-client"])
            .arg("--client-secret-file")
            .arg(&file)
            .args(extra);
        let out = run(&mut cmd);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_no_leak(&out.stderr, "stderr");
    }
    assert_eq!(snapshot(&file), before, "the secret file changed");
    let entries: Vec<PathBuf> = files_under(secrets.path())
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert_eq!(entries, [file], "tokn left a file beside the secret file");
}

#[test]
fn the_secret_file_is_read_once_even_when_auto_sends_it_twice() {
    // A FIFO gives its content to one reader once; a second open would block.
    let secrets = TempDir::new();
    let fifo = secrets.path().join("secret.fifo");
    let made = StdCommand::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            // Opening for writing waits for tokn to open it for reading.
            let _ = std::fs::write(&fifo, format!("{SECRET}\n"));
        })
    };
    let server = MockServer::start();
    let (refused, accepted) = util::basic_refused_post_accepted(&server, 3600);
    let dir = TempDir::new();
    let mut cmd = tokn(&dir);
    cmd.args([
        "-u",
        &server.url("/token"),
        "-i",
        "my-client",
        "--retry",
        "0",
    ])
    .arg("--client-secret-file")
    .arg(&fifo)
    .timeout(Duration::from_secs(20));
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{TOKEN}\n"));
    refused.assert_calls(1);
    accepted.assert_calls(1);
    writer.join().unwrap();
}

/// A server that answers 400 with a text body echoing the secret after `filler`
/// characters, where tokn cuts a long body short.
fn echo_at(filler: usize) -> MockServer {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(400)
            .header("content-type", "text/plain")
            .body(format!(
                "{}{SECRET} {}",
                "x".repeat(filler),
                "y".repeat(3000)
            ));
    });
    server
}

/// No piece of the secret either: a cut through an echoed secret must not leave
/// its first characters, which redaction no longer recognises.
fn assert_no_piece_of_the_secret(stderr: &str, context: &str) {
    assert_no_leak(stderr, context);
    assert!(
        !stderr.contains(&SECRET[..8]),
        "{context}: a piece of the secret leaked:\n{stderr}"
    );
}

#[test]
fn an_error_excerpt_never_shows_part_of_the_secret() {
    // The excerpt of a body that is not an OAuth error is cut at 200 characters.
    for filler in [185, 190, 195] {
        let server = echo_at(filler);
        let dir = TempDir::new();
        let out = run(util::tokn_for(&dir, &server.url("/token")).args(["--auth", "post"]));
        assert_eq!(out.code, 4, "{}", out.stderr);
        assert!(out.stderr.contains("body: "), "{}", out.stderr);
        assert_no_piece_of_the_secret(&out.stderr, &format!("excerpt, secret at {filler}"));
    }
}

#[test]
fn verbose_never_shows_part_of_the_secret() {
    // -v shows a body that is neither JSON nor a form cut at 2000 characters.
    for filler in [1985, 1990, 1995] {
        let server = echo_at(filler);
        let dir = TempDir::new();
        let out = run(util::tokn_for(&dir, &server.url("/token")).args(["--auth", "post", "-v"]));
        assert_eq!(out.code, 4, "{}", out.stderr);
        assert_no_piece_of_the_secret(&out.stderr, &format!("-v, secret at {filler}"));
    }
}
