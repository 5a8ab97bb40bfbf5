//! Where the client secret comes from: the first of the flags, then the
//! environment variables, then the config file, each in the order secret,
//! file, command; and last a prompt on a terminal.
//!
//! A command is not run here: it runs only when a token must be fetched, so a
//! cached token costs no trip to the password manager. The cache key then
//! holds a hash of the command text instead of the secret.

use std::cell::OnceCell;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::diag;
use crate::error::{usage, usage_with};
use crate::files::read_secret_file;
use crate::options::{Layered, Sourced};
use crate::secret::Secret;
use crate::secret_command;

/// The client secret, known or still to be asked of a command.
pub enum ClientSecret {
    Known(Secret),
    Command {
        command: String,
        /// How messages name the option (`--client-secret-cmd`, …).
        option: String,
        got: OnceCell<Secret>,
    },
}

impl ClientSecret {
    /// A secret still to be asked of `command`; `option` names it in messages.
    pub fn command(command: String, option: String) -> ClientSecret {
        ClientSecret::Command {
            command,
            option,
            got: OnceCell::new(),
        }
    }

    /// What identifies the secret in the cache key, hashed there.
    pub fn identity(&self) -> String {
        match self {
            ClientSecret::Known(s) => format!("secret:{}", s.expose()),
            ClientSecret::Command { command, .. } => format!("command:{command}"),
        }
    }

    /// The secret, running the command the first time.
    pub fn get(&self) -> Result<&Secret> {
        match self {
            ClientSecret::Known(s) => Ok(s),
            ClientSecret::Command {
                command,
                option,
                got,
            } => {
                if got.get().is_none() {
                    let value = secret_command::run(command, option)?;
                    diag::protect_secret(&value);
                    let _ = got.set(Secret::new(value));
                }
                got.get()
                    .ok_or_else(|| usage("the secret command gave no secret"))
            }
        }
    }

    /// The secret if it is known by now (a command that ran, or a value).
    pub fn known(&self) -> Option<&Secret> {
        match self {
            ClientSecret::Known(s) => Some(s),
            ClientSecret::Command { got, .. } => got.get(),
        }
    }
}

/// One place the secret may come from.
enum Place<'a> {
    Value(&'a Sourced<String>),
    File(&'a Sourced<PathBuf>),
    Command(&'a Sourced<String>),
}

impl Place<'_> {
    fn rank(&self) -> u8 {
        match self {
            Place::Value(s) | Place::Command(s) => s.source.rank(),
            Place::File(s) => s.source.rank(),
        }
    }

    fn take(&self, deadline: Instant) -> Result<ClientSecret> {
        let value = match self {
            Place::Value(s) => s.value.clone(),
            Place::File(s) => {
                read_secret_file(&s.value, &s.option_name("client_secret_file"), deadline)?
            }
            Place::Command(s) => {
                return Ok(ClientSecret::Command {
                    command: s.value.clone(),
                    option: s.option_name("client_secret_cmd"),
                    got: OnceCell::new(),
                });
            }
        };
        known(value)
    }
}

/// The client secret, from the strongest place that is set, and the time a
/// person took to type it at the prompt (which does not count against
/// `--timeout`; a file or pipe is read within it).
pub fn client_secret(l: &Layered, deadline: Instant) -> Result<(ClientSecret, Duration)> {
    match client_secret_if_given(l, deadline)? {
        Some(secret) => Ok((secret, Duration::ZERO)),
        None => {
            let (value, typing) = ask("Client secret: ", "secret", || {
                usage_with(
                    "no client secret and no terminal to ask for one",
                    [
                        "set TOKN_CLIENT_SECRET, pass --client-secret-file PATH (or - for standard \
                         input),",
                        "--client-secret-cmd COMMAND, or run tokn in a terminal to be prompted;",
                        "--auth none sends no secret",
                    ],
                )
            })?;
            Ok((known(value)?, typing))
        }
    }
}

/// The client secret if one of its places is set; no prompt.
pub fn client_secret_if_given(l: &Layered, deadline: Instant) -> Result<Option<ClientSecret>> {
    let mut places: Vec<Place> = Vec::new();
    places.extend(l.client_secret.as_ref().map(Place::Value));
    places.extend(l.client_secret_file.as_ref().map(Place::File));
    places.extend(l.client_secret_cmd.as_ref().map(Place::Command));
    // Stable: within one layer, the order above is the SPEC's.
    places.sort_by_key(Place::rank);
    places.first().map(|place| place.take(deadline)).transpose()
}

fn known(value: String) -> Result<ClientSecret> {
    if value.is_empty() {
        return Err(usage(
            "the client secret is empty; --auth none sends no secret",
        ));
    }
    known_value(value, "the client secret")
}

/// A secret given as a value (`what` names it if it is empty), registered so
/// that no line shows it.
pub fn known_value(value: String, what: &str) -> Result<ClientSecret> {
    if value.is_empty() {
        return Err(usage(format!("{what} is empty")));
    }
    diag::protect_secret(&value);
    Ok(ClientSecret::Known(Secret::new(value)))
}

/// Ask the person at the terminal for a secret, not echoed: what they typed and
/// how long they took. `no_terminal` is the error when there is no terminal.
pub fn ask(
    label: &str,
    noun: &str,
    no_terminal: impl FnOnce() -> anyhow::Error,
) -> Result<(String, Duration)> {
    if !std::io::stdin().is_terminal() {
        return Err(no_terminal());
    }
    let asked = Instant::now();
    let typed = rpassword::prompt_password(label)
        .map_err(|e| usage(format!("cannot read the {noun} from the terminal: {e}")))?;
    Ok((typed, asked.elapsed()))
}
