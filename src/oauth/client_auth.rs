//! How the client proves who it is (RFC 6749 §2.3.1): each method adds headers
//! or fields to the outgoing request, and `auto` is a list of methods to try.
//!
//! `auto` sends HTTP Basic first, as the RFC says servers must support it; the
//! exchange (`exchange.rs`) decides when to fall back to the next attempt.

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::diag;
use crate::oauth::request::Outgoing;
use crate::secret::Secret;

/// `--auth`; the RFC 8414 names are accepted as aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// Basic, then the same request once more with post if the answer is 400 or 401
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
}

/// One concrete way to send the credentials, as tried on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Basic,
    Post,
    None,
}

impl Attempt {
    pub fn name(self) -> &'static str {
        match self {
            Attempt::Basic => "basic",
            Attempt::Post => "post",
            Attempt::None => "none",
        }
    }

    pub fn from_name(name: &str) -> Option<Attempt> {
        match name {
            "basic" => Some(Attempt::Basic),
            "post" => Some(Attempt::Post),
            "none" => Some(Attempt::None),
            _ => None,
        }
    }

    /// Add this method's credentials to the request.
    pub fn apply(self, client: &Client, out: &mut Outgoing) {
        let secret = client.secret.map(Secret::expose).unwrap_or_default();
        match self {
            Attempt::Basic => {
                let value = basic_credentials(client.id, secret);
                diag::protect_secret(&value);
                diag::protect_secret(value.trim_start_matches("Basic "));
                out.own_header("Authorization", value);
            }
            Attempt::Post => {
                out.field("client_id", client.id);
                out.field("client_secret", secret);
            }
            Attempt::None => out.field("client_id", client.id),
        }
    }
}

impl AuthMethod {
    pub fn name(self) -> &'static str {
        match self {
            AuthMethod::Auto => "auto",
            AuthMethod::Basic => "basic",
            AuthMethod::Post => "post",
            AuthMethod::None => "none",
        }
    }

    /// The attempts in order; for `auto`, the one that worked last time first.
    pub fn attempts(self, remembered: Option<Attempt>) -> Vec<Attempt> {
        match self {
            AuthMethod::Auto if remembered == Some(Attempt::Post) => {
                vec![Attempt::Post, Attempt::Basic]
            }
            AuthMethod::Auto => vec![Attempt::Basic, Attempt::Post],
            AuthMethod::Basic => vec![Attempt::Basic],
            AuthMethod::Post => vec![Attempt::Post],
            AuthMethod::None => vec![Attempt::None],
        }
    }
}

/// RFC 6749 §2.3.1: the ID and secret are form-urlencoded before Basic's base64.
pub fn basic_credentials(client_id: &str, secret: &str) -> String {
    let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pair = format!("{}:{}", encode(client_id), encode(secret));
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// Who is asking for the token.
pub struct Client<'a> {
    pub id: &'a str,
    pub secret: Option<&'a Secret>,
    pub method: AuthMethod,
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn auto_tries_the_remembered_method_first() {
        assert_eq!(
            AuthMethod::Auto.attempts(None),
            [Attempt::Basic, Attempt::Post]
        );
        assert_eq!(
            AuthMethod::Auto.attempts(Some(Attempt::Post)),
            [Attempt::Post, Attempt::Basic]
        );
        assert_eq!(
            AuthMethod::Post.attempts(Some(Attempt::Basic)),
            [Attempt::Post]
        );
    }

    #[test]
    fn each_method_puts_the_credentials_in_its_place() {
        let secret = Secret::new("s".into());
        let client = Client {
            id: "id",
            secret: Some(&secret),
            method: AuthMethod::Auto,
        };
        let mut out = Outgoing::new(vec![]);
        Attempt::Basic.apply(&client, &mut out);
        assert!(out.fields.is_empty());
        assert_eq!(out.headers().next().map(|h| h.0), Some("Authorization"));
        let mut out = Outgoing::new(vec![]);
        Attempt::Post.apply(&client, &mut out);
        assert_eq!(out.field_names(), ["client_id", "client_secret"]);
        let mut out = Outgoing::new(vec![]);
        Attempt::None.apply(&client, &mut out);
        assert_eq!(out.field_names(), ["client_id"]);
    }
}
