//! tokn's issuer discovery, client assertions and client certificates against
//! oidc-provider (tests/interop/server.js, over HTTPS, with the keys and
//! certificates of interop_material.rs registered with its clients). Every token
//! tokn prints is checked with the server's introspection endpoint; the server's
//! record of each request says how the client authenticated, what the assertion's
//! header and claims were, and which certificate it saw.
//!
//! The refusals a strict server makes (another key, another `kid`, an expired
//! certificate, a replayed `jti`) are exit 4.

use std::path::PathBuf;

use serde_json::Value;

use crate::interop::{
    BASIC_ID, BASIC_SECRET, Outcome, POST_ID, POST_SECRET, Server, Tokn, auth_trace, https_server,
    trace,
};

const JWT_SECRET_ID: &str = "jwt-secret-client";
const JWT_SECRET: &str = "jwt-secret-0123456789-0123456789-0123456789-0123456789-012345678";

/// tokn against the HTTPS server, trusting its CA (written into the run's home).
fn tokn(server: &Server, case: &str) -> Tokn {
    let run = Tokn::new(server, case);
    let ca = run.home.path.join("ca.pem");
    std::fs::write(&ca, server.ca_pem.as_deref().expect("an HTTPS server")).unwrap();
    run.env("TOKN_CACERT", ca)
}

/// Write test material into the run's home; its path.
fn material(server: &Server, run: &Tokn, names: &[&str]) -> PathBuf {
    let file = format!("{}.joined", names.join("+"));
    server.material.write_joined(&run.home.path, &file, names)
}

/// The server's record of the one token request of a run.
fn the_request(server: &Server, out: &Outcome) -> Value {
    let records: Vec<Value> = server
        .records(&out.case)
        .into_iter()
        .filter(|r| r["endpoint"] == "token")
        .collect();
    assert_eq!(records.len(), 1, "one token request: {records:?}");
    records[0].clone()
}

/// Assert the printed token is active and `client`'s, per introspection.
#[track_caller]
fn assert_token_of(server: &Server, out: &Outcome, client: &str) -> Value {
    let info = server.introspect_any(out.raw_token());
    assert_eq!(
        (info["active"].as_bool(), info["client_id"].as_str()),
        (Some(true), Some(client)),
        "introspection: {info}\n{}",
        out.stderr
    );
    info
}

#[test]
fn discovery_finds_the_token_endpoint() {
    let Some(server) = https_server() else { return };
    let out = tokn(server, "discovery")
        .token_url(None)
        .client(BASIC_ID, BASIC_SECRET)
        .args(["--issuer", &server.base, "-v"])
        .run();
    server.assert_active(out.raw_token(), BASIC_ID, BASIC_SECRET, None);
    assert_eq!(auth_trace(server, &out, BASIC_ID), trace(&[("basic", 200)]));
    let expected = format!("> GET {}/.well-known/openid-configuration", server.base);
    assert!(out.stderr.contains(&expected), "{}", out.stderr);
    out.assert_no_secret(BASIC_SECRET);

    // An issuer with a path whose metadata is only at the RFC 8414 location.
    let issuer = format!(
        "{}/issuers/rfc8414/tokn-{}",
        server.base,
        std::process::id()
    );
    let out = tokn(server, "discovery-rfc8414")
        .token_url(None)
        .client(BASIC_ID, BASIC_SECRET)
        .args(["--issuer", &issuer, "-v"])
        .run();
    server.assert_active(out.raw_token(), BASIC_ID, BASIC_SECRET, None);
    let rfc8414 = format!(
        "> GET {}/.well-known/oauth-authorization-server/issuers/rfc8414/tokn-",
        server.base
    );
    assert!(out.stderr.contains(&rfc8414), "{}", out.stderr);

    // A document for another issuer: exit 5, and no token request.
    let out = tokn(server, "discovery-mismatch")
        .token_url(None)
        .client(BASIC_ID, BASIC_SECRET)
        .args(["--issuer", &format!("{}/issuers/mismatch", server.base)])
        .run();
    out.assert_code(5);
    assert!(out.stderr.contains("is for the issuer"), "{}", out.stderr);
    assert!(auth_trace(server, &out, BASIC_ID).is_empty());
}

#[test]
fn private_key_jwt_with_each_key() {
    let Some(server) = https_server() else { return };
    for (client, key, alg, kid) in [
        ("jwt-rsa-client", "rsa.pem", None, "rsa-1"),
        ("jwt-rsa-client", "rsa.pkcs1.pem", Some("PS256"), "rsa-1"),
        ("jwt-ec-client", "ec256.pem", None, "ec256-1"),
        ("jwt-ec-client", "ec256.sec1.pem", None, "ec256-1"),
        ("jwt-p384-client", "ec384.sec1.pem", None, "ec384-1"),
        ("jwt-ed25519-client", "ed25519.pem", None, "ed25519-1"),
    ] {
        let run = tokn(server, "private-key-jwt");
        let path = material(server, &run, &[key]);
        let mut run = run
            .args([
                "-i",
                client,
                "--auth",
                "private_key_jwt",
                "--signing-key-id",
                kid,
            ])
            .args(["--signing-key"])
            .args([&path]);
        if let Some(alg) = alg {
            run = run.args(["--jwt-alg", alg]);
        }
        let out = run.run();
        assert_token_of(server, &out, client);
        let request = the_request(server, &out);
        assert_eq!(request["auth"], "jwt", "{key}: {request}");
        let header = &request["assertion"]["header"];
        let default = match key {
            k if k.starts_with("rsa") => "RS256",
            k if k.starts_with("ec256") => "ES256",
            k if k.starts_with("ec384") => "ES384",
            _ => "EdDSA",
        };
        assert_eq!(header["alg"], alg.unwrap_or(default), "{key}: {request}");
        assert_eq!(header["kid"], kid, "{key}: {request}");
        let claims = &request["assertion"]["payload"];
        assert_eq!(
            (claims["iss"].as_str(), claims["sub"].as_str()),
            (Some(client), Some(client))
        );
        assert_eq!(claims["aud"], server.url("/token"));
    }
}

#[test]
fn private_key_jwt_with_the_certificate_beside_the_key_sends_x5t() {
    let Some(server) = https_server() else { return };
    let run = tokn(server, "x5t");
    let pem = material(server, &run, &["rsa.pem", "rsa.crt"]);
    // auto, with no secret anywhere: the key is enough; aud the issuer, which it accepts.
    let out = run
        .args([
            "-i",
            "jwt-rsa-client",
            "--signing-key-id",
            "rsa-1",
            "--signing-key",
        ])
        .args([&pem])
        .args(["--jwt-audience", &server.base])
        .run();
    assert_token_of(server, &out, "jwt-rsa-client");
    let request = the_request(server, &out);
    let (x5t, x5t_s256) = server.material.x5t("rsa.crt");
    assert_eq!(request["assertion"]["header"]["x5t"], x5t, "{request}");
    assert_eq!(request["assertion"]["header"]["x5t#S256"], x5t_s256);
    assert_eq!(request["assertion"]["payload"]["aud"], server.base.as_str());
}

#[test]
fn client_secret_jwt() {
    let Some(server) = https_server() else { return };
    for alg in [None, Some("HS512")] {
        let mut run = tokn(server, "client-secret-jwt")
            .client(JWT_SECRET_ID, JWT_SECRET)
            .args(["--auth", "client_secret_jwt"]);
        if let Some(alg) = alg {
            run = run.env("TOKN_JWT_ALG", alg);
        }
        let out = run.run();
        assert_token_of(server, &out, JWT_SECRET_ID);
        out.assert_no_secret(JWT_SECRET);
        let request = the_request(server, &out);
        assert_eq!(
            request["assertion"]["header"]["alg"],
            alg.unwrap_or("HS256")
        );
        assert!(request["params"]["client_secret"].is_null(), "{request}");
    }
}

#[test]
fn tls_client_auth_through_the_mtls_alias_of_the_metadata() {
    let Some(server) = https_server() else { return };
    let run = tokn(server, "tls-client-auth");
    let cert = material(server, &run, &["tls-client.crt"]);
    let key = material(server, &run, &["tls-client.key"]);
    // auto with a certificate and no secret is tls; the metadata names the alias.
    let out = run
        .token_url(None)
        .args(["--issuer", &server.base, "-i", "tls-client", "--cert"])
        .args([&cert])
        .env("TOKN_KEY", &key)
        .run();
    assert_token_of(server, &out, "tls-client");
    let request = the_request(server, &out);
    assert_eq!(request["path"], "/mtls/token", "{request}");
    assert_eq!(request["auth"], "none", "{request}");
    assert_eq!(
        request["cert"]["subject"],
        "CN=tokn-tls-client,O=tokn-interop"
    );
    assert_eq!(
        request["cert"]["x5t#S256"],
        server.material.x5t("tls-client.crt").1
    );

    // The RFC name, to the plain token endpoint, key and certificate in one file.
    let run = tokn(server, "tls-client-auth-rfc-name");
    let both = material(server, &run, &["tls-client.crt", "tls-client.key"]);
    let out = run
        .args(["-i", "tls-client", "--auth", "tls_client_auth", "--cert"])
        .args([&both])
        .run();
    assert_token_of(server, &out, "tls-client");
    assert_eq!(the_request(server, &out)["path"], "/token");
}

#[test]
fn self_signed_tls_client_auth() {
    let Some(server) = https_server() else { return };
    let run = tokn(server, "self-signed");
    let cert = material(server, &run, &["self-signed.crt"]);
    let key = material(server, &run, &["self-signed.key"]);
    let out = run
        .args([
            "-i",
            "self-signed-client",
            "--auth",
            "self_signed_tls_client_auth",
        ])
        .args(["--cert"])
        .args([&cert])
        .args(["--key"])
        .args([&key])
        .run();
    assert_token_of(server, &out, "self-signed-client");
}

#[test]
fn a_certificate_with_a_secret_gets_a_certificate_bound_token() {
    let Some(server) = https_server() else { return };
    let run = tokn(server, "bound");
    let both = material(server, &run, &["tls-client.crt", "tls-client.key"]);
    let out = run
        .client("bound-client", "bound-secret-0123456789")
        .args(["--cert"])
        .args([&both])
        .run();
    let info = assert_token_of(server, &out, "bound-client");
    assert_eq!(
        info["cnf"]["x5t#S256"],
        server.material.x5t("tls-client.crt").1
    );
    assert_eq!(
        auth_trace(server, &out, "bound-client"),
        trace(&[("basic", 200)])
    );
}

#[test]
fn auto_keeps_to_the_methods_the_metadata_lists() {
    let Some(server) = https_server() else { return };
    // Only client_secret_post listed: one request, in the body, for the post client.
    let issuer = format!("{}/issuers/methods=client_secret_post/auto", server.base);
    let out = tokn(server, "auto-post-only")
        .token_url(None)
        .client(POST_ID, POST_SECRET)
        .args(["--issuer", &issuer])
        .run();
    server.assert_active(out.raw_token(), POST_ID, POST_SECRET, None);
    assert_eq!(auth_trace(server, &out, POST_ID), trace(&[("post", 200)]));

    // Nothing usable listed: as without metadata (Basic first), and -v says so.
    let issuer = format!("{}/issuers/methods=private_key_jwt/auto", server.base);
    let out = tokn(server, "auto-nothing-usable")
        .token_url(None)
        .client(BASIC_ID, BASIC_SECRET)
        .args(["--issuer", &issuer, "-v"])
        .run();
    server.assert_active(out.raw_token(), BASIC_ID, BASIC_SECRET, None);
    assert_eq!(auth_trace(server, &out, BASIC_ID), trace(&[("basic", 200)]));
    assert!(
        out.stderr.contains("proceeding as without metadata"),
        "{}",
        out.stderr
    );

    // A signing key and the full list: private_key_jwt, the only method of this client.
    let run = tokn(server, "auto-key");
    let key = material(server, &run, &["ed25519.pem"]);
    let out = run
        .token_url(None)
        .args(["--issuer", &server.base, "-i", "jwt-ed25519-client"])
        .args(["--signing-key-id", "ed25519-1", "--signing-key"])
        .args([&key])
        .run();
    assert_token_of(server, &out, "jwt-ed25519-client");
}

#[test]
fn a_cached_token_costs_no_request_at_all() {
    let Some(server) = https_server() else { return };
    let run = tokn(server, "cached");
    let key = material(server, &run, &["ec256.pem"]);
    // One command run twice: the same -H 'X-Interop-Case', so the same cache key.
    let (mut cmd, case, _home) = run
        .token_url(None)
        .env("TOKN_NO_CACHE", "0")
        .args([
            "--issuer",
            &server.base,
            "-i",
            "jwt-ec-client",
            "--signing-key",
        ])
        .args([&key])
        .args(["-v"])
        .into_parts();
    let first = cmd.output().expect("tokn runs");
    let second = cmd.output().expect("tokn runs");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(second.stdout, first.stdout);
    let token = String::from_utf8(first.stdout).unwrap();
    let info = server.introspect_any(token.trim_end());
    assert_eq!(info["client_id"], "jwt-ec-client", "{info}");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("token from the cache"), "{stderr}");
    assert!(!stderr.contains("> GET"), "{stderr}");
    let token_requests = server
        .records(&case)
        .into_iter()
        .filter(|r| r["endpoint"] == "token")
        .count();
    assert_eq!(token_requests, 1);
}

/// One refusal: the exit is 4 and the server says invalid_client.
#[track_caller]
fn assert_refused(server: &Server, out: &Outcome, because: &str) {
    out.assert_code(4);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(out.stderr.contains("invalid_client"), "{}", out.stderr);
    let request = the_request(server, out);
    let detail = request["error_detail"]
        .as_str()
        .unwrap_or_default()
        .to_string()
        + request["error_description"].as_str().unwrap_or_default();
    assert!(detail.contains(because), "{because:?} not in {request}");
}

#[test]
fn another_key_another_kid_an_expired_certificate_and_a_replay_are_refused() {
    let Some(server) = https_server() else { return };
    let signed = |case: &str, key: &str, kid: &str| {
        let run = tokn(server, case);
        let path = material(server, &run, &[key]);
        run.args([
            "-i",
            "jwt-rsa-client",
            "--signing-key-id",
            kid,
            "--signing-key",
        ])
        .args([&path])
    };
    let out = signed("wrong-key", "other-rsa.pem", "rsa-1").run();
    assert_refused(server, &out, "");
    let out = signed("wrong-kid", "rsa.pem", "rsa-2").run();
    assert_refused(server, &out, "");

    let jti = format!("tokn-replay-{}", std::process::id());
    let first = signed("replay-first", "rsa.pem", "rsa-1")
        .env("TOKN_TEST_JTI", &jti)
        .run();
    assert_token_of(server, &first, "jwt-rsa-client");
    let again = signed("replay-again", "rsa.pem", "rsa-1")
        .env("TOKN_TEST_JTI", &jti)
        .run();
    assert_refused(server, &again, "only be used once");

    let run = tokn(server, "expired-self-signed");
    let cert = material(
        server,
        &run,
        &["self-signed-expired.crt", "self-signed.key"],
    );
    let out = run
        .args(["-i", "self-signed-client", "--auth", "tls", "--cert"])
        .args([&cert])
        .run();
    assert_refused(server, &out, "expired");

    let run = tokn(server, "expired-tls-client");
    let cert = material(server, &run, &["tls-client-expired.crt", "tls-client.key"]);
    let out = run
        .args(["-i", "tls-client", "--auth", "tls", "--cert"])
        .args([&cert])
        .run();
    assert_refused(server, &out, "");
}
