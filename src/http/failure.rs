//! What went wrong, in words a person can act on, with the SPEC's exit code:
//! the timeout, the failures of the server asked (the token endpoint, an
//! issuer's metadata or JWKS), and a proxy's, which name the
//! proxy and the variable that chose it and never its password.

use std::io;
use std::time::Instant;

use super::connect::unwrap_proxy_step;
use super::{Route, SendError, Transport};
use crate::error::{Exit, Failure};
use crate::proxy::Proxy;

impl Transport {
    pub(super) fn timed_out(&self) -> SendError {
        let mut failure = Failure::new(
            Exit::Network,
            format!(
                "no answer within the timeout of {} s",
                self.timeout.as_secs_f64()
            ),
        );
        if let Some(p) = self.route.proxy() {
            failure = failure.detail(format!("through {}", p.named()));
        }
        SendError {
            failure: failure.detail(format!(
                "raise it with --timeout SECONDS if {} is slow",
                self.what
            )),
            reset: false,
        }
    }

    pub(super) fn classify(&self, err: ureq::Error) -> SendError {
        let (err, in_proxy_step) = unwrap_proxy_step(err);
        if Instant::now() >= self.deadline || is_timeout(&err) {
            return self.timed_out();
        }
        let reset = matches!(&err, ureq::Error::Io(e) if is_reset(e));
        let failure = match &self.route {
            Route::Tunnel(proxy) | Route::Forward(proxy) if in_proxy_step => {
                self.proxy_failure(err, proxy)
            }
            _ => self.endpoint_failure(err),
        };
        SendError { failure, reset }
    }

    /// A failure between tokn and the server asked (through a tunnel, if any).
    fn endpoint_failure(&self, err: ureq::Error) -> Failure {
        let network = |message: String| Failure::new(Exit::Network, message);
        let (url, what) = (&self.url, self.what);
        let via = match self.route.proxy() {
            Some(p) => format!(" (through the proxy {})", p.shown()),
            None => String::new(),
        };
        match err {
            ureq::Error::HostNotFound => {
                network(format!("could not resolve the host of {url}{via}"))
            }
            ureq::Error::ConnectionFailed => network(format!("could not connect to {url}{via}")),
            ureq::Error::BodyExceedsLimit(_) => Failure::new(
                Exit::Server,
                format!(
                    "the answer from {what} is larger than 1 MiB; it should be a few kilobytes"
                ),
            ),
            ureq::Error::Protocol(e) => Failure::new(
                Exit::Server,
                format!("the answer from {what} is not valid HTTP{via}: {e}"),
            ),
            ureq::Error::LargeResponseHeader(..) => Failure::new(
                Exit::Server,
                format!("the answer from {what} has headers larger than 64 KiB"),
            ),
            ureq::Error::Io(e) => match e.kind() {
                io::ErrorKind::ConnectionRefused => {
                    network(format!("connection refused by {url}{via}"))
                        .detail("check the URL and that the server is running")
                }
                _ if is_reset(&e) => network(format!("the connection to {url} was reset{via}")),
                io::ErrorKind::UnexpectedEof => network(format!(
                    "the connection to {url} closed before a whole answer arrived{via}"
                )),
                // rustls reports its failures as invalid data.
                io::ErrorKind::InvalidData if self.uri.scheme_str() == Some("https") => {
                    tls_or_network(e.to_string(), &via)
                }
                _ if is_dns(&e) => {
                    network(format!("could not resolve the host of {url}{via}: {e}"))
                }
                _ => network(format!("could not reach {url}{via}: {e}")),
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
            other => network(format!("the request to {url} failed{via}: {other}")),
        }
    }

    /// A failure on the way to the proxy or in its handshake: exit 3, naming the
    /// proxy (never its password) and the variable that chose it.
    fn proxy_failure(&self, err: ureq::Error, proxy: &Proxy) -> Failure {
        let name = proxy.named();
        let network = |message: String| Failure::new(Exit::Network, message);
        let check = format!("check {} and that the proxy is running", proxy.variable);
        match err {
            ureq::Error::HostNotFound => {
                network(format!("could not resolve the host of {name}")).detail(check)
            }
            ureq::Error::Io(e) if is_dns(&e) => {
                network(format!("could not resolve the host of {name}: {e}")).detail(check)
            }
            ureq::Error::ConnectionFailed => {
                network(format!("could not connect to {name}")).detail(check)
            }
            ureq::Error::Io(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
                network(format!("connection refused by {name}")).detail(check)
            }
            ureq::Error::ConnectProxyFailed(reason) => match connect_status(&reason) {
                Some(status) => {
                    proxy_refused(proxy, status, &format!("refused a tunnel to {}", self.host))
                }
                None => network(format!(
                    "{name} closed the connection without answering CONNECT"
                )),
            },
            ureq::Error::Protocol(e) => network(format!(
                "{name} answered CONNECT with something that is not valid HTTP: {e}"
            )),
            ureq::Error::Io(e)
                if e.kind() == io::ErrorKind::InvalidData && !proxy.kind.is_socks() =>
            {
                network(format!("TLS with {name} failed: {e}"))
            }
            ureq::Error::Io(e) => network(format!("{name} failed: {e}")),
            ureq::Error::Tls(e) => network(format!("TLS with {name} failed: {e}")),
            ureq::Error::Rustls(e) => network(format!("TLS with {name} failed: {e}")),
            other => network(format!("{name} failed: {other}")),
        }
    }
}

/// A proxy's refusal (407, 403, …): exit 3, with what to check for a 407.
pub(super) fn proxy_refused(proxy: &Proxy, status: u16, what: &str) -> Failure {
    let reason = ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default();
    let failure = Failure::new(
        Exit::Network,
        format!("{} {what} (HTTP {status}{reason})", proxy.named()),
    );
    match (status, proxy.has_credentials()) {
        (407, true) => failure.detail(format!("check the user and password in {}", proxy.variable)),
        (407, false) => failure.detail(format!(
            "put them in the URL: {}={}://USER:PASSWORD@{}:{}",
            proxy.variable,
            proxy.kind.scheme(),
            proxy.host,
            proxy.port
        )),
        _ => failure,
    }
}

/// The status in ureq's "proxy server responded 407/…" (none when the proxy
/// closed without an answer).
fn connect_status(reason: &str) -> Option<u16> {
    let rest = reason.split("responded ").nth(1)?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

fn is_timeout(err: &ureq::Error) -> bool {
    match err {
        ureq::Error::Timeout(_) => true,
        ureq::Error::Io(e) => matches!(
            e.kind(),
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
        ),
        _ => false,
    }
}

fn is_reset(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
    )
}

/// The resolver's failure, which the standard library reports with this text
/// and no kind of its own.
fn is_dns(e: &io::Error) -> bool {
    e.to_string().contains("failed to lookup address")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_of_a_refused_connect() {
        assert_eq!(connect_status("proxy server responded 407/407"), Some(407));
        assert_eq!(connect_status("proxy server did not respond"), None);
    }

    #[test]
    fn a_407_says_where_the_credentials_go_and_never_shows_them() {
        let bare = Proxy::parse("http://p:3128", "HTTPS_PROXY").unwrap();
        let failure = proxy_refused(&bare, 407, "refused a tunnel to idp:443");
        assert_eq!(
            failure.message,
            "the proxy http://p:3128 (from HTTPS_PROXY) refused a tunnel to idp:443 \
             (HTTP 407 Proxy Authentication Required)"
        );
        assert_eq!(
            failure.details,
            ["put them in the URL: HTTPS_PROXY=http://USER:PASSWORD@p:3128"]
        );
        let with = Proxy::parse("http://u:failure-test-pw@p:3128", "HTTPS_PROXY").unwrap();
        let failure = proxy_refused(&with, 407, "asks for credentials");
        assert!(!format!("{} {:?}", failure.message, failure.details).contains("failure-test-pw"));
        assert_eq!(
            failure.details,
            ["check the user and password in HTTPS_PROXY"]
        );
    }
}
