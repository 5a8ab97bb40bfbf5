//! The grant `--grant-type` names, and its inputs: read from their files or
//! environment variables, checked, and registered with `diag` so that no line
//! tokn prints shows them.
//!
//! Two mistakes are caught here, before anything is sent: an input the grant
//! needs and was not given (the message names where it may come from), and an
//! input of another grant given as a flag (the message names the grant it
//! belongs to). A value from the config file counts as misplaced only when the
//! grant type comes from the same table: a profile may describe a provider's
//! endpoints for several grants, and `[defaults]` serves every profile. The
//! environment is ambient, set for more runs than this one: another grant's
//! variable there is left alone, and `-v` says so.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::diag;
use crate::endpoint::check_url_of;
use crate::error::{usage, usage_with};
use crate::files::read_secret_file;
use crate::oauth::client_auth::AuthMethod;
use crate::oauth::grant::{
    Assertion, CodeSignIn, DeviceSignIn, Grant, Kind, Signed, TokenExchange, token_type,
};
use crate::oauth::jwt_bearer;
use crate::oauth::loopback::Redirect;
use crate::options::{Layered, Source, Sourced};
use crate::secret::Secret;

use super::credentials::{self, ClientSecret};
use super::{built_in, list, switch, text};

/// Where an option was set, if someone set it: a built-in default, such as
/// `--login-timeout`'s, was set by nobody.
fn at<T>(value: &Option<Sourced<T>>) -> Option<&Source> {
    value
        .as_ref()
        .map(|s| &s.source)
        .filter(|source| **source != Source::BuiltIn)
}

/// The options that belong to one grant, each with where it was set, if it was.
fn owned(l: &Layered) -> [(&'static str, Kind, Option<&Source>); 19] {
    [
        (
            "refresh_token_file",
            Kind::Refresh,
            at(&l.refresh_token_file),
        ),
        ("username", Kind::Password, at(&l.username)),
        ("password_file", Kind::Password, at(&l.password_file)),
        ("password_cmd", Kind::Password, at(&l.password_cmd)),
        ("assertion_file", Kind::JwtBearer, at(&l.assertion_file)),
        (
            "subject_token_file",
            Kind::TokenExchange,
            at(&l.subject_token_file),
        ),
        (
            "subject_token_type",
            Kind::TokenExchange,
            at(&l.subject_token_type),
        ),
        (
            "actor_token_file",
            Kind::TokenExchange,
            at(&l.actor_token_file),
        ),
        (
            "actor_token_type",
            Kind::TokenExchange,
            at(&l.actor_token_type),
        ),
        (
            "requested_token_type",
            Kind::TokenExchange,
            at(&l.requested_token_type),
        ),
        ("jwt_issuer", Kind::JwtBearer, at(&l.jwt_issuer)),
        ("jwt_subject", Kind::JwtBearer, at(&l.jwt_subject)),
        ("jwt_claim", Kind::JwtBearer, at(&l.jwt_claim)),
        ("service_account", Kind::JwtBearer, at(&l.service_account)),
        ("device_url", Kind::Device, at(&l.device_url)),
        (
            "authorize_url",
            Kind::AuthorizationCode,
            at(&l.authorize_url),
        ),
        ("redirect_uri", Kind::AuthorizationCode, at(&l.redirect_uri)),
        ("no_browser", Kind::AuthorizationCode, at(&l.no_browser)),
        (
            "login_timeout",
            Kind::AuthorizationCode,
            at(&l.login_timeout),
        ),
    ]
}

/// Environment variables that hold a grant's input itself (the flags name files).
pub(crate) const OWNED_ENV: &[(&str, Kind)] = &[
    ("TOKN_REFRESH_TOKEN", Kind::Refresh),
    ("TOKN_PASSWORD", Kind::Password),
    ("TOKN_ASSERTION", Kind::JwtBearer),
    ("TOKN_SUBJECT_TOKEN", Kind::TokenExchange),
    ("TOKN_ACTOR_TOKEN", Kind::TokenExchange),
];

/// The grant and its inputs (`allow_http` as for the token URL; files and
/// pipes read by `deadline`), and the time a person took to type a password.
pub fn grant(l: &Layered, allow_http: bool, deadline: Instant) -> Result<(Grant, Duration)> {
    let name = built_in(&l.grant_type, "--grant-type")?;
    let kind = kind(l, name);
    check_misplaced(l, kind, name)?;
    check_stdin(l, kind)?;
    let grant = match kind {
        Kind::ClientCredentials => Grant::ClientCredentials,
        Kind::Custom => Grant::Custom(name.clone()),
        Kind::Refresh => Grant::Refresh {
            refresh_token: needed(
                secret_input(
                    l.refresh_token_file.as_ref(),
                    "refresh_token_file",
                    "TOKN_REFRESH_TOKEN",
                    deadline,
                )?,
                "--grant-type refresh_token needs a refresh token",
                "pass --refresh-token-file PATH ('-' for standard input) or set TOKN_REFRESH_TOKEN",
            )?,
        },
        Kind::JwtBearer => Grant::JwtBearer(jwt_bearer(l, deadline)?),
        Kind::TokenExchange => Grant::TokenExchange(token_exchange(l, deadline)?),
        Kind::Device => Grant::Device(device(l, allow_http)?),
        Kind::AuthorizationCode => Grant::AuthorizationCode(authorization_code(l, allow_http)?),
        Kind::Password => return password(l, deadline),
    };
    Ok((grant, Duration::ZERO))
}

/// The kind of the grant `name`: a service-account file implies the grant it
/// is for, unless another is asked for.
fn kind(l: &Layered, name: &str) -> Kind {
    match Kind::parse(name) {
        Kind::ClientCredentials
            if l.service_account.is_some()
                && l.grant_type
                    .as_ref()
                    .is_none_or(|g| g.source == Source::BuiltIn) =>
        {
            Kind::JwtBearer
        }
        kind => kind,
    }
}

/// Whether the grant is jwt-bearer with a key to sign its assertion and none
/// given: then the assertion's issuer names the client, and a client ID is optional.
pub fn may_sign_an_assertion(l: &Layered) -> bool {
    let jwt_bearer = l
        .grant_type
        .as_ref()
        .map_or(l.service_account.is_some(), |g| {
            kind(l, &g.value) == Kind::JwtBearer
        });
    let given = l.assertion_file.is_some()
        || std::env::var_os("TOKN_ASSERTION").is_some_and(|v| !v.is_empty());
    jwt_bearer && !given && (l.signing_key.is_some() || l.service_account.is_some())
}

/// An input of another grant is a usage error naming the grant it belongs to.
fn check_misplaced(l: &Layered, kind: Kind, name: &str) -> Result<()> {
    let grant_source = l.grant_type.as_ref().map(|g| &g.source);
    let misplaced = |option: String, owner: Kind| {
        let current = match kind {
            Kind::Custom => format!("'{name}'"),
            _ => kind.name().to_string(),
        };
        usage_with(
            format!(
                "{option} belongs to --grant-type {}, not {current}",
                owner.name()
            ),
            [format!(
                "leave it out, or pass --grant-type {}",
                owner.name()
            )],
        )
    };
    for (key, owner, source) in owned(l) {
        let Some(source) = source.filter(|_| owner != kind) else {
            continue;
        };
        let in_the_grants_table =
            Some(source) == grant_source && matches!(source, Source::Profile(_) | Source::Defaults);
        if *source == Source::Flag || in_the_grants_table {
            return Err(misplaced(source.option_name(key), owner));
        }
        ignored(&source.option_name(key), owner);
    }
    if diag::is_verbose() {
        for (var, owner) in OWNED_ENV.iter().filter(|(_, owner)| *owner != kind) {
            if env_value(var)?.is_some() {
                ignored(var, *owner);
            }
        }
    }
    Ok(())
}

/// The environment is ambient (a variable may be set for another run), so an
/// input of another grant found there is left alone; `-v` says so.
fn ignored(option: &str, owner: Kind) {
    diag::verbose(&format!(
        "* ignoring {option}: it is for --grant-type {}",
        owner.name()
    ));
}

/// A variable's value; unset and empty are the same.
fn env_value(name: &str) -> Result<Option<String>> {
    match std::env::var(name) {
        Ok(v) if v.is_empty() => Ok(None),
        Ok(v) => Ok(Some(v)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(usage(format!("{name} is not UTF-8 text"))),
    }
}

/// Standard input can be read once: two inputs that both name `-` are a
/// usage error, found before either is read.
fn check_stdin(l: &Layered, kind: Kind) -> Result<()> {
    let files: &[(&str, &Option<Sourced<PathBuf>>)] = match kind {
        Kind::Refresh => &[("refresh_token_file", &l.refresh_token_file)],
        Kind::Password => &[("password_file", &l.password_file)],
        Kind::JwtBearer => &[("assertion_file", &l.assertion_file)],
        Kind::TokenExchange => &[
            ("subject_token_file", &l.subject_token_file),
            ("actor_token_file", &l.actor_token_file),
        ],
        _ => &[],
    };
    let secret = match l.auth.as_ref().map(|a| a.value) {
        Some(AuthMethod::None) => None,
        _ => Some(("client_secret_file", &l.client_secret_file)),
    };
    let readers: Vec<String> = files
        .iter()
        .chain(secret.iter())
        .filter_map(|(key, value)| {
            let value = value.as_ref()?;
            (value.value == Path::new("-")).then(|| value.option_name(key))
        })
        .collect();
    if let [first, second, ..] = readers.as_slice() {
        return Err(usage(format!(
            "{first} and {second} both read standard input ('-'); only one of them can"
        )));
    }
    Ok(())
}

/// A secret input from its file flag, its variable, or the config file's file
/// key, strongest first; `None` when none is set.
fn secret_input(
    file: Option<&Sourced<PathBuf>>,
    key: &str,
    var: &str,
    deadline: Instant,
) -> Result<Option<Secret>> {
    let from_file = |f: &Sourced<PathBuf>| -> Result<String> {
        let option = f.option_name(key);
        let text = read_secret_file(&f.value, &option, deadline)?;
        if text.is_empty() {
            return Err(usage(format!(
                "the file '{}' ({option}) is empty",
                f.value.display()
            )));
        }
        Ok(text)
    };
    let value = match (file, env_value(var)?) {
        (Some(f), _) if f.source == Source::Flag => from_file(f)?,
        (_, Some(value)) => value,
        (Some(f), None) => from_file(f)?,
        (None, None) => return Ok(None),
    };
    diag::protect_secret(&value);
    Ok(Some(Secret::new(value)))
}

fn needed<T>(value: Option<T>, missing: &str, fix: &str) -> Result<T> {
    value.ok_or_else(|| usage(format!("{missing}: {fix}")))
}

/// The assertion as given, else one tokn signs with `--signing-key` or a
/// service account's key.
fn jwt_bearer(l: &Layered, deadline: Instant) -> Result<Assertion> {
    let given = secret_input(
        l.assertion_file.as_ref(),
        "assertion_file",
        "TOKN_ASSERTION",
        deadline,
    )?;
    match given {
        Some(assertion) => {
            refuse_signing_options(l)?;
            Ok(Assertion::Given(assertion))
        }
        None if l.signing_key.is_some() || l.service_account.is_some() => {
            Ok(Assertion::Signed(signed(l)?))
        }
        None => Err(usage(
            "--grant-type jwt-bearer needs an assertion: pass --assertion-file PATH ('-' for \
             standard input) or set TOKN_ASSERTION, or give --signing-key FILE or \
             --service-account FILE for tokn to sign one",
        )),
    }
}

/// The options of an assertion tokn signs make no sense beside a given one.
fn refuse_signing_options(l: &Layered) -> Result<()> {
    let options = [
        ("jwt_issuer", at(&l.jwt_issuer)),
        ("jwt_subject", at(&l.jwt_subject)),
        ("jwt_claim", at(&l.jwt_claim)),
        ("service_account", at(&l.service_account)),
    ];
    match options
        .iter()
        .find_map(|(key, source)| Some((key, (*source)?)))
    {
        Some((key, source)) => Err(usage(format!(
            "{} is for an assertion tokn signs, and an assertion is given (--assertion-file or \
             TOKN_ASSERTION): leave one of them out",
            source.option_name(key)
        ))),
        None => Ok(()),
    }
}

/// What an assertion tokn signs says: `--jwt-issuer` (else the service account's
/// client_email, else the client ID), `--jwt-subject`, `--jwt-claim`.
fn signed(l: &Layered) -> Result<Signed> {
    let trimmed = |value, key| -> Result<Option<String>> {
        Ok(text(value, key)?.map(|s| s.trim().to_string()))
    };
    let issuer = trimmed(&l.jwt_issuer, "jwt_issuer")?;
    let has_client_id = l.client_id.as_ref().is_some_and(|c| !c.value.is_empty());
    if issuer.is_none() && l.service_account.is_none() && !has_client_id {
        return Err(usage(
            "an assertion tokn signs needs its issuer: pass --jwt-issuer ISSUER or \
             -i/--client-id ID (or --service-account FILE, whose client_email it is)",
        ));
    }
    let claim_option = l
        .jwt_claim
        .as_ref()
        .map_or("--jwt-claim".to_string(), |c| c.option_name("jwt_claim"));
    let extra = list(&l.jwt_claim)
        .iter()
        .map(|c| jwt_bearer::parse_claim(c, &claim_option))
        .collect::<Result<Vec<_>>>()?;
    Ok(Signed {
        issuer,
        subject: trimmed(&l.jwt_subject, "jwt_subject")?,
        extra,
        service_account: l
            .service_account
            .as_ref()
            .map(|s| (s.value.clone(), s.option_name("service_account"))),
    })
}

fn password(l: &Layered, deadline: Instant) -> Result<(Grant, Duration)> {
    let username = match &l.username {
        Some(u) if !u.value.is_empty() => u.value.clone(),
        _ => {
            return Err(usage(
                "--grant-type password needs a user name: pass --username NAME or set TOKN_USERNAME",
            ));
        }
    };
    let file = l.password_file.as_ref();
    let cmd = l.password_cmd.as_ref();
    let rank = |s: &Source| s.rank();
    let env = env_value("TOKN_PASSWORD")?;
    // Flags, then variables, then the config file; within one, file before command.
    let mut places: Vec<(u8, u8, Place)> = Vec::new();
    places.extend(file.map(|f| (rank(&f.source), 0, Place::File(f))));
    places.extend(env.map(|v| (1, 0, Place::Value(v))));
    places.extend(cmd.map(|c| (rank(&c.source), 1, Place::Command(c))));
    places.sort_by_key(|(r, i, _)| (*r, *i));
    let password = match places.into_iter().next() {
        Some((_, _, place)) => place.take(deadline)?,
        None => {
            let (typed, typing) = credentials::ask("Password: ", "password", || {
                usage_with(
                    "--grant-type password needs a password, and there is no terminal to ask for \
                     one",
                    [
                        "pass --password-file PATH ('-' for standard input), set TOKN_PASSWORD,",
                        "or give a command that prints it: --password-cmd or password_cmd in the \
                         config file",
                    ],
                )
            })?;
            let password = credentials::known_value(typed, "the password")?;
            return Ok((Grant::Password { username, password }, typing));
        }
    };
    Ok((Grant::Password { username, password }, Duration::ZERO))
}

/// One place the password may come from.
enum Place<'a> {
    File(&'a Sourced<PathBuf>),
    Value(String),
    Command(&'a Sourced<String>),
}

impl Place<'_> {
    fn take(self, deadline: Instant) -> Result<ClientSecret> {
        match self {
            Place::File(f) => {
                let option = f.option_name("password_file");
                let text = read_secret_file(&f.value, &option, deadline)?;
                credentials::known_value(text, "the password")
            }
            Place::Value(v) => credentials::known_value(v, "the password"),
            Place::Command(c) => Ok(ClientSecret::command(
                c.value.clone(),
                c.option_name("password_cmd"),
            )),
        }
    }
}

fn token_exchange(l: &Layered, deadline: Instant) -> Result<TokenExchange> {
    let subject_token = needed(
        secret_input(
            l.subject_token_file.as_ref(),
            "subject_token_file",
            "TOKN_SUBJECT_TOKEN",
            deadline,
        )?,
        "--grant-type token-exchange needs a subject token",
        "pass --subject-token-file PATH ('-' for standard input) or set TOKN_SUBJECT_TOKEN",
    )?;
    let actor_token = secret_input(
        l.actor_token_file.as_ref(),
        "actor_token_file",
        "TOKN_ACTOR_TOKEN",
        deadline,
    )?;
    let kind_of = |value: &Option<Sourced<String>>, key: &str| -> Result<Option<String>> {
        match value {
            Some(s) if s.value.trim().is_empty() => Err(usage(format!(
                "{} is empty: give a token type such as jwt or access_token",
                s.option_name(key)
            ))),
            Some(s) => Ok(Some(token_type(s.value.trim()))),
            None => Ok(None),
        }
    };
    let actor_type = kind_of(&l.actor_token_type, "actor_token_type")?;
    let actor = match (actor_token, actor_type) {
        (Some(token), kind) => Some((token, kind.unwrap_or_else(|| token_type("jwt")))),
        (None, Some(_)) => {
            return Err(usage(
                "--actor-token-type needs an actor token: pass --actor-token-file PATH or set \
                 TOKN_ACTOR_TOKEN, or leave the type out",
            ));
        }
        (None, None) => None,
    };
    Ok(TokenExchange {
        subject_token,
        subject_token_type: kind_of(&l.subject_token_type, "subject_token_type")?
            .unwrap_or_else(|| token_type("jwt")),
        actor,
        requested_token_type: kind_of(&l.requested_token_type, "requested_token_type")?,
    })
}

/// A URL option checked like the token URL, messages naming the option.
fn endpoint(value: &Sourced<String>, key: &str, allow_http: bool) -> Result<String> {
    let url = value.value.trim().to_string();
    check_url_of(&url, "URL", allow_http).map_err(|e| {
        let message = format!("{}: {e}", value.option_name(key));
        usage_with(message, crate::error::detail_lines(&e))
    })?;
    Ok(url)
}

/// A sign-in's endpoint: its option, or (`None`) the metadata of `--issuer`.
fn sign_in_url(
    l: &Layered,
    value: &Option<Sourced<String>>,
    key: &str,
    allow_http: bool,
    missing: &str,
) -> Result<Option<String>> {
    match value.as_ref().filter(|u| !u.value.trim().is_empty()) {
        Some(url) => endpoint(url, key, allow_http).map(Some),
        None if l.issuer.is_some() => Ok(None),
        None => Err(usage(missing)),
    }
}

fn device(l: &Layered, allow_http: bool) -> Result<DeviceSignIn> {
    let device_url = sign_in_url(
        l,
        &l.device_url,
        "device_url",
        allow_http,
        "--grant-type device needs the device authorization endpoint: pass --device-url URL \
         or set TOKN_DEVICE_URL, or give --issuer URL whose metadata names it",
    )?;
    Ok(DeviceSignIn { device_url })
}

fn authorization_code(l: &Layered, allow_http: bool) -> Result<CodeSignIn> {
    let authorize_url = sign_in_url(
        l,
        &l.authorize_url,
        "authorize_url",
        allow_http,
        "--grant-type authorization_code needs the authorization endpoint: pass \
         --authorize-url URL or set TOKN_AUTHORIZE_URL, or give --issuer URL whose metadata \
         names it",
    )?;
    let redirect = match &l.redirect_uri {
        Some(r) => Redirect::parse(r.value.trim()).map_err(|why| {
            usage(format!(
                "{} '{}' is not a loopback redirect: {why}",
                r.option_name("redirect_uri"),
                r.value
            ))
        })?,
        None => Redirect::default(),
    };
    Ok(CodeSignIn {
        authorize_url,
        redirect,
        redirect_given: l.redirect_uri.as_ref().map(|r| r.value.trim().to_string()),
        open_browser: !switch(&l.no_browser),
        login_timeout: login_timeout(l)?,
    })
}

fn login_timeout(l: &Layered) -> Result<Duration> {
    let secs = *built_in(&l.login_timeout, "--login-timeout")?;
    let name = l
        .login_timeout
        .as_ref()
        .map_or("--login-timeout".to_string(), |t| {
            t.option_name("login_timeout")
        });
    let bad = || usage(format!("{name} {secs} is not a usable number of seconds"));
    if !(secs.is_finite() && secs > 0.0) {
        return Err(bad());
    }
    let timeout = Duration::try_from_secs_f64(secs).map_err(|_| bad())?;
    Instant::now().checked_add(timeout).ok_or_else(bad)?;
    Ok(timeout)
}
