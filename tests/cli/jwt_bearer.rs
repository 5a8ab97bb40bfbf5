//! The jwt-bearer grant with an assertion tokn signs (RFC 7523 §3): the exact
//! claims and header, each signature checked with the public key, what the
//! options change, the client authentication it implies, and a Google
//! service-account key file made here in the shape Google hands out, against a
//! server that checks every claim. The clock is pinned with `TOKN_TEST_NOW`.

use ring::signature;
use serde_json::{Value, json};

use crate::scripted::{Scripted, Seen};
use crate::util::{
    SECRET, TOKEN, TempDir, files_under, run, test_key, token_json, tokn, verify_signature,
};

const NOW: u64 = 1_700_000_000;
const GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const EMAIL: &str = "deployer@tokn-test.iam.gserviceaccount.com";
const SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";

fn token_server() -> Scripted {
    Scripted::start(vec![("/token", vec![(200, token_json(3600))])])
}

/// The one request's form fields, and its assertion decoded.
fn request(server: &Scripted) -> (Seen, Vec<String>, tokn::jose::Decoded) {
    let seen = server.seen("/token");
    assert_eq!(seen.len(), 1, "one token request");
    let assertion = seen[0].field("assertion").expect("an assertion field");
    let decoded = tokn::jose::decode(&assertion).expect("a JWT");
    (seen[0].clone(), seen[0].field_names(), decoded)
}

/// `tokn` at the pinned time against `server`, no client secret anywhere.
fn at_server(dir: &TempDir, server: &Scripted) -> assert_cmd::Command {
    let mut cmd = tokn(dir);
    cmd.args(["-u", &server.url("/token"), "--retry", "0", "--no-cache"])
        .env("TOKN_TEST_NOW", NOW.to_string());
    cmd
}

fn jti_of(decoded: &tokn::jose::Decoded) -> String {
    decoded.claims["jti"].as_str().expect("a jti").to_string()
}

#[test]
fn tokn_signs_the_assertion_with_exactly_these_claims() {
    let server = token_server();
    let dir = TempDir::new();
    let key = test_key(&dir, "p256.pem");
    let out = run(at_server(&dir, &server)
        .args([
            "-i",
            "my-client",
            "--grant-type",
            "jwt-bearer",
            "--signing-key",
        ])
        .arg(&key));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{TOKEN}\n"));
    let (seen, names, decoded) = request(&server);
    // No secret: the client authenticates with none, and sends its ID.
    assert_eq!(names, ["grant_type", "assertion", "client_id"]);
    assert_eq!(seen.field("grant_type").as_deref(), Some(GRANT));
    assert!(seen.header("authorization").is_none());
    assert_eq!(
        Value::Object(decoded.header.clone()),
        json!({"alg": "ES256", "typ": "JWT"})
    );
    let jti = jti_of(&decoded);
    assert_eq!(
        Value::Object(decoded.claims.clone()),
        json!({
            "iss": "my-client", "sub": "my-client", "aud": server.url("/token"),
            "iat": NOW, "exp": NOW + 300, "jti": jti,
        })
    );
    assert_eq!(tokn::jose::b64url_decode(&jti).map(|b| b.len()), Some(16));
    verify_signature(
        &decoded,
        "p256.pub.pem",
        &signature::ECDSA_P256_SHA256_FIXED,
    );
}

#[test]
fn the_options_shape_the_assertion() {
    let server = token_server();
    let dir = TempDir::new();
    let key = test_key(&dir, "rsa.pem");
    let out = run(at_server(&dir, &server)
        .args(["--grant-type", "jwt-bearer", "--signing-key"])
        .arg(&key)
        .args([
            "--jwt-issuer",
            "https://ci.example",
            "--jwt-subject",
            "repo:a/b",
        ])
        .args([
            "--jwt-claim",
            "tenant=acme",
            "--jwt-claim",
            "n=3",
            "--jwt-claim",
            "roles=[\"x\"]",
        ])
        .args([
            "--jwt-audience",
            "https://idp.example",
            "--signing-key-id",
            "k1",
            "--jwt-alg",
            "PS256",
        ])
        .args(["-s", "read"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (_, names, decoded) = request(&server);
    // No client ID given: none is sent.
    assert_eq!(names, ["grant_type", "assertion", "scope"]);
    assert_eq!(
        Value::Object(decoded.header.clone()),
        json!({"alg": "PS256", "typ": "JWT", "kid": "k1"})
    );
    let jti = jti_of(&decoded);
    assert_eq!(
        Value::Object(decoded.claims.clone()),
        json!({
            "iss": "https://ci.example", "sub": "repo:a/b", "aud": "https://idp.example",
            "iat": NOW, "exp": NOW + 300, "jti": jti, "tenant": "acme", "n": 3, "roles": ["x"],
        })
    );
    verify_signature(
        &decoded,
        "rsa.pub.pem",
        &signature::RSA_PSS_2048_8192_SHA256,
    );
}

#[test]
fn a_secret_given_authenticates_the_client_and_the_key_signs_only_the_grant() {
    let server = token_server();
    let dir = TempDir::new();
    let key = test_key(&dir, "ed25519.pem");
    let out = run(at_server(&dir, &server)
        .args([
            "-i",
            "my-client",
            "--grant-type",
            "jwt-bearer",
            "--signing-key",
        ])
        .arg(&key)
        .env("TOKN_CLIENT_SECRET", SECRET));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (seen, names, decoded) = request(&server);
    assert_eq!(names, ["grant_type", "assertion"]);
    assert!(
        seen.header("authorization")
            .is_some_and(|h| h.starts_with("Basic "))
    );
    assert_eq!(decoded.header["alg"], "EdDSA");
    verify_signature(&decoded, "ed25519.pub.pem", &signature::ED25519);
    // Each request gets a new jti, as servers refuse a replayed one.
    let again = token_server();
    let out = run(at_server(&dir, &again)
        .args([
            "-i",
            "my-client",
            "--grant-type",
            "jwt-bearer",
            "--signing-key",
        ])
        .arg(&key)
        .env("TOKN_CLIENT_SECRET", SECRET));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_ne!(jti_of(&request(&again).2), jti_of(&decoded));
}

/// A service-account key file in Google's shape, with the RSA test key.
fn service_account(dir: &TempDir, token_uri: &str, mode: u32) -> std::path::PathBuf {
    let pem = std::fs::read_to_string(test_key(dir, "rsa.pem")).unwrap();
    let json = json!({
        "type": "service_account",
        "project_id": "tokn-test",
        "private_key_id": "0123456789abcdef",
        "private_key": pem,
        "client_email": EMAIL,
        "client_id": "123456789",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
    });
    dir.file("sa.json", json.to_string().as_bytes(), mode)
}

#[test]
fn a_service_account_file_implies_every_part_of_the_request() {
    let server = token_server();
    let dir = TempDir::new();
    let sa = service_account(&dir, &server.url("/token"), 0o600);
    let out = run(tokn(&dir)
        .arg("--service-account")
        .arg(&sa)
        .args(["-s", SCOPE, "-v"])
        .env("TOKN_TEST_NOW", NOW.to_string()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{TOKEN}\n"));
    let (seen, names, decoded) = request(&server);
    // The scopes are a claim, not a field; no client ID, no client authentication.
    assert_eq!(names, ["grant_type", "assertion"]);
    assert_eq!(seen.field("grant_type").as_deref(), Some(GRANT));
    assert!(seen.header("authorization").is_none());
    assert_eq!(
        Value::Object(decoded.header.clone()),
        json!({"alg": "RS256", "typ": "JWT", "kid": "0123456789abcdef"})
    );
    let jti = jti_of(&decoded);
    assert_eq!(
        Value::Object(decoded.claims.clone()),
        json!({
            "iss": EMAIL, "sub": EMAIL, "aud": server.url("/token"), "scope": SCOPE,
            "iat": NOW, "exp": NOW + 300, "jti": jti,
        })
    );
    verify_signature(
        &decoded,
        "rsa.pub.pem",
        &signature::RSA_PKCS1_2048_8192_SHA256,
    );
    assert!(!out.stderr.contains("BEGIN PRIVATE KEY"), "{}", out.stderr);
    assert!(!out.stderr.contains(&seen.field("assertion").unwrap()));
}

#[test]
fn options_given_beat_the_service_account_file() {
    let server = token_server();
    let dir = TempDir::new();
    let sa = service_account(&dir, "https://oauth2.googleapis.com/token", 0o600);
    let key = test_key(&dir, "p256.pem");
    let out = run(tokn(&dir)
        .arg("--service-account")
        .arg(&sa)
        .args([
            "-u",
            &server.url("/token"),
            "--jwt-issuer",
            "other@example",
            "--signing-key-id",
            "k9",
        ])
        .arg("--signing-key")
        .arg(&key)
        .env("TOKN_TEST_NOW", NOW.to_string()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (_, _, decoded) = request(&server);
    assert_eq!(decoded.claims["iss"], "other@example");
    assert_eq!(decoded.claims["sub"], "other@example");
    // The audience stays the file's token_uri, as Google wants.
    assert_eq!(decoded.claims["aud"], "https://oauth2.googleapis.com/token");
    assert_eq!(decoded.header["kid"], "k9");
    verify_signature(
        &decoded,
        "p256.pub.pem",
        &signature::ECDSA_P256_SHA256_FIXED,
    );
}

#[test]
fn a_cached_token_is_served_without_reading_the_service_account_file() {
    let server = token_server();
    let dir = TempDir::new();
    let sa = service_account(&dir, &server.url("/token"), 0o600);
    let fetch = || {
        run(tokn(&dir)
            .arg("--service-account")
            .arg(&sa)
            .env("TOKN_TEST_NOW", NOW.to_string()))
    };
    assert_eq!(fetch().code, 0);
    std::fs::write(&sa, "no longer JSON").unwrap();
    let out = fetch();
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, &*format!("{TOKEN}\n")),
        "{}",
        out.stderr
    );
    assert_eq!(server.seen("/token").len(), 1);
    for (path, bytes) in files_under(&dir.path().join("cache")) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("PRIVATE KEY"), "{}", path.display());
        assert!(!text.contains("eyJ"), "an assertion in {}", path.display());
    }
}

#[test]
fn service_account_file_problems_name_the_file_and_the_field() {
    let server = token_server();
    let dir = TempDir::new();
    let sa = service_account(&dir, &server.url("/token"), 0o600);
    let good: Value = serde_json::from_slice(&std::fs::read(&sa).unwrap()).unwrap();
    let cases: Vec<(Value, &str)> = vec![
        (json!({"type": "authorized_user"}), "\"authorized_user\""),
        (without(&good, "private_key_id"), "no \"private_key_id\""),
        (without(&good, "client_email"), "no \"client_email\""),
        (without(&good, "token_uri"), "no \"token_uri\""),
        (without(&good, "private_key"), "no \"private_key\""),
        (json!(["not", "an", "object"]), "not a JSON object"),
    ];
    for (json, expected) in cases {
        let bad = dir.file("bad.json", json.to_string().as_bytes(), 0o600);
        let out = run(tokn(&dir).arg("--service-account").arg(&bad));
        assert_eq!(out.code, 2, "{expected}: {}", out.stderr);
        assert!(
            out.stderr.contains(&bad.display().to_string()),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains(expected), "{expected}: {}", out.stderr);
        assert!(!out.stderr.contains("BEGIN PRIVATE KEY"), "{}", out.stderr);
    }
    assert!(server.seen("/token").is_empty());
    // A file others can read still works, with a warning naming it.
    let shared = service_account(&dir, &server.url("/token"), 0o644);
    let out = run(tokn(&dir)
        .arg("--service-account")
        .arg(&shared)
        .arg("--no-cache"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("tokn: warning: ") && out.stderr.contains("sa.json"),
        "{}",
        out.stderr
    );
}

fn without(json: &Value, field: &str) -> Value {
    let mut json = json.clone();
    json.as_object_mut().unwrap().remove(field);
    json
}

#[test]
fn signing_mistakes_are_usage_errors() {
    let server = token_server();
    let dir = TempDir::new();
    let key = test_key(&dir, "p256.pem");
    let key = key.to_str().unwrap();
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 6] = [
        (
            &["--grant-type", "jwt-bearer", "--signing-key", key],
            &[],
            "--jwt-issuer",
        ),
        (
            &[
                "-i",
                "c",
                "--grant-type",
                "jwt-bearer",
                "--signing-key",
                key,
                "--jwt-claim",
                "exp=1",
            ],
            &[],
            "a claim tokn sets itself",
        ),
        (
            &["-i", "c", "--grant-type", "jwt-bearer", "--jwt-issuer", "x"],
            &[("TOKN_ASSERTION", "a.b.c")],
            "--jwt-issuer is for an assertion tokn signs",
        ),
        (
            &["-i", "c", "--jwt-subject", "x"],
            &[],
            "belongs to --grant-type jwt-bearer",
        ),
        (
            &[
                "-i",
                "c",
                "--grant-type",
                "password",
                "--service-account",
                "/x.json",
            ],
            &[],
            "--service-account belongs to --grant-type jwt-bearer, not password",
        ),
        (
            &["-i", "c", "--grant-type", "jwt-bearer"],
            &[],
            "--signing-key FILE or --service-account FILE",
        ),
    ];
    for (args, env, expected) in cases {
        let mut cmd = tokn(&dir);
        cmd.args(["-u", &server.url("/token")]).args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = run(&mut cmd);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(expected), "{args:?}: {}", out.stderr);
    }
    assert!(server.seen("/token").is_empty());
}
