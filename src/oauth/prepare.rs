//! What a fetch settles before its first token request: the signing key and the
//! client certificate read and checked (a usage error here still comes before
//! anything is sent), the issuer's metadata, the token URL and its proxy, and
//! the client authentication attempts in order.
//!
//! None of this runs when the cache serves the token: the cache key is made of
//! the settings as given (the issuer, the key paths), not of what they lead to.

use std::time::Instant;

use anyhow::Result;

use crate::cache::Cache;
use crate::diag;
use crate::error::{Exit, Failure, failure_of, usage};
use crate::http::{Reply, Transport};
use crate::keys::SigningKey;
use crate::keys::tls::ClientIdentity;
use crate::oauth::client_auth::Attempt;
use crate::oauth::grant::{Assertion, Grant};
use crate::oauth::metadata::{self, Metadata};
use crate::oauth::service_account::ServiceAccount;
use crate::settings::{Settings, route};

/// The request's destination and the client's means, ready for the exchange.
pub struct Prepared {
    pub token_url: String,
    /// The client certificate, for every request's transport.
    pub identity: Option<ClientIdentity>,
    pub signing_key: Option<SigningKey>,
    /// The client authentication attempts, in order.
    pub plan: Vec<Attempt>,
    /// The issuer's metadata, for the endpoints of a sign-in.
    pub metadata: Option<Metadata>,
    /// For a jwt-bearer assertion tokn signs: the key, and the service account
    /// it may come from.
    pub assertion_key: Option<SigningKey>,
    pub service_account: Option<ServiceAccount>,
}

/// Load the keys, read the metadata (from `cache` when it holds a fresh copy),
/// and choose the token URL and the attempts. `deadline` bounds every request.
pub fn prepare(
    settings: &Settings,
    has_secret: bool,
    cache: Option<&Cache>,
    deadline: Instant,
) -> Result<Prepared> {
    let signing_key = settings.keys.load_signing_key(deadline)?;
    let (service_account, assertion_key) = assertion_signer(settings, deadline)?;
    let identity = settings.keys.load_client_identity(deadline)?;
    if let Some(identity) = &identity {
        diag::verbose(&format!("* client certificate from {}", identity.origin));
    }
    let metadata = match &settings.issuer {
        Some(issuer) => {
            let refresh = settings.cache.is_some_and(|c| c.refresh);
            let get = |url: &str| get(settings, identity.as_ref(), url, deadline);
            Some(metadata::load(issuer, cache, refresh, &get)?)
        }
        None => None,
    };
    let token_url = match (&settings.token_url, &service_account) {
        (None, Some(account)) => service_account_url(settings, account)?,
        _ => token_url(settings, metadata.as_ref(), identity.is_some())?,
    };
    let supported = metadata.as_ref().and_then(Metadata::auth_methods);
    let plan = settings
        .auth
        .plan(settings.keys.means(has_secret), supported.as_deref());
    if let Some(note) = &plan.note {
        diag::verbose(note);
    }
    Ok(Prepared {
        token_url,
        identity,
        signing_key,
        plan: plan.attempts,
        metadata,
        assertion_key,
        service_account,
    })
}

/// For a jwt-bearer assertion tokn signs: the service-account file, read, and
/// the key, from `--signing-key` when given (options beat the file), else the
/// file's `private_key`.
fn assertion_signer(
    settings: &Settings,
    deadline: Instant,
) -> Result<(Option<ServiceAccount>, Option<SigningKey>)> {
    let Grant::JwtBearer(Assertion::Signed(signed)) = &settings.grant else {
        return Ok((None, None));
    };
    let account = signed
        .service_account
        .as_ref()
        .map(|(path, option)| ServiceAccount::load(path, option, deadline))
        .transpose()?;
    let key = match (&settings.keys.signing_key, &account) {
        (Some(path), _) => {
            SigningKey::load(&path.value, &path.option_name("signing_key"), deadline)?
        }
        (None, Some(account)) => SigningKey::from_pem(
            account.private_key.expose().as_bytes(),
            &format!("the private_key of {}", account.origin),
        )?,
        (None, None) => {
            return Err(Failure::new(Exit::Bug, "an assertion to sign and no key").into());
        }
    };
    key.choose_alg(settings.keys.jwt.alg)?;
    Ok((account, Some(key)))
}

/// A service account's `token_uri`, checked like a token URL; the file's fault
/// when it cannot be used.
fn service_account_url(settings: &Settings, account: &ServiceAccount) -> Result<String> {
    let url = &account.token_uri;
    if let Err(err) = route(url, settings.allow_http) {
        return Err(usage(format!(
            "the token_uri of {} cannot be used: {err}",
            account.origin
        )));
    }
    diag::verbose(&format!(
        "* token endpoint from the service account's token_uri: {url}"
    ));
    Ok(url.clone())
}

/// The endpoint a sign-in needs: the option's URL when given, else the
/// metadata's `field` (checked like the token URL, and the server's fault when
/// it cannot be used).
pub fn sign_in_endpoint(
    given: Option<&str>,
    metadata: Option<&Metadata>,
    field: &str,
    option: &str,
    allow_http: bool,
) -> Result<String> {
    if let Some(url) = given {
        return Ok(url.to_string());
    }
    let url = metadata.and_then(|m| m.text(field)).ok_or_else(|| {
        let at = metadata.map_or(String::new(), |m| format!(" at {}", m.url));
        Failure::new(Exit::Server, format!("the metadata{at} names no {field}"))
            .detail(format!("give the endpoint with {option} URL"))
    })?;
    if let Err(err) = route(url, allow_http) {
        return Err(Failure::new(
            Exit::Server,
            format!("the metadata's {field} cannot be used: {err}"),
        )
        .into());
    }
    diag::verbose(&format!("* {field} from the metadata: {url}"));
    Ok(url.to_string())
}

/// A GET of a metadata location, through the proxy for its URL.
fn get(
    settings: &Settings,
    identity: Option<&ClientIdentity>,
    url: &str,
    deadline: Instant,
) -> Result<Reply> {
    let transport = Transport::new(
        url,
        settings.trust.clone(),
        identity,
        route(url, settings.allow_http)?,
        settings.timeout,
        deadline,
    )?
    .serving("the issuer's metadata location");
    transport.get().map_err(|e| e.failure.into())
}

/// `-u` when given; else the metadata's mTLS alias when a client certificate
/// is used (RFC 8705 §5), else its `token_endpoint`.
fn token_url(
    settings: &Settings,
    metadata: Option<&Metadata>,
    has_certificate: bool,
) -> Result<String> {
    if let Some(url) = &settings.token_url {
        return Ok(url.clone());
    }
    let Some(metadata) = metadata else {
        return Err(Failure::new(Exit::Bug, "neither a token URL nor metadata").into());
    };
    let (url, field) = match (has_certificate, metadata.mtls_token_endpoint()) {
        (true, Some(alias)) => (alias, "mtls_endpoint_aliases.token_endpoint"),
        _ => match metadata.token_endpoint() {
            Some(url) => (url, "token_endpoint"),
            None => {
                return Err(Failure::new(
                    Exit::Server,
                    format!("the metadata at {} names no token_endpoint", metadata.url),
                )
                .detail("give the token endpoint with -u/--token-url")
                .into());
            }
        },
    };
    if let Err(err) = route(url, settings.allow_http) {
        // The server named it, so it is the server's answer that is unusable.
        let mut failure = Failure::new(
            Exit::Server,
            format!("the metadata's {field} cannot be used: {err}"),
        );
        for line in failure_of(&err)
            .map(|f| f.details.clone())
            .unwrap_or_default()
        {
            failure = failure.detail(line);
        }
        return Err(failure.into());
    }
    diag::verbose(&format!(
        "* token endpoint from the metadata's {field}: {url}"
    ));
    Ok(url.to_string())
}
