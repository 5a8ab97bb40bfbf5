//! The error type that carries an exit code, and the one table that maps failures
//! to the exit codes of the SPEC.
//!
//! Code anywhere in tokn returns `anyhow::Result`; where a failure has a known
//! meaning for scripts (usage, network, refused, server) it is a [`Failure`]
//! somewhere in the error chain. Anything else is a bug in tokn and exits 1.

use std::fmt;
use std::process::ExitCode;

/// The exit codes of the SPEC's "Errors and exit codes" table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 1: a bug in tokn; it should never happen.
    Bug = 1,
    /// 2: bad or missing options, unreadable secret file, invalid URL or pattern.
    Usage = 2,
    /// 3: DNS, connect, TLS, proxy, or the timeout ran out.
    Network = 3,
    /// 4: the server refused: HTTP 4xx or an OAuth error answer.
    Refused = 4,
    /// 5: the server failed or answered something unusable.
    Server = 5,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// A failure with a meaning for scripts: the exit code, a one-line message, and
/// indented detail lines (server fields, hints) printed under it.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
    pub details: Vec<String>,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Failure {
            exit,
            message: message.into(),
            details: Vec::new(),
        }
    }

    pub fn detail(mut self, line: impl Into<String>) -> Self {
        self.details.push(line.into());
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// A usage error (exit 2), the most common kind, as an `anyhow::Error`.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    Failure::new(Exit::Usage, message).into()
}

/// The exit code of an error: that of the first [`Failure`] in its chain, else 1.
pub fn exit_of(err: &anyhow::Error) -> Exit {
    failure_of(err).map_or(Exit::Bug, |f| f.exit)
}

pub fn failure_of(err: &anyhow::Error) -> Option<&Failure> {
    err.chain().find_map(|e| e.downcast_ref::<Failure>())
}

/// The lines under `tokn: error: …`: the chain of causes, then the failure's details.
pub fn detail_lines(err: &anyhow::Error) -> Vec<String> {
    let mut lines: Vec<String> = err.chain().skip(1).map(|e| e.to_string()).collect();
    if let Some(failure) = failure_of(err) {
        lines.extend(failure.details.iter().cloned());
    }
    lines
}

/// A usage error with detail lines under it.
pub fn usage_with<S: Into<String>>(
    message: impl Into<String>,
    details: impl IntoIterator<Item = S>,
) -> anyhow::Error {
    let mut failure = Failure::new(Exit::Usage, message);
    failure.details.extend(details.into_iter().map(Into::into));
    failure.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn the_exit_code_comes_from_the_failure_under_any_context() {
        let err: anyhow::Result<()> = Err(Failure::new(Exit::Network, "connect failed").into());
        let err = err
            .context("could not reach the token endpoint")
            .unwrap_err();
        assert_eq!(exit_of(&err), Exit::Network);
        assert_eq!(detail_lines(&err), ["connect failed"]);
    }

    #[test]
    fn an_unexpected_error_is_a_bug() {
        assert_eq!(exit_of(&anyhow::anyhow!("surprise")), Exit::Bug);
    }
}
