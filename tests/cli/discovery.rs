//! `--issuer`: the two well-known locations, the issuer check, the metadata
//! cache (an hour, with the clock pinned by `TOKN_TEST_NOW`; `--no-cache` and
//! `--refresh`), `token_endpoint_auth_methods_supported` steering `auto`, and
//! the mTLS alias of the token endpoint.

use httpmock::prelude::*;
use serde_json::json;

use crate::util::{
    SECRET, TOKEN, TempDir, form_fields, free_port, recording_token_mock, run, test_key,
    token_json, tokn,
};

const NOW: u64 = 1_700_000_000;

/// Serve a metadata document at `path`; the mock counts the GETs.
fn metadata<'a>(
    server: &'a MockServer,
    path: &str,
    document: serde_json::Value,
) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(GET).path(path);
        then.status(200)
            .header("content-type", "application/json")
            .body(document.to_string());
    })
}

/// `tokn` with the issuer, the client ID and the secret, the clock at `now`.
fn tokn_issuer(tmp: &TempDir, issuer: &str, now: u64) -> assert_cmd::Command {
    let mut cmd = tokn(tmp);
    cmd.args(["--issuer", issuer, "-i", "my-client", "--retry", "0"])
        .env("TOKN_CLIENT_SECRET", SECRET)
        .env("TOKN_TEST_NOW", now.to_string());
    cmd
}

#[test]
fn the_token_endpoint_comes_from_the_openid_location() {
    let server = MockServer::start();
    let issuer = server.base_url();
    let doc = metadata(
        &server,
        "/.well-known/openid-configuration",
        json!({"issuer": issuer, "token_endpoint": server.url("/token")}),
    );
    let (token, _) = recording_token_mock(&server);
    let tmp = TempDir::new();
    let out = run(tokn_issuer(&tmp, &issuer, NOW).arg("-v"));
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, format!("{TOKEN}\n").as_str()),
        "{}",
        out.stderr
    );
    doc.assert_calls(1);
    token.assert_calls(1);
    let expected =
        format!("> GET {issuer}/.well-known/openid-configuration\n< HTTP 200 application/json, ");
    assert!(out.stderr.contains(&expected), "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "* token endpoint from the metadata's token_endpoint: {}",
            server.url("/token")
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn a_404_leads_to_the_rfc_8414_location_with_the_issuer_s_path_after_it() {
    let server = MockServer::start();
    let issuer = server.url("/tenant/v2.0");
    let openid = server.mock(|when, then| {
        when.method(GET)
            .path("/tenant/v2.0/.well-known/openid-configuration");
        then.status(404);
    });
    let rfc8414 = metadata(
        &server,
        "/.well-known/oauth-authorization-server/tenant/v2.0",
        // One trailing slash aside, the issuer must be the same.
        json!({"issuer": format!("{issuer}/"), "token_endpoint": server.url("/token")}),
    );
    let (token, _) = recording_token_mock(&server);
    let tmp = TempDir::new();
    let out = run(&mut tokn_issuer(&tmp, &issuer, NOW));
    assert_eq!(out.code, 0, "{}", out.stderr);
    openid.assert_calls(1);
    rfc8414.assert_calls(1);
    token.assert_calls(1);
}

#[test]
fn metadata_for_another_issuer_is_exit_5_and_nothing_is_sent() {
    let server = MockServer::start();
    let issuer = server.base_url();
    metadata(
        &server,
        "/.well-known/openid-configuration",
        json!({"issuer": "https://evil.example", "token_endpoint": server.url("/token")}),
    );
    let (token, _) = recording_token_mock(&server);
    let tmp = TempDir::new();
    let out = run(&mut tokn_issuer(&tmp, &issuer, NOW));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "tokn: error: the metadata at {issuer}/.well-known/openid-configuration is for the \
             issuer 'https://evil.example', not '{issuer}'\n  tokn uses metadata only for the \
             issuer it asked for (RFC 8414 §3.3); check --issuer\n"
        )
    );
    token.assert_calls(0);
}

#[test]
fn no_metadata_at_either_place_is_exit_5_naming_both_urls() {
    let server = MockServer::start();
    let issuer = server.url("/t");
    let tmp = TempDir::new();
    let out = run(&mut tokn_issuer(&tmp, &issuer, NOW));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "tokn: error: found no metadata for the issuer {issuer}\n  \
             {issuer}/.well-known/openid-configuration: HTTP 404\n  \
             {}/.well-known/oauth-authorization-server/t: HTTP 404\n  \
             hint: check --issuer, or give the token endpoint with -u/--token-url\n",
            server.base_url()
        )
    );
}

#[test]
fn an_issuer_that_cannot_be_reached_is_exit_3() {
    let port = free_port();
    let tmp = TempDir::new();
    let out = run(&mut tokn_issuer(
        &tmp,
        &format!("http://127.0.0.1:{port}"),
        NOW,
    ));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("connection refused"), "{}", out.stderr);
}

#[test]
fn a_metadata_answer_tokn_cannot_read_names_the_metadata_not_the_token_endpoint() {
    let server = MockServer::start();
    let issuer = server.base_url();
    let huge = "x".repeat(2 * 1024 * 1024);
    server.mock(|when, then| {
        when.method(GET).path("/.well-known/openid-configuration");
        then.status(200).body(&huge);
    });
    let (token, _) = recording_token_mock(&server);
    let tmp = TempDir::new();
    let out = run(&mut tokn_issuer(&tmp, &issuer, NOW));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(
            "tokn: error: the answer from the issuer's metadata location is larger than 1 MiB"
        ),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("token endpoint"), "{}", out.stderr);
    token.assert_calls(0);
}

#[test]
fn a_plain_http_issuer_elsewhere_is_refused_like_a_token_url() {
    let tmp = TempDir::new();
    let out = run(&mut tokn_issuer(&tmp, "http://idp.example.test", NOW));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("tokn: error: refusing to send the client secret over plain http"),
        "{}",
        out.stderr
    );
    let out = run(&mut tokn_issuer(
        &tmp,
        "https://idp.example.test/?tenant=x",
        NOW,
    ));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("has a query or a fragment"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_token_endpoint_the_rules_forbid_is_exit_5_and_nothing_is_sent() {
    let server = MockServer::start();
    let issuer = server.base_url();
    metadata(
        &server,
        "/.well-known/openid-configuration",
        json!({"issuer": issuer, "token_endpoint": "http://idp.example.test/token"}),
    );
    let tmp = TempDir::new();
    let out = run(&mut tokn_issuer(&tmp, &issuer, NOW));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(
            "tokn: error: the metadata's token_endpoint cannot be used: refusing to send the \
             client secret over plain http to 'idp.example.test'"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn the_token_url_option_still_wins() {
    let server = MockServer::start();
    let issuer = server.base_url();
    metadata(
        &server,
        "/.well-known/openid-configuration",
        json!({"issuer": issuer, "token_endpoint": server.url("/elsewhere")}),
    );
    let (token, _) = recording_token_mock(&server);
    let tmp = TempDir::new();
    let out = run(tokn_issuer(&tmp, &issuer, NOW).args(["-u", &server.url("/token")]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    token.assert_calls(1);
}

/// A token endpoint that counts its requests but gives no `expires_in`, so
/// tokens are never cached and each run asks again.
fn uncached_token(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(200)
            .header("content-type", "application/json")
            .body(format!(r#"{{"access_token":"{TOKEN}"}}"#));
    })
}

#[test]
fn metadata_is_cached_for_an_hour() {
    let server = MockServer::start();
    let issuer = server.base_url();
    let doc = metadata(
        &server,
        "/.well-known/openid-configuration",
        json!({"issuer": issuer, "token_endpoint": server.url("/token")}),
    );
    let token = uncached_token(&server);
    let tmp = TempDir::new();
    for (now, args, gets) in [
        (NOW, &[][..], 1),
        (NOW + 3599, &["-v"][..], 1),
        (NOW + 3600, &[][..], 2),
        (NOW + 3601, &["--no-cache"][..], 3),
        (NOW + 3602, &[][..], 3),
        (NOW + 3603, &["--refresh"][..], 4),
        (NOW + 3604, &[][..], 4),
    ] {
        let out = run(tokn_issuer(&tmp, &issuer, now).args(args));
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        doc.assert_calls(gets);
        if args == ["-v"] {
            assert!(
                out.stderr.contains(&format!(
                    "* metadata of {issuer} from the cache (3599 s old)"
                )),
                "{}",
                out.stderr
            );
        }
    }
    token.assert_calls(7);
    // Beside the tokens, and like them only for their owner.
    let files: Vec<_> = std::fs::read_dir(tmp.path().join("cache"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("metadata-"))
        .collect();
    assert_eq!(files.len(), 1);
    let mode = std::os::unix::fs::PermissionsExt::mode(&files[0].metadata().unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn no_cache_neither_reads_nor_writes_the_metadata() {
    let server = MockServer::start();
    let issuer = server.base_url();
    let doc = metadata(
        &server,
        "/.well-known/openid-configuration",
        json!({"issuer": issuer, "token_endpoint": server.url("/token")}),
    );
    uncached_token(&server);
    let tmp = TempDir::new();
    for _ in 0..2 {
        let out = run(tokn_issuer(&tmp, &issuer, NOW).arg("--no-cache"));
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    doc.assert_calls(2);
    let cache = tmp.path().join("cache");
    assert!(
        std::fs::read_dir(&cache).map_or(true, |mut d| d.next().is_none()),
        "--no-cache wrote to the cache"
    );
}

#[test]
fn a_cached_token_needs_no_metadata() {
    let server = MockServer::start();
    let issuer = server.base_url();
    let mut doc = metadata(
        &server,
        "/.well-known/openid-configuration",
        json!({"issuer": issuer, "token_endpoint": server.url("/token")}),
    );
    let token = server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(200)
            .header("content-type", "application/json")
            .body(token_json(7200));
    });
    let tmp = TempDir::new();
    assert_eq!(run(&mut tokn_issuer(&tmp, &issuer, NOW)).code, 0);
    doc.assert_calls(1);
    doc.delete();
    // Two hours later the metadata has expired but the token has not.
    let out = run(tokn_issuer(&tmp, &issuer, NOW + 7000).arg("-v"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("* token from the cache"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("GET"), "{}", out.stderr);
    token.assert_calls(1);
    // `cache list` shows the token URL the metadata named.
    let out = run(tokn(&tmp)
        .args(["cache", "list"])
        .env("TOKN_TEST_NOW", NOW.to_string()));
    assert!(
        out.stdout.starts_with(&server.url("/token")),
        "{}",
        out.stdout
    );
    // `cache clear` removes the metadata too.
    assert_eq!(run(tokn(&tmp).args(["cache", "clear"])).code, 0);
    let left: Vec<_> = std::fs::read_dir(tmp.path().join("cache"))
        .unwrap()
        .flatten()
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn auto_sends_only_the_methods_the_server_lists() {
    let server = MockServer::start();
    let issuer = server.base_url();
    metadata(
        &server,
        "/.well-known/openid-configuration",
        json!({
            "issuer": issuer,
            "token_endpoint": server.url("/token"),
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }),
    );
    let (token, bodies) = recording_token_mock(&server);
    let basic = server.mock(|when, then| {
        when.method(POST).header_exists("authorization");
        then.status(401);
    });
    let tmp = TempDir::new();
    let out = run(tokn_issuer(&tmp, &issuer, NOW).arg("-v"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    basic.assert_calls(0);
    token.assert_calls(1);
    let fields = form_fields(bodies.lock().unwrap().last().unwrap());
    assert_eq!(
        fields[1],
        ("client_id".to_string(), "my-client".to_string())
    );
    assert_eq!(fields[2], ("client_secret".to_string(), SECRET.to_string()));
    assert!(
        out.stderr
            .contains("* --auth auto: the server lists client_secret_post; sending post\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn auto_proceeds_as_without_metadata_when_no_listed_method_fits_and_says_so() {
    let server = MockServer::start();
    let issuer = server.base_url();
    metadata(
        &server,
        "/.well-known/openid-configuration",
        json!({
            "issuer": issuer,
            "token_endpoint": server.url("/token"),
            "token_endpoint_auth_methods_supported": ["private_key_jwt", "tls_client_auth"],
        }),
    );
    let basic = server.mock(|when, then| {
        when.method(POST)
            .path("/token")
            .header_exists("authorization");
        then.status(200)
            .header("content-type", "application/json")
            .body(token_json(3600));
    });
    let tmp = TempDir::new();
    let out = run(tokn_issuer(&tmp, &issuer, NOW).arg("-v"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    basic.assert_calls(1);
    assert!(
        out.stderr.contains(
            "* --auth auto: the server lists private_key_jwt, tls_client_auth, none of which tokn \
             can use with what it was given; proceeding as without metadata"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_client_certificate_sends_the_request_to_the_mtls_alias() {
    let server = MockServer::start();
    let issuer = server.base_url();
    metadata(
        &server,
        "/.well-known/openid-configuration",
        json!({
            "issuer": issuer,
            "token_endpoint": server.url("/token"),
            "mtls_endpoint_aliases": {"token_endpoint": server.url("/mtls/token")},
            "token_endpoint_auth_methods_supported": ["private_key_jwt", "tls_client_auth"],
        }),
    );
    let (plain, _) = recording_token_mock(&server);
    let bodies: crate::util::Bodies = Default::default();
    let seen = bodies.clone();
    let alias = server.mock(|when, then| {
        when.method(POST).path("/mtls/token").is_true(move |req| {
            seen.lock().unwrap().push(req.body_string());
            true
        });
        then.status(200)
            .header("content-type", "application/json")
            .body(token_json(3600));
    });
    let tmp = TempDir::new();
    let cert = test_key(&tmp, "rsa-with-cert.pem");
    // With the certificate and a signing key: private_key_jwt to the alias, aud the alias.
    let out = run(tokn_issuer(&tmp, &issuer, NOW)
        .args(["-v", "--no-cache"])
        .arg("--cert")
        .arg(&cert)
        .arg("--signing-key")
        .arg(&cert));
    assert_eq!(out.code, 0, "{}", out.stderr);
    alias.assert_calls(1);
    plain.assert_calls(0);
    let fields = form_fields(bodies.lock().unwrap().last().unwrap());
    let assertion = &fields
        .iter()
        .find(|(k, _)| k == "client_assertion")
        .unwrap()
        .1;
    let jwt = tokn::jose::decode(assertion).unwrap();
    assert_eq!(jwt.claims["aud"], server.url("/mtls/token"));
    assert!(
        out.stderr.contains(&format!(
            "* token endpoint from the metadata's mtls_endpoint_aliases.token_endpoint: {}",
            server.url("/mtls/token")
        )),
        "{}",
        out.stderr
    );
    // With the certificate and no secret: tls, client_id alone, to the alias.
    let out = run(tokn(&tmp)
        .args(["--issuer", &issuer, "-i", "my-client", "--no-cache"])
        .arg("--cert")
        .arg(&cert));
    assert_eq!(out.code, 0, "{}", out.stderr);
    alias.assert_calls(2);
    let fields = form_fields(bodies.lock().unwrap().last().unwrap());
    assert_eq!(
        fields,
        [
            ("grant_type".to_string(), "client_credentials".to_string()),
            ("client_id".to_string(), "my-client".to_string())
        ]
    );
    // Without a certificate: the plain endpoint.
    let out = run(tokn_issuer(&tmp, &issuer, NOW)
        .arg("--no-cache")
        .arg("--signing-key")
        .arg(&cert));
    assert_eq!(out.code, 0, "{}", out.stderr);
    plain.assert_calls(1);
}
