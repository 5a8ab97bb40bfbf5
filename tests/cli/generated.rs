//! The committed shell completions and man page: fresh, and working.
//!
//! They are generated from the clap definition in `src/cli.rs` by
//! `cargo run --example generate`; these tests regenerate them in memory and
//! compare bytes, so a changed option or doc comment fails here until the files
//! are refreshed. Then they check that the files work where they are used: bash
//! completes from `completions/tokn.bash`, and groff renders `man/tokn.1`
//! without a warning.

#[path = "assets.rs"]
mod assets;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The one command that rewrites every generated file.
const REFRESH: &str = "cargo run --example generate";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn committed(path: &str) -> PathBuf {
    root().join(path)
}

#[test]
fn the_committed_files_match_the_clap_definition() {
    let stale: Vec<String> = assets::all()
        .into_iter()
        .filter(|asset| std::fs::read(committed(&asset.path)).ok().as_ref() != Some(&asset.bytes))
        .map(|asset| asset.path)
        .collect();
    assert!(
        stale.is_empty(),
        "stale generated files: {}\nthey are generated from src/cli.rs; refresh them with `{REFRESH}` and commit them",
        stale.join(", ")
    );
}

/// What `_tokn` offers for the words typed so far, the last one being completed.
fn bash_completions(words: &[&str]) -> Vec<String> {
    let script = r#"
        source "$0" || exit 97
        COMP_WORDS=("$@")
        COMP_CWORD=$(( $# - 1 ))
        prev=""
        [ "$COMP_CWORD" -gt 0 ] && prev="${COMP_WORDS[COMP_CWORD-1]}"
        _tokn tokn "${COMP_WORDS[COMP_CWORD]}" "$prev"
        printf '%s\n' "${COMPREPLY[@]}"
    "#;
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-c", script])
        .arg(committed("completions/tokn.bash"))
        .args(words)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .unwrap_or_else(|e| panic!("cannot run bash to test completions/tokn.bash: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.is_empty(),
        "completing {words:?} with completions/tokn.bash failed ({}):\n{stderr}",
        out.status
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_option_names() {
    assert_eq!(bash_completions(&["tokn", "--fo"]), ["--format"]);
    assert_eq!(
        bash_completions(&["tokn", "--client-secret-"]),
        ["--client-secret-file", "--client-secret-cmd"]
    );
}

#[test]
fn bash_completes_the_values_of_format_and_auth() {
    assert_eq!(
        bash_completions(&["tokn", "--format", ""]),
        ["raw", "json", "header", "curl", "env", "k8s"]
    );
    assert_eq!(bash_completions(&["tokn", "-f", "j"]), ["json"]);
    assert_eq!(
        bash_completions(&["tokn", "--auth", ""]),
        [
            "auto",
            "basic",
            "post",
            "none",
            "private_key_jwt",
            "client_secret_jwt",
            "tls"
        ]
    );
    assert_eq!(
        bash_completions(&["tokn", "--jwt-alg", "E"]),
        ["ES256", "ES384", "EdDSA"]
    );
}

#[test]
fn bash_completes_the_cache_subcommands() {
    assert_eq!(
        bash_completions(&["tokn", "cache", ""]),
        // -v, -q, --config and -p are global: every command takes them.
        [
            "-v",
            "-q",
            "-p",
            "-h",
            "--verbose",
            "--quiet",
            "--config",
            "--profile",
            "--help",
            "list",
            "clear"
        ]
    );
}

#[test]
fn the_man_page_renders_without_warnings() {
    let page = committed("man/tokn.1");
    let out = match Command::new("groff")
        .args(["-man", "-Tutf8", "-ww"])
        .arg(&page)
        .output()
    {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "groff is not installed, so man/tokn.1 cannot be checked: install it (apt-get install groff)"
        ),
        Err(e) => panic!("cannot run groff: {e}"),
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.is_empty(),
        "groff -man -Tutf8 -ww man/tokn.1 warned ({}):\n{stderr}",
        out.status
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for heading in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "COMMANDS",
        "EXIT STATUS",
        "ENVIRONMENT",
        "FILES",
        "EXAMPLES",
    ] {
        assert!(
            text.lines().any(|l| strip_overstrike(l) == heading),
            "man/tokn.1 has no {heading} section"
        );
    }
}

/// groff's terminal bold is "c\bc"; keep one of each pair.
fn strip_overstrike(line: &str) -> String {
    let mut out = String::new();
    for c in line.chars() {
        if c == '\u{8}' {
            out.pop();
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn the_man_page_lists_every_environment_variable() {
    let page = std::fs::read_to_string(committed("man/tokn.1")).expect("man/tokn.1 exists");
    let environment = page
        .split(".SH ENVIRONMENT")
        .nth(1)
        .and_then(|rest| rest.split("\n.SH ").next())
        .expect("man/tokn.1 has an ENVIRONMENT section");
    for name in [
        "TOKN_TOKEN_URL",
        "TOKN_CLIENT_ID",
        "TOKN_CLIENT_SECRET",
        "TOKN_CLIENT_SECRET_FILE",
        "TOKN_SCOPE",
        "TOKN_GRANT_TYPE",
        "TOKN_AUTH",
        "TOKN_FORMAT",
        "TOKN_TIMEOUT",
        "TOKN_CACERT",
        "TOKN_RETRY",
        "TOKN_NO_CACHE",
        "TOKN_MIN_TTL",
        "TOKN_CACHE_DIR",
        "XDG_CACHE_HOME",
        "HOME",
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
    ] {
        assert!(
            environment.contains(&format!("\n\\fB{name}\\fR\n")),
            "the ENVIRONMENT section of man/tokn.1 does not list {name}"
        );
    }
}
