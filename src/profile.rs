//! Which profile applies, and the layers in their order: flag and environment
//! (already in what the user gave), the profile, `[defaults]`, the built-ins.
//! A flag or variable replaces a profile's value, never merges with it.

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::GlobalArgs;
use crate::config::{self, ConfigFile};
use crate::config_cache::{self, Stamp, Tables};
use crate::diag;
use crate::error::usage;
use crate::options::{Layered, Source, Table};

/// The profile named `default` applies when no other is named.
const DEFAULT_PROFILE: &str = "default";

/// What this run takes from the config file (if any).
pub struct Chosen {
    pub tables: Tables,
}

/// Read the config file the global options point to.
pub fn read_config(global: &GlobalArgs) -> Result<(Option<PathBuf>, Option<ConfigFile>)> {
    let path = config::location(global.config.as_deref());
    let file = load(global, path.as_deref())?;
    Ok((path, file))
}

/// Read the config file at `path`, where the global options point.
fn load(global: &GlobalArgs, path: Option<&std::path::Path>) -> Result<Option<ConfigFile>> {
    match path {
        Some(path) => config::load(path, global.config.is_some()),
        None => Ok(None),
    }
}

/// The config file's tables for this run: the profile of `-p`/`TOKN_PROFILE`,
/// else `default` when the file has it, and `[defaults]`. A named profile must
/// exist. With `reuse`, a parsed copy of an unchanged file stands in for it.
pub fn choose(global: &GlobalArgs, reuse: bool) -> Result<Chosen> {
    let requested = global.profile.as_deref();
    let path = config::location(global.config.as_deref());
    let stamp = path.as_deref().filter(|_| reuse).and_then(Stamp::of);
    if let (Some(path), Some(stamp)) = (&path, &stamp)
        && let Some(tables) = config_cache::lookup(path, requested, stamp)
    {
        diag::verbose(&format!(
            "* the config file '{}' is unchanged: using its parsed copy",
            path.display()
        ));
        return Ok(Chosen { tables });
    }
    let file = load(global, path.as_deref())?;
    let tables = pick(requested, path.as_deref(), file.as_ref())?;
    if let (Some(path), Some(stamp), Some(file)) = (&path, stamp, &file)
        && !file.holds_secret()
        && Stamp::of(path).as_ref() == Some(&stamp)
    {
        config_cache::store(path, requested, stamp, &tables);
    }
    Ok(Chosen { tables })
}

fn pick(
    requested: Option<&str>,
    path: Option<&std::path::Path>,
    file: Option<&ConfigFile>,
) -> Result<Tables> {
    let name = match (requested, file) {
        (Some(name), Some(file)) if file.profiles.contains_key(name) => Some(name),
        (Some(name), Some(file)) => return Err(unknown_profile(name, file)),
        (Some(name), None) => {
            let place = path.map_or("no config file".to_string(), |p| {
                format!("no config file at '{}'", p.display())
            });
            return Err(usage(format!("no profile \"{name}\": {place}")));
        }
        (None, Some(file)) if file.profiles.contains_key(DEFAULT_PROFILE) => Some(DEFAULT_PROFILE),
        (None, _) => None,
    };
    Ok(Tables {
        profile: name.and_then(|n| {
            let table = file?.profiles.get(n)?;
            Some((n.to_string(), table.clone()))
        }),
        defaults: file.and_then(|f| f.defaults.clone()),
    })
}

fn unknown_profile(name: &str, file: &ConfigFile) -> anyhow::Error {
    let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
    let list = if known.is_empty() {
        "it has no [profiles.NAME] table".to_string()
    } else {
        format!("its profiles are: {}", known.join(", "))
    };
    usage(format!(
        "no profile \"{name}\" in the config file '{}': {list}{}",
        file.path.display(),
        config::near_miss(name, &known)
    ))
}

impl Chosen {
    /// The user's values over the profile, `[defaults]` and the built-ins.
    pub fn layer(&self, mut given: Layered) -> Layered {
        if let Some((name, table)) = &self.tables.profile {
            given.overlay(table, &Source::Profile(name.clone()));
        }
        if let Some(defaults) = &self.tables.defaults {
            given.overlay(defaults, &Source::Defaults);
        }
        given.overlay(&Table::built_in(), &Source::BuiltIn);
        given
    }
}
