//! `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, which
//! comes in three historical formats. Anything else is ignored.

use chrono::{NaiveDateTime, TimeZone, Utc};

/// Longest wait a server may impose through one header (beyond it, the value
/// is more likely a bug than a plan; a day covers daily quotas).
pub const MAX_WAIT_MS: i64 = 86_400_000;

/// The instant (Unix ms) a `Retry-After` value points to, given `now_ms`.
pub fn parse(value: &str, now_ms: i64) -> Option<i64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        let secs: i64 = value.parse().ok().filter(|s: &i64| *s <= MAX_WAIT_MS / 1000)?;
        return Some(now_ms + secs * 1000);
    }
    let at = http_date(value)?;
    // A date in the past means "now"; one too far away is not believed.
    (at <= now_ms + MAX_WAIT_MS).then_some(at.max(now_ms))
}

/// IMF-fixdate, RFC 850 and asctime, all in GMT; Unix ms.
pub fn http_date(value: &str) -> Option<i64> {
    const FORMATS: [&str; 3] = ["%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"];
    let value = value.trim();
    FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())
        .map(|naive| Utc.from_utc_datetime(&naive).timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 784_111_777_000; // Sun, 06 Nov 1994 08:49:37 GMT

    #[test]
    fn delay_seconds() {
        assert_eq!(parse("120", NOW), Some(NOW + 120_000));
        assert_eq!(parse(" 0 ", NOW), Some(NOW));
        assert_eq!(parse("86400", NOW), Some(NOW + 86_400_000));
        assert_eq!(parse("86401", NOW), None);
        assert_eq!(parse("99999999999999999999999", NOW), None);
    }

    #[test]
    fn the_three_date_formats() {
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:47 GMT", NOW), Some(NOW + 10_000));
        assert_eq!(parse("Sunday, 06-Nov-94 08:49:47 GMT", NOW), Some(NOW + 10_000));
        assert_eq!(parse("Sun Nov  6 08:49:47 1994", NOW), Some(NOW + 10_000));
    }

    #[test]
    fn past_dates_mean_now_and_far_ones_are_ignored() {
        assert_eq!(parse("Sun, 06 Nov 1994 08:00:00 GMT", NOW), Some(NOW));
        assert_eq!(parse("Sun, 06 Nov 2094 08:00:00 GMT", NOW), None);
    }

    #[test]
    fn garbage_is_ignored() {
        for bad in ["", "-5", "1.5", "soon", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 CET", "1e3"] {
            assert_eq!(parse(bad, NOW), None, "{bad:?}");
        }
    }
}
