//! `tokn inspect` on a JWT access token that oidc-provider issued (for the
//! resource indicator of the interop server), decoded and checked against the
//! provider's own JWKS.

use serde_json::Value;

use crate::interop::{RESOURCE, SCOPED_ID, SCOPED_SECRET, Tokn, http_server, now};
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
