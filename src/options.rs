//! Every option of a fetch, declared once.
//!
//! One list gives each option its flag and help text (clap), its config-file key
//! (serde), and its place in the layered value that settings read: flag,
//! environment variable, profile, `[defaults]`, built-in default, highest first.
//! Keeping the three in one list means an option cannot exist as a flag and be
//! forgotten as a config key, and no clap default hides "not given", which the
//! layers need to tell apart.

use std::fmt;
use std::path::{Path, PathBuf};

use clap::builder::FalseyValueParser;
use clap::{Args, ValueHint};
use serde::{Deserialize, Serialize};

use crate::jose::Alg;
use crate::oauth::client_auth::AuthMethod;
use crate::output::Format;

/// Where a value came from, for precedence, for messages and for `config show`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag,
    /// The option's `TOKN_…` environment variable (the key, upper-cased).
    Env(&'static str),
    /// `[profiles.NAME]` of the config file.
    Profile(String),
    /// `[defaults]` of the config file.
    Defaults,
    /// tokn's own default.
    BuiltIn,
}

impl Source {
    /// How a message names the place of `key`'s value: `--timeout`,
    /// `TOKN_TIMEOUT`, `timeout in [profiles.prod]`…
    pub fn option_name(&self, key: &str) -> String {
        match self {
            Source::Flag | Source::BuiltIn => format!("--{}", key.replace('_', "-")),
            Source::Env(_) => format!("TOKN_{}", key.to_ascii_uppercase()),
            Source::Profile(name) => format!("{key} in [profiles.{name}]"),
            Source::Defaults => format!("{key} in [defaults]"),
        }
    }

    /// Lower is stronger: flag, env, profile, defaults, built-in.
    pub fn rank(&self) -> u8 {
        match self {
            Source::Flag => 0,
            Source::Env(_) => 1,
            Source::Profile(_) => 2,
            Source::Defaults => 3,
            Source::BuiltIn => 4,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("flag"),
            Source::Env(key) => write!(f, "env TOKN_{}", key.to_ascii_uppercase()),
            Source::Profile(name) => write!(f, "profile {name}"),
            Source::Defaults => f.write_str("defaults"),
            Source::BuiltIn => f.write_str("built-in"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Sourced<T> {
    /// How a message names this value's option (see [`Source::option_name`]).
    pub fn option_name(&self, key: &str) -> String {
        self.source.option_name(key)
    }
}

/// A repeatable option: `-s a -s b` on the command line, a string or an array
/// of strings in the config file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct List(pub Vec<String>);

impl<'de> Deserialize<'de> for List {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged, expecting = "a string or an array of strings")]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        Ok(match OneOrMany::deserialize(d)? {
            OneOrMany::One(s) => List(vec![s]),
            OneOrMany::Many(v) => List(v),
        })
    }
}

impl Serialize for List {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// How a clap field becomes a layered value: `None` when the user did not give it.
pub trait Given {
    type Value;
    fn given(self) -> Option<Self::Value>;
}

impl<T> Given for Option<T> {
    type Value = T;
    fn given(self) -> Option<T> {
        self
    }
}

impl Given for Vec<String> {
    type Value = List;
    fn given(self) -> Option<List> {
        (!self.is_empty()).then_some(List(self))
    }
}

/// A switch (`-k`): given only when set.
impl Given for bool {
    type Value = bool;
    fn given(self) -> Option<bool> {
        self.then_some(true)
    }
}

/// What `config show` prints for a value, and how a config file's relative
/// paths are made absolute.
pub trait ConfigValue {
    fn show(&self) -> String;
    /// Resolve `~/` and paths relative to the config file's directory.
    fn rebase(&mut self, _dir: &Path, _home: Option<&Path>) {}
}

/// A TOML string, quoted and escaped.
fn toml_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

impl ConfigValue for String {
    fn show(&self) -> String {
        toml_string(self)
    }
}

impl ConfigValue for List {
    fn show(&self) -> String {
        let items: Vec<String> = self.0.iter().map(|s| toml_string(s)).collect();
        format!("[{}]", items.join(", "))
    }
}

impl ConfigValue for bool {
    fn show(&self) -> String {
        self.to_string()
    }
}

impl ConfigValue for f64 {
    fn show(&self) -> String {
        self.to_string()
    }
}

impl ConfigValue for u32 {
    fn show(&self) -> String {
        self.to_string()
    }
}

impl ConfigValue for u64 {
    fn show(&self) -> String {
        self.to_string()
    }
}

impl ConfigValue for AuthMethod {
    fn show(&self) -> String {
        toml_string(self.name())
    }
}

impl ConfigValue for Alg {
    fn show(&self) -> String {
        toml_string(self.name())
    }
}

impl ConfigValue for Format {
    fn show(&self) -> String {
        toml_string(self.name())
    }
}

impl ConfigValue for PathBuf {
    fn show(&self) -> String {
        toml_string(&self.to_string_lossy())
    }

    fn rebase(&mut self, dir: &Path, home: Option<&Path>) {
        if let (Ok(rest), Some(home)) = (self.strip_prefix("~"), home) {
            *self = home.join(rest);
        } else if self.is_relative() && self.as_os_str() != "-" {
            *self = dir.join(&*self);
        }
    }
}

/// Keys whose values are secrets: `config show` prints them as `"[redacted]"`.
pub const SECRET_KEYS: &[&str] = &["client_secret"];

macro_rules! options {
    ($( $(#[$attr:meta])* $name:ident : $ty:ty, )*) => {
        /// The options of every command that gets a token, as typed.
        ///
        /// The first paragraph of each doc comment is the one-line summary of
        /// `-h`; the whole comment is the `--help` text and the man page's entry.
        #[derive(Debug, Args, Default)]
        pub struct TokenArgs {
            $( $(#[$attr])* pub $name: $ty, )*
        }

        /// One table of the config file: `[defaults]` or `[profiles.NAME]`.
        #[derive(Debug, Default, Clone, Deserialize, Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct Table {
            $( #[serde(default, skip_serializing_if = "Option::is_none")]
               pub $name: Option<<$ty as Given>::Value>, )*
        }

        /// Every option's value and where it came from.
        #[derive(Debug, Default, Clone)]
        pub struct Layered {
            $( pub $name: Option<Sourced<<$ty as Given>::Value>>, )*
        }

        /// The config keys: the long option names with `-` written `_`.
        pub const KEYS: &[&str] = &[$(stringify!($name)),*];

        impl Layered {
            /// What the user typed or set in the environment; `source_of` says which.
            pub fn from_args(args: TokenArgs, source_of: impl Fn(&'static str) -> Source) -> Layered {
                Layered {
                    $( $name: Given::given(args.$name).map(|value| Sourced {
                        value,
                        source: source_of(stringify!($name)),
                    }), )*
                }
            }

            /// Fill what is still unset from a lower layer.
            pub fn overlay(&mut self, table: &Table, source: &Source) {
                $( if self.$name.is_none() {
                    self.$name = table.$name.clone().map(|value| Sourced {
                        value,
                        source: source.clone(),
                    });
                } )*
            }

            /// Every key, with its value as TOML and its source when set.
            pub fn entries(&self) -> Vec<(&'static str, Option<(String, &Source)>)> {
                vec![$( (
                    stringify!($name),
                    self.$name.as_ref().map(|s| (ConfigValue::show(&s.value), &s.source)),
                ), )*]
            }
        }

        impl Table {
            /// Make the paths of a config file absolute (see [`ConfigValue::rebase`]).
            pub fn rebase_paths(&mut self, dir: &Path, home: Option<&Path>) {
                $( if let Some(value) = &mut self.$name {
                    ConfigValue::rebase(value, dir, home);
                } )*
            }
        }
    };
}

options! {
    /// The token endpoint
    ///
    /// It must be https:// unless its host is loopback (localhost, 127.0.0.0/8, [::1]) or
    /// --allow-http is given. Redirects are never followed: the credentials go to this URL
    /// and nowhere else.
    #[arg(short = 'u', long, env = "TOKN_TOKEN_URL", hide_env_values = true, value_name = "URL", value_hint = ValueHint::Url)]
    token_url: Option<String>,

    /// The issuer: read the token endpoint from its metadata (OpenID or RFC 8414)
    ///
    /// tokn reads ISSUER/.well-known/openid-configuration, and on a 404 the RFC 8414 location,
    /// checks that the document names this issuer, and uses its token_endpoint (or, with
    /// --cert, its mtls_endpoint_aliases.token_endpoint), and with --auth auto only the
    /// client authentication methods the server lists. -u/--token-url still wins. The
    /// metadata is cached beside the tokens for an hour.
    #[arg(long, env = "TOKN_ISSUER", hide_env_values = true, value_name = "URL", value_hint = ValueHint::Url)]
    issuer: Option<String>,

    /// The client ID
    #[arg(short = 'i', long, env = "TOKN_CLIENT_ID", hide_env_values = true, value_name = "ID", value_hint = ValueHint::Other)]
    client_id: Option<String>,

    /// The client secret (others can see it in ps: prefer the env, a file or the prompt)
    ///
    /// A secret on the command line is visible to other local users in the process list.
    /// Prefer TOKN_CLIENT_SECRET, --client-secret-file, or the prompt: with no secret given
    /// and a terminal on standard input, tokn asks for it without echo. The first of
    /// --client-secret, --client-secret-file, --client-secret-cmd, then their TOKN_ variables,
    /// then the config file's client_secret, client_secret_file and client_secret_cmd, wins.
    /// --auth none needs no secret.
    #[arg(long, env = "TOKN_CLIENT_SECRET", hide_env_values = true, value_name = "SECRET", value_hint = ValueHint::Other)]
    client_secret: Option<String>,

    /// Read the client secret from a file ('-' for standard input)
    ///
    /// One trailing newline (\n or \r\n) is dropped. A file that group or others can read
    /// gives a warning naming it; the secret is still used.
    #[arg(long, env = "TOKN_CLIENT_SECRET_FILE", hide_env_values = true, value_name = "PATH", value_hint = ValueHint::FilePath)]
    client_secret_file: Option<PathBuf>,

    /// Run a command and use its output as the client secret
    ///
    /// The command runs with sh -c, standard input and standard error inherited (so a
    /// password manager can ask to be unlocked); its standard output, one trailing newline
    /// dropped, is the secret. It runs only when a token must be fetched: a cached token
    /// is used without it. A non-zero exit or an empty output is a usage error.
    #[arg(long, env = "TOKN_CLIENT_SECRET_CMD", hide_env_values = true, value_name = "COMMAND", value_hint = ValueHint::CommandString)]
    client_secret_cmd: Option<String>,

    /// A scope to ask for; repeatable
    ///
    /// A value may hold several scopes separated by spaces. All are sent in one scope field,
    /// joined by single spaces, in the order given, duplicates dropped.
    #[arg(short = 's', long, env = "TOKN_SCOPE", hide_env_values = true, value_name = "SCOPE", value_hint = ValueHint::Other)]
    scope: Vec<String>,

    /// An extra form field, such as audience=… or resource=…; repeatable
    ///
    /// The argument is split at the first '=', and tokn form-urlencodes both sides. A key
    /// given again is sent again, in order. The fields tokn sets itself (grant_type, scope,
    /// client_id, client_secret, client_assertion, client_assertion_type) are refused: use
    /// their options.
    #[arg(short = 'd', long, value_name = "KEY=VALUE", value_hint = ValueHint::Other)]
    data: Vec<String>,

    /// An extra header on the token request; repeatable
    ///
    /// A header that tokn sets itself (Content-Type, Accept, User-Agent, Authorization) is
    /// replaced by one of the same name; two -H with the same name are both sent.
    #[arg(short = 'H', long, value_name = "NAME: VALUE", value_hint = ValueHint::Other)]
    header: Vec<String>,

    /// The grant type [default: client_credentials]
    ///
    /// Any value other than client_credentials is sent as given, for custom grants.
    #[arg(long, env = "TOKN_GRANT_TYPE", hide_env_values = true, value_name = "TYPE", value_hint = ValueHint::Other)]
    grant_type: Option<String>,

    /// How the client authenticates [default: auto]
    ///
    /// The RFC names client_secret_basic, client_secret_post, tls_client_auth and
    /// self_signed_tls_client_auth are accepted too.
    #[arg(long, env = "TOKN_AUTH", hide_env_values = true, value_name = "METHOD", value_enum)]
    auth: Option<AuthMethod>,

    /// The PEM private key that signs the client assertion (private_key_jwt)
    ///
    /// PKCS#8, PKCS#1 (RSA) or SEC1 (EC): an RSA key of 2048 bits or more, an EC P-256 or
    /// P-384 key, or an Ed25519 key. When the file also holds the key's certificate, the
    /// assertion's header carries its x5t and x5t#S256 thumbprints, as Microsoft Entra ID
    /// wants. With --auth auto, a signing key means private_key_jwt.
    #[arg(long, env = "TOKN_SIGNING_KEY", hide_env_values = true, value_name = "FILE", value_hint = ValueHint::FilePath)]
    signing_key: Option<PathBuf>,

    /// The kid header of the client assertion, the key's ID at the server
    #[arg(long, env = "TOKN_SIGNING_KEY_ID", hide_env_values = true, value_name = "ID", value_hint = ValueHint::Other)]
    signing_key_id: Option<String>,

    /// The algorithm of the client assertion [default: from the key]
    ///
    /// RSA keys sign with RS256 (the default), RS384, RS512, PS256, PS384 or PS512; EC P-256
    /// keys with ES256, P-384 keys with ES384, Ed25519 keys with EdDSA; client_secret_jwt
    /// with HS256 (the default), HS384 or HS512.
    #[arg(long, env = "TOKN_JWT_ALG", hide_env_values = true, value_name = "ALG", value_enum, ignore_case = true)]
    jwt_alg: Option<Alg>,

    /// The aud claim of the client assertion [default: the token URL]
    ///
    /// Some servers want their issuer or another fixed value there instead of the URL the
    /// request goes to.
    #[arg(long, env = "TOKN_JWT_AUDIENCE", hide_env_values = true, value_name = "AUDIENCE", value_hint = ValueHint::Other)]
    jwt_audience: Option<String>,

    /// A client certificate chain (PEM) for mutual TLS
    ///
    /// The client's certificate first, then any intermediates. Its key comes from --key, or
    /// from this file when --key is not given, as with curl. It works with every --auth
    /// (certificate-bound tokens, RFC 8705); --auth tls authenticates with it alone.
    #[arg(long, env = "TOKN_CERT", hide_env_values = true, value_name = "FILE", value_hint = ValueHint::FilePath)]
    cert: Option<PathBuf>,

    /// The private key (PEM) of the --cert certificate
    #[arg(long, env = "TOKN_KEY", hide_env_values = true, value_name = "FILE", value_hint = ValueHint::FilePath)]
    key: Option<PathBuf>,

    /// What to print on standard output [default: raw]
    ///
    /// Every format ends with exactly one newline, and nothing else is ever printed there.
    #[arg(short = 'f', long, env = "TOKN_FORMAT", hide_env_values = true, value_enum)]
    format: Option<Format>,

    /// The header name of the header and curl formats [default: Authorization]
    #[arg(long, value_name = "NAME", value_hint = ValueHint::Other)]
    header_name: Option<String>,

    /// The header value of the header and curl formats [default: 'Bearer {access_token}']
    ///
    /// {access_token} is replaced by the token, and {token_type} by the provider's token
    /// type (bearer in any case written Bearer, and Bearer when the provider gives none).
    /// Any other {placeholder} is a usage error.
    #[arg(long, value_name = "PATTERN", value_hint = ValueHint::Other)]
    header_pattern: Option<String>,

    /// Seconds the whole run may take [default: 30]
    ///
    /// One bound on everything: connecting, TLS, both requests of --auth auto, and the
    /// retries and their waits. When it runs out, tokn exits with status 3.
    #[arg(long, env = "TOKN_TIMEOUT", hide_env_values = true, value_name = "SECONDS", value_hint = ValueHint::Other,
          value_parser = parse_seconds)]
    timeout: Option<f64>,

    /// Retries on HTTP 429, 502, 503, 504 or a reset connection [default: 2]
    ///
    /// The first retry waits half a second and each later one twice as long, or as long as
    /// the server's Retry-After asks; none starts that would end after --timeout. Nothing
    /// else is retried: another error would not change. 0 turns retries off.
    #[arg(long, env = "TOKN_RETRY", hide_env_values = true, value_name = "N", value_hint = ValueHint::Other)]
    retry: Option<u32>,

    /// CA certificates (PEM) to trust instead of the system's
    ///
    /// Like curl's --cacert. Without it tokn trusts the system's trust store, so a company
    /// CA installed there works.
    #[arg(long, env = "TOKN_CACERT", hide_env_values = true, value_name = "PATH", value_hint = ValueHint::FilePath)]
    cacert: Option<PathBuf>,

    /// Skip TLS certificate verification (prints a warning every time)
    ///
    /// Anyone on the network path can then read the secret and the token. For a private
    /// CA, use --cacert instead.
    #[arg(short = 'k', long)]
    insecure: bool,

    /// Allow a plain http:// token URL to a host that is not loopback
    ///
    /// The secret and the token then cross the network unencrypted.
    #[arg(long)]
    allow_http: bool,

    /// Neither read nor write the token cache for this call
    ///
    /// TOKN_NO_CACHE set to any value but 0, false, no, off or empty does the same.
    #[arg(long, env = "TOKN_NO_CACHE", hide_env_values = true, value_parser = FalseyValueParser::new(), num_args = 0,
          default_missing_value = "true")]
    no_cache: Option<bool>,

    /// Fetch a new token even if a cached one is valid, and cache it
    #[arg(long)]
    refresh: bool,

    /// Seconds a cached token must still be valid to be reused [default: 60]
    ///
    /// A cached token closer to its expiry is replaced by a new one. Raise it when the token
    /// must outlast a long job.
    #[arg(long, env = "TOKN_MIN_TTL", hide_env_values = true, value_name = "SECONDS", value_hint = ValueHint::Other)]
    min_ttl: Option<u64>,
}

impl Table {
    /// tokn's own defaults, the lowest layer.
    pub fn built_in() -> Table {
        Table {
            grant_type: Some("client_credentials".into()),
            auth: Some(AuthMethod::Auto),
            format: Some(Format::Raw),
            header_name: Some("Authorization".into()),
            header_pattern: Some("Bearer {access_token}".into()),
            timeout: Some(30.0),
            retry: Some(2),
            min_ttl: Some(60),
            ..Table::default()
        }
    }
}

/// `--timeout` and the other durations, as a number; settings check the range.
pub fn parse_seconds(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .map_err(|_| "expected seconds, e.g. 30 or 2.5".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[derive(clap::Parser)]
    struct Probe {
        #[command(flatten)]
        args: TokenArgs,
    }

    #[test]
    fn each_env_variable_is_tokn_and_the_key() {
        for arg in Probe::command().get_arguments() {
            if let Some(env) = arg.get_env() {
                let key = arg.get_id().as_str();
                assert_eq!(env, format!("TOKN_{}", key.to_ascii_uppercase()).as_str());
                assert_eq!(
                    Source::Env("x").option_name(key),
                    env.to_string_lossy(),
                    "{key}"
                );
            }
        }
    }

    #[test]
    fn each_key_is_its_long_option() {
        let cmd = Probe::command();
        for key in KEYS {
            let arg = cmd.get_arguments().find(|a| a.get_id() == *key);
            let long = arg.and_then(|a| a.get_long()).unwrap_or_default();
            assert_eq!(long.replace('-', "_"), *key);
        }
    }

    #[test]
    fn a_list_is_a_string_or_an_array() {
        #[derive(Deserialize)]
        struct T {
            a: List,
            b: List,
        }
        let t: T = serde_json::from_str(r#"{"a":"x y","b":["p","q"]}"#).unwrap();
        assert_eq!(
            (t.a.0, t.b.0),
            (vec!["x y".to_string()], vec!["p".into(), "q".into()])
        );
    }

    #[test]
    fn a_flag_beats_what_lies_below_and_lower_layers_fill_the_rest() {
        let args = TokenArgs {
            token_url: Some("https://flag".into()),
            ..TokenArgs::default()
        };
        let mut layered = Layered::from_args(args, |_| Source::Flag);
        let profile = Table {
            token_url: Some("https://profile".into()),
            client_id: Some("from-profile".into()),
            ..Table::default()
        };
        layered.overlay(&profile, &Source::Profile("p".into()));
        layered.overlay(&Table::built_in(), &Source::BuiltIn);
        let url = layered.token_url.unwrap();
        assert_eq!(
            (url.value.as_str(), url.source),
            ("https://flag", Source::Flag)
        );
        let id = layered.client_id.unwrap();
        assert_eq!(id.source, Source::Profile("p".into()));
        assert_eq!(layered.timeout.unwrap().source, Source::BuiltIn);
    }

    #[test]
    fn paths_from_a_config_file_are_made_absolute() {
        let mut p = PathBuf::from("keys/a.pem");
        p.rebase(Path::new("/etc/tokn"), Some(Path::new("/home/u")));
        assert_eq!(p, Path::new("/etc/tokn/keys/a.pem"));
        let mut p = PathBuf::from("~/s");
        p.rebase(Path::new("/etc/tokn"), Some(Path::new("/home/u")));
        assert_eq!(p, Path::new("/home/u/s"));
        let mut p = PathBuf::from("/abs");
        p.rebase(Path::new("/etc/tokn"), None);
        assert_eq!(p, Path::new("/abs"));
    }

    #[test]
    fn seconds_say_what_is_expected() {
        assert_eq!(parse_seconds("2.5"), Ok(2.5));
        let err = parse_seconds("abc").unwrap_err();
        assert!(err.contains("seconds, e.g. 30 or 2.5"), "{err}");
    }
}
