//! A server that answers each path from a script, in order, and records every
//! request with the time it arrived: for flows whose answers change from one
//! request to the next (a device poll that is pending, then slowed down, then
//! granted) and for tests that check the exact body tokn sent.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub at: Instant,
}

impl Seen {
    /// The names of the form fields, in order.
    pub fn field_names(&self) -> Vec<String> {
        form_urlencoded::parse(self.body.as_bytes())
            .map(|(k, _)| k.into_owned())
            .collect()
    }

    /// The value of a form field.
    pub fn field(&self, name: &str) -> Option<String> {
        form_urlencoded::parse(self.body.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// In an answer's body, replaced by the request's body (as JSON string text).
pub const ECHO: &str = "{echo}";

fn json_text(text: &str) -> String {
    let quoted = serde_json::Value::from(text).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

/// In an answer's body, replaced by the server's own `http://127.0.0.1:PORT`.
pub const BASE: &str = "{base}";

/// An answer: status and JSON body.
pub type Answer = (u16, String);

/// A running scripted server; it stops when the test process ends.
pub struct Scripted {
    pub base: String,
    log: Arc<Mutex<Vec<Seen>>>,
}

impl Scripted {
    /// Each path answers with its answers in order, the last one again and
    /// again; other paths get a 404.
    pub fn start(script: Vec<(&str, Vec<Answer>)>) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut queues: HashMap<String, (Vec<Answer>, usize)> = script
            .into_iter()
            .map(|(path, answers)| (path.to_string(), (answers, 0)))
            .collect();
        let seen = log.clone();
        let own = base.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let Some(request) = read_request(&stream) else {
                    continue;
                };
                let answer = match queues.get_mut(&request.path) {
                    Some((answers, next)) if !answers.is_empty() => {
                        let i = (*next).min(answers.len() - 1);
                        *next += 1;
                        answers[i].clone()
                    }
                    _ => (404, r#"{"error":"not_found"}"#.to_string()),
                };
                // An answer may echo the request, as broken servers do.
                let body = answer.1.replace(ECHO, &json_text(&request.body));
                let answer = (answer.0, body.replace(BASE, &own));
                seen.lock().expect("log").push(request);
                respond(stream, &answer);
            }
        });
        Scripted { base, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Every request so far to `path`.
    pub fn seen(&self, path: &str) -> Vec<Seen> {
        self.log
            .lock()
            .expect("log")
            .iter()
            .filter(|s| s.path == path)
            .cloned()
            .collect()
    }
}

fn read_request(stream: &TcpStream) -> Option<Seen> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let at = Instant::now();
    let target = line.split(' ').nth(1)?.to_string();
    let path = target.split('?').next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        at,
    })
}

fn respond(mut stream: TcpStream, (status, body): &Answer) {
    let response = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}
