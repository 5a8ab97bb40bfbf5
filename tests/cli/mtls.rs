//! Mutual TLS against a small HTTPS token endpoint built on rustls that asks
//! for a client certificate, checks the handshake signature with it (so the
//! key must be the certificate's), and records which certificate it got: a
//! certificate works with every `--auth`, `--auth tls` sends `client_id` alone,
//! and `auto` with only a certificate is `tls`.
//!
//! The server's certificate (for 127.0.0.1) and its CA are under tests/keys.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, ring::default_provider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};

use crate::util::{
    SECRET, TOKEN, TempDir, form_fields, key_path, run, test_key, token_json, tokn, tokn_for,
};

/// What the server saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    /// SHA-256 (hex) of the client certificate, if one was presented.
    certificate: Option<String>,
    authorization: bool,
    body: String,
}

/// Accepts any client certificate whose holder proves the key in the handshake.
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ClientCertVerifier for AnyCertificate {
    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algs = &self.0.signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algs = &self.0.signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

fn sha256_hex(der: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, der)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The SHA-256 of the first certificate of a PEM file under tests/keys.
fn fingerprint(name: &str) -> String {
    let cert = CertificateDer::from_pem_file(key_path(name)).expect("a certificate");
    sha256_hex(&cert)
}

/// Start the server; its URL and what it saw.
fn start() -> (String, Arc<Mutex<Vec<Seen>>>) {
    let provider = Arc::new(default_provider());
    let chain = vec![CertificateDer::from_pem_file(key_path("server.pem")).unwrap()];
    let key = PrivateKeyDer::from_pem_file(key_path("server.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(Arc::new(AnyCertificate(provider)))
        .with_single_cert(chain, key)
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "https://127.0.0.1:{}/token",
        listener.local_addr().unwrap().port()
    );
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let record = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (config, record) = (config.clone(), record.clone());
            std::thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, stream);
                // Recorded before the answer goes out: once tokn has its
                // token, the test may look at what the server saw.
                if let Some(request) = read_request(&mut tls) {
                    record.lock().unwrap().push(request);
                    answer(&mut tls);
                }
            });
        }
    });
    (url, seen)
}

type Tls = rustls::StreamOwned<rustls::ServerConnection, std::net::TcpStream>;

/// Read one request: its client certificate, whether it had Basic, its body.
fn read_request(tls: &mut Tls) -> Option<Seen> {
    let mut reader = BufReader::new(&mut *tls);
    let (mut length, mut authorization) = (0, false);
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let lower = line.trim().to_ascii_lowercase();
        if lower.is_empty() {
            break;
        }
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
        authorization |= lower.starts_with("authorization:");
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let certificate = tls
        .conn
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| sha256_hex(c));
    Some(Seen {
        certificate,
        authorization,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Answer with a token and close.
fn answer(tls: &mut Tls) {
    let answer = token_json(3600);
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{answer}",
        answer.len()
    );
    if tls.write_all(response.as_bytes()).is_ok() {
        tls.conn.send_close_notify();
        let _ = tls.flush();
    }
}

fn last(seen: &Arc<Mutex<Vec<Seen>>>) -> Seen {
    seen.lock().unwrap().last().cloned().expect("a request")
}

fn cacert() -> String {
    key_path("ca.pem").display().to_string()
}

#[test]
fn without_a_certificate_none_is_presented() {
    let (url, seen) = start();
    let tmp = TempDir::new();
    let out = run(tokn_for(&tmp, &url).args(["--cacert", &cacert()]));
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, format!("{TOKEN}\n").as_str()),
        "{}",
        out.stderr
    );
    assert_eq!(last(&seen).certificate, None);
}

#[test]
fn a_certificate_goes_with_basic_authentication() {
    let (url, seen) = start();
    let tmp = TempDir::new();
    let cert = test_key(&tmp, "rsa-with-cert.pem");
    let out = run(tokn_for(&tmp, &url)
        .args(["--cacert", &cacert(), "--auth", "basic", "--cert"])
        .arg(&cert));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let request = last(&seen);
    assert_eq!(request.certificate, Some(fingerprint("rsa.cert.pem")));
    assert!(request.authorization);
}

#[test]
fn tls_authentication_sends_the_client_id_and_the_certificate_alone() {
    let (url, seen) = start();
    let tmp = TempDir::new();
    let cert = test_key(&tmp, "p256.cert.pem");
    let key = test_key(&tmp, "p256.sec1.pem");
    for auth in ["tls", "tls_client_auth", "self_signed_tls_client_auth"] {
        let out = run(tokn(&tmp)
            .args([
                "-u",
                &url,
                "-i",
                "my-client",
                "--cacert",
                &cacert(),
                "--no-cache",
            ])
            .args(["--auth", auth, "--cert"])
            .arg(&cert)
            .env("TOKN_KEY", &key)
            // A secret that is given is still not sent.
            .env("TOKN_CLIENT_SECRET", SECRET));
        assert_eq!(out.code, 0, "{auth}: {}", out.stderr);
        let request = last(&seen);
        assert_eq!(
            request.certificate,
            Some(fingerprint("p256.cert.pem")),
            "{auth}"
        );
        assert!(!request.authorization, "{auth}");
        assert_eq!(
            request.body,
            "grant_type=client_credentials&client_id=my-client"
        );
    }
}

#[test]
fn auto_with_only_a_certificate_is_tls_and_with_a_key_signs_too() {
    let (url, seen) = start();
    let tmp = TempDir::new();
    let pem = test_key(&tmp, "rsa-with-cert.pem");
    let out = run(tokn(&tmp)
        .args([
            "-u",
            &url,
            "-i",
            "my-client",
            "--cacert",
            &cacert(),
            "--no-cache",
            "-v",
        ])
        .env("TOKN_CERT", &pem));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "* client certificate from the TOKN_CERT file '{}'",
            pem.display()
        )),
        "{}",
        out.stderr
    );
    let request = last(&seen);
    assert_eq!(request.certificate, Some(fingerprint("rsa.cert.pem")));
    assert_eq!(
        request.body,
        "grant_type=client_credentials&client_id=my-client"
    );

    let out = run(tokn(&tmp)
        .args([
            "-u",
            &url,
            "-i",
            "my-client",
            "--cacert",
            &cacert(),
            "--no-cache",
        ])
        .arg("--cert")
        .arg(&pem)
        .arg("--signing-key")
        .arg(&pem));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let request = last(&seen);
    assert_eq!(request.certificate, Some(fingerprint("rsa.cert.pem")));
    let fields = form_fields(&request.body);
    let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "grant_type",
            "client_id",
            "client_assertion_type",
            "client_assertion"
        ]
    );
}
