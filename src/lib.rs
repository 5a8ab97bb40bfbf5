//! tokn: fetch an OAuth 2.0 access token and print it for a shell, jq or curl.
//!
//! The flow goes one way: what the user typed (`cli`, `options`) → the layered
//! values → validated settings (`settings`) → a token from the cache or the
//! server (`obtain`, `oauth`, `retry`, `http`) → what a command does with it
//! (`commands`, `output`). `main.rs` only parses, calls [`run`] and maps the
//! error to an exit code (`error`). Everything written to stderr goes through
//! `diag`, which strips control characters and redacts secrets.

pub mod cache;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod diag;
pub mod endpoint;
pub mod error;
pub mod files;
pub mod http;
pub mod oauth;
pub mod obtain;
pub mod options;
pub mod output;
pub mod proxy;
pub mod redact;
pub mod retry;
pub mod secret;
pub mod settings;

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use cli::{CacheCommand, Command, Parsed};
use options::{Layered, Source, Table};
use settings::Settings;

/// Do what the command line asks; the exit code on success.
pub fn run(parsed: Parsed, started: Instant) -> Result<ExitCode> {
    let Parsed { cli, given } = parsed;
    diag::configure(cli.global.verbose, cli.global.quiet);
    match cli.command {
        None => commands::get::run(&Settings::resolve(&layers(given), started)?)?,
        Some(Command::Cache(CacheCommand::List)) => commands::cache::list()?,
        Some(Command::Cache(CacheCommand::Clear)) => commands::cache::clear()?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The values given on the command line and in the environment, over the
/// built-in defaults.
fn layers(mut given: Layered) -> Layered {
    given.overlay(&Table::built_in(), &Source::BuiltIn);
    given
}
