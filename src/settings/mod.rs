//! The layered options (flag, env, profile, defaults, built-in) → a validated
//! [`Settings`], which is what the rest of tokn uses.
//!
//! Every usage error (exit 2) is found here, before anything is sent. Messages
//! name the option and the fix; a value from the config file or the
//! environment is named as such.

mod credentials;
mod grants;
mod keys;
pub mod transport;

pub use credentials::ClientSecret;
pub(crate) use grants::OWNED_ENV;
pub use keys::KeySettings;
pub use transport::route;

use std::time::{Duration, Instant};

use anyhow::Result;

use crate::diag;
use crate::endpoint::{check_header_name, check_url, check_url_of, parse_header};
use crate::error::{Exit, Failure, usage};
use crate::http::Trust;
use crate::oauth::client_auth::AuthMethod;
use crate::oauth::grant::Grant;
use crate::oauth::request::{Field, TokenRequest};
use crate::options::{Layered, List, Sourced};
use crate::output::{Format, HeaderPattern, OutputSpec, k8s};

/// What the program uses: every value checked, every default applied.
pub struct Settings {
    /// `-u`; `None` when the token URL comes from the issuer's metadata.
    pub token_url: Option<String>,
    /// `--issuer`, whose metadata is read when a token must be fetched.
    pub issuer: Option<String>,
    pub allow_http: bool,
    pub client_id: String,
    /// `None` for `--auth none`, `tls` and `private_key_jwt`, and for `auto`
    /// with a key or a certificate and no secret given.
    pub secret: Option<ClientSecret>,
    pub auth: AuthMethod,
    /// The grant and its inputs; its `grant_type` is `request.grant_type`.
    pub grant: Grant,
    /// The request without the grant's own fields, which [`Grant::fields`] or
    /// a sign-in adds.
    pub keys: KeySettings,
    pub request: TokenRequest,
    /// The `-H` headers as given (validated), for the cache key.
    pub extra_headers: Vec<(String, String)>,
    pub output: OutputSpec,
    pub trust: Trust,
    /// The proxy for `token_url` (a URL found in the metadata gets its own).
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

/// An optional text option's value; given but blank is a usage error.
fn text<'a>(value: &'a Option<Sourced<String>>, key: &str) -> Result<Option<&'a str>> {
    match value {
        Some(s) if s.value.trim().is_empty() => Err(usage(format!(
            "{} is empty: give a value or leave it out",
            s.option_name(key)
        ))),
        Some(s) => Ok(Some(&s.value)),
        None => Ok(None),
    }
}

/// An on/off option: on when given as on.
pub(crate) fn switch(value: &Option<Sourced<bool>>) -> bool {
    value.as_ref().is_some_and(|s| s.value)
}

impl Settings {
    pub fn resolve(l: &Layered, started: Instant) -> Result<Settings> {
        let allow_http = switch(&l.allow_http);
        let (token_url, issuer) = endpoints(l, allow_http)?;
        let client_id = client_id(l)?;
        let mut request = token_request(l)?;
        let extra_headers = list(&l.header)
            .iter()
            .map(|h| parse_header(h))
            .collect::<Result<Vec<_>>>()?;
        let output = output_spec(l)?;
        let (timeout, mut deadline) = transport::timing(l, started)?;
        let trust = transport::trust(l, deadline)?;
        let proxy = match &token_url {
            Some(url) => route(url, allow_http)?,
            None => None,
        };
        let auth = *built_in(&l.auth, "--auth")?;
        let mut keys = KeySettings::resolve(l, auth)?;
        // The grant's inputs and the secret come last: a usage error elsewhere
        // should not cost a prompt. The time a person takes to type does not count.
        let (grant, typing) = grant(l, &mut request, deadline)?;
        deadline += typing;
        let (auth, secret, typing) = client_auth(l, auth, &mut keys, &grant, deadline)?;
        deadline += typing;
        let lock_deadline = lock_deadline(&grant, deadline);
        warn_if_insecure(&trust);
        Ok(Settings {
            token_url,
            issuer,
            allow_http,
            client_id,
            secret,
            auth,
            grant,
            keys,
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

/// The token URL and the issuer, checked; at least one is given.
fn endpoints(l: &Layered, allow_http: bool) -> Result<(Option<String>, Option<String>)> {
    let given = |value: &Option<Sourced<String>>| {
        value
            .as_ref()
            .map(|s| s.value.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let (token_url, issuer) = (given(&l.token_url), given(&l.issuer));
    if token_url.is_none() && issuer.is_none() && l.service_account.is_none() {
        return Err(usage(
            "no token URL: pass -u/--token-url URL or --issuer URL, or set TOKN_TOKEN_URL or \
             TOKN_ISSUER",
        ));
    }
    if let Some(url) = &token_url {
        check_url(url, allow_http)?;
    }
    if let Some(url) = &issuer {
        check_url_of(url, "issuer URL", allow_http)?;
        if url.contains(['?', '#']) {
            return Err(usage(format!(
                "the issuer URL '{url}' has a query or a fragment, which an issuer never has \
                 (RFC 8414 §2)"
            )));
        }
    }
    Ok((token_url, issuer))
}

/// The client ID; optional when tokn signs a jwt-bearer assertion, whose
/// issuer then names the client.
fn client_id(l: &Layered) -> Result<String> {
    if grants::may_sign_an_assertion(l) {
        return Ok(l
            .client_id
            .as_ref()
            .map_or(String::new(), |c| c.value.clone()));
    }
    Ok(required_text(
        &l.client_id,
        "no client ID: pass -i/--client-id ID or set TOKN_CLIENT_ID",
    )?
    .to_string())
}

/// How the client authenticates, its secret, and the time spent typing it.
/// When tokn signs the grant's assertion, the key is the grant's, and `auto`
/// means a secret when one is given, else none (RFC 7523 §3 needs no client
/// authentication).
fn client_auth(
    l: &Layered,
    auth: AuthMethod,
    keys: &mut KeySettings,
    grant: &Grant,
    deadline: Instant,
) -> Result<(AuthMethod, Option<ClientSecret>, Duration)> {
    if grant.signs_its_assertion() && auth == AuthMethod::Auto {
        keys.key_for_the_grant();
        return Ok(match credentials::client_secret_if_given(l, deadline)? {
            Some(secret) => (auth, Some(secret), Duration::ZERO),
            None => (AuthMethod::None, None, Duration::ZERO),
        });
    }
    let (secret, typing) = client_secret(l, auth, keys, deadline)?;
    Ok((auth, secret, typing))
}

/// The client secret, when the client authentication may use one (none for
/// `none`, `tls` and `private_key_jwt`; for `auto` with a key or a certificate,
/// only one that is given: no prompt), and the time spent typing it.
fn client_secret(
    l: &Layered,
    auth: AuthMethod,
    keys: &KeySettings,
    deadline: Instant,
) -> Result<(Option<ClientSecret>, Duration)> {
    match auth {
        AuthMethod::None | AuthMethod::Tls | AuthMethod::PrivateKeyJwt => {
            Ok((None, Duration::ZERO))
        }
        AuthMethod::Auto if keys.can_replace_secret() => Ok((
            credentials::client_secret_if_given(l, deadline)?,
            Duration::ZERO,
        )),
        _ => credentials::client_secret(l, deadline).map(|(s, typing)| (Some(s), typing)),
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
    let format = *built_in(&l.format, "--format")?;
    Ok(OutputSpec {
        format,
        header_name: check_header_name(
            built_in(&l.header_name, "--header-name")?,
            "--header-name",
        )?,
        pattern: HeaderPattern::parse(built_in(&l.header_pattern, "--header-pattern")?)
            .map_err(usage)?,
        k8s_api: match format {
            Format::K8s => {
                let info = std::env::var("KUBERNETES_EXEC_INFO").ok();
                k8s::ApiVersion::requested(info.as_deref()).map_err(usage)?
            }
            _ => k8s::ApiVersion::default(),
        },
    })
}
