//! A secret from a command (`--client-secret-cmd`): a password manager or a
//! vault CLI prints it, tokn reads it from the command's standard output.
//!
//! Standard input and standard error stay the terminal's, so the manager can
//! ask to be unlocked. The output is bounded like a secret file, and what the
//! command printed is never echoed: errors quote only its exit status.

use std::io::Read;
use std::process::{Command, Stdio};

use anyhow::Result;

use crate::error::usage;
use crate::files;

/// The largest secret tokn reads, as from a secret file.
const MAX_SECRET: u64 = files::Kind::Secret.max_len();

/// Run `command` with `sh -c` and return its output, one trailing newline
/// (`\n` or `\r\n`) dropped. `option` names where the command came from.
pub fn run(command: &str, option: &str) -> Result<String> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| usage(format!("cannot run the secret command ({option}): {e}")))?;
    let mut bytes = Vec::new();
    let read = match child.stdout.take() {
        Some(out) => out.take(MAX_SECRET + 1).read_to_end(&mut bytes),
        None => Ok(0),
    };
    if bytes.len() as u64 > MAX_SECRET {
        // Do not wait for a command that prints without end.
        let _ = child.kill();
    }
    let status = child
        .wait()
        .map_err(|e| usage(format!("cannot run the secret command ({option}): {e}")))?;
    if !status.success() {
        return Err(usage(format!(
            "the secret command ({option}) failed ({status}); its output is not used"
        )));
    }
    read.map_err(|e| {
        usage(format!(
            "cannot read the secret command's output ({option}): {e}"
        ))
    })?;
    if bytes.len() as u64 > MAX_SECRET {
        return Err(usage(format!(
            "the secret command ({option}) printed more than 64 KiB; a secret is shorter"
        )));
    }
    let mut text = String::from_utf8(bytes).map_err(|_| {
        usage(format!(
            "the secret command ({option}) printed text that is not UTF-8"
        ))
    })?;
    files::drop_one_newline(&mut text);
    if text.is_empty() {
        return Err(usage(format!(
            "the secret command ({option}) printed nothing; it should print the secret"
        )));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_trailing_newline_is_dropped() {
        assert_eq!(run("printf 's3\\n'", "x").unwrap(), "s3");
        assert_eq!(run("printf 's3\\r\\n'", "x").unwrap(), "s3");
        assert_eq!(run("printf 's3\\n\\n'", "x").unwrap(), "s3\n");
    }

    #[test]
    fn failures_quote_the_status_not_the_output() {
        let err = run("echo leaked; exit 3", "--client-secret-cmd").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("exit status: 3") && !text.contains("leaked"),
            "{text}"
        );
        assert!(
            run("true", "x")
                .unwrap_err()
                .to_string()
                .contains("printed nothing")
        );
    }
}
