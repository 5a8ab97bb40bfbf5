//! The no-echo prompt, on a real pseudo-terminal made by util-linux `script`.

use httpmock::prelude::*;

use crate::util::{TOKEN, TempDir, on_a_terminal, token_json};

#[test]
fn the_secret_is_asked_for_on_the_terminal_without_echo() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.form_urlencoded_tuple("client_secret", "typed-secret-42");
        then.status(200).body(token_json(60));
    });
    let tmp = TempDir::new();
    let out = on_a_terminal(
        &tmp,
        &format!(
            "-u {} -i my-client --auth post --no-cache",
            server.url("/t")
        ),
        &[],
        Some("typed-secret-42"),
    );
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
