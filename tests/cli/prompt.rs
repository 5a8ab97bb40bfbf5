//! The no-echo prompt, on a real pseudo-terminal made by util-linux `script`.

use httpmock::prelude::*;

use crate::util::{TOKEN, TempDir, token_json};

#[test]
fn the_secret_is_asked_for_on_the_terminal_without_echo() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        panic!(
            "this test needs util-linux `script` to make a pseudo-terminal (apt-get install bsdutils)"
        );
    }
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.form_urlencoded_tuple("client_secret", "typed-secret-42");
        then.status(200).body(token_json(60));
    });
    let tmp = TempDir::new();
    let bin = assert_cmd::cargo::cargo_bin!("tokn");
    let command = format!(
        "{} -u {} -i my-client --auth post --no-cache",
        bin.display(),
        server.url("/t")
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TOKN_CACHE_DIR", tmp.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            // Give tokn time to turn echo off before typing, as a person would.
            std::thread::sleep(std::time::Duration::from_millis(500));
            child
                .stdin
                .take()
                .unwrap()
                .write_all(b"typed-secret-42\n")?;
            child.wait_with_output()
        })
        .unwrap();
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(screen.contains("Client secret: "), "{screen:?}");
    assert!(
        !screen.contains("typed-secret-42"),
        "the secret was echoed: {screen:?}"
    );
    assert!(screen.contains(TOKEN), "{screen:?}");
    mock.assert_calls(1);
}
