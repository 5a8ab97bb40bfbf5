//! The token request: its form fields in the SPEC's order (`grant_type`, `scope`,
//! the client's own fields, then the `--data` fields) and its headers, with the
//! rule for `-H` (it replaces a header tokn sets itself, and repeats are kept).
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
    (
        "client_assertion",
        "--auth private_key_jwt with --signing-key, or --auth client_secret_jwt",
    ),
    (
        "client_assertion_type",
        "--auth private_key_jwt with --signing-key, or --auth client_secret_jwt",
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

impl TokenRequest {
    pub fn new(grant_type: String, scopes: &[String], extra: Vec<Field>) -> Self {
        let scopes = normalize_scopes(scopes);
        TokenRequest {
            grant_type,
            scope: (!scopes.is_empty()).then(|| scopes.join(" ")),
            extra,
        }
    }

    /// The fields that come before the client's own: `grant_type`, `scope`.
    pub fn leading_fields(&self) -> Vec<(String, String)> {
        let mut fields = vec![("grant_type".to_string(), self.grant_type.clone())];
        if let Some(scope) = &self.scope {
            fields.push(("scope".to_string(), scope.clone()));
        }
        fields
    }

    /// The `-d` fields, which come last.
    pub fn trailing_fields(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.extra.iter().map(|f| (f.key.clone(), f.value.clone()))
    }

    /// The whole body with `client` fields in their place, form-urlencoded.
    pub fn encode(&self, client: &[(&str, &str)]) -> String {
        let mut out = Outgoing::new(Vec::new());
        out.fields.extend(self.leading_fields());
        for (k, v) in client {
            out.field(k, v);
        }
        out.fields.extend(self.trailing_fields());
        out.body()
    }
}

/// A header and whether tokn set it (then a `-H` of the same name replaces it).
struct Header {
    name: String,
    value: String,
    own: bool,
}

/// A token request on its way out. Not `Debug`: it holds the credentials.
pub struct Outgoing {
    headers: Vec<Header>,
    pub fields: Vec<(String, String)>,
}

impl Outgoing {
    /// A request with tokn's own headers.
    pub fn new(own_headers: Vec<(&str, &str)>) -> Outgoing {
        let headers = own_headers
            .into_iter()
            .map(|(name, value)| Header {
                name: name.to_string(),
                value: value.to_string(),
                own: true,
            })
            .collect();
        Outgoing {
            headers,
            fields: Vec::new(),
        }
    }

    /// A header tokn sets itself (`Authorization` for Basic, say).
    pub fn own_header(&mut self, name: &str, value: String) {
        self.headers.retain(|h| !h.name.eq_ignore_ascii_case(name));
        self.headers.push(Header {
            name: name.to_string(),
            value,
            own: true,
        });
    }

    pub fn field(&mut self, key: &str, value: &str) {
        self.fields.push((key.to_string(), value.to_string()));
    }

    /// The `-H` headers: each replaces tokn's own header of the same name, and
    /// two of the same name are both sent, as curl does.
    pub fn user_headers(&mut self, headers: &[(String, String)]) {
        for (name, _) in headers {
            self.headers
                .retain(|h| !(h.own && h.name.eq_ignore_ascii_case(name)));
        }
        self.headers
            .extend(headers.iter().map(|(name, value)| Header {
                name: name.clone(),
                value: value.clone(),
                own: false,
            }));
    }

    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers
            .iter()
            .map(|h| (h.name.as_str(), h.value.as_str()))
    }

    pub fn field_names(&self) -> Vec<&str> {
        self.fields.iter().map(|(k, _)| k.as_str()).collect()
    }

    /// The `application/x-www-form-urlencoded` body.
    pub fn body(&self) -> String {
        let mut body = form_urlencoded::Serializer::new(String::new());
        for (key, value) in &self.fields {
            body.append_pair(key, value);
        }
        body.finish()
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
        let err = Field::parse("client_assertion=x").unwrap_err().to_string();
        assert!(err.contains("--signing-key"), "{err}");
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
            req.encode(&[("client_id", "id"), ("client_secret", "s&+ ")]),
            "grant_type=client_credentials&scope=read+write&client_id=id\
             &client_secret=s%26%2B+&resource=https%3A%2F%2Fapi%2Fx+y"
        );
    }

    #[test]
    fn no_scope_field_without_scopes() {
        let req = TokenRequest::new("client_credentials".into(), &[" ".into()], vec![]);
        assert_eq!(req.encode(&[]), "grant_type=client_credentials");
    }

    #[test]
    fn a_user_header_replaces_an_own_one_and_repeats_are_kept() {
        let mut out = Outgoing::new(vec![("Accept", "application/json"), ("User-Agent", "t")]);
        out.user_headers(&[
            ("accept".into(), "text/plain".into()),
            ("X-A".into(), "1".into()),
            ("X-A".into(), "2".into()),
            ("ACCEPT".into(), "*/*".into()),
        ]);
        let headers: Vec<_> = out.headers().collect();
        assert_eq!(
            headers,
            [
                ("User-Agent", "t"),
                ("accept", "text/plain"),
                ("X-A", "1"),
                ("X-A", "2"),
                ("ACCEPT", "*/*")
            ]
        );
    }
}
