//! US date formats of e-Courier, in the account's zone (US Eastern).

use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};

use crate::sandbox::core::tz::{eastern, eastern_to_utc};

/// "11/13/2019 6:00:00 AM" (no leading zeros on month, day and hour).
pub fn us_datetime(local: NaiveDateTime) -> String {
    let (pm, hour) = local.hour12();
    format!(
        "{}/{}/{} {}:{:02}:{:02} {}",
        local.month(),
        local.day(),
        local.year(),
        hour,
        local.minute(),
        local.second(),
        if pm { "PM" } else { "AM" }
    )
}

/// A UTC instant as e-Courier shows it, with the zone abbreviation apart.
pub fn us_eastern(at: DateTime<Utc>) -> (String, &'static str) {
    let (local, zone) = eastern(at);
    (us_datetime(local), zone)
}

const INPUT_FORMATS: [&str; 6] = [
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%y %H:%M",
    "%Y-%m-%dT%H:%M:%S",
];

/// Parses a client date time (Eastern wall clock).
pub fn parse_us(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    INPUT_FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        // Far-off years would overflow date arithmetic later on.
        .filter(|d| (1900..=2200).contains(&d.year()))
        .map(eastern_to_utc)
}

/// "12/05/2020 09:00" (QuoteOrder ReadyDateTime).
pub fn quote_ready(at: DateTime<Utc>) -> String {
    eastern(at).0.format("%m/%d/%Y %H:%M").to_string()
}

/// "12/05/20 11:00" (QuoteOrder DueDateTime: two-digit year, as in the document).
pub fn quote_due(at: DateTime<Utc>) -> String {
    eastern(at).0.format("%m/%d/%y %H:%M").to_string()
}
