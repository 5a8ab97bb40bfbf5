//! The authorization code grant with PKCE (RFC 6749 §4.1, RFC 7636) and a
//! loopback redirect (RFC 8252): the person signs in in a browser, which
//! brings the code back to tokn's one-shot listener, and tokn exchanges it with
//! the verifier that only it knows.

use anyhow::Result;

use crate::browser;
use crate::diag;
use crate::interrupt;
use crate::oauth::asker::Asker;
use crate::oauth::client_auth::Attempt;
use crate::oauth::grant::CodeSignIn;
use crate::oauth::loopback::Listener;
use crate::oauth::pkce::{self, AuthorizationRequest, Pkce};
use crate::oauth::request::TokenRequest;
use crate::oauth::response::Token;
use crate::secret::Secret;

/// Sign in in a browser and exchange the code for a token.
pub fn sign_in(
    asker: &Asker,
    token: &str,
    authorize: &str,
    sign: &CodeSignIn,
    request: &TokenRequest,
    remembered: Option<Attempt>,
) -> Result<(Token, Attempt)> {
    let listener = Listener::bind(&sign.redirect)?;
    let pkce = Pkce::new()?;
    let state = pkce::state()?;
    let url = pkce::authorization_url(
        authorize,
        &AuthorizationRequest {
            client_id: asker.client.id,
            redirect_uri: listener.redirect_uri(),
            scope: request.scope.as_deref(),
            state: &state,
            challenge: &pkce.challenge,
            audience: &request.audience,
            resource: &request.resource,
        },
    );
    // From the prompt on, Ctrl-C ends tokn with 130 and nothing written.
    let waiting = interrupt::SignInWait::start();
    diag::notice("To sign in, open this URL in a browser:");
    diag::notice(&format!("  {url}"));
    if sign.open_browser {
        browser::open(&url);
    }
    diag::verbose(&format!(
        "* waiting up to {} s for the redirect to {}",
        sign.login_timeout.as_secs_f64(),
        listener.redirect_uri()
    ));
    let code = listener.wait(&state, sign.login_timeout)?;
    drop(waiting);
    let redirect_uri = Secret::new(listener.redirect_uri().to_string());
    drop(listener);
    let exchange = request.with_grant_fields(vec![
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("code_verifier", pkce.verifier),
    ]);
    asker.token_or_fail(token, &exchange, remembered)
}
