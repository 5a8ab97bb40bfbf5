//! How the client proves who it is: each method is an [`Attempt`] arm with a
//! small function that adds its headers or fields to the outgoing request, and
//! [`AuthMethod::plan`] turns `--auth` into the attempts to make, in order.
//!
//! `auto` sends HTTP Basic first, as RFC 6749 §2.3.1 says servers must support
//! it, and falls back to the secret in the body; with a signing key it signs an
//! assertion, with only a certificate it relies on mutual TLS. When the issuer's
//! metadata lists the methods the server takes, `auto` keeps to those. The
//! exchange (`exchange.rs`) decides when to fall back to the next attempt.

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::diag;
use crate::error::usage;
use crate::keys::SigningKey;
use crate::oauth::assertion::{self, ASSERTION_TYPE, JwtOptions};
use crate::oauth::request::Outgoing;
use crate::secret::Secret;

/// `--auth`; the RFC 8414 and RFC 8705 names are accepted as aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// private_key_jwt with --signing-key; tls with only --cert; else basic, then post
    Auto,
    /// An HTTP Basic header with the form-urlencoded ID and secret (RFC 6749 2.3.1)
    #[value(alias = "client_secret_basic")]
    #[serde(alias = "client_secret_basic")]
    Basic,
    /// client_id and client_secret in the form body
    #[value(alias = "client_secret_post")]
    #[serde(alias = "client_secret_post")]
    Post,
    /// client_id alone in the form body, for a public client: no secret
    None,
    /// A JWT signed with --signing-key (RFC 7523 2.2)
    #[value(name = "private_key_jwt")]
    PrivateKeyJwt,
    /// A JWT signed with the client secret (HS256)
    #[value(name = "client_secret_jwt")]
    ClientSecretJwt,
    /// The --cert client certificate (RFC 8705); client_id in the body, no secret
    #[value(alias = "tls_client_auth", alias = "self_signed_tls_client_auth")]
    #[serde(alias = "tls_client_auth", alias = "self_signed_tls_client_auth")]
    Tls,
}

/// One concrete way to send the credentials, as tried on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Basic,
    Post,
    None,
    PrivateKeyJwt,
    ClientSecretJwt,
    Tls,
}

/// Every attempt, in tokn's order of preference.
const ALL: [Attempt; 6] = [
    Attempt::PrivateKeyJwt,
    Attempt::Tls,
    Attempt::Basic,
    Attempt::Post,
    Attempt::ClientSecretJwt,
    Attempt::None,
];

impl Attempt {
    pub fn name(self) -> &'static str {
        match self {
            Attempt::Basic => "basic",
            Attempt::Post => "post",
            Attempt::None => "none",
            Attempt::PrivateKeyJwt => "private_key_jwt",
            Attempt::ClientSecretJwt => "client_secret_jwt",
            Attempt::Tls => "tls",
        }
    }

    pub fn from_name(name: &str) -> Option<Attempt> {
        ALL.into_iter().find(|a| a.name() == name)
    }

    /// The names a server lists in `token_endpoint_auth_methods_supported`.
    pub fn rfc_names(self) -> &'static [&'static str] {
        match self {
            Attempt::Basic => &["client_secret_basic"],
            Attempt::Post => &["client_secret_post"],
            Attempt::None => &["none"],
            Attempt::PrivateKeyJwt => &["private_key_jwt"],
            Attempt::ClientSecretJwt => &["client_secret_jwt"],
            Attempt::Tls => &["tls_client_auth", "self_signed_tls_client_auth"],
        }
    }

    /// Add this method's credentials to a request that goes to `url`.
    pub fn apply(self, client: &Client, url: &str, out: &mut Outgoing) -> Result<()> {
        match self {
            Attempt::Basic => basic(client, out),
            Attempt::Post => {
                out.field("client_id", client.id);
                out.field("client_secret", secret(client)?.expose());
            }
            // With no client ID (a jwt-bearer assertion names the client), none is sent.
            Attempt::None | Attempt::Tls if client.id.is_empty() => {}
            Attempt::None | Attempt::Tls => out.field("client_id", client.id),
            Attempt::PrivateKeyJwt => {
                let key = client.signing_key.ok_or_else(|| {
                    usage("--auth private_key_jwt needs --signing-key FILE, a PEM private key")
                })?;
                signed(client, key, url, out)?;
            }
            Attempt::ClientSecretJwt => {
                let key = SigningKey::shared_secret(
                    secret(client)?.expose().as_bytes(),
                    "the client secret",
                );
                signed(client, &key, url, out)?;
            }
        }
        Ok(())
    }
}

fn secret<'a>(client: &Client<'a>) -> Result<&'a Secret> {
    client
        .secret
        .ok_or_else(|| usage("this client authentication needs the client secret"))
}

fn basic(client: &Client, out: &mut Outgoing) {
    let secret = client.secret.map(Secret::expose).unwrap_or_default();
    let value = basic_credentials(client.id, secret);
    diag::protect_secret(&value);
    diag::protect_secret(value.trim_start_matches("Basic "));
    out.own_header("Authorization", value);
}

/// `client_id`, `client_assertion_type`, `client_assertion`, in that order.
fn signed(client: &Client, key: &SigningKey, url: &str, out: &mut Outgoing) -> Result<()> {
    let assertion = assertion::sign(client.id, key, client.jwt, url)?;
    out.field("client_id", client.id);
    out.field("client_assertion_type", ASSERTION_TYPE);
    out.field("client_assertion", &assertion);
    Ok(())
}

/// What the client was given to prove itself with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Means {
    pub signing_key: bool,
    pub certificate: bool,
    pub secret: bool,
}

/// The attempts to make, and a `-v` note on how the metadata shaped them.
#[derive(Debug, PartialEq, Eq)]
pub struct Plan {
    pub attempts: Vec<Attempt>,
    pub note: Option<String>,
}

impl AuthMethod {
    pub fn name(self) -> &'static str {
        match self {
            AuthMethod::Auto => "auto",
            AuthMethod::Basic => "basic",
            AuthMethod::Post => "post",
            AuthMethod::None => "none",
            AuthMethod::PrivateKeyJwt => "private_key_jwt",
            AuthMethod::ClientSecretJwt => "client_secret_jwt",
            AuthMethod::Tls => "tls",
        }
    }

    /// The one attempt of a method that is not `auto`.
    fn single(self) -> Option<Attempt> {
        Attempt::from_name(self.name())
    }

    /// The attempts, given what the client has and the methods the server
    /// lists in its metadata (`None` without metadata or without the list).
    pub fn plan(self, means: Means, supported: Option<&[String]>) -> Plan {
        if let Some(attempt) = self.single() {
            let unlisted = supported.is_some_and(|list| !listed(attempt, list));
            return Plan {
                attempts: vec![attempt],
                note: unlisted.then(|| {
                    format!(
                        "* the server's metadata does not list {} in \
                         token_endpoint_auth_methods_supported; sending it as --auth asks",
                        attempt.rfc_names()[0]
                    )
                }),
            };
        }
        let Some(list) = supported else {
            return Plan {
                attempts: auto_without_metadata(means),
                note: None,
            };
        };
        match auto_with_metadata(means, list) {
            Some(attempts) => Plan {
                note: Some(format!(
                    "* --auth auto: the server lists {}; sending {}",
                    list.join(", "),
                    names(&attempts)
                )),
                attempts,
            },
            None => Plan {
                attempts: auto_without_metadata(means),
                note: Some(format!(
                    "* --auth auto: the server lists {}, none of which tokn can use with what it \
                     was given; proceeding as without metadata",
                    if list.is_empty() {
                        "no methods".to_string()
                    } else {
                        list.join(", ")
                    }
                )),
            },
        }
    }
}

fn listed(attempt: Attempt, list: &[String]) -> bool {
    attempt
        .rfc_names()
        .iter()
        .any(|n| list.iter().any(|l| l == n))
}

fn names(attempts: &[Attempt]) -> String {
    let names: Vec<&str> = attempts.iter().map(|a| a.name()).collect();
    names.join(", then ")
}

/// SPEC: a signing key signs; else a certificate without a secret is mutual
/// TLS; else Basic, then the secret in the body.
fn auto_without_metadata(means: Means) -> Vec<Attempt> {
    if means.signing_key {
        vec![Attempt::PrivateKeyJwt]
    } else if means.certificate && !means.secret {
        vec![Attempt::Tls]
    } else {
        vec![Attempt::Basic, Attempt::Post]
    }
}

/// The same choice among the methods the server lists; `None` when it lists
/// none that the client can use.
fn auto_with_metadata(means: Means, list: &[String]) -> Option<Vec<Attempt>> {
    let can = |a: Attempt| listed(a, list);
    if means.signing_key && can(Attempt::PrivateKeyJwt) {
        return Some(vec![Attempt::PrivateKeyJwt]);
    }
    let with_secret: Vec<Attempt> = [Attempt::Basic, Attempt::Post, Attempt::ClientSecretJwt]
        .into_iter()
        .filter(|a| means.secret && can(*a))
        .collect();
    if means.certificate && can(Attempt::Tls) && (!means.secret || with_secret.is_empty()) {
        return Some(vec![Attempt::Tls]);
    }
    (!with_secret.is_empty()).then_some(with_secret)
}

/// The `Authorization` value of `client_secret_basic` (RFC 6749 §2.3.1).
pub fn basic_credentials(client_id: &str, secret: &str) -> String {
    format!("Basic {}", crate::secret::basic_pair(client_id, secret))
}

/// Who is asking for the token, and how.
pub struct Client<'a> {
    pub id: &'a str,
    pub secret: Option<&'a Secret>,
    /// The attempts in order, from [`AuthMethod::plan`].
    pub plan: Vec<Attempt>,
    pub signing_key: Option<&'a SigningKey>,
    pub jwt: &'a JwtOptions,
}

impl Client<'_> {
    /// The attempts in order; the one that worked last time first.
    pub fn attempts(&self, remembered: Option<Attempt>) -> Vec<Attempt> {
        let mut attempts = self.plan.clone();
        if let Some(i) = attempts.iter().position(|a| Some(*a) == remembered) {
            let first = attempts.remove(i);
            attempts.insert(0, first);
        }
        attempts
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;

    use super::*;

    #[test]
    fn basic_encodes_per_rfc_6749_section_2_3_1() {
        // "a b:c" → "a+b%3Ac"; "s:+%/& x" → "s%3A%2B%25%2F%26+x"
        let expected =
            base64::engine::general_purpose::STANDARD.encode("a+b%3Ac:s%3A%2B%25%2F%26+x");
        assert_eq!(
            basic_credentials("a b:c", "s:+%/& x"),
            format!("Basic {expected}")
        );
    }

    fn client<'a>(secret: &'a Secret, plan: Vec<Attempt>, jwt: &'a JwtOptions) -> Client<'a> {
        Client {
            id: "id",
            secret: Some(secret),
            plan,
            signing_key: None,
            jwt,
        }
    }

    #[test]
    fn auto_tries_the_remembered_method_first() {
        let secret = Secret::new("s".into());
        let jwt = JwtOptions::default();
        let auto = client(&secret, vec![Attempt::Basic, Attempt::Post], &jwt);
        assert_eq!(auto.attempts(None), [Attempt::Basic, Attempt::Post]);
        assert_eq!(
            auto.attempts(Some(Attempt::Post)),
            [Attempt::Post, Attempt::Basic]
        );
        let post = client(&secret, vec![Attempt::Post], &jwt);
        assert_eq!(post.attempts(Some(Attempt::Basic)), [Attempt::Post]);
    }

    #[test]
    fn each_method_puts_the_credentials_in_its_place() {
        let secret = Secret::new("a-long-enough-secret".into());
        let jwt = JwtOptions::default();
        let c = client(&secret, vec![], &jwt);
        let fields = |attempt: Attempt| {
            let mut out = Outgoing::new(vec![]);
            attempt.apply(&c, "https://as.example/t", &mut out).unwrap();
            let names: Vec<String> = out.field_names().iter().map(|s| s.to_string()).collect();
            (
                names,
                out.headers().map(|h| h.0.to_string()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            fields(Attempt::Basic),
            (vec![], vec!["Authorization".into()])
        );
        assert_eq!(fields(Attempt::Post).0, ["client_id", "client_secret"]);
        assert_eq!(fields(Attempt::None).0, ["client_id"]);
        assert_eq!(fields(Attempt::Tls), (vec!["client_id".into()], vec![]));
        assert_eq!(
            fields(Attempt::ClientSecretJwt).0,
            ["client_id", "client_assertion_type", "client_assertion"]
        );
        let mut out = Outgoing::new(vec![]);
        assert!(Attempt::PrivateKeyJwt.apply(&c, "u", &mut out).is_err());
    }

    fn plan(method: AuthMethod, means: Means, supported: Option<&[&str]>) -> Vec<Attempt> {
        let supported: Option<Vec<String>> =
            supported.map(|l| l.iter().map(|s| s.to_string()).collect());
        method.plan(means, supported.as_deref()).attempts
    }

    const SECRET_ONLY: Means = Means {
        signing_key: false,
        certificate: false,
        secret: true,
    };

    #[test]
    fn auto_without_metadata_follows_what_was_given() {
        use Attempt::*;
        let key = Means {
            signing_key: true,
            ..SECRET_ONLY
        };
        let cert = Means {
            certificate: true,
            secret: false,
            ..SECRET_ONLY
        };
        let cert_and_secret = Means {
            certificate: true,
            ..SECRET_ONLY
        };
        assert_eq!(
            plan(AuthMethod::Auto, SECRET_ONLY, Option::None),
            [Basic, Post]
        );
        assert_eq!(plan(AuthMethod::Auto, key, Option::None), [PrivateKeyJwt]);
        assert_eq!(plan(AuthMethod::Auto, cert, Option::None), [Tls]);
        assert_eq!(
            plan(AuthMethod::Auto, cert_and_secret, Option::None),
            [Basic, Post]
        );
    }

    #[test]
    fn auto_with_metadata_sends_only_listed_methods_in_tokn_s_order() {
        use Attempt::*;
        let s = SECRET_ONLY;
        assert_eq!(
            plan(AuthMethod::Auto, s, Some(&["client_secret_post"])),
            [Post]
        );
        assert_eq!(
            plan(
                AuthMethod::Auto,
                s,
                Some(&["client_secret_post", "client_secret_basic"])
            ),
            [Basic, Post]
        );
        assert_eq!(
            plan(AuthMethod::Auto, s, Some(&["client_secret_jwt"])),
            [ClientSecretJwt]
        );
        let cert = Means {
            certificate: true,
            secret: false,
            ..s
        };
        assert_eq!(
            plan(
                AuthMethod::Auto,
                cert,
                Some(&["self_signed_tls_client_auth"])
            ),
            [Tls]
        );
        let cert_and_secret = Means {
            certificate: true,
            ..s
        };
        assert_eq!(
            plan(
                AuthMethod::Auto,
                cert_and_secret,
                Some(&["tls_client_auth"])
            ),
            [Tls]
        );
        let key = Means {
            signing_key: true,
            ..s
        };
        assert_eq!(
            plan(
                AuthMethod::Auto,
                key,
                Some(&["client_secret_basic", "private_key_jwt"])
            ),
            [PrivateKeyJwt]
        );
        assert_eq!(
            plan(AuthMethod::Auto, key, Some(&["client_secret_basic"])),
            [Basic]
        );
    }

    #[test]
    fn nothing_usable_listed_is_as_without_metadata_and_says_so() {
        let p = AuthMethod::Auto.plan(SECRET_ONLY, Some(&["private_key_jwt".to_string()]));
        assert_eq!(p.attempts, [Attempt::Basic, Attempt::Post]);
        assert!(p.note.unwrap().contains("proceeding as without metadata"));
        let p = AuthMethod::Post.plan(SECRET_ONLY, Some(&["client_secret_basic".to_string()]));
        assert_eq!(p.attempts, [Attempt::Post]);
        assert!(p.note.unwrap().contains("does not list client_secret_post"));
        assert_eq!(AuthMethod::Post.plan(SECRET_ONLY, None).note, None);
    }

    #[test]
    fn every_name_round_trips() {
        for a in ALL {
            assert_eq!(Attempt::from_name(a.name()), Some(a));
        }
        assert_eq!(AuthMethod::Tls.single(), Some(Attempt::Tls));
        assert_eq!(AuthMethod::Auto.single(), None);
    }
}
