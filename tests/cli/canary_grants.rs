//! Canaries for the grants' secret inputs: the refresh token, the password, the
//! assertion, the subject and actor tokens, the device code, the authorization
//! code and the PKCE verifier. Each is planted (or, for the verifier, read back
//! from what the server received) and searched for in everything tokn writes,
//! on every exit code, with `-v` and without, in every format, with the cache
//! and without, while the server echoes the whole request back in its answers.
//! Only the cache entry may hold a token; no grant input but a refresh token
//! ever reaches a file.

use std::path::Path;

use crate::scripted::{Answer, ECHO, Scripted};
use crate::util::{SECRET, TOKEN, TempDir, files_under, free_port, query_param, run, tokn_for};

const REFRESH_IN: &str = "canaryREFRESHIN-71c2d9";
const PASSWORD: &str = "canaryPASSWORD-5e80aa";
const ASSERTION: &str = "canaryASSERTION-c4b1f2";
const SUBJECT: &str = "canarySUBJECT-93d0e7";
const ACTOR: &str = "canaryACTOR-2a6f18";
const REFRESH_OUT: &str = "canaryREFRESHOUT-e51b3c";
const DEVICE_CODE: &str = "canaryDEVICECODE-0f9a2b";
const CODE: &str = "canaryAUTHCODE-7d3e1c";

const FORMATS: [&str; 4] = ["raw", "json", "header", "curl"];

/// A grant and how its canary inputs are given.
struct Grant {
    name: &'static str,
    args: Vec<String>,
    env: Vec<(&'static str, &'static str)>,
    inputs: Vec<&'static str>,
}

fn grants(files: &TempDir) -> Vec<Grant> {
    let file = |name: &str, value: &str| {
        files
            .file(name, format!("{value}\n").as_bytes(), 0o600)
            .display()
            .to_string()
    };
    vec![
        Grant {
            name: "refresh_token by env",
            args: vec!["--grant-type".into(), "refresh_token".into()],
            env: vec![("TOKN_REFRESH_TOKEN", REFRESH_IN)],
            inputs: vec![REFRESH_IN],
        },
        Grant {
            name: "password by file",
            args: vec![
                "--grant-type".into(),
                "password".into(),
                "--username".into(),
                "ann".into(),
                "--password-file".into(),
                file("password", PASSWORD),
            ],
            env: vec![],
            inputs: vec![PASSWORD],
        },
        Grant {
            name: "password by command",
            args: vec![
                "--grant-type".into(),
                "password".into(),
                "--username".into(),
                "ann".into(),
                "--password-cmd".into(),
                format!("printf {PASSWORD}"),
            ],
            env: vec![],
            inputs: vec![PASSWORD],
        },
        Grant {
            name: "jwt-bearer by file",
            args: vec![
                "--grant-type".into(),
                "jwt-bearer".into(),
                "--assertion-file".into(),
                file("assertion", ASSERTION),
            ],
            env: vec![],
            inputs: vec![ASSERTION],
        },
        Grant {
            name: "token-exchange by env",
            args: vec!["--grant-type".into(), "token-exchange".into()],
            env: vec![("TOKN_SUBJECT_TOKEN", SUBJECT), ("TOKN_ACTOR_TOKEN", ACTOR)],
            inputs: vec![SUBJECT, ACTOR],
        },
        Grant {
            name: "token-exchange by file",
            args: vec![
                "--grant-type".into(),
                "token-exchange".into(),
                "--subject-token-file".into(),
                file("subject", SUBJECT),
                "--actor-token-file".into(),
                file("actor", ACTOR),
            ],
            env: vec![],
            inputs: vec![SUBJECT, ACTOR],
        },
    ]
}

/// What the server answers, and the exit code it gives; `None`: nothing listens.
fn answers() -> Vec<(&'static str, i32, Option<Answer>, Vec<&'static str>)> {
    let echo = format!(r#"{{"error":"invalid_grant","error_description":"you sent {ECHO}"}}"#);
    vec![
        (
            "success",
            0,
            Some((
                200,
                format!(
                    r#"{{"access_token":"{TOKEN}","refresh_token":"{REFRESH_OUT}","token_type":"Bearer","expires_in":3600}}"#
                ),
            )),
            vec![],
        ),
        (
            "usage error",
            2,
            None,
            vec!["--header-pattern", "Bearer {x}"],
        ),
        ("refused connection", 3, None, vec![]),
        (
            "400 echoing the request",
            4,
            Some((400, echo.clone())),
            vec![],
        ),
        ("500 echoing the request", 5, Some((500, echo)), vec![]),
        (
            "garbage echoing the request",
            5,
            Some((200, format!("<html>{ECHO}</html>"))),
            vec![],
        ),
    ]
}

/// Nothing of `inputs` on stderr, stdout or in any file; tokens only where allowed.
fn assert_clean(context: &str, out: &crate::util::Run, dir: &Path, inputs: &[&str]) {
    for input in inputs.iter().chain([&SECRET, &REFRESH_OUT]) {
        assert!(
            !out.stderr.contains(input),
            "{context}: {input} on stderr:\n{}",
            out.stderr
        );
        assert!(
            !out.stdout.contains(input) || *input == REFRESH_OUT,
            "{context}: {input} on stdout"
        );
    }
    assert!(
        !out.stderr.contains(TOKEN),
        "{context}: the token on stderr"
    );
    if out.code != 0 {
        assert_eq!(out.stdout, "", "{context}");
    }
    let cache = dir.join("cache");
    for (path, bytes) in files_under(dir) {
        let text = String::from_utf8_lossy(&bytes);
        let is_entry =
            path.parent() == Some(cache.as_path()) && path.extension().is_some_and(|e| e == "json");
        for input in inputs.iter().chain([&SECRET]) {
            // A refresh token given as input may come back as the answer's own.
            let allowed = is_entry && *input == REFRESH_IN;
            if allowed {
                continue;
            }
            assert!(
                !text.contains(input),
                "{context}: {input} in {}",
                path.display()
            );
        }
        if !is_entry {
            assert!(
                !text.contains(TOKEN) && !text.contains(REFRESH_OUT),
                "{context}: {}",
                path.display()
            );
        }
    }
}

#[test]
fn no_grant_input_leaks_on_any_exit_format_verbosity_or_cache_setting() {
    let refused_port = free_port();
    for (case, exit, answer, extra) in answers() {
        let server = answer.map(|a| Scripted::start(vec![("/token", vec![a])]));
        let url = server
            .as_ref()
            .map_or(format!("http://127.0.0.1:{refused_port}/token"), |s| {
                s.url("/token")
            });
        for verbose in [false, true] {
            for format in FORMATS {
                for cache in [false, true] {
                    let dir = TempDir::new();
                    let inputs = TempDir::new();
                    for grant in grants(&inputs) {
                        let context = format!(
                            "{case} / {} (-v {verbose}, -f {format}, cache {cache})",
                            grant.name
                        );
                        let mut cmd = tokn_for(&dir, &url);
                        cmd.args(&grant.args).args(["-f", format]).args(&extra);
                        for (k, v) in &grant.env {
                            cmd.env(k, v);
                        }
                        if verbose {
                            cmd.arg("-v");
                        }
                        if !cache {
                            cmd.arg("--no-cache");
                        }
                        let out = run(&mut cmd);
                        assert_eq!(out.code, exit, "{context}: {}", out.stderr);
                        assert_clean(&context, &out, dir.path(), &grant.inputs);
                    }
                }
            }
        }
    }
}

#[test]
fn a_grant_input_echoed_in_a_successful_answer_is_not_cached() {
    let files = TempDir::new();
    for grant in grants(&files) {
        let server = Scripted::start(vec![(
            "/token",
            vec![(
                200,
                format!(r#"{{"access_token":"{TOKEN}","expires_in":3600,"note":"{ECHO}"}}"#),
            )],
        )]);
        let dir = TempDir::new();
        let mut cmd = tokn_for(&dir, &server.url("/token"));
        cmd.args(&grant.args).arg("-v");
        for (k, v) in &grant.env {
            cmd.env(k, v);
        }
        let out = run(&mut cmd);
        assert_eq!(out.code, 0, "{}: {}", grant.name, out.stderr);
        assert_eq!(out.stdout, format!("{TOKEN}\n"));
        let inputs: Vec<&str> = grant
            .inputs
            .iter()
            .copied()
            .filter(|i| *i != REFRESH_IN)
            .collect();
        assert_clean(grant.name, &out, dir.path(), &inputs);
        if grant.inputs != [REFRESH_IN] {
            assert!(
                out.stderr
                    .contains("not caching: the answer contains the client secret, an assertion or an input of the grant"),
                "{}: {}",
                grant.name,
                out.stderr
            );
        }
    }
}

#[test]
fn the_device_code_never_shows() {
    let code: Answer = (
        200,
        format!(
            r#"{{"device_code":"{DEVICE_CODE}","user_code":"UC","verification_uri":"https://v.example","expires_in":60,"interval":1}}"#
        ),
    );
    let echo = format!(r#"{{"error":"access_denied","error_description":"you sent {ECHO}"}}"#);
    for (answer, exit) in [((400, echo.clone()), 4), ((500, echo), 5)] {
        for verbose in [false, true] {
            let server = Scripted::start(vec![
                ("/device", vec![code.clone()]),
                ("/token", vec![answer.clone()]),
            ]);
            let dir = TempDir::new();
            let mut cmd = tokn_for(&dir, &server.url("/token"));
            cmd.args([
                "--grant-type",
                "device",
                "--device-url",
                &server.url("/device"),
            ]);
            if verbose {
                cmd.arg("-v");
            }
            let out = run(&mut cmd);
            assert_eq!(out.code, exit, "{}", out.stderr);
            assert_clean("device", &out, dir.path(), &[DEVICE_CODE]);
            assert!(server.seen("/token")[0].body.contains(DEVICE_CODE));
        }
    }
}

#[test]
fn the_authorization_code_and_the_verifier_never_show() {
    use std::io::{BufRead, BufReader, Read, Write};
    let echo = format!(r#"{{"error":"invalid_grant","error_description":"you sent {ECHO}"}}"#);
    for verbose in [false, true] {
        let server = Scripted::start(vec![("/token", vec![(400, echo.clone())])]);
        let dir = TempDir::new();
        let mut cmd = crate::util::std_tokn(&dir);
        cmd.args([
            "-u",
            &server.url("/token"),
            "-i",
            "my-client",
            "--auth",
            "none",
        ])
        .args([
            "--grant-type",
            "code",
            "--authorize-url",
            "https://idp.example/a",
            "--no-browser",
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
        if verbose {
            cmd.arg("-v");
        }
        let mut child = cmd.spawn().expect("tokn starts");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut printed = String::new();
        let url = loop {
            let mut line = String::new();
            assert!(stderr.read_line(&mut line).unwrap() > 0, "{printed}");
            printed.push_str(&line);
            if line.trim().starts_with("https://idp.example/a?") {
                break line.trim().to_string();
            }
        };
        let redirect = query_param(&url, "redirect_uri").unwrap();
        let rest = redirect.strip_prefix("http://").unwrap();
        let (authority, path) = rest.split_at(rest.find('/').unwrap());
        let mut stream = std::net::TcpStream::connect(authority).unwrap();
        write!(
            stream,
            "GET {path}?code={CODE}&state={} HTTP/1.1\r\nHost: {authority}\r\n\r\n",
            query_param(&url, "state").unwrap()
        )
        .unwrap();
        let mut page = String::new();
        let _ = stream.read_to_string(&mut page);
        let mut rest = String::new();
        stderr.read_to_string(&mut rest).unwrap();
        let status = child.wait().unwrap();
        let out = crate::util::Run {
            code: status.code().unwrap_or(-1),
            stdout: String::new(),
            stderr: printed + &rest,
        };
        assert_eq!(out.code, 4, "{}", out.stderr);
        let sent = &server.seen("/token")[0];
        let verifier = sent.field("code_verifier").unwrap();
        assert_eq!(sent.field("code").as_deref(), Some(CODE));
        assert_clean("code", &out, dir.path(), &[CODE, &verifier]);
        assert!(!page.contains(CODE), "the page shows the code");
    }
}

#[test]
fn a_signed_assertion_and_a_service_accounts_key_never_show() {
    let echo = format!(r#"{{"error":"invalid_grant","error_description":"you sent {ECHO}"}}"#);
    let answers: [(Answer, i32); 4] = [
        ((200, crate::util::token_json(3600)), 0),
        ((400, echo.clone()), 4),
        ((500, echo), 5),
        ((200, format!("<html>{ECHO}</html>")), 5),
    ];
    for (answer, exit) in answers {
        for verbose in [false, true] {
            for format in FORMATS {
                let server = Scripted::start(vec![("/token", vec![answer.clone()])]);
                let dir = TempDir::new();
                let pem = std::fs::read_to_string(crate::util::test_key(&dir, "rsa.pem")).unwrap();
                let json = serde_json::json!({
                    "type": "service_account", "client_email": "sa@example.test",
                    "private_key": pem, "private_key_id": "k1", "token_uri": server.url("/token"),
                });
                let file = dir.file("sa.json", json.to_string().as_bytes(), 0o600);
                let mut cmd = crate::util::tokn(&dir);
                cmd.arg("--service-account").arg(&file).args(["-f", format]);
                if verbose {
                    cmd.arg("-v");
                }
                let out = run(&mut cmd);
                let context = format!("HTTP {} (-v {verbose}, -f {format})", answer.0);
                assert_eq!(out.code, exit, "{context}: {}", out.stderr);
                let assertion = server.seen("/token")[0].field("assertion").unwrap();
                // The key's base64 body, line by line, and the assertion.
                let key_lines: Vec<&str> = pem
                    .lines()
                    .filter(|l| !l.starts_with("-----") && l.len() > 16)
                    .collect();
                for text in [&out.stdout, &out.stderr] {
                    assert!(
                        !text.contains(&assertion),
                        "{context}: the assertion:\n{text}"
                    );
                    for line in &key_lines {
                        assert!(!text.contains(line), "{context}: the private key:\n{text}");
                    }
                }
                for (path, bytes) in files_under(&dir.path().join("cache")) {
                    let text = String::from_utf8_lossy(&bytes);
                    assert!(!text.contains(&assertion), "{context}: {}", path.display());
                    assert!(
                        !text.contains(key_lines[0]),
                        "{context}: {}",
                        path.display()
                    );
                }
            }
        }
    }
}
