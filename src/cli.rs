//! The command-line definition, and nothing else.
//!
//! The doc comments here are the `--help` text, and the same `Command` generates
//! the shell completions and the man page, so this file is the one source for all
//! three. What the user typed is kept as typed; `settings.rs` turns it into what
//! the program uses.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::FalseyValueParser;
use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::diag;
use crate::settings::SecretSources;

const EXAMPLES: &str = "\
Examples:
  In a terminal (asks for the secret without echo):
    tokn -u https://idp.example.com/oauth/token -i my-client -s read
  In a script:
    export TOKN_TOKEN_URL=https://idp.example.com/oauth/token TOKN_CLIENT_ID=my-client
    TOKEN=$(TOKN_CLIENT_SECRET_FILE=~/.config/my-client.secret tokn)
  With curl, keeping the token out of the process list:
    tokn -f header | curl -H @- https://api.example.com/things
  Every field of the answer, for jq:
    tokn -f json | jq .expires_at";

/// Fetch an OAuth 2.0 access token and print it for a shell, jq or curl.
#[derive(Debug, Parser)]
#[command(
    name = "tokn",
    version,
    about,
    long_about = "Fetch an OAuth 2.0 access token and print it for a shell, jq or curl.\n\n\
tokn sends one POST to a token endpoint (the client credentials grant by default), \
authenticating the client as the provider expects, and prints the access token as raw \
text, as JSON, or as a ready Authorization header. Tokens with a known lifetime are \
cached, so repeated calls in a script cost no round trip.",
    after_long_help = EXAMPLES,
    args_conflicts_with_subcommands = true,
    disable_help_subcommand = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub fetch: FetchArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect or empty the token cache
    #[command(subcommand)]
    Cache(CacheCommand),
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Print one line per cached token: token URL, client ID, scopes, remaining lifetime
    List,
    /// Remove every cached token
    Clear,
}

/// The options of the default action: fetch a token and print it.
#[derive(Debug, Args, Default)]
pub struct FetchArgs {
    /// The token endpoint
    #[arg(short = 'u', long, env = "TOKN_TOKEN_URL", value_name = "URL")]
    pub token_url: Option<String>,

    /// The client ID
    #[arg(short = 'i', long, env = "TOKN_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,

    /// The client secret [visible to other local users in the process list: prefer
    /// TOKN_CLIENT_SECRET, --client-secret-file or the prompt]
    #[arg(
        long,
        env = "TOKN_CLIENT_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub client_secret: Option<String>,

    /// Read the client secret from a file, or from standard input with '-' (one
    /// trailing newline is dropped)
    #[arg(
        long,
        env = "TOKN_CLIENT_SECRET_FILE",
        value_name = "PATH",
        value_hint = clap::ValueHint::FilePath
    )]
    pub client_secret_file: Option<PathBuf>,

    /// A scope to ask for; repeatable, and a value may hold several separated by spaces
    #[arg(short = 's', long = "scope", env = "TOKN_SCOPE", value_name = "SCOPE")]
    pub scopes: Vec<String>,

    /// An extra form field such as audience=… or resource=…; repeatable
    #[arg(short = 'd', long = "data", value_name = "KEY=VALUE")]
    pub data: Vec<String>,

    /// An extra header on the token request; repeatable
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,

    /// The grant type; any value other than the default is sent as given
    #[arg(
        long,
        env = "TOKN_GRANT_TYPE",
        value_name = "TYPE",
        default_value = "client_credentials"
    )]
    pub grant_type: String,

    /// How the client authenticates: HTTP Basic, in the form body, or not at all;
    /// auto tries Basic, then the body once if Basic is refused
    #[arg(long = "auth", env = "TOKN_AUTH", value_name = "METHOD", value_enum, default_value_t)]
    pub auth: AuthArg,

    /// What to print
    #[arg(short = 'f', long, env = "TOKN_FORMAT", value_enum, default_value_t)]
    pub format: FormatArg,

    /// The header name used by the header and curl formats
    #[arg(long, value_name = "NAME", default_value = "Authorization")]
    pub header_name: String,

    /// The header value used by the header and curl formats; placeholders
    /// {access_token} and {token_type}
    #[arg(long, value_name = "PATTERN", default_value = "Bearer {access_token}")]
    pub header_pattern: String,

    /// Bound on the whole run in seconds: connect, TLS, both auto attempts, retries
    #[arg(long, env = "TOKN_TIMEOUT", value_name = "SECONDS", default_value = "30")]
    pub timeout: f64,

    /// Re-send the request this many times on HTTP 429, 502, 503, 504 or a reset connection
    #[arg(long, env = "TOKN_RETRY", value_name = "N", default_value_t = 2)]
    pub retry: u32,

    /// CA certificates (PEM) to trust instead of the system's trust store
    #[arg(long, env = "TOKN_CACERT", value_name = "PATH", value_hint = clap::ValueHint::FilePath)]
    pub cacert: Option<PathBuf>,

    /// Skip TLS certificate verification (prints a warning every time)
    #[arg(short = 'k', long)]
    pub insecure: bool,

    /// Allow a plain http:// token URL to a host that is not loopback
    #[arg(long)]
    pub allow_http: bool,

    /// Do not read or write the token cache for this call
    #[arg(
        long,
        env = "TOKN_NO_CACHE",
        value_parser = FalseyValueParser::new(),
        num_args = 0,
        default_missing_value = "true"
    )]
    pub no_cache: bool,

    /// Fetch a new token even if a cached one is still valid, and cache it
    #[arg(long)]
    pub refresh: bool,

    /// The least remaining lifetime, in seconds, a cached token must have to be reused
    #[arg(long, env = "TOKN_MIN_TTL", value_name = "SECONDS", default_value_t = 60)]
    pub min_ttl: u64,

    /// Print the request and the response to stderr, secrets redacted
    #[arg(short = 'v', long)]
    pub verbose: bool,

    /// No warnings on stderr (errors still print)
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

/// `--auth` as typed; the RFC 8414 names are accepted as aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum AuthArg {
    #[default]
    Auto,
    #[value(alias = "client_secret_basic")]
    Basic,
    #[value(alias = "client_secret_post")]
    Post,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum FormatArg {
    /// The access token and a newline
    #[default]
    Raw,
    /// Every field of the answer as one JSON object, with expires_at
    Json,
    /// 'Authorization: Bearer TOKEN', for curl -H @-
    Header,
    /// "-H 'Authorization: Bearer TOKEN'", shell-quoted for a curl command line
    Curl,
}

/// Parse the process's arguments, keeping where the secret options came from:
/// the SPEC orders flag, file flag, env and env file, which clap merges.
pub fn parse() -> Result<(Cli, SecretSources), clap::Error> {
    let matches = Cli::command().try_get_matches()?;
    let cli = Cli::from_arg_matches(&matches)?;
    let from_env = |id: &str| matches.value_source(id) == Some(ValueSource::EnvVariable);
    let sources = SecretSources {
        secret_from_env: from_env("client_secret"),
        file_from_env: from_env("client_secret_file"),
    };
    Ok((cli, sources))
}

/// Print clap's own error the way tokn prints errors (`tokn: error: …` and
/// indented detail), or the help and version on stdout.
pub fn report_clap_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(err.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        return match err.print() {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::SUCCESS,
        };
    }
    let text = err.render().to_string();
    let mut lines = text.lines().map(str::trim_end).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("invalid arguments");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let details: Vec<String> = lines.map(|l| l.trim_start().to_string()).collect();
    diag::error(first, &details);
    ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn repeatable_options_keep_their_order() {
        let cli = Cli::try_parse_from([
            "tokn", "-s", "b a", "-s", "c", "-d", "k=1", "-d", "k=2", "-H", "X: y",
        ])
        .unwrap();
        assert_eq!(cli.fetch.scopes, ["b a", "c"]);
        assert_eq!(cli.fetch.data, ["k=1", "k=2"]);
        assert_eq!(cli.fetch.headers, ["X: y"]);
    }

    #[test]
    fn rfc_auth_names_are_aliases() {
        let cli = Cli::try_parse_from(["tokn", "--auth", "client_secret_post"]).unwrap();
        assert_eq!(cli.fetch.auth, AuthArg::Post);
        let cli = Cli::try_parse_from(["tokn", "--auth", "client_secret_basic"]).unwrap();
        assert_eq!(cli.fetch.auth, AuthArg::Basic);
        assert!(Cli::try_parse_from(["tokn", "--auth", "jwt"]).is_err());
    }

    #[test]
    fn cache_subcommands_parse_and_refuse_fetch_options() {
        let cli = Cli::try_parse_from(["tokn", "cache", "list"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Cache(CacheCommand::List))
        ));
        assert!(Cli::try_parse_from(["tokn", "-u", "http://x", "cache", "clear"]).is_err());
    }

    #[test]
    fn a_value_starting_with_a_dash_needs_the_equals_form() {
        let cli = Cli::try_parse_from(["tokn", "--client-secret=-abc"]).unwrap();
        assert_eq!(cli.fetch.client_secret.as_deref(), Some("-abc"));
    }
}
