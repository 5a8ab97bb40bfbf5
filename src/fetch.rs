//! Asking the server for a token with the grant the settings name: one
//! exchange for most grants, a sign-in first for `device` and
//! `authorization_code`, and the refresh of a cached token with its refresh
//! token (RFC 6749 §6). The cache's part is `obtain.rs`'s.

use std::time::Instant;

use anyhow::Result;

use crate::oauth::asker::{Answer, Asker, Endpoint};
use crate::oauth::client_auth::{Attempt, Client};
use crate::oauth::grant::Grant;
use crate::oauth::response::Token;
use crate::oauth::{authorization_code, device};
use crate::secret::Secret;
use crate::settings::{ClientSecret, Settings};

/// Ask for a token with the settings' grant; also say which attempt worked.
pub fn fetch(settings: &Settings, remembered: Option<Attempt>) -> Result<(Token, Attempt)> {
    // A password command runs now, off the --timeout clock like a secret command.
    let before = Instant::now();
    let request = settings.request.with_grant_fields(settings.grant.fields()?);
    with_asker(settings, before, |asker| {
        let token = token_endpoint(settings);
        match &settings.grant {
            Grant::Device(sign) => {
                let device = Endpoint {
                    url: sign.device_url.clone(),
                    proxy: sign.proxy.clone(),
                };
                device::sign_in(asker, &device, &token, &request, remembered)
            }
            Grant::AuthorizationCode(sign) => {
                authorization_code::sign_in(asker, &token, sign, &request, remembered)
            }
            _ => asker
                .token(&token, &request, remembered)?
                .map_err(|refused| refused.into_failure().into()),
        }
    })
}

/// Ask for a new token with a refresh token; a refusal is the caller's to judge.
pub fn refresh(
    settings: &Settings,
    refresh_token: &str,
    remembered: Option<Attempt>,
) -> Result<Answer<Token>> {
    crate::diag::protect_token(refresh_token);
    let request = settings
        .request
        .refresh(Secret::new(refresh_token.to_string()));
    with_asker(settings, Instant::now(), |asker| {
        asker.token(&token_endpoint(settings), &request, remembered)
    })
}

fn token_endpoint(settings: &Settings) -> Endpoint {
    Endpoint {
        url: settings.token_url.clone(),
        proxy: settings.proxy.clone(),
    }
}

/// Run `ask` with the client and transport settings. A secret command runs
/// first, and like what ran since `before`, off the `--timeout` clock: its
/// time is the password manager's, not the server's.
fn with_asker<T>(
    settings: &Settings,
    before: Instant,
    ask: impl FnOnce(&Asker) -> Result<T>,
) -> Result<T> {
    let secret = settings
        .secret
        .as_ref()
        .map(ClientSecret::get)
        .transpose()?;
    let asker = Asker {
        client: Client {
            id: &settings.client_id,
            secret,
            method: settings.auth,
        },
        headers: &settings.extra_headers,
        retries: settings.retries,
        trust: &settings.trust,
        timeout: settings.timeout,
        // A person signing in sets the pace: --timeout bounds each request.
        whole_run: (!settings.grant.is_interactive()).then(|| settings.deadline + before.elapsed()),
    };
    ask(&asker)
}
