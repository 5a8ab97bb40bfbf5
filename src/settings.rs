//! Raw arguments, environment, secret file and prompt → a validated [`Settings`].
//!
//! Every usage error (exit 2) is found here, before anything is sent. Messages
//! name the option and the fix.

use std::io::{IsTerminal, Read};
use std::net::{IpAddr, Ipv6Addr};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use ureq::http::Uri;
use ureq::http::header::{HeaderName, HeaderValue};

use crate::cli::{AuthArg, FetchArgs};
use crate::diag;
use crate::error::usage;
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
    pub proxy: Option<String>,
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
        let proxy = crate::proxy::proxy_for(scheme, &host, |name| std::env::var(name).ok());
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

/// Check the token URL; return its scheme and host (without brackets for IPv6).
fn check_url(url: &str, allow_http: bool) -> Result<(&'static str, String)> {
    let invalid = |why: &str| usage(format!("the token URL '{url}' is not valid: {why}"));
    let uri: Uri = url.parse().map_err(|e| invalid(&format!("{e}")))?;
    let scheme = match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
        Some("https") => "https",
        Some("http") => "http",
        _ => {
            return Err(invalid(
                "it must start with https:// (or http:// for a local server)",
            ));
        }
    };
    let Some(authority) = uri.authority() else {
        return Err(invalid("it has no host"));
    };
    if authority.as_str().contains('@') {
        // Not echoed: the part before '@' is a password.
        return Err(usage(
            "the token URL holds credentials (user:password@): pass the client ID with -i \
             and the secret by env, file or prompt",
        ));
    }
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    if host.is_empty() {
        return Err(invalid("it has no host"));
    }
    if scheme == "http" && !allow_http && !is_loopback(&host) {
        return Err(usage(format!(
            "refusing to send the client secret over plain http to '{host}'"
        ))
        .context_lines(&[
            "use an https:// token URL",
            "or pass --allow-http if the network path is trusted",
        ]));
    }
    Ok((scheme, host))
}

/// `localhost`, 127.0.0.0/8 or ::1: plain http there never leaves the machine.
pub fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => ip == Ipv6Addr::LOCALHOST,
        Err(_) => false,
    }
}

/// One `-H 'NAME: VALUE'`, split at the first `:`.
pub fn parse_header(arg: &str) -> Result<(String, String)> {
    let Some((name, value)) = arg.split_once(':') else {
        return Err(usage(format!(
            "-H '{arg}' has no ':': write it as 'NAME: VALUE'"
        )));
    };
    let name = check_header_name(name.trim(), "-H")?;
    let value = value.trim();
    if HeaderValue::from_str(value).is_err() {
        return Err(usage(format!(
            "-H '{name}: …' has a value that cannot be sent in a header (control characters?)"
        )));
    }
    Ok((name, value.to_string()))
}

fn check_header_name(name: &str, option: &str) -> Result<String> {
    if HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err(usage(format!(
            "{option} '{name}' is not a valid header name"
        )));
    }
    Ok(name.to_string())
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

/// Read a secret file (or standard input for `-`), dropping one trailing newline.
fn read_secret_file(path: &Path, option: &str) -> Result<String> {
    let cannot = |e: std::io::Error| {
        usage(format!(
            "cannot read the secret file '{}' ({option}): {e}",
            path.display()
        ))
    };
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(cannot)?;
    } else {
        let mut file = std::fs::File::open(path).map_err(cannot)?;
        warn_if_shared(path, &file);
        file.read_to_end(&mut bytes).map_err(cannot)?;
    }
    let mut text = String::from_utf8(bytes).map_err(|_| {
        usage(format!(
            "the secret file '{}' is not UTF-8 text",
            path.display()
        ))
    })?;
    if text.ends_with("\r\n") {
        text.truncate(text.len() - 2);
    } else if text.ends_with('\n') {
        text.truncate(text.len() - 1);
    }
    Ok(text)
}

/// Like ssh with key files: a secret others can read is no longer secret.
#[cfg(unix)]
fn warn_if_shared(path: &Path, file: &std::fs::File) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = file.metadata() {
        let mode = meta.permissions().mode() & 0o777;
        if meta.is_file() && mode & 0o044 != 0 {
            diag::warn(&format!(
                "the secret file '{}' can be read by other users (mode {mode:04o}); run chmod 600 on it",
                path.display()
            ));
        }
    }
}

#[cfg(not(unix))]
fn warn_if_shared(_: &Path, _: &std::fs::File) {}

/// Detail lines under a usage error.
trait ContextLines {
    fn context_lines(self, lines: &[&str]) -> anyhow::Error;
}

impl ContextLines for anyhow::Error {
    fn context_lines(self, lines: &[&str]) -> anyhow::Error {
        match self.downcast::<crate::error::Failure>() {
            Ok(mut failure) => {
                failure.details.extend(lines.iter().map(|l| l.to_string()));
                failure.into()
            }
            Err(other) => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.9.8.7", "::1"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "example.com",
            "10.0.0.1",
            "localhost.example.com",
            "::2",
            "0.0.0.0",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        assert!(check_url("http://127.0.0.1:8080/token", false).is_ok());
        assert!(check_url("http://[::1]:8080/token", false).is_ok());
        assert!(check_url("http://idp.example.com/token", false).is_err());
        assert!(check_url("http://idp.example.com/token", true).is_ok());
        assert!(check_url("ftp://idp.example.com/token", true).is_err());
        assert!(check_url("https://user:pw@idp.example.com/token", true).is_err());
        assert!(check_url("not a url", true).is_err());
    }

    #[test]
    fn headers_split_at_the_first_colon() {
        assert_eq!(
            parse_header("X-Trace:  a:b ").unwrap(),
            ("X-Trace".to_string(), "a:b".to_string())
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("bad name: v").is_err());
        assert!(parse_header(": v").is_err());
    }
}
