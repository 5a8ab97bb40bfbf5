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
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum, ValueHint};

use crate::diag;
use crate::settings::SecretSources;

const EXAMPLES: &str = "\
Examples:
  In a terminal (tokn asks for the secret without echo):
    tokn -u https://idp.example.com/oauth/token -i my-client -s read

  In a script, with the secret in a file:
    export TOKN_TOKEN_URL=https://idp.example.com/oauth/token TOKN_CLIENT_ID=my-client
    export TOKN_CLIENT_SECRET_FILE=\"$HOME/.config/tokn/my-client.secret\"
    token=$(tokn -s read) || exit

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
authenticating the client as the provider expects, and prints the access token on standard \
output: bare for a shell variable, as JSON for jq, or as a ready Authorization header for \
curl. Errors and warnings go to standard error, and the exit status tells scripts what \
went wrong.\n\n\
The client secret comes from --client-secret, --client-secret-file, TOKN_CLIENT_SECRET or \
TOKN_CLIENT_SECRET_FILE, the first that is set, else from a prompt when standard input is \
a terminal. Tokens with a known lifetime are cached, so repeated calls in a script cost no \
round trip.",
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

// The first paragraph of each doc comment is the one-line summary of `-h`; the
// whole comment is the `--help` text and the man page's OPTIONS entry.

/// The options of the default action: fetch a token and print it.
#[derive(Debug, Args, Default)]
pub struct FetchArgs {
    /// The token endpoint
    ///
    /// It must be https:// unless its host is loopback (localhost, 127.0.0.0/8, [::1]) or
    /// --allow-http is given. Redirects are never followed: the credentials go to this URL
    /// and nowhere else.
    #[arg(short = 'u', long, env = "TOKN_TOKEN_URL", value_name = "URL", value_hint = ValueHint::Url)]
    pub token_url: Option<String>,

    /// The client ID
    #[arg(short = 'i', long, env = "TOKN_CLIENT_ID", value_name = "ID", value_hint = ValueHint::Other)]
    pub client_id: Option<String>,

    /// The client secret (others can see it in ps: prefer the env, a file or the prompt)
    ///
    /// A secret on the command line is visible to other local users in the process list.
    /// Prefer TOKN_CLIENT_SECRET, --client-secret-file, or the prompt: with no secret given
    /// and a terminal on standard input, tokn asks for it without echo. The first of
    /// --client-secret, --client-secret-file, TOKN_CLIENT_SECRET and TOKN_CLIENT_SECRET_FILE
    /// that is set wins. --auth none needs no secret.
    #[arg(
        long,
        env = "TOKN_CLIENT_SECRET",
        hide_env_values = true,
        value_name = "SECRET",
        value_hint = ValueHint::Other
    )]
    pub client_secret: Option<String>,

    /// Read the client secret from a file ('-' for standard input)
    ///
    /// One trailing newline (\n or \r\n) is dropped. A file that group or others can read
    /// gives a warning naming it; the secret is still used.
    #[arg(
        long,
        env = "TOKN_CLIENT_SECRET_FILE",
        value_name = "PATH",
        value_hint = ValueHint::FilePath
    )]
    pub client_secret_file: Option<PathBuf>,

    /// A scope to ask for; repeatable
    ///
    /// A value may hold several scopes separated by spaces. All are sent in one scope field,
    /// joined by single spaces, in the order given, duplicates dropped.
    #[arg(
        short = 's',
        long = "scope",
        env = "TOKN_SCOPE",
        value_name = "SCOPE",
        value_hint = ValueHint::Other
    )]
    pub scopes: Vec<String>,

    /// An extra form field, such as audience=… or resource=…; repeatable
    ///
    /// The argument is split at the first '=', and tokn form-urlencodes both sides. A key
    /// given again is sent again, in order. The fields tokn sets itself (grant_type, scope,
    /// client_id, client_secret) are refused: use their options.
    #[arg(short = 'd', long = "data", value_name = "KEY=VALUE", value_hint = ValueHint::Other)]
    pub data: Vec<String>,

    /// An extra header on the token request; repeatable
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", value_hint = ValueHint::Other)]
    pub headers: Vec<String>,

    /// The grant type
    ///
    /// Any value other than client_credentials is sent as given, for custom grants.
    #[arg(
        long,
        env = "TOKN_GRANT_TYPE",
        value_name = "TYPE",
        value_hint = ValueHint::Other,
        default_value = "client_credentials"
    )]
    pub grant_type: String,

    /// How the client authenticates
    ///
    /// The RFC 8414 names client_secret_basic and client_secret_post are accepted too.
    #[arg(
        long = "auth",
        env = "TOKN_AUTH",
        value_name = "METHOD",
        value_enum,
        default_value_t
    )]
    pub auth: AuthArg,

    /// What to print on standard output
    ///
    /// Every format ends with exactly one newline, and nothing else is ever printed there.
    #[arg(short = 'f', long, env = "TOKN_FORMAT", value_enum, default_value_t)]
    pub format: FormatArg,

    /// The header name of the header and curl formats
    #[arg(long, value_name = "NAME", value_hint = ValueHint::Other, default_value = "Authorization")]
    pub header_name: String,

    /// The header value of the header and curl formats
    ///
    /// {access_token} is replaced by the token, and {token_type} by the provider's token
    /// type (bearer in any case written Bearer, and Bearer when the provider gives none).
    /// Any other {placeholder} is a usage error.
    #[arg(
        long,
        value_name = "PATTERN",
        value_hint = ValueHint::Other,
        default_value = "Bearer {access_token}"
    )]
    pub header_pattern: String,

    /// Seconds the whole run may take
    ///
    /// One bound on everything: connecting, TLS, both requests of --auth auto, and the
    /// retries and their waits. When it runs out, tokn exits with status 3.
    #[arg(
        long,
        env = "TOKN_TIMEOUT",
        value_name = "SECONDS",
        value_hint = ValueHint::Other,
        default_value = "30"
    )]
    pub timeout: f64,

    /// Retries on HTTP 429, 502, 503, 504 or a reset connection
    ///
    /// The first retry waits half a second and each later one twice as long, or as long as
    /// the server's Retry-After asks; none starts that would end after --timeout. Nothing
    /// else is retried: another error would not change. 0 turns retries off.
    #[arg(
        long,
        env = "TOKN_RETRY",
        value_name = "N",
        value_hint = ValueHint::Other,
        default_value_t = 2
    )]
    pub retry: u32,

    /// CA certificates (PEM) to trust instead of the system's
    ///
    /// Like curl's --cacert. Without it tokn trusts the system's trust store, so a company
    /// CA installed there works.
    #[arg(long, env = "TOKN_CACERT", value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub cacert: Option<PathBuf>,

    /// Skip TLS certificate verification (prints a warning every time)
    ///
    /// Anyone on the network path can then read the secret and the token. For a private
    /// CA, use --cacert instead.
    #[arg(short = 'k', long)]
    pub insecure: bool,

    /// Allow a plain http:// token URL to a host that is not loopback
    ///
    /// The secret and the token then cross the network unencrypted.
    #[arg(long)]
    pub allow_http: bool,

    /// Neither read nor write the token cache for this call
    ///
    /// TOKN_NO_CACHE set to any value but 0, false, no, off or empty does the same.
    #[arg(
        long,
        env = "TOKN_NO_CACHE",
        value_parser = FalseyValueParser::new(),
        num_args = 0,
        default_missing_value = "true"
    )]
    pub no_cache: bool,

    /// Fetch a new token even if a cached one is valid, and cache it
    #[arg(long)]
    pub refresh: bool,

    /// Seconds a cached token must still be valid to be reused
    ///
    /// A cached token closer to its expiry is replaced by a new one. Raise it when the token
    /// must outlast a long job.
    #[arg(
        long,
        env = "TOKN_MIN_TTL",
        value_name = "SECONDS",
        value_hint = ValueHint::Other,
        default_value_t = 60
    )]
    pub min_ttl: u64,

    /// Print the request and the response to stderr, secrets redacted
    ///
    /// Shows the method, the URL, the form field names, the status and the response body,
    /// whether the token came from the cache, and each retry and why. The secret never
    /// appears, and a token shows at most its first 6 characters.
    #[arg(short = 'v', long)]
    pub verbose: bool,

    /// No warnings on stderr (errors still print)
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

/// `--auth` as typed; the RFC 8414 names are accepted as aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum AuthArg {
    /// Basic, then the same request once more with post if the answer is 400 or 401
    #[default]
    Auto,
    /// An HTTP Basic header with the form-urlencoded ID and secret (RFC 6749 2.3.1)
    #[value(alias = "client_secret_basic")]
    Basic,
    /// client_id and client_secret in the form body
    #[value(alias = "client_secret_post")]
    Post,
    /// client_id alone in the form body, for a public client: no secret
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
    /// -H 'Authorization: Bearer TOKEN', shell-quoted, to paste into a curl command (for $(…), use header)
    Curl,
}

/// Parse the process's arguments, keeping where the secret options came from:
/// the SPEC orders flag, file flag, env and env file, which clap merges.
pub fn parse() -> Result<(Cli, SecretSources), clap::Error> {
    let mut matches = Cli::command().try_get_matches()?;
    let from_env = |id: &str| matches.value_source(id) == Some(ValueSource::EnvVariable);
    let sources = SecretSources {
        secret_from_env: from_env("client_secret"),
        file_from_env: from_env("client_secret_file"),
    };
    // Taking the values out of the matches spares a copy of every argument.
    let cli = Cli::from_arg_matches_mut(&mut matches)?;
    Ok((cli, sources))
}

/// Print clap's own error the way tokn prints errors (`tokn: error: …` and
/// indented detail), or the help and version on stdout.
pub fn report_clap_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
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
    fn short_help_is_one_short_line_per_option() {
        let cmd = Cli::command();
        for arg in cmd.get_arguments() {
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            assert!(
                !help.is_empty() && !help.contains('\n') && help.len() <= 90,
                "the -h summary of --{} should be one short line: {help:?}",
                arg.get_id()
            );
        }
    }

    #[test]
    fn only_long_help_ends_with_examples() {
        let mut cmd = Cli::command();
        let long = cmd.render_long_help().to_string();
        let short = cmd.render_help().to_string();
        assert!(
            long.trim_end().ends_with("tokn -f json | jq .expires_at"),
            "{long}"
        );
        assert!(!short.contains("Examples:"), "{short}");
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
