//! Opening the sign-in URL in the user's browser: `xdg-open` (Linux and the
//! BSDs, only with a display), `open` (macOS), `start` (Windows).
//!
//! The URL is printed before this is tried, so a failure costs nothing: the
//! person opens it by hand. The opener's own output goes nowhere, since stdout
//! is for the token alone.

use std::process::{Command, Stdio};

use crate::diag;

/// Try to open `url`; say on stderr when that was not possible.
pub fn open(url: &str) {
    let Some(mut command) = opener(url) else {
        diag::verbose("* no display: not opening a browser");
        return;
    };
    let started = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match started {
        Ok(mut child) => {
            diag::verbose("* opened the URL in a browser");
            // Reaped on the side: xdg-open may run as long as the browser does.
            std::thread::spawn(move || child.wait());
        }
        Err(e) => diag::warn(&format!(
            "cannot open a browser ({e}); open the URL above by hand"
        )),
    }
}

#[cfg(target_os = "macos")]
fn opener(url: &str) -> Option<Command> {
    let mut command = Command::new("open");
    command.arg(url);
    Some(command)
}

#[cfg(windows)]
fn opener(url: &str) -> Option<Command> {
    use std::os::windows::process::CommandExt;
    let mut command = Command::new("cmd");
    // Quoted, so that cmd does not read the & of the query as a command separator.
    command.raw_arg(format!("/C start \"\" \"{url}\""));
    Some(command)
}

#[cfg(not(any(target_os = "macos", windows)))]
fn opener(url: &str) -> Option<Command> {
    let has = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if !has("DISPLAY") && !has("WAYLAND_DISPLAY") {
        return None;
    }
    let mut command = Command::new("xdg-open");
    command.arg(url);
    Some(command)
}
