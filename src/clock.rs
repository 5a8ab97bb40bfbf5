//! The current time in Unix seconds, which tests can pin.
//!
//! `TOKN_TEST_NOW` (Unix seconds) replaces the system clock so that tests of
//! expiry and of the cache do not sleep. It is for tests only and is not
//! documented as an option.

use std::time::{SystemTime, UNIX_EPOCH};

pub fn now() -> u64 {
    if let Some(pinned) = std::env::var("TOKN_TEST_NOW")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return pinned;
    }
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
