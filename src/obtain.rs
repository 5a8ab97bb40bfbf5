//! Getting a token: from the cache if a good one is there, else from the token
//! endpoint (under a per-key lock, so that processes started at once ask only
//! once), then stored. It returns the token and never prints: the commands
//! decide what to do with it.

use std::time::Instant;

use anyhow::Result;

use crate::cache::{Cache, Entry, Key};
use crate::clock;
use crate::diag;
use crate::oauth::client_auth::{Attempt, AuthMethod, Client};
use crate::oauth::exchange::Exchange;
use crate::oauth::prepare::prepare;
use crate::oauth::response::Token;
use crate::settings::{CacheUse, ClientSecret, Settings};

/// A token and its lifetime.
pub struct Obtained {
    pub token: Token,
    /// Unix seconds, when the lifetime is known.
    pub expires_at: Option<u64>,
    /// The time the token was judged by (Unix seconds).
    pub now: u64,
}

/// What a look into the cache found.
enum Look {
    Hit(Obtained),
    /// No usable token; the `auto` method that worked last time, if known.
    Miss(Option<Attempt>),
}

pub fn obtain(settings: &Settings) -> Result<Obtained> {
    let cache = settings.cache.and_then(|_| Cache::open());
    let key = cache.as_ref().map(|_| Key::of(settings));
    let mut remembered = None;
    let mut lock = None;
    if let (Some(cache), Some(key), Some(use_)) = (&cache, &key, settings.cache) {
        match look(settings, cache, key, use_, true) {
            Look::Hit(found) => return Ok(found),
            Look::Miss(r) => remembered = r,
        }
        lock = cache.lock(key, settings.deadline)?;
        // Another process may have fetched it while this one waited for the lock,
        // or between the first look and taking the lock.
        if lock.is_some()
            && let Look::Hit(found) = look(settings, cache, key, use_, false)
        {
            return Ok(found);
        }
    }
    let (token, worked, token_url) = fetch(settings, cache.as_ref(), remembered)?;
    let now = clock::now();
    let expires_at = token.expires_in.map(|s| now.saturating_add(s));
    match (&cache, &key, expires_at) {
        (Some(cache), Some(key), Some(expires_at)) if lock.is_some() => {
            let entry = entry(settings, token_url, &token, worked, expires_at);
            store(settings, cache, key, &entry, expires_at, now);
        }
        (Some(_), _, None) => diag::verbose("* not caching: the answer gives no expires_in"),
        _ => {}
    }
    drop(lock);
    Ok(Obtained {
        token,
        expires_at,
        now,
    })
}

/// Ask the token endpoint; also say which attempt worked and the URL asked.
fn fetch(
    settings: &Settings,
    cache: Option<&Cache>,
    remembered: Option<Attempt>,
) -> Result<(Token, Attempt, String)> {
    // A secret command runs now, and before the --timeout clock: its time is
    // the password manager's, not the server's.
    let before = Instant::now();
    let secret = settings
        .secret
        .as_ref()
        .map(ClientSecret::get)
        .transpose()?;
    let deadline = settings.deadline + before.elapsed();
    let prepared = prepare(settings, secret.is_some(), cache, deadline)?;
    let client = Client {
        id: &settings.client_id,
        secret,
        plan: prepared.plan,
        signing_key: prepared.signing_key.as_ref(),
        jwt: &settings.keys.jwt,
    };
    let (token, worked) = Exchange {
        transport: &prepared.transport,
        client: &client,
        request: &settings.request,
        headers: &settings.extra_headers,
        retries: settings.retries,
    }
    .run(remembered)?;
    Ok((token, worked, prepared.token_url))
}

/// The cache entry for a fresh token from `token_url`.
fn entry(
    settings: &Settings,
    token_url: String,
    token: &Token,
    worked: Attempt,
    expires_at: u64,
) -> Entry {
    let mut entry = Entry::new(
        token_url,
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
    entry.issuer = settings.issuer.clone();
    entry
}

/// Write the fresh token to the cache, unless it cannot be reused anyway or the
/// provider echoed a secret (the client secret, an assertion) into its answer:
/// secrets never go to disk.
fn store(settings: &Settings, cache: &Cache, key: &Key, entry: &Entry, expires_at: u64, now: u64) {
    if expires_at <= now {
        diag::verbose("* not caching: the token has already expired");
        return;
    }
    if settings
        .secret
        .as_ref()
        .and_then(ClientSecret::known)
        .is_some_and(|s| entry.mentions(s.expose()))
        || diag::secrets().iter().any(|s| entry.mentions(s))
    {
        diag::verbose("* not caching: the answer contains the client secret or assertion");
        return;
    }
    cache.write(key, entry);
    diag::verbose(&format!("* cached the token for {} s", expires_at - now));
}

/// The cached token if it has at least `min_ttl` seconds left (and is not
/// expired), unless `--refresh` asks for a new one; else the `auto` method that
/// worked last time. `first_look` keeps the verbose lines to one mention of a miss.
fn look(settings: &Settings, cache: &Cache, key: &Key, use_: CacheUse, first_look: bool) -> Look {
    let say = |text: &str| {
        if first_look {
            diag::verbose(text);
        }
    };
    let Some(entry) = cache.read(key).filter(|e| e.is_for(settings)) else {
        say("* no cached token");
        return Look::Miss(None);
    };
    let remembered = entry.remembered();
    if use_.refresh {
        say("* --refresh: fetching a new token to replace the cached one");
        return Look::Miss(remembered);
    }
    let now = clock::now();
    let left = entry.expires_at.saturating_sub(now);
    if left == 0 {
        say("* the cached token has expired; fetching a new one");
        return Look::Miss(remembered);
    }
    if left < use_.min_ttl {
        say(&format!(
            "* the cached token has {left} s left, less than --min-ttl {}; fetching a new one",
            use_.min_ttl
        ));
        return Look::Miss(remembered);
    }
    let Some(token) = entry.token() else {
        say("* the cached entry holds no usable token; fetching a new one");
        return Look::Miss(remembered);
    };
    diag::protect_token(&token.access_token);
    diag::verbose(&format!("* token from the cache, {left} s left"));
    Look::Hit(Obtained {
        token,
        expires_at: Some(entry.expires_at),
        now,
    })
}
