//! The transport settings: how long the run may take, and which certificates
//! a TLS server must chain to, for the token URL and for the other URLs of
//! a run.

use std::time::{Duration, Instant};

use anyhow::Result;

use ureq::http::Uri;

use crate::endpoint::{check_url, is_loopback};
use crate::error::{Exit, Failure, usage};
use crate::files;
use crate::http::{self, Transport, Trust};
use crate::options::Layered;

use super::{built_in, switch};

/// The `--timeout` as a duration, and the instant the run must end by.
pub fn timing(l: &Layered, started: Instant) -> Result<(Duration, Instant)> {
    let secs = *built_in(&l.timeout, "--timeout")?;
    let name = l
        .timeout
        .as_ref()
        .map_or("--timeout".to_string(), |t| t.option_name("timeout"));
    if !(secs.is_finite() && secs > 0.0) {
        return Err(usage(format!(
            "{name} {secs} is not a positive number of seconds"
        )));
    }
    let too_large = || usage(format!("{name} {secs} is too large"));
    let timeout = Duration::try_from_secs_f64(secs).map_err(|_| too_large())?;
    let deadline = started.checked_add(timeout).ok_or_else(too_large)?;
    Ok((timeout, deadline))
}

/// The system's trust store, the `--cacert` file's CAs, or nothing with `-k`.
pub fn trust(l: &Layered, deadline: Instant) -> Result<Trust> {
    if switch(&l.insecure) {
        return Ok(Trust::Nothing);
    }
    let Some(cacert) = &l.cacert else {
        return Ok(Trust::System);
    };
    let path = &cacert.value;
    let pem = files::read_ca_file(path, deadline)?;
    let certs = http::load_ca_file(&pem).map_err(|e| {
        usage(format!(
            "the --cacert file '{}' is not usable: {e}",
            path.display()
        ))
    })?;
    Ok(Trust::Only(certs))
}

/// What every request of a run shares: its timeout, the deadline of the whole
/// run, and the certificates a server must chain to (a `--cacert` pipe can be
/// read only once).
pub struct Reach {
    timeout: Duration,
    deadline: Instant,
    trust: Trust,
}

impl Reach {
    pub fn of(l: &Layered, started: Instant) -> Result<Reach> {
        let (timeout, deadline) = timing(l, started)?;
        let trust = trust(l, deadline)?;
        Ok(Reach {
            timeout,
            deadline,
            trust,
        })
    }
}

/// A transport to a URL the issuer named (its metadata, its JWKS), with this
/// run's deadline, trust and proxy, under the token URL's plain-http rule. A
/// URL that breaks the rule is the server's doing: exit 5.
pub fn for_url(l: &Layered, reach: &Reach, url: &str, what: &'static str) -> Result<Transport> {
    let unusable = |why: &str| Failure::new(Exit::Server, format!("{what} '{url}' {why}"));
    let uri: Uri = url.parse().map_err(|_| unusable("is not a valid URL"))?;
    let host = uri
        .host()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let scheme = match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => "https",
        Some(s) if s.eq_ignore_ascii_case("http") => "http",
        _ => return Err(unusable("is not an https:// URL").into()),
    };
    if host.is_empty() {
        return Err(unusable("has no host").into());
    }
    if scheme == "http" && !switch(&l.allow_http) && !is_loopback(&host) {
        return Err(unusable("is plain http")
            .detail("pass --allow-http if the network path is trusted")
            .into());
    }
    let proxy = crate::proxy::proxy_for(scheme, &host, |name| std::env::var(name).ok())?;
    let Reach {
        timeout,
        deadline,
        trust,
    } = reach;
    Ok(Transport::new(url, trust.clone(), None, proxy, *timeout, *deadline)?.serving(what))
}

/// The proxy for a request to `url` (checked by the token URL's rules first,
/// as URLs found in metadata have not been yet).
pub fn route(url: &str, allow_http: bool) -> Result<Option<crate::proxy::Proxy>> {
    let (scheme, host) = check_url(url, allow_http)?;
    crate::proxy::proxy_for(scheme, &host, |name| std::env::var(name).ok())
}
