//! The command-line definition, and nothing else.
//!
//! The doc comments here and in `options.rs` are the `--help` text, and the same
//! `Command` generates the shell completions and the man page, so these two files
//! are the one source for all three. What the user typed is kept as typed, with
//! where each value came from; `settings` turns it into what the program uses.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueHint};

use crate::diag;
use crate::options::{KEYS, Layered, Source, TokenArgs};

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

  With a private key instead of a secret, the token endpoint from the issuer's metadata:
    tokn --issuer https://idp.example.com -i my-client --signing-key key.pem

  With a profile of the config file (~/.config/tokn/config.toml):
    tokn -p prod -f header | curl -H @- https://api.example.com/things
    tokn config show -p prod

  Signing in at a terminal with a device code (the cache keeps the refresh token):
    tokn -u https://idp.example.com/oauth/token -i my-cli --auth none -s openid \\
      --grant-type device --device-url https://idp.example.com/oauth/device/code

  In CI, exchanging the job's own OIDC token for a token of another service:
    TOKN_SUBJECT_TOKEN=\"$CI_OIDC_TOKEN\" tokn -p ci --grant-type token-exchange \\
      --audience https://api.example.com -f header | curl -H @- https://api.example.com/deploy

  A command with the token in its environment ($TOKN_ACCESS_TOKEN), or this shell's:
    tokn exec -p prod -- ./deploy.sh
    eval \"$(tokn -p prod -f env)\"

  As kubectl's exec credential plugin (the README shows the kubeconfig):
    tokn -p k8s -f k8s

  The claims of a JWT; on a terminal, a new token's, checked with the issuer's keys:
    tokn -p prod | tokn inspect
    tokn inspect --verify -p prod

  Every field of the answer, for jq:
    tokn -f json | jq .expires_at";

/// Fetch an OAuth 2.0 access token and print it for a shell, jq or curl.
#[derive(Debug, Parser)]
#[command(
    name = "tokn",
    version,
    about,
    long_about = "Fetch an OAuth 2.0 access token and print it for a shell, jq or curl.\n\n\
tokn sends one POST to a token endpoint (the client credentials grant by default; \
--grant-type picks another, including device and browser sign-in), \
authenticating the client as the provider expects, and prints the access token on standard \
output: bare for a shell variable, as JSON for jq, or as a ready Authorization header for \
curl. Errors and warnings go to standard error, and the exit status tells scripts what \
went wrong.\n\n\
The client secret comes from --client-secret, --client-secret-file or --client-secret-cmd, \
their TOKN_ variables, or the config file, the first that is set, else from a prompt when \
standard input is a terminal. A profile of the config file (-p NAME) holds any of the options \
below. Tokens with a known lifetime are cached, so repeated calls in a script cost no round \
trip.",
    after_long_help = EXAMPLES,
    disable_help_subcommand = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(flatten)]
    pub token: TokenArgs,
}

/// Options every command takes, before or after its name.
#[derive(Debug, Args, Default)]
pub struct GlobalArgs {
    /// Print the request and the response to stderr, secrets redacted
    ///
    /// Shows the method, the URL, the form field names, the status and the response body,
    /// whether the token came from the cache, and each retry and why. The secret never
    /// appears, and a token shows at most its first 6 characters.
    #[arg(short = 'v', long, global = true)]
    pub verbose: bool,

    /// No warnings on stderr (errors still print)
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,

    /// The config file [default: ~/.config/tokn/config.toml]
    ///
    /// Without it, tokn reads $XDG_CONFIG_HOME/tokn/config.toml, else
    /// ~/.config/tokn/config.toml, when it exists. A file named here must exist.
    #[arg(long, global = true, env = "TOKN_CONFIG", hide_env_values = true, value_name = "FILE",
          value_hint = ValueHint::FilePath)]
    pub config: Option<PathBuf>,

    /// The profile of the config file to use [default: the profile named default]
    ///
    /// Its values come after the flags and the environment variables and before the
    /// file's [defaults]. Without -p, the profile named default is used when it exists.
    #[arg(short = 'p', long, global = true, env = "TOKN_PROFILE", hide_env_values = true,
          value_name = "NAME", value_hint = ValueHint::Other)]
    pub profile: Option<String>,
}

/// Deferred, like [`ConfigCommand`]: `exec` and `inspect` take every token option
/// too, and a fetch without a subcommand should not pay for building them.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Inspect or empty the token cache
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Show the config file, its profiles, and the settings a fetch would use
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Run a command with a token in its environment (TOKN_ACCESS_TOKEN)
    Exec(Box<ExecArgs>),
    /// Decode a JWT and print its header and claims as JSON; --verify checks them
    Inspect(Box<InspectArgs>),
}

/// Deferred: `config show` takes every token option, and building them is most of
/// what a cached fetch costs, so they are built only when `config` is the command.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ConfigCommand {
    /// Print the config file's path
    Path,
    /// Print the profile names, one a line, sorted
    List,
    /// Print the settings a fetch would use, each with where it came from
    Show(Box<ShowArgs>),
}

/// `tokn config show` takes the fetch options, to show what they would change.
///
/// Its about is set here too: built late (see [`ConfigCommand`]), this struct's
/// arguments would otherwise bring the doc comment of the flattened options.
#[derive(Debug, Args)]
#[command(about = "Print the settings a fetch would use, each with where it came from", long_about = None)]
pub struct ShowArgs {
    #[command(flatten)]
    pub token: TokenArgs,
}

/// `tokn exec`: the fetch options, then `--` and the command to run. (Its about
/// is set here: built late, it would otherwise be the flattened options' doc.)
#[derive(Debug, Args)]
#[command(about = "Run a command with a token in its environment (TOKN_ACCESS_TOKEN)", long_about = None)]
pub struct ExecArgs {
    /// The environment variable that carries the token to the command
    #[arg(long, value_name = "NAME", default_value = "TOKN_ACCESS_TOKEN", value_hint = ValueHint::Other)]
    pub env_var: String,

    #[command(flatten)]
    pub token: TokenArgs,

    /// The command to run and its arguments, after --
    ///
    /// It runs in place of tokn, with its standard streams, and tokn exits with its exit
    /// status. Variables that carry a secret (TOKN_CLIENT_SECRET, TOKN_PASSWORD…) are not
    /// passed on.
    #[arg(last = true, required = true, value_name = "COMMAND", value_hint = ValueHint::CommandWithArguments)]
    pub command: Vec<OsString>,
}

/// `tokn inspect`: a token to decode, and the fetch options for one from the
/// issuer when none is given.
#[derive(Debug, Args)]
#[command(
    about = "Decode a JWT and print its header and claims as JSON; --verify checks them",
    long_about = None
)]
pub struct InspectArgs {
    /// Check the signature with the issuer's keys (--issuer), and iss, exp and nbf
    ///
    /// The keys come from the jwks_uri of the issuer's metadata. Each of iss, exp and nbf
    /// must hold, give or take 60 s; a check that fails is exit status 4, naming it.
    #[arg(long)]
    pub verify: bool,

    #[command(flatten)]
    pub token: TokenArgs,

    /// The token [default: standard input, or on a terminal a token fetched with the options]
    ///
    /// '-' reads standard input. A token given here shows in the process list: prefer
    /// standard input (tokn -f raw | tokn inspect).
    #[arg(value_name = "TOKEN", value_hint = ValueHint::Other)]
    pub jwt: Option<String>,
}

impl Command {
    /// The token options of a command that takes them.
    fn token_args(&mut self) -> Option<&mut TokenArgs> {
        match self {
            Command::Config(ConfigCommand::Show(show)) => Some(&mut show.token),
            Command::Exec(exec) => Some(&mut exec.token),
            Command::Inspect(inspect) => Some(&mut inspect.token),
            Command::Cache(_) | Command::Config(_) => None,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Print one line per cached token: token URL, client ID, scopes, lifetime, refresh
    List,
    /// Remove every cached token
    Clear,
}

/// The parsed command line: what was typed, and the token options layered with
/// where each came from (flag or environment variable).
pub struct Parsed {
    pub cli: Cli,
    pub given: Layered,
}

/// Parse the process's arguments.
pub fn parse() -> Result<Parsed, clap::Error> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    parse_from(&args).inspect_err(|_| protect_secret_arguments(&args))
}

/// Register the values of secret options with `diag`, so that clap's error
/// about them (or about the arguments after them, such as a secret that
/// starts with `-` and is taken for an option) never shows them.
fn protect_secret_arguments(args: &[std::ffi::OsString]) {
    // The options whose value is itself a secret.
    let secret_options: Vec<String> = crate::options::SECRET_KEYS
        .iter()
        .map(|key| format!("--{}", key.replace('_', "-")))
        .collect();
    let mut next_is_secret = false;
    for arg in args.iter().map(|a| a.to_string_lossy()) {
        if std::mem::take(&mut next_is_secret) {
            diag::protect_secret(&arg);
            continue;
        }
        for option in &secret_options {
            if arg == *option {
                next_is_secret = true;
            } else if let Some(value) = arg
                .strip_prefix(option.as_str())
                .and_then(|r| r.strip_prefix('='))
            {
                diag::protect_secret(value);
            }
        }
    }
}

pub fn parse_from<I, T>(args: I) -> Result<Parsed, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut command = Cli::command();
    let mut matches = command.try_get_matches_from_mut(args)?;
    // Dropping the command (every argument, its help text and its settings)
    // costs more than all of a cached run's own work; the process ends soon.
    std::mem::forget(command);
    let sources = match matches.subcommand() {
        None => sources(&matches),
        Some((name, inner)) => {
            // The token options belong to the fetch; a subcommand takes its own.
            if let Some((key, _)) = sources(&matches)
                .iter()
                .find(|(_, s)| *s == Some(ValueSource::CommandLine))
            {
                return Err(Cli::command().error(
                    clap::error::ErrorKind::ArgumentConflict,
                    format!(
                        "the subcommand '{name}' cannot be used with '--{}'",
                        key.replace('_', "-")
                    ),
                ));
            }
            sources(deepest(inner))
        }
    };
    // Taking the values out of the matches spares a copy of every argument.
    let mut cli = Cli::from_arg_matches_mut(&mut matches)?;
    let token = match cli.command.as_mut().and_then(Command::token_args) {
        Some(token) => std::mem::take(token),
        None => std::mem::take(&mut cli.token),
    };
    let given = Layered::from_args(token, |key| {
        match sources
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, s)| *s)
        {
            Some(ValueSource::EnvVariable) => Source::Env(key),
            _ => Source::Flag,
        }
    });
    Ok(Parsed { cli, given })
}

/// The matches of the innermost subcommand, where its token options are.
fn deepest(matches: &ArgMatches) -> &ArgMatches {
    match matches.subcommand() {
        Some((_, inner)) => deepest(inner),
        None => matches,
    }
}

/// Where each token option's value came from, read before the values are taken.
fn sources(matches: &ArgMatches) -> Vec<(&'static str, Option<ValueSource>)> {
    // A command without token options has none of these ids.
    KEYS.iter()
        .map(|key| {
            let known = matches.try_contains_id(key).is_ok();
            (*key, known.then(|| matches.value_source(key)).flatten())
        })
        .collect()
}

/// Print clap's own error the way tokn prints errors (`tokn: error: …` and
/// indented detail), or the help and version on stdout.
pub fn report_clap_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        // A closed stdout has nowhere to be reported.
        let _ = err.print();
        return ExitCode::SUCCESS;
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
    use crate::oauth::client_auth::AuthMethod;

    fn parse(args: &[&str]) -> Parsed {
        match parse_from(std::iter::once("tokn").chain(args.iter().copied())) {
            Ok(parsed) => parsed,
            Err(e) => panic!("{args:?}: {e}"),
        }
    }

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
        let p = parse(&[
            "-s", "b a", "-s", "c", "-d", "k=1", "-d", "k=2", "-H", "X: y",
        ]);
        assert_eq!(p.given.scope.unwrap().value.0, ["b a", "c"]);
        assert_eq!(p.given.data.unwrap().value.0, ["k=1", "k=2"]);
        assert_eq!(p.given.header.unwrap().value.0, ["X: y"]);
    }

    #[test]
    fn rfc_auth_names_are_aliases() {
        let auth = |name: &str| parse(&["--auth", name]).given.auth.map(|a| a.value);
        assert_eq!(auth("client_secret_post"), Some(AuthMethod::Post));
        assert_eq!(auth("client_secret_basic"), Some(AuthMethod::Basic));
        assert!(parse_from(["tokn", "--auth", "jwt"]).is_err());
    }

    #[test]
    fn nothing_given_is_nothing_layered() {
        let p = parse(&[]);
        assert!(p.given.timeout.is_none() && p.given.format.is_none());
        assert!(p.given.insecure.is_none() && p.given.scope.is_none());
        let p = parse(&["--timeout", "5", "-k"]);
        assert_eq!(
            p.given.timeout.map(|t| (t.value, t.source)),
            Some((5.0, Source::Flag))
        );
        assert_eq!(p.given.insecure.map(|t| t.value), Some(true));
    }

    #[test]
    fn cache_subcommands_parse_and_refuse_fetch_options() {
        let p = parse(&["cache", "list"]);
        assert!(matches!(
            p.cli.command,
            Some(Command::Cache(CacheCommand::List))
        ));
        assert!(parse_from(["tokn", "-u", "http://x", "cache", "clear"]).is_err());
    }

    #[test]
    fn verbose_and_quiet_go_anywhere() {
        assert!(parse(&["cache", "clear", "-v"]).cli.global.verbose);
        assert!(parse(&["-q", "cache", "list"]).cli.global.quiet);
    }

    #[test]
    fn config_show_takes_the_token_options() {
        let p = parse(&["config", "show", "-p", "prod", "-s", "admin"]);
        assert_eq!(p.cli.global.profile.as_deref(), Some("prod"));
        let scope = p.given.scope.unwrap();
        assert_eq!(
            (scope.value.0, scope.source),
            (vec!["admin".to_string()], Source::Flag)
        );
        assert!(parse_from(["tokn", "config", "list", "-s", "admin"]).is_err());
    }

    #[test]
    fn a_value_starting_with_a_dash_needs_the_equals_form() {
        let p = parse(&["--client-secret=-abc"]);
        assert_eq!(p.given.client_secret.unwrap().value, "-abc");
    }
}
