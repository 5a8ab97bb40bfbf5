//! `tokn cache list` and `tokn cache clear`.

use anyhow::Result;

use crate::cache::{self, Cache};
use crate::clock;
use crate::diag;
use crate::error::{Exit, Failure};
use crate::output;

/// One line per cached token: URL, client ID, scopes, lifetime, and `refresh`
/// when the entry holds a refresh token; never a token.
pub fn list() -> Result<()> {
    let Some(cache) = Cache::existing() else {
        return Ok(());
    };
    let now = clock::now();
    let mut text = String::new();
    for entry in cache.entries() {
        let left = entry.expires_at.saturating_sub(now);
        let scopes = if entry.scopes.is_empty() {
            "-".to_string()
        } else {
            entry.scopes.join(" ")
        };
        let life = if left == 0 {
            "expired".to_string()
        } else {
            format!("expires in {}", cache::human_duration(left))
        };
        text.push_str(&format!(
            "{}  {}  {}  {}{}\n",
            diag::clean(&entry.token_url),
            diag::clean(&entry.client_id),
            diag::clean(&scopes),
            life,
            if entry.refresh_token.is_some() {
                "  refresh"
            } else {
                ""
            }
        ));
    }
    output::print(&text)
}

pub fn clear() -> Result<()> {
    let Some(cache) = Cache::existing() else {
        return Ok(());
    };
    let removed = cache
        .clear()
        .map_err(|e| Failure::new(Exit::Usage, format!("cannot clear the cache: {e}")))?;
    diag::verbose(&format!("* removed {removed} cached tokens"));
    Ok(())
}
