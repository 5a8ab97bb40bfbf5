//! Issuer discovery: the authorization server's metadata (OpenID Connect
//! Discovery 1.0 §4, RFC 8414 §3), which names the token endpoint, the client
//! authentication methods the server takes, its mTLS aliases (RFC 8705 §5), and
//! what later features read (`jwks_uri`, the device and authorization endpoints).
//!
//! The document is looked for at the OpenID location first and at the RFC 8414
//! one when that gives nothing usable. Its `issuer` must be the one asked for
//! (RFC 8414 §3.3), so that a document served from elsewhere cannot send the
//! credentials to another server. Documents are cached beside the tokens for
//! an hour; the cache is only read when a token must be fetched.

use anyhow::Result;
use serde_json::{Map, Value};

use crate::cache::{Cache, Key, Side};
use crate::clock;
use crate::diag;
use crate::error::{Exit, Failure};
use crate::http::Reply;

/// How long a cached document is used, in seconds.
pub const TTL: u64 = 3600;

/// Bumped when the cached form changes; other versions are fetched again.
const VERSION: u64 = 1;

/// A checked metadata document.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    /// The issuer as the user gave it.
    pub issuer: String,
    /// Where the document was found.
    pub url: String,
    pub document: Map<String, Value>,
}

impl Metadata {
    /// A string field of the document.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.document.get(key).and_then(Value::as_str)
    }

    pub fn token_endpoint(&self) -> Option<&str> {
        self.text("token_endpoint")
    }

    /// `mtls_endpoint_aliases.token_endpoint` (RFC 8705 §5).
    pub fn mtls_token_endpoint(&self) -> Option<&str> {
        self.document
            .get("mtls_endpoint_aliases")?
            .get("token_endpoint")?
            .as_str()
    }

    /// `token_endpoint_auth_methods_supported`, when the server lists them.
    pub fn auth_methods(&self) -> Option<Vec<String>> {
        let list = self
            .document
            .get("token_endpoint_auth_methods_supported")?
            .as_array()?;
        Some(
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        )
    }
}

/// The two places a document may be: the OpenID one, then RFC 8414's, where
/// the issuer's path goes after the well-known part.
pub fn locations(issuer: &str) -> [String; 2] {
    let trimmed = issuer.strip_suffix('/').unwrap_or(issuer);
    let after_scheme = trimmed.find("://").map_or(0, |i| i + 3);
    let (origin, path) = match trimmed[after_scheme..].find('/') {
        Some(i) => trimmed.split_at(after_scheme + i),
        None => (trimmed, ""),
    };
    [
        format!("{trimmed}/.well-known/openid-configuration"),
        format!("{origin}/.well-known/oauth-authorization-server{path}"),
    ]
}

/// RFC 8414 §3.3: the same issuer, one trailing `/` aside.
pub fn same_issuer(a: &str, b: &str) -> bool {
    a.strip_suffix('/').unwrap_or(a) == b.strip_suffix('/').unwrap_or(b)
}

/// The metadata of `issuer`: from the cache when a copy under an hour old is
/// there (and `refresh` is not asked), else from the server through `get`,
/// then cached.
pub fn load(
    issuer: &str,
    cache: Option<&Cache>,
    refresh: bool,
    get: &dyn Fn(&str) -> Result<Reply>,
) -> Result<Metadata> {
    let key = Key::of_parts(&["tokn-metadata-v1", issuer]);
    let now = clock::now();
    if let Some(cache) = cache
        && !refresh
        && let Some((metadata, age)) = cache
            .read_side(Side::Metadata, &key)
            .and_then(|b| cached(issuer, &b, now))
    {
        diag::verbose(&format!(
            "* metadata of {issuer} from the cache ({age} s old)"
        ));
        return Ok(metadata);
    }
    let metadata = discover(issuer, get)?;
    if let Some(cache) = cache {
        let stored = serde_json::json!({
            "version": VERSION,
            "issuer": metadata.issuer,
            "url": metadata.url,
            "fetched_at": now,
            "document": metadata.document,
        });
        if let Err(e) = cache.write_side(Side::Metadata, &key, stored.to_string().as_bytes()) {
            diag::warn(&format!(
                "cannot write the metadata of {issuer} in the cache: {e}; it is not cached"
            ));
        }
    }
    Ok(metadata)
}

/// A cached document and its age, if it is for this issuer and under an hour old.
fn cached(issuer: &str, bytes: &[u8], now: u64) -> Option<(Metadata, u64)> {
    let Ok(Value::Object(mut stored)) = serde_json::from_slice(bytes) else {
        return None;
    };
    let fetched_at = stored.get("fetched_at")?.as_u64()?;
    let age = now.checked_sub(fetched_at).filter(|age| *age < TTL)?;
    if stored.get("version")?.as_u64()? != VERSION || stored.get("issuer")?.as_str()? != issuer {
        return None;
    }
    let url = stored.get("url")?.as_str()?.to_string();
    let Some(Value::Object(document)) = stored.remove("document") else {
        return None;
    };
    checked(issuer, &url, document).ok().map(|m| (m, age))
}

/// Fetch the document from the OpenID location, else from the RFC 8414 one.
pub fn discover(issuer: &str, get: &dyn Fn(&str) -> Result<Reply>) -> Result<Metadata> {
    let mut misses = Vec::new();
    for url in locations(issuer) {
        diag::verbose(&format!("> GET {url}"));
        let reply = get(&url)?;
        diag::verbose(&reply.summary());
        match document(&reply) {
            Ok(document) => return Ok(checked(issuer, &url, document)?),
            Err(why) => misses.push(format!("{url}: {why}")),
        }
    }
    let mut failure = Failure::new(
        Exit::Server,
        format!("found no metadata for the issuer {issuer}"),
    );
    for miss in misses {
        failure = failure.detail(miss);
    }
    Err(failure
        .detail("hint: check --issuer, or give the token endpoint with -u/--token-url")
        .into())
}

/// The answer's JSON object, or why it is not a metadata document.
fn document(reply: &Reply) -> Result<Map<String, Value>, String> {
    match reply.status {
        200..=299 => {}
        300..=399 => {
            return Err(format!(
                "HTTP {} (redirects are not followed)",
                reply.status
            ));
        }
        status => return Err(format!("HTTP {status}")),
    }
    match serde_json::from_slice(&reply.body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(format!("HTTP {}, but not a JSON object", reply.status)),
    }
}

/// The document, if its `issuer` is the one asked for.
fn checked(issuer: &str, url: &str, document: Map<String, Value>) -> Result<Metadata, Failure> {
    let unusable = |message: String| {
        Failure::new(Exit::Server, message).detail(
            "tokn uses metadata only for the issuer it asked for (RFC 8414 §3.3); check --issuer",
        )
    };
    match document.get("issuer") {
        Some(Value::String(found)) if same_issuer(found, issuer) => Ok(Metadata {
            issuer: issuer.to_string(),
            url: url.to_string(),
            document,
        }),
        Some(Value::String(found)) => Err(unusable(format!(
            "the metadata at {url} is for the issuer '{found}', not '{issuer}'"
        ))),
        _ => Err(unusable(format!("the metadata at {url} names no issuer"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::exit_of;
    use std::cell::RefCell;

    #[test]
    fn the_well_known_locations_per_openid_and_rfc_8414() {
        assert_eq!(
            locations("https://idp.example.com"),
            [
                "https://idp.example.com/.well-known/openid-configuration",
                "https://idp.example.com/.well-known/oauth-authorization-server",
            ]
        );
        assert_eq!(
            locations("https://idp.example.com/"),
            locations("https://idp.example.com")
        );
        assert_eq!(
            locations("https://login.example.com:8443/tenant/v2.0/"),
            [
                "https://login.example.com:8443/tenant/v2.0/.well-known/openid-configuration",
                "https://login.example.com:8443/.well-known/oauth-authorization-server/tenant/v2.0",
            ]
        );
    }

    #[test]
    fn one_trailing_slash_aside_the_issuer_must_be_equal() {
        assert!(same_issuer("https://a.example", "https://a.example/"));
        assert!(same_issuer("https://a.example/t/", "https://a.example/t"));
        assert!(!same_issuer("https://a.example//", "https://a.example"));
        assert!(!same_issuer("https://A.example", "https://a.example"));
        assert!(!same_issuer("https://a.example/t", "https://a.example"));
    }

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            content_type: Some("application/json".into()),
            location: None,
            retry_after: None,
            body: body.as_bytes().to_vec(),
        }
    }

    /// A GET that answers from a list and records the URLs asked for.
    fn serve<'a>(
        answers: &'a RefCell<Vec<Reply>>,
        asked: &'a RefCell<Vec<String>>,
    ) -> impl Fn(&str) -> Result<Reply> + 'a {
        move |url| {
            asked.borrow_mut().push(url.to_string());
            Ok(answers.borrow_mut().remove(0))
        }
    }

    #[test]
    fn a_404_at_the_openid_place_leads_to_rfc_8414() {
        let answers = RefCell::new(vec![
            reply(404, "not here"),
            reply(
                200,
                r#"{"issuer":"https://as.example/t","token_endpoint":"https://as.example/tok"}"#,
            ),
        ]);
        let asked = RefCell::new(Vec::new());
        let m = discover("https://as.example/t", &serve(&answers, &asked)).unwrap();
        assert_eq!(m.token_endpoint(), Some("https://as.example/tok"));
        assert_eq!(
            m.url,
            "https://as.example/.well-known/oauth-authorization-server/t"
        );
        assert_eq!(asked.borrow().len(), 2);
    }

    #[test]
    fn another_issuer_is_refused_with_exit_5() {
        let answers = RefCell::new(vec![reply(
            200,
            r#"{"issuer":"https://evil.example","token_endpoint":"https://evil.example/t"}"#,
        )]);
        let asked = RefCell::new(Vec::new());
        let err = discover("https://as.example", &serve(&answers, &asked)).unwrap_err();
        assert_eq!(exit_of(&err), Exit::Server);
        assert_eq!(
            err.to_string(),
            "the metadata at https://as.example/.well-known/openid-configuration is for the \
             issuer 'https://evil.example', not 'https://as.example'"
        );
        assert_eq!(asked.borrow().len(), 1, "a mismatch is not a miss");
    }

    #[test]
    fn nothing_at_either_place_names_both() {
        let answers = RefCell::new(vec![reply(404, ""), reply(200, "<html>")]);
        let asked = RefCell::new(Vec::new());
        let err = discover("https://as.example", &serve(&answers, &asked)).unwrap_err();
        assert_eq!(exit_of(&err), Exit::Server);
        let details = crate::error::detail_lines(&err);
        assert_eq!(
            details[..2],
            [
                "https://as.example/.well-known/openid-configuration: HTTP 404",
                "https://as.example/.well-known/oauth-authorization-server: HTTP 200, but not a \
                 JSON object",
            ]
        );
    }

    #[test]
    fn a_cached_document_is_used_for_an_hour_and_only_for_its_issuer() {
        let stored = serde_json::json!({
            "version": 1, "issuer": "https://as.example", "url": "u", "fetched_at": 1000,
            "document": {"issuer": "https://as.example/", "token_endpoint": "https://as.example/t"},
        })
        .to_string();
        let hit = cached("https://as.example", stored.as_bytes(), 1000 + TTL - 1);
        assert_eq!(hit.map(|(_, age)| age), Some(TTL - 1));
        assert!(cached("https://as.example", stored.as_bytes(), 1000 + TTL).is_none());
        assert!(cached("https://as.example", stored.as_bytes(), 999).is_none());
        assert!(cached("https://other.example", stored.as_bytes(), 1000).is_none());
        assert!(cached("https://as.example", b"{", 1000).is_none());
    }

    #[test]
    fn the_fields_tokn_reads() {
        let m = Metadata {
            issuer: "i".into(),
            url: "u".into(),
            document: serde_json::from_str(
                r#"{"token_endpoint":"t","mtls_endpoint_aliases":{"token_endpoint":"m"},
                    "token_endpoint_auth_methods_supported":["client_secret_post",5]}"#,
            )
            .unwrap(),
        };
        assert_eq!(m.token_endpoint(), Some("t"));
        assert_eq!(m.mtls_token_endpoint(), Some("m"));
        assert_eq!(
            m.auth_methods(),
            Some(vec!["client_secret_post".to_string()])
        );
    }
}
