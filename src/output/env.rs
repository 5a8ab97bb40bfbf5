//! The `env` format: `export` lines for `eval "$(tokn -f env)"`.
//!
//! Each value is in POSIX single quotes, so that no shell expands anything in a
//! token; the expiry is a bare number and is left out when the lifetime is unknown,
//! so that a script can test `[ -n "$TOKN_EXPIRES_AT" ]`.

use crate::oauth::response::Token;

use super::shell_quote;

pub fn env(token: &Token, expires_at: Option<u64>) -> String {
    let mut out = format!(
        "export TOKN_ACCESS_TOKEN={}\nexport TOKN_TOKEN_TYPE={}",
        shell_quote(&token.access_token),
        shell_quote(&token.token_type)
    );
    if let Some(at) = expires_at {
        out.push_str(&format!("\nexport TOKN_EXPIRES_AT={at}"));
    }
    out
}
