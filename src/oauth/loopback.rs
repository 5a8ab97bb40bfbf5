//! The loopback redirect of a browser sign-in (RFC 8252 §7.3): tokn listens on
//! 127.0.0.1, the browser comes back to it with the code (or an error), and the
//! browser gets a short page saying it may close the tab.
//!
//! Only the redirect's path counts; anything else (a favicon, a stray request)
//! gets a 404 and the wait goes on. A redirect whose `state` is not the one
//! tokn sent ends the sign-in: it did not come from this request. What a
//! request means is the pure function [`judge`]; the listener only carries
//! bytes to it and a page back.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::error::{Exit, Failure, usage};
use crate::secret::Secret;

/// The largest request head read from the browser.
const MAX_REQUEST: usize = 16 * 1024;
/// How long a connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections handled at once; more are closed unread.
const MAX_CONNECTIONS: usize = 16;

/// Where the redirect comes back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// `127.0.0.1` or `localhost`, as the redirect URI says it.
    pub host: String,
    /// 0: a free port.
    pub port: u16,
    pub path: String,
}

impl Default for Redirect {
    fn default() -> Redirect {
        Redirect {
            host: "127.0.0.1".into(),
            port: 0,
            path: "/callback".into(),
        }
    }
}

impl Redirect {
    /// `--redirect-uri`: `http://127.0.0.1:PORT/PATH` (or `localhost`).
    pub fn parse(uri: &str) -> Result<Redirect, String> {
        let rest = uri
            .strip_prefix("http://")
            .ok_or("it must start with http:// (a loopback redirect, RFC 8252)")?;
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, "/"),
        };
        if path.contains(['?', '#']) {
            return Err("it must have no query or fragment".into());
        }
        let (host, port) = authority
            .rsplit_once(':')
            .ok_or("it must name a port, as in http://127.0.0.1:8400/callback")?;
        if host != "127.0.0.1" && !host.eq_ignore_ascii_case("localhost") {
            return Err("its host must be 127.0.0.1 or localhost".into());
        }
        let port = port
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or("its port must be a number from 1 to 65535")?;
        Ok(Redirect {
            host: host.to_string(),
            port,
            path: path.to_string(),
        })
    }
}

/// What one request to the listener means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not the redirect: answered with a 404, and the wait goes on.
    NotOurs,
    /// The code to exchange.
    Code(String),
    /// The server sent the browser back with an error (RFC 6749 §4.1.2.1).
    Error {
        error: String,
        description: Option<String>,
        uri: Option<String>,
    },
    /// A `state` other than the one sent: not an answer to this request.
    WrongState,
    /// Neither a code nor an error.
    NoCode,
}

/// What a request target (`/callback?code=…&state=…`) means for a redirect
/// expected at `path` with `state`.
pub fn judge(target: &str, path: &str, state: &str) -> Verdict {
    let (target_path, query) = target.split_once('?').unwrap_or((target, ""));
    if target_path != path {
        return Verdict::NotOurs;
    }
    let param = |name: &str| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let got_state = param("state");
    if got_state.as_deref().is_some_and(|s| s != state) {
        return Verdict::WrongState;
    }
    if let Some(error) = param("error") {
        return Verdict::Error {
            error,
            description: param("error_description"),
            uri: param("error_uri"),
        };
    }
    if got_state.is_none() {
        return Verdict::WrongState;
    }
    match param("code") {
        Some(code) if !code.is_empty() => Verdict::Code(code),
        _ => Verdict::NoCode,
    }
}

/// A bound listener, waiting for one redirect.
pub struct Listener {
    listener: TcpListener,
    redirect_uri: String,
    path: String,
}

impl Listener {
    /// Listen on 127.0.0.1 at the redirect's port (a free one for port 0).
    pub fn bind(redirect: &Redirect) -> Result<Listener> {
        let listener = TcpListener::bind(("127.0.0.1", redirect.port)).map_err(|e| {
            let failure = Failure::new(
                Exit::Usage,
                format!(
                    "cannot listen on 127.0.0.1:{} for the sign-in redirect: {e}",
                    redirect.port
                ),
            );
            if redirect.port == 0 {
                failure
            } else {
                failure.detail("free the port, or pick another with --redirect-uri")
            }
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| usage(e.to_string()))?
            .port();
        listener
            .set_nonblocking(true)
            .map_err(|e| usage(format!("cannot listen for the sign-in redirect: {e}")))?;
        Ok(Listener {
            listener,
            redirect_uri: format!("http://{}:{port}{}", redirect.host, redirect.path),
            path: redirect.path.clone(),
        })
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Wait up to `login_timeout` for the redirect; the code it carries, or why none.
    pub fn wait(&self, state: &str, login_timeout: Duration) -> Result<Secret> {
        let deadline = Instant::now()
            .checked_add(login_timeout)
            .unwrap_or_else(Instant::now);
        let (tx, rx) = mpsc::channel();
        let busy = Arc::new(AtomicUsize::new(0));
        while Instant::now() < deadline {
            if let Ok((stream, _)) = self.listener.accept() {
                self.handle(stream, state, &tx, &busy);
            }
            if let Ok(verdict) = rx.recv_timeout(Duration::from_millis(20)) {
                return outcome(verdict);
            }
        }
        Err(Failure::new(
            Exit::Network,
            format!(
                "no sign-in within the login timeout of {} s",
                login_timeout.as_secs_f64()
            ),
        )
        .detail("run tokn again, or give more time with --login-timeout SECONDS")
        .into())
    }

    /// Answer one connection on a thread of its own, so that a browser's idle
    /// connection does not hold up the one that carries the redirect.
    fn handle(
        &self,
        stream: TcpStream,
        state: &str,
        tx: &mpsc::Sender<Verdict>,
        busy: &Arc<AtomicUsize>,
    ) {
        if busy.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            busy.fetch_sub(1, Ordering::SeqCst);
            return;
        }
        let (path, state, tx, busy) = (
            self.path.clone(),
            state.to_string(),
            tx.clone(),
            busy.clone(),
        );
        std::thread::spawn(move || {
            if let Some(verdict) = serve(stream, &path, &state)
                && verdict != Verdict::NotOurs
            {
                let _ = tx.send(verdict);
            }
            busy.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// Read one request, answer it with a page, and say what it meant.
fn serve(mut stream: TcpStream, path: &str, state: &str) -> Option<Verdict> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(READ_TIMEOUT)).ok()?;
    stream.set_write_timeout(Some(READ_TIMEOUT)).ok()?;
    let head = read_head(&mut stream)?;
    let line = head.lines().next()?;
    let mut parts = line.split(' ');
    let (method, target) = (parts.next()?, parts.next()?);
    let verdict = if method == "GET" {
        judge(target, path, state)
    } else {
        Verdict::NotOurs
    };
    let (status, body) = page(&verdict);
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.flush();
    Some(verdict)
}

/// The request line and headers, up to [`MAX_REQUEST`] bytes.
fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 || head.len() + n > MAX_REQUEST {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    String::from_utf8(head).ok()
}

/// The status and the short page the browser shows.
fn page(verdict: &Verdict) -> (&'static str, String) {
    let (status, title, text) = match verdict {
        Verdict::NotOurs => ("404 Not Found", "Not found", String::new()),
        Verdict::Code(_) => (
            "200 OK",
            "Signed in",
            "tokn has the sign-in. You may close this tab and return to the terminal.".into(),
        ),
        Verdict::Error {
            error, description, ..
        } => (
            "200 OK",
            "Sign-in failed",
            format!(
                "The sign-in failed: {}. You may close this tab.",
                description.as_deref().unwrap_or(error)
            ),
        ),
        Verdict::WrongState => (
            "400 Bad Request",
            "Sign-in refused",
            "This answer does not belong to the sign-in tokn started (its state differs), so tokn \
             did not use it. You may close this tab."
                .into(),
        ),
        Verdict::NoCode => (
            "400 Bad Request",
            "Sign-in failed",
            "The answer carries no code. You may close this tab.".into(),
        ),
    };
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>tokn: {title}</title></head>\
         <body><h1>{title}</h1><p>{}</p></body></html>",
        html_escape(&text)
    );
    (status, body)
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The code, or the error the user reads.
fn outcome(verdict: Verdict) -> Result<Secret> {
    let failure = match verdict {
        Verdict::Code(code) => {
            crate::diag::protect_secret(&code);
            return Ok(Secret::new(code));
        }
        Verdict::Error {
            error,
            description,
            uri,
        } => {
            let mut f = Failure::new(Exit::Refused, format!("the sign-in failed ({error})"));
            if let Some(d) = description {
                f = f.detail(format!("error_description: {d}"));
            }
            if let Some(u) = uri {
                f = f.detail(format!("error_uri: {u}"));
            }
            f
        }
        Verdict::WrongState => Failure::new(
            Exit::Refused,
            "the sign-in redirect carries another state than the one tokn sent: it is not \
             the answer to this sign-in, and nothing was exchanged",
        )
        .detail("run tokn again, and finish the sign-in in the browser tab it opened"),
        Verdict::NoCode => Failure::new(
            Exit::Server,
            "the sign-in redirect carries neither a code nor an error",
        ),
        Verdict::NotOurs => Failure::new(Exit::Bug, "a stray request ended the sign-in"),
    };
    Err(failure.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_redirect_uri_is_a_loopback_one_with_a_port() {
        let r = Redirect::parse("http://127.0.0.1:8400/cb").unwrap();
        assert_eq!((r.port, r.path.as_str()), (8400, "/cb"));
        let r = Redirect::parse("http://localhost:9000").unwrap();
        assert_eq!((r.host.as_str(), r.path.as_str()), ("localhost", "/"));
        for bad in [
            "https://127.0.0.1:1/cb",
            "http://example.com:80/cb",
            "http://127.0.0.1/cb",
            "http://127.0.0.1:0/cb",
            "http://127.0.0.1:70000/cb",
            "http://127.0.0.1:1/cb?x=1",
        ] {
            assert!(Redirect::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn each_redirect_has_its_verdict() {
        let j = |t: &str| judge(t, "/callback", "S");
        assert_eq!(
            j("/callback?code=c%2B1&state=S"),
            Verdict::Code("c+1".into())
        );
        assert_eq!(j("/favicon.ico"), Verdict::NotOurs);
        assert_eq!(j("/callback?code=c&state=T"), Verdict::WrongState);
        assert_eq!(j("/callback?code=c"), Verdict::WrongState);
        assert_eq!(j("/callback?state=S"), Verdict::NoCode);
        assert_eq!(
            j("/callback?error=access_denied&error_description=no+way&state=S"),
            Verdict::Error {
                error: "access_denied".into(),
                description: Some("no way".into()),
                uri: None
            }
        );
        // An error without the state is still the server's word.
        assert!(matches!(j("/callback?error=x"), Verdict::Error { .. }));
        assert_eq!(j("/callback?error=x&state=T"), Verdict::WrongState);
    }

    #[test]
    fn the_page_escapes_server_text() {
        let (_, body) = page(&Verdict::Error {
            error: "e".into(),
            description: Some("<script>alert(1)</script>".into()),
            uri: None,
        });
        assert!(
            !body.contains("<script>") && body.contains("&lt;script&gt;"),
            "{body}"
        );
    }
}
