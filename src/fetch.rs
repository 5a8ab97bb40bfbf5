//! The default action: a token from the cache if a good one is there, else from
//! the token endpoint, then printed. Also the `cache list` and `cache clear`
//! subcommands, which share the cache's view of the world.

use anyhow::{Context, Result};

use crate::cache::{self, Cache, Entry, Key};
use crate::clock;
use crate::diag;
use crate::error::{Exit, Failure};
use crate::http::Transport;
use crate::oauth::client_auth::{self, AuthMethod, Client};
use crate::oauth::response::Token;
use crate::output;
use crate::settings::Settings;

pub fn fetch(settings: Settings) -> Result<()> {
    let cache = settings.cache.and_then(|_| Cache::open());
    let key = cache.as_ref().map(|_| Key::of(&settings));
    let mut remembered = None;
    let mut _lock = None;
    if let (Some(cache), Some(key), Some(use_)) = (&cache, &key, settings.cache) {
        if !use_.refresh && print_cached(&settings, cache, key, use_.min_ttl, &mut remembered)? {
            return Ok(());
        }
        _lock = cache.lock(key, settings.deadline)?;
        // Another process may have fetched it while this one waited for the lock.
        if !use_.refresh
            && _lock.is_some()
            && print_cached(&settings, cache, key, use_.min_ttl, &mut remembered)?
        {
            return Ok(());
        }
    }

    let transport = Transport::new(
        &settings.token_url,
        settings.trust.clone(),
        settings.proxy.clone(),
        settings.timeout,
        settings.deadline,
    )?;
    let client = Client {
        id: &settings.client_id,
        secret: settings.secret.as_ref(),
        method: settings.auth,
    };
    let (token, worked) = client_auth::exchange(
        &transport,
        &client,
        &settings.request,
        &settings.extra_headers,
        settings.retries,
        remembered,
    )?;
    let now = clock::now();
    let expires_at = token.expires_in.map(|s| now.saturating_add(s));

    match (&cache, &key, expires_at) {
        (Some(cache), Some(key), Some(expires_at)) if _lock.is_some() => {
            cache.write(
                key,
                &Entry {
                    version: 1,
                    token_url: settings.token_url.clone(),
                    client_id: settings.client_id.clone(),
                    scopes: settings
                        .request
                        .scope
                        .as_deref()
                        .map_or(Vec::new(), |s| s.split(' ').map(str::to_string).collect()),
                    method: (settings.auth == AuthMethod::Auto).then(|| worked.name().to_string()),
                    expires_at,
                    answer: token.fields.clone(),
                },
            );
            diag::verbose(&format!("* cached the token for {} s", expires_at - now));
        }
        (Some(_), _, None) => diag::verbose("* not caching: the answer gives no expires_in"),
        _ => {}
    }
    print(&settings, &token, expires_at, now)
}

/// Print the cached token if it has at least `min_ttl` seconds left.
fn print_cached(
    settings: &Settings,
    cache: &Cache,
    key: &Key,
    min_ttl: u64,
    remembered: &mut Option<client_auth::Attempt>,
) -> Result<bool> {
    let Some(entry) = cache.read(key) else {
        diag::verbose("* no cached token");
        return Ok(false);
    };
    *remembered = entry.remembered();
    let now = clock::now();
    let left = entry.expires_at.saturating_sub(now);
    if left < min_ttl {
        diag::verbose(&format!(
            "* the cached token has {left} s left, less than --min-ttl {min_ttl}; fetching a new one"
        ));
        return Ok(false);
    }
    let Some(token) = entry.token() else {
        diag::verbose("* the cached entry holds no usable token; fetching a new one");
        return Ok(false);
    };
    diag::protect_token(&token.access_token);
    diag::verbose(&format!("* token from the cache, {left} s left"));
    print(settings, &token, Some(entry.expires_at), now)?;
    Ok(true)
}

fn print(settings: &Settings, token: &Token, expires_at: Option<u64>, now: u64) -> Result<()> {
    output::print(&output::render(&settings.output, token, expires_at, now))
        .map_err(|e| Failure::new(Exit::Usage, format!("cannot write the output: {e}")).into())
}

pub fn list_cache() -> Result<()> {
    let Some(cache) = Cache::existing() else {
        return Ok(());
    };
    let now = clock::now();
    let mut text = String::new();
    for entry in cache.entries() {
        let left = entry.expires_at.saturating_sub(now);
        let scopes = if entry.scopes.is_empty() { "-".to_string() } else { entry.scopes.join(" ") };
        let life = if left == 0 {
            "expired".to_string()
        } else {
            format!("expires in {}", cache::human_duration(left))
        };
        text.push_str(&format!(
            "{}  {}  {}  {}\n",
            diag::clean(&entry.token_url),
            diag::clean(&entry.client_id),
            diag::clean(&scopes),
            life
        ));
    }
    output::print(&text).context("cannot write the list")
}

pub fn clear_cache() -> Result<()> {
    let Some(cache) = Cache::existing() else {
        return Ok(());
    };
    let removed = cache
        .clear()
        .map_err(|e| Failure::new(Exit::Usage, format!("cannot clear the cache: {e}")))?;
    diag::verbose(&format!("* removed {removed} cached tokens"));
    Ok(())
}
