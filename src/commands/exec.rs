//! `tokn exec [FETCH OPTIONS] -- COMMAND [ARGS…]`: get a token and run a command
//! with it in an environment variable.
//!
//! On Unix tokn replaces itself with the command (`execvp`), so the command gets
//! tokn's process ID, its signals (Ctrl-C, a supervisor's SIGTERM) and its exit
//! status with nothing in between. The token never appears in an argument list,
//! and tokn's own secret variables are not handed on: the command gets a token,
//! not the client's credentials.

use std::ffi::{OsStr, OsString};
use std::process::{Command, ExitCode};

use anyhow::Result;

use crate::error::{Exit, Failure, usage};
use crate::obtain::obtain;
use crate::options::SECRET_KEYS;
use crate::settings::{OWNED_ENV, Settings};

/// `--env-var` must be a name every shell and program can read.
pub fn check_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(usage(format!(
            "--env-var '{name}' is not a variable name: use letters, digits and _, \
             not starting with a digit"
        )))
    }
}

/// Get the token, then run the command; its exit status is tokn's.
pub fn run(settings: &Settings, var: &str, command: &[OsString]) -> Result<ExitCode> {
    let Some((program, args)) = command.split_first() else {
        return Err(usage("no command to run: give it after --"));
    };
    let got = obtain(settings)?;
    let mut cmd = Command::new(program);
    cmd.args(args).env(var, &got.token.access_token);
    // The variables that carry a secret (the client secret, a grant's secret
    // input) are not handed to the command.
    for key in SECRET_KEYS {
        cmd.env_remove(format!("TOKN_{}", key.to_ascii_uppercase()));
    }
    for (name, _) in OWNED_ENV {
        cmd.env_remove(name);
    }
    start(cmd, program)
}

#[cfg(unix)]
fn start(mut cmd: Command, program: &OsStr) -> Result<ExitCode> {
    use std::os::unix::process::CommandExt;
    // exec returns only when the command could not be started.
    let err = cmd.exec();
    Err(cannot_start(program, &err))
}

#[cfg(not(unix))]
fn start(mut cmd: Command, program: &OsStr) -> Result<ExitCode> {
    let status = cmd.status().map_err(|e| cannot_start(program, &e))?;
    Ok(ExitCode::from(exit_code(status)))
}

fn cannot_start(program: &OsStr, err: &std::io::Error) -> anyhow::Error {
    let name = program.to_string_lossy();
    let failure = Failure::new(
        Exit::Usage,
        format!("cannot start the command '{name}': {err}"),
    );
    match err.kind() {
        std::io::ErrorKind::NotFound => failure
            .detail("check its name, or give its path; PATH is searched for it")
            .into(),
        _ => failure.into(),
    }
}

/// The command's exit status as tokn's: its code, or 128 + the signal that
/// ended it, as a shell reports it.
#[cfg(any(not(unix), test))]
fn exit_code(status: std::process::ExitStatus) -> u8 {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return u8::try_from(128 + signal).unwrap_or(u8::MAX);
    }
    status
        .code()
        .and_then(|c| u8::try_from(c).ok())
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names() {
        for good in ["TOKN_ACCESS_TOKEN", "_x", "GITHUB_TOKEN2"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in ["", "2X", "A-B", "A=B", "A B", "É"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn statuses_as_a_shell_reports_them() {
        use std::os::unix::process::ExitStatusExt;
        let status = std::process::ExitStatus::from_raw;
        assert_eq!(exit_code(status(0)), 0);
        assert_eq!(exit_code(status(42 << 8)), 42);
        // Killed by SIGTERM (15).
        assert_eq!(exit_code(status(15)), 143);
    }
}
