//! Everything fixed about how tokn asks a server, whichever endpoint and form:
//! the client and its authentication, the `-H` headers, retries, the trust
//! store and client certificate, and how long a request may take.
//!
//! A grant may send several requests to more than one endpoint (a device
//! authorization, then polls of the token endpoint). For the sign-ins a person
//! completes at their own pace, `--timeout` bounds each request instead of the
//! whole run, so each request gets a transport with a deadline of its own.

use std::time::{Duration, Instant};

use anyhow::Result;

use crate::http::{Reply, Transport, Trust};
use crate::keys::tls::ClientIdentity;
use crate::oauth::client_auth::{Attempt, Client};
use crate::oauth::exchange::{Exchange, Refused};
use crate::oauth::request::Form;
use crate::oauth::response::{Rejection, Token};
use crate::settings::route;

/// An answer that `read` accepted and the attempt that got it, or a refusal.
pub type Answer<T> = Result<(T, Attempt), Refused>;

pub struct Asker<'a> {
    pub client: Client<'a>,
    pub headers: &'a [(String, String)],
    pub retries: u32,
    pub trust: &'a Trust,
    pub identity: Option<&'a ClientIdentity>,
    pub allow_http: bool,
    pub timeout: Duration,
    /// The end of the whole run; `None` gives each request `timeout` of its own.
    pub whole_run: Option<Instant>,
}

impl Asker<'_> {
    /// Ask `url` for a token with this form.
    pub fn token(
        &self,
        url: &str,
        form: &dyn Form,
        remembered: Option<Attempt>,
    ) -> Result<Answer<Token>> {
        let read = crate::oauth::exchange::interpret;
        self.ask(url, "the token endpoint", form, remembered, read)
    }

    /// [`Asker::token`], with a refusal as the error it is when nothing else
    /// can be tried.
    pub fn token_or_fail(
        &self,
        url: &str,
        form: &dyn Form,
        remembered: Option<Attempt>,
    ) -> Result<(Token, Attempt)> {
        self.token(url, form, remembered)?
            .map_err(|refused| refused.into_failure().into())
    }

    /// Send this form to `url`, the client authenticating as `--auth` says, and
    /// read the answer with `read`. `what` names the endpoint in failures.
    pub fn ask<T>(
        &self,
        url: &str,
        what: &'static str,
        form: &dyn Form,
        remembered: Option<Attempt>,
        read: impl Fn(&Reply) -> Result<T, Rejection>,
    ) -> Result<Answer<T>> {
        let deadline = self.whole_run.unwrap_or_else(|| {
            let now = Instant::now();
            // Settings checked that the timeout fits the clock at the start.
            now.checked_add(self.timeout).unwrap_or(now)
        });
        let transport = Transport::new(
            url,
            self.trust.clone(),
            self.identity,
            route(url, self.allow_http)?,
            self.timeout,
            deadline,
        )?
        .serving(what);
        Exchange {
            transport: &transport,
            client: &self.client,
            request: form,
            headers: self.headers,
            retries: self.retries,
        }
        .ask(remembered, read)
    }
}
