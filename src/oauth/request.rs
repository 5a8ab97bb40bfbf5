//! The form fields of the token request, in the SPEC's order: `grant_type`,
//! `scope`, the client credentials (for `post` and `none`), then `--data` fields.
//!
//! The parsing of `-s` and `-d` values lives here too, so the rules for what a
//! user may type and what is sent sit side by side.

use anyhow::Result;

use crate::error::usage;

/// Fields tokn sets itself; a `-d` for one of them names the option to use instead.
const RESERVED: &[(&str, &str)] = &[
    ("grant_type", "--grant-type"),
    ("scope", "-s/--scope"),
    ("client_id", "-i/--client-id"),
    (
        "client_secret",
        "--client-secret-file, TOKN_CLIENT_SECRET or the prompt",
    ),
];

/// One `-d KEY=VALUE`, split at the first `=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub key: String,
    pub value: String,
}

impl Field {
    pub fn parse(arg: &str) -> Result<Field> {
        let Some((key, value)) = arg.split_once('=') else {
            return Err(usage(format!(
                "-d '{arg}' has no '=': write it as KEY=VALUE (KEY= sends an empty value)"
            )));
        };
        if key.is_empty() {
            return Err(usage(format!(
                "-d '{arg}' has an empty key: write it as KEY=VALUE"
            )));
        }
        if let Some((_, option)) = RESERVED.iter().find(|(name, _)| *name == key) {
            return Err(usage(format!(
                "-d {key}=… is set by tokn itself: use {option} instead"
            )));
        }
        Ok(Field {
            key: key.to_string(),
            value: value.to_string(),
        })
    }
}

/// Every `-s` value split at whitespace, in the order given, duplicates dropped.
pub fn normalize_scopes<S: AsRef<str>>(values: &[S]) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in values.iter().flat_map(|v| v.as_ref().split_whitespace()) {
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_string());
        }
    }
    scopes
}

/// The parts of the request body that do not depend on how the client authenticates.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub grant_type: String,
    /// The scopes joined by single spaces; `None` when no scope was given, so
    /// that no empty `scope=` is ever sent.
    pub scope: Option<String>,
    pub extra: Vec<Field>,
}

/// The client credentials that go into the body, if any.
#[derive(Debug, Clone, Copy)]
pub enum BodyCredentials<'a> {
    /// `basic`: the credentials travel in the Authorization header.
    Nothing,
    /// `none`: a public client names itself.
    ClientId(&'a str),
    /// `post`: RFC 6749 §2.3.1's alternative to Basic.
    IdAndSecret(&'a str, &'a str),
}

impl TokenRequest {
    pub fn new(grant_type: String, scopes: &[String], extra: Vec<Field>) -> Self {
        let scopes = normalize_scopes(scopes);
        TokenRequest {
            grant_type,
            scope: (!scopes.is_empty()).then(|| scopes.join(" ")),
            extra,
        }
    }

    /// The names of the fields in the order they are sent, for `-v`.
    pub fn field_names<'a>(&'a self, credentials: BodyCredentials<'a>) -> Vec<&'a str> {
        self.fields(credentials)
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    }

    /// The `application/x-www-form-urlencoded` body.
    pub fn encode(&self, credentials: BodyCredentials) -> String {
        let mut body = form_urlencoded::Serializer::new(String::new());
        for (key, value) in self.fields(credentials) {
            body.append_pair(key, value);
        }
        body.finish()
    }

    fn fields<'a>(&'a self, credentials: BodyCredentials<'a>) -> Vec<(&'a str, &'a str)> {
        let mut fields = vec![("grant_type", self.grant_type.as_str())];
        if let Some(scope) = &self.scope {
            fields.push(("scope", scope));
        }
        match credentials {
            BodyCredentials::Nothing => {}
            BodyCredentials::ClientId(id) => fields.push(("client_id", id)),
            BodyCredentials::IdAndSecret(id, secret) => {
                fields.push(("client_id", id));
                fields.push(("client_secret", secret));
            }
        }
        fields.extend(
            self.extra
                .iter()
                .map(|f| (f.key.as_str(), f.value.as_str())),
        );
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_splits_at_the_first_equals_sign() {
        let f = Field::parse("audience=a=b").unwrap();
        assert_eq!((f.key.as_str(), f.value.as_str()), ("audience", "a=b"));
        assert_eq!(Field::parse("k=").unwrap().value, "");
        assert!(Field::parse("novalue").is_err());
        assert!(Field::parse("=v").is_err());
    }

    #[test]
    fn reserved_keys_name_the_option_to_use() {
        let err = Field::parse("scope=x").unwrap_err().to_string();
        assert!(err.contains("--scope"), "{err}");
        let err = Field::parse("grant_type=x").unwrap_err().to_string();
        assert!(err.contains("--grant-type"), "{err}");
    }

    #[test]
    fn scopes_are_split_joined_and_deduplicated_in_order() {
        assert_eq!(normalize_scopes(&["b a", " c  b ", "a"]), ["b", "a", "c"]);
        assert!(normalize_scopes::<&str>(&[]).is_empty());
    }

    #[test]
    fn fields_come_in_the_spec_order_and_are_encoded() {
        let extra = vec![Field::parse("resource=https://api/x y").unwrap()];
        let req = TokenRequest::new("client_credentials".into(), &["read write".into()], extra);
        assert_eq!(
            req.encode(BodyCredentials::IdAndSecret("id", "s&+ ")),
            "grant_type=client_credentials&scope=read+write&client_id=id\
             &client_secret=s%26%2B+&resource=https%3A%2F%2Fapi%2Fx+y"
        );
        assert_eq!(
            req.field_names(BodyCredentials::ClientId("id")),
            ["grant_type", "scope", "client_id", "resource"]
        );
    }

    #[test]
    fn no_scope_field_without_scopes() {
        let req = TokenRequest::new("client_credentials".into(), &[" ".into()], vec![]);
        assert_eq!(
            req.encode(BodyCredentials::Nothing),
            "grant_type=client_credentials"
        );
    }
}
