//! The token cache: reuse within `--min-ttl`, what goes into the key, the
//! switches (`--no-cache`, `TOKN_NO_CACHE`, `--refresh`), the files on disk
//! (modes, damaged entries, unsafe or unwritable directories, no secret), many
//! processes at once, `cache list` and `cache clear`, the remembered `auto`
//! method, and what `-f json` and `-v` say about a cached token. Files planted
//! in the cache directory (FIFOs, links, huge entries) are never followed,
//! never waited on and never read whole.
//!
//! The clock is pinned with `TOKN_TEST_NOW`, so nothing here sleeps; the server
//! counts requests, which is how a test tells a cached answer from a fresh one.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use httpmock::prelude::*;
use serde_json::Value;

use crate::util::{
    SECRET, TOKEN, TempDir, assert_no_leak, cache_entries, cache_files, files_under, run,
    token_json, tokn, tokn_for,
};

/// A fixed "now" for the pinned clock.
const NOW: u64 = 1_700_000_000;

fn cache_dir(tmp: &TempDir) -> PathBuf {
    tmp.path().join("cache")
}

/// The one entry file in the cache directory.
fn the_entry(tmp: &TempDir) -> PathBuf {
    let entries = cache_entries(tmp);
    assert_eq!(
        entries.len(),
        1,
        "expected one cache entry, found {entries:?}"
    );
    entries.into_iter().next().unwrap_or_default()
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

/// Answer every POST with `body`; the mock counts the requests.
fn answer_all(server: &MockServer, body: String) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.method(POST);
        then.status(200)
            .header("content-type", "application/json")
            .body(body);
    })
}

fn ok(cmd: &mut assert_cmd::Command) -> crate::util::Run {
    let out = run(cmd);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    assert_eq!(out.stdout, format!("{TOKEN}\n"), "stderr: {}", out.stderr);
    out
}

#[test]
fn a_second_call_within_the_min_ttl_reuses_the_cached_token() {
    let server = MockServer::start();
    let mock = answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let url = server.url("/token");
    let first = ok(tokn_for(&tmp, &url).env("TOKN_TEST_NOW", NOW.to_string()));
    assert_eq!(first.stderr, "");
    assert_eq!(mock.calls(), 1);
    let second = ok(tokn_for(&tmp, &url).env("TOKN_TEST_NOW", (NOW + 1000).to_string()));
    assert_eq!(second.stderr, "");
    assert_eq!(mock.calls(), 1, "the second call was served from the cache");
}

#[test]
fn a_token_below_the_min_ttl_is_fetched_again() {
    let server = MockServer::start();
    let mock = answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let url = server.url("/token");
    let at = |t: u64| {
        let mut cmd = tokn_for(&tmp, &url);
        cmd.env("TOKN_TEST_NOW", t.to_string());
        cmd
    };
    ok(&mut at(NOW));
    // Exactly the default 60 s left: still good enough.
    ok(&mut at(NOW + 3540));
    assert_eq!(mock.calls(), 1);
    // 59 s left, less than the default --min-ttl 60: a new token, cached from then.
    ok(&mut at(NOW + 3541));
    assert_eq!(mock.calls(), 2);
    ok(&mut at(NOW + 3542));
    assert_eq!(mock.calls(), 2);

    // --min-ttl and TOKN_MIN_TTL move the threshold; the flag beats the env.
    let later = NOW + 3541 + 1000; // 2600 s left
    ok(at(later).args(["--min-ttl", "2600"]));
    assert_eq!(mock.calls(), 2);
    ok(at(later).args(["--min-ttl", "2601"]));
    assert_eq!(mock.calls(), 3);
    ok(at(later).env("TOKN_MIN_TTL", "3601"));
    assert_eq!(mock.calls(), 4);
    ok(at(later)
        .env("TOKN_MIN_TTL", "3601")
        .args(["--min-ttl", "10"]));
    assert_eq!(mock.calls(), 4);

    // Even with --min-ttl 0, an expired token is never served.
    let expired = later + 3600;
    ok(at(expired).args(["--min-ttl", "0"]));
    assert_eq!(mock.calls(), 5);
    ok(at(expired + 3599).args(["--min-ttl", "0"]));
    assert_eq!(mock.calls(), 5);
}

/// One variation of the inputs for the key test.
struct Inputs<'a> {
    url: &'a str,
    client_id: &'a str,
    secret: &'a str,
    args: &'a [&'a str],
}

#[test]
fn every_input_of_the_key_changes_it() {
    let server = MockServer::start();
    let mock = answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let url = server.url("/token");
    let other_url = server.url("/other-token");
    let call = |i: &Inputs| {
        let mut cmd = tokn(&tmp);
        cmd.args(["-u", i.url, "-i", i.client_id, "--retry", "0"])
            .args(i.args)
            .env("TOKN_CLIENT_SECRET", i.secret)
            .env("TOKN_TEST_NOW", NOW.to_string());
        cmd
    };
    let base_args = ["-s", "read write", "-d", "audience=a", "-H", "X-Tenant: t1"];
    let base = Inputs {
        url: &url,
        client_id: "my-client",
        secret: SECRET,
        args: &base_args,
    };
    ok(&mut call(&base));
    ok(&mut call(&base));
    assert_eq!(mock.calls(), 1, "the same inputs share the key");

    let with = |args: &'static [&'static str]| Inputs { args, ..base };
    let variations: Vec<(&str, Inputs)> = vec![
        (
            "the token URL",
            Inputs {
                url: &other_url,
                ..with(&["-s", "read write", "-d", "audience=a", "-H", "X-Tenant: t1"])
            },
        ),
        (
            "the grant type",
            with(&[
                "-s",
                "read write",
                "-d",
                "audience=a",
                "-H",
                "X-Tenant: t1",
                "--grant-type",
                "urn:example:custom",
            ]),
        ),
        (
            "the auth method",
            with(&[
                "-s",
                "read write",
                "-d",
                "audience=a",
                "-H",
                "X-Tenant: t1",
                "--auth",
                "post",
            ]),
        ),
        (
            "the client ID",
            Inputs {
                client_id: "other-client",
                ..with(&["-s", "read write", "-d", "audience=a", "-H", "X-Tenant: t1"])
            },
        ),
        (
            "the secret",
            Inputs {
                secret: "another-secret",
                ..with(&["-s", "read write", "-d", "audience=a", "-H", "X-Tenant: t1"])
            },
        ),
        (
            "the scopes",
            with(&["-s", "read", "-d", "audience=a", "-H", "X-Tenant: t1"]),
        ),
        (
            "the order of the scopes",
            with(&["-s", "write read", "-d", "audience=a", "-H", "X-Tenant: t1"]),
        ),
        (
            "a -d field",
            with(&[
                "-s",
                "read write",
                "-d",
                "audience=a",
                "-d",
                "resource=r",
                "-H",
                "X-Tenant: t1",
            ]),
        ),
        (
            "a -d value",
            with(&["-s", "read write", "-d", "audience=b", "-H", "X-Tenant: t1"]),
        ),
        (
            "a -d key",
            with(&["-s", "read write", "-d", "resource=a", "-H", "X-Tenant: t1"]),
        ),
        (
            "a -H header",
            with(&[
                "-s",
                "read write",
                "-d",
                "audience=a",
                "-H",
                "X-Tenant: t1",
                "-H",
                "X-Other: 1",
            ]),
        ),
        (
            "a -H value",
            with(&["-s", "read write", "-d", "audience=a", "-H", "X-Tenant: t2"]),
        ),
        (
            "a -H name",
            with(&["-s", "read write", "-d", "audience=a", "-H", "X-Region: t1"]),
        ),
    ];
    for (n, (what, inputs)) in variations.iter().enumerate() {
        let out = run(&mut call(inputs));
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert_eq!(mock.calls(), n + 2, "changing {what} must change the key");
        ok(&mut call(inputs));
        assert_eq!(
            mock.calls(),
            n + 2,
            "{what}: the variation is cached under its own key"
        );
    }
    assert_eq!(cache_entries(&tmp).len(), variations.len() + 1);
    ok(&mut call(&base));
    assert_eq!(
        mock.calls(),
        variations.len() + 1,
        "the first entry is still there"
    );
}

#[test]
fn no_cache_and_tokn_no_cache_leave_the_cache_alone() {
    let server = MockServer::start();
    let mock = answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let url = server.url("/token");
    // Nothing is created when the cache is off.
    ok(tokn_for(&tmp, &url).arg("--no-cache"));
    ok(tokn_for(&tmp, &url).env("TOKN_NO_CACHE", "1"));
    assert_eq!(mock.calls(), 2);
    assert!(
        !cache_dir(&tmp).exists(),
        "--no-cache must not create the cache"
    );

    ok(&mut tokn_for(&tmp, &url));
    assert_eq!(mock.calls(), 3);
    let entry = the_entry(&tmp);
    let stored = fs::read(&entry).expect("read the entry");
    // A cached token is there, but these calls neither read nor write it.
    ok(tokn_for(&tmp, &url).arg("--no-cache"));
    ok(tokn_for(&tmp, &url).env("TOKN_NO_CACHE", "1"));
    assert_eq!(mock.calls(), 5);
    assert_eq!(fs::read(&entry).expect("read the entry"), stored);
    // TOKN_NO_CACHE=0 is false, as for other boolean variables.
    ok(tokn_for(&tmp, &url).env("TOKN_NO_CACHE", "0"));
    assert_eq!(mock.calls(), 5);
}

#[test]
fn refresh_fetches_a_new_token_and_replaces_the_cached_one() {
    let server = MockServer::start();
    let answer = |token: &str| format!(r#"{{"access_token":"{token}","expires_in":3600}}"#);
    let mut first = server.mock(|when, then| {
        when.method(POST);
        then.status(200).body(answer("token-one"));
    });
    let tmp = TempDir::new();
    let url = server.url("/token");
    let stdout = |cmd: &mut assert_cmd::Command| {
        let out = run(cmd);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    assert_eq!(stdout(&mut tokn_for(&tmp, &url)), "token-one\n");
    first.assert_calls(1);
    first.delete();
    let second = server.mock(|when, then| {
        when.method(POST);
        then.status(200).body(answer("token-two"));
    });
    assert_eq!(
        stdout(&mut tokn_for(&tmp, &url)),
        "token-one\n",
        "still cached"
    );
    second.assert_calls(0);
    assert_eq!(stdout(tokn_for(&tmp, &url).arg("--refresh")), "token-two\n");
    second.assert_calls(1);
    assert_eq!(
        stdout(&mut tokn_for(&tmp, &url)),
        "token-two\n",
        "the new one replaced it"
    );
    second.assert_calls(1);
    assert_eq!(cache_entries(&tmp).len(), 1);
}

#[test]
fn a_token_without_expires_in_is_never_cached() {
    let server = MockServer::start();
    let mock = answer_all(
        &server,
        format!(r#"{{"access_token":"{TOKEN}","token_type":"Bearer"}}"#),
    );
    let tmp = TempDir::new();
    let url = server.url("/token");
    ok(&mut tokn_for(&tmp, &url));
    let out = ok(tokn_for(&tmp, &url).arg("-v"));
    assert_eq!(mock.calls(), 2);
    assert!(
        out.stderr
            .contains("not caching: the answer gives no expires_in"),
        "{}",
        out.stderr
    );
    assert!(cache_entries(&tmp).is_empty());
}

#[test]
fn the_cache_is_private_on_disk() {
    let server = MockServer::start();
    answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    ok(&mut tokn_for(&tmp, &server.url("/token")));
    assert_eq!(mode(&cache_dir(&tmp)), 0o700, "the cache directory");
    assert_eq!(mode(&the_entry(&tmp)), 0o600, "the entry");
    let locks = cache_files(&tmp, ".lock");
    assert_eq!(locks.len(), 1, "one lock file per key");
    assert_eq!(mode(&locks[0]), 0o600, "the lock file");
    assert!(
        cache_files(&tmp, ".tmp").is_empty(),
        "no temporary file is left behind"
    );
    // The parents tokn creates are private too.
    let deep = TempDir::new();
    ok(tokn_for(&deep, &server.url("/token")).env("TOKN_CACHE_DIR", deep.path().join("a/b")));
    assert_eq!(mode(&deep.path().join("a")), 0o700);
    assert_eq!(mode(&deep.path().join("a/b")), 0o700);
}

#[test]
fn a_damaged_cache_entry_is_ignored_and_replaced() {
    let server = MockServer::start();
    let mock = answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let url = server.url("/token");
    ok(&mut tokn_for(&tmp, &url));
    let entry = the_entry(&tmp);
    let good = fs::read_to_string(&entry).expect("read the entry");
    let unknown_version = good.replacen("\"version\":1", "\"version\":999", 1);
    assert_ne!(unknown_version, good, "the entry names its version: {good}");
    let damaged: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", b"\x00\xffnot json at all{{{".to_vec()),
        ("truncated", good.as_bytes()[..good.len() / 2].to_vec()),
        ("empty", Vec::new()),
        ("of an unknown version", unknown_version.into_bytes()),
        (
            "of the wrong shape",
            br#"{"version":1,"expires_at":"soon"}"#.to_vec(),
        ),
        (
            "without a usable token",
            good.replace(TOKEN, "").into_bytes(),
        ),
    ];
    for (n, (what, bytes)) in damaged.iter().enumerate() {
        fs::write(&entry, bytes).expect("damage the entry");
        let list = run(tokn(&tmp).args(["cache", "list"]));
        assert_eq!(
            list.code, 0,
            "cache list with an entry {what}: {}",
            list.stderr
        );
        ok(&mut tokn_for(&tmp, &url));
        assert_eq!(mock.calls(), n + 2, "an entry {what} is not used");
        let replaced = fs::read_to_string(&entry).expect("read the entry");
        assert!(
            replaced.contains(TOKEN) && replaced.contains("\"version\":1"),
            "an entry {what} is replaced: {replaced}"
        );
        assert_eq!(mode(&entry), 0o600);
        ok(&mut tokn_for(&tmp, &url));
        assert_eq!(mock.calls(), n + 2, "the replacement is used");
    }
}

#[test]
fn an_unwritable_cache_directory_warns_and_the_token_is_still_printed() {
    // Tests may run as root, which ignores modes: a path below a regular file
    // cannot be created by anyone.
    let server = MockServer::start();
    let mock = answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let file = tmp.file("not-a-dir", b"", 0o600);
    for dir in [file.join("cache"), file.clone()] {
        let out = ok(tokn_for(&tmp, &server.url("/token")).env("TOKN_CACHE_DIR", &dir));
        assert!(
            out.stderr
                .starts_with("tokn: warning: cannot create the cache directory")
                && out.stderr.contains("the token is not cached"),
            "{}",
            out.stderr
        );
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        let quiet = ok(tokn_for(&tmp, &server.url("/token"))
            .env("TOKN_CACHE_DIR", &dir)
            .arg("-q"));
        assert_eq!(quiet.stderr, "");
    }
    assert_eq!(mock.calls(), 4);
    assert_eq!(fs::read(&file).expect("read the file"), b"");
}

#[test]
fn a_cache_directory_others_can_write_is_refused() {
    let server = MockServer::start();
    let mock = answer_all(&server, token_json(3600));
    for unsafe_mode in [0o777, 0o770, 0o722] {
        let tmp = TempDir::new();
        let dir = cache_dir(&tmp);
        fs::create_dir(&dir).expect("mkdir");
        fs::set_permissions(&dir, fs::Permissions::from_mode(unsafe_mode)).expect("chmod");
        let before = mock.calls();
        for _ in 0..2 {
            let out = ok(&mut tokn_for(&tmp, &server.url("/token")));
            assert!(
                out.stderr
                    .starts_with("tokn: warning: not using the cache directory")
                    && out.stderr.contains(&format!("mode {unsafe_mode:04o}"))
                    && out.stderr.contains("chmod 700"),
                "mode {unsafe_mode:o}: {}",
                out.stderr
            );
        }
        assert_eq!(
            mock.calls(),
            before + 2,
            "mode {unsafe_mode:o}: nothing is served from it"
        );
        assert_eq!(
            fs::read_dir(&dir).expect("list").count(),
            0,
            "mode {unsafe_mode:o}: nothing is written"
        );
        assert_eq!(
            mode(&dir),
            unsafe_mode,
            "tokn does not change the user's directory"
        );
    }
}

#[test]
fn a_cache_directory_of_another_user_is_refused() {
    let server = MockServer::start();
    let mock = answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let dir = cache_dir(&tmp);
    fs::create_dir(&dir).expect("mkdir");
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).expect("chmod");
    let me = fs::metadata(&dir).expect("stat").uid();
    if me != 0 {
        eprintln!("note: skipped: only root can give a directory to another user");
        return;
    }
    std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).expect("chown to nobody");
    let out = ok(&mut tokn_for(&tmp, &server.url("/token")));
    assert!(
        out.stderr
            .starts_with("tokn: warning: not using the cache directory")
            && out.stderr.contains("belongs to another user (uid 65534)"),
        "{}",
        out.stderr
    );
    ok(&mut tokn_for(&tmp, &server.url("/token")));
    assert_eq!(mock.calls(), 2);
    assert_eq!(
        fs::read_dir(&dir).expect("list").count(),
        0,
        "nothing is written"
    );
}

/// The tokn binary as a plain std command, to start many at once.
fn spawn_tokn(tmp: &TempDir, url: &str) -> std::process::Child {
    StdCommand::new(env!("CARGO_BIN_EXE_tokn"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TOKN_CACHE_DIR", cache_dir(tmp))
        .env("TOKN_CLIENT_SECRET", SECRET)
        .args(["-u", url, "-i", "my-client", "--retry", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tokn")
}

#[test]
fn twenty_processes_at_once_make_one_request() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(POST);
        then.status(200)
            .body(token_json(3600))
            .delay(Duration::from_millis(300));
    });
    let tmp = TempDir::new();
    let url = server.url("/token");
    let children: Vec<_> = (0..20).map(|_| spawn_tokn(&tmp, &url)).collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().expect("tokn finishes"))
        .collect();
    for out in &outputs {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("{TOKEN}\n"),
            "{stderr}"
        );
        assert_eq!(stderr, "");
    }
    mock.assert_calls(1);
}

#[test]
fn a_wait_for_the_lock_is_bounded_by_the_timeout_and_other_keys_do_not_wait() {
    let server = MockServer::start();
    let mock = answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let url = server.url("/token");
    // A first run makes the lock file; holding it stands for a tokn stuck in a fetch.
    ok(tokn_for(&tmp, &url).args(["-s", "a"]));
    let locks = cache_files(&tmp, ".lock");
    assert_eq!(locks.len(), 1);
    let held = fs::OpenOptions::new()
        .write(true)
        .open(&locks[0])
        .expect("open the lock");
    held.lock().expect("take the lock");

    // The cached token is served without waiting for the lock.
    ok(tokn_for(&tmp, &url).args(["-s", "a"]));
    assert_eq!(mock.calls(), 1);
    // Another key does not wait.
    ok(tokn_for(&tmp, &url).args(["-s", "b"]));
    assert_eq!(mock.calls(), 2);
    // The same key, wanting a new token, waits no longer than --timeout.
    let started = Instant::now();
    let out = run(tokn_for(&tmp, &url).args(["-s", "a", "--refresh", "--timeout", "0.5"]));
    let waited = started.elapsed();
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("tokn: error: timed out waiting for another tokn"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
    assert!(
        waited >= Duration::from_millis(450) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    assert_eq!(mock.calls(), 2);
    // --no-cache never waits.
    ok(tokn_for(&tmp, &url).args(["-s", "a", "--no-cache"]));
    assert_eq!(mock.calls(), 3);
    held.unlock().expect("release the lock");
    ok(tokn_for(&tmp, &url).args(["-s", "a", "--refresh"]));
    assert_eq!(mock.calls(), 4);
}

#[test]
fn cache_list_shows_each_entry_without_its_token() {
    let server = MockServer::start();
    answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let url = server.url("/token");
    let missing = run(tokn(&tmp).args(["cache", "list"]));
    assert_eq!(
        (
            missing.code,
            missing.stdout.as_str(),
            missing.stderr.as_str()
        ),
        (0, "", "")
    );
    ok(tokn_for(&tmp, &url)
        .args(["-s", "read write"])
        .env("TOKN_TEST_NOW", NOW.to_string()));
    ok(tokn(&tmp)
        .args(["-u", &url, "-i", "another-client", "--retry", "0"])
        .env("TOKN_CLIENT_SECRET", SECRET)
        .env("TOKN_TEST_NOW", (NOW + 3000).to_string()));
    let list = run(tokn(&tmp)
        .args(["cache", "list"])
        .env("TOKN_TEST_NOW", (NOW + 48).to_string()));
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert_eq!(
        list.stdout,
        format!(
            "{url}  another-client  -  expires in 1h 49m\n\
             {url}  my-client  read write  expires in 59m 12s\n"
        )
    );
    assert_eq!(list.stderr, "");
    assert_no_leak(&list.stdout, "cache list");
    let later = run(tokn(&tmp)
        .args(["cache", "list"])
        .env("TOKN_TEST_NOW", (NOW + 3600).to_string()));
    assert!(
        later.stdout.contains("my-client  read write  expired\n"),
        "{}",
        later.stdout
    );
}

#[test]
fn cache_clear_removes_every_entry() {
    let server = MockServer::start();
    let mock = answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let url = server.url("/token");
    let missing = run(tokn(&tmp).args(["cache", "clear"]));
    assert_eq!(
        (
            missing.code,
            missing.stdout.as_str(),
            missing.stderr.as_str()
        ),
        (0, "", "")
    );
    ok(tokn_for(&tmp, &url).args(["-s", "a"]));
    ok(tokn_for(&tmp, &url).args(["-s", "b"]));
    assert_eq!(cache_entries(&tmp).len(), 2);
    let clear = run(tokn(&tmp).args(["cache", "clear"]));
    assert_eq!(
        (clear.code, clear.stdout.as_str(), clear.stderr.as_str()),
        (0, "", "")
    );
    assert_eq!(
        fs::read_dir(cache_dir(&tmp)).expect("list").count(),
        0,
        "entries and locks are gone"
    );
    let list = run(tokn(&tmp).args(["cache", "list"]));
    assert_eq!((list.code, list.stdout.as_str()), (0, ""));
    ok(tokn_for(&tmp, &url).args(["-s", "a"]));
    assert_eq!(mock.calls(), 3, "nothing is served after a clear");
    let again = run(tokn(&tmp).args(["cache", "clear"]));
    assert_eq!(again.code, 0);
    let empty = run(tokn(&tmp).args(["cache", "clear"]));
    assert_eq!(empty.code, 0, "an empty cache clears fine");
}

#[test]
fn auto_remembers_the_method_that_worked() {
    let server = MockServer::start();
    let (basic, post) = crate::util::basic_refused_post_accepted(&server, 3600);
    let tmp = TempDir::new();
    let url = server.url("/token");
    ok(tokn_for(&tmp, &url).env("TOKN_TEST_NOW", NOW.to_string()));
    basic.assert_calls(1);
    post.assert_calls(1);
    // Past the expiry: a new request, in the body first this time.
    let out = ok(tokn_for(&tmp, &url)
        .arg("-v")
        .env("TOKN_TEST_NOW", (NOW + 4000).to_string()));
    basic.assert_calls(1);
    post.assert_calls(2);
    assert!(!out.stderr.contains("retrying"), "{}", out.stderr);
    // --refresh keeps the memory too.
    ok(tokn_for(&tmp, &url)
        .arg("--refresh")
        .env("TOKN_TEST_NOW", (NOW + 4000).to_string()));
    basic.assert_calls(1);
    post.assert_calls(3);
}

#[test]
fn json_from_the_cache_has_the_same_fields_and_a_recomputed_expires_in() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(POST);
        then.status(200).body(format!(
            r#"{{"access_token":"{TOKEN}","token_type":"bearer","expires_in":"3600","scope":"read","ext":{{"n":[1,2]}}}}"#
        ));
    });
    let tmp = TempDir::new();
    let url = server.url("/token");
    let json = |at: u64| -> Value {
        let out = run(tokn_for(&tmp, &url)
            .args(["-f", "json"])
            .env("TOKN_TEST_NOW", at.to_string()));
        assert_eq!(out.code, 0, "{}", out.stderr);
        serde_json::from_str(&out.stdout).expect("JSON output")
    };
    let fresh = json(NOW);
    let cached = json(NOW + 100);
    mock.assert_calls(1);
    assert_eq!(fresh["expires_in"], 3600);
    assert_eq!(fresh["expires_at"], NOW + 3600);
    assert_eq!(cached["expires_in"], 3500);
    assert_eq!(cached["expires_at"], NOW + 3600);
    let without_expires_in = |v: &Value| {
        let mut v = v.clone();
        v.as_object_mut().map(|o| o.remove("expires_in"));
        v
    };
    assert_eq!(without_expires_in(&cached), without_expires_in(&fresh));
}

#[test]
fn the_secret_never_reaches_the_cache_directory() {
    use base64::Engine;
    let server = MockServer::start();
    // A provider that echoes the secret back: that answer must not be stored.
    let echo = server.mock(|when, then| {
        when.method(POST).path("/echo");
        then.status(200).body(format!(
            r#"{{"access_token":"{TOKEN}","expires_in":3600,"client_secret":"{SECRET}"}}"#
        ));
    });
    let plain = server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(200).body(token_json(3600));
    });
    let tmp = TempDir::new();
    for auth in ["auto", "basic", "post"] {
        for format in ["raw", "json", "header", "curl"] {
            let out = run(tokn_for(&tmp, &server.url("/token"))
                .args(["--auth", auth, "-f", format, "-s", "s1"]));
            assert_eq!(out.code, 0, "{}", out.stderr);
        }
    }
    plain.assert_calls(3);
    for _ in 0..2 {
        ok(&mut tokn_for(&tmp, &server.url("/echo")));
    }
    echo.assert_calls(2);
    let files = files_under(&cache_dir(&tmp));
    assert!(files.len() >= 3, "{files:?}");
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("my-client:{SECRET}"));
    let digest = ring::digest::digest(&ring::digest::SHA256, SECRET.as_bytes());
    let hash: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(&bytes);
        let name = path.to_string_lossy();
        for needle in [SECRET, basic.as_str(), hash.as_str()] {
            assert!(
                !text.contains(needle),
                "{name} holds the secret (or a form of it)"
            );
            assert!(!name.contains(needle), "{name} is named after the secret");
        }
    }
}

#[test]
fn verbose_says_when_the_token_came_from_the_cache() {
    let server = MockServer::start();
    answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let url = server.url("/token");
    let fresh = ok(tokn_for(&tmp, &url).arg("-v"));
    assert!(!fresh.stderr.contains("from the cache"), "{}", fresh.stderr);
    assert!(fresh.stderr.contains("no cached token"), "{}", fresh.stderr);
    assert!(
        fresh.stderr.contains("cached the token for 3600 s"),
        "{}",
        fresh.stderr
    );
    let cached = ok(tokn_for(&tmp, &url).arg("-v"));
    assert!(
        cached.stderr.contains("token from the cache"),
        "{}",
        cached.stderr
    );
    assert!(
        !cached.stderr.contains("> POST"),
        "no request is sent: {}",
        cached.stderr
    );
    assert_no_leak(&fresh.stderr, "-v of a fresh token");
    assert_no_leak(&cached.stderr, "-v of a cached token");
    let no_cache = ok(tokn_for(&tmp, &url).args(["-v", "--no-cache"]));
    assert!(
        !no_cache.stderr.contains("from the cache"),
        "{}",
        no_cache.stderr
    );
}

/// No run below takes this long; one that hangs is killed and fails.
const GUARD: Duration = Duration::from_secs(20);

/// The key of the one entry in the cache directory.
fn the_key(tmp: &TempDir) -> String {
    let entry = the_entry(tmp);
    let name = entry.file_name().map(|n| n.to_string_lossy().into_owned());
    name.and_then(|n| n.strip_suffix(".json").map(str::to_string))
        .expect("an entry named KEY.json")
}

/// Replace `path` with a FIFO nobody writes.
fn plant_fifo(path: &Path) {
    let _ = fs::remove_file(path);
    let made = StdCommand::new("mkfifo")
        .args(["-m", "600"])
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
}

/// Replace `path` with a symbolic link to `target`.
fn plant_link(target: &Path, path: &Path) {
    let _ = fs::remove_file(path);
    std::os::unix::fs::symlink(target, path).expect("symlink");
}

fn is_regular(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
}

#[test]
fn a_fifo_planted_as_an_entry_or_a_lock_hangs_nothing() {
    let server = MockServer::start();
    let mock = answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let url = server.url("/token");
    ok(&mut tokn_for(&tmp, &url));
    let key = the_key(&tmp);
    let entry = cache_dir(&tmp).join(format!("{key}.json"));
    let lock = cache_dir(&tmp).join(format!("{key}.lock"));

    plant_fifo(&entry);
    let list = run(tokn(&tmp).args(["cache", "list"]).timeout(GUARD));
    assert_eq!(
        (list.code, list.stdout.as_str()),
        (0, ""),
        "{}",
        list.stderr
    );
    let out = ok(tokn_for(&tmp, &url).arg("-v").timeout(GUARD));
    assert!(
        out.stderr
            .contains("* ignoring the cache entry (it is a FIFO); it will be replaced"),
        "{}",
        out.stderr
    );
    assert_eq!(mock.calls(), 2);
    assert!(is_regular(&entry), "the FIFO was replaced by an entry");
    ok(tokn_for(&tmp, &url).timeout(GUARD));
    assert_eq!(mock.calls(), 2, "and the entry is used");

    plant_fifo(&lock);
    let out = ok(tokn_for(&tmp, &url)
        .args(["--refresh", "-v"])
        .timeout(GUARD));
    assert!(
        out.stderr
            .contains("* replacing a cache lock that is not a regular file"),
        "{}",
        out.stderr
    );
    assert_eq!(mock.calls(), 3);
    assert!(is_regular(&lock), "the FIFO was replaced by a lock file");
}

#[test]
fn a_link_to_dev_zero_planted_as_an_entry_is_never_read() {
    let server = MockServer::start();
    let mock = answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let url = server.url("/token");
    ok(&mut tokn_for(&tmp, &url));
    let entry = cache_dir(&tmp).join(format!("{}.json", the_key(&tmp)));
    plant_link(Path::new("/dev/zero"), &entry);
    let list = run(tokn(&tmp).args(["cache", "list"]).timeout(GUARD));
    assert_eq!(
        (list.code, list.stdout.as_str()),
        (0, ""),
        "{}",
        list.stderr
    );
    let out = ok(tokn_for(&tmp, &url).arg("-v").timeout(GUARD));
    assert!(
        out.stderr
            .contains("* ignoring the cache entry (it is a symbolic link)"),
        "{}",
        out.stderr
    );
    assert_eq!(mock.calls(), 2);
    assert!(is_regular(&entry), "the link was replaced by an entry");
}

#[test]
fn a_link_planted_as_an_entry_is_not_followed() {
    let server = MockServer::start();
    let mock = answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let url = server.url("/token");
    ok(&mut tokn_for(&tmp, &url));
    let entry = the_entry(&tmp);
    // A good entry for this very key, kept elsewhere: still not used through a link.
    let elsewhere = tmp.path().join("elsewhere.json");
    fs::copy(&entry, &elsewhere).expect("copy the entry");
    let kept = fs::read(&elsewhere).expect("read");
    plant_link(&elsewhere, &entry);
    ok(&mut tokn_for(&tmp, &url));
    assert_eq!(mock.calls(), 2, "the linked entry was not served");
    assert!(is_regular(&entry), "the link was replaced by an entry");
    assert_eq!(
        fs::read(&elsewhere).expect("read"),
        kept,
        "the target is untouched"
    );
}

#[test]
fn a_link_planted_as_the_lock_makes_nothing_at_its_target() {
    let server = MockServer::start();
    let mock = answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let url = server.url("/token");
    ok(&mut tokn_for(&tmp, &url));
    let lock = cache_dir(&tmp).join(format!("{}.lock", the_key(&tmp)));
    let missing = tmp.path().join("made-by-tokn");
    let existing = tmp.file("victim", b"keep me", 0o644);
    for target in [&missing, &existing] {
        plant_link(target, &lock);
        let out = ok(tokn_for(&tmp, &url).arg("--refresh").timeout(GUARD));
        assert_eq!(out.stderr, "");
        assert!(!missing.exists(), "a file was made at the link's target");
        assert_eq!(fs::read(&existing).expect("read"), b"keep me");
        assert_eq!(mode(&existing), 0o644);
        assert!(is_regular(&lock), "the link was replaced by a lock file");
    }
    assert_eq!(mock.calls(), 3);
}

#[test]
fn an_entry_over_2_mib_is_not_used() {
    let server = MockServer::start();
    let mock = answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let url = server.url("/token");
    ok(&mut tokn_for(&tmp, &url));
    let entry = the_entry(&tmp);
    // Still a valid entry, padded with white space past the cap.
    let mut padded = fs::read(&entry).expect("read");
    padded.extend(std::iter::repeat_n(b' ', 2 * 1024 * 1024));
    fs::write(&entry, &padded).expect("pad");
    let list = run(tokn(&tmp).args(["cache", "list"]));
    assert_eq!(
        (list.code, list.stdout.as_str()),
        (0, ""),
        "{}",
        list.stderr
    );
    let out = ok(tokn_for(&tmp, &url).arg("-v"));
    assert!(
        out.stderr
            .contains("* ignoring the cache entry (it is too large)"),
        "{}",
        out.stderr
    );
    assert_eq!(mock.calls(), 2);
    assert!(fs::metadata(&entry).expect("stat").len() < 4096, "replaced");
}

#[test]
fn cache_clear_removes_links_not_their_targets_and_only_tokn_files() {
    let server = MockServer::start();
    answer_all(&server, token_json(3600));
    let tmp = TempDir::new();
    let url = server.url("/token");
    ok(tokn_for(&tmp, &url).args(["-s", "a"]));
    let key = the_key(&tmp);
    let dir = cache_dir(&tmp);
    let outside = tmp.file("outside.json", b"not tokn's", 0o600);
    plant_link(&outside, &dir.join(format!("{key}.json")));
    plant_link(&outside, &dir.join(format!("{key}.lock")));
    let other_key = "f".repeat(64);
    fs::create_dir(dir.join(format!("{other_key}.json"))).expect("mkdir");
    plant_fifo(&dir.join(format!("{other_key}.lock")));
    fs::write(dir.join(format!(".{other_key}.77.tmp")), b"half").expect("write");
    fs::write(dir.join("notes.json"), b"mine").expect("write");
    fs::write(dir.join("notes.lock"), b"mine").expect("write");

    let clear = run(tokn(&tmp).args(["cache", "clear"]).timeout(GUARD));
    assert_eq!(
        (clear.code, clear.stdout.as_str(), clear.stderr.as_str()),
        (0, "", "")
    );
    assert_eq!(fs::read(&outside).expect("read"), b"not tokn's");
    let mut left: Vec<String> = fs::read_dir(&dir)
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            format!("{other_key}.json"),
            "notes.json".to_string(),
            "notes.lock".to_string(),
        ],
        "only tokn's files go, and never a directory"
    );
}
