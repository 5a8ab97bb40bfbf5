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

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::time::Duration;

use base64::Engine as _;
use httpmock::prelude::*;

use crate::util::{
    self, SECRET, TOKEN, TempDir, assert_no_leak, files_under, free_port, run, tokn,
};

const FORMATS: [&str; 4] = ["raw", "json", "header", "curl"];
const REFRESH: &str = "canaryREFRESH-93e1b7aa05";
/// A token no answer labels as one, long enough for the SPEC's long-run rule.
const BARE_TOKEN: &str = "canaryBARE0123456789abcdefABCDEF-xyz";
/// A second secret, with the characters that encodings change: `/`, `+`, `=`,
/// a space and a non-ASCII letter, so that each encoding spells it differently.
const ODD_SECRET: &str = "canary/S3CRET+7f3a 9d==é";

fn basic() -> String {
    basic_of(SECRET)
}

/// The base64 of HTTP Basic for `my-client` and `secret` (RFC 6749 §2.3.1).
fn basic_of(secret: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("my-client:{}", form(secret)))
}

fn form(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// `text` as a JSON string's content, with `/` escaped as `\/`.
fn json_slashed(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap();
    quoted[1..quoted.len() - 1].replace('/', "\\/")
}

/// `text` as a JSON string's content with every character `\u`-escaped.
fn json_unicode(text: &str) -> String {
    text.encode_utf16().map(|u| format!("\\u{u:04x}")).collect()
}

/// Every spelling of `secret` that must never be printed or written: as it is,
/// form-urlencoded, in the Basic credentials, JSON-escaped two ways.
fn spellings(secret: &str) -> Vec<(&'static str, String)> {
    vec![
        ("the secret", secret.to_string()),
        ("the form-urlencoded secret", form(secret)),
        ("the Basic credentials", basic_of(secret)),
        ("the JSON-escaped secret", json_slashed(secret)),
        ("the \\u-escaped secret", json_unicode(secret)),
    ]
}

/// Status, headers and body of an answer.
type Answer = (u16, Vec<(&'static str, String)>, Vec<u8>);

/// What the server answers in each case of the matrix, and the exit code it gives.
struct Case {
    name: &'static str,
    exit: i32,
    /// `None`: nothing listens (a refused connection); else status, headers, body.
    answer: Option<Answer>,
    /// Extra arguments, e.g. the mistake for the usage error.
    args: Vec<String>,
    /// The client secret of the run.
    secret: &'static str,
    /// On success: whether the answer may be cached (it may not when it echoes the secret).
    cached: bool,
}

impl Case {
    fn new(name: &'static str, exit: i32, answer: Option<Answer>) -> Case {
        Case {
            name,
            exit,
            answer,
            args: vec![],
            secret: SECRET,
            cached: true,
        }
    }

    fn args(mut self, args: &[&str]) -> Case {
        self.args = args.iter().map(|a| a.to_string()).collect();
        self
    }

    fn odd(mut self) -> Case {
        self.secret = ODD_SECRET;
        self
    }
}

fn json() -> Vec<(&'static str, String)> {
    vec![("content-type", "application/json".to_string())]
}

fn typed(content_type: &str) -> Vec<(&'static str, String)> {
    vec![("content-type", content_type.to_string())]
}

fn cases() -> Vec<Case> {
    let mut cases = basic_cases();
    cases.extend(unparseable_cases());
    cases.extend(encoded_secret_cases());
    cases
}

fn basic_cases() -> Vec<Case> {
    let echo = format!(
        r#"{{"error":"invalid_client","error_description":"client secret {SECRET} does not match; you sent Authorization: Basic {}","error_uri":"https://idp.example/{SECRET}"}}"#,
        basic()
    );
    let success = format!(
        r#"{{"access_token":"{TOKEN}","refresh_token":"{REFRESH}","token_type":"Bearer","expires_in":3600}}"#
    );
    let redirect = vec![(
        "location",
        format!("https://elsewhere.example/token?client_secret={SECRET}"),
    )];
    let html = format!(
        "<html>Authorization: Basic {} client_secret={SECRET}</html>",
        basic()
    );
    let secret_in_data = format!("client_secret={SECRET}");
    vec![
        Case::new("success", 0, Some((200, json(), success.into()))),
        Case::new("usage error", 2, None).args(&["--header-pattern", "Bearer {secret}"]),
        Case::new("unknown option", 2, None).args(&["--no-such-option"]),
        Case::new("the secret typed into -d", 2, None).args(&["-d", &secret_in_data]),
        Case::new("refused connection", 3, None),
        Case::new(
            "401 echoing the credentials",
            4,
            Some((401, json(), echo.clone().into())),
        ),
        Case::new(
            "500 echoing the credentials",
            5,
            Some((500, json(), echo.into())),
        ),
        Case::new(
            "302 to a URL with the secret",
            5,
            Some((302, redirect, vec![])),
        ),
        Case::new(
            "a body that is no answer, echoing the request",
            5,
            Some((200, typed("text/html"), html.into())),
        ),
    ]
}

/// Answers that do not parse but hold whole tokens (SPEC, Conventions: field
/// values are redacted and long runs cut even then).
fn unparseable_cases() -> Vec<Case> {
    let fields = format!(r#""access_token":"{TOKEN}","refresh_token":"{REFRESH}""#);
    let mut not_utf8 = format!("{{{fields},\"x\":\"").into_bytes();
    not_utf8.extend_from_slice(b"\xff\xfe\"}");
    let html = format!(
        "<html><body><h1>400</h1><p>token {BARE_TOKEN} was revoked</p>\
         <pre>access_token={TOKEN}&amp;refresh_token={REFRESH}</pre></body></html>"
    );
    let quoting = format!(
        r#"{{"error":"invalid_grant","error_description":"refresh_token={REFRESH} was revoked (token {BARE_TOKEN})"}}"#
    );
    vec![
        Case::new(
            "200 JSON with a trailing comma",
            5,
            Some((200, json(), format!("{{{fields},}}").into())),
        ),
        Case::new(
            "200 JSON array",
            5,
            Some((200, json(), format!("[{{{fields}}}]").into())),
        ),
        Case::new("200 not UTF-8", 5, Some((200, json(), not_utf8))),
        Case::new(
            "200 JSON after a byte order mark",
            5,
            Some((200, json(), format!("\u{feff}{{{fields}}}").into())),
        ),
        Case::new(
            "400 HTML page quoting tokens",
            4,
            Some((400, typed("text/html"), html.into())),
        ),
        Case::new(
            "400 error_description quoting a refresh token",
            4,
            Some((400, json(), quoting.into())),
        ),
    ]
}

/// A server that echoes the secret in every encoding (issue: form-urlencoded,
/// JSON-escaped, Basic base64, split by control characters), in errors, a
/// redirect, and a successful answer (which must then not be cached).
fn encoded_secret_cases() -> Vec<Case> {
    let s = ODD_SECRET;
    let (form, basic) = (form(s), basic_of(s));
    let form_body =
        format!("grant_type=client_credentials&client_id=my-client&client_secret={form}");
    let escaped = format!(
        r#"{{"message":"bad secret {}","seen":"{}","auth":"Basic {}"}}"#,
        json_slashed(s),
        json_unicode(s),
        json_slashed(&basic)
    );
    let (head, tail) = s.split_at(9);
    let (b_head, b_tail) = basic.split_at(7);
    let split = format!(
        "secret {head}\u{1b}{tail}; auth {b_head}\r\n{b_tail}; {head}\t{tail}; {head}\u{85}{tail}"
    );
    let redirect = vec![(
        "location",
        format!("https://elsewhere.example/cb?{form_body}"),
    )];
    let echoed = format!(
        r#"{{"access_token":"{TOKEN}","expires_in":3600,"seen":"Basic {basic}","body":"{form_body}"}}"#
    );
    let mut success = Case::new("200 echoing the Basic header and the form body", 0, None).odd();
    success.answer = Some((200, json(), echoed.into()));
    success.cached = false;
    vec![
        Case::new(
            "400 text echoing the form body",
            4,
            Some((400, typed("text/plain"), form_body.clone().into())),
        )
        .odd(),
        Case::new(
            "400 JSON with no error field, JSON-escaped",
            4,
            Some((400, json(), escaped.clone().into())),
        )
        .odd(),
        Case::new("500 JSON-escaped", 5, Some((500, json(), escaped.into()))).odd(),
        Case::new(
            "400 text split by control characters",
            4,
            Some((400, typed("text/plain"), split.into())),
        )
        .odd(),
        Case::new(
            "302 echoing the form body",
            5,
            Some((302, redirect, vec![])),
        )
        .odd(),
        success,
    ]
}

/// Whether `text` shows `spelling`, even with spaces in it: a control character
/// that splits a secret may be shown as a space, and the secret still read.
fn shows(text: &str, spelling: &str) -> bool {
    let squeeze = |t: &str| t.split_whitespace().collect::<String>();
    squeeze(text).contains(&squeeze(spelling))
}

/// Check one run's stdout, stderr and files.
fn assert_nothing_leaked(context: &str, case: &Case, format: &str, run: &util::Run, dir: &Path) {
    let cache_dir = dir.join("cache");
    let (code, stdout, stderr) = (run.code, &run.stdout, &run.stderr);
    assert_no_leak(stderr, &format!("{context}: stderr"));
    for token in [REFRESH, BARE_TOKEN] {
        assert!(
            !stderr.contains(token),
            "{context}: a token leaked on stderr:\n{stderr}"
        );
    }
    for (what, spelling) in spellings(case.secret) {
        assert!(
            !shows(stderr, &spelling),
            "{context}: {what} leaked on stderr:\n{stderr}"
        );
        // -f json prints every field of the answer, echoes included (SECURITY.md).
        let printed_answer = code == 0 && format == "json" && !case.cached;
        assert!(
            printed_answer || !shows(stdout, &spelling),
            "{context}: {what} on stdout: {stdout}"
        );
    }
    if code == 0 {
        assert!(
            stdout.contains(TOKEN),
            "{context}: no token on stdout: {stdout}"
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
        for (what, spelling) in spellings(case.secret) {
            assert!(!text.contains(&spelling), "{context}: {what} is in {shown}");
        }
        let is_entry =
            path.parent() == Some(&cache_dir) && path.extension().is_some_and(|e| e == "json");
        if !is_entry {
            assert!(
                !text.contains(TOKEN),
                "{context}: the token is in {shown}, not a cache entry"
            );
        }
    }
}

/// A server for the case, and the URL to give tokn.
fn serve(case: &Case, refused_port: u16) -> (MockServer, String) {
    let server = MockServer::start();
    if let Some((status, headers, body)) = &case.answer {
        server.mock(|when, then| {
            when.method(POST).path("/token");
            let mut then = then.status(*status);
            for (name, value) in headers {
                then = then.header(*name, value.as_str());
            }
            then.body(body);
        });
    }
    let url = match case.answer {
        Some(_) => server.url("/token"),
        None => format!("http://127.0.0.1:{refused_port}/token"),
    };
    (server, url)
}

/// One case with and without `-v`, in every format, with the cache and without.
/// How the secret reaches tokn in a run of the matrix.
#[derive(Clone, Copy, Debug)]
enum Way {
    /// `TOKN_CLIENT_SECRET`.
    Env,
    /// `--client-secret-cmd`, a command that prints it.
    Command,
    /// `client_secret_cmd` in the profile of a config file.
    Profile,
}

impl Way {
    /// Put the secret in place for `cmd`, in `dir` (apart from the files the
    /// run is searched for).
    fn apply(self, cmd: &mut assert_cmd::Command, secret: &str, dir: &TempDir) {
        let printer = dir.file("print-secret", format!("{secret}\n").as_bytes(), 0o600);
        let print = format!("cat '{}'", printer.display());
        match self {
            Way::Env => {
                cmd.env("TOKN_CLIENT_SECRET", secret);
            }
            Way::Command => {
                cmd.arg("--client-secret-cmd").arg(print);
            }
            Way::Profile => {
                let text = format!(
                    "[profiles.p]\nclient_secret_cmd = {}\n",
                    serde_json::Value::from(print)
                );
                let config = dir.file("config.toml", text.as_bytes(), 0o600);
                cmd.arg("--config").arg(config).args(["-p", "p"]);
            }
        }
    }
}

fn run_case(case: &Case, refused_port: u16, way: Way, verbosities: &[bool]) {
    let (_server, url) = serve(case, refused_port);
    // One pinned clock for both runs, so a second boundary between them cannot change
    // `expires_in` and make the cached answer look different.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        .to_string();
    for &verbose in verbosities {
        for format in FORMATS {
            for cache in [false, true] {
                let context = format!(
                    "{} (secret by {way:?}, -v {verbose}, -f {format}, cache {cache})",
                    case.name
                );
                let dir = TempDir::new();
                let secrets = TempDir::new();
                let run_once = || {
                    let mut cmd = tokn(&dir);
                    cmd.env("TOKN_TEST_NOW", &now);
                    cmd.args(["-u", &url, "-i", "my-client", "--retry", "0", "-f", format])
                        .args(&case.args);
                    way.apply(&mut cmd, case.secret, &secrets);
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
                assert_nothing_leaked(&context, case, format, &out, dir.path());
                if case.exit == 0 && verbose {
                    // Verbose shows at most the first 6 characters of a token.
                    assert!(
                        out.stderr.contains(&TOKEN[..6]),
                        "{context}: {}",
                        out.stderr
                    );
                }
                if case.exit == 0 && cache {
                    // Again: from the cache when it may be cached, the same care on that path.
                    let again = run_once();
                    assert_eq!(again.code, 0, "{context} (again): {}", again.stderr);
                    if case.cached {
                        assert_eq!(again.stdout, out.stdout, "{context} (again)");
                    }
                    let from_cache = again.stderr.contains("token from the cache");
                    assert!(!verbose || from_cache == case.cached, "{}", again.stderr);
                    let context = format!("{context} (again)");
                    assert_nothing_leaked(&context, case, format, &again, dir.path());
                }
            }
        }
    }
}

#[test]
fn no_exit_verbosity_format_or_cache_setting_leaks_the_secret_or_the_token() {
    let refused_port = free_port();
    for case in cases() {
        run_case(&case, refused_port, Way::Env, &[false, true]);
    }
}

#[test]
fn the_matrix_holds_with_the_secret_from_a_command_or_a_profile() {
    let refused_port = free_port();
    for case in cases() {
        for way in [Way::Command, Way::Profile] {
            run_case(&case, refused_port, way, &[true]);
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
        let case = Case::new("an error", 4, None);
        assert_nothing_leaked(way, &case, "raw", &out, dir.path());
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
