//! Where the client secret comes from: the first of the flags, then the
//! environment variables, then the config file, each in the order secret,
//! file; and last a prompt on a terminal.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;

use crate::diag;
use crate::error::{ContextLines, usage};
use crate::files::read_secret_file;
use crate::options::{Layered, Sourced};
use crate::secret::Secret;

/// One place the secret may come from.
enum SecretSource<'a> {
    Value(&'a Sourced<String>),
    File(&'a Sourced<PathBuf>),
}

impl SecretSource<'_> {
    fn rank(&self) -> u8 {
        match self {
            SecretSource::Value(s) => s.source.rank(),
            SecretSource::File(s) => s.source.rank(),
        }
    }

    fn read(&self) -> Result<String> {
        match self {
            SecretSource::Value(s) => Ok(s.value.clone()),
            SecretSource::File(s) => {
                read_secret_file(&s.value, &s.option_name("client_secret_file"))
            }
        }
    }
}

/// The client secret, from the strongest source that is set.
pub fn client_secret(l: &Layered) -> Result<Secret> {
    let mut sources: Vec<SecretSource> = Vec::new();
    sources.extend(l.client_secret.as_ref().map(SecretSource::Value));
    sources.extend(l.client_secret_file.as_ref().map(SecretSource::File));
    // Stable: within one layer, the order above is the SPEC's.
    sources.sort_by_key(SecretSource::rank);
    let value = match sources.first() {
        Some(source) => source.read()?,
        None => prompt()?,
    };
    if value.is_empty() {
        return Err(usage(
            "the client secret is empty; --auth none sends no secret",
        ));
    }
    diag::protect_secret(&value);
    Ok(Secret::new(value))
}

fn prompt() -> Result<String> {
    if !std::io::stdin().is_terminal() {
        return Err(
            usage("no client secret and no terminal to ask for one").context_lines(&[
                "set TOKN_CLIENT_SECRET, pass --client-secret-file PATH (or - for standard input),",
                "or run tokn in a terminal to be prompted; --auth none sends no secret",
            ]),
        );
    }
    rpassword::prompt_password("Client secret: ")
        .map_err(|e| usage(format!("cannot read the secret from the terminal: {e}")))
}
