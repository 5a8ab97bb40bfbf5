//! Usage errors (exit 2): found before anything is sent, printed as
//! `tokn: error: …` with indented detail, naming the option and the fix.

use httpmock::prelude::*;

use crate::util::{SECRET, TempDir, run, token_json, tokn, tokn_for};

/// Run with `args` against a server that must receive nothing; return stderr.
fn usage_error(args: &[&str]) -> String {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200).body(token_json(60));
    });
    let tmp = TempDir::new();
    let url = server.url("/t");
    let out = run(tokn_for(&tmp, &url).args(args));
    assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.starts_with("tokn: error: "), "{}", out.stderr);
    assert!(!out.stderr.contains(SECRET));
    mock.assert_calls(0);
    out.stderr
}

#[test]
fn bad_form_and_header_values() {
    assert!(usage_error(&["-d", "audience"]).contains("-d 'audience' has no '='"));
    assert!(usage_error(&["-d", "scope=x"]).contains("use -s/--scope instead"));
    assert!(usage_error(&["-d", "client_id=x"]).contains("use -i/--client-id instead"));
    assert!(usage_error(&["-d", "grant_type=x"]).contains("use --grant-type instead"));
    assert!(usage_error(&["-d", "client_secret=x"]).contains("--client-secret-file"));
    assert!(usage_error(&["-H", "X-No-Colon"]).contains("has no ':'"));
    assert!(usage_error(&["-H", "Bad Name: v"]).contains("not a valid header name"));
}

#[test]
fn bad_patterns_and_names() {
    assert!(
        usage_error(&["--header-pattern", "Bearer {token}"])
            .contains("unknown placeholder '{token}'")
    );
    assert!(
        usage_error(&["--header-pattern", "Bearer {access_token"]).contains("without a closing")
    );
    assert!(usage_error(&["--header-name", "A B"]).contains("--header-name 'A B'"));
}

#[test]
fn missing_files() {
    assert!(
        usage_error(&["--cacert", "/nonexistent/ca.pem"]).contains("cannot read the --cacert file")
    );
    assert!(usage_error(&["--cacert", "/etc/hostname"]).contains("is not usable"));
    assert!(
        usage_error(&["--client-secret-file", "/nonexistent/secret"])
            .contains("cannot read the secret file '/nonexistent/secret'")
    );
}

#[test]
fn bad_numbers_and_values() {
    assert!(usage_error(&["--timeout", "0"]).contains("--timeout 0"));
    assert!(usage_error(&["--timeout", "1e300"]).contains("is too large"));
    assert!(usage_error(&["--timeout", "NaN"]).contains("not a positive number"));
    let soon = usage_error(&["--timeout", "soon"]);
    assert!(soon.contains("invalid value 'soon'"), "{soon}");
    assert!(soon.contains("seconds, e.g. 30 or 2.5"), "{soon}");
    assert!(usage_error(&["--auth", "jwt"]).contains("invalid value 'jwt'"));
    assert!(usage_error(&["-f", "yaml"]).contains("possible values: raw, json, header, curl"));
}

#[test]
fn clap_errors_are_written_the_tokn_way() {
    let tmp = TempDir::new();
    let out = run(tokn(&tmp).arg("--frobnicate"));
    assert_eq!(out.code, 2);
    let mut lines = out.stderr.lines();
    assert_eq!(
        lines.next(),
        Some("tokn: error: unexpected argument '--frobnicate' found")
    );
    assert!(lines.all(|l| l.starts_with("  ")), "{}", out.stderr);
}

#[test]
fn missing_url_id_and_secret_name_the_ways_to_pass_them() {
    let tmp = TempDir::new();
    let out = run(&mut tokn(&tmp));
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "tokn: error: no token URL: pass -u/--token-url URL or --issuer URL, or set \
         TOKN_TOKEN_URL or TOKN_ISSUER\n"
    );

    let out = run(tokn(&tmp).args(["-u", "https://idp.example.test/t"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("-i/--client-id"), "{}", out.stderr);

    let out = run(tokn(&tmp).args(["-u", "https://idp.example.test/t", "-i", "id"]));
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "tokn: error: no client secret and no terminal to ask for one\n  \
         set TOKN_CLIENT_SECRET, pass --client-secret-file PATH (or - for standard input),\n  \
         --client-secret-cmd COMMAND, or run tokn in a terminal to be prompted;\n  \
         --auth none sends no secret\n"
    );
}

#[test]
fn invalid_urls() {
    let tmp = TempDir::new();
    for url in [
        "ftp://idp.example.test/t",
        "not a url",
        "https://user:pw@idp.example.test/t",
        "https://",
    ] {
        let out = run(tokn(&tmp).args(["-u", url, "-i", "id", "--client-secret", "x"]));
        assert_eq!(out.code, 2, "{url}: {}", out.stderr);
        assert!(
            out.stderr.starts_with("tokn: error: the token URL "),
            "{url}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("pw@"), "{}", out.stderr);
    }
}

#[test]
fn the_help_and_version_go_to_stdout() {
    let tmp = TempDir::new();
    let out = run(tokn(&tmp).arg("--version"));
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, concat!("tokn ", env!("CARGO_PKG_VERSION"), "\n"))
    );
    let out = run(tokn(&tmp).arg("--help"));
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("--token-url") && out.stderr.is_empty());
}

#[test]
fn an_empty_scope_is_refused() {
    for args in [&["-s", ""][..], &["-s", "read", "-s", " "]] {
        let err = usage_error(args);
        assert!(
            err.contains("-s/--scope is empty") || err.contains("--scope is empty"),
            "{err}"
        );
    }
}

#[test]
fn a_secret_taken_for_an_option_is_not_echoed_by_the_usage_error() {
    let tmp = TempDir::new();
    let dashed = format!("--{SECRET}");
    for args in [
        vec![
            "--client-secret",
            dashed.as_str(),
            "-u",
            "http://127.0.0.1:9/t",
        ],
        vec![
            "config",
            "show",
            "--client-secret",
            dashed.as_str(),
            "--nope",
        ],
    ] {
        let out = run(tokn(&tmp).args(&args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.starts_with("tokn: error: "), "{}", out.stderr);
        assert!(!out.stderr.contains(SECRET), "{}", out.stderr);
    }
}

#[test]
fn help_never_shows_the_value_of_an_environment_variable() {
    let tmp = TempDir::new();
    let mut cmd = tokn(&tmp);
    cmd.arg("--help");
    // Every TOKN_ variable the help names, set to something secret.
    let help = run(tokn(&tmp).arg("--help")).stdout;
    let names: Vec<String> = help
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("TOKN_"))
        .map(str::to_string)
        .collect();
    assert!(names.len() > 10, "{help}");
    for name in &names {
        cmd.env(name, format!("https://u:{SECRET}@idp.example/t"));
    }
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains(SECRET), "{}", out.stdout);
}
