//! The keys and certificates a client authenticates with: which files, and the
//! options that shape the client assertion.
//!
//! Only the paths are settled here. The files are read when a token must be
//! fetched (`oauth/prepare.rs`), still before anything is sent, so that a
//! cached token costs no key loading; the cache key holds the paths instead.
//! What can be checked without reading them is checked here.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;

use crate::error::usage;
use crate::keys::SigningKey;
use crate::keys::tls::ClientIdentity;
use crate::oauth::assertion::JwtOptions;
use crate::oauth::client_auth::{AuthMethod, Means};
use crate::options::{Layered, Sourced};

use super::text;

/// The key files and the assertion's options, as given.
#[derive(Debug, Clone, Default)]
pub struct KeySettings {
    pub signing_key: Option<Sourced<PathBuf>>,
    pub cert: Option<Sourced<PathBuf>>,
    pub key: Option<Sourced<PathBuf>>,
    pub jwt: JwtOptions,
    /// Whether the client authentication signs with `signing_key`.
    signs: bool,
}

impl KeySettings {
    pub fn resolve(l: &Layered, auth: AuthMethod) -> Result<KeySettings> {
        let keys = KeySettings {
            signing_key: l.signing_key.clone(),
            cert: l.cert.clone(),
            key: l.key.clone(),
            jwt: JwtOptions {
                alg: l.jwt_alg.as_ref().map(|a| a.value),
                kid: text(&l.signing_key_id, "signing_key_id")?.map(str::to_string),
                audience: text(&l.jwt_audience, "jwt_audience")?.map(str::to_string),
            },
            signs: matches!(auth, AuthMethod::Auto | AuthMethod::PrivateKeyJwt)
                && l.signing_key.is_some(),
        };
        keys.check(auth)?;
        Ok(keys)
    }

    fn check(&self, auth: AuthMethod) -> Result<()> {
        if auth == AuthMethod::PrivateKeyJwt && self.signing_key.is_none() {
            return Err(usage(
                "--auth private_key_jwt needs --signing-key FILE (or TOKN_SIGNING_KEY): the PEM \
                 private key whose public key the server knows",
            ));
        }
        if auth == AuthMethod::Tls && self.cert.is_none() {
            return Err(usage(
                "--auth tls needs --cert FILE (or TOKN_CERT): the client certificate the server \
                 knows",
            ));
        }
        if let (Some(key), None) = (&self.key, &self.cert) {
            return Err(usage(format!(
                "{} is the key of a client certificate: pass the certificate with --cert FILE",
                key.option_name("key")
            )));
        }
        match (auth, self.jwt.alg) {
            (AuthMethod::ClientSecretJwt, Some(alg)) if !alg.is_hmac() => Err(usage(format!(
                "--jwt-alg {} does not fit --auth client_secret_jwt, which signs with the client \
                 secret: use HS256, HS384 or HS512",
                alg.name()
            ))),
            (AuthMethod::PrivateKeyJwt, Some(alg)) if alg.is_hmac() => Err(usage(format!(
                "--jwt-alg {} signs with a shared secret: use --auth client_secret_jwt, or an \
                 algorithm of the --signing-key",
                alg.name()
            ))),
            _ => Ok(()),
        }
    }

    /// What the cache key holds for these settings: the paths and options,
    /// never the keys (which are not read on a cache hit).
    pub fn identity(&self) -> String {
        let none = self.signing_key.is_none() && self.cert.is_none() && self.key.is_none();
        if none && self.jwt == JwtOptions::default() {
            return String::new();
        }
        let path = |p: &Option<Sourced<PathBuf>>| {
            p.as_ref().map(|p| p.value.to_string_lossy().into_owned())
        };
        serde_json::json!([
            path(&self.signing_key),
            path(&self.cert),
            path(&self.key),
            self.jwt.alg.map(|a| a.name()),
            self.jwt.kid,
            self.jwt.audience,
        ])
        .to_string()
    }

    /// The signing key signs the grant's assertion (jwt-bearer), not the client.
    pub fn key_for_the_grant(&mut self) {
        self.signs = false;
    }

    /// What the client has, for `auto`'s choice.
    pub fn means(&self, secret: bool) -> Means {
        Means {
            signing_key: self.signs,
            certificate: self.cert.is_some(),
            secret,
        }
    }

    /// Whether `auto` may do without a secret: a key or a certificate can stand in.
    pub fn can_replace_secret(&self) -> bool {
        self.signs || self.cert.is_some()
    }

    /// The signing key, read and checked (its algorithm too), when the client
    /// authentication signs with it.
    pub fn load_signing_key(&self, deadline: Instant) -> Result<Option<SigningKey>> {
        let Some(path) = self.signing_key.as_ref().filter(|_| self.signs) else {
            return Ok(None);
        };
        let key = SigningKey::load(&path.value, &path.option_name("signing_key"), deadline)?;
        key.choose_alg(self.jwt.alg)?;
        Ok(Some(key))
    }

    /// The client certificate and its key, read and checked to belong together.
    pub fn load_client_identity(&self, deadline: Instant) -> Result<Option<ClientIdentity>> {
        let Some(cert) = &self.cert else {
            return Ok(None);
        };
        let cert_option = cert.option_name("cert");
        let key_option = self.key.as_ref().map(|k| (k, k.option_name("key")));
        ClientIdentity::load(
            (&cert.value, &cert_option),
            key_option
                .as_ref()
                .map(|(k, option)| (k.value.as_path(), option.as_str())),
            deadline,
        )
        .map(Some)
    }
}
