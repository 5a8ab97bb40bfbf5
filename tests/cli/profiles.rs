//! Profiles in the config file, the secret command, and `tokn config`: SPEC part 2,
//! "Profiles and the config file" and "Secrets from a command".

use std::path::{Path, PathBuf};

use httpmock::prelude::*;

use crate::util::{SECRET, TOKEN, TempDir, assert_no_leak, files_under, run, token_json, tokn};

/// Write `text` as `config.toml` in `dir` (mode 0600) and return its path.
fn config(dir: &TempDir, text: &str) -> PathBuf {
    dir.file("config.toml", text.as_bytes(), 0o600)
}

/// `tokn config show` with the config file, extra arguments and variables.
fn show(dir: &TempDir, cfg: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = tokn(dir);
    cmd.arg("--config")
        .arg(cfg)
        .args(["config", "show"])
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{args:?} {env:?}: {}", out.stderr);
    out.stdout
}

/// The `key = value  # source` line of `key` in `config show`'s output.
fn line_of<'a>(text: &'a str, key: &str) -> &'a str {
    let prefix = format!("{key} = ");
    text.lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {key} in:\n{text}"))
}

/// One option at every layer: flag, env (when it has one), profile, defaults.
struct Layers {
    key: &'static str,
    flag: &'static [&'static str],
    env: Option<(&'static str, &'static str)>,
    profile: &'static str,
    defaults: &'static str,
    /// The `key = value` shown for flag, env, profile, defaults, built-in.
    shown: [Option<&'static str>; 5],
}

fn layer_table() -> Vec<Layers> {
    vec![
        Layers {
            key: "token_url",
            flag: &["-u", "https://flag/t"],
            env: Some(("TOKN_TOKEN_URL", "https://env/t")),
            profile: "token_url = \"https://profile/t\"",
            defaults: "token_url = \"https://defaults/t\"",
            shown: [
                Some("\"https://flag/t\""),
                Some("\"https://env/t\""),
                Some("\"https://profile/t\""),
                Some("\"https://defaults/t\""),
                None,
            ],
        },
        Layers {
            key: "client_id",
            flag: &["-i", "flag-id"],
            env: Some(("TOKN_CLIENT_ID", "env-id")),
            profile: "client_id = \"profile-id\"",
            defaults: "client_id = \"defaults-id\"",
            shown: [
                Some("\"flag-id\""),
                Some("\"env-id\""),
                Some("\"profile-id\""),
                Some("\"defaults-id\""),
                None,
            ],
        },
        Layers {
            key: "scope",
            flag: &["-s", "f1"],
            env: Some(("TOKN_SCOPE", "e1")),
            profile: "scope = [\"p1\", \"p2\"]",
            defaults: "scope = \"d1\"",
            shown: [
                Some("[\"f1\"]"),
                Some("[\"e1\"]"),
                Some("[\"p1\", \"p2\"]"),
                Some("[\"d1\"]"),
                None,
            ],
        },
        Layers {
            key: "data",
            flag: &["-d", "audience=flag"],
            env: None,
            profile: "data = [\"audience=profile\", \"resource=r\"]",
            defaults: "data = \"audience=defaults\"",
            shown: [
                Some("[\"audience=flag\"]"),
                None,
                Some("[\"audience=profile\", \"resource=r\"]"),
                Some("[\"audience=defaults\"]"),
                None,
            ],
        },
        Layers {
            key: "header",
            flag: &["-H", "X-From: flag"],
            env: None,
            profile: "header = [\"X-From: profile\"]",
            defaults: "header = [\"X-From: defaults\"]",
            shown: [
                Some("[\"X-From: flag\"]"),
                None,
                Some("[\"X-From: profile\"]"),
                Some("[\"X-From: defaults\"]"),
                None,
            ],
        },
        Layers {
            key: "format",
            flag: &["-f", "json"],
            env: Some(("TOKN_FORMAT", "curl")),
            profile: "format = \"header\"",
            defaults: "format = \"json\"",
            shown: [
                Some("\"json\""),
                Some("\"curl\""),
                Some("\"header\""),
                Some("\"json\""),
                Some("\"raw\""),
            ],
        },
        Layers {
            key: "timeout",
            flag: &["--timeout", "1.5"],
            env: Some(("TOKN_TIMEOUT", "2")),
            profile: "timeout = 3",
            defaults: "timeout = 4.5",
            shown: [Some("1.5"), Some("2"), Some("3"), Some("4.5"), Some("30")],
        },
    ]
}

fn source_name(layers: &Layers, i: usize) -> String {
    match (i, layers.env) {
        (1, Some((var, _))) => format!("env {var}"),
        _ => ["flag", "env", "profile p", "defaults", "built-in"][i].to_string(),
    }
}

#[test]
fn flag_beats_env_beats_profile_beats_defaults_beats_built_in() {
    let dir = TempDir::new();
    for layers in layer_table() {
        // Peel the layers off from the top: each time the next one shows.
        for top in 0..5 {
            let profile = if top <= 2 { layers.profile } else { "" };
            let defaults = if top <= 3 { layers.defaults } else { "" };
            let cfg = config(
                &dir,
                &format!("[defaults]\n{defaults}\n\n[profiles.p]\n{profile}\n"),
            );
            let flag: &[&str] = if top == 0 { layers.flag } else { &[] };
            let env: Vec<(&str, &str)> = layers.env.filter(|_| top <= 1).into_iter().collect();
            let text = show(&dir, &cfg, &[&["-p", "p"], flag].concat(), &env);
            let (shown, source) = match (0..5).skip(top).find_map(|i| Some((layers.shown[i]?, i))) {
                Some(found) => found,
                None => {
                    assert!(!text.contains(&format!("\n{} = ", layers.key)), "{text}");
                    continue;
                }
            };
            assert_eq!(
                line_of(&text, layers.key),
                format!(
                    "{} = {shown}  # {}",
                    layers.key,
                    source_name(&layers, source)
                ),
                "top layer {top}"
            );
        }
    }
}

/// A server that answers only the request the profile describes.
fn profile_server<'a>(server: &'a MockServer, scope: &'static str) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(POST)
            .path("/token")
            .header("x-tenant", "acme")
            .form_urlencoded_tuple("scope", scope)
            .form_urlencoded_tuple("audience", "https://api.example.test")
            .form_urlencoded_tuple("client_id", "profile-client")
            .form_urlencoded_tuple("client_secret", SECRET);
        then.status(200)
            .header("content-type", "application/json")
            .body(token_json(3600));
    })
}

fn profile_text(url: &str) -> String {
    format!(
        "[defaults]\ntimeout = 10\nauth = \"post\"\n\n\
         [profiles.prod]\ntoken_url = \"{url}\"\nclient_id = \"profile-client\"\n\
         client_secret = \"{SECRET}\"\nscope = [\"read\", \"write\"]\n\
         data = [\"audience=https://api.example.test\"]\nheader = \"X-Tenant: acme\"\n\
         format = \"header\"\n"
    )
}

#[test]
fn a_fetch_through_a_profile_sends_what_it_says() {
    let server = MockServer::start();
    let mock = profile_server(&server, "read write");
    let dir = TempDir::new();
    let cfg = config(&dir, &profile_text(&server.url("/token")));
    let out = run(tokn(&dir).arg("--config").arg(&cfg).args(["-p", "prod"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("Authorization: Bearer {TOKEN}\n"));
    assert_eq!(out.stderr, "");
    mock.assert_calls(1);
}

#[test]
fn a_flag_replaces_a_profiles_array_and_does_not_merge() {
    let server = MockServer::start();
    let mock = profile_server(&server, "admin");
    let dir = TempDir::new();
    let cfg = config(&dir, &profile_text(&server.url("/token")));
    let out = run(tokn(&dir)
        .env("TOKN_CONFIG", &cfg)
        .env("TOKN_PROFILE", "prod")
        .args(["-s", "admin", "-f", "raw"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{TOKEN}\n"));
    mock.assert_calls(1);
}

#[test]
fn the_default_profile_applies_without_p_and_defaults_alone_without_it() {
    let server = MockServer::start();
    let mock = profile_server(&server, "read write");
    let dir = TempDir::new();
    let text = profile_text(&server.url("/token")).replace("[profiles.prod]", "[profiles.default]");
    let cfg = config(&dir, &text);
    let out = run(tokn(&dir).arg("--config").arg(&cfg));
    assert_eq!(out.code, 0, "{}", out.stderr);
    mock.assert_calls(1);

    let cfg = config(
        &dir,
        "[defaults]\nclient_id = \"from-defaults\"\n[profiles.other]\n",
    );
    let text = show(&dir, &cfg, &[], &[]);
    assert_eq!(
        line_of(&text, "client_id"),
        "client_id = \"from-defaults\"  # defaults"
    );
}

#[test]
fn relative_paths_are_relative_to_the_config_file() {
    let server = MockServer::start();
    let mock = profile_server(&server, "read write");
    let dir = TempDir::new();
    dir.file("prod.secret", format!("{SECRET}\n").as_bytes(), 0o600);
    let text = profile_text(&server.url("/token")).replace(
        &format!("client_secret = \"{SECRET}\""),
        "client_secret_file = \"prod.secret\"",
    );
    let cfg = config(&dir, &text);
    let out = run(tokn(&dir)
        .current_dir("/")
        .arg("--config")
        .arg(&cfg)
        .args(["-p", "prod"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    mock.assert_calls(1);
}

/// Exit 2 before anything is sent, with a stderr naming what is wrong.
fn config_error(text: &str, args: &[&str]) -> String {
    let dir = TempDir::new();
    let cfg = config(&dir, text);
    let out = run(tokn(&dir)
        .arg("--config")
        .arg(&cfg)
        .args([
            "-u",
            "http://127.0.0.1:9/t",
            "-i",
            "x",
            "--client-secret",
            "s",
        ])
        .args(args));
    assert_eq!(out.code, 2, "{text}: {}", out.stderr);
    assert_eq!(out.stdout, "");
    let cfg = cfg.display().to_string();
    out.stderr.replace(&cfg, "FILE")
}

#[test]
fn every_mistake_names_the_file_the_line_and_the_key() {
    assert_eq!(
        config_error(
            "[defaults]\ntimeout = 5\n\n[profiles.prod]\nscopes = [\"read\"]\n",
            &[]
        ),
        "tokn: error: FILE:5: unknown key \"scopes\" in [profiles.prod]; did you mean \"scope\"?\n"
    );
    assert_eq!(
        config_error("[defaults]\ntimeout = \"soon\"\n", &[]),
        "tokn: error: FILE:2: key \"timeout\" in [defaults]: invalid type: string \"soon\", expected f64\n"
    );
    assert_eq!(
        config_error("[profiles.p]\ninsecure = 1\n", &[]),
        "tokn: error: FILE:2: key \"insecure\" in [profiles.p]: invalid type: integer `1`, expected a boolean\n"
    );
    let err = config_error("[defaults]\ntimeout = 5\nclient_id = \"unterminated\n", &[]);
    assert!(err.starts_with("tokn: error: FILE:3: "), "{err}");
    let err = config_error("[defaults]\nverbose = true\n", &[]);
    assert!(
        err.contains("FILE:2: \"verbose\" in [defaults] is not a config key"),
        "{err}"
    );
    let err = config_error("[prod]\nclient_id = \"x\"\n", &[]);
    assert!(
        err.starts_with("tokn: error: FILE:1: unknown table \"prod\""),
        "{err}"
    );
}

#[test]
fn an_unknown_profile_lists_the_known_ones() {
    let text = "[profiles.prod]\n[profiles.dev]\n";
    assert_eq!(
        config_error(text, &["-p", "prd"]),
        "tokn: error: no profile \"prd\" in the config file 'FILE': its profiles are: dev, prod; \
         did you mean \"prod\"?\n"
    );
    let dir = TempDir::new();
    let out = run(tokn(&dir).args(["-p", "prod", "-u", "http://127.0.0.1:9/t"]));
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "tokn: error: no profile \"prod\": no config file\n"
    );
}

#[test]
fn a_named_config_file_must_exist() {
    let dir = TempDir::new();
    let missing = dir.path().join("nope.toml");
    for use_env in [false, true] {
        let mut cmd = tokn(&dir);
        if use_env {
            cmd.env("TOKN_CONFIG", &missing);
        } else {
            cmd.arg("--config").arg(&missing);
        }
        let out = run(cmd.args(["config", "list"]));
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr.starts_with(&format!(
                "tokn: error: cannot read the config file '{}'",
                missing.display()
            )),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn no_config_file_at_the_default_place_is_fine() {
    let dir = TempDir::new();
    let home = dir.path().join("home");
    let out = run(tokn(&dir).env("HOME", &home).args(["config", "path"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("{}\n", home.join(".config/tokn/config.toml").display())
    );
    let out = run(tokn(&dir)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", dir.path().join("xdg"))
        .args(["config", "path"]));
    assert_eq!(
        out.stdout,
        format!("{}\n", dir.path().join("xdg/tokn/config.toml").display())
    );
    let out = run(tokn(&dir).env("HOME", &home).args(["config", "list"]));
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
    let out = run(tokn(&dir).env("HOME", &home).args(["config", "show"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.lines().all(|l| l.ends_with("# built-in")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("timeout = 30  # built-in\n"));
}

#[test]
fn the_xdg_config_file_is_read() {
    let dir = TempDir::new();
    let xdg = dir.path().join("xdg");
    std::fs::create_dir_all(xdg.join("tokn")).unwrap();
    std::fs::write(xdg.join("tokn/config.toml"), "[profiles.b]\n[profiles.a]\n").unwrap();
    let out = run(tokn(&dir)
        .env("XDG_CONFIG_HOME", &xdg)
        .args(["config", "list"]));
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "a\nb\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn config_show_names_all_five_sources_and_redacts_the_secret() {
    let dir = TempDir::new();
    let cfg = config(
        &dir,
        &format!(
            "[defaults]\ntimeout = 10\nscope = \"read\"\n\n[profiles.prod]\n\
             token_url = \"https://idp.example.test/token\"\nclient_secret = \"{SECRET}\"\n\
             format = \"header\"\n"
        ),
    );
    let text = show(
        &dir,
        &cfg,
        &["-p", "prod", "-f", "json"],
        &[("TOKN_CLIENT_ID", "env-client")],
    );
    assert_eq!(
        text,
        "token_url = \"https://idp.example.test/token\"  # profile prod\n\
         client_id = \"env-client\"  # env TOKN_CLIENT_ID\n\
         client_secret = \"[redacted]\"  # profile prod\n\
         scope = [\"read\"]  # defaults\n\
         grant_type = \"client_credentials\"  # built-in\n\
         auth = \"auto\"  # built-in\n\
         format = \"json\"  # flag\n\
         header_name = \"Authorization\"  # built-in\n\
         header_pattern = \"Bearer {access_token}\"  # built-in\n\
         timeout = 10  # defaults\n\
         retry = 2  # built-in\n\
         min_ttl = 60  # built-in\n"
    );
}

#[test]
fn a_config_file_with_a_secret_others_can_read_gives_a_warning() {
    let dir = TempDir::new();
    let cfg = dir.file(
        "shared.toml",
        format!("[profiles.p]\nclient_secret = \"{SECRET}\"\n").as_bytes(),
        0o644,
    );
    let out = run(tokn(&dir)
        .arg("--config")
        .arg(&cfg)
        .args(["config", "list"]));
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        format!(
            "tokn: warning: the config file '{}' holds a client secret and can be read by \
             other users (mode 0644); run chmod 600 on it\n",
            cfg.display()
        )
    );
    // No secret in it: nothing to warn about.
    let cfg = dir.file("plain.toml", b"[profiles.p]\nclient_id = \"x\"\n", 0o644);
    let out = run(tokn(&dir)
        .arg("--config")
        .arg(&cfg)
        .args(["config", "list"]));
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
}

/// A server that hands out a token to `my-client` with the canary secret (Basic).
fn secret_server(server: &MockServer) -> httpmock::Mock<'_> {
    let basic = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(format!("my-client:{SECRET}"))
    };
    server.mock(move |when, then| {
        when.method(POST)
            .header("authorization", format!("Basic {basic}"));
        then.status(200)
            .header("content-type", "application/json")
            .body(token_json(3600));
    })
}

/// `tokn` with a secret command that appends a line to `marker` each time it runs.
fn with_command(dir: &TempDir, url: &str, printf: &str) -> assert_cmd::Command {
    let marker = dir.path().join("marker");
    let mut cmd = tokn(dir);
    cmd.args(["-u", url, "-i", "my-client", "--retry", "0"])
        .arg("--client-secret-cmd")
        .arg(format!(
            "echo ran >> '{}'; printf '{printf}'",
            marker.display()
        ));
    cmd
}

fn runs_of_the_command(dir: &TempDir) -> usize {
    std::fs::read_to_string(dir.path().join("marker"))
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

#[test]
fn the_secret_command_gives_the_secret_and_a_cache_hit_never_runs_it() {
    let server = MockServer::start();
    let mock = secret_server(&server);
    let dir = TempDir::new();
    let url = server.url("/t");
    for (i, printf) in [format!("{SECRET}\\n"), format!("{SECRET}\\r\\n")]
        .iter()
        .enumerate()
    {
        let out = run(with_command(&dir, &url, printf).args(["--no-cache", "-v"]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(out.stdout, format!("{TOKEN}\n"));
        assert_no_leak(&out.stderr, "secret command");
        assert_eq!(runs_of_the_command(&dir), i + 1);
    }
    mock.assert_calls(2);
    // Cached now (with the cache): the second run is served without the command.
    let first = run(&mut with_command(&dir, &url, SECRET));
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(runs_of_the_command(&dir), 3);
    let hit = run(with_command(&dir, &url, SECRET).arg("-v"));
    assert_eq!(hit.code, 0, "{}", hit.stderr);
    assert!(
        hit.stderr.contains("token from the cache"),
        "{}",
        hit.stderr
    );
    assert_eq!(
        runs_of_the_command(&dir),
        3,
        "the command ran on a cache hit"
    );
    mock.assert_calls(3);
    for (path, bytes) in files_under(&dir.path().join("cache")) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(SECRET), "{}: {text}", path.display());
    }
}

#[test]
fn a_failing_or_silent_command_is_a_usage_error_quoting_its_status() {
    let dir = TempDir::new();
    let url = "http://127.0.0.1:9/t";
    let out = run(tokn(&dir)
        .args(["-u", url, "-i", "my-client"])
        .args(["--client-secret-cmd", &format!("echo {SECRET}; exit 7")]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "tokn: error: the secret command (--client-secret-cmd) failed (exit status: 7); \
         its output is not used\n"
    );
    let out = run(tokn(&dir)
        .args(["-u", url, "-i", "my-client"])
        .env("TOKN_CLIENT_SECRET_CMD", "printf '\\n'"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "tokn: error: the secret command (TOKN_CLIENT_SECRET_CMD) printed nothing; it should \
         print the secret\n"
    );
}

/// Environment variables of one run.
type Env<'a> = Vec<(&'a str, String)>;

#[test]
fn the_secret_sources_in_order_with_commands_and_the_config_file() {
    let server = MockServer::start();
    let mock = secret_server(&server);
    let dir = TempDir::new();
    let good = dir.file("good", SECRET.as_bytes(), 0o600);
    let cfg = config(
        &dir,
        &format!(
            "[profiles.p]\nclient_secret = \"{SECRET}\"\nclient_secret_file = \"/nonexistent\"\n\
             client_secret_cmd = \"exit 9\"\n\n[profiles.q]\nclient_secret = \"wrong\"\n"
        ),
    );
    let good_cmd = format!("printf {SECRET}");
    let bad_file = "/nonexistent";
    // Each row: arguments, variables; the first source named must win.
    let cases: Vec<(Vec<String>, Env)> = vec![
        (
            vec!["--client-secret-cmd".into(), good_cmd.clone()],
            vec![("TOKN_CLIENT_SECRET", "wrong".into())],
        ),
        (
            vec![
                "--client-secret-file".into(),
                good.display().to_string(),
                "--client-secret-cmd".into(),
                "exit 3".into(),
            ],
            vec![],
        ),
        (
            vec![],
            vec![
                ("TOKN_CLIENT_SECRET_FILE", good.display().to_string()),
                ("TOKN_CLIENT_SECRET_CMD", "exit 3".into()),
            ],
        ),
        (
            vec!["--client-secret-cmd".into(), good_cmd.clone()],
            vec![("TOKN_CLIENT_SECRET_FILE", bad_file.into())],
        ),
        (vec!["-p".into(), "p".into()], vec![]),
        (
            vec!["-p".into(), "q".into()],
            vec![("TOKN_CLIENT_SECRET_CMD", good_cmd.clone())],
        ),
    ];
    for (args, env) in &cases {
        let mut cmd = tokn(&dir);
        cmd.arg("--config")
            .arg(&cfg)
            .args(["-u", &server.url("/t"), "-i", "my-client", "--no-cache"])
            .args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = run(&mut cmd);
        assert_eq!(out.code, 0, "{args:?} {env:?}: {}", out.stderr);
    }
    mock.assert_calls(cases.len());
}

#[test]
fn a_profile_fetch_is_cached_like_any_other() {
    let server = MockServer::start();
    let mock = profile_server(&server, "read write");
    let dir = TempDir::new();
    let cfg = config(&dir, &profile_text(&server.url("/token")));
    for _ in 0..3 {
        let out = run(tokn(&dir).arg("--config").arg(&cfg).args(["-p", "prod"]));
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    mock.assert_calls(1);
}

#[test]
fn the_example_config_parses_and_is_the_one_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = root.join("examples/config.toml");
    let dir = TempDir::new();
    let out = run(tokn(&dir)
        .arg("--config")
        .arg(&example)
        .args(["config", "list"]));
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "default\nprod\nstaging\n"),
        "{}",
        out.stderr
    );
    let out = run(tokn(&dir)
        .env("HOME", "/home/someone")
        .arg("--config")
        .arg(&example)
        .args(["config", "show", "-p", "staging"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "client_secret_file = \"/home/someone/.config/tokn/staging.secret\"  # profile staging\n"
        ),
        "{}",
        out.stdout
    );
    let text = std::fs::read_to_string(&example).unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("```toml\n{text}```")),
        "the README's Profiles section should show examples/config.toml as it is"
    );
}

/// The parsed copies of config files in the cache directory.
fn parsed_copies(dir: &TempDir) -> usize {
    std::fs::read_dir(dir.path().join("cache"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with("config-"))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn a_parsed_copy_of_the_config_is_used_until_the_file_changes() {
    let (a, b) = (MockServer::start(), MockServer::start());
    let (to_a, to_b) = (
        profile_server(&a, "read write"),
        profile_server(&b, "read write"),
    );
    let dir = TempDir::new();
    let no_secret =
        |url: &str| profile_text(url).replace(&format!("client_secret = \"{SECRET}\"\n"), "");
    let cfg = config(&dir, &no_secret(&a.url("/token")));
    let fetch = |args: &[&str]| {
        let out = run(tokn(&dir)
            .env("TOKN_CLIENT_SECRET", SECRET)
            .arg("--config")
            .arg(&cfg)
            .args(["-p", "prod", "-v"])
            .args(args));
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stderr
    };
    let first = fetch(&["--refresh"]);
    assert!(!first.contains("parsed copy"), "{first}");
    assert_eq!(parsed_copies(&dir), 1);
    let second = fetch(&["--refresh"]);
    assert!(
        second.contains("is unchanged: using its parsed copy"),
        "{second}"
    );
    to_a.assert_calls(2);
    // A changed file is parsed again: its new token URL is used at once.
    config(
        &dir,
        &no_secret(&b.url("/token")).replace("timeout = 10", "timeout = 9"),
    );
    let third = fetch(&["--refresh"]);
    assert!(!third.contains("parsed copy"), "{third}");
    to_b.assert_calls(1);
}

#[test]
fn no_parsed_copy_with_no_cache_or_a_secret_in_the_file() {
    let server = MockServer::start();
    profile_server(&server, "read write");
    let dir = TempDir::new();
    let text = profile_text(&server.url("/token"));
    let cfg = config(
        &dir,
        &text.replace(&format!("client_secret = \"{SECRET}\"\n"), ""),
    );
    let out = run(tokn(&dir)
        .env("TOKN_CLIENT_SECRET", SECRET)
        .arg("--config")
        .arg(&cfg)
        .args(["-p", "prod", "--no-cache"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(parsed_copies(&dir), 0);
    // With the secret in the file, it is never copied into the cache.
    let cfg = config(&dir, &text);
    let out = run(tokn(&dir).arg("--config").arg(&cfg).args(["-p", "prod"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(parsed_copies(&dir), 0);
}
