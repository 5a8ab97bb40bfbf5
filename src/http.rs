//! The only file that speaks HTTP (and the only one that imports ureq).
//!
//! It owns the transport rules of the SPEC: one deadline for the whole run, no
//! redirects, statuses ≥ 400 returned with their body, a 1 MiB cap on the body,
//! the trust store (system, `--cacert`, or none with `-k`), and the proxy that
//! `proxy.rs` chose. Failures come back already sorted into exit codes.

use std::io;
use std::time::{Duration, Instant, SystemTime};

use ureq::tls::{Certificate, RootCerts, TlsConfig};

use crate::error::{Exit, Failure};

/// The largest answer tokn reads; a token answer is a few kilobytes at most.
pub const MAX_BODY: u64 = 1024 * 1024;

/// Sent on the token request and on a proxy's CONNECT.
pub const USER_AGENT: &str = concat!("tokn/", env!("CARGO_PKG_VERSION"));

/// The largest status line and headers tokn reads.
pub const MAX_HEAD: usize = 64 * 1024;

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

/// Everything fixed about where and how the token request goes.
pub struct Transport {
    agent: ureq::Agent,
    url: String,
    proxy: Option<String>,
    deadline: Instant,
    timeout: Duration,
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
        proxy: Option<String>,
        timeout: Duration,
        deadline: Instant,
    ) -> Result<Transport, Failure> {
        let tls = match trust {
            Trust::System => TlsConfig::builder().root_certs(RootCerts::PlatformVerifier),
            Trust::Only(certs) => {
                TlsConfig::builder().root_certs(RootCerts::new_with_certs(&certs))
            }
            Trust::Nothing => TlsConfig::builder().disable_verification(true),
        };
        let ureq_proxy = match &proxy {
            None => None,
            Some(p) => Some(ureq::Proxy::new(p).map_err(|_| {
                Failure::new(Exit::Usage, format!("the proxy URL '{p}' is not valid"))
                    .detail("check HTTPS_PROXY, HTTP_PROXY and ALL_PROXY")
            })?),
        };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_response_header_size(MAX_HEAD)
            // ureq's 128 KiB defaults are zeroed on every run; a token exchange
            // needs room for a head of MAX_HEAD (with slack, so that the limit,
            // not a full buffer, is what an endless head meets) and a small form.
            .input_buffer_size(MAX_HEAD + MAX_HEAD / 2)
            .output_buffer_size(16 * 1024)
            .tls_config(tls.build())
            .proxy(ureq_proxy)
            .user_agent(USER_AGENT)
            .accept("application/json")
            .build()
            .new_agent();
        Ok(Transport {
            agent,
            url: url.to_string(),
            proxy,
            deadline,
            timeout,
        })
    }

    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// POST a form body with these headers (the defaults already merged in).
    pub fn post_form(&self, headers: &[(String, String)], body: &str) -> Result<Reply, SendError> {
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(self.timed_out());
        }
        let mut request = self.agent.post(&self.url);
        for (name, value) in headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let request = request.config().timeout_global(Some(remaining)).build();
        let response = request.send(body).map_err(|e| self.classify(e))?;
        self.reply(response)
    }

    /// GET the URL (a JWKS), with the same deadline, trust and body cap.
    pub fn get(&self) -> Result<Reply, SendError> {
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(self.timed_out());
        }
        let request = self.agent.get(&self.url);
        let request = request.config().timeout_global(Some(remaining)).build();
        let response = request.call().map_err(|e| self.classify(e))?;
        self.reply(response)
    }

    /// Status, the headers tokn reads, and the body (at most [`MAX_BODY`]).
    fn reply(&self, mut response: ureq::http::Response<ureq::Body>) -> Result<Reply, SendError> {
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

    fn timed_out(&self) -> SendError {
        SendError {
            failure: Failure::new(
                Exit::Network,
                format!(
                    "no answer within the timeout of {} s",
                    self.timeout.as_secs_f64()
                ),
            )
            .detail("raise it with --timeout SECONDS if the token endpoint is slow"),
            reset: false,
        }
    }

    fn classify(&self, err: ureq::Error) -> SendError {
        let network = |message: String| Failure::new(Exit::Network, message);
        let via = match &self.proxy {
            Some(p) => format!(" (through the proxy {p})"),
            None => String::new(),
        };
        let mut reset = false;
        let failure = match err {
            ureq::Error::Timeout(_) => return self.timed_out(),
            ureq::Error::HostNotFound => {
                network(format!("could not resolve the host of {}{via}", self.url))
            }
            ureq::Error::ConnectionFailed => {
                network(format!("could not connect to {}{via}", self.url))
            }
            ureq::Error::BodyExceedsLimit(_) => Failure::new(
                Exit::Server,
                "the token endpoint's answer is larger than 1 MiB; a token answer is a few kilobytes",
            ),
            ureq::Error::Protocol(e) => Failure::new(
                Exit::Server,
                format!("the token endpoint's answer is not valid HTTP: {e}"),
            ),
            ureq::Error::LargeResponseHeader(..) => Failure::new(
                Exit::Server,
                "the token endpoint's answer has headers larger than 64 KiB; \
                 a token answer has a few short ones",
            ),
            ureq::Error::Io(e) => match e.kind() {
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => return self.timed_out(),
                io::ErrorKind::ConnectionRefused => {
                    network(format!("connection refused by {}{via}", self.url))
                        .detail("check the URL and that the server is running")
                }
                io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe => {
                    reset = true;
                    network(format!("the connection to {} was reset{via}", self.url))
                }
                io::ErrorKind::UnexpectedEof => network(format!(
                    "the connection to {} closed before a whole answer arrived{via}",
                    self.url
                )),
                _ => tls_or_network(e.to_string(), &via),
            },
            ureq::Error::Tls(e) => tls_or_network(e.to_string(), &via),
            ureq::Error::Rustls(e) => tls_or_network(e.to_string(), &via),
            ureq::Error::Pem(e) => tls_or_network(e.to_string(), &via),
            ureq::Error::BadUri(e) => {
                Failure::new(Exit::Usage, format!("the token URL is not valid: {e}"))
            }
            ureq::Error::Http(e) => {
                Failure::new(Exit::Usage, format!("the request cannot be built: {e}"))
            }
            ureq::Error::InvalidProxyUrl => Failure::new(Exit::Usage, "the proxy URL is not valid")
                .detail("check HTTPS_PROXY, HTTP_PROXY and ALL_PROXY"),
            other => network(format!("the request to {} failed{via}: {other}", self.url)),
        };
        SendError { failure, reset }
    }
}

fn tls_or_network(message: String, via: &str) -> Failure {
    let failure = Failure::new(Exit::Network, format!("TLS failed{via}: {message}"));
    if message.to_ascii_lowercase().contains("certificate") || message.contains("UnknownIssuer") {
        failure
            .detail("the server's certificate is not trusted: pass its CA with --cacert PATH")
            .detail("(-k skips the check, and with it the protection of the secret)")
    } else {
        failure
    }
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
}
