//! Parse, run, report: the exit code table lives in `error.rs`.

use std::process::ExitCode;
use std::time::Instant;

use tokn::{cli, diag, error};

fn main() -> ExitCode {
    let started = Instant::now();
    let parsed = match cli::parse() {
        Ok(parsed) => parsed,
        Err(e) => return cli::report_clap_error(&e),
    };
    match tokn::run(parsed, started) {
        Ok(code) => code,
        Err(err) => {
            diag::error(&err.to_string(), &error::detail_lines(&err));
            error::exit_of(&err).into()
        }
    }
}
