//! Riding out the faults that make CI jobs flaky: HTTP 429, 502, 503 and 504, and
//! a connection reset, are retried with a growing wait (or the server's
//! `Retry-After`), never past the deadline of `--timeout`.
//!
//! Nothing else is retried: another 4xx will not change, and a TLS error, a DNS
//! failure or a refused connection mean the URL or the setup is wrong.

use std::time::{Duration, Instant};

use anyhow::Result;

use crate::diag;
use crate::http::{Reply, Transport};

/// The first wait; each later one doubles.
const FIRST_WAIT: Duration = Duration::from_millis(500);

pub fn is_transient(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// The wait before retry number `n` (0-based) without a `Retry-After`.
pub fn backoff(n: u32) -> Duration {
    FIRST_WAIT.saturating_mul(1u32.checked_shl(n.min(16)).unwrap_or(u32::MAX))
}

/// Whether a wait from `now` ends before `deadline`. Compared as durations, so
/// that a `Retry-After` of 10^19 seconds cannot overflow an `Instant`.
fn ends_before(wait: Duration, now: Instant, deadline: Instant) -> bool {
    wait < deadline.saturating_duration_since(now)
}

/// Send the request, and again after each transient failure while `retries` and
/// the deadline allow; the last answer (of any status) or error otherwise.
pub fn send_with_retries(
    transport: &Transport,
    headers: &[(String, String)],
    body: &str,
    retries: u32,
) -> Result<Reply> {
    let mut n = 0;
    loop {
        let result = transport.post_form(headers, body);
        let (reason, wait) = match &result {
            Ok(reply) if is_transient(reply.status) => (
                format!("HTTP {}", reply.status),
                reply.retry_after.unwrap_or_else(|| backoff(n)),
            ),
            Err(e) if e.reset => ("the connection was reset".to_string(), backoff(n)),
            _ => return result.map_err(|e| e.failure.into()),
        };
        if n >= retries {
            return result.map_err(|e| e.failure.into());
        }
        if !ends_before(wait, Instant::now(), transport.deadline()) {
            diag::verbose(&format!(
                "* not retrying after {reason}: waiting {:.1} s would pass --timeout",
                wait.as_secs_f64()
            ));
            return result.map_err(|e| e.failure.into());
        }
        n += 1;
        diag::verbose(&format!(
            "* retry {n} of {retries} in {:.1} s after {reason}",
            wait.as_secs_f64()
        ));
        std::thread::sleep(wait);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_from_half_a_second() {
        assert_eq!(backoff(0), Duration::from_millis(500));
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert!(backoff(1000) >= Duration::from_secs(3600));
    }

    #[test]
    fn no_wait_may_pass_the_deadline_however_long() {
        let now = Instant::now();
        let deadline = now + Duration::from_secs(2);
        assert!(ends_before(Duration::from_secs(1), now, deadline));
        assert!(!ends_before(Duration::from_secs(2), now, deadline));
        assert!(!ends_before(Duration::from_secs(u64::MAX), now, deadline));
        assert!(!ends_before(
            Duration::ZERO,
            deadline + Duration::from_secs(1),
            deadline
        ));
    }

    #[test]
    fn only_overload_and_gateway_statuses_are_transient() {
        for s in [429, 502, 503, 504] {
            assert!(is_transient(s));
        }
        for s in [200, 400, 401, 404, 500, 501] {
            assert!(!is_transient(s));
        }
    }
}
