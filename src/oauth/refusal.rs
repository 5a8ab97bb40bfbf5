//! An answer without a token, told to the user: the status, the OAuth error
//! fields, both answers when `auto` tried twice, and a next step where tokn
//! knows one.

use crate::error::{Exit, Failure};
use crate::http::Reply;
use crate::oauth::client_auth::Attempt;
use crate::oauth::response::{OAuthError, Rejection};
use crate::redact;

/// The error for a request that got no token: the last answer, and the first
/// one too when `auto` tried twice.
pub fn report(refusals: &[(Attempt, Rejection)], last: &Reply) -> Failure {
    let Some((final_attempt, final_rejection)) = refusals.last() else {
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
    with_hint(failure, final_rejection.oauth(), *final_attempt, both)
}

/// The hint for the last answer, if tokn knows one.
fn with_hint(
    failure: Failure,
    oauth: Option<&OAuthError>,
    attempt: Attempt,
    both: bool,
) -> Failure {
    let Some(oauth) = oauth else {
        return failure;
    };
    match hint(oauth, attempt) {
        // Both methods were tried: only the credentials themselves are left to check.
        Some(_) if both && oauth.error == "invalid_client" => {
            failure.detail("hint: check the client ID and secret")
        }
        Some(hint) => failure.detail(format!("hint: {hint}")),
        None => failure,
    }
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

/// A next step for the OAuth errors people meet most, after `attempt`.
fn hint(oauth: &OAuthError, attempt: Attempt) -> Option<&'static str> {
    Some(match (oauth.error.as_str(), attempt) {
        ("invalid_client", Attempt::PrivateKeyJwt) => {
            "check the client ID, and that the server knows the --signing-key's public key under \
             its --signing-key-id; --jwt-audience sets another aud"
        }
        ("invalid_client", Attempt::ClientSecretJwt) => {
            "check the client ID and secret, and that the server takes --jwt-alg"
        }
        ("invalid_client", Attempt::Tls) => {
            "check the client ID, and that the server knows the --cert certificate for it"
        }
        ("invalid_client", _) => {
            "check the client ID and secret, or try --auth post or --auth basic"
        }
        ("unauthorized_client", _) => {
            "this client may not use this grant type; check --grant-type and the client's settings"
        }
        ("invalid_scope", _) => "ask only for scopes the client is allowed (-s)",
        ("unsupported_grant_type", _) => "check --grant-type; the server does not support it",
        ("invalid_grant", _) => "the grant (code, password, assertion) is wrong or expired",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(error: &str) -> Rejection {
        Rejection::Refused {
            status: 401,
            oauth: Some(OAuthError {
                error: error.into(),
                description: None,
                uri: None,
            }),
            excerpt: None,
        }
    }

    fn reply(status: u16) -> Reply {
        Reply {
            status,
            content_type: None,
            location: None,
            retry_after: None,
            body: Vec::new(),
        }
    }

    #[test]
    fn one_refusal_gives_its_hint() {
        let f = report(&[(Attempt::Basic, refused("invalid_client"))], &reply(401));
        assert_eq!(f.exit, Exit::Refused);
        assert!(
            f.details.iter().any(|d| d.contains("try --auth post")),
            "{f:?}"
        );
    }

    #[test]
    fn a_refused_key_or_certificate_gets_its_own_hint() {
        let f = report(
            &[(Attempt::PrivateKeyJwt, refused("invalid_client"))],
            &reply(401),
        );
        assert!(
            f.details.iter().any(|d| d.contains("--signing-key-id")),
            "{f:?}"
        );
        let f = report(&[(Attempt::Tls, refused("invalid_client"))], &reply(401));
        assert!(f.details.iter().any(|d| d.contains("--cert")), "{f:?}");
    }

    #[test]
    fn two_refusals_are_both_reported() {
        let f = report(
            &[
                (Attempt::Basic, refused("invalid_client")),
                (Attempt::Post, refused("invalid_client")),
            ],
            &reply(401),
        );
        assert!(
            f.details[0].starts_with("with --auth basic: HTTP 401"),
            "{f:?}"
        );
        assert!(
            f.details
                .iter()
                .any(|d| d == "hint: check the client ID and secret")
        );
    }
}
