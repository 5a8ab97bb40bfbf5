//! ureq's connector chain with what tokn adds to it: plain `http://` sent to
//! an HTTP proxy in absolute form, the proxy's steps marked so that their
//! failures are reported as the proxy's, and a watchdog that holds every
//! connection to the deadline of `--timeout`.

use std::fmt;
use std::sync::mpsc;
use std::time::Instant;

use ureq::ProxyProtocol;
use ureq::http::Uri;
use ureq::tls::{ClientCert, RootCerts, TlsConfig};
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{
    Buffers, ConnectProxyConnector, ConnectionDetails, Connector, Either, NextTimeout,
    RustlsConnector, SocksConnector, TcpConnector, Transport as Wire,
};

use super::{MAX_HEAD, MAX_REQUEST_HEAD, Route, Trust, USER_AGENT};
use crate::error::{Exit, Failure};

/// A ureq agent with tokn's limits, for this route, presenting `client_cert`
/// when a server asks for one.
pub(super) fn agent(
    trust: Trust,
    client_cert: Option<ClientCert>,
    route: &Route,
) -> Result<ureq::Agent, Failure> {
    let tls = match trust {
        Trust::System => TlsConfig::builder().root_certs(RootCerts::PlatformVerifier),
        Trust::Only(certs) => TlsConfig::builder().root_certs(RootCerts::new_with_certs(&certs)),
        Trust::Nothing => TlsConfig::builder().disable_verification(true),
    }
    .client_cert(client_cert);
    let proxy = match route.proxy() {
        Some(p) => Some(ureq::Proxy::new(&p.url_with_credentials()).map_err(|_| {
            Failure::new(
                Exit::Usage,
                format!("the proxy URL in {} is not valid", p.variable),
            )
        })?),
        None => None,
    };
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_response_header_size(MAX_HEAD)
        // ureq's 128 KiB defaults are zeroed on every run; a token exchange
        // needs room for a head of MAX_HEAD (with slack, so that the limit,
        // not a full buffer, is what an endless head meets) and a small form.
        .input_buffer_size(MAX_HEAD + MAX_HEAD / 2)
        .output_buffer_size(MAX_REQUEST_HEAD)
        .tls_config(tls.build())
        .proxy(proxy)
        .user_agent(USER_AGENT)
        .accept("application/json")
        .build();
    // ureq's default chain, with absolute form added and the proxy steps marked.
    let connector =
        ().chain(ProxyStep(ForwardConnector::default()))
            .chain(ProxyStep(SocksConnector::default()))
            .chain(ProxyStep(ConnectProxyConnector::default()))
            .chain(TcpConnector::default())
            .chain(RustlsConnector::default());
    Ok(ureq::Agent::with_parts(
        config,
        connector,
        DefaultResolver::default(),
    ))
}

/// Shut the agent down when the deadline passes, which ends every connection
/// it holds. ureq bounds each read by the time that was left when a step
/// began, so a peer that trickles bytes (a proxy's CONNECT answer, a SOCKS
/// handshake) could keep a step alive past `--timeout`. Dropping the returned
/// sender ends the watch.
pub(super) fn watch(agent: ureq::Agent, deadline: Instant) -> Option<mpsc::Sender<()>> {
    let (stop, stopped) = mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("deadline".into())
        .spawn(move || {
            let left = deadline.saturating_duration_since(Instant::now());
            if stopped.recv_timeout(left) == Err(mpsc::RecvTimeoutError::Timeout) {
                agent.shutdown();
            }
        })
        .ok()
        .map(|_| stop)
}

/// `scheme://host[:port]` of a URL, which the absolute form puts before the path.
pub(super) fn origin(uri: &Uri) -> String {
    format!(
        "{}://{}",
        uri.scheme_str().unwrap_or("http"),
        uri.authority().map_or("", |a| a.as_str())
    )
}

/// Plain `http://` through an HTTP proxy, as curl sends it: a connection to the
/// proxy (over TLS for an `https://` proxy) on which every request line names
/// the whole URL (`POST http://idp/token HTTP/1.1`, RFC 9112 §3.2.2). ureq
/// only tunnels with `CONNECT`, which many proxies allow only to port 443.
#[derive(Debug, Default)]
struct ForwardConnector {
    tcp: TcpConnector,
    tls: RustlsConnector,
}

impl<In: Wire> Connector<In> for ForwardConnector {
    type Out = Either<In, AbsoluteForm>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let proxy = match details.config.proxy() {
            Some(p)
                if chained.is_none()
                    && details.uri.scheme_str() == Some("http")
                    && matches!(p.protocol(), ProxyProtocol::Http | ProxyProtocol::Https) =>
            {
                p
            }
            _ => return Ok(chained.map(Either::A)),
        };
        let to_proxy = ConnectionDetails {
            uri: proxy.uri(),
            addrs: details
                .resolver
                .resolve(proxy.uri(), details.config, details.timeout)?,
            config: details.config,
            request_level: details.request_level,
            resolver: details.resolver,
            now: details.now,
            timeout: details.timeout,
            current_time: details.current_time.clone(),
            run_connector: details.run_connector.clone(),
            register_shutdown: details.register_shutdown.clone(),
        };
        let tcp = Connector::<()>::connect(&self.tcp, &to_proxy, None)?;
        let wire = self
            .tls
            .connect(&to_proxy, tcp)?
            .ok_or(ureq::Error::ConnectionFailed)?;
        Ok(Some(Either::B(AbsoluteForm {
            inner: wire.boxed(),
            origin: origin(details.uri),
            at_request_start: true,
        })))
    }
}

/// A connection to a proxy that puts the origin in front of the path of each
/// request line ureq writes. A request starts with the first write after an
/// answer was read (or the first write of all).
#[derive(Debug)]
struct AbsoluteForm {
    inner: Box<dyn Wire>,
    origin: String,
    at_request_start: bool,
}

impl Wire for AbsoluteForm {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        if !self.at_request_start {
            return self.inner.transmit_output(amount, timeout);
        }
        self.at_request_start = false;
        let written = self.inner.buffers().output()[..amount].to_vec();
        let rewritten = absolute_request_line(&written, &self.origin);
        let room = self.inner.buffers().output().len().max(1);
        for piece in rewritten.chunks(room) {
            self.inner.buffers().output()[..piece.len()].copy_from_slice(piece);
            self.inner.transmit_output(piece.len(), timeout)?;
        }
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.at_request_start = true;
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }
}

/// `POST /path HTTP/1.1…` → `POST http://host/path HTTP/1.1…`; anything else as is.
fn absolute_request_line(head: &[u8], origin: &str) -> Vec<u8> {
    match head.iter().position(|&b| b == b' ') {
        Some(space) if head.get(space + 1) == Some(&b'/') => {
            let mut out = Vec::with_capacity(head.len() + origin.len());
            out.extend_from_slice(&head[..=space]);
            out.extend_from_slice(origin.as_bytes());
            out.extend_from_slice(&head[space + 1..]);
            out
        }
        _ => head.to_vec(),
    }
}

/// A proxy's part of the connection (the SOCKS handshake, CONNECT and the
/// connection to the proxy under it), marked so that its failures are reported
/// as the proxy's and not the token endpoint's.
#[derive(Debug)]
struct ProxyStep<C>(C);

impl<In: Wire, C: Connector<In>> Connector<In> for ProxyStep<C> {
    type Out = C::Out;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<C::Out>, ureq::Error> {
        self.0
            .connect(details, chained)
            .map_err(|e| ureq::Error::Other(Box::new(ProxyStepError(e))))
    }
}

#[derive(Debug)]
struct ProxyStepError(ureq::Error);

impl fmt::Display for ProxyStepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "proxy: {}", self.0)
    }
}

impl std::error::Error for ProxyStepError {}

/// The error inside the mark of [`ProxyStep`], and whether it was there.
pub(super) fn unwrap_proxy_step(err: ureq::Error) -> (ureq::Error, bool) {
    match err {
        ureq::Error::Other(e) => match e.downcast::<ProxyStepError>() {
            Ok(step) => (unwrap_proxy_step(step.0).0, true),
            Err(e) => (ureq::Error::Other(e), false),
        },
        e => (e, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_goes_before_the_path_of_the_request_line() {
        let uri: Uri = "http://idp.test:8080/t?a=1".parse().unwrap();
        assert_eq!(origin(&uri), "http://idp.test:8080");
        assert_eq!(
            absolute_request_line(b"POST /t?a=1 HTTP/1.1\r\nHost: x\r\n", &origin(&uri)),
            b"POST http://idp.test:8080/t?a=1 HTTP/1.1\r\nHost: x\r\n"
        );
        assert_eq!(absolute_request_line(b"body=1", "http://h"), b"body=1");
    }

    #[test]
    fn a_marked_failure_is_found_under_any_number_of_marks() {
        let marked = |e| ureq::Error::Other(Box::new(ProxyStepError(e)));
        let (err, in_step) = unwrap_proxy_step(marked(marked(ureq::Error::HostNotFound)));
        assert!(in_step && matches!(err, ureq::Error::HostNotFound));
        let (err, in_step) = unwrap_proxy_step(ureq::Error::ConnectionFailed);
        assert!(!in_step && matches!(err, ureq::Error::ConnectionFailed));
    }
}
