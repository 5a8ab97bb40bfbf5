//! The demo identity provider: a token endpoint and an API that wants its tokens.
//!
//! It lets tokn be tried, and the README's examples be tested, with no identity
//! provider. `POST /token` issues tokens by the client credentials grant (RFC 6749
//! §4.4) to the clients it was started with, authenticated by HTTP Basic or in the
//! form body. Any request under `/api/` is answered 200 only when it carries
//! `Authorization: Bearer` with a token issued here, as a resource server would
//! (RFC 6750), so a `curl` that sends no token gets a 401, not data. It counts
//! what it issued and refused, for tests to check. It is a demonstration, not a
//! server to deploy: tokens live in memory and never expire.
//!
//! `tokn-demo` runs it; the README tests include this file with `#[path]` and
//! start it on port 0.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;

/// The client every demo endpoint knows.
pub const CLIENT_ID: &str = "demo";
/// Its secret: public, since this is a demonstration.
pub const CLIENT_SECRET: &str = "demo-secret";

/// A running demo server, answering on its own threads until the process ends.
pub struct Idp {
    addr: SocketAddr,
    state: Arc<State>,
}

/// What the server has answered so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Tokens issued by the token endpoint.
    pub issued: usize,
    /// Requests answered with an error status, at any path.
    pub refused: usize,
}

struct State {
    clients: Vec<(String, String)>,
    /// Issued token → the client it was issued to and its scope.
    tokens: Mutex<HashMap<String, (String, String)>>,
    issued: AtomicUsize,
    refused: AtomicUsize,
}

impl Idp {
    /// Listen on `addr` (`127.0.0.1:0` for a free port) and answer in the background;
    /// `clients` are the (ID, secret) pairs the token endpoint accepts.
    pub fn start(addr: &str, clients: &[(&str, &str)]) -> io::Result<Idp> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            clients: clients
                .iter()
                .map(|(id, secret)| (id.to_string(), secret.to_string()))
                .collect(),
            tokens: Mutex::new(HashMap::new()),
            issued: AtomicUsize::new(0),
            refused: AtomicUsize::new(0),
        });
        let shared = Arc::clone(&state);
        std::thread::spawn(move || accept(&listener, &shared));
        Ok(Idp { addr, state })
    }

    /// The token endpoint: `http://ADDR/token`.
    pub fn token_url(&self) -> String {
        format!("http://{}/token", self.addr)
    }

    /// The root of the protected API: `http://ADDR/api`; any path below it works.
    pub fn api_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    pub fn counts(&self) -> Counts {
        Counts {
            issued: self.state.issued.load(Ordering::SeqCst),
            refused: self.state.refused.load(Ordering::SeqCst),
        }
    }
}

fn accept(listener: &TcpListener, state: &Arc<State>) {
    for stream in listener.incoming().flatten() {
        let state = Arc::clone(state);
        std::thread::spawn(move || {
            if let Err(e) = answer(stream, &state) {
                eprintln!("tokn-demo: {e}");
            }
        });
    }
}

/// The parts of a request the demo looks at.
struct Request {
    method: String,
    path: String,
    authorization: Option<String>,
    body: Vec<u8>,
}

/// A status, a JSON body, and for a 401 the `WWW-Authenticate` challenge.
struct Response {
    status: u16,
    json: String,
    challenge: Option<&'static str>,
}

impl Response {
    fn json(status: u16, json: String) -> Response {
        Response {
            status,
            json,
            challenge: None,
        }
    }
}

fn answer(stream: TcpStream, state: &State) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let request = read_request(&stream)?;
    let response = route(&request, state);
    if response.status >= 400 {
        state.refused.fetch_add(1, Ordering::SeqCst);
    } else if request.path == "/token" {
        state.issued.fetch_add(1, Ordering::SeqCst);
    }
    write_response(stream, &response)
}

fn read_request(stream: &TcpStream) -> io::Result<Request> {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut words = request_line.split_whitespace();
    let method = words.next().unwrap_or_default().to_string();
    let path = words.next().unwrap_or_default().to_string();
    let mut length = 0;
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "authorization" => authorization = Some(value.trim().to_string()),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length.min(64 * 1024)];
    reader.read_exact(&mut body)?;
    Ok(Request {
        method,
        path,
        authorization,
        body,
    })
}

fn route(request: &Request, state: &State) -> Response {
    let under_api = request.path == "/api" || request.path.starts_with("/api/");
    match (request.method.as_str(), request.path.as_str()) {
        ("POST", "/token") => token(request, state),
        (_, "/token") => Response::json(
            405,
            r#"{"error":"invalid_request","error_description":"use POST"}"#.into(),
        ),
        _ if under_api => api(request, state),
        _ => Response::json(404, r#"{"error":"not_found"}"#.into()),
    }
}

/// The token endpoint (RFC 6749 §4.4, errors as §5.2).
fn token(request: &Request, state: &State) -> Response {
    let form: Vec<(String, String)> = form_urlencoded::parse(&request.body).into_owned().collect();
    let field = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let credentials = match basic_credentials(request.authorization.as_deref()) {
        Some(pair) => Some(pair),
        None => field("client_id").zip(field("client_secret")),
    };
    let Some((client, _)) = credentials.filter(|c| state.clients.contains(c)) else {
        return Response::json(
            401,
            r#"{"error":"invalid_client","error_description":"unknown client or wrong secret"}"#
                .into(),
        );
    };
    if field("grant_type").as_deref() != Some("client_credentials") {
        return Response::json(400, r#"{"error":"unsupported_grant_type"}"#.into());
    }
    let scope = field("scope").unwrap_or_default();
    let access_token = new_token();
    let mut answer = serde_json::json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": 3600,
    });
    if !scope.is_empty() {
        answer["scope"] = scope.clone().into();
    }
    if let Ok(mut tokens) = state.tokens.lock() {
        tokens.insert(access_token, (client, scope));
    }
    Response::json(200, answer.to_string())
}

/// An ID and secret from `Authorization: Basic`, each form-urlencoded first as
/// RFC 6749 §2.3.1 asks.
fn basic_credentials(authorization: Option<&str>) -> Option<(String, String)> {
    let b64 = authorization?.strip_prefix("Basic ")?;
    let raw = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    let pair = String::from_utf8(raw).ok()?;
    let (id, secret) = pair.split_once(':')?;
    let decode = |s: &str| {
        form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some((decode(id)?, decode(secret)?))
}

/// Unique within the process and unguessable enough for a demonstration.
fn new_token() -> String {
    static SERIAL: AtomicUsize = AtomicUsize::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let serial = SERIAL.fetch_add(1, Ordering::SeqCst);
    format!("demo-{now:x}-{serial}")
}

/// The protected API (RFC 6750): 200 for a token issued here, else 401.
fn api(request: &Request, state: &State) -> Response {
    let presented = request
        .authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Bearer "))
        .map(str::trim);
    let known = presented.and_then(|t| state.tokens.lock().ok()?.get(t).cloned());
    match (presented, known) {
        (_, Some((client, scope))) => Response::json(
            200,
            serde_json::json!({ "path": request.path, "client_id": client, "scope": scope })
                .to_string(),
        ),
        (None, None) => Response {
            status: 401,
            json: r#"{"message":"send Authorization: Bearer with a token from /token"}"#.into(),
            challenge: Some(r#"Bearer realm="tokn-demo""#),
        },
        (Some(_), None) => Response {
            status: 401,
            json: r#"{"error":"invalid_token","error_description":"not a token issued here"}"#
                .into(),
            challenge: Some(r#"Bearer realm="tokn-demo", error="invalid_token""#),
        },
    }
}

fn write_response(mut stream: TcpStream, response: &Response) -> io::Result<()> {
    let reason = match response.status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let challenge = response
        .challenge
        .map(|c| format!("WWW-Authenticate: {c}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "HTTP/1.1 {} {reason}\r\nContent-Type: application/json\r\n{challenge}\
         Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{}\n",
        response.status,
        response.json.len() + 1,
        response.json
    )
}
