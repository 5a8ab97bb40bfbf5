//! Device authorization (RFC 8628): tokn asks the device endpoint for a code,
//! tells the person where to enter it (on stderr: stdout is for the token),
//! and polls the token endpoint until they have signed in, the server says no,
//! or the code runs out.
//!
//! What each poll's answer means is one pure function, [`next_action`], and
//! the timing one small type, [`Schedule`], so both are tested without a
//! server or a clock.

use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::{Map, Value};

use crate::diag;
use crate::error::{Exit, Failure};
use crate::http::Reply;
use crate::interrupt;
use crate::oauth::asker::Asker;
use crate::oauth::client_auth::Attempt;
use crate::oauth::exchange::Refused;
use crate::oauth::request::{Form, TokenRequest};
use crate::oauth::response::{Rejection, Token};
use crate::redact;
use crate::secret::Secret;

/// RFC 8628 §3.2: the interval when the server names none.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// RFC 8628 §3.5: what `slow_down` adds to the interval.
const SLOW_DOWN: Duration = Duration::from_secs(5);
/// No server gets polled more often than this, whatever it says.
const MIN_INTERVAL: Duration = Duration::from_secs(1);
/// The longest wait tokn accepts, so that a huge `expires_in` cannot overflow.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// The answer of the device endpoint (RFC 8628 §3.2).
pub struct Authorization {
    pub device_code: Secret,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: Duration,
    pub interval: Duration,
}

/// What to do after a poll that got no token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `authorization_pending`: ask again after the interval.
    Poll,
    /// `slow_down`: ask again after an interval 5 seconds longer.
    SlowDown,
    /// Stop with an error.
    Stop(Stop),
}

/// Why polling stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// `access_denied`: the person or the server said no.
    Denied,
    /// `expired_token`: the code ran out before the sign-in.
    Expired,
    /// Any other answer: reported as the server gave it.
    Refused,
}

/// RFC 8628 §3.5: the meaning of a poll's `error`.
pub fn next_action(error: Option<&str>) -> Action {
    match error {
        Some("authorization_pending") => Action::Poll,
        Some("slow_down") => Action::SlowDown,
        Some("access_denied") => Action::Stop(Stop::Denied),
        Some("expired_token") => Action::Stop(Stop::Expired),
        _ => Action::Stop(Stop::Refused),
    }
}

/// When to poll: every `interval`, and never once the code has expired.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub interval: Duration,
    pub ends: Instant,
    pub lifetime: Duration,
}

impl Schedule {
    pub fn new(auth: &Authorization, now: Instant) -> Schedule {
        let lifetime = auth.expires_in.min(MAX_LIFETIME);
        Schedule {
            interval: auth.interval.max(MIN_INTERVAL),
            ends: now + lifetime,
            lifetime,
        }
    }

    pub fn slow_down(&mut self) {
        self.interval = self.interval.saturating_add(SLOW_DOWN).min(MAX_LIFETIME);
    }

    /// How long to wait before the next poll; `None` once the code has expired.
    pub fn wait(&self, now: Instant) -> Option<Duration> {
        let left = self.ends.saturating_duration_since(now);
        (!left.is_zero()).then(|| self.interval.min(left))
    }
}

/// The device authorization request: scope, audience and resource, with the
/// client's authentication; the `-d` fields belong to the token request.
struct DeviceRequest<'a>(&'a TokenRequest);

impl Form for DeviceRequest<'_> {
    fn leading_fields(&self) -> Vec<(String, String)> {
        self.0.scope_and_targets()
    }

    fn trailing_fields(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// Sign in with a device code and return the token it gets.
pub fn sign_in(
    asker: &Asker,
    device: &str,
    token: &str,
    request: &TokenRequest,
    remembered: Option<Attempt>,
) -> Result<(Token, Attempt)> {
    let what = "the device authorization endpoint";
    let form = DeviceRequest(request);
    let (auth, worked) = match asker.ask(device, what, &form, remembered, read)? {
        Ok(answer) => answer,
        Err(refused) => return Err(at_device_endpoint(refused.into_failure()).into()),
    };
    // From the prompt until the answer, Ctrl-C ends tokn with 130 and nothing written.
    let _waiting = interrupt::SignInWait::start();
    prompt(&auth);
    let poll = request.with_grant_fields(vec![("device_code", auth.device_code.clone())]);
    let schedule = Schedule::new(&auth, Instant::now());
    wait_for_sign_in(asker, token, &poll, schedule, worked)
}

fn wait_for_sign_in(
    asker: &Asker,
    token: &str,
    poll: &TokenRequest,
    mut schedule: Schedule,
    mut worked: Attempt,
) -> Result<(Token, Attempt)> {
    loop {
        let Some(wait) = schedule.wait(Instant::now()) else {
            return Err(ran_out(&schedule).into());
        };
        std::thread::sleep(wait);
        if schedule.wait(Instant::now()).is_none() {
            return Err(ran_out(&schedule).into());
        }
        let refused = match asker.token(token, poll, Some(worked))? {
            Ok(answer) => return Ok(answer),
            Err(refused) => refused,
        };
        worked = refused.attempt().unwrap_or(worked);
        match next_action(refused.error()) {
            Action::Poll => diag::verbose(&format!(
                "* the sign-in is still pending; asking again in {} s",
                schedule.interval.as_secs()
            )),
            Action::SlowDown => {
                schedule.slow_down();
                diag::verbose(&format!(
                    "* slow_down: asking every {} s from now on",
                    schedule.interval.as_secs()
                ));
            }
            Action::Stop(stop) => return Err(stopped(stop, refused).into()),
        }
    }
}

/// Where to sign in, on stderr, whatever `-q` says: the person needs it.
fn prompt(auth: &Authorization) {
    diag::notice(&format!(
        "To sign in, open {} and enter the code {}",
        auth.verification_uri, auth.user_code
    ));
    if let Some(complete) = &auth.verification_uri_complete {
        diag::notice(&format!("or open {complete}, which holds the code"));
    }
}

fn stopped(stop: Stop, refused: Refused) -> Failure {
    let mut failure = refused.into_failure();
    match stop {
        Stop::Denied => {
            failure.message = "the sign-in was denied (access_denied)".into();
        }
        Stop::Expired => {
            failure.message =
                "the device code expired before the sign-in was completed (expired_token)".into();
            failure = failure.detail("run tokn again for a new code");
        }
        Stop::Refused => {}
    }
    failure
}

fn ran_out(schedule: &Schedule) -> Failure {
    Failure::new(
        Exit::Refused,
        format!(
            "the device code expired after {} s without a sign-in",
            schedule.lifetime.as_secs()
        ),
    )
    .detail("run tokn again for a new code, and sign in before it expires")
}

/// A refusal's report speaks of the token endpoint; this answer came from the
/// device endpoint.
fn at_device_endpoint(mut failure: Failure) -> Failure {
    failure.message =
        failure
            .message
            .replacen("the token endpoint", "the device authorization endpoint", 1);
    failure
}

/// The device endpoint's answer (RFC 8628 §3.2), or why it is none.
fn read(reply: &Reply) -> Result<Authorization, Rejection> {
    let object = match serde_json::from_slice::<Value>(&reply.body) {
        Ok(Value::Object(map))
            if (200..300).contains(&reply.status) && !map.contains_key("error") =>
        {
            map
        }
        // The exchange's reader shows this body once what it must hide is known.
        _ => return Err(rejection(reply)),
    };
    let authorization = authorization(&object);
    if let Ok(auth) = &authorization {
        diag::protect_secret(auth.device_code.expose());
    }
    if diag::is_verbose() {
        diag::verbose(&format!("< {}", redact::body(&reply.body)));
    }
    authorization.map_err(|missing| Rejection::Unusable {
        status: reply.status,
        reason: format!("the device authorization answer has no usable {missing}"),
        oauth: None,
    })
}

fn authorization(object: &Map<String, Value>) -> Result<Authorization, &'static str> {
    let text = |key: &'static str| match object.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        _ => Err(key),
    };
    let seconds = |key: &'static str| match object.get(key) {
        Some(Value::Number(n)) => n.as_u64().ok_or(key),
        Some(Value::String(s)) => s.trim().parse::<u64>().map_err(|_| key),
        _ => Err(key),
    };
    Ok(Authorization {
        device_code: Secret::new(text("device_code")?),
        user_code: text("user_code")?,
        // Google's early endpoint said verification_url.
        verification_uri: text("verification_uri").or_else(|_| text("verification_url"))?,
        verification_uri_complete: text("verification_uri_complete").ok(),
        expires_in: Duration::from_secs(seconds("expires_in")?),
        interval: match object.get("interval") {
            None | Some(Value::Null) => DEFAULT_INTERVAL,
            Some(_) => Duration::from_secs(seconds("interval")?),
        },
    })
}

/// A refusal or an unusable answer, as the token endpoint's would be read.
fn rejection(reply: &Reply) -> Rejection {
    match crate::oauth::exchange::interpret(reply) {
        Err(rejection) => rejection,
        Ok(_) => Rejection::Unusable {
            status: reply.status,
            reason: "the device authorization endpoint answered with a token, not a code".into(),
            oauth: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            content_type: Some("application/json".into()),
            location: None,
            retry_after: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn each_poll_answer_has_its_action() {
        assert_eq!(next_action(Some("authorization_pending")), Action::Poll);
        assert_eq!(next_action(Some("slow_down")), Action::SlowDown);
        assert_eq!(
            next_action(Some("access_denied")),
            Action::Stop(Stop::Denied)
        );
        assert_eq!(
            next_action(Some("expired_token")),
            Action::Stop(Stop::Expired)
        );
        assert_eq!(
            next_action(Some("invalid_client")),
            Action::Stop(Stop::Refused)
        );
        assert_eq!(next_action(None), Action::Stop(Stop::Refused));
    }

    #[test]
    fn slow_down_adds_five_seconds_and_the_code_lifetime_bounds_every_wait() {
        let now = Instant::now();
        let auth = Authorization {
            device_code: Secret::new("d".into()),
            user_code: "U".into(),
            verification_uri: "https://v".into(),
            verification_uri_complete: None,
            expires_in: Duration::from_secs(12),
            interval: Duration::from_secs(2),
        };
        let mut s = Schedule::new(&auth, now);
        assert_eq!(s.wait(now), Some(Duration::from_secs(2)));
        s.slow_down();
        assert_eq!(s.wait(now), Some(Duration::from_secs(7)));
        assert_eq!(
            s.wait(now + Duration::from_secs(10)),
            Some(Duration::from_secs(2))
        );
        assert_eq!(s.wait(now + Duration::from_secs(12)), None);
    }

    #[test]
    fn a_zero_interval_still_waits_a_second() {
        let now = Instant::now();
        let auth = Authorization {
            device_code: Secret::new("d".into()),
            user_code: "U".into(),
            verification_uri: "https://v".into(),
            verification_uri_complete: None,
            expires_in: Duration::from_secs(u64::MAX),
            interval: Duration::ZERO,
        };
        let s = Schedule::new(&auth, now);
        assert_eq!(s.wait(now), Some(MIN_INTERVAL));
    }

    #[test]
    fn the_device_answer_needs_its_fields() {
        let ok = read(&reply(
            200,
            r#"{"device_code":"dc","user_code":"ABCD","verification_uri":"https://v","expires_in":"600"}"#,
        ))
        .ok()
        .unwrap();
        assert_eq!(
            (ok.user_code.as_str(), ok.interval),
            ("ABCD", DEFAULT_INTERVAL)
        );
        assert_eq!(ok.expires_in, Duration::from_secs(600));
        let Err(Rejection::Unusable { reason, .. }) = read(&reply(
            200,
            r#"{"user_code":"A","verification_uri":"v","expires_in":5}"#,
        )) else {
            panic!("a missing device_code is unusable")
        };
        assert!(reason.contains("device_code"), "{reason}");
        let refused = read(&reply(400, r#"{"error":"invalid_client"}"#));
        assert!(matches!(
            refused,
            Err(Rejection::Refused { status: 400, .. })
        ));
    }
}
