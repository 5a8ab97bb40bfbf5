//! The client certificate of mutual TLS (RFC 8705): `--cert` (a PEM chain, the
//! client's own certificate first) and `--key`, or the key from the `--cert`
//! file when `--key` is not given, as curl does.
//!
//! ureq panics when rustls refuses a certificate and key, so the check rustls
//! makes (the key loads with ring, and its public key is the certificate's) runs
//! here first, and a refusal is a usage error naming the files.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use rustls::crypto::ring::default_provider;
use rustls::sign::CertifiedKey;
use rustls::{Error as TlsError, InconsistentKeys};
use rustls_pki_types::pem::SectionKind;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::{is_private_key, private_key_der, sections, without_key};
use crate::error::usage;
use crate::files;

/// A certificate chain and its private key, checked to belong together.
pub struct ClientIdentity {
    pub chain: Vec<CertificateDer<'static>>,
    /// The PEM text that holds the key (and nothing else that is a key).
    pub key_pem: Vec<u8>,
    /// Where they came from, for `-v`.
    pub origin: String,
}

impl ClientIdentity {
    /// Read `--cert` and `--key` (each with the name of its option for
    /// messages), waiting for a pipe until `deadline` at most.
    pub fn load(
        cert: (&Path, &str),
        key: Option<(&Path, &str)>,
        deadline: Instant,
    ) -> Result<ClientIdentity> {
        let (cert_path, cert_option) = cert;
        let cert_origin = format!("the {cert_option} file '{}'", cert_path.display());
        let cert_pem = files::read_pem_file(cert_path, cert_option, key.is_none(), deadline)?;
        let cert_sections = sections(&cert_pem, &cert_origin)?;
        let chain: Vec<CertificateDer<'static>> = cert_sections
            .iter()
            .filter(|(kind, _)| *kind == SectionKind::Certificate)
            .map(|(_, der)| CertificateDer::from(der.clone()))
            .collect();
        if chain.is_empty() {
            return Err(usage(format!(
                "{cert_origin} holds no certificate (no -----BEGIN CERTIFICATE----- block)"
            )));
        }
        let (key_origin, key_pem, key_sections) = match key {
            Some((path, option)) => {
                let origin = format!("the {option} file '{}'", path.display());
                let pem = files::read_pem_file(path, option, true, deadline)?;
                let found = sections(&pem, &origin)?;
                (origin, pem, found)
            }
            None => (cert_origin.clone(), cert_pem, cert_sections),
        };
        let mut keys = key_sections
            .iter()
            .filter(|(kind, _)| is_private_key(*kind));
        let (kind, der) = match (keys.next(), keys.next(), key) {
            (Some(found), None, _) => found,
            (Some(_), Some(_), _) => {
                return Err(usage(format!(
                    "{key_origin} holds more than one private key: keep only the certificate's"
                )));
            }
            (None, _, None) => {
                return Err(usage(format!(
                    "{cert_origin} holds no private key: pass the certificate's key with --key FILE"
                )));
            }
            (None, _, Some(_)) => {
                return Err(usage(format!(
                    "{key_origin} {}",
                    without_key(&key_pem, &key_sections)
                )));
            }
        };
        let key = private_key_der(*kind, der);
        check_pair(&chain[0], key, &cert_origin, &key_origin)?;
        Ok(ClientIdentity {
            chain,
            key_pem,
            origin: cert_origin,
        })
    }
}

/// rustls's own check of a certificate and key: the key loads with ring and
/// its public key is the certificate's.
pub(crate) fn check_pair(
    cert: &[u8],
    key: PrivateKeyDer<'static>,
    cert_origin: &str,
    key_origin: &str,
) -> Result<()> {
    let provider = default_provider();
    let signing_key = provider.key_provider.load_private_key(key).map_err(|e| {
        usage(format!(
            "the private key in {key_origin} cannot be used for TLS: {e}"
        ))
    })?;
    let certified = CertifiedKey::new(vec![CertificateDer::from(cert.to_vec())], signing_key);
    match certified.keys_match() {
        Ok(()) | Err(TlsError::InconsistentKeys(InconsistentKeys::Unknown)) => Ok(()),
        Err(TlsError::InconsistentKeys(InconsistentKeys::KeyMismatch)) => {
            Err(usage(if cert_origin == key_origin {
                format!("the certificate in {cert_origin} does not match its private key")
            } else {
                format!(
                    "the private key in {key_origin} does not match the certificate in {cert_origin}"
                )
            }))
        }
        Err(e) => Err(usage(format!(
            "the certificate in {cert_origin} cannot be read: {e}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_keys::path;
    use super::*;

    fn load(cert: &str, key: Option<&str>) -> Result<ClientIdentity> {
        let cert = path(cert);
        let key = key.map(path);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        ClientIdentity::load(
            (&cert, "--cert"),
            key.as_deref().map(|k| (k, "--key")),
            deadline,
        )
    }

    fn message(cert: &str, key: Option<&str>) -> String {
        let err = match load(cert, key) {
            Ok(_) => panic!("{cert} {key:?} loaded"),
            Err(err) => err,
        };
        assert_eq!(crate::error::exit_of(&err), crate::error::Exit::Usage);
        err.to_string().replace(env!("CARGO_MANIFEST_DIR"), "")
    }

    #[test]
    fn a_certificate_with_its_key_in_one_file_or_two() {
        let id = load("rsa-with-cert.pem", None).unwrap();
        assert_eq!(id.chain.len(), 1);
        load("rsa.cert.pem", Some("rsa.pem")).unwrap();
        load("rsa.cert.pem", Some("rsa.pkcs1.pem")).unwrap();
        load("p256.cert.pem", Some("p256.sec1.pem")).unwrap();
    }

    #[test]
    fn every_problem_names_the_files() {
        assert_eq!(
            message("rsa.cert.pem", Some("p256.pem")),
            "the private key in the --key file '/tests/keys/p256.pem' does not match the \
             certificate in the --cert file '/tests/keys/rsa.cert.pem'"
        );
        assert_eq!(
            message("rsa.cert.pem", None),
            "the --cert file '/tests/keys/rsa.cert.pem' holds no private key: pass the \
             certificate's key with --key FILE"
        );
        assert_eq!(
            message("rsa.pem", None),
            "the --cert file '/tests/keys/rsa.pem' holds no certificate (no -----BEGIN \
             CERTIFICATE----- block)"
        );
        assert_eq!(
            message("rsa.cert.pem", Some("rsa.pub.pem")),
            "the --key file '/tests/keys/rsa.pub.pem' holds a public key, not a private key"
        );
        assert!(
            message("missing.pem", None)
                .starts_with("cannot read the --cert file '/tests/keys/missing.pem': "),
        );
        let p521 = message("rsa.cert.pem", Some("p521.pem"));
        assert!(
            p521.starts_with(
                "the private key in the --key file '/tests/keys/p521.pem' cannot be used for TLS"
            ),
            "{p521}"
        );
    }
}
