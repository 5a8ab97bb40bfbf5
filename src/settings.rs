//! Raw arguments, environment, secret file and prompt → a validated [`Settings`].
//!
//! Every usage error (exit 2) is found here, before anything is sent. Messages
//! name the option and the fix.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::cli::{AuthArg, FetchArgs};
use crate::diag;
use crate::endpoint::{check_header_name, check_url, parse_header};
use crate::error::{ContextLines, usage};
use crate::files::read_secret_file;
use crate::http::{self, Trust};
use crate::oauth::client_auth::AuthMethod;
use crate::oauth::request::{Field, TokenRequest};
use crate::output::{HeaderPattern, OutputSpec};
use crate::secret::Secret;

/// Where each secret option's value came from, which clap merges into one field.
#[derive(Debug, Clone, Copy, Default)]
pub struct SecretSources {
    pub secret_from_env: bool,
    pub file_from_env: bool,
}

/// What the program uses: every value checked, every default applied.
pub struct Settings {
    pub token_url: String,
    pub client_id: String,
    /// `None` only for `--auth none`.
    pub secret: Option<Secret>,
    pub auth: AuthMethod,
    pub request: TokenRequest,
    /// The `-H` headers as given (validated), for the cache key.
    pub extra_headers: Vec<(String, String)>,
    pub output: OutputSpec,
    pub trust: Trust,
    pub proxy: Option<crate::proxy::Proxy>,
    pub timeout: Duration,
    pub deadline: Instant,
    pub retries: u32,
    pub cache: Option<CacheUse>,
}

/// How this call uses the token cache.
#[derive(Debug, Clone, Copy)]
pub struct CacheUse {
    pub min_ttl: u64,
    pub refresh: bool,
}

impl Settings {
    pub fn resolve(args: FetchArgs, sources: SecretSources, started: Instant) -> Result<Settings> {
        let token_url = args
            .token_url
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_string();
        if token_url.is_empty() {
            return Err(usage(
                "no token URL: pass -u/--token-url URL or set TOKN_TOKEN_URL",
            ));
        }
        let (scheme, host) = check_url(&token_url, args.allow_http)?;
        let client_id = match args.client_id.as_deref() {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => {
                return Err(usage(
                    "no client ID: pass -i/--client-id ID or set TOKN_CLIENT_ID",
                ));
            }
        };
        let extra = args
            .data
            .iter()
            .map(|d| Field::parse(d))
            .collect::<Result<Vec<_>>>()?;
        let extra_headers = args
            .headers
            .iter()
            .map(|h| parse_header(h))
            .collect::<Result<Vec<_>>>()?;
        if args.grant_type.is_empty() {
            return Err(usage(
                "--grant-type is empty: leave it out for client_credentials",
            ));
        }
        let output = OutputSpec {
            format: args.format,
            header_name: check_header_name(&args.header_name, "--header-name")?,
            pattern: HeaderPattern::parse(&args.header_pattern).map_err(usage)?,
        };
        if !(args.timeout.is_finite() && args.timeout > 0.0) {
            return Err(usage(format!(
                "--timeout {} is not a positive number of seconds",
                args.timeout
            )));
        }
        let too_large = || usage(format!("--timeout {} is too large", args.timeout));
        let timeout = Duration::try_from_secs_f64(args.timeout).map_err(|_| too_large())?;
        let deadline = started.checked_add(timeout).ok_or_else(too_large)?;
        let trust = if args.insecure {
            Trust::Nothing
        } else if let Some(path) = &args.cacert {
            let pem = std::fs::read(path).map_err(|e| {
                usage(format!(
                    "cannot read the --cacert file '{}': {e}",
                    path.display()
                ))
            })?;
            Trust::Only(http::load_ca_file(&pem).map_err(|e| {
                usage(format!(
                    "the --cacert file '{}' is not usable: {e}",
                    path.display()
                ))
            })?)
        } else {
            Trust::System
        };
        let proxy = crate::proxy::proxy_for(scheme, &host, |name| std::env::var(name).ok())?;
        let auth = AuthMethod::from(args.auth);
        // The secret comes last: a usage error elsewhere should not cost a prompt.
        let secret = if auth == AuthMethod::None {
            None
        } else {
            Some(read_secret(&args, sources)?)
        };
        if args.insecure {
            diag::warn(
                "-k/--insecure: TLS certificates are not checked, so anyone on the network \
                 path can read the secret and the token",
            );
        }
        Ok(Settings {
            request: TokenRequest::new(args.grant_type, &args.scopes, extra),
            token_url,
            client_id,
            secret,
            auth,
            extra_headers,
            output,
            trust,
            proxy,
            timeout,
            deadline,
            retries: args.retry,
            cache: (!args.no_cache).then_some(CacheUse {
                min_ttl: args.min_ttl,
                refresh: args.refresh,
            }),
        })
    }
}

impl From<AuthArg> for AuthMethod {
    fn from(arg: AuthArg) -> Self {
        match arg {
            AuthArg::Auto => AuthMethod::Auto,
            AuthArg::Basic => AuthMethod::Basic,
            AuthArg::Post => AuthMethod::Post,
            AuthArg::None => AuthMethod::None,
        }
    }
}

fn read_secret(args: &FetchArgs, sources: SecretSources) -> Result<Secret> {
    let flag_secret = args
        .client_secret
        .as_ref()
        .filter(|_| !sources.secret_from_env);
    let flag_file = args
        .client_secret_file
        .as_ref()
        .filter(|_| !sources.file_from_env);
    let env_secret = args
        .client_secret
        .as_ref()
        .filter(|_| sources.secret_from_env);
    let env_file = args
        .client_secret_file
        .as_ref()
        .filter(|_| sources.file_from_env);
    let value =
        if let Some(s) = flag_secret {
            s.clone()
        } else if let Some(path) = flag_file {
            read_secret_file(path, "--client-secret-file")?
        } else if let Some(s) = env_secret {
            s.clone()
        } else if let Some(path) = env_file {
            read_secret_file(path, "TOKN_CLIENT_SECRET_FILE")?
        } else if std::io::stdin().is_terminal() {
            rpassword::prompt_password("Client secret: ")
                .map_err(|e| usage(format!("cannot read the secret from the terminal: {e}")))?
        } else {
            return Err(usage("no client secret and no terminal to ask for one").context_lines(&[
            "set TOKN_CLIENT_SECRET, pass --client-secret-file PATH (or - for standard input),",
            "or run tokn in a terminal to be prompted; --auth none sends no secret",
        ]));
        };
    if value.is_empty() {
        return Err(usage(
            "the client secret is empty; --auth none sends no secret",
        ));
    }
    diag::protect_secret(&value);
    Ok(Secret::new(value))
}
