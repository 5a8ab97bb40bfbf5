//! Refresh tokens in the cache: kept in the entry (0600), used first when the
//! cached access token has expired or is under `--min-ttl`, replaced by the new
//! one an answer brings (rotation) and kept when it brings none, and given up
//! for the original grant only when the server answers `invalid_grant`. The
//! clock is pinned with `TOKN_TEST_NOW`; the scripted server answers each
//! request in turn and records what was sent.

use std::os::unix::fs::PermissionsExt;

use crate::scripted::{Answer, Scripted};
use crate::util::{SECRET, TempDir, cache_entries, run, tokn, tokn_for};

const NOW: u64 = 1_700_000_000;
const RT1: &str = "canaryRT1-0a1b2c3d4e5f";
const RT2: &str = "canaryRT2-6a7b8c9d0e1f";

fn token(access: &str, refresh: Option<&str>) -> Answer {
    let refresh = refresh
        .map(|r| format!(r#","refresh_token":"{r}""#))
        .unwrap_or_default();
    (
        200,
        format!(
            r#"{{"access_token":"{access}","token_type":"Bearer","expires_in":3600{refresh}}}"#
        ),
    )
}

fn invalid_grant() -> Answer {
    (
        400,
        r#"{"error":"invalid_grant","error_description":"refresh token revoked"}"#.into(),
    )
}

/// tokn at `now` (Unix seconds), `-v`, against the server's token endpoint.
fn at(dir: &TempDir, server: &Scripted, now: u64) -> crate::util::Run {
    let out = run(tokn_for(dir, &server.url("/token"))
        .args(["-v", "-s", "read", "--auth", "basic"])
        .env("TOKN_TEST_NOW", now.to_string()));
    assert!(
        !out.stderr.contains(RT1) && !out.stderr.contains(RT2),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(SECRET), "{}", out.stderr);
    out
}

fn the_entry(dir: &TempDir) -> (std::path::PathBuf, String) {
    let entries = cache_entries(dir);
    assert_eq!(entries.len(), 1);
    let path = entries.into_iter().next().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

#[test]
fn an_expired_token_is_refreshed_and_a_rotated_refresh_token_replaces_the_old() {
    let server = Scripted::start(vec![(
        "/token",
        vec![
            token("access-1", Some(RT1)),
            token("access-2", Some(RT2)),
            token("access-3", None),
            token("access-4", None),
        ],
    )]);
    let dir = TempDir::new();
    let first = at(&dir, &server, NOW);
    assert_eq!(
        (first.code, first.stdout.as_str()),
        (0, "access-1\n"),
        "{}",
        first.stderr
    );
    let (path, entry) = the_entry(&dir);
    assert!(entry.contains(RT1), "the entry keeps the refresh token");
    assert!(!entry.contains(SECRET));
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let list = run(tokn(&dir)
        .args(["cache", "list"])
        .env("TOKN_TEST_NOW", NOW.to_string()));
    assert!(
        list.stdout.trim_end().ends_with("  refresh"),
        "{}",
        list.stdout
    );
    assert!(!list.stdout.contains(RT1));

    // Within the lifetime: the cache, no request.
    let cached = at(&dir, &server, NOW + 100);
    assert_eq!(cached.stdout, "access-1\n");
    assert_eq!(server.seen("/token").len(), 1);

    // Expired: a refresh with RT1, whose answer rotates it to RT2.
    let second = at(&dir, &server, NOW + 4000);
    assert_eq!(
        (second.code, second.stdout.as_str()),
        (0, "access-2\n"),
        "{}",
        second.stderr
    );
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
    let seen = server.seen("/token");
    assert_eq!(
        seen[1].body,
        format!("grant_type=refresh_token&refresh_token={RT1}&scope=read")
    );
    assert!(
        seen[1].header("authorization").is_some(),
        "same client authentication"
    );
    let (_, entry) = the_entry(&dir);
    assert!(entry.contains(RT2) && !entry.contains(RT1), "{entry}");

    // Under --min-ttl: RT2 is used; the answer brings none, so RT2 is kept.
    let third = at(&dir, &server, NOW + 4000 + 3550);
    assert_eq!(third.stdout, "access-3\n", "{}", third.stderr);
    assert!(
        third.stderr.contains("the cached refresh token is kept"),
        "{}",
        third.stderr
    );
    assert_eq!(
        server.seen("/token")[2].field("refresh_token").as_deref(),
        Some(RT2)
    );
    let fourth = at(&dir, &server, NOW + 20_000);
    assert_eq!(fourth.stdout, "access-4\n", "{}", fourth.stderr);
    assert_eq!(
        server.seen("/token")[3].field("refresh_token").as_deref(),
        Some(RT2)
    );
}

#[test]
fn invalid_grant_falls_back_to_the_original_grant() {
    let server = Scripted::start(vec![(
        "/token",
        vec![
            token("access-1", Some(RT1)),
            invalid_grant(),
            token("access-2", None),
            token("access-3", None),
        ],
    )]);
    let dir = TempDir::new();
    assert_eq!(at(&dir, &server, NOW).stdout, "access-1\n");
    let again = at(&dir, &server, NOW + 4000);
    assert_eq!(
        (again.code, again.stdout.as_str()),
        (0, "access-2\n"),
        "{}",
        again.stderr
    );
    assert!(
        again.stderr.contains(
            "* the refresh token was refused (invalid_grant); asking with the original grant"
        ),
        "{}",
        again.stderr
    );
    let seen = server.seen("/token");
    assert_eq!(seen.len(), 3);
    assert_eq!(
        seen[1].field("grant_type").as_deref(),
        Some("refresh_token")
    );
    assert_eq!(
        seen[2].field("grant_type").as_deref(),
        Some("client_credentials")
    );
    // The refused refresh token is gone with the entry it was in.
    let (_, entry) = the_entry(&dir);
    assert!(!entry.contains(RT1), "{entry}");
    let list = run(tokn(&dir)
        .args(["cache", "list"])
        .env("TOKN_TEST_NOW", NOW.to_string()));
    assert!(!list.stdout.contains("refresh"), "{}", list.stdout);
    // With no refresh token left, an expired token means the original grant again.
    let later = at(&dir, &server, NOW + 10_000);
    assert_eq!(later.stdout, "access-3\n");
    assert_eq!(
        server.seen("/token")[3].field("grant_type").as_deref(),
        Some("client_credentials")
    );
}

#[test]
fn another_refusal_of_the_refresh_is_an_error_without_a_fallback() {
    let server = Scripted::start(vec![(
        "/token",
        vec![
            token("access-1", Some(RT1)),
            (401, r#"{"error":"invalid_client"}"#.into()),
            token("access-2", None),
        ],
    )]);
    let dir = TempDir::new();
    assert_eq!(at(&dir, &server, NOW).stdout, "access-1\n");
    let out = run(tokn_for(&dir, &server.url("/token"))
        .args(["-s", "read", "--auth", "basic"])
        .env("TOKN_TEST_NOW", (NOW + 4000).to_string()));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("invalid_client"), "{}", out.stderr);
    assert_eq!(server.seen("/token").len(), 2);
}

#[test]
fn a_refresh_token_grant_keeps_the_rotated_token_for_the_next_run() {
    let server = Scripted::start(vec![(
        "/token",
        vec![token("access-1", Some(RT2)), token("access-2", None)],
    )]);
    let dir = TempDir::new();
    let run_at = |now: u64| {
        run(tokn_for(&dir, &server.url("/token"))
            .args(["--grant-type", "refresh_token"])
            .env("TOKN_REFRESH_TOKEN", RT1)
            .env("TOKN_TEST_NOW", now.to_string()))
    };
    assert_eq!(run_at(NOW).stdout, "access-1\n");
    assert_eq!(
        server.seen("/token")[0].field("refresh_token").as_deref(),
        Some(RT1)
    );
    // RT1 was used up by the rotation: the next run refreshes with RT2.
    assert_eq!(run_at(NOW + 4000).stdout, "access-2\n");
    assert_eq!(
        server.seen("/token")[1].field("refresh_token").as_deref(),
        Some(RT2)
    );
}

#[test]
fn no_cache_neither_reads_nor_keeps_a_refresh_token() {
    let server = Scripted::start(vec![(
        "/token",
        vec![token("access-1", Some(RT1)), token("access-2", Some(RT2))],
    )]);
    let dir = TempDir::new();
    assert_eq!(at(&dir, &server, NOW).stdout, "access-1\n");
    let out = run(tokn_for(&dir, &server.url("/token"))
        .args(["-s", "read", "--no-cache"])
        .env("TOKN_TEST_NOW", (NOW + 4000).to_string()));
    assert_eq!(out.stdout, "access-2\n");
    assert_eq!(
        server.seen("/token")[1].field("grant_type").as_deref(),
        Some("client_credentials")
    );
}

#[test]
fn invalid_grant_after_a_device_sign_in_means_a_new_sign_in() {
    let code: Answer = (
        200,
        r#"{"device_code":"dc","user_code":"UC","verification_uri":"https://v.example","expires_in":60,"interval":1}"#
            .into(),
    );
    let server = Scripted::start(vec![
        ("/device", vec![code]),
        (
            "/token",
            vec![
                token("access-1", Some(RT1)),
                invalid_grant(),
                token("access-2", None),
            ],
        ),
    ]);
    let dir = TempDir::new();
    let sign_in = |now: u64| {
        run(tokn_for(&dir, &server.url("/token"))
            .args(["-v", "--auth", "none", "--grant-type", "device"])
            .args(["--device-url", &server.url("/device")])
            .env("TOKN_TEST_NOW", now.to_string()))
    };
    let first = sign_in(NOW);
    assert_eq!(first.stdout, "access-1\n", "{}", first.stderr);
    let second = sign_in(NOW + 4000);
    assert_eq!(second.stdout, "access-2\n", "{}", second.stderr);
    assert!(
        second
            .stderr
            .contains("* the refresh token was refused (invalid_grant); signing in again"),
        "{}",
        second.stderr
    );
    assert!(second.stderr.contains("To sign in, open https://v.example"));
    assert_eq!(server.seen("/device").len(), 2);
    let grants: Vec<String> = server
        .seen("/token")
        .iter()
        .filter_map(|s| s.field("grant_type"))
        .collect();
    assert_eq!(
        grants,
        [
            "urn:ietf:params:oauth:grant-type:device_code",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code"
        ]
    );
}
