//! The token request: its form fields in the SPEC's order (`grant_type`, the
//! grant's own fields, `scope`, `audience`, `resource`, the client's own fields,
//! then the `--data` fields) and its headers, with the rule for `-H` (it
//! replaces a header tokn sets itself, and repeats are kept).
//!
//! The parsing of `-s` and `-d` values lives here too, so the rules for what a
//! user may type and what is sent sit side by side.

use anyhow::Result;

use crate::error::usage;
use crate::secret::Secret;

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

/// The fields of a request around the client's own, which the client's
/// authentication puts between them.
pub trait Form {
    fn leading_fields(&self) -> Vec<(String, String)>;
    fn trailing_fields(&self) -> Vec<(String, String)>;
}

/// The parts of the request body that do not depend on how the client authenticates.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub grant_type: String,
    /// The grant's own fields (`refresh_token`, `subject_token`, …), in the
    /// SPEC's order; their values may be secrets.
    pub grant_fields: Vec<(&'static str, Secret)>,
    /// The scopes joined by single spaces; `None` when no scope was given, so
    /// that no empty `scope=` is ever sent.
    pub scope: Option<String>,
    /// `--audience` values (RFC 8693), one field each.
    pub audience: Vec<String>,
    /// `--resource` values (RFC 8707), one field each.
    pub resource: Vec<String>,
    pub extra: Vec<Field>,
}

impl Form for TokenRequest {
    fn leading_fields(&self) -> Vec<(String, String)> {
        TokenRequest::leading_fields(self)
    }

    fn trailing_fields(&self) -> Vec<(String, String)> {
        TokenRequest::trailing_fields(self)
    }
}

impl TokenRequest {
    pub fn new(grant_type: String, scopes: &[String], extra: Vec<Field>) -> Self {
        let scopes = normalize_scopes(scopes);
        TokenRequest {
            grant_type,
            grant_fields: Vec::new(),
            scope: (!scopes.is_empty()).then(|| scopes.join(" ")),
            audience: Vec::new(),
            resource: Vec::new(),
            extra,
        }
    }

    /// This request with the grant's own fields filled in.
    pub fn with_grant_fields(&self, fields: Vec<(&'static str, Secret)>) -> TokenRequest {
        TokenRequest {
            grant_fields: fields,
            ..self.clone()
        }
    }

    /// The refresh of a token this request got (RFC 6749 §6): the same scope,
    /// audience and resource, none of the original grant's `-d` fields.
    pub fn refresh(&self, refresh_token: Secret) -> TokenRequest {
        TokenRequest {
            grant_type: "refresh_token".into(),
            grant_fields: vec![("refresh_token", refresh_token)],
            extra: Vec::new(),
            ..self.clone()
        }
    }

    /// The fields that come before the client's own: `grant_type`, the grant's
    /// fields, `scope`, then each `audience` and each `resource`.
    pub fn leading_fields(&self) -> Vec<(String, String)> {
        let mut fields = vec![("grant_type".to_string(), self.grant_type.clone())];
        for (name, value) in &self.grant_fields {
            fields.push((name.to_string(), value.expose().to_string()));
        }
        fields.extend(self.scope_and_targets());
        fields
    }

    /// `scope`, `audience` and `resource`, which a device authorization request
    /// carries too.
    pub fn scope_and_targets(&self) -> Vec<(String, String)> {
        let mut fields = Vec::new();
        if let Some(scope) = &self.scope {
            fields.push(("scope".to_string(), scope.clone()));
        }
        for value in &self.audience {
            fields.push(("audience".to_string(), value.clone()));
        }
        for value in &self.resource {
            fields.push(("resource".to_string(), value.clone()));
        }
        fields
    }

    /// The `-d` fields, which come last.
    pub fn trailing_fields(&self) -> Vec<(String, String)> {
        self.extra
            .iter()
            .map(|f| (f.key.clone(), f.value.clone()))
            .collect()
    }

    /// A `-d` key that tokn sets itself for this grant is a usage error naming
    /// the option to use (`own`: the grant's fields and their options).
    pub fn refuse_own_fields(&self, own: &[(&str, &str)]) -> Result<()> {
        for field in &self.extra {
            if let Some((_, option)) = own.iter().find(|(name, _)| *name == field.key) {
                return Err(usage(format!(
                    "-d {}=… is set by tokn itself for this grant: use {option} instead",
                    field.key
                )));
            }
        }
        Ok(())
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
    fn grant_fields_then_scope_audience_and_resource_then_the_client_then_data() {
        let mut req = TokenRequest::new(
            "refresh_token".into(),
            &["read".into()],
            vec![Field::parse("audience=d").unwrap()],
        );
        req.audience = vec!["a1".into(), "a2".into()];
        req.resource = vec!["r".into()];
        let req = req.with_grant_fields(vec![("refresh_token", Secret::new("rt".into()))]);
        assert_eq!(
            req.encode(&[("client_id", "id")]),
            "grant_type=refresh_token&refresh_token=rt&scope=read&audience=a1&audience=a2\
             &resource=r&client_id=id&audience=d"
        );
        let refresh = req.refresh(Secret::new("new".into()));
        assert_eq!(
            refresh.encode(&[]),
            "grant_type=refresh_token&refresh_token=new&scope=read&audience=a1&audience=a2&resource=r"
        );
    }

    #[test]
    fn a_grant_field_typed_into_d_names_the_option() {
        let req = TokenRequest::new("x".into(), &[], vec![Field::parse("assertion=a").unwrap()]);
        assert!(req.refuse_own_fields(&[]).is_ok());
        let err = req
            .refuse_own_fields(&[("assertion", "--assertion-file")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("use --assertion-file"), "{err}");
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
