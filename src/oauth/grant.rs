//! The grants tokn asks with, and what each one puts in the token request:
//! client credentials and the custom grants (RFC 6749 §4.4), refresh tokens
//! (§6), the resource owner's password (§4.3), an assertion (RFC 7523 §2.1),
//! a token exchange (RFC 8693 §2.1), and the two sign-ins a person completes
//! elsewhere: device authorization (RFC 8628) and the authorization code with
//! PKCE (RFC 7636, RFC 8252).
//!
//! Settings resolve a [`Grant`] from the options; its fields go into the
//! [`TokenRequest`](crate::oauth::request::TokenRequest) in the SPEC's order. The
//! two sign-ins learn their fields only once a person has signed in, so their
//! flows live in `device.rs` and `authorization_code.rs`.

use std::time::Duration;

use anyhow::Result;

use crate::oauth::loopback::Redirect;
use crate::secret::Secret;
use crate::settings::ClientSecret;

/// `grant_type` of a token exchange (RFC 8693 §2.1).
pub const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
/// `grant_type` of an assertion (RFC 7523 §2.1).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// `grant_type` of a device code poll (RFC 8628 §3.4).
pub const DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Which grant `--grant-type` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    ClientCredentials,
    Refresh,
    Password,
    JwtBearer,
    TokenExchange,
    Device,
    AuthorizationCode,
    Custom,
}

impl Kind {
    /// The short names of the SPEC; anything else is a custom grant.
    pub fn parse(name: &str) -> Kind {
        match name {
            "client_credentials" => Kind::ClientCredentials,
            "refresh_token" => Kind::Refresh,
            "password" => Kind::Password,
            "jwt-bearer" => Kind::JwtBearer,
            "token-exchange" => Kind::TokenExchange,
            "device" => Kind::Device,
            "authorization_code" | "code" => Kind::AuthorizationCode,
            _ => Kind::Custom,
        }
    }

    /// The short name, as `--grant-type` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::ClientCredentials => "client_credentials",
            Kind::Refresh => "refresh_token",
            Kind::Password => "password",
            Kind::JwtBearer => "jwt-bearer",
            Kind::TokenExchange => "token-exchange",
            Kind::Device => "device",
            Kind::AuthorizationCode => "authorization_code",
            Kind::Custom => "a custom grant",
        }
    }

    /// The fields tokn sets itself for this grant, each with the option to use
    /// instead of `-d`.
    pub fn own_fields(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Kind::Refresh => &[(
                "refresh_token",
                "--refresh-token-file or TOKN_REFRESH_TOKEN",
            )],
            Kind::Password => &[
                ("username", "--username"),
                (
                    "password",
                    "--password-file, TOKN_PASSWORD, --password-cmd or the prompt",
                ),
            ],
            Kind::JwtBearer => &[("assertion", "--assertion-file or TOKN_ASSERTION")],
            Kind::TokenExchange => &[
                (
                    "subject_token",
                    "--subject-token-file or TOKN_SUBJECT_TOKEN",
                ),
                ("subject_token_type", "--subject-token-type"),
                ("actor_token", "--actor-token-file or TOKN_ACTOR_TOKEN"),
                ("actor_token_type", "--actor-token-type"),
                ("requested_token_type", "--requested-token-type"),
            ],
            Kind::Device => &[(
                "device_code",
                "--grant-type device, which asks --device-url for one",
            )],
            Kind::AuthorizationCode => &[
                (
                    "code",
                    "--grant-type authorization_code, which signs in for one",
                ),
                ("redirect_uri", "--redirect-uri"),
                (
                    "code_verifier",
                    "--grant-type authorization_code, which makes one",
                ),
            ],
            Kind::ClientCredentials | Kind::Custom => &[],
        }
    }
}

/// `access_token`, `jwt`, … for their `urn:ietf:params:oauth:token-type:`
/// names (RFC 8693 §3); any other value as given.
pub fn token_type(name: &str) -> String {
    const SHORT: &[&str] = &[
        "access_token",
        "refresh_token",
        "id_token",
        "jwt",
        "saml1",
        "saml2",
    ];
    if SHORT.contains(&name) {
        format!("urn:ietf:params:oauth:token-type:{name}")
    } else {
        name.to_string()
    }
}

/// A jwt-bearer assertion (RFC 7523 §2.1).
pub enum Assertion {
    /// Given as it is (`--assertion-file`, `TOKN_ASSERTION`).
    Given(Secret),
    /// Signed by tokn when a token is fetched (RFC 7523 §3).
    Signed(Signed),
}

/// What an assertion tokn signs says, as given; the key and a service
/// account's file are read only when a token must be fetched.
pub struct Signed {
    /// `--jwt-issuer`, else the client ID; `None`: the service account's client_email.
    pub issuer: Option<String>,
    /// `--jwt-subject`; `None`: the issuer.
    pub subject: Option<String>,
    /// `--jwt-claim`, in order.
    pub extra: Vec<(String, serde_json::Value)>,
    /// `--service-account` and how messages name it.
    pub service_account: Option<(std::path::PathBuf, String)>,
}

/// A token exchange's inputs (RFC 8693 §2.1), types already in their long form.
pub struct TokenExchange {
    pub subject_token: Secret,
    pub subject_token_type: String,
    /// The actor token and its type.
    pub actor: Option<(Secret, String)>,
    pub requested_token_type: Option<String>,
}

/// Where a device sign-in starts (RFC 8628 §3.1).
pub struct DeviceSignIn {
    /// `--device-url`; `None`: the issuer's metadata names it.
    pub device_url: Option<String>,
}

/// How a browser sign-in runs (RFC 6749 §4.1, RFC 8252).
pub struct CodeSignIn {
    /// `--authorize-url`; `None`: the issuer's metadata names it.
    pub authorize_url: Option<String>,
    /// Where tokn listens for the redirect.
    pub redirect: Redirect,
    /// `--redirect-uri` as given, for the cache key.
    pub redirect_given: Option<String>,
    pub open_browser: bool,
    pub login_timeout: Duration,
}

/// A grant with its inputs, validated.
pub enum Grant {
    ClientCredentials,
    Refresh {
        refresh_token: Secret,
    },
    Password {
        username: String,
        password: ClientSecret,
    },
    JwtBearer(Assertion),
    TokenExchange(TokenExchange),
    Device(DeviceSignIn),
    AuthorizationCode(CodeSignIn),
    /// Sent as given, with its fields from `-d`.
    Custom(String),
}

impl Grant {
    pub fn kind(&self) -> Kind {
        match self {
            Grant::ClientCredentials => Kind::ClientCredentials,
            Grant::Refresh { .. } => Kind::Refresh,
            Grant::Password { .. } => Kind::Password,
            Grant::JwtBearer(_) => Kind::JwtBearer,
            Grant::TokenExchange(_) => Kind::TokenExchange,
            Grant::Device(_) => Kind::Device,
            Grant::AuthorizationCode(_) => Kind::AuthorizationCode,
            Grant::Custom(_) => Kind::Custom,
        }
    }

    /// The `grant_type` field as sent.
    pub fn grant_type(&self) -> &str {
        match self {
            Grant::ClientCredentials => "client_credentials",
            Grant::Refresh { .. } => "refresh_token",
            Grant::Password { .. } => "password",
            Grant::JwtBearer(_) => JWT_BEARER,
            Grant::TokenExchange(_) => TOKEN_EXCHANGE,
            Grant::Device(_) => DEVICE_CODE,
            Grant::AuthorizationCode(_) => "authorization_code",
            Grant::Custom(name) => name,
        }
    }

    /// Whether tokn signs the grant's assertion (jwt-bearer with a key).
    pub fn signs_its_assertion(&self) -> bool {
        matches!(self, Grant::JwtBearer(Assertion::Signed(_)))
    }

    /// Whether a person signs in first, at their own pace: `--timeout` then
    /// bounds each request rather than the whole run.
    pub fn is_interactive(&self) -> bool {
        matches!(self, Grant::Device(_) | Grant::AuthorizationCode(_))
    }

    /// The grant's own fields, in the SPEC's order, for the grants that know
    /// them before anything is sent. A password command runs now.
    pub fn fields(&self) -> Result<Vec<(&'static str, Secret)>> {
        let text = |s: &str| Secret::new(s.to_string());
        Ok(match self {
            Grant::Refresh { refresh_token } => vec![("refresh_token", refresh_token.clone())],
            Grant::Password { username, password } => vec![
                ("username", text(username)),
                ("password", password.get()?.clone()),
            ],
            Grant::JwtBearer(Assertion::Given(assertion)) => {
                vec![("assertion", assertion.clone())]
            }
            Grant::TokenExchange(x) => exchange_fields(x),
            // Signed with the key read when a token is fetched (`fetch.rs`).
            Grant::JwtBearer(Assertion::Signed(_))
            | Grant::ClientCredentials
            | Grant::Custom(_)
            | Grant::Device(_)
            | Grant::AuthorizationCode(_) => Vec::new(),
        })
    }

    /// What identifies the grant's inputs in the cache key: names, plain
    /// values, and a SHA-256 of every secret one, so that a token is reused
    /// only for the same inputs.
    pub fn identity(&self) -> Vec<String> {
        let hashed = |s: &str| crate::cache::sha256_hex(s.as_bytes());
        let mut parts = vec![self.grant_type().to_string()];
        let mut push = |name: &str, value: String| {
            parts.push(name.to_string());
            parts.push(value);
        };
        match self {
            Grant::Refresh { refresh_token } => {
                push("refresh_token", hashed(refresh_token.expose()))
            }
            Grant::Password { username, password } => {
                push("username", username.clone());
                push("password", hashed(&password.identity()));
            }
            Grant::JwtBearer(Assertion::Given(assertion)) => {
                push("assertion", hashed(assertion.expose()));
            }
            Grant::JwtBearer(Assertion::Signed(signed)) => {
                push("iss", signed.issuer.clone().unwrap_or_default());
                push("sub", signed.subject.clone().unwrap_or_default());
                push("claims", serde_json::json!(signed.extra).to_string());
                let path = signed.service_account.as_ref();
                push(
                    "service_account",
                    path.map_or(String::new(), |(p, _)| p.display().to_string()),
                );
            }
            Grant::TokenExchange(x) => {
                for (name, value) in exchange_fields(x) {
                    let shown = match name {
                        "subject_token" | "actor_token" => hashed(value.expose()),
                        _ => value.expose().to_string(),
                    };
                    push(name, shown);
                }
            }
            Grant::Device(d) => push("device_url", d.device_url.clone().unwrap_or_default()),
            Grant::AuthorizationCode(c) => {
                push("authorize_url", c.authorize_url.clone().unwrap_or_default());
                push("redirect_uri", c.redirect_given.clone().unwrap_or_default());
            }
            Grant::ClientCredentials | Grant::Custom(_) => {}
        }
        parts
    }
}

/// RFC 8693 §2.1, in its order.
fn exchange_fields(x: &TokenExchange) -> Vec<(&'static str, Secret)> {
    let text = |s: &str| Secret::new(s.to_string());
    let mut fields = vec![
        ("subject_token", x.subject_token.clone()),
        ("subject_token_type", text(&x.subject_token_type)),
    ];
    if let Some((token, kind)) = &x.actor {
        fields.push(("actor_token", token.clone()));
        fields.push(("actor_token_type", text(kind)));
    }
    if let Some(kind) = &x.requested_token_type {
        fields.push(("requested_token_type", text(kind)));
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_and_custom_grants() {
        assert_eq!(Kind::parse("code"), Kind::AuthorizationCode);
        assert_eq!(Kind::parse("authorization_code"), Kind::AuthorizationCode);
        assert_eq!(Kind::parse("jwt-bearer"), Kind::JwtBearer);
        assert_eq!(Kind::parse(JWT_BEARER), Kind::Custom);
        assert_eq!(Kind::parse("Password"), Kind::Custom);
        assert_eq!(Grant::Custom("urn:x".into()).grant_type(), "urn:x");
    }

    #[test]
    fn token_types_may_be_written_short() {
        assert_eq!(token_type("jwt"), "urn:ietf:params:oauth:token-type:jwt");
        assert_eq!(
            token_type("saml2"),
            "urn:ietf:params:oauth:token-type:saml2"
        );
        assert_eq!(token_type("urn:x:custom"), "urn:x:custom");
    }

    #[test]
    fn a_token_exchange_sends_its_fields_in_the_rfc_order() {
        let x = TokenExchange {
            subject_token: Secret::new("s".into()),
            subject_token_type: token_type("jwt"),
            actor: Some((Secret::new("a".into()), token_type("access_token"))),
            requested_token_type: Some(token_type("access_token")),
        };
        let names: Vec<&str> = exchange_fields(&x).iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "subject_token",
                "subject_token_type",
                "actor_token",
                "actor_token_type",
                "requested_token_type"
            ]
        );
    }

    #[test]
    fn the_identity_hashes_secret_inputs() {
        let grant = Grant::JwtBearer(Assertion::Given(Secret::new("the-assertion".into())));
        let identity = grant.identity().join(" ");
        assert!(!identity.contains("the-assertion"), "{identity}");
        let other = Grant::JwtBearer(Assertion::Given(Secret::new("another".into())));
        assert_ne!(grant.identity(), other.identity());
    }
}
