//! `tokn inspect [TOKEN]`: a JWT's header and claims, read here rather than
//! pasted into a website, and with `--verify` checked against the issuer's keys.
//!
//! The token comes from the argument, else standard input, else (on a
//! terminal, where nothing is piped in) from a fetch with the usual options.
//! stdout gets one JSON object; the expiry and whether the token was verified
//! go to stderr, so that `tokn inspect | jq .claims` stays clean.

use std::io::{self, IsTerminal, Read};
use std::time::Instant;

use anyhow::Result;
use serde_json::{Map, Value};

use crate::cache::Cache;
use crate::cache::human_duration;
use crate::cli::InspectArgs;
use crate::clock::{self, rfc3339};
use crate::diag;
use crate::endpoint::check_url_of;
use crate::error::{Exit, Failure, usage};
use crate::http::Reply;
use crate::jose::Decoded;
use crate::jose::decode;
use crate::jose::verify::{self, Verified};
use crate::oauth::metadata;
use crate::obtain::obtain;
use crate::options::Layered;
use crate::output::{self, json::escape_controls};
use crate::settings::transport::{self, Reach};
use crate::settings::{Settings, switch};

/// More than any token; a bound on what standard input may make tokn read.
const MAX_INPUT: u64 = 1024 * 1024;

pub fn run(args: &InspectArgs, layered: &Layered, started: Instant) -> Result<()> {
    let token = match given_token(args.jwt.as_deref())? {
        Some(token) => token,
        None => {
            obtain(&Settings::resolve(layered, started)?)?
                .token
                .access_token
        }
    };
    diag::protect_token(&token);
    let jws = decode::jwt(&token)?;
    let verified = match args.verify {
        true => Some(check(&jws, layered, started)?),
        false => None,
    };
    output::print(&render(&jws.header, &jws.claims))?;
    notes(&jws, verified.as_ref(), clock::now());
    Ok(())
}

/// The token of the argument or of standard input; `None` to fetch one.
fn given_token(arg: Option<&str>) -> Result<Option<String>> {
    let text = match arg {
        Some("-") => read_stdin()?,
        Some(token) => token.to_string(),
        None if io::stdin().is_terminal() => return Ok(None),
        None => read_stdin()?,
    };
    let token = text.trim();
    if token.is_empty() {
        return Err(usage(
            "no token to inspect: give it as an argument or on standard input \
             (tokn -p NAME | tokn inspect), or run tokn inspect on a terminal to fetch one",
        ));
    }
    Ok(Some(token.to_string()))
}

fn read_stdin() -> Result<String> {
    let mut bytes = Vec::new();
    io::stdin()
        .lock()
        .take(MAX_INPUT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| usage(format!("cannot read the token from standard input: {e}")))?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(usage(
            "standard input holds more than 1 MiB, and a token is a few kilobytes",
        ));
    }
    // Bytes that are not UTF-8 are not a JWT either; decode says so.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The signature against the issuer's JWKS, then `iss`, `exp` and `nbf`.
fn check(jws: &Decoded, layered: &Layered, started: Instant) -> Result<Verified> {
    let (issuer, jwks_uri, reach) = issuer_keys(layered, started)?;
    let jwks = transport::for_url(layered, &reach, &jwks_uri, "the issuer's jwks_uri")?;
    diag::verbose(&format!("* checking the token with the keys at {jwks_uri}"));
    verify::verify(jws, &issuer, &jwks, clock::now())
}

/// The issuer, as its metadata names it, the URL of its JWKS, and how to reach
/// it. The metadata comes from the cache like a fetch's (`--no-cache`,
/// `--refresh` apply).
fn issuer_keys(l: &Layered, started: Instant) -> Result<(String, String, Reach)> {
    let Some(issuer) = l
        .issuer
        .as_ref()
        .map(|s| s.value.trim())
        .filter(|s| !s.is_empty())
    else {
        return Err(usage(
            "--verify needs the issuer's keys: pass --issuer URL (or set TOKN_ISSUER, or issuer \
             in the profile), whose metadata names them",
        ));
    };
    let allow_http = switch(&l.allow_http);
    check_url_of(issuer, "issuer URL", allow_http)?;
    let no_cache = switch(&l.no_cache);
    let refresh = switch(&l.refresh);
    let cache = if no_cache { None } else { Cache::open() };
    let reach = Reach::of(l, started)?;
    let get = |url: &str| -> Result<Reply> {
        let transport = transport::for_url(l, &reach, url, "the issuer's metadata URL")?;
        transport.get().map_err(|e| e.failure.into())
    };
    let metadata = metadata::load(issuer, cache.as_ref(), refresh, &get)?;
    let Some(jwks_uri) = metadata.text("jwks_uri") else {
        return Err(Failure::new(
            Exit::Server,
            format!("the metadata at {} names no jwks_uri", metadata.url),
        )
        .detail("--verify needs the issuer's keys, which it lists there")
        .into());
    };
    let (issuer, jwks_uri) = (metadata.issuer.clone(), jwks_uri.to_string());
    Ok((issuer, jwks_uri, reach))
}

/// `{"header":{…},"claims":{…}}`, in that order, with any control character
/// escaped: the claims are the issuer's text.
fn render(header: &Map<String, Value>, claims: &Map<String, Value>) -> String {
    let json = format!(
        "{{\"header\":{},\"claims\":{}}}",
        Value::Object(header.clone()),
        Value::Object(claims.clone())
    );
    escape_controls(&json) + "\n"
}

/// The expiry, and whether the token was checked, on stderr.
fn notes(jws: &Decoded, verified: Option<&Verified>, now: u64) {
    match jws.date("exp") {
        Ok(Some(exp)) if exp > now => diag::note(&format!(
            "expires in {} ({})",
            human_duration(exp - now),
            rfc3339(exp)
        )),
        Ok(Some(exp)) => diag::note(&format!(
            "expired {} ago ({})",
            human_duration(now - exp),
            rfc3339(exp)
        )),
        Ok(None) => diag::note("no exp: the token names no expiry"),
        Err(why) => diag::note(&why),
    }
    match verified {
        None => diag::note("decoded, not verified"),
        Some(v) => diag::note(&format!(
            "verified: {} signature by {}, iss, exp and nbf",
            v.alg,
            v.kid
                .as_deref()
                .map_or("a key of the issuer".to_string(), |k| format!(
                    "the issuer's key '{k}'"
                ))
        )),
    }
}
