//! kubectl itself runs `tokn -f k8s` as its exec credential plugin and sends
//! the token to a fake API server on loopback.
//!
//! kubectl sends a bearer token only over TLS, so the fake server speaks HTTPS
//! (rustls, with a throwaway CA from `openssl` as the interop suite makes it),
//! checks the `Authorization` header, and answers `kubectl get --raw /`. The
//! test needs a real kubectl binary: `TOKN_TEST_KUBECTL`, else the newest
//! `/usr/lib/google-cloud-sdk/bin/kubectl.1.*`, else a `kubectl` on PATH that is
//! not the Cloud SDK's dispatcher (which first asks the server for /version).
//! Without one it is skipped with a note.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use httpmock::prelude::*;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::interop::make_certificates;
use crate::util::{SECRET, TOKEN, TempDir, token_json};

const ROOT: &str = r#"{"paths":["/api","/version"]}"#;

/// A kubectl binary, or `None` (with a note) when there is none.
fn kubectl() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TOKN_TEST_KUBECTL") {
        return Some(PathBuf::from(path));
    }
    let sdk = Path::new("/usr/lib/google-cloud-sdk/bin");
    let mut versions: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir(sdk)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let version = name.strip_prefix("kubectl.")?;
            let parts = version.split('.').map(str::parse).collect::<Result<_, _>>();
            Some((parts.ok()?, entry.path()))
        })
        .collect();
    versions.sort();
    if let Some((_, path)) = versions.pop() {
        return Some(path);
    }
    let on_path = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("kubectl"))
        .find(|p| p.is_file())?;
    let real = std::fs::canonicalize(&on_path).ok()?;
    (!real.starts_with(sdk)).then_some(real)
}

/// An HTTPS server that answers `GET /` for `Bearer TOKEN` and 401 otherwise;
/// the Authorization headers it saw.
fn fake_api_server(cert: &Path, key: &Path) -> (u16, Arc<Mutex<Vec<String>>>) {
    let certs = CertificateDer::pem_file_iter(cert)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(key).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
            let Ok(conn) = rustls::ServerConnection::new(Arc::clone(&config)) else {
                continue;
            };
            let _ = answer(rustls::StreamOwned::new(conn, tcp), &log);
        }
    });
    (port, seen)
}

/// One request per connection: read the head, check the token, answer, close.
fn answer(
    stream: rustls::StreamOwned<rustls::ServerConnection, std::net::TcpStream>,
    seen: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut authorization = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("authorization")
        {
            authorization = value.trim().to_string();
        }
    }
    seen.lock().unwrap().push(authorization.clone());
    // kubectl adds ?timeout=… for --request-timeout.
    let path = request_line.split(' ').nth(1).unwrap_or("");
    let (status, body) = if !request_line.starts_with("GET ") || path.split('?').next() != Some("/")
    {
        ("404 Not Found", r#"{"kind":"Status","code":404}"#)
    } else if authorization == format!("Bearer {TOKEN}") {
        ("200 OK", ROOT)
    } else {
        (
            "401 Unauthorized",
            r#"{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Unauthorized","code":401}"#,
        )
    };
    let mut stream = reader.into_inner();
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()?;
    stream.conn.send_close_notify();
    stream.flush()
}

/// A kubeconfig whose user is an exec of `tokn -f k8s` with this apiVersion.
fn kubeconfig(tmp: &TempDir, port: u16, ca: &Path, token_url: &str, api_version: &str) -> PathBuf {
    let tokn = assert_cmd::cargo::cargo_bin!("tokn");
    let config = format!(
        r#"apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: https://127.0.0.1:{port}
    certificate-authority: {ca}
users:
- name: tokn
  user:
    exec:
      apiVersion: {api_version}
      command: {tokn}
      args: ["-u", "{token_url}", "-i", "my-client", "-f", "k8s"]
      env:
      - name: TOKN_CLIENT_SECRET
        value: {SECRET}
      - name: TOKN_CACHE_DIR
        value: {cache}
      interactiveMode: Never
contexts:
- name: fake
  context:
    cluster: fake
    user: tokn
current-context: fake
"#,
        ca = ca.display(),
        tokn = tokn.display(),
        cache = tmp.path().join("cache").display(),
    );
    tmp.file("kubeconfig", config.as_bytes(), 0o600)
}

fn kubectl_get_root(kubectl: &Path, tmp: &TempDir, config: &Path) -> std::process::Output {
    Command::new(kubectl)
        .args(["--kubeconfig"])
        .arg(config)
        .args(["--request-timeout", "30s", "get", "--raw", "/"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", tmp.path())
        .output()
        .expect("kubectl runs")
}

#[test]
fn kubectl_uses_tokn_as_its_exec_credential_plugin() {
    let Some(kubectl) = kubectl() else {
        eprintln!(
            "note: no kubectl binary (set TOKN_TEST_KUBECTL, or install one): \
             skipping the kubectl exec-plugin test"
        );
        return;
    };
    let tls = TempDir::new();
    let certs = make_certificates(tls.path()).expect("certificates");
    let ca = tls.file("ca.pem", certs.ca_pem.as_bytes(), 0o644);
    let (port, seen) = fake_api_server(&certs.cert, &certs.key);
    let idp = MockServer::start();
    let token_endpoint = idp.mock(|when, then| {
        when.method(POST)
            .form_urlencoded_tuple("grant_type", "client_credentials");
        then.status(200)
            .header("content-type", "application/json")
            .body(token_json(3600));
    });
    for api_version in [
        "client.authentication.k8s.io/v1",
        "client.authentication.k8s.io/v1beta1",
    ] {
        let tmp = TempDir::new();
        let config = kubeconfig(&tmp, port, &ca, &idp.url("/token"), api_version);
        let out = kubectl_get_root(&kubectl, &tmp, &config);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "{}: {api_version}: {stderr}",
            kubectl.display()
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim_end(),
            ROOT,
            "{stderr}"
        );
    }
    token_endpoint.assert_calls(2);
    {
        let seen = seen.lock().unwrap();
        assert!(
            !seen.is_empty() && seen.iter().all(|a| *a == format!("Bearer {TOKEN}")),
            "{seen:?}"
        );
    }

    // The fake server does check: another token is refused, and kubectl says so.
    let other_idp = MockServer::start();
    other_idp.mock(|when, then| {
        when.method(POST);
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"access_token":"another-token","expires_in":3600}"#);
    });
    let tmp = TempDir::new();
    let config = kubeconfig(
        &tmp,
        port,
        &ca,
        &other_idp.url("/token"),
        "client.authentication.k8s.io/v1",
    );
    let out = kubectl_get_root(&kubectl, &tmp, &config);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("You must be logged in"),
        "{out:?}"
    );
    assert!(
        seen.lock()
            .unwrap()
            .contains(&"Bearer another-token".to_string())
    );
}
