//! Coursier.fr sends Paris wall-clock times (`YYYY-MM-DD HH:MM:SS`): CET,
//! CEST from the last Sunday of March to the last Sunday of October (01:00 UTC).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let mut day = NaiveDate::from_ymd_opt(year, month + 1, 1).expect("valid month") - Duration::days(1);
    while day.weekday() != Weekday::Sun {
        day -= Duration::days(1);
    }
    day
}

fn is_summer(utc: NaiveDateTime) -> bool {
    let year = utc.year();
    let start = last_sunday(year, 3).and_hms_opt(1, 0, 0).expect("valid time");
    let end = last_sunday(year, 10).and_hms_opt(1, 0, 0).expect("valid time");
    utc >= start && utc < end
}

/// `""` and unreadable values are `None`.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S").ok()?;
    // Try summer time first; keep it only if that instant is in summer.
    let summer = local - Duration::hours(2);
    let utc = if is_summer(summer) { summer } else { local - Duration::hours(1) };
    Some(Utc.from_utc_datetime(&utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winter_and_summer() {
        assert_eq!(parse("2020-06-26 11:24:52").unwrap().to_rfc3339(), "2020-06-26T09:24:52+00:00");
        assert_eq!(parse("2020-01-10 11:00:00").unwrap().to_rfc3339(), "2020-01-10T10:00:00+00:00");
        assert!(parse("").is_none());
    }
}
