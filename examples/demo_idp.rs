//! A tiny local token endpoint to try tokn without an identity provider.
//!
//! `cargo run --example demo_idp` listens on 127.0.0.1:8080 (or the port given as
//! the first argument) and issues tokens to one client, `demo` with the secret
//! `demo-secret`, authenticated by HTTP Basic or in the form body, as RFC 6749
//! §4.4 describes. It is a demonstration, not a server to deploy.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;

const CLIENT_ID: &str = "demo";
const CLIENT_SECRET: &str = "demo-secret";

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or_else(|| "8080".into());
    let listener = TcpListener::bind(format!("127.0.0.1:{port}"))?;
    let url = format!("http://{}/token", listener.local_addr()?);
    eprintln!("demo token endpoint at {url} (client '{CLIENT_ID}', secret '{CLIENT_SECRET}')");
    eprintln!(
        "try: TOKN_CLIENT_SECRET={CLIENT_SECRET} tokn -u {url} -i {CLIENT_ID} -s read -f json"
    );
    for stream in listener.incoming() {
        if let Err(e) = stream.and_then(answer) {
            eprintln!("demo_idp: {e}");
        }
    }
    Ok(())
}

fn answer(stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut length = 0;
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
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
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };

    let credentials = match authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Basic "))
    {
        Some(b64) => base64::engine::general_purpose::STANDARD
            .decode(b64)
            .ok()
            .and_then(|raw| String::from_utf8(raw).ok())
            .and_then(|pair| {
                let (id, secret) = pair.split_once(':')?;
                let decode = |s: &str| {
                    form_urlencoded::parse(format!("x={s}").as_bytes())
                        .next()
                        .map(|(_, v)| v.into_owned())
                };
                Some((decode(id)?, decode(secret)?))
            }),
        None => field("client_id").zip(field("client_secret")),
    };
    let (status, json) = if !request_line.starts_with("POST ") {
        (
            405,
            r#"{"error":"invalid_request","error_description":"use POST"}"#.to_string(),
        )
    } else if credentials != Some((CLIENT_ID.into(), CLIENT_SECRET.into())) {
        (
            401,
            r#"{"error":"invalid_client","error_description":"unknown client or wrong secret"}"#
                .to_string(),
        )
    } else if field("grant_type").as_deref() != Some("client_credentials") {
        (400, r#"{"error":"unsupported_grant_type"}"#.to_string())
    } else {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let scope = field("scope").unwrap_or_default();
        (
            200,
            serde_json::json!({
                "access_token": format!("demo-{now:x}"),
                "token_type": "Bearer",
                "expires_in": 3600,
                "scope": scope,
            })
            .to_string(),
        )
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
        if status == 200 { "OK" } else { "Error" },
        json.len()
    )
}
