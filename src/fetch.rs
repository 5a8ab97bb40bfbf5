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
use crate::settings::{CacheUse, Settings};

pub fn fetch(settings: Settings) -> Result<()> {
    let cache = settings.cache.and_then(|_| Cache::open());
    let key = cache.as_ref().map(|_| Key::of(&settings));
    let mut remembered = None;
    let mut lock = None;
    if let (Some(cache), Some(key), Some(use_)) = (&cache, &key, settings.cache) {
        if serve_cached(&settings, cache, key, use_, &mut remembered, true)? {
            return Ok(());
        }
        lock = cache.lock(key, settings.deadline)?;
        // Another process may have fetched it while this one waited for the lock,
        // or between the first look and taking the lock.
        if lock.is_some() && serve_cached(&settings, cache, key, use_, &mut remembered, false)? {
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
        (Some(cache), Some(key), Some(expires_at)) if lock.is_some() => {
            store(&settings, cache, key, &token, worked, expires_at, now);
        }
        (Some(_), _, None) => diag::verbose("* not caching: the answer gives no expires_in"),
        _ => {}
    }
    drop(lock);
    print(&settings, &token, expires_at, now)
}

/// Write the fresh token to the cache, unless it cannot be reused anyway or the
/// provider echoed the secret into its answer (the secret never goes to disk).
fn store(
    settings: &Settings,
    cache: &Cache,
    key: &Key,
    token: &Token,
    worked: client_auth::Attempt,
    expires_at: u64,
    now: u64,
) {
    if expires_at <= now {
        diag::verbose("* not caching: the token has already expired");
        return;
    }
    let entry = Entry::new(
        settings.token_url.clone(),
        settings.client_id.clone(),
        settings
            .request
            .scope
            .as_deref()
            .map_or(Vec::new(), |s| s.split(' ').map(str::to_string).collect()),
        (settings.auth == AuthMethod::Auto).then(|| worked.name().to_string()),
        expires_at,
        token.fields.clone(),
    );
    if settings
        .secret
        .as_ref()
        .is_some_and(|s| entry.mentions(s.expose()))
    {
        diag::verbose("* not caching: the answer contains the client secret");
        return;
    }
    cache.write(key, &entry);
    diag::verbose(&format!("* cached the token for {} s", expires_at - now));
}

/// Print the cached token if it has at least `min_ttl` seconds left (and is not
/// expired), unless `--refresh` asks for a new one. Either way, note the `auto`
/// method that worked last time. `first_look` keeps the verbose lines to one
/// mention of a miss.
fn serve_cached(
    settings: &Settings,
    cache: &Cache,
    key: &Key,
    use_: CacheUse,
    remembered: &mut Option<client_auth::Attempt>,
    first_look: bool,
) -> Result<bool> {
    let say = |text: &str| {
        if first_look {
            diag::verbose(text);
        }
    };
    let Some(entry) = cache.read(key).filter(|e| e.is_for(settings)) else {
        say("* no cached token");
        return Ok(false);
    };
    *remembered = entry.remembered();
    if use_.refresh {
        say("* --refresh: fetching a new token to replace the cached one");
        return Ok(false);
    }
    let now = clock::now();
    let left = entry.expires_at.saturating_sub(now);
    if left == 0 {
        say("* the cached token has expired; fetching a new one");
        return Ok(false);
    }
    if left < use_.min_ttl {
        say(&format!(
            "* the cached token has {left} s left, less than --min-ttl {}; fetching a new one",
            use_.min_ttl
        ));
        return Ok(false);
    }
    let Some(token) = entry.token() else {
        say("* the cached entry holds no usable token; fetching a new one");
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
