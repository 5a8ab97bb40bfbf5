//! tokn: fetch an OAuth 2.0 access token and print it for a shell, jq or curl.
//!
//! The flow goes one way: arguments (`cli`) → validated settings (`settings`) →
//! the token, from the cache (`cache`) or the server (`oauth`, `retry`, `http`)
//! → the output (`output`). `main.rs` only parses, calls [`run`] and maps the
//! error to an exit code (`error`). Everything written to stderr goes through
//! `diag`, which strips control characters and redacts secrets.

pub mod cache;
pub mod cli;
pub mod clock;
pub mod diag;
pub mod endpoint;
pub mod error;
pub mod fetch;
pub mod files;
pub mod http;
pub mod oauth;
pub mod output;
pub mod proxy;
pub mod redact;
pub mod retry;
pub mod secret;
pub mod settings;

use std::time::Instant;

use anyhow::Result;

use cli::{CacheCommand, Cli, Command};
use settings::SecretSources;

/// Do what the command line asks.
pub fn run(cli: Cli, sources: SecretSources, started: Instant) -> Result<()> {
    diag::configure(cli.fetch.verbose, cli.fetch.quiet);
    match cli.command {
        None => fetch::fetch(settings::Settings::resolve(cli.fetch, sources, started)?),
        Some(Command::Cache(CacheCommand::List)) => fetch::list_cache(),
        Some(Command::Cache(CacheCommand::Clear)) => fetch::clear_cache(),
    }
}
