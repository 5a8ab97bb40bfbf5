//! The only module that speaks HTTP: the one user of ureq's agent, with its
//! connector chain in `http/connect.rs` and its failures in `http/failure.rs`.
//!
//! It owns the transport rules of the SPEC: one deadline for the whole run, no
//! redirects, statuses ≥ 400 returned with their body, a 1 MiB cap on the body,
//! the trust store (system, `--cacert`, or none with `-k`), the client
//! certificate of mutual TLS (checked beforehand in `keys/tls.rs`), and the route
//! through the proxy that `proxy.rs` chose: a `CONNECT` tunnel for `https://`, SOCKS for
//! anything, and for plain `http://` through an HTTP proxy the absolute form
//! that curl sends. Failures come back already sorted into exit codes, and a
//! proxy's failures name the proxy, never its password.

mod connect;
mod failure;

use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use ureq::http::Uri;
use ureq::tls::{Certificate, ClientCert, PrivateKey};

use crate::diag;
use crate::error::{Exit, Failure};
use crate::keys::tls::ClientIdentity;
use crate::proxy::Proxy;
use connect::{agent, origin, watch};
use failure::proxy_refused;

/// The largest answer tokn reads; a token answer is a few kilobytes at most.
pub const MAX_BODY: u64 = 1024 * 1024;

/// Sent on the token request and on a proxy's CONNECT.
pub const USER_AGENT: &str = concat!("tokn/", env!("CARGO_PKG_VERSION"));

/// The largest status line and headers tokn reads.
pub const MAX_HEAD: usize = 64 * 1024;

/// The largest request head tokn sends: ureq's output buffer, which a head
/// must fit (ureq cannot split a header line across two).
pub const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// Room for what ureq adds to a head besides `Host` and `Content-Length`.
const ADDED_BY_CLIENT: usize = 64;

/// Which certificates a TLS server must chain to.
#[derive(Debug, Clone)]
pub enum Trust {
    /// The system's trust store, so a company CA installed there works.
    System,
    /// Only these CAs (`--cacert`).
    Only(Vec<Certificate<'static>>),
    /// No verification at all (`-k`).
    Nothing,
}

/// Read a PEM file of CA certificates for `--cacert`.
pub fn load_ca_file(pem: &[u8]) -> Result<Vec<Certificate<'static>>, String> {
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => certs.push(cert),
            Ok(_) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    if certs.is_empty() {
        return Err("it holds no PEM certificate".into());
    }
    Ok(certs)
}

/// How the request reaches the token endpoint.
enum Route {
    Direct,
    /// A `CONNECT` tunnel or a SOCKS connection, handled by ureq.
    Tunnel(Proxy),
    /// Plain `http://` sent to an HTTP proxy in absolute form.
    Forward(Proxy),
}

impl Route {
    fn proxy(&self) -> Option<&Proxy> {
        match self {
            Route::Direct => None,
            Route::Tunnel(p) | Route::Forward(p) => Some(p),
        }
    }
}

/// Everything fixed about where and how the token request goes.
pub struct Transport {
    agent: ureq::Agent,
    url: String,
    uri: Uri,
    /// The token endpoint's `host[:port]`, as `Host` names it.
    host: String,
    route: Route,
    deadline: Instant,
    timeout: Duration,
    /// What the URL is to the user ("the token endpoint"), for the failures.
    what: &'static str,
    /// Dropped with the transport, which stops the deadline's watchdog.
    _watchdog: Option<mpsc::Sender<()>>,
}

/// An HTTP answer of any status, body read in full (up to [`MAX_BODY`]).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

impl Reply {
    /// The `-v` line for an answer: `< HTTP 200 application/json, 75 bytes`.
    pub fn summary(&self) -> String {
        let content_type = self
            .content_type
            .as_deref()
            .map(|c| format!(" {c}"))
            .unwrap_or_default();
        format!(
            "< HTTP {}{content_type}, {} bytes",
            self.status,
            self.body.len()
        )
    }
}

/// A request that got no usable HTTP answer.
#[derive(Debug)]
pub struct SendError {
    pub failure: Failure,
    /// A reset connection, which a retry may cure.
    pub reset: bool,
}

impl Transport {
    pub fn new(
        url: &str,
        trust: Trust,
        identity: Option<&ClientIdentity>,
        proxy: Option<Proxy>,
        timeout: Duration,
        deadline: Instant,
    ) -> Result<Transport, Failure> {
        let uri: Uri = url
            .parse()
            .map_err(|_| Failure::new(Exit::Usage, "the token URL is not valid"))?;
        let host = uri.authority().map_or("", |a| a.as_str()).to_string();
        let route = match proxy {
            None => Route::Direct,
            Some(p) if !p.kind.is_socks() && uri.scheme_str() == Some("http") => Route::Forward(p),
            Some(p) => Route::Tunnel(p),
        };
        if let Some(p) = route.proxy() {
            let how = match (&route, p.kind.is_socks()) {
                (Route::Forward(_), _) => "requests in absolute form",
                (_, true) => "a SOCKS connection",
                _ => "a CONNECT tunnel",
            };
            diag::verbose(&format!("* through {}: {how}", p.named()));
        }
        let agent = agent(trust, identity.map(client_cert).transpose()?, &route)?;
        Ok(Transport {
            _watchdog: watch(agent.clone(), deadline),
            agent,
            url: url.to_string(),
            uri,
            host,
            route,
            deadline,
            timeout,
            what: "the token endpoint",
        })
    }

    /// Names the URL in failures by its role, when it is not the token endpoint
    /// (an issuer's metadata or JWKS).
    pub fn serving(mut self, what: &'static str) -> Transport {
        self.what = what;
        self
    }

    /// The proxy that gets plain `http://` requests in absolute form, if any.
    fn forward_proxy(&self) -> Option<&Proxy> {
        match &self.route {
            Route::Forward(p) => Some(p),
            _ => None,
        }
    }

    /// The credentials for that proxy, if it has them.
    fn proxy_authorization(&self) -> Option<String> {
        self.forward_proxy().and_then(Proxy::authorization)
    }

    /// What is left of the run's time; none left is the timeout's error.
    fn remaining(&self) -> Result<Duration, SendError> {
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(self.timed_out());
        }
        Ok(remaining)
    }

    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// POST a form body with these headers (the defaults already merged in).
    pub fn post_form(&self, headers: &[(String, String)], body: &str) -> Result<Reply, SendError> {
        let remaining = self.remaining()?;
        let mut headers = headers.to_vec();
        if let Some(credentials) = self.proxy_authorization() {
            headers.push(("Proxy-Authorization".into(), credentials));
        }
        self.check_head(&headers, body.len())?;
        let mut request = self.agent.post(self.uri.clone());
        for (name, value) in &headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let request = request.config().timeout_global(Some(remaining)).build();
        let response = request.send(body).map_err(|e| self.classify(e))?;
        self.through_proxy(self.read_reply(response)?)
    }

    /// GET the URL (a metadata document), with the agent's `Accept: application/json`.
    pub fn get(&self) -> Result<Reply, SendError> {
        let remaining = self.remaining()?;
        let mut request = self.agent.get(self.uri.clone());
        if let Some(credentials) = self.proxy_authorization() {
            request = request.header("Proxy-Authorization", credentials);
        }
        let request = request.config().timeout_global(Some(remaining)).build();
        let response = request.call().map_err(|e| self.classify(e))?;
        self.through_proxy(self.read_reply(response)?)
    }

    /// The reply, unless it is a forward proxy's 407 rather than the server's answer.
    fn through_proxy(&self, reply: Reply) -> Result<Reply, SendError> {
        match &self.route {
            Route::Forward(proxy) if reply.status == 407 => Err(SendError {
                failure: proxy_refused(proxy, 407, "asks for credentials"),
                reset: false,
            }),
            _ => Ok(reply),
        }
    }

    fn read_reply(
        &self,
        mut response: ureq::http::Response<ureq::Body>,
    ) -> Result<Reply, SendError> {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type");
        let location = header("location");
        let retry_after =
            header("retry-after").and_then(|v| parse_retry_after(&v, SystemTime::now()));
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|e| self.classify(e))?;
        Ok(Reply {
            status,
            content_type,
            location,
            retry_after,
            body,
        })
    }

    /// Refuse, before sending, a head that ureq could not write: its failure
    /// would read as the server's invalid HTTP.
    fn check_head(&self, headers: &[(String, String)], body_len: usize) -> Result<(), SendError> {
        let path = self.uri.path_and_query().map_or("/", |p| p.as_str());
        let target = match self.forward_proxy() {
            Some(_) => format!("{}{path}", origin(&self.uri)),
            None => path.to_string(),
        };
        let size = head_size(&target, &self.host, headers, body_len);
        if size <= MAX_REQUEST_HEAD {
            return Ok(());
        }
        Err(SendError {
            failure: Failure::new(
                Exit::Usage,
                format!(
                    "the request's head would be {:.1} KiB; tokn sends at most {} KiB",
                    size as f64 / 1024.0,
                    MAX_REQUEST_HEAD / 1024
                ),
            )
            .detail("shorten the -H values, the token URL, or the client ID (sent in a header by --auth basic)"),
            reset: false,
        })
    }
}

/// The certificate and key as ureq takes them; `ClientIdentity::load` has
/// already checked that rustls accepts the pair, so ureq will not panic on it.
fn client_cert(identity: &ClientIdentity) -> Result<ClientCert, Failure> {
    let chain: Vec<Certificate<'static>> = identity
        .chain
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()).to_owned())
        .collect();
    // ureq names the key's kind with a type it does not export: let it read
    // the PEM (which holds exactly this one key) itself.
    let key = PrivateKey::from_pem(&identity.key_pem).map_err(|e| {
        Failure::new(
            Exit::Usage,
            format!("the client certificate's key cannot be used: {e}"),
        )
    })?;
    Ok(ClientCert::new_with_certs(&chain, key))
}

/// The bytes of the head ureq writes: the request line, the headers, and the
/// `Host` and `Content-Length` it adds (with room for anything else it adds).
fn head_size(target: &str, host: &str, headers: &[(String, String)], body_len: usize) -> usize {
    let line = "POST  HTTP/1.1\r\n".len() + target.len();
    let has_host = headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host"));
    let host = if has_host {
        0
    } else {
        "Host: \r\n".len() + host.len()
    };
    let fields: usize = headers.iter().map(|(n, v)| n.len() + v.len() + 4).sum();
    let length = "Content-Length: \r\n".len() + body_len.to_string().len();
    line + host + fields + length + ADDED_BY_CLIENT + 2
}

/// `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn a_ca_file_without_certificates_is_refused() {
        assert!(load_ca_file(b"not a pem").is_err());
    }

    #[test]
    fn the_head_size_counts_what_ureq_writes() {
        let headers = [("Accept".to_string(), "x".to_string())];
        let written = "POST /t HTTP/1.1\r\nHost: idp\r\nAccept: x\r\nContent-Length: 10\r\n\r\n";
        assert_eq!(
            head_size("/t", "idp", &headers, 10),
            written.len() + ADDED_BY_CLIENT
        );
    }
}
