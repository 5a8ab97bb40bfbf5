//! The grants: the short names of `--grant-type` and what each sends, in the
//! SPEC's field order; `--audience` and `--resource`; the token-type short
//! names; where each input comes from and what wins; and the usage errors for an
//! input that is missing (naming its sources), one given with another grant
//! (naming the grant it belongs to), and a `-d` field tokn sets itself.

use crate::scripted::{Answer, Scripted};
use crate::util::{SECRET, TOKEN, TempDir, on_a_terminal, run, token_json, tokn, tokn_for};

const TE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const JWT: &str = "urn:ietf:params:oauth:token-type:jwt";
const ACCESS: &str = "urn:ietf:params:oauth:token-type:access_token";

fn token_server() -> Scripted {
    let ok: Answer = (200, token_json(3600));
    Scripted::start(vec![("/token", vec![ok])])
}

/// Run tokn against a fresh server; the one token request's fields, names and values.
fn sent(args: &[&str], env: &[(&str, &str)]) -> Vec<(String, String)> {
    let server = token_server();
    let dir = TempDir::new();
    let mut cmd = tokn_for(&dir, &server.url("/token"));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    assert_eq!(out.stdout, format!("{TOKEN}\n"));
    let seen = server.seen("/token");
    assert_eq!(seen.len(), 1);
    form_urlencoded::parse(seen[0].body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Environment variables for one run.
type Env<'a> = &'a [(&'a str, &'a str)];

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn each_grant_sends_its_fields_in_the_spec_order() {
    let post = ["--auth", "post", "-s", "read", "--audience", "aud1"];
    let post = |more: &[&'static str]| -> Vec<&'static str> {
        let mut v = post.to_vec();
        v.extend_from_slice(more);
        v.extend_from_slice(&["--resource", "https://api", "-d", "extra=1"]);
        v
    };
    let client = [("client_id", "my-client"), ("client_secret", SECRET)];
    let with = |head: &[(&str, &str)]| {
        let mut all = head.to_vec();
        all.extend_from_slice(&[
            ("scope", "read"),
            ("audience", "aud1"),
            ("resource", "https://api"),
        ]);
        all.extend_from_slice(&client);
        all.push(("extra", "1"));
        pairs(&all)
    };
    assert_eq!(
        sent(&post(&[]), &[]),
        with(&[("grant_type", "client_credentials")])
    );
    assert_eq!(
        sent(
            &post(&["--grant-type", "refresh_token"]),
            &[("TOKN_REFRESH_TOKEN", "rt-1")]
        ),
        with(&[("grant_type", "refresh_token"), ("refresh_token", "rt-1")])
    );
    assert_eq!(
        sent(
            &post(&["--grant-type", "password", "--username", "ann"]),
            &[("TOKN_PASSWORD", "pw-1")]
        ),
        with(&[
            ("grant_type", "password"),
            ("username", "ann"),
            ("password", "pw-1")
        ])
    );
    assert_eq!(
        sent(
            &post(&["--grant-type", "jwt-bearer"]),
            &[("TOKN_ASSERTION", "a.b.c")]
        ),
        with(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", "a.b.c")
        ])
    );
    assert_eq!(
        sent(
            &post(&[
                "--grant-type",
                "token-exchange",
                "--actor-token-type",
                "access_token",
                "--requested-token-type",
                "urn:x:custom",
            ]),
            &[("TOKN_SUBJECT_TOKEN", "subj"), ("TOKN_ACTOR_TOKEN", "act")]
        ),
        with(&[
            ("grant_type", TE),
            ("subject_token", "subj"),
            ("subject_token_type", JWT),
            ("actor_token", "act"),
            ("actor_token_type", ACCESS),
            ("requested_token_type", "urn:x:custom")
        ])
    );
    assert_eq!(
        sent(&post(&["--grant-type", "urn:example:custom"]), &[]),
        with(&[("grant_type", "urn:example:custom")])
    );
}

#[test]
fn basic_and_none_put_the_client_between_the_grant_and_the_data() {
    let fields = sent(
        &["--auth", "none", "--grant-type", "jwt-bearer", "-d", "k=v"],
        &[("TOKN_ASSERTION", "a.b.c")],
    );
    assert_eq!(
        fields,
        pairs(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", "a.b.c"),
            ("client_id", "my-client"),
            ("k", "v")
        ])
    );
    let server = token_server();
    let dir = TempDir::new();
    let out = run(tokn_for(&dir, &server.url("/token"))
        .args([
            "--auth",
            "basic",
            "--grant-type",
            "refresh_token",
            "--audience",
            "a",
            "--audience",
            "b",
        ])
        .env("TOKN_REFRESH_TOKEN", "rt"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let seen = &server.seen("/token")[0];
    assert_eq!(
        seen.body,
        "grant_type=refresh_token&refresh_token=rt&audience=a&audience=b"
    );
    assert!(
        seen.header("authorization")
            .is_some_and(|h| h.starts_with("Basic "))
    );
}

#[test]
fn token_types_may_be_written_short_or_in_full() {
    for (given, sent_as) in [
        ("access_token", ACCESS),
        (
            "refresh_token",
            "urn:ietf:params:oauth:token-type:refresh_token",
        ),
        ("id_token", "urn:ietf:params:oauth:token-type:id_token"),
        ("jwt", JWT),
        ("saml1", "urn:ietf:params:oauth:token-type:saml1"),
        ("saml2", "urn:ietf:params:oauth:token-type:saml2"),
        (ACCESS, ACCESS),
        ("urn:example:other", "urn:example:other"),
    ] {
        let fields = sent(
            &[
                "--grant-type",
                "token-exchange",
                "--subject-token-type",
                given,
            ],
            &[("TOKN_SUBJECT_TOKEN", "subject-value")],
        );
        assert!(
            fields.contains(&("subject_token_type".into(), sent_as.into())),
            "{given}: {fields:?}"
        );
    }
}

#[test]
fn a_file_flag_beats_the_variable_and_standard_input_works() {
    let files = TempDir::new();
    let subject = files.file("subject", b"from-file\n", 0o600);
    let fields = sent(
        &[
            "--grant-type",
            "token-exchange",
            "--subject-token-file",
            subject.to_str().unwrap(),
        ],
        &[("TOKN_SUBJECT_TOKEN", "from-env")],
    );
    assert!(
        fields.contains(&("subject_token".into(), "from-file".into())),
        "{fields:?}"
    );

    let server = token_server();
    let dir = TempDir::new();
    let out = run(tokn_for(&dir, &server.url("/token"))
        .args(["--grant-type", "refresh_token", "--refresh-token-file", "-"])
        .write_stdin("rt-from-stdin\r\n"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        server.seen("/token")[0].field("refresh_token").as_deref(),
        Some("rt-from-stdin")
    );
}

#[test]
fn a_password_comes_from_a_file_the_variable_or_a_command() {
    let files = TempDir::new();
    let pw = files.file("pw", b"pw-file\n", 0o600);
    let base = ["--grant-type", "password", "--username", "ann"];
    fn with<'a>(base: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
        let mut v = base.to_vec();
        v.extend_from_slice(more);
        v
    }
    let password = |fields: Vec<(String, String)>| {
        fields
            .into_iter()
            .find(|(k, _)| k == "password")
            .map(|(_, v)| v)
    };
    assert_eq!(
        password(sent(
            &with(&base, &["--password-file", pw.to_str().unwrap()]),
            &[("TOKN_PASSWORD", "pw-env")]
        )),
        Some("pw-file".into())
    );
    assert_eq!(
        password(sent(
            &with(&base, &["--password-cmd", "printf pw-cmd"]),
            &[("TOKN_PASSWORD", "pw-env")]
        )),
        Some("pw-cmd".into()),
        "a flag beats a variable"
    );
    assert_eq!(
        password(sent(
            &with(&base, &[]),
            &[
                ("TOKN_PASSWORD", "pw-env"),
                ("TOKN_PASSWORD_CMD", "printf pw-cmd")
            ]
        )),
        Some("pw-env".into()),
        "within the variables, the value beats the command"
    );
    assert_eq!(
        password(sent(
            &with(&base, &[]),
            &[("TOKN_PASSWORD_CMD", "printf 'pw-cmd\\n'")]
        )),
        Some("pw-cmd".into())
    );
    // The config file's password_cmd.
    let cfg = files.file(
        "config.toml",
        b"[profiles.p]\ngrant_type = \"password\"\nusername = \"ann\"\npassword_cmd = \"printf pw-profile\"\n",
        0o600,
    );
    let fields = sent(&["--config", cfg.to_str().unwrap(), "-p", "p"], &[]);
    assert_eq!(password(fields), Some("pw-profile".into()));
}

/// Run tokn with `args` and `env` against a server that must not be asked.
fn usage_error(args: &[&str], env: &[(&str, &str)]) -> String {
    let server = token_server();
    let dir = TempDir::new();
    let mut cmd = tokn_for(&dir, &server.url("/token"));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run(&mut cmd);
    assert_eq!(out.code, 2, "{args:?} {env:?}: {}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(
        server.seen("/token").is_empty(),
        "{args:?}: a request was sent"
    );
    assert!(out.stderr.starts_with("tokn: error: "), "{}", out.stderr);
    assert!(!out.stderr.contains(SECRET), "{}", out.stderr);
    out.stderr
}

#[test]
fn a_missing_input_names_where_it_may_come_from() {
    let cases: [(&[&str], &[&str]); 7] = [
        (
            &["--grant-type", "refresh_token"],
            &["--refresh-token-file", "TOKN_REFRESH_TOKEN"],
        ),
        (
            &["--grant-type", "password"],
            &["--username", "TOKN_USERNAME"],
        ),
        (
            &["--grant-type", "password", "--username", "ann"],
            &[
                "--password-file",
                "TOKN_PASSWORD",
                "password_cmd",
                "no terminal",
            ],
        ),
        (
            &["--grant-type", "jwt-bearer"],
            &["--assertion-file", "TOKN_ASSERTION"],
        ),
        (
            &["--grant-type", "token-exchange"],
            &["--subject-token-file", "TOKN_SUBJECT_TOKEN"],
        ),
        (
            &["--grant-type", "device"],
            &["--device-url", "TOKN_DEVICE_URL"],
        ),
        (
            &["--grant-type", "code"],
            &["--authorize-url", "TOKN_AUTHORIZE_URL"],
        ),
    ];
    for (args, named) in cases {
        let stderr = usage_error(args, &[]);
        for name in named {
            assert!(stderr.contains(name), "{args:?}: no {name} in {stderr}");
        }
    }
    let stderr = usage_error(
        &[
            "--grant-type",
            "token-exchange",
            "--actor-token-type",
            "jwt",
        ],
        &[("TOKN_SUBJECT_TOKEN", "subject-value")],
    );
    assert!(stderr.contains("--actor-token-file"), "{stderr}");
}

#[test]
fn a_flag_of_another_grant_names_the_grant_it_belongs_to() {
    let files = TempDir::new();
    let f = files.file("input", b"x", 0o600);
    let f = f.to_str().unwrap();
    let flags: [(&[&str], &str); 15] = [
        (&["--refresh-token-file", f], "refresh_token"),
        (&["--username", "ann"], "password"),
        (&["--password-file", f], "password"),
        (&["--password-cmd", "true"], "password"),
        (&["--assertion-file", f], "jwt-bearer"),
        (&["--subject-token-file", f], "token-exchange"),
        (&["--subject-token-type", "jwt"], "token-exchange"),
        (&["--actor-token-file", f], "token-exchange"),
        (&["--actor-token-type", "jwt"], "token-exchange"),
        (&["--requested-token-type", "jwt"], "token-exchange"),
        (&["--device-url", "https://idp/device"], "device"),
        (
            &["--authorize-url", "https://idp/authorize"],
            "authorization_code",
        ),
        (
            &["--redirect-uri", "http://127.0.0.1:9/cb"],
            "authorization_code",
        ),
        (&["--no-browser"], "authorization_code"),
        (&["--login-timeout", "10"], "authorization_code"),
    ];
    let env = [
        ("TOKN_REFRESH_TOKEN", "refresh_token"),
        ("TOKN_PASSWORD", "password"),
        ("TOKN_ASSERTION", "jwt-bearer"),
        ("TOKN_SUBJECT_TOKEN", "token-exchange"),
        ("TOKN_ACTOR_TOKEN", "token-exchange"),
        ("TOKN_USERNAME", "password"),
        ("TOKN_DEVICE_URL", "device"),
    ];
    for grant in [
        "client_credentials",
        "password",
        "device",
        "urn:example:custom",
    ] {
        for (args, owner) in flags {
            if grant == owner {
                continue;
            }
            let mut all = vec!["--grant-type", grant];
            all.extend_from_slice(args);
            let stderr = usage_error(&all, &[]);
            let expected = format!("{} belongs to --grant-type {owner}, not ", args[0]);
            assert!(stderr.contains(&expected), "{all:?}: {stderr}");
        }
    }
    // A built-in default (--login-timeout's) was set by nobody: nothing to ignore.
    let server = token_server();
    let dir = TempDir::new();
    let out = run(tokn_for(&dir, &server.url("/token")).arg("-v"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("ignoring"), "{}", out.stderr);
    // The environment is ambient: another grant's variable is left alone, and -v says so.
    for (var, owner) in env {
        let server = token_server();
        let dir = TempDir::new();
        let out = run(tokn_for(&dir, &server.url("/token"))
            .arg("-v")
            .env(var, "https://idp/ambient-value"));
        assert_eq!(out.code, 0, "{var}: {}", out.stderr);
        let expected = format!("* ignoring {var}: it is for --grant-type {owner}");
        assert!(out.stderr.contains(&expected), "{var}: {}", out.stderr);
        assert!(!server.seen("/token")[0].body.contains("ambient"));
    }
}

#[test]
fn a_config_file_may_hold_inputs_of_other_grants() {
    let files = TempDir::new();
    let cfg = files.file(
        "config.toml",
        b"[defaults]\nlogin_timeout = 600\n\n[profiles.p]\ndevice_url = \"https://idp/device\"\n\
          authorize_url = \"https://idp/authorize\"\n\n[profiles.wrong]\ngrant_type = \"password\"\n\
          device_url = \"https://idp/device\"\n",
        0o600,
    );
    let cfg = cfg.to_str().unwrap();
    // The profile describes the provider; the flag picks the grant.
    let fields = sent(
        &[
            "--config",
            cfg,
            "-p",
            "p",
            "--grant-type",
            "client_credentials",
        ],
        &[],
    );
    assert_eq!(
        fields[0],
        ("grant_type".into(), "client_credentials".into())
    );
    // The same table naming both a grant and another grant's input is a mistake.
    let stderr = usage_error(&["--config", cfg, "-p", "wrong"], &[]);
    assert!(
        stderr.contains(
            "device_url in [profiles.wrong] belongs to --grant-type device, not password"
        ),
        "{stderr}"
    );
}

#[test]
fn a_data_field_the_grant_sets_names_the_option_to_use() {
    let cases: [(&str, Env, &str, &str); 12] = [
        (
            "refresh_token",
            &[("TOKN_REFRESH_TOKEN", "rt-value")],
            "refresh_token",
            "--refresh-token-file",
        ),
        (
            "password",
            &[("TOKN_USERNAME", "u"), ("TOKN_PASSWORD", "pw-value")],
            "username",
            "--username",
        ),
        (
            "password",
            &[("TOKN_USERNAME", "u"), ("TOKN_PASSWORD", "pw-value")],
            "password",
            "--password-file",
        ),
        (
            "jwt-bearer",
            &[("TOKN_ASSERTION", "assertion-value")],
            "assertion",
            "--assertion-file",
        ),
        (
            "token-exchange",
            &[("TOKN_SUBJECT_TOKEN", "subject-value")],
            "subject_token",
            "--subject-token-file",
        ),
        (
            "token-exchange",
            &[("TOKN_SUBJECT_TOKEN", "subject-value")],
            "subject_token_type",
            "--subject-token-type",
        ),
        (
            "token-exchange",
            &[("TOKN_SUBJECT_TOKEN", "subject-value")],
            "actor_token",
            "--actor-token-file",
        ),
        (
            "token-exchange",
            &[("TOKN_SUBJECT_TOKEN", "subject-value")],
            "actor_token_type",
            "--actor-token-type",
        ),
        (
            "token-exchange",
            &[("TOKN_SUBJECT_TOKEN", "subject-value")],
            "requested_token_type",
            "--requested-token-type",
        ),
        (
            "device",
            &[("TOKN_DEVICE_URL", "https://idp/d")],
            "device_code",
            "--grant-type device",
        ),
        (
            "code",
            &[("TOKN_AUTHORIZE_URL", "https://idp/a")],
            "code",
            "--grant-type authorization_code",
        ),
        (
            "code",
            &[("TOKN_AUTHORIZE_URL", "https://idp/a")],
            "redirect_uri",
            "--redirect-uri",
        ),
    ];
    for (grant, env, key, option) in cases {
        let data = format!("{key}=x");
        let stderr = usage_error(&["--grant-type", grant, "-d", &data], env);
        assert!(
            stderr.contains(&format!("-d {key}=… is set by tokn itself"))
                && stderr.contains(option),
            "{grant} {key}: {stderr}"
        );
    }
    let stderr = usage_error(
        &["--grant-type", "code", "-d", "code_verifier=x"],
        &[("TOKN_AUTHORIZE_URL", "https://idp/a")],
    );
    assert!(stderr.contains("code_verifier"), "{stderr}");
}

#[test]
fn part_one_custom_grants_keep_their_data_fields() {
    let fields = sent(
        &[
            "--grant-type",
            "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "-d",
            "assertion=a.b.c",
            "-d",
            "audience=x",
            "-d",
            "resource=y",
        ],
        &[],
    );
    assert_eq!(fields[0].1, "urn:ietf:params:oauth:grant-type:jwt-bearer");
    assert!(fields.contains(&("assertion".into(), "a.b.c".into())));
    // A grant's own field from -d is allowed when that grant is not the one chosen.
    let fields = sent(&["-d", "refresh_token=r"], &[]);
    assert!(fields.contains(&("refresh_token".into(), "r".into())));
}

#[test]
fn other_input_mistakes_are_usage_errors() {
    let files = TempDir::new();
    let empty = files.file("empty", b"", 0o600);
    let stderr = usage_error(
        &[
            "--grant-type",
            "jwt-bearer",
            "--assertion-file",
            empty.to_str().unwrap(),
        ],
        &[],
    );
    assert!(stderr.contains("is empty"), "{stderr}");
    let stderr = usage_error(
        &[
            "--grant-type",
            "jwt-bearer",
            "--assertion-file",
            "/no/such/file",
        ],
        &[],
    );
    assert!(stderr.contains("--assertion-file"), "{stderr}");
    let stderr = usage_error(
        &[
            "--grant-type",
            "token-exchange",
            "--subject-token-file",
            "-",
            "--actor-token-file",
            "-",
        ],
        &[],
    );
    assert!(stderr.contains("standard input"), "{stderr}");
    for (args, named) in [
        (&["--audience", " "][..], "--audience"),
        (&["--resource", ""][..], "--resource"),
        (
            &[
                "--grant-type",
                "device",
                "--device-url",
                "http://idp.example/device",
            ][..],
            "--device-url",
        ),
        (
            &["--grant-type", "device", "--device-url", "idp/device"][..],
            "--device-url",
        ),
        (
            &[
                "--grant-type",
                "code",
                "--authorize-url",
                "https://idp/a",
                "--redirect-uri",
                "https://127.0.0.1:1/cb",
            ][..],
            "--redirect-uri",
        ),
        (
            &[
                "--grant-type",
                "code",
                "--authorize-url",
                "https://idp/a",
                "--login-timeout",
                "0",
            ][..],
            "--login-timeout",
        ),
    ] {
        let stderr = usage_error(args, &[]);
        assert!(stderr.contains(named), "{args:?}: {stderr}");
    }
}

#[test]
fn every_secret_input_is_redacted_when_echoed() {
    const INPUT: &str = "canaryINPUT-4d5e6f7a8b";
    let echo = format!(r#"{{"error":"invalid_grant","error_description":"bad {INPUT}"}}"#);
    let cases: [(&[&str], Env); 5] = [
        (
            &["--grant-type", "refresh_token"],
            &[("TOKN_REFRESH_TOKEN", INPUT)],
        ),
        (
            &["--grant-type", "password", "--username", "ann"],
            &[("TOKN_PASSWORD", INPUT)],
        ),
        (
            &["--grant-type", "jwt-bearer"],
            &[("TOKN_ASSERTION", INPUT)],
        ),
        (
            &["--grant-type", "token-exchange"],
            &[("TOKN_SUBJECT_TOKEN", INPUT)],
        ),
        (
            &["--grant-type", "token-exchange"],
            &[
                ("TOKN_SUBJECT_TOKEN", "subject"),
                ("TOKN_ACTOR_TOKEN", INPUT),
            ],
        ),
    ];
    for (args, env) in cases {
        let server = Scripted::start(vec![("/token", vec![(400, echo.clone())])]);
        let dir = TempDir::new();
        let mut cmd = tokn_for(&dir, &server.url("/token"));
        cmd.args(args).arg("-v");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = run(&mut cmd);
        assert_eq!(out.code, 4, "{env:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("bad [redacted]"),
            "{env:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains(INPUT), "{env:?}: {}", out.stderr);
    }
}

#[test]
fn the_cache_key_holds_the_grant_and_its_inputs() {
    let server = token_server();
    let dir = TempDir::new();
    let url = server.url("/token");
    let exchange = |subject: &str| {
        let out = run(tokn_for(&dir, &url)
            .args(["--grant-type", "token-exchange"])
            .env("TOKN_SUBJECT_TOKEN", subject));
        assert_eq!(out.code, 0, "{}", out.stderr);
    };
    exchange("subject-a");
    exchange("subject-a");
    assert_eq!(
        server.seen("/token").len(),
        1,
        "the same subject reuses the token"
    );
    exchange("subject-b");
    assert_eq!(
        server.seen("/token").len(),
        2,
        "another subject gets its own token"
    );
    let out = run(&mut tokn_for(&dir, &url));
    assert_eq!(out.code, 0);
    assert_eq!(
        server.seen("/token").len(),
        3,
        "another grant gets its own token"
    );
    for (path, bytes) in crate::util::files_under(dir.path()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("subject-a"),
            "{} holds the subject token",
            path.display()
        );
    }
    let out = run(tokn_for(&dir, &url).args(["--audience", "x"]));
    assert_eq!(out.code, 0);
    assert_eq!(
        server.seen("/token").len(),
        4,
        "another audience gets its own token"
    );
    let out = run(tokn(&dir).args(["cache", "list"]));
    assert_eq!(out.stdout.lines().count(), 4, "{}", out.stdout);
}

#[test]
fn the_password_is_asked_for_on_the_terminal_without_echo() {
    let server = token_server();
    let tmp = TempDir::new();
    let out = on_a_terminal(
        &tmp,
        &format!(
            "-u {} -i my-client --auth none --no-cache --grant-type password --username ann",
            server.url("/token")
        ),
        &[],
        Some("typed-pass-42"),
    );
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(screen.contains("Password: "), "{screen:?}");
    assert!(
        !screen.contains("typed-pass-42"),
        "the password was echoed: {screen:?}"
    );
    assert!(screen.contains(TOKEN), "{screen:?}");
    let seen = server.seen("/token");
    assert_eq!(seen[0].field("password").as_deref(), Some("typed-pass-42"));
}
