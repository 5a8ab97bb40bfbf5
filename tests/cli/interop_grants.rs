//! Every grant against oidc-provider (tests/interop/server.js): the device sign-in and
//! the browser sign-in, completed by a scripted person on the server's own pages
//! (interop_flows.rs); the refresh of a cached token after it expired (the clock
//! pinned with `TOKN_TEST_NOW`), refresh-token rotation, and `invalid_grant` falling
//! back to a new sign-in; and the grants the server adds with `registerGrantType`:
//! password, jwt-bearer (an assertion signed the way a CI system signs) and token
//! exchange. Each token tokn prints is checked with the server's introspection.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};

use crate::interop::{Outcome, Server, TempDir, Tokn, http_server, now};
use crate::interop_flows::{
    Browser, Decision, TEST_PASSWORD, TEST_USER, deliver_redirect, parse_device_prompt,
};
use crate::interop_jws::{CI_ISSUER, CI_SUBJECT, GRANT_ID, GRANT_SECRET, TT, ci_claims, sign_jwt};

const APP_SECRET: &str = "app-secret-0123456789";
const WAIT: Duration = Duration::from_secs(60);

/// A pinned "now" well inside the tokens' real lifetime, so that only tokn's view of
/// the clock moves.
fn pinned() -> u64 {
    now()
}

/// The records among `records` of `endpoint` (`token`, `device_authorization`…).
fn at(records: &[Value], endpoint: &str) -> Vec<Value> {
    records
        .iter()
        .filter(|r| r["endpoint"] == endpoint)
        .cloned()
        .collect()
}

/// Every request of a run, as the server recorded it.
fn records(server: &Server, out: &Outcome) -> Vec<Value> {
    server.records(&out.case)
}

fn grant_types(records: &[Value]) -> Vec<String> {
    at(records, "token")
        .iter()
        .map(|r| r["grant_type"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// The runs of one test that share a token cache. The cache key holds the `-H`
/// headers, so they send one case name; each run's records are the ones that came
/// after the run before.
struct Shared {
    case: String,
    cache: TempDir,
    seen: usize,
}

impl Shared {
    fn new(case: &str) -> Shared {
        Shared {
            case: format!("{case}-{}", std::process::id()),
            cache: TempDir::new(case),
            seen: 0,
        }
    }

    /// `tokn --grant-type device` for the public `client`, at `now` as tokn sees it.
    fn device(&self, server: &Server, client: &str, now: u64) -> Tokn {
        Tokn::with_case(server, &self.case)
            .args(["--client-id", client, "--auth", "none", "-v"])
            .args(["--grant-type", "device", "--device-url"])
            .args([server.url("/device/auth")])
            .args(["-s", "openid offline_access"])
            .env("TOKN_NO_CACHE", "0")
            .env("TOKN_CACHE_DIR", &self.cache.path)
            .env("TOKN_TEST_NOW", now.to_string())
    }

    /// The records of the run that just ended.
    fn records(&mut self, server: &Server) -> Vec<Value> {
        let all = server.records(&self.case);
        let new = all[self.seen.min(all.len())..].to_vec();
        self.seen = all.len();
        new
    }
}

/// Runs a device sign-in to its end: waits for the prompt, signs in on the server's
/// pages as the test user, and collects the run.
fn device_sign_in(tokn: Tokn, server: &Server, decision: Decision) -> Outcome {
    let mut running = tokn.spawn();
    let line = running.wait_for_stderr("To sign in, open ", WAIT);
    let (uri, code) = parse_device_prompt(&line).expect("the prompt names the URL and the code");
    assert_eq!(uri, server.url("/device"));
    let done = Browser::new(server)
        .device_sign_in(&uri, &code, decision)
        .expect("the device sign-in");
    assert_eq!(done, decision == Decision::Allow);
    running.finish(WAIT)
}

/// The cache entry's refresh token (the one file in the shared cache directory).
fn cached_refresh_token(cache: &TempDir) -> String {
    let entries: Vec<PathBuf> = std::fs::read_dir(&cache.path)
        .expect("the cache directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let entry: Value = serde_json::from_slice(&std::fs::read(&entries[0]).unwrap()).unwrap();
    entry["refresh_token"]
        .as_str()
        .expect("the entry keeps the refresh token")
        .to_owned()
}

fn assert_signed_in(server: &Server, token: &str, client_id: &str) {
    let info = server.introspect_any(token);
    assert_eq!(info["active"], true, "{info}");
    assert_eq!(info["sub"], TEST_USER, "{info}");
    assert_eq!(info["client_id"], client_id, "{info}");
}

#[test]
fn device_sign_in_public_and_confidential() {
    let Some(server) = http_server() else { return };
    let runs = Shared::new("device");
    let out = device_sign_in(
        runs.device(server, "public-app", pinned()),
        server,
        Decision::Allow,
    );
    assert_signed_in(server, out.raw_token(), "public-app");
    let device = at(&records(server, &out), "device_authorization");
    assert_eq!(device.len(), 1);
    assert_eq!(device[0]["fields"], json!(["scope", "client_id"]));
    let polls = at(&records(server, &out), "token");
    assert!(
        polls
            .iter()
            .all(|r| r["fields"] == json!(["grant_type", "device_code", "scope", "client_id"]))
    );
    assert_eq!(polls.last().unwrap()["status"], 200);

    // A confidential client authenticates on the device request and on each poll.
    let tokn = Tokn::new(server, "device-confidential")
        .client("confidential-app", APP_SECRET)
        .args(["--grant-type", "device", "-s", "openid", "--device-url"])
        .args([server.url("/device/auth")]);
    let out = device_sign_in(tokn, server, Decision::Allow);
    assert_signed_in(server, out.raw_token(), "confidential-app");
    out.assert_no_secret(APP_SECRET);
    for record in server.records(&out.case) {
        assert_eq!(record["auth"], "basic", "{record}");
    }
}

#[test]
fn device_sign_in_denied() {
    let Some(server) = http_server() else { return };
    let runs = Shared::new("device-denied");
    let out = device_sign_in(
        runs.device(server, "public-app", pinned()),
        server,
        Decision::Deny,
    );
    out.assert_code(4);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .contains("the sign-in was denied (access_denied)"),
        "{}",
        out.stderr
    );
}

#[test]
fn authorization_code_with_no_browser() {
    let Some(server) = http_server() else { return };
    let mut running = Tokn::new(server, "code")
        .args([
            "--client-id",
            "public-app",
            "--auth",
            "none",
            "--no-browser",
        ])
        .args(["--grant-type", "authorization_code", "--authorize-url"])
        .args([server.url("/auth")])
        .args(["-s", "openid offline_access", "-f", "json"])
        .spawn();
    let line = running.wait_for_stderr(&server.url("/auth?"), WAIT);
    let url = line.trim();
    let location = Browser::new(server)
        .authorize(url, Decision::Allow)
        .expect("the browser sign-in");
    let (status, page) = deliver_redirect(&location).expect("the redirect reaches tokn");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("You may close this tab"), "{page}");
    let out = running.finish(WAIT);
    let answer = out.json();
    assert_signed_in(
        server,
        answer["access_token"].as_str().unwrap(),
        "public-app",
    );
    assert!(
        answer["refresh_token"].is_string() && answer["id_token"].is_string(),
        "{answer}"
    );
    let exchange = at(&records(server, &out), "token");
    assert_eq!(exchange.len(), 1);
    assert_eq!(
        exchange[0]["fields"],
        json!([
            "grant_type",
            "code",
            "redirect_uri",
            "code_verifier",
            "scope",
            "client_id"
        ])
    );

    // A denial comes back as an error redirect: exit 4 with its description.
    let mut running = Tokn::new(server, "code-denied")
        .client("confidential-app", APP_SECRET)
        .args(["--no-browser", "--grant-type", "code", "--authorize-url"])
        .args([server.url("/auth")])
        .args(["-s", "openid"])
        .spawn();
    let line = running.wait_for_stderr(&server.url("/auth?"), WAIT);
    let location = Browser::new(server)
        .authorize(line.trim(), Decision::Deny)
        .expect("the denial");
    deliver_redirect(&location).expect("the redirect reaches tokn");
    let out = running.finish(WAIT);
    out.assert_code(4);
    assert!(
        out.stderr.contains("the sign-in failed (access_denied)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("the user denied the request"),
        "{}",
        out.stderr
    );
    assert!(
        at(&records(server, &out), "token").is_empty(),
        "nothing was exchanged"
    );
}

#[test]
fn refresh_after_expiry_and_rotation() {
    let Some(server) = http_server() else { return };
    let mut runs = Shared::new("refresh");
    let t0 = pinned();
    let first = device_sign_in(
        runs.device(server, "public-app", t0),
        server,
        Decision::Allow,
    );
    assert_signed_in(server, first.raw_token(), "public-app");
    runs.records(server);
    let rt1 = cached_refresh_token(&runs.cache);

    // Within the lifetime: the cache, no request.
    let cached = runs.device(server, "public-app", t0 + 60).run();
    assert_eq!(cached.raw_token(), first.raw_token());
    assert!(runs.records(server).is_empty());

    // After the access token's 600 s (as tokn sees the clock): a refresh, no sign-in.
    let second = runs.device(server, "public-app", t0 + 700).run();
    assert_signed_in(server, second.raw_token(), "public-app");
    assert_ne!(second.raw_token(), first.raw_token());
    let seen = runs.records(server);
    assert_eq!(grant_types(&seen), ["refresh_token"]);
    assert!(at(&seen, "device_authorization").is_empty());
    assert!(
        second
            .stderr
            .contains("* refreshing the token with the cached refresh token")
    );
    assert!(
        second
            .stderr
            .contains("a new refresh token, which replaces the old")
    );
    let rt2 = cached_refresh_token(&runs.cache);
    assert_ne!(
        rt1, rt2,
        "the server rotated the refresh token and tokn kept the new one"
    );

    // Again: RT2 works (RT1, used a second time, would revoke the grant).
    let third = runs.device(server, "public-app", t0 + 1400).run();
    assert_signed_in(server, third.raw_token(), "public-app");
    let seen = runs.records(server);
    assert_eq!(grant_types(&seen), ["refresh_token"]);
    assert_eq!(at(&seen, "token")[0]["status"], 200);
    for out in [&first, &second, &third] {
        for rt in [&rt1, &rt2] {
            assert!(!out.stderr.contains(rt.as_str()), "{}", out.stderr);
        }
    }
}

#[test]
fn invalid_grant_falls_back_to_a_new_sign_in() {
    let Some(server) = http_server() else { return };
    let mut runs = Shared::new("fallback");
    let t0 = pinned();
    let first = device_sign_in(
        runs.device(server, "short-app", t0),
        server,
        Decision::Allow,
    );
    first.assert_code(0);
    runs.records(server);
    // The server forgets the refresh token: the next refresh gets invalid_grant. (No
    // other test refreshes short-app's tokens.)
    let (status, body) = server
        .post_form(
            "/test/revoke",
            &[("client_id", "short-app"), ("kind", "RefreshToken")],
        )
        .expect("revoke");
    assert_eq!(status, 200, "{body}");
    let again = device_sign_in(
        runs.device(server, "short-app", t0 + 700),
        server,
        Decision::Allow,
    );
    assert_signed_in(server, again.raw_token(), "short-app");
    assert!(
        again
            .stderr
            .contains("* the refresh token was refused (invalid_grant); signing in again"),
        "{}",
        again.stderr
    );
    let seen = runs.records(server);
    let types = grant_types(&seen);
    assert_eq!(types[0], "refresh_token");
    assert_eq!(
        types.last().map(String::as_str),
        Some("urn:ietf:params:oauth:grant-type:device_code")
    );
    assert_eq!(at(&seen, "device_authorization").len(), 1);
}

#[test]
fn password_grant() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "password")
        .client(GRANT_ID, GRANT_SECRET)
        .args([
            "--grant-type",
            "password",
            "--username",
            TEST_USER,
            "-s",
            "read",
            "-f",
            "json",
        ])
        .env("TOKN_PASSWORD", TEST_PASSWORD)
        .run();
    let answer = out.json();
    out.assert_no_secret(TEST_PASSWORD);
    let info = server.introspect(
        answer["access_token"].as_str().unwrap(),
        GRANT_ID,
        GRANT_SECRET,
    );
    assert_eq!(
        (info["active"].as_bool(), info["sub"].as_str()),
        (Some(true), Some(TEST_USER)),
        "{info}"
    );
    let record = &at(&records(server, &out), "token")[0];
    assert_eq!(
        record["fields"],
        json!(["grant_type", "username", "password", "scope"])
    );
    assert_eq!(record["params"]["password"], TEST_PASSWORD, "sent as given");

    // A wrong password: the server's refusal, exit 4, the password nowhere.
    let out = Tokn::new(server, "password-wrong")
        .client(GRANT_ID, GRANT_SECRET)
        .args([
            "--grant-type",
            "password",
            "--username",
            TEST_USER,
            "--password-cmd",
            "printf wrong-pa55",
        ])
        .run();
    out.assert_code(4);
    assert!(out.stderr.contains("invalid_grant"), "{}", out.stderr);
    out.assert_no_secret("wrong-pa55");
}

#[test]
fn refresh_token_grant_from_a_file() {
    let Some(server) = http_server() else { return };
    // A refresh token of confidential-app (no other test revokes its tokens).
    let tokn = Tokn::new(server, "rt-source")
        .client("confidential-app", APP_SECRET)
        .args(["--grant-type", "device", "--device-url"])
        .args([server.url("/device/auth")])
        .args(["-s", "openid offline_access", "-f", "json"]);
    let answer = device_sign_in(tokn, server, Decision::Allow).json();
    let rt = answer["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_owned();
    let dir = TempDir::new("rt-file");
    let file = dir.path.join("rt");
    std::fs::write(&file, format!("{rt}\n")).unwrap();
    let out = Tokn::new(server, "refresh-grant")
        .client("confidential-app", APP_SECRET)
        .args(["--grant-type", "refresh_token", "--refresh-token-file"])
        .args([&file])
        .run();
    assert_signed_in(server, out.raw_token(), "confidential-app");
    assert!(!out.stderr.contains(&rt));
    let record = &at(&records(server, &out), "token")[0];
    assert_eq!(record["fields"], json!(["grant_type", "refresh_token"]));
    assert_eq!(record["auth"], "basic");
    // Rotated: the same refresh token again is refused (and revokes the grant).
    let out = Tokn::new(server, "refresh-grant-again")
        .client("confidential-app", APP_SECRET)
        .args(["--grant-type", "refresh_token"])
        .env("TOKN_REFRESH_TOKEN", &rt)
        .run();
    out.assert_code(4);
    assert!(out.stderr.contains("invalid_grant"), "{}", out.stderr);
    assert!(!out.stderr.contains(&rt));
}

#[test]
fn token_exchange_of_a_ci_token_and_with_an_actor() {
    let Some(server) = http_server() else { return };
    let ci = sign_jwt(
        server.material.pem("ci.pem"),
        "ES256",
        Some("ci-1"),
        &ci_claims("tokn-interop"),
    );
    let out = Tokn::new(server, "exchange")
        .client(GRANT_ID, GRANT_SECRET)
        .args([
            "--grant-type",
            "token-exchange",
            "--audience",
            "https://api.example.test",
        ])
        .args(["--audience", "tokn-interop", "-s", "read", "-f", "json"])
        .env("TOKN_SUBJECT_TOKEN", &ci)
        .run();
    let answer = out.json();
    assert_eq!(answer["issued_token_type"], format!("{TT}access_token"));
    let info = server.introspect(
        answer["access_token"].as_str().unwrap(),
        GRANT_ID,
        GRANT_SECRET,
    );
    assert_eq!(info["sub"], CI_SUBJECT, "{info}");
    assert_eq!(
        info["aud"],
        json!(["https://api.example.test", "tokn-interop"]),
        "{info}"
    );
    let record = &at(&records(server, &out), "token")[0];
    assert_eq!(
        record["fields"],
        json!([
            "grant_type",
            "subject_token",
            "subject_token_type",
            "scope",
            "audience",
            "audience"
        ])
    );
    assert_eq!(record["grant"]["subject"]["iss"], CI_ISSUER);
    assert!(!out.stderr.contains(&ci));

    // This server's own access token as the subject, another as the actor, from files.
    let subject = Tokn::new(server, "exchange-subject")
        .client(GRANT_ID, GRANT_SECRET)
        .args([
            "--grant-type",
            "password",
            "--username",
            TEST_USER,
            "-s",
            "read",
        ])
        .env("TOKN_PASSWORD", TEST_PASSWORD)
        .run();
    let actor = Tokn::new(server, "exchange-actor")
        .client(crate::interop::BASIC_ID, crate::interop::BASIC_SECRET)
        .run();
    let dir = TempDir::new("exchange-files");
    let (subject_file, actor_file) = (dir.path.join("subject"), dir.path.join("actor"));
    std::fs::write(&subject_file, subject.raw_token()).unwrap();
    std::fs::write(&actor_file, actor.raw_token()).unwrap();
    let out = Tokn::new(server, "exchange-actor-run")
        .client(GRANT_ID, GRANT_SECRET)
        .args([
            "--grant-type",
            "token-exchange",
            "--subject-token-type",
            "access_token",
        ])
        .args([
            "--actor-token-type",
            "access_token",
            "--requested-token-type",
            "access_token",
        ])
        .args(["--subject-token-file", subject_file.to_str().unwrap()])
        .args(["--actor-token-file", actor_file.to_str().unwrap()])
        .run();
    let info = server.introspect(out.raw_token(), GRANT_ID, GRANT_SECRET);
    assert_eq!(
        (info["sub"].as_str(), info["act"]["sub"].as_str()),
        (Some(TEST_USER), Some(crate::interop::BASIC_ID)),
        "{info}"
    );

    // A subject the server does not trust: its refusal, exit 4.
    let mut tampered = ci.clone();
    tampered.replace_range(ci.len() - 4.., "AAAA");
    let out = Tokn::new(server, "exchange-tampered")
        .client(GRANT_ID, GRANT_SECRET)
        .args(["--grant-type", "token-exchange"])
        .env("TOKN_SUBJECT_TOKEN", &tampered)
        .run();
    out.assert_code(4);
    assert!(out.stderr.contains("invalid_request"), "{}", out.stderr);
    assert!(!out.stderr.contains(&tampered));
}

#[test]
fn jwt_bearer_with_an_assertion_file_and_variable() {
    let Some(server) = http_server() else { return };
    let assertion = sign_jwt(
        server.material.pem("ci.pem"),
        "ES256",
        Some("ci-1"),
        &ci_claims(&server.url("/token")),
    );
    let dir = TempDir::new("assertion");
    let file = dir.path.join("assertion.jwt");
    std::fs::write(&file, &assertion).unwrap();
    let out = Tokn::new(server, "jwt-bearer")
        .client(GRANT_ID, GRANT_SECRET)
        .args([
            "--grant-type",
            "jwt-bearer",
            "--assertion-file",
            file.to_str().unwrap(),
        ])
        .run();
    let info = server.introspect(out.raw_token(), GRANT_ID, GRANT_SECRET);
    assert_eq!(info["sub"], CI_SUBJECT, "{info}");
    let record = &at(&records(server, &out), "token")[0];
    assert_eq!(record["fields"], json!(["grant_type", "assertion"]));
    assert_eq!(record["grant"]["assertion"]["payload"]["iss"], CI_ISSUER);
    assert!(!out.stderr.contains(&assertion));

    // The same assertion again is refused (its jti was used): exit 4.
    let out = Tokn::new(server, "jwt-bearer-replay")
        .client(GRANT_ID, GRANT_SECRET)
        .args(["--grant-type", "jwt-bearer"])
        .env("TOKN_ASSERTION", &assertion)
        .run();
    out.assert_code(4);
    assert!(out.stderr.contains("used before"), "{}", out.stderr);
    assert!(!out.stderr.contains(&assertion));
}

#[test]
fn jwt_bearer_with_an_assertion_tokn_signs() {
    let Some(server) = http_server() else { return };
    let dir = TempDir::new("signed-assertion");
    let key = server.material.write(&dir.path, "ci.pem");
    let out = Tokn::new(server, "jwt-bearer-signed")
        .client(GRANT_ID, GRANT_SECRET)
        .args(["--grant-type", "jwt-bearer", "--signing-key"])
        .args([&key])
        .args([
            "--signing-key-id",
            "ci-1",
            "--jwt-issuer",
            CI_ISSUER,
            "--jwt-subject",
            CI_SUBJECT,
        ])
        .args(["--jwt-claim", "repository=tokn/tokn"])
        .run();
    let info = server.introspect(out.raw_token(), GRANT_ID, GRANT_SECRET);
    assert_eq!(info["sub"], CI_SUBJECT, "{info}");
    let record = &at(&records(server, &out), "token")[0];
    assert_eq!(record["fields"], json!(["grant_type", "assertion"]));
    assert_eq!(record["auth"], "basic");
    let payload = &record["grant"]["assertion"]["payload"];
    assert_eq!(payload["iss"], CI_ISSUER);
    assert_eq!(payload["aud"], server.url("/token"));
    assert_eq!(payload["repository"], "tokn/tokn");
    assert_eq!(record["grant"]["assertion"]["header"]["kid"], "ci-1");
}

#[test]
fn a_service_account_key_file() {
    let Some(server) = http_server() else { return };
    let dir = TempDir::new("service-account");
    let file = dir.path.join("sa.json");
    let json = json!({
        "type": "service_account",
        "project_id": "interop",
        "private_key_id": "sa-key-1",
        "private_key": server.material.pem("rsa.pem"),
        "client_email": "tokn-sa@interop.iam.example.test",
        "token_uri": server.url("/token"),
    });
    std::fs::write(&file, json.to_string()).unwrap();
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let out = Tokn::new(server, "service-account")
        .token_url(None)
        .args(["--service-account".as_ref(), file.as_os_str()])
        .args(["-s", "read write", "-f", "json"])
        .run();
    let answer = out.json();
    assert_eq!(
        answer["scope"], "read write",
        "the scopes went as a claim: {answer}"
    );
    let info = server.introspect_any(answer["access_token"].as_str().unwrap());
    assert_eq!(info["sub"], "tokn-sa@interop.iam.example.test", "{info}");
    assert_eq!(info["client_id"], "assertion-app", "no client: {info}");
    let record = &at(&records(server, &out), "token")[0];
    assert_eq!(record["fields"], json!(["grant_type", "assertion"]));
    assert_eq!(record["auth"], "none");
    assert!(!out.stderr.contains("PRIVATE KEY"), "{}", out.stderr);
}

#[test]
fn sign_ins_find_their_endpoints_in_the_issuers_metadata() {
    let Some(server) = http_server() else { return };
    let tokn = Tokn::new(server, "device-issuer")
        .token_url(None)
        .args([
            "--issuer",
            &server.base,
            "--client-id",
            "public-app",
            "--auth",
            "none",
        ])
        .args(["--grant-type", "device", "-s", "openid"]);
    let out = device_sign_in(tokn, server, Decision::Allow);
    assert_signed_in(server, out.raw_token(), "public-app");

    let mut running = Tokn::new(server, "code-issuer")
        .token_url(None)
        .args([
            "--issuer",
            &server.base,
            "--client-id",
            "public-app",
            "--auth",
            "none",
        ])
        .args(["--grant-type", "code", "--no-browser", "-s", "openid"])
        .spawn();
    let line = running.wait_for_stderr(&server.url("/auth?"), WAIT);
    let location = Browser::new(server)
        .authorize(line.trim(), Decision::Allow)
        .expect("the browser sign-in");
    deliver_redirect(&location).expect("the redirect reaches tokn");
    let out = running.finish(WAIT);
    assert_signed_in(server, out.raw_token(), "public-app");
}
