//! tokn: fetch an OAuth 2.0 access token and print it for a shell, jq or curl.
//!
//! The flow goes one way: what the user typed (`cli`, `options`) → the layered
//! values → validated settings (`settings`) → a token from the cache or the
//! server (`obtain`, `oauth`, `retry`, `http`) → what a command does with it
//! (`commands`, `output`). `main.rs` only parses, calls [`run`] and maps the
//! error to an exit code (`error`). Everything written to stderr goes through
//! `diag`, which strips control characters and redacts secrets.

pub mod browser;
pub mod cache;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod config_cache;
pub mod diag;
pub mod endpoint;
pub mod error;
pub mod fetch;
pub mod files;
pub mod http;
pub mod interrupt;
pub mod jose;
pub mod keys;
pub mod oauth;
pub mod obtain;
pub mod options;
pub mod output;
pub mod profile;
pub mod proxy;
pub mod redact;
pub mod retry;
pub mod secret;
pub mod secret_command;
pub mod settings;

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use cli::{CacheCommand, Command, ConfigCommand, GlobalArgs, Parsed};
use options::Layered;
use settings::Settings;

/// Do what the command line asks; the exit code on success.
pub fn run(parsed: Parsed, started: Instant) -> Result<ExitCode> {
    let Parsed { cli, given } = parsed;
    let global = &cli.global;
    diag::configure(global.verbose, global.quiet);
    match cli.command {
        None => commands::get::run(&settings(global, given, started)?)?,
        Some(Command::Cache(CacheCommand::List)) => commands::cache::list()?,
        Some(Command::Cache(CacheCommand::Clear)) => commands::cache::clear()?,
        Some(Command::Config(ConfigCommand::Path)) => commands::config::path(global)?,
        Some(Command::Config(ConfigCommand::List)) => commands::config::list(global)?,
        Some(Command::Config(ConfigCommand::Show(_))) => commands::config::show(global, given)?,
        Some(Command::Exec(exec)) => {
            commands::exec::check_name(&exec.env_var)?;
            let settings = settings(global, given, started)?;
            return commands::exec::run(&settings, &exec.env_var, &exec.command);
        }
        Some(Command::Inspect(inspect)) => {
            commands::inspect::run(&inspect, &layered(global, given)?, started)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The settings of a command that gets a token.
fn settings(global: &GlobalArgs, given: Layered, started: Instant) -> Result<Settings> {
    Settings::resolve(&layered(global, given)?, started)
}

/// What the user gave, over the profile, the config file's defaults and the built-ins.
fn layered(global: &GlobalArgs, given: Layered) -> Result<Layered> {
    // A parsed copy of the config file is a cache too: --no-cache skips it.
    let reuse = !settings::switch(&given.no_cache);
    Ok(profile::choose(global, reuse)?.layer(given))
}
