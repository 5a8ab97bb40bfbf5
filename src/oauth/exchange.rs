//! The exchange: send the token request, read the answer, and on a refusal
//! decide whether the next client-authentication attempt is worth a try.
//!
//! `auto` falls back only on a 400 or 401 that is a refusal: a network error
//! or a 5xx says nothing about the credentials. Transient failures are retried
//! below this, in `retry.rs`; the wording of a final refusal is `refusal.rs`'s.

use anyhow::Result;

use crate::diag;
use crate::error::{Exit, Failure};
use crate::http::{Reply, Transport};
use crate::oauth::client_auth::{Attempt, Client};
use crate::oauth::refusal;
use crate::oauth::request::{Form, Outgoing};
use crate::oauth::response::{self, Rejection, Token};
use crate::redact;
use crate::retry;

/// Errors a server gives only to a client it has authenticated (RFC 8628 §3.5):
/// the other method would get the same answer.
const CLIENT_ACCEPTED: &[&str] = &[
    "authorization_pending",
    "slow_down",
    "access_denied",
    "expired_token",
];

/// An answer without a token: each attempt's refusal, and the last reply.
pub struct Refused {
    pub refusals: Vec<(Attempt, Rejection)>,
    pub last: Reply,
}

impl Refused {
    /// The OAuth `error` of the last answer, if it had one.
    pub fn error(&self) -> Option<&str> {
        self.refusals
            .last()
            .and_then(|(_, r)| r.oauth())
            .map(|o| o.error.as_str())
    }

    /// The attempt that got the last answer.
    pub fn attempt(&self) -> Option<Attempt> {
        self.refusals.last().map(|(a, _)| *a)
    }

    /// The error the user reads.
    pub fn into_failure(self) -> Failure {
        refusal::report(&self.refusals, &self.last)
    }
}

/// What to do after an answer without a token.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Try the next authentication method.
    FallBack,
    /// Report the refusal.
    Fail,
}

/// `auto`'s rule: another method only after a 400 or 401 refusal, and only if
/// one is left.
pub fn next_step(rejection: &Rejection, attempts_left: usize) -> Step {
    let about_credentials = matches!(rejection.status(), 400 | 401)
        && matches!(rejection, Rejection::Refused { .. })
        && !rejection
            .oauth()
            .is_some_and(|o| CLIENT_ACCEPTED.contains(&o.error.as_str()));
    if about_credentials && attempts_left > 0 {
        Step::FallBack
    } else {
        Step::Fail
    }
}

/// The request as it leaves, fixed but for the client's authentication.
pub struct Exchange<'a> {
    pub transport: &'a Transport,
    pub client: &'a Client<'a>,
    pub request: &'a dyn Form,
    pub headers: &'a [(String, String)],
    pub retries: u32,
}

impl Exchange<'_> {
    /// Send the request with each attempt in turn until one gets an answer
    /// that `read` accepts or that is not worth another attempt.
    pub fn ask<T>(
        &self,
        remembered: Option<Attempt>,
        read: impl Fn(&Reply) -> Result<T, Rejection>,
    ) -> Result<Result<(T, Attempt), Refused>> {
        let attempts = self.client.attempts(remembered);
        let mut refusals: Vec<(Attempt, Rejection)> = Vec::new();
        for (i, attempt) in attempts.iter().copied().enumerate() {
            let reply = self.send(attempt)?;
            let rejection = match read(&reply) {
                Ok(answer) => return Ok(Ok((answer, attempt))),
                Err(rejection) => rejection,
            };
            let left = attempts.len() - i - 1;
            if next_step(&rejection, left) == Step::FallBack {
                diag::verbose(&format!(
                    "* retrying with --auth {} because --auth {} got HTTP {}{}",
                    attempts[i + 1].name(),
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
            return Ok(Err(Refused {
                refusals,
                last: reply,
            }));
        }
        Err(Failure::new(Exit::Bug, "no authentication attempt was made").into())
    }

    fn outgoing(&self, attempt: Attempt) -> Result<Outgoing> {
        let mut out = Outgoing::new(vec![
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
            ("User-Agent", crate::http::USER_AGENT),
        ]);
        out.fields.extend(self.request.leading_fields());
        attempt.apply(self.client, self.transport.url(), &mut out)?;
        out.fields.extend(self.request.trailing_fields());
        out.user_headers(self.headers);
        Ok(out)
    }

    fn send(&self, attempt: Attempt) -> Result<Reply> {
        let out = self.outgoing(attempt)?;
        if diag::is_verbose() {
            diag::verbose(&format!("> POST {}", self.transport.url()));
            for (name, value) in out.headers() {
                diag::verbose(&format!("> {name}: {}", redact::header(name, value)));
            }
            diag::verbose(&format!("> form fields: {}", out.field_names().join(", ")));
        }
        let headers: Vec<(String, String)> = out
            .headers()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        let reply = retry::send_with_retries(self.transport, &headers, &out.body(), self.retries)?;
        if diag::is_verbose() {
            diag::verbose(&reply.summary());
        }
        Ok(reply)
    }
}

/// The answer as a token or a rejection; the token's parts are registered so
/// that no later line shows them whole, and only then is the body shown.
pub fn interpret(reply: &Reply) -> Result<Token, Rejection> {
    let answer = response::interpret(reply.status, reply.content_type.as_deref(), &reply.body);
    if let Ok(token) = &answer {
        diag::protect_token(&token.access_token);
        for key in ["refresh_token", "id_token"] {
            if let Some(serde_json::Value::String(t)) = token.fields.get(key) {
                diag::protect_token(t);
            }
        }
    }
    if diag::is_verbose() {
        diag::verbose(&format!("< {}", redact::body(&reply.body)));
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(status: u16) -> Rejection {
        Rejection::Refused {
            status,
            oauth: None,
            excerpt: None,
        }
    }

    #[test]
    fn only_a_400_or_401_refusal_falls_back_and_only_if_a_method_is_left() {
        assert_eq!(next_step(&refused(401), 1), Step::FallBack);
        assert_eq!(next_step(&refused(400), 1), Step::FallBack);
        assert_eq!(next_step(&refused(401), 0), Step::Fail);
        assert_eq!(next_step(&refused(403), 1), Step::Fail);
        let failed = Rejection::Unusable {
            status: 400,
            reason: "x".into(),
            oauth: None,
        };
        assert_eq!(next_step(&failed, 1), Step::Fail);
    }

    #[test]
    fn a_device_poll_answer_proves_the_client_was_accepted() {
        let pending = Rejection::Refused {
            status: 400,
            oauth: Some(crate::oauth::response::OAuthError {
                error: "authorization_pending".into(),
                description: None,
                uri: None,
            }),
            excerpt: None,
        };
        assert_eq!(next_step(&pending, 1), Step::Fail);
    }
}
