//! Asking the server for a token with the grant the settings name: one
//! exchange for most grants, a sign-in first for `device` and
//! `authorization_code`, and the refresh of a cached token with its refresh
//! token (RFC 6749 §6). The cache's part is `obtain.rs`'s.

use std::time::{Duration, Instant};

use anyhow::Result;

use crate::cache::Cache;
use crate::oauth::asker::{Answer, Asker};
use crate::oauth::client_auth::{Attempt, Client};
use crate::oauth::grant::{Assertion, Grant, Signed};
use crate::oauth::jwt_bearer;
use crate::oauth::prepare::{Prepared, prepare, sign_in_endpoint};
use crate::oauth::request::TokenRequest;
use crate::oauth::response::Token;
use crate::oauth::{authorization_code, device};
use crate::secret::Secret;
use crate::settings::{ClientSecret, Settings};

/// What a fetch settles once (the secret, the keys, the issuer's metadata),
/// for a refresh and, when that is refused, the original grant.
pub struct Fetcher<'a> {
    settings: &'a Settings,
    secret: Option<&'a Secret>,
    prepared: Prepared,
    /// The end of the whole run, for the grants that no person paces.
    deadline: Instant,
}

impl<'a> Fetcher<'a> {
    /// Run a secret command, load the keys, read the metadata. The command runs
    /// before the `--timeout` clock: its time is the password manager's.
    pub fn start(settings: &'a Settings, cache: Option<&Cache>) -> Result<Fetcher<'a>> {
        let before = Instant::now();
        let secret = settings
            .secret
            .as_ref()
            .map(ClientSecret::get)
            .transpose()?;
        let deadline = settings.deadline + before.elapsed();
        let prepared = prepare(settings, secret.is_some(), cache, deadline)?;
        Ok(Fetcher {
            settings,
            secret,
            prepared,
            deadline,
        })
    }

    /// The token endpoint: `-u`, or the one the issuer's metadata names.
    pub fn token_url(&self) -> &str {
        &self.prepared.token_url
    }

    /// Ask for a token with the settings' grant; also say which attempt worked.
    pub fn fetch(&self, remembered: Option<Attempt>) -> Result<(Token, Attempt)> {
        // A password command runs now, off the clock like a secret command.
        let before = Instant::now();
        let request = self
            .settings
            .request
            .with_grant_fields(self.settings.grant.fields()?);
        let asker = self.asker(before.elapsed());
        match &self.settings.grant {
            Grant::JwtBearer(Assertion::Signed(signed)) => {
                let request = self.signed_request(signed)?;
                asker.token_or_fail(self.token_url(), &request, remembered)
            }
            Grant::Device(sign) => {
                let device = self.endpoint(sign.device_url.as_deref(), DEVICE)?;
                device::sign_in(&asker, &device, self.token_url(), &request, remembered)
            }
            Grant::AuthorizationCode(sign) => {
                let authorize = self.endpoint(sign.authorize_url.as_deref(), AUTHORIZE)?;
                authorization_code::sign_in(
                    &asker,
                    self.token_url(),
                    &authorize,
                    sign,
                    &request,
                    remembered,
                )
            }
            _ => asker.token_or_fail(self.token_url(), &request, remembered),
        }
    }

    /// Ask for a new token with a refresh token; a refusal is the caller's to judge.
    pub fn refresh(
        &self,
        refresh_token: &str,
        remembered: Option<Attempt>,
    ) -> Result<Answer<Token>> {
        crate::diag::protect_token(refresh_token);
        let request = self
            .settings
            .request
            .refresh(Secret::new(refresh_token.to_string()));
        self.asker(Duration::ZERO)
            .token(self.token_url(), &request, remembered)
    }

    /// The jwt-bearer request with an assertion tokn signs now (each request
    /// gets a new `jti`). For a service account, the scopes go into the
    /// assertion's `scope` claim instead of the form, as Google expects.
    fn signed_request(&self, signed: &Signed) -> Result<TokenRequest> {
        let settings = self.settings;
        let account = self.prepared.service_account.as_ref();
        let key = self.prepared.assertion_key.as_ref().ok_or_else(|| {
            crate::error::Failure::new(crate::error::Exit::Bug, "no key for the assertion")
        })?;
        let issuer = signed
            .issuer
            .as_deref()
            .or(account.map(|a| a.client_email.as_str()))
            .unwrap_or(&settings.client_id);
        let jwt = &settings.keys.jwt;
        let claims = jwt_bearer::Claims {
            issuer,
            subject: signed.subject.as_deref().unwrap_or(issuer),
            audience: jwt
                .audience
                .as_deref()
                .or(account.map(|a| a.token_uri.as_str()))
                .unwrap_or(self.token_url()),
            extra: &signed.extra,
            scope: account.and(settings.request.scope.as_deref()),
        };
        let kid = jwt
            .kid
            .as_deref()
            .or(account.map(|a| a.private_key_id.as_str()));
        let assertion = jwt_bearer::sign(&claims, key, jwt, kid)?;
        let mut request = settings
            .request
            .with_grant_fields(vec![("assertion", assertion)]);
        if account.is_some() {
            request.scope = None;
        }
        Ok(request)
    }

    /// A sign-in's endpoint: its option, or the issuer's metadata.
    fn endpoint(&self, given: Option<&str>, (field, option): (&str, &str)) -> Result<String> {
        sign_in_endpoint(
            given,
            self.prepared.metadata.as_ref(),
            field,
            option,
            self.settings.allow_http,
        )
    }

    /// How requests go out; `off_clock` is time spent on a command since the start.
    fn asker(&self, off_clock: Duration) -> Asker<'_> {
        let settings = self.settings;
        Asker {
            client: Client {
                id: &settings.client_id,
                secret: self.secret,
                plan: self.prepared.plan.clone(),
                signing_key: self.prepared.signing_key.as_ref(),
                jwt: &settings.keys.jwt,
            },
            headers: &settings.extra_headers,
            retries: settings.retries,
            trust: &settings.trust,
            identity: self.prepared.identity.as_ref(),
            allow_http: settings.allow_http,
            timeout: settings.timeout,
            // A person signing in sets the pace: --timeout bounds each request.
            whole_run: (!settings.grant.is_interactive()).then(|| self.deadline + off_clock),
        }
    }
}

/// The metadata field and the option of the device authorization endpoint.
const DEVICE: (&str, &str) = ("device_authorization_endpoint", "--device-url");
/// The metadata field and the option of the authorization endpoint.
const AUTHORIZE: (&str, &str) = ("authorization_endpoint", "--authorize-url");
