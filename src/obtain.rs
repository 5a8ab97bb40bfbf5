//! Getting a token: from the cache if a good one is there, else from the token
//! endpoint (under a per-key lock, so that processes started at once ask only
//! once), then stored. It returns the token and never prints: the commands
//! decide what to do with it.

use anyhow::Result;

use crate::cache::{Cache, Entry, Key};
use crate::clock;
use crate::diag;
use crate::fetch::Fetcher;
use crate::oauth::client_auth::{Attempt, AuthMethod};
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

/// What a look into the cache found when it found no usable token: the
/// `auto` method that worked last time, and the entry's refresh token, if known.
#[derive(Default)]
struct Miss {
    remembered: Option<Attempt>,
    refresh_token: Option<String>,
}

pub fn obtain(settings: &Settings) -> Result<Obtained> {
    let cache = settings.cache.and_then(|_| Cache::open());
    let key = cache.as_ref().map(|_| Key::of(settings));
    let mut missed = Miss::default();
    let mut lock = None;
    if let (Some(cache), Some(key), Some(use_)) = (&cache, &key, settings.cache) {
        missed = match look(settings, cache, key, use_, true) {
            Ok(found) => return Ok(found),
            Err(miss) => miss,
        };
        lock = cache.lock(key, settings.lock_deadline)?;
        // Another process may have fetched it while this one waited for the lock,
        // or between the first look and taking the lock.
        if lock.is_some() {
            missed = match look(settings, cache, key, use_, false) {
                Ok(found) => return Ok(found),
                Err(miss) => miss,
            };
        }
    }
    let Miss {
        remembered,
        refresh_token,
    } = missed;
    // The keys and the issuer's metadata are read only now: a cached token needs neither.
    let fetcher = Fetcher::start(settings, cache.as_ref())?;
    let (token, worked, kept) = match refresh_token {
        Some(old) => refresh_or_fetch(settings, &fetcher, old, remembered)?,
        None => {
            let (token, worked) = fetcher.fetch(remembered)?;
            (token, worked, None)
        }
    };
    let now = clock::now();
    let expires_at = token.expires_in.map(|s| now.saturating_add(s));
    match (&cache, &key, expires_at) {
        (Some(cache), Some(key), Some(expires_at)) if lock.is_some() => {
            let fresh = Fresh {
                token: &token,
                token_url: fetcher.token_url(),
                worked,
                refresh_token: refresh_token_of(&token).or(kept),
                expires_at,
                now,
            };
            store(settings, cache, key, &fresh);
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

/// Refresh with the cached refresh token (RFC 6749 §6); only if the server
/// refuses it as `invalid_grant` run the original grant again, which for a
/// sign-in means signing in anew. Also returns the refresh token to keep when
/// the answer brings no new one.
fn refresh_or_fetch(
    settings: &Settings,
    fetcher: &Fetcher,
    old: String,
    remembered: Option<Attempt>,
) -> Result<(Token, Attempt, Option<String>)> {
    diag::verbose("* refreshing the token with the cached refresh token");
    match fetcher.refresh(&old, remembered)? {
        Ok((token, worked)) => {
            diag::verbose(if refresh_token_of(&token).is_some() {
                "* refreshed; the answer brings a new refresh token, which replaces the old"
            } else {
                "* refreshed; the cached refresh token is kept"
            });
            Ok((token, worked, Some(old)))
        }
        Err(refused) if refused.error() == Some("invalid_grant") => {
            diag::verbose(&format!(
                "* the refresh token was refused (invalid_grant); {}",
                if settings.grant.is_interactive() {
                    "signing in again"
                } else {
                    "asking with the original grant"
                }
            ));
            let (token, worked) = fetcher.fetch(remembered)?;
            Ok((token, worked, None))
        }
        Err(refused) => Err(refused.into_failure().into()),
    }
}

/// The answer's refresh token, if it brings one.
fn refresh_token_of(token: &Token) -> Option<String> {
    match token.fields.get("refresh_token") {
        Some(serde_json::Value::String(t)) if !t.is_empty() => Some(t.clone()),
        _ => None,
    }
}

/// A token just received, and what goes into its cache entry with it.
struct Fresh<'a> {
    token: &'a Token,
    /// The URL it came from (the issuer's metadata may have named it).
    token_url: &'a str,
    worked: Attempt,
    refresh_token: Option<String>,
    expires_at: u64,
    now: u64,
}

/// Write the fresh token to the cache, unless it cannot be reused anyway or the
/// provider echoed a secret into its answer (secrets never go to disk).
fn store(settings: &Settings, cache: &Cache, key: &Key, fresh: &Fresh) {
    let Fresh {
        token,
        worked,
        expires_at,
        now,
        ..
    } = *fresh;
    if expires_at <= now {
        diag::verbose("* not caching: the token has already expired");
        return;
    }
    let mut entry = Entry::new(
        fresh.token_url.to_string(),
        settings.client_id.clone(),
        settings
            .request
            .scope
            .as_deref()
            .map_or(Vec::new(), |s| s.split(' ').map(str::to_string).collect()),
        (settings.auth == AuthMethod::Auto).then(|| worked.name().to_string()),
        expires_at,
        token.fields.clone(),
    )
    .with_refresh_token(fresh.refresh_token.clone());
    entry.issuer = settings.issuer.clone();
    if holds_a_secret(settings, &entry) {
        diag::verbose(
            "* not caching: the answer contains the client secret, an assertion or an input \
             of the grant",
        );
        return;
    }
    cache.write(key, &entry);
    diag::verbose(&format!("* cached the token for {} s", expires_at - now));
}

/// Whether the entry holds a secret tokn knows, in any spelling. A refresh token
/// is the exception when it is the one the entry keeps: refresh tokens are kept,
/// and a server that does not rotate them may hand back the one it was given.
fn holds_a_secret(settings: &Settings, entry: &Entry) -> bool {
    let kept = entry.refresh_token.as_deref();
    let client_secret = settings.secret.as_ref().and_then(ClientSecret::known);
    let others = diag::secrets();
    let others = others
        .iter()
        .map(String::as_str)
        .filter(|s| Some(*s) != kept);
    entry.mentions_any(client_secret.map(|s| s.expose()).into_iter().chain(others))
}

/// The cached token if it has at least `min_ttl` seconds left (and is not
/// expired), unless `--refresh` asks for a new one; else the `auto` method that
/// worked last time. `first_look` keeps the verbose lines to one mention of a miss.
fn look(
    settings: &Settings,
    cache: &Cache,
    key: &Key,
    use_: CacheUse,
    first_look: bool,
) -> Result<Obtained, Miss> {
    let say = |text: &str| {
        if first_look {
            diag::verbose(text);
        }
    };
    let Some(entry) = cache.read(key).filter(|e| e.is_for(settings)) else {
        say("* no cached token");
        return Err(Miss::default());
    };
    let miss = Miss {
        remembered: entry.remembered(),
        refresh_token: entry.refresh_token.clone(),
    };
    if use_.refresh {
        say("* --refresh: fetching a new token to replace the cached one");
        return Err(miss);
    }
    let now = clock::now();
    let left = entry.expires_at.saturating_sub(now);
    if left == 0 {
        say("* the cached token has expired; fetching a new one");
        return Err(miss);
    }
    if left < use_.min_ttl {
        say(&format!(
            "* the cached token has {left} s left, less than --min-ttl {}; fetching a new one",
            use_.min_ttl
        ));
        return Err(miss);
    }
    let Some(token) = entry.token() else {
        say("* the cached entry holds no usable token; fetching a new one");
        return Err(miss);
    };
    diag::protect_token(&token.access_token);
    diag::verbose(&format!("* token from the cache, {left} s left"));
    Ok(Obtained {
        token,
        expires_at: Some(entry.expires_at),
        now,
    })
}
