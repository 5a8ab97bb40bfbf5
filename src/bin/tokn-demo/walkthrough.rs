//! `tokn-demo` with no arguments: tokn's main job, end to end, on any machine.
//!
//! The README's first command installs tokn and runs this, so a newcomer sees a
//! token fetched with no identity provider and no second terminal: the demo
//! endpoint starts on a free loopback port, and the installed tokn runs against
//! it, each command printed as a shell line before its output. The commands get
//! a throwaway cache and the demo secret, as the printed `export` lines say, and
//! none of the caller's `TOKN_*` or proxy variables, which could point them
//! elsewhere.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use super::idp::{CLIENT_ID, CLIENT_SECRET, Idp};

/// Variables of the caller's environment the commands do not get.
const PROXY_VARIABLES: [&str; 4] = ["http_proxy", "https_proxy", "all_proxy", "no_proxy"];

/// What went wrong, for `tokn-demo: error: …`.
pub type Failure = Box<dyn std::error::Error>;

/// Start the demo endpoint, run `tokn` against it, and write the session to `out`.
pub fn run(tokn: &Path, out: &mut dyn Write) -> Result<(), Failure> {
    let idp = Idp::start("127.0.0.1:0", &[(CLIENT_ID, CLIENT_SECRET)])
        .map_err(|e| format!("cannot start the demo endpoint on 127.0.0.1: {e}"))?;
    let url = idp.token_url();
    let cache = ThrowawayDir::new();
    let cache_dir = cache.0.display().to_string();
    writeln!(
        out,
        "A demo token endpoint for the client \"{CLIENT_ID}\" (secret \"{CLIENT_SECRET}\") \
         is listening at\n{url}; running {} against it:\n",
        tokn.display()
    )?;
    writeln!(
        out,
        "$ export TOKN_CLIENT_SECRET={CLIENT_SECRET}   # in a script: a file; in a terminal: the prompt"
    )?;
    writeln!(
        out,
        "$ export TOKN_CACHE_DIR={cache_dir}   # a throwaway cache"
    )?;
    let session = Session {
        tokn,
        env: vec![
            ("TOKN_CLIENT_SECRET", CLIENT_SECRET.into()),
            ("TOKN_CACHE_DIR", cache_dir),
        ],
    };
    let fetch = ["-u", url.as_str(), "-i", CLIENT_ID, "-s", "read"];
    session.step(out, &fetch)?;
    session.step(out, &[&fetch[..], &["-f", "json"]].concat())?;
    let header = session.step(out, &[&fetch[..], &["-f", "header"]].concat())?;
    session.step(out, &["cache", "list"])?;
    let issued = idp.counts().issued;
    let tokens = if issued == 1 { "token" } else { "tokens" };
    let api = format!("{}/things", idp.api_url());
    writeln!(
        out,
        "\nThe endpoint issued {issued} {tokens}; the other calls took it from the cache.\n\
         Its API answers that header: GET {api} → {}\n\n\
         Next: `tokn-demo serve` keeps the endpoint running at http://127.0.0.1:8080 to try\n\
         more (README, \"Quick start\"), and `tokn --help` tells the rest.",
        get(&api, header.trim())?
    )?;
    Ok(())
}

/// The tokn binary and the environment its commands get.
struct Session<'a> {
    tokn: &'a Path,
    env: Vec<(&'static str, String)>,
}

impl Session<'_> {
    /// Print `$ tokn ARGS`, run it, copy its output; its stdout, or an error if it failed.
    fn step(&self, out: &mut dyn Write, args: &[&str]) -> Result<String, Failure> {
        let shown: Vec<String> = args.iter().map(|a| shell_word(a)).collect();
        writeln!(out, "$ tokn {}", shown.join(" "))?;
        let mut command = Command::new(self.tokn);
        for (name, _) in std::env::vars_os() {
            let lower = name.to_string_lossy().to_ascii_lowercase();
            if lower.starts_with("tokn_") || PROXY_VARIABLES.contains(&lower.as_str()) {
                command.env_remove(&name);
            }
        }
        let output = command
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .map_err(|e| {
                format!(
                    "cannot run '{}': {e}; install tokn first: cargo install --locked --path . --features demo",
                    self.tokn.display()
                )
            })?;
        out.write_all(&output.stdout)?;
        out.write_all(&output.stderr)?;
        if !output.status.success() {
            return Err(format!("tokn failed ({})", output.status).into());
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

/// `word` as a POSIX shell would need it typed.
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        tokn::output::shell_quote(word)
    }
}

/// GET `url` (plain http on loopback) with one extra header line; the status line and body.
fn get(url: &str, header: &str) -> Result<String, Failure> {
    let rest = url.strip_prefix("http://").ok_or("not an http URL")?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let failed = |e: std::io::Error| format!("cannot GET {url}: {e}");
    let mut stream = TcpStream::connect(host).map_err(failed)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\n{header}\r\nConnection: close\r\n\r\n"
    )
    .map_err(failed)?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).map_err(failed)?;
    let status = answer.lines().next().unwrap_or_default();
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b.trim());
    Ok(format!("{status} {body}"))
}

/// The path of a directory removed, if it was made, when this is dropped.
struct ThrowawayDir(PathBuf);

impl ThrowawayDir {
    /// A name in the temporary directory no other run uses; tokn makes the directory.
    fn new() -> ThrowawayDir {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("tokn-demo-{}-{nanos:x}", std::process::id());
        ThrowawayDir(std::env::temp_dir().join(name))
    }
}

impl Drop for ThrowawayDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
