//! `tokn config path`, `tokn config list` and `tokn config show`: what the
//! config file is and what a fetch would use, secrets never shown.

use anyhow::Result;

use crate::cli::GlobalArgs;
use crate::options::{Layered, SECRET_KEYS};
use crate::output;
use crate::profile;

/// The config file's path, whether it exists or not.
pub fn path(global: &GlobalArgs) -> Result<()> {
    let path = crate::config::location(global.config.as_deref());
    match path {
        Some(path) => output::print(&format!("{}\n", path.display())),
        None => Ok(()),
    }
}

/// The profile names, one a line, sorted.
pub fn list(global: &GlobalArgs) -> Result<()> {
    let (_, file) = profile::read_config(global)?;
    let mut text = String::new();
    for name in file.iter().flat_map(|f| f.profiles.keys()) {
        text.push_str(name);
        text.push('\n');
    }
    output::print(&text)
}

/// `key = value  # source` for every value a fetch would use.
pub fn show(global: &GlobalArgs, given: Layered) -> Result<()> {
    let chosen = profile::choose(global, false)?;
    let layered = chosen.layer(given);
    output::print(&render(&layered))
}

fn render(layered: &Layered) -> String {
    let mut text = String::new();
    for (key, value) in layered.entries() {
        let Some((shown, source)) = value else {
            continue;
        };
        let shown = if SECRET_KEYS.contains(&key) {
            "\"[redacted]\"".to_string()
        } else {
            shown
        };
        text.push_str(&format!("{key} = {shown}  # {source}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::{Source, Sourced, Table};

    #[test]
    fn each_value_with_its_source_and_secrets_redacted() {
        let mut l = Layered {
            client_secret: Some(Sourced {
                value: "s3cret".into(),
                source: Source::Flag,
            }),
            ..Layered::default()
        };
        l.overlay(&Table::built_in(), &Source::BuiltIn);
        let text = render(&l);
        assert!(
            text.contains("client_secret = \"[redacted]\"  # flag\n"),
            "{text}"
        );
        assert!(text.contains("timeout = 30  # built-in\n"), "{text}");
        assert!(!text.contains("s3cret"));
    }
}
