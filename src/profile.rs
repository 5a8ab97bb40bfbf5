//! Which profile applies, and the layers in their order: flag and environment
//! (already in what the user gave), the profile, `[defaults]`, the built-ins.
//! A flag or variable replaces a profile's value, never merges with it.

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::GlobalArgs;
use crate::config::{self, ConfigFile};
use crate::error::usage;
use crate::options::{Layered, Source, Table};

/// The profile named `default` applies when no other is named.
const DEFAULT_PROFILE: &str = "default";

/// The config file (if any) and the profile chosen from it.
pub struct Chosen {
    /// Where the config file is or would be.
    pub path: Option<PathBuf>,
    pub file: Option<ConfigFile>,
    pub profile: Option<String>,
}

/// Read the config file the global options point to.
pub fn read_config(global: &GlobalArgs) -> Result<(Option<PathBuf>, Option<ConfigFile>)> {
    let named = global.config.as_deref();
    let path = config::location(named);
    let file = match &path {
        Some(path) => config::load(path, named.is_some())?,
        None => None,
    };
    Ok((path, file))
}

/// The config file and profile for this run: `-p`/`TOKN_PROFILE`, else
/// `default` when the file has it. A named profile must exist.
pub fn choose(global: &GlobalArgs) -> Result<Chosen> {
    let (path, file) = read_config(global)?;
    let profile = match (&global.profile, &file) {
        (Some(name), Some(file)) if file.profiles.contains_key(name) => Some(name.clone()),
        (Some(name), Some(file)) => return Err(unknown_profile(name, file)),
        (Some(name), None) => {
            let place = path.as_ref().map_or("no config file".to_string(), |p| {
                format!("no config file at '{}'", p.display())
            });
            return Err(usage(format!("no profile \"{name}\": {place}")));
        }
        (None, Some(file)) if file.profiles.contains_key(DEFAULT_PROFILE) => {
            Some(DEFAULT_PROFILE.to_string())
        }
        (None, _) => None,
    };
    Ok(Chosen {
        path,
        file,
        profile,
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
        if let (Some(file), Some(name)) = (&self.file, &self.profile)
            && let Some(table) = file.profiles.get(name)
        {
            given.overlay(table, &Source::Profile(name.clone()));
        }
        if let Some(defaults) = self.file.as_ref().and_then(|f| f.defaults.as_ref()) {
            given.overlay(defaults, &Source::Defaults);
        }
        given.overlay(&Table::built_in(), &Source::BuiltIn);
        given
    }
}
