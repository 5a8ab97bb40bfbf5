//! How the client proves who it is (RFC 6749 §2.3.1), and the `auto` fallback.
//!
//! `auto` sends HTTP Basic first, as the RFC says servers must support it; if
//! the answer is a 400 or 401 that is not a success, the same request goes once
//! more with the credentials in the body. It never falls back on a network error
//! or a 5xx, which say nothing about the credentials.

use anyhow::Result;
use base64::Engine;

use crate::diag;
use crate::error::{Exit, Failure};
use crate::http::{Reply, Transport};
use crate::oauth::request::{BodyCredentials, TokenRequest};
use crate::oauth::response::{self, OAuthError, Rejection, Token};
use crate::redact;
use crate::retry;
use crate::secret::Secret;

/// `--auth` as the program uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    Auto,
    Basic,
    Post,
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
    fn attempts(self, remembered: Option<Attempt>) -> Vec<Attempt> {
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

/// Ask for a token; on success, also say which attempt worked.
pub fn exchange(
    transport: &Transport,
    client: &Client,
    request: &TokenRequest,
    extra_headers: &[(String, String)],
    retries: u32,
    remembered: Option<Attempt>,
) -> Result<(Token, Attempt)> {
    let attempts = client.method.attempts(remembered);
    let mut refusals: Vec<(Attempt, Rejection)> = Vec::new();
    for (i, attempt) in attempts.iter().copied().enumerate() {
        let reply = send(transport, client, request, extra_headers, attempt, retries)?;
        match interpret(&reply) {
            Ok(token) => return Ok((token, attempt)),
            Err(rejection) => {
                let falls_back = matches!(rejection.status(), 400 | 401)
                    && matches!(rejection, Rejection::Refused { .. })
                    && i + 1 < attempts.len();
                if falls_back {
                    let next = attempts[i + 1];
                    diag::verbose(&format!(
                        "* retrying with --auth {} because --auth {} got HTTP {}{}",
                        next.name(),
                        attempt.name(),
                        rejection.status(),
                        rejection
                            .oauth()
                            .map(|o| format!(" {}", o.error))
                            .unwrap_or_default()
                    ));
                    refusals.push((attempt, rejection));
                    continue;
                }
                refusals.push((attempt, rejection));
                return Err(report(&refusals, &reply).into());
            }
        }
    }
    Err(Failure::new(Exit::Bug, "no authentication attempt was made").into())
}

fn interpret(reply: &Reply) -> Result<Token, Rejection> {
    let answer = response::interpret(reply.status, reply.content_type.as_deref(), &reply.body);
    if let Ok(token) = &answer {
        diag::protect_token(&token.access_token);
        for key in ["refresh_token", "id_token"] {
            if let Some(serde_json::Value::String(t)) = token.fields.get(key) {
                diag::protect_token(t);
            }
        }
    }
    // Only now that its tokens are known is the body shown.
    if diag::is_verbose() {
        diag::verbose(&format!("< {}", redact::body(&reply.body)));
    }
    answer
}

fn send(
    transport: &Transport,
    client: &Client,
    request: &TokenRequest,
    extra_headers: &[(String, String)],
    attempt: Attempt,
    retries: u32,
) -> Result<Reply> {
    let secret = client.secret.map(Secret::expose).unwrap_or_default();
    let mut headers = vec![
        (
            "Content-Type".to_string(),
            "application/x-www-form-urlencoded".to_string(),
        ),
        ("Accept".to_string(), "application/json".to_string()),
        (
            "User-Agent".to_string(),
            crate::http::USER_AGENT.to_string(),
        ),
    ];
    let credentials = match attempt {
        Attempt::Basic => {
            let value = basic_credentials(client.id, secret);
            diag::protect_secret(&value);
            diag::protect_secret(value.trim_start_matches("Basic "));
            headers.push(("Authorization".to_string(), value));
            BodyCredentials::Nothing
        }
        Attempt::Post => BodyCredentials::IdAndSecret(client.id, secret),
        Attempt::None => BodyCredentials::ClientId(client.id),
    };
    // `-H` replaces a default header of the same name, as in curl.
    for (name, value) in extra_headers {
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        headers.push((name.clone(), value.clone()));
    }
    let body = request.encode(credentials);
    if diag::is_verbose() {
        diag::verbose(&format!("> POST {}", transport.url()));
        for (name, value) in &headers {
            diag::verbose(&format!("> {name}: {}", redact::header(name, value)));
        }
        diag::verbose(&format!(
            "> form fields: {}",
            request.field_names(credentials).join(", ")
        ));
    }
    let reply = retry::send_with_retries(transport, &headers, &body, retries)?;
    if diag::is_verbose() {
        diag::verbose(&format!(
            "< HTTP {}{}, {} bytes",
            reply.status,
            reply
                .content_type
                .as_deref()
                .map(|c| format!(" {c}"))
                .unwrap_or_default(),
            reply.body.len()
        ));
    }
    Ok(reply)
}

/// The error for a request that got no token: the last answer, and the first
/// one too when `auto` tried twice.
fn report(refusals: &[(Attempt, Rejection)], last: &Reply) -> Failure {
    let Some((_, final_rejection)) = refusals.last() else {
        return Failure::new(Exit::Bug, "no answer to report");
    };
    let (exit, message) = match final_rejection {
        Rejection::Refused { status, oauth, .. } => (
            Exit::Refused,
            format!(
                "the token endpoint refused the request (HTTP {status}{})",
                oauth
                    .as_ref()
                    .map(|o| format!(" {}", o.error))
                    .unwrap_or_default()
            ),
        ),
        Rejection::Unusable { reason, status, .. } => {
            (Exit::Server, format!("{reason} (HTTP {status})"))
        }
    };
    let mut failure = Failure::new(exit, message);
    let both = refusals.len() > 1;
    for (attempt, rejection) in refusals {
        let prefix = if both {
            format!("with --auth {}: ", attempt.name())
        } else {
            String::new()
        };
        if both {
            failure = failure.detail(format!(
                "{prefix}HTTP {}{}",
                rejection.status(),
                rejection
                    .oauth()
                    .map(|o| format!(" {}", o.error))
                    .unwrap_or_default()
            ));
        }
        failure = describe(failure, rejection, if both { "  " } else { "" });
    }
    if let (Some(location), 300..=399) = (&last.location, last.status) {
        failure = failure.detail(format!(
            "the redirect pointed to {}; use that URL with -u if it is right",
            redact::server_text(location)
        ));
    }
    match final_rejection.oauth().and_then(hint) {
        // Both methods were tried: only the credentials themselves are left to check.
        Some(_)
            if both
                && final_rejection
                    .oauth()
                    .is_some_and(|o| o.error == "invalid_client") =>
        {
            failure = failure.detail("hint: check the client ID and secret");
        }
        Some(hint) => failure = failure.detail(format!("hint: {hint}")),
        None => {}
    }
    failure
}

fn describe(mut failure: Failure, rejection: &Rejection, indent: &str) -> Failure {
    if let Some(OAuthError {
        error,
        description,
        uri,
    }) = rejection.oauth()
    {
        failure = failure.detail(format!("{indent}error: {error}"));
        if let Some(d) = description {
            failure = failure.detail(format!("{indent}error_description: {d}"));
        }
        if let Some(u) = uri {
            failure = failure.detail(format!("{indent}error_uri: {u}"));
        }
    } else if let Rejection::Refused {
        excerpt: Some(text),
        ..
    } = rejection
    {
        failure = failure.detail(format!("{indent}body: {text}"));
    }
    failure
}

/// A next step for the OAuth errors people meet most.
fn hint(oauth: &OAuthError) -> Option<&'static str> {
    Some(match oauth.error.as_str() {
        "invalid_client" => "check the client ID and secret, or try --auth post or --auth basic",
        "unauthorized_client" => {
            "this client may not use this grant type; check --grant-type and the client's settings"
        }
        "invalid_scope" => "ask only for scopes the client is allowed (-s)",
        "unsupported_grant_type" => "check --grant-type; the server does not support it",
        "invalid_grant" => "the grant (code, password, assertion) is wrong or expired",
        _ => return None,
    })
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
}
