//! The config file: where it is, and its `[defaults]` and `[profiles.NAME]`
//! tables read into all-optional [`Table`]s. No policy lives here: which
//! profile applies and what beats what is `profile.rs`'s business.
//!
//! Every mistake in the file is a usage error that names the file, the line and
//! the key, with the key that was meant for a near miss, because a config file
//! is edited by hand and read by tokn long after.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::diag;
use crate::error::usage;
use crate::options::{KEYS, Table};

/// Options that belong to one run, never to a file.
const NOT_KEYS: &[&str] = &["profile", "config", "verbose", "quiet"];

/// A read config file.
#[derive(Debug)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub defaults: Option<Table>,
    pub profiles: BTreeMap<String, Table>,
}

/// `--config`/`TOKN_CONFIG`, else `$XDG_CONFIG_HOME/tokn/config.toml`, else
/// `~/.config/tokn/config.toml`. `None` when no place can be named.
pub fn location(named: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = named {
        return Some(path.to_path_buf());
    }
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("XDG_CONFIG_HOME").map(PathBuf::from)
        && dir.is_absolute()
    {
        return Some(dir.join("tokn").join("config.toml"));
    }
    var("HOME").map(|home| PathBuf::from(home).join(".config/tokn/config.toml"))
}

/// Read the file at `path`. A missing file is no config, unless the user named
/// it (`named`), when it is a usage error.
pub fn load(path: &Path, named: bool) -> Result<Option<ConfigFile>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => return Ok(None),
        Err(e) => {
            return Err(usage(format!(
                "cannot read the config file '{}': {e}",
                path.display()
            )));
        }
    };
    let file = parse(path, &text)?;
    warn_if_shared(path, &file);
    Ok(Some(file))
}

/// Parse the text of a config file read from `path`.
pub fn parse(path: &Path, text: &str) -> Result<ConfigFile> {
    let at = |offset: usize| format!("{}:{}", path.display(), line_of(text, offset));
    let root = DeTable::parse(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        usage(format!("{}: {}", at(offset), e.message().trim()))
    })?;
    let mut file = ConfigFile {
        path: path.to_path_buf(),
        defaults: None,
        profiles: BTreeMap::new(),
    };
    // Relative paths in the file are relative to the file, wherever tokn runs.
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = absolute.parent().unwrap_or(Path::new("/"));
    let home = std::env::var_os("HOME").map(PathBuf::from);
    for (key, value) in root.into_inner() {
        let span = key.span();
        match key.get_ref().as_ref() {
            "defaults" => file.defaults = Some(table(value, "[defaults]", &at)?),
            "profiles" => file.profiles = profiles(value, &at)?,
            other => {
                return Err(usage(format!(
                    "{}: unknown table \"{other}\": a config file holds [defaults] and \
                     [profiles.NAME] tables{}",
                    at(span.start),
                    near_miss(other, &["defaults", "profiles"])
                )));
            }
        }
    }
    let tables = file.defaults.iter_mut().chain(file.profiles.values_mut());
    for table in tables {
        table.rebase_paths(dir, home.as_deref());
    }
    Ok(file)
}

/// `[profiles.NAME]` for each name.
fn profiles(
    value: Spanned<DeValue>,
    at: &dyn Fn(usize) -> String,
) -> Result<BTreeMap<String, Table>> {
    let span = value.span();
    let DeValue::Table(tables) = value.into_inner() else {
        return Err(usage(format!(
            "{}: \"profiles\" must be tables: write [profiles.NAME]",
            at(span.start)
        )));
    };
    let mut out = BTreeMap::new();
    for (name, value) in tables {
        let name = name.into_inner().into_owned();
        let table = table(value, &format!("[profiles.{name}]"), at)?;
        out.insert(name, table);
    }
    Ok(out)
}

/// One table of options: every key known, every value of its type.
fn table(value: Spanned<DeValue>, title: &str, at: &dyn Fn(usize) -> String) -> Result<Table> {
    let span = value.span();
    let DeValue::Table(entries) = value.get_ref() else {
        return Err(usage(format!(
            "{}: {title} must be a table",
            at(span.start)
        )));
    };
    // Where each key and its value are, to name the key of a value's error.
    let mut places = Vec::with_capacity(entries.len());
    for (key, value) in entries.iter() {
        check_key(key.get_ref(), title, || at(key.span().start))?;
        places.push((key.get_ref().to_string(), value.span()));
    }
    Table::deserialize(ValueDeserializer::from(value)).map_err(|e| {
        let offset = e.span().map_or(span.start, |s| s.start);
        let key = places
            .iter()
            .find(|(_, v)| v.contains(&offset))
            .map(|(k, _)| k.as_str())
            .unwrap_or_default();
        usage(format!(
            "{}: key \"{key}\" in {title}: {}",
            at(offset),
            e.message().trim()
        ))
    })
}

fn check_key(key: &str, title: &str, at: impl Fn() -> String) -> Result<()> {
    if KEYS.contains(&key) {
        return Ok(());
    }
    if NOT_KEYS.contains(&key) {
        return Err(usage(format!(
            "{}: \"{key}\" in {title} is not a config key: it belongs to the command line \
             (--{key})",
            at()
        )));
    }
    Err(usage(format!(
        "{}: unknown key \"{key}\" in {title}{}",
        at(),
        near_miss(key, KEYS)
    )))
}

/// `; did you mean "scope"?` for the closest known word, if one is close.
pub fn near_miss(word: &str, known: &[&str]) -> String {
    let best = known
        .iter()
        .map(|k| (edit_distance(word, k), *k))
        .min()
        .filter(|(d, k)| *d <= 2.max(k.len() / 4) && *d < k.len());
    match best {
        Some((_, k)) => format!("; did you mean \"{k}\"?"),
        None => String::new(),
    }
}

/// Levenshtein distance, for near misses among a few dozen short keys.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

impl ConfigFile {
    /// Whether any table holds a secret value (not a file or a command).
    pub fn holds_secret(&self) -> bool {
        let mut tables = self.defaults.iter().chain(self.profiles.values());
        tables.any(|t| t.client_secret.is_some())
    }
}

/// Like ssh with key files: a secret others can read is no longer secret.
#[cfg(unix)]
fn warn_if_shared(path: &Path, file: &ConfigFile) {
    use std::os::unix::fs::PermissionsExt;
    if !file.holds_secret() {
        return;
    }
    if let Ok(meta) = std::fs::metadata(path) {
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o044 != 0 {
            diag::warn(&format!(
                "the config file '{}' holds a client secret and can be read by other users \
                 (mode {mode:04o}); run chmod 600 on it",
                path.display()
            ));
        }
    }
}

#[cfg(not(unix))]
fn warn_if_shared(_: &Path, _: &ConfigFile) {
    // File modes are a Unix notion.
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<ConfigFile> {
        parse(Path::new("/etc/tokn/config.toml"), text)
    }

    fn error(text: &str) -> String {
        parse_text(text).unwrap_err().to_string()
    }

    #[test]
    fn defaults_and_profiles_are_read() {
        let file = parse_text(
            "[defaults]\ntimeout = 10\n\n[profiles.prod]\ntoken_url = \"https://idp/t\"\n\
             scope = [\"read\", \"write\"]\ndata = \"audience=x\"\ninsecure = true\n\
             client_secret_file = \"keys/s\"\n",
        )
        .unwrap();
        assert_eq!(file.defaults.unwrap().timeout, Some(10.0));
        let prod = &file.profiles["prod"];
        assert_eq!(prod.scope.as_ref().unwrap().0, ["read", "write"]);
        assert_eq!(prod.data.as_ref().unwrap().0, ["audience=x"]);
        assert_eq!(prod.insecure, Some(true));
        assert_eq!(
            prod.client_secret_file.as_deref(),
            Some(Path::new("/etc/tokn/keys/s"))
        );
    }

    #[test]
    fn an_unknown_key_names_file_line_and_the_key_meant() {
        let err = error("[profiles.prod]\ntoken_url = \"x\"\nscopes = [\"a\"]\n");
        assert_eq!(
            err,
            "/etc/tokn/config.toml:3: unknown key \"scopes\" in [profiles.prod]; did you mean \"scope\"?"
        );
        let err = error("[defaults]\nzzzz = 1\n");
        assert_eq!(
            err,
            "/etc/tokn/config.toml:2: unknown key \"zzzz\" in [defaults]"
        );
        let err = error("[profile.prod]\n");
        assert!(err.contains("did you mean \"profiles\"?"), "{err}");
        let err = error("[defaults]\nverbose = true\n");
        assert!(err.contains("is not a config key"), "{err}");
    }

    #[test]
    fn a_value_of_the_wrong_type_names_its_key() {
        let err = error("[defaults]\nretry = 2\n\n[profiles.p]\ntimeout = \"soon\"\n");
        assert!(
            err.starts_with("/etc/tokn/config.toml:5: key \"timeout\" in [profiles.p]: "),
            "{err}"
        );
        let err = error("[profiles.p]\ninsecure = \"yes\"\n");
        assert!(err.contains(":2: key \"insecure\""), "{err}");
    }

    #[test]
    fn a_syntax_error_names_the_line() {
        let err = error("[defaults]\ntimeout = \n");
        assert!(err.starts_with("/etc/tokn/config.toml:2: "), "{err}");
    }

    #[test]
    fn near_misses() {
        assert_eq!(edit_distance("scopes", "scope"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(near_miss("tokenurl", KEYS), "; did you mean \"token_url\"?");
        assert_eq!(near_miss("x", KEYS), "");
    }
}
