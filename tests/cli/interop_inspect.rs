//! `tokn inspect` on a JWT access token that oidc-provider issued (for the
//! resource indicator of the interop server), decoded and checked against the
//! provider's own JWKS (`jwks_uri` of its discovery document).

use serde_json::Value;

use crate::interop::{RESOURCE, SCOPED_ID, SCOPED_SECRET, Tokn, http_server, https_server, now};
use crate::util::{TempDir, run, tokn};

#[test]
fn a_jwt_from_oidc_provider_is_decoded() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "inspect-decode")
        .client(SCOPED_ID, SCOPED_SECRET)
        .args(["-s", "read", "-d", &format!("resource={RESOURCE}")])
        .run();
    let jwt = out.raw_token().to_owned();
    let tmp = TempDir::new();
    let out = run(tokn(&tmp).arg("inspect").write_stdin(jwt.clone()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(json["header"]["alg"], "RS256", "{json}");
    assert_eq!(json["header"]["typ"], "at+jwt", "{json}");
    assert_eq!(json["claims"], server.verified_jwt_claims(&jwt));
    assert_eq!(json["claims"]["iss"], server.base.as_str());
    assert!(json["claims"]["exp"].as_u64().unwrap_or(0) > now());
    assert!(
        out.stderr.starts_with("tokn: expires in "),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.ends_with("\ntokn: decoded, not verified\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_jwt_from_oidc_provider_is_verified_with_its_jwks() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "inspect-verify")
        .client(SCOPED_ID, SCOPED_SECRET)
        .args(["-s", "write", "-d", &format!("resource={RESOURCE}")])
        .run();
    let jwt = out.raw_token().to_owned();
    let tmp = TempDir::new();
    let out = run(tokn(&tmp)
        .args(["inspect", "--verify", "--issuer", &server.base])
        .write_stdin(jwt.clone()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(json["claims"]["scope"], "write", "{json}");
    assert!(
        out.stderr
            .contains("tokn: verified: RS256 signature by the issuer's key"),
        "{}",
        out.stderr
    );

    // One changed claim, the same signature: refused.
    let (head, rest) = jwt.split_once('.').unwrap();
    let (payload, signature) = rest.split_once('.').unwrap();
    let mut claims: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
            .unwrap(),
    )
    .unwrap();
    claims["scope"] = "admin".into();
    let forged = format!(
        "{head}.{}.{signature}",
        crate::jwt::b64(claims.to_string().as_bytes())
    );
    let out = run(tokn(&tmp)
        .args(["inspect", "--verify", "--issuer", &server.base])
        .write_stdin(forged));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("tokn: error: the token fails the signature check"),
        "{}",
        out.stderr
    );
}

/// Over HTTPS the metadata and the JWKS are two requests with one trust store:
/// a `--cacert` given as a pipe, which can be read only once, serves both.
#[test]
fn verify_over_https_reads_a_cacert_pipe_once() {
    let Some(server) = https_server() else { return };
    let tmp = TempDir::new();
    let ca = tmp.path().join("ca.pem");
    std::fs::write(&ca, server.ca_pem.as_deref().expect("an HTTPS server")).unwrap();
    let out = Tokn::new(server, "inspect-verify-https")
        .client(SCOPED_ID, SCOPED_SECRET)
        .args([
            "-s",
            "read",
            "-d",
            &format!("resource={RESOURCE}"),
            "--cacert",
        ])
        .args([&ca])
        .run();
    let jwt = out.raw_token().to_owned();
    let out = run(tokn(&tmp)
        .args([
            "inspect",
            "--verify",
            "--issuer",
            &server.base,
            "--cacert",
            "/dev/stdin",
            &jwt,
        ])
        .write_stdin(server.ca_pem.clone().expect("an HTTPS server")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("tokn: verified: RS256 signature by the issuer's key"),
        "{}",
        out.stderr
    );
}
