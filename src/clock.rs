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

/// The last second RFC 3339's four-digit years can write: 9999-12-31T23:59:59Z.
const MAX_RFC3339: u64 = 253_402_300_799;

/// Unix seconds as an RFC 3339 UTC time, `2026-12-01T22:00:00Z`; a time past
/// the year 9999 is written as the last second of it.
///
/// The date comes from Howard Hinnant's `civil_from_days`, exact for every day
/// of the proleptic Gregorian calendar: a dozen lines do not need a date crate.
pub fn rfc3339(secs: u64) -> String {
    let secs = secs.min(MAX_RFC3339);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Days since 0000-03-01, so that the leap day ends each 400-year era.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
        assert_eq!(rfc3339(4_107_542_400), "2100-03-01T00:00:00Z");
        assert_eq!(rfc3339(1_798_754_400), "2026-12-31T22:00:00Z");
        assert_eq!(rfc3339(u64::MAX), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn rfc3339_agrees_with_http_dates_every_day_for_four_centuries() {
        use std::time::{Duration, UNIX_EPOCH};
        let months = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        for day in 0..146_097u64 {
            let secs = day * 86_400 + 3_723;
            let http = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs));
            // "Sun, 06 Nov 1994 01:02:03 GMT"
            let parts: Vec<&str> = http.split(' ').collect();
            let month = months.iter().position(|m| *m == parts[2]).unwrap() + 1;
            let expected = format!("{}-{month:02}-{}T{}Z", parts[3], parts[1], parts[4]);
            assert_eq!(rfc3339(secs), expected, "day {day}");
        }
    }
}
