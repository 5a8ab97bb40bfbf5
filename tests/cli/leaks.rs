//! Redaction holes found by an adversarial review, one test each: whole tokens
//! in answers that do not parse, the secret echoed form-urlencoded, JSON-escaped
//! or holding control characters, very short secrets, tokens in a verbose form
//! body, and the secret reaching the cache in an encoding tokn sent it in.

use base64::Engine as _;
use httpmock::prelude::*;

use crate::util::{TOKEN, TempDir, files_under, run, tokn};

const REFRESH: &str = "leaksREFRESH-0b3c9e71";
/// Long enough for the SPEC's rule on runs of 32 or more token characters.
const BARE_TOKEN: &str = "leaksBARE0123456789abcdefABCDEF-xyz";

/// A server that answers every request with this status, content type and body.
fn answering(status: u16, content_type: &str, body: impl AsRef<[u8]>) -> MockServer {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST);
        then.status(status)
            .header("content-type", content_type)
            .body(body);
    });
    server
}

/// `tokn` against `server` with `secret` from the environment.
fn fetch(server: &MockServer, secret: &str, args: &[&str]) -> crate::util::Run {
    let dir = TempDir::new();
    run(tokn(&dir)
        .args([
            "-u",
            &server.url("/token"),
            "-i",
            "my-client",
            "--retry",
            "0",
        ])
        .args(args)
        .env("TOKN_CLIENT_SECRET", secret))
}

fn form(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn basic_of(secret: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("my-client:{}", form(secret)))
}

/// Fail if `text` holds any of `forbidden`.
fn assert_absent(text: &str, forbidden: &[&str], context: &str) {
    for f in forbidden {
        assert!(!text.contains(f), "{context}: {f:?} is shown:\n{text}");
    }
}

#[test]
fn answers_that_do_not_parse_never_show_a_whole_token() {
    let fields = format!(r#""access_token":"{TOKEN}","refresh_token":"{REFRESH}""#);
    let mut not_utf8 = format!("{{{fields},\"x\":\"").into_bytes();
    not_utf8.extend_from_slice(b"\xff\"}");
    let bodies: [(&str, Vec<u8>); 4] = [
        ("a trailing comma", format!("{{{fields},}}").into()),
        ("a JSON array", format!("[{{{fields}}}]").into()),
        ("invalid UTF-8", not_utf8),
        ("a byte order mark", format!("\u{feff}{{{fields}}}").into()),
    ];
    for (what, body) in bodies {
        let server = answering(200, "application/json", body);
        for verbose in [&[][..], &["-v"]] {
            let out = fetch(&server, "leaks-secret-1", verbose);
            assert_eq!(out.code, 5, "{what}: {}", out.stderr);
            assert!(
                out.stderr
                    .contains(r#""access_token":"[redacted]","refresh_token":"[redacted]""#),
                "{what}: {}",
                out.stderr
            );
            assert_absent(&out.stderr, &[TOKEN, REFRESH], what);
        }
    }
}

#[test]
fn an_html_page_or_an_error_description_quoting_tokens_shows_none_whole() {
    let html = format!(
        "<html><body><h1>Bad Request</h1><p>token {BARE_TOKEN} was revoked</p>\
         <pre>access_token={TOKEN}&amp;refresh_token={REFRESH}</pre></body></html>"
    );
    let server = answering(400, "text/html", html);
    let out = fetch(&server, "leaks-secret-1", &["--auth", "post"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("token leaksB… was revoked")
            && out
                .stderr
                .contains("access_token=[redacted]&amp;refresh_token=[redacted]"),
        "{}",
        out.stderr
    );
    assert_absent(&out.stderr, &[TOKEN, REFRESH, BARE_TOKEN], "html");

    let quoting = format!(
        r#"{{"error":"invalid_grant","error_description":"refresh_token={REFRESH} revoked, see {BARE_TOKEN}","error_uri":"https://idp.example/e?refresh_token={REFRESH}"}}"#
    );
    let server = answering(400, "application/json", quoting);
    let out = fetch(&server, "leaks-secret-1", &["--auth", "post", "-v"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("error_description: refresh_token=[redacted] revoked, see leaksB…"),
        "{}",
        out.stderr
    );
    assert_absent(&out.stderr, &[REFRESH, BARE_TOKEN], "error_description");
}

#[test]
fn a_form_urlencoded_secret_is_redacted_in_a_body_and_a_redirect() {
    for secret in ["Zm9v+YmFy/YmF6==", "correct horse battery staple"] {
        let echo = format!(
            "grant_type=client_credentials&client_secret={}",
            form(secret)
        );
        let text = answering(400, "text/plain", &echo);
        let redirect = MockServer::start();
        redirect.mock(|when, then| {
            when.method(POST);
            then.status(302)
                .header("location", format!("https://elsewhere.example/cb?{echo}"));
        });
        for (server, exit) in [(&text, 4), (&redirect, 5)] {
            for verbose in [&[][..], &["-v"]] {
                let out = fetch(server, secret, &[&["--auth", "post"][..], verbose].concat());
                assert_eq!(out.code, exit, "{}", out.stderr);
                assert!(
                    out.stderr.contains("client_secret=[redacted]"),
                    "{secret}: {}",
                    out.stderr
                );
                assert_absent(&out.stderr, &[&form(secret), secret], secret);
            }
        }
    }
}

#[test]
fn a_json_escaped_secret_is_redacted_in_the_error_line_and_in_verbose() {
    for (secret, escaped) in [
        ("abc/def-secret", r"abc\/def-secret"),
        ("super-secret", r"\u0073uper-secret"),
        (
            "super-secret",
            r"\u0073\u0075\u0070\u0065\u0072\u002d\u0073ecret",
        ),
    ] {
        let body = format!(r#"{{"message":"the secret {escaped} is wrong"}}"#);
        let server = answering(400, "application/json", body);
        for verbose in [&[][..], &["-v"]] {
            let out = fetch(
                &server,
                secret,
                &[&["--auth", "post"][..], verbose].concat(),
            );
            assert_eq!(out.code, 4, "{}", out.stderr);
            assert!(
                out.stderr
                    .contains(r#"body: {"message":"the secret [redacted] is wrong"}"#),
                "{escaped}: {}",
                out.stderr
            );
            assert_absent(&out.stderr, &[escaped, secret], escaped);
        }
    }
}

#[test]
fn a_secret_with_control_characters_is_still_redacted() {
    // A secret file with two newlines: one is dropped, the secret keeps the other.
    let secrets = TempDir::new();
    let file = secrets.file("secret", b"s3cr3t-value\n\n", 0o600);
    let body = r#"raw: s3cr3t-value
 json: "s3cr3t-value\n" form: s3cr3t-value%0A"#;
    let server = answering(400, "text/plain", body);
    let dir = TempDir::new();
    let out = run(tokn(&dir)
        .args(["-u", &server.url("/t"), "-i", "my-client", "--retry", "0"])
        .args(["--auth", "post", "-v", "--client-secret-file"])
        .arg(&file));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(r#"raw: [redacted]  json: "[redacted]" form: [redacted]"#),
        "{}",
        out.stderr
    );
    assert_absent(&out.stderr, &["s3cr3t-value", "s3cr3t"], "secret file");

    // An inner tab, echoed as it is, JSON-escaped and form-urlencoded.
    let body = "raw: s3cr\t3t-value json: s3cr\\t3t-value form: s3cr%093t-value";
    let server = answering(400, "text/plain", body);
    let out = fetch(&server, "s3cr\t3t-value", &["--auth", "post"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("raw: [redacted] json: [redacted] form: [redacted]"),
        "{}",
        out.stderr
    );
    assert_absent(&out.stderr, &["s3cr 3t", "3t-value"], "inner tab");
}

#[test]
fn a_short_secret_is_redacted_where_it_stands_alone_and_warned_about() {
    let body = "client_secret=x9&client_id=my-client; secret \"x9\" does not match x9z";
    let server = answering(400, "text/plain", body);
    let out = fetch(&server, "x9", &["--auth", "post"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    let mut lines = out.stderr.lines();
    assert_eq!(
        lines.next(),
        Some(
            "tokn: warning: the secret is shorter than 4 characters: it is redacted only \
             where it stands alone, and a secret this short is easy to guess"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "client_secret=[redacted]&client_id=my-client; secret \"[redacted]\" does not match x9z"
        ),
        "{}",
        out.stderr
    );
    let quiet = fetch(&server, "x9", &["--auth", "post", "-q"]);
    assert_eq!(quiet.code, 4);
    assert!(!quiet.stderr.contains("warning"), "{}", quiet.stderr);
}

#[test]
fn verbose_on_success_never_shows_a_form_bodys_tokens() {
    let body = format!("access_token={TOKEN}&refresh_token={REFRESH}&expires_in=60&note=%7B");
    let braced = format!("{body}&raw={{x}}");
    for body in [body, braced] {
        let server = answering(200, "application/x-www-form-urlencoded", &body);
        let out = fetch(&server, "leaks-secret-1", &["-v", "--no-cache"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(out.stdout, format!("{TOKEN}\n"));
        let shown = format!(
            "access_token={}…&refresh_token={}…",
            &TOKEN[..6],
            &REFRESH[..6]
        );
        assert!(out.stderr.contains(&shown), "{}", out.stderr);
        assert_absent(&out.stderr, &[TOKEN, REFRESH], &body);
    }
}

#[test]
fn the_secret_is_not_cached_in_any_form_tokn_sent_it_in() {
    let secret = "s3cr/t+value=";
    let echoes = [
        (
            "the Authorization header",
            format!("Basic {}", basic_of(secret)),
        ),
        ("the form body", format!("client_secret={}", form(secret))),
        (
            "the secret \\u-escaped",
            r"\u0073\u0033cr\/t+value=".to_string(),
        ),
        (
            "the Basic credentials \\/-escaped",
            basic_of(secret).replace('/', r"\/"),
        ),
    ];
    for (what, echo) in echoes {
        let body = format!(r#"{{"access_token":"{TOKEN}","expires_in":3600,"echo":"{echo}"}}"#);
        let server = answering(200, "application/json", body);
        let dir = TempDir::new();
        let out = run(tokn(&dir)
            .args([
                "-u",
                &server.url("/t"),
                "-i",
                "my-client",
                "--retry",
                "0",
                "-v",
            ])
            .env("TOKN_CLIENT_SECRET", secret));
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("* not caching: the answer contains the client secret"),
            "{what}: {}",
            out.stderr
        );
        for (path, _) in files_under(dir.path()) {
            assert!(
                path.extension().is_none_or(|e| e != "json"),
                "{what}: an entry was cached: {}",
                path.display()
            );
        }
    }
    // An answer without the secret is cached as usual.
    let server = answering(200, "application/json", crate::util::token_json(3600));
    let out = fetch(&server, secret, &["-v"]);
    assert!(out.stderr.contains("* cached the token"), "{}", out.stderr);
}
