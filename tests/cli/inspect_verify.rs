//! `tokn inspect --verify`: the signature checked with the keys at the
//! `jwks_uri` of the `--issuer` metadata, then `iss`, `exp` and `nbf`, each
//! failure exit 4 naming its check.

use httpmock::prelude::*;
use serde_json::{Value, json};

use crate::jwt::{Signer, jwks, tampered};
use crate::util::{TempDir, assert_no_leak, run, tokn};

const NOW: u64 = 1_700_000_000;

/// An issuer on `server` whose metadata names its JWKS of `signers`.
fn issuer(server: &MockServer, signers: &[&Signer]) -> String {
    let base = server.base_url();
    let metadata = json!({
        "issuer": base,
        "token_endpoint": format!("{base}/token"),
        "jwks_uri": format!("{base}/jwks"),
    });
    server.mock(|when, then| {
        when.method(GET).path("/.well-known/openid-configuration");
        then.status(200)
            .header("content-type", "application/json")
            .body(metadata.to_string());
    });
    let keys = jwks(signers);
    server.mock(|when, then| {
        when.method(GET).path("/jwks");
        then.status(200)
            .header("content-type", "application/json")
            .body(keys);
    });
    base
}

fn verify(issuer: &str, token: &str) -> crate::util::Run {
    let tmp = TempDir::new();
    run(tokn(&tmp)
        .args(["inspect", "--verify", "--issuer", issuer])
        .env("TOKN_TEST_NOW", NOW.to_string())
        .write_stdin(token.to_string()))
}

fn claims(iss: &str) -> Value {
    json!({"iss": iss, "sub": "svc", "iat": NOW - 10, "exp": NOW + 600})
}

#[test]
fn every_algorithm_verifies_with_the_issuers_jwks() {
    let signers = [
        Signer::rsa("RS256", "rs256"),
        Signer::rsa("RS384", "rs384"),
        Signer::rsa("RS512", "rs512"),
        Signer::rsa("PS256", "ps256"),
        Signer::rsa("PS384", "ps384"),
        Signer::rsa("PS512", "ps512"),
        Signer::ec("ES256", "es256"),
        Signer::ec("ES384", "es384"),
        Signer::ed25519("ed"),
    ];
    let server = MockServer::start();
    let iss = issuer(&server, &signers.iter().collect::<Vec<_>>());
    for signer in &signers {
        let token = signer.jwt(&claims(&iss));
        let out = verify(&iss, &token);
        assert_eq!(out.code, 0, "{}: {}", signer.alg, out.stderr);
        let json: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(json["claims"], claims(&iss));
        assert_eq!(
            out.stderr,
            format!(
                "tokn: expires in 10m 0s (2023-11-14T22:23:20Z)\n\
                 tokn: verified: {} signature by the issuer's key '{}', iss, exp and nbf\n",
                signer.alg,
                signer.kid()
            )
        );
    }
}

/// Exit 4, nothing on stdout, and the check named; never the whole token.
fn assert_fails(out: &crate::util::Run, check: &str, token: &str) {
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .starts_with(&format!("tokn: error: the token fails the {check} check: ")),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(token), "{}", out.stderr);
    assert_no_leak(&out.stderr, "inspect --verify");
}

#[test]
fn a_tampered_signature_fails_the_signature_check() {
    let signer = Signer::rsa("RS256", "k1");
    let server = MockServer::start();
    let iss = issuer(&server, &[&signer]);
    let token = signer.jwt(&claims(&iss));
    let mut other = claims(&iss);
    other["sub"] = "admin".into();
    let forged = tampered(&token, &signer.jwt(&other));
    let out = verify(&iss, &forged);
    assert_fails(&out, "signature", &forged);
    assert!(
        out.stderr.contains("does not match key 'k1'"),
        "{}",
        out.stderr
    );

    // A key the issuer does not list.
    let stranger = Signer::ec("ES256", "k1");
    let token = stranger.jwt(&claims(&iss));
    assert_fails(&verify(&iss, &token), "signature", &token);
}

#[test]
fn another_issuer_fails_the_iss_check() {
    let signer = Signer::ec("ES256", "k1");
    let server = MockServer::start();
    let iss = issuer(&server, &[&signer]);
    let token = signer.jwt(&claims("https://evil.example.com"));
    let out = verify(&iss, &token);
    assert_fails(&out, "iss", &token);
    assert!(
        out.stderr.contains("'https://evil.example.com'"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_expired_token_fails_the_exp_check_past_the_leeway() {
    let signer = Signer::ed25519("k1");
    let server = MockServer::start();
    let iss = issuer(&server, &[&signer]);
    let mut c = claims(&iss);
    c["exp"] = (NOW - 59).into();
    let out = verify(&iss, &signer.jwt(&c));
    assert_eq!(out.code, 0, "within the leeway: {}", out.stderr);
    assert!(
        out.stderr.starts_with("tokn: expired 59s ago"),
        "{}",
        out.stderr
    );
    c["exp"] = (NOW - 3600).into();
    let token = signer.jwt(&c);
    let out = verify(&iss, &token);
    assert_fails(&out, "exp", &token);
    assert!(
        out.stderr
            .contains("it expired 1h 0m ago (2023-11-14T21:13:20Z)"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_token_not_yet_valid_fails_the_nbf_check() {
    let signer = Signer::ec("ES384", "k1");
    let server = MockServer::start();
    let iss = issuer(&server, &[&signer]);
    let mut c = claims(&iss);
    c["nbf"] = (NOW + 120).into();
    let token = signer.jwt(&c);
    assert_fails(&verify(&iss, &token), "nbf", &token);
}

#[test]
fn an_unsigned_token_fails_and_an_opaque_one_is_exit_2() {
    let server = MockServer::start();
    let signer = Signer::ec("ES256", "k1");
    let iss = issuer(&server, &[&signer]);
    let token = signer.jwt(&claims(&iss));
    let (input, _) = token.rsplit_once('.').unwrap();
    let header = crate::jwt::b64(br#"{"alg":"none"}"#);
    let payload = input.split('.').nth(1).unwrap();
    let unsigned = format!("{header}.{payload}.");
    assert_fails(&verify(&iss, &unsigned), "signature", &unsigned);
    let out = verify(&iss, "an-opaque-token-0123456789");
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn verify_needs_an_issuer_with_a_jwks() {
    let signer = Signer::ec("ES256", "k1");
    let tmp = TempDir::new();
    let token = signer.jwt(&json!({}));
    let out = run(tokn(&tmp).args(["inspect", "--verify", &token]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--issuer"), "{}", out.stderr);

    let server = MockServer::start();
    let base = server.base_url();
    server.mock(|when, then| {
        when.method(GET).path("/.well-known/openid-configuration");
        then.status(200)
            .header("content-type", "application/json")
            .body(json!({"issuer": base, "token_endpoint": format!("{base}/t")}).to_string());
    });
    let out = verify(&base, &token);
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("jwks_uri"), "{}", out.stderr);
}
