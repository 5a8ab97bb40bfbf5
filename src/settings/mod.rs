//! The layered options (flag, env, profile, defaults, built-in) → a validated
//! [`Settings`], which is what the rest of tokn uses.
//!
//! Every usage error (exit 2) is found here, before anything is sent. Messages
//! name the option and the fix; a value from the config file or the
//! environment is named as such.

mod credentials;
mod grants;
mod transport;

pub use credentials::ClientSecret;

use std::time::{Duration, Instant};

use anyhow::Result;

use crate::diag;
use crate::endpoint::{check_header_name, check_url, parse_header};
use crate::error::{Exit, Failure, usage};
use crate::http::Trust;
use crate::oauth::client_auth::AuthMethod;
use crate::oauth::grant::Grant;
use crate::oauth::request::{Field, TokenRequest};
use crate::options::{Layered, List, Sourced};
use crate::output::{HeaderPattern, OutputSpec};

/// What the program uses: every value checked, every default applied.
pub struct Settings {
    pub token_url: String,
    pub client_id: String,
    /// `None` only for `--auth none`.
    pub secret: Option<ClientSecret>,
    pub auth: AuthMethod,
    /// The grant and its inputs; its `grant_type` is `request.grant_type`.
    pub grant: Grant,
    /// The request without the grant's own fields, which [`Grant::fields`] or
    /// a sign-in adds.
    pub request: TokenRequest,
    /// The `-H` headers as given (validated), for the cache key.
    pub extra_headers: Vec<(String, String)>,
    pub output: OutputSpec,
    pub trust: Trust,
    pub proxy: Option<crate::proxy::Proxy>,
    pub timeout: Duration,
    pub deadline: Instant,
    /// How long to wait for another tokn that is fetching the same token: a
    /// sign-in takes a person's time, not a server's.
    pub lock_deadline: Instant,
    pub retries: u32,
    pub cache: Option<CacheUse>,
}

/// How long a device sign-in may keep another tokn waiting for the same token.
const DEVICE_SIGN_IN: Duration = Duration::from_secs(900);

/// How this call uses the token cache.
#[derive(Debug, Clone, Copy)]
pub struct CacheUse {
    pub min_ttl: u64,
    pub refresh: bool,
}

/// A value the built-in layer always sets.
fn built_in<'a, T>(value: &'a Option<Sourced<T>>, key: &str) -> Result<&'a T> {
    match value {
        Some(sourced) => Ok(&sourced.value),
        None => Err(Failure::new(Exit::Bug, format!("no value for {key}")).into()),
    }
}

fn list(value: &Option<Sourced<List>>) -> &[String] {
    value.as_ref().map_or(&[], |l| &l.value.0)
}

fn switch(value: &Option<Sourced<bool>>) -> bool {
    value.as_ref().is_some_and(|s| s.value)
}

impl Settings {
    pub fn resolve(l: &Layered, started: Instant) -> Result<Settings> {
        let token_url = required_text(
            &l.token_url,
            "no token URL: pass -u/--token-url URL or set TOKN_TOKEN_URL",
        )?;
        let token_url = token_url.trim().to_string();
        let (scheme, host) = check_url(&token_url, switch(&l.allow_http))?;
        let client_id = required_text(
            &l.client_id,
            "no client ID: pass -i/--client-id ID or set TOKN_CLIENT_ID",
        )?
        .to_string();
        let mut request = token_request(l)?;
        let extra_headers = list(&l.header)
            .iter()
            .map(|h| parse_header(h))
            .collect::<Result<Vec<_>>>()?;
        let output = output_spec(l)?;
        let (timeout, mut deadline) = transport::timing(l, started)?;
        let trust = transport::trust(l, deadline)?;
        let proxy = crate::proxy::proxy_for(scheme, &host, |name| std::env::var(name).ok())?;
        let auth = *built_in(&l.auth, "--auth")?;
        // The grant's inputs and the secret come last: a usage error elsewhere
        // should not cost a prompt. The time a person takes to type does not count.
        let (grant, typing) = grant(l, &mut request, deadline)?;
        deadline += typing;
        let secret = match auth {
            AuthMethod::None => None,
            _ => {
                let (secret, typing) = credentials::client_secret(l, deadline)?;
                deadline += typing;
                Some(secret)
            }
        };
        let lock_deadline = lock_deadline(&grant, deadline);
        warn_if_insecure(&trust);
        Ok(Settings {
            token_url,
            client_id,
            secret,
            auth,
            grant,
            request,
            extra_headers,
            output,
            trust,
            proxy,
            timeout,
            deadline,
            lock_deadline,
            retries: *built_in(&l.retry, "--retry")?,
            cache: (!switch(&l.no_cache)).then_some(CacheUse {
                min_ttl: *built_in(&l.min_ttl, "--min-ttl")?,
                refresh: switch(&l.refresh),
            }),
        })
    }
}

/// The grant, its type set in the request, and no `-d` field of its own.
/// Also returns the time a person took to type a password at the prompt.
fn grant(l: &Layered, request: &mut TokenRequest, deadline: Instant) -> Result<(Grant, Duration)> {
    let (grant, typing) = grants::grant(l, switch(&l.allow_http), deadline)?;
    request.grant_type = grant.grant_type().to_string();
    request.refuse_own_fields(grant.kind().own_fields())?;
    Ok((grant, typing))
}

/// How long to wait for another tokn fetching the same token: for a sign-in,
/// as long as a person may take.
fn lock_deadline(grant: &Grant, deadline: Instant) -> Instant {
    let sign_in = match grant {
        Grant::AuthorizationCode(c) => c.login_timeout,
        Grant::Device(_) => DEVICE_SIGN_IN,
        _ => return deadline,
    };
    deadline.max(Instant::now().checked_add(sign_in).unwrap_or(deadline))
}

/// `-k` warns every time it is used.
fn warn_if_insecure(trust: &Trust) {
    if matches!(trust, Trust::Nothing) {
        diag::warn(
            "-k/--insecure: TLS certificates are not checked, so anyone on the network \
             path can read the secret and the token",
        );
    }
}

/// A text option that must be set and not empty.
fn required_text<'a>(value: &'a Option<Sourced<String>>, missing: &str) -> Result<&'a str> {
    match value {
        Some(s) if !s.value.is_empty() => Ok(&s.value),
        _ => Err(usage(missing)),
    }
}

fn token_request(l: &Layered) -> Result<TokenRequest> {
    let grant_type = built_in(&l.grant_type, "--grant-type")?;
    if grant_type.is_empty() {
        return Err(usage(
            "--grant-type is empty: leave it out for client_credentials",
        ));
    }
    let scopes = list(&l.scope);
    if let Some(scope) = &l.scope
        && scopes.iter().any(|s| s.trim().is_empty())
    {
        return Err(usage(format!(
            "{} is empty: give a scope name, or leave it out to ask for the default scopes",
            scope.option_name("scope")
        )));
    }
    let extra = list(&l.data)
        .iter()
        .map(|d| Field::parse(d))
        .collect::<Result<Vec<_>>>()?;
    let mut request = TokenRequest::new(grant_type.clone(), scopes, extra);
    request.audience = targets(&l.audience, "audience")?;
    request.resource = targets(&l.resource, "resource")?;
    Ok(request)
}

/// `--audience` or `--resource` values, none empty.
fn targets(value: &Option<Sourced<List>>, key: &str) -> Result<Vec<String>> {
    let values = list(value);
    if let Some(v) = value
        && values.iter().any(|s| s.trim().is_empty())
    {
        return Err(usage(format!(
            "{} is empty: give a value, or leave it out",
            v.option_name(key)
        )));
    }
    Ok(values.iter().map(|s| s.trim().to_string()).collect())
}

fn output_spec(l: &Layered) -> Result<OutputSpec> {
    Ok(OutputSpec {
        format: *built_in(&l.format, "--format")?,
        header_name: check_header_name(
            built_in(&l.header_name, "--header-name")?,
            "--header-name",
        )?,
        pattern: HeaderPattern::parse(built_in(&l.header_pattern, "--header-pattern")?)
            .map_err(usage)?,
    })
}
