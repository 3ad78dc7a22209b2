//! Local times of the carriers' home zones without a timezone database:
//! Paris (EU summer time rule), US Eastern (US rule) and Algiers (UTC+1, no DST).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let mut day = NaiveDate::from_ymd_opt(year, month + 1, 1).and_then(|d| d.pred_opt()).unwrap_or_default();
    while day.weekday() != Weekday::Sun {
        day = day.pred_opt().unwrap_or_default();
    }
    day
}

fn nth_sunday(year: i32, month: u32, nth: u32) -> NaiveDate {
    let mut day = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
    while day.weekday() != Weekday::Sun {
        day = day.succ_opt().unwrap_or_default();
    }
    day + chrono::Duration::weeks(i64::from(nth) - 1)
}

/// Europe/Paris: UTC+2 from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC.
const PARIS_WINTER: FixedOffset = match FixedOffset::east_opt(3600) {
    Some(o) => o,
    None => unreachable!(),
};
const PARIS_SUMMER: FixedOffset = match FixedOffset::east_opt(7200) {
    Some(o) => o,
    None => unreachable!(),
};

pub fn paris_offset(at: DateTime<Utc>) -> FixedOffset {
    let year = at.year();
    let start = last_sunday(year, 3).and_hms_opt(1, 0, 0).unwrap_or_default();
    let end = last_sunday(year, 10).and_hms_opt(1, 0, 0).unwrap_or_default();
    let naive = at.naive_utc();
    let summer = naive >= start && naive < end;
    if summer { PARIS_SUMMER } else { PARIS_WINTER }
}

pub fn paris(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&paris_offset(at))
}

/// ISO 8601 in Paris time to the second, e.g. `2013-12-10T11:26:23+01:00`.
pub fn paris_iso(at: DateTime<Utc>) -> String {
    paris(at).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// US Eastern local time and its abbreviation (EST/EDT): daylight time from the second
/// Sunday of March 07:00 UTC to the first Sunday of November 06:00 UTC.
pub fn eastern(at: DateTime<Utc>) -> (NaiveDateTime, &'static str) {
    let year = at.year();
    let start = nth_sunday(year, 3, 2).and_hms_opt(7, 0, 0).unwrap_or_default();
    let end = nth_sunday(year, 11, 1).and_hms_opt(6, 0, 0).unwrap_or_default();
    let naive = at.naive_utc();
    if naive >= start && naive < end {
        (naive - chrono::Duration::hours(4), "EDT")
    } else {
        (naive - chrono::Duration::hours(5), "EST")
    }
}

/// Converts a US Eastern wall-clock time back to UTC (ambiguous hours resolve to standard time).
pub fn eastern_to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    let as_edt = Utc.from_utc_datetime(&(local + chrono::Duration::hours(4)));
    if eastern(as_edt).1 == "EDT" { as_edt } else { Utc.from_utc_datetime(&(local + chrono::Duration::hours(5))) }
}

/// Converts a Paris wall-clock time back to UTC.
pub fn paris_to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    let summer = Utc.from_utc_datetime(&(local - chrono::Duration::hours(2)));
    if paris_offset(summer).local_minus_utc() == 7200 {
        summer
    } else {
        Utc.from_utc_datetime(&(local - chrono::Duration::hours(1)))
    }
}

/// Africa/Algiers is UTC+1 all year.
pub fn algiers(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc() + chrono::Duration::hours(1)
}
