//! e-Courier's US date formats ("11/13/2019 6:00:00 AM", "12/05/2020 09:00",
//! "12/05/20 11:00") in the account's US time zone, with the zone's
//! abbreviation apart (EST/EDT...). US daylight time: second Sunday of March
//! 2:00 to first Sunday of November 2:00, local time.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc, Weekday};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsZone {
    #[default]
    Eastern,
    Central,
    Mountain,
    Pacific,
}

impl UsZone {
    fn standard_offset_hours(self) -> i64 {
        match self {
            UsZone::Eastern => -5,
            UsZone::Central => -6,
            UsZone::Mountain => -7,
            UsZone::Pacific => -8,
        }
    }

    fn abbreviations(self) -> (&'static str, &'static str) {
        match self {
            UsZone::Eastern => ("EST", "EDT"),
            UsZone::Central => ("CST", "CDT"),
            UsZone::Mountain => ("MST", "MDT"),
            UsZone::Pacific => ("PST", "PDT"),
        }
    }

    fn nth_sunday(year: i32, month: u32, nth: i64) -> NaiveDate {
        let mut day = NaiveDate::from_ymd_opt(year, month, 1).expect("valid month");
        while day.weekday() != Weekday::Sun {
            day = day.succ_opt().expect("in range");
        }
        day + Duration::weeks(nth - 1)
    }

    /// Whether daylight time applies at this UTC instant.
    fn is_daylight(self, at: DateTime<Utc>) -> bool {
        let year = at.year();
        let std = self.standard_offset_hours();
        // 2:00 local standard time = 2 - std UTC; it ends at 2:00 local daylight time.
        let start = Self::nth_sunday(year, 3, 2).and_hms_opt(2, 0, 0).expect("time") - Duration::hours(std);
        let end = Self::nth_sunday(year, 11, 1).and_hms_opt(2, 0, 0).expect("time") - Duration::hours(std + 1);
        let naive = at.naive_utc();
        naive >= start && naive < end
    }

    /// Local wall-clock time and the zone abbreviation in force.
    pub fn local(self, at: DateTime<Utc>) -> (NaiveDateTime, &'static str) {
        let daylight = self.is_daylight(at);
        let offset = self.standard_offset_hours() + i64::from(daylight);
        let (standard, summer) = self.abbreviations();
        (at.naive_utc() + Duration::hours(offset), if daylight { summer } else { standard })
    }

    /// The UTC instant of a local wall-clock time (ambiguous hours resolve to standard time).
    pub fn to_utc(self, local: NaiveDateTime) -> DateTime<Utc> {
        let std = self.standard_offset_hours();
        let as_daylight = Utc.from_utc_datetime(&(local - Duration::hours(std + 1)));
        if self.is_daylight(as_daylight) { as_daylight } else { Utc.from_utc_datetime(&(local - Duration::hours(std))) }
    }
}

const FORMATS: [&str; 6] = [
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%y %H:%M",
    "%Y-%m-%dT%H:%M:%S",
];

/// Parses an e-Courier local date time.
pub fn parse(text: &str, zone: UsZone) -> Option<DateTime<Utc>> {
    let text = text.trim();
    // Two-digit years must not be read as year 20 by the four-digit formats.
    let two_digit_year = text.split(' ').next().and_then(|d| d.rsplit('/').next()).is_some_and(|y| y.len() == 2);
    FORMATS
        .iter()
        .filter(|f| !two_digit_year || f.contains("%y"))
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .map(|local| zone.to_utc(local))
}

/// "11/13/2019 6:00:00 AM" and the zone abbreviation, as SaveOrder takes them.
pub fn format(at: DateTime<Utc>, zone: UsZone) -> (String, &'static str) {
    let (local, abbreviation) = zone.local(at);
    let (pm, hour) = local.hour12();
    let text = format!(
        "{}/{}/{} {}:{:02}:{:02} {}",
        local.month(),
        local.day(),
        local.year(),
        hour,
        local.minute(),
        local.second(),
        if pm { "PM" } else { "AM" }
    );
    (text, abbreviation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_formats() {
        let z = UsZone::Eastern;
        let a = parse("11/13/2019 6:00:00 AM", z).unwrap();
        assert_eq!(a.to_rfc3339(), "2019-11-13T11:00:00+00:00");
        let b = parse("12/05/2020 09:00", z).unwrap();
        assert_eq!(b.to_rfc3339(), "2020-12-05T14:00:00+00:00");
        let c = parse("12/05/20 11:00", z).unwrap();
        assert_eq!(c.to_rfc3339(), "2020-12-05T16:00:00+00:00");
        let summer = parse("9/3/2020 2:43:00 AM", z).unwrap();
        assert_eq!(summer.to_rfc3339(), "2020-09-03T06:43:00+00:00");
        assert_eq!(format(summer, z), ("9/3/2020 2:43:00 AM".to_owned(), "EDT"));
        assert!(parse("13/45/2020 9:00", z).is_none());
        assert_eq!(format(a, UsZone::Pacific).1, "PST");
    }
}
