//! Configured upstream budgets, written as `50/min,1500/h,15000/day`, per
//! carrier as `ecotrack=50/min,1500/h;myflyingbox=120/min`. They apply until
//! the carrier's own headers say otherwise.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::domain::CarrierKind;

/// One fixed window: at most `limit` calls per `secs` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSpec {
    pub limit: u64,
    pub secs: u64,
}

/// The windows of one budget (usually one to three).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowSpecs(pub Vec<WindowSpec>);

/// Per-carrier budgets; carriers not listed use the default.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CarrierLimits(pub BTreeMap<CarrierKind, WindowSpecs>);

fn unit_secs(unit: &str) -> Option<u64> {
    match unit {
        "s" | "sec" | "second" | "seconds" => Some(1),
        "m" | "min" | "minute" | "minutes" => Some(60),
        "h" | "hour" | "hours" => Some(3600),
        "d" | "day" | "days" => Some(86_400),
        _ => None,
    }
}

impl FromStr for WindowSpec {
    type Err = String;

    /// `50/min`, `1500/h`, `100/10s`.
    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let bad = || format!("`{text}` is not a window like `50/min`, `1500/h` or `100/10s`");
        let (limit, per) = text.split_once('/').ok_or_else(bad)?;
        let limit: u64 = limit.trim().parse().map_err(|_| bad())?;
        let per = per.trim();
        let digits = per.chars().take_while(char::is_ascii_digit).count();
        let (count, unit) = per.split_at(digits);
        let count: u64 = if count.is_empty() { 1 } else { count.parse().map_err(|_| bad())? };
        let secs = unit_secs(unit.trim()).ok_or_else(bad)?.checked_mul(count).ok_or_else(bad)?;
        if secs == 0 || secs > 7 * 86_400 {
            return Err(format!("`{text}`: a window lasts between 1 second and 7 days"));
        }
        Ok(WindowSpec { limit, secs })
    }
}

impl FromStr for WindowSpecs {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut specs: Vec<WindowSpec> =
            text.split(',').filter(|p| !p.trim().is_empty()).map(str::parse).collect::<Result<_, _>>()?;
        if specs.is_empty() {
            return Err("at least one window is needed, e.g. `60/min`".to_owned());
        }
        specs.sort_by_key(|s| s.secs);
        if specs.windows(2).any(|pair| pair[0].secs == pair[1].secs) {
            return Err(format!("`{text}` has two windows of the same length"));
        }
        Ok(WindowSpecs(specs))
    }
}

impl FromStr for CarrierLimits {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut out = BTreeMap::new();
        for part in text.split(';').filter(|p| !p.trim().is_empty()) {
            let (carrier, windows) =
                part.split_once('=').ok_or_else(|| format!("`{part}` is not `carrier=50/min,...`"))?;
            let carrier = CarrierKind::from_str(carrier.trim()).map_err(|e| e.to_string())?;
            if out.insert(carrier, windows.parse()?).is_some() {
                return Err(format!("{carrier} is listed twice"));
            }
        }
        Ok(CarrierLimits(out))
    }
}

fn unit_name(secs: u64) -> String {
    match secs {
        86_400 => "day".to_owned(),
        3600 => "h".to_owned(),
        60 => "min".to_owned(),
        1 => "s".to_owned(),
        n => format!("{n}s"),
    }
}

impl fmt::Display for WindowSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.limit, unit_name(self.secs))
    }
}

impl fmt::Display for WindowSpecs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join(","))
    }
}

impl fmt::Display for CarrierLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(c, w)| format!("{c}={w}")).collect();
        f.write_str(&parts.join(";"))
    }
}

/// clap value parsers (clap wants `fn(&str) -> Result<T, E>`).
pub fn parse_window_specs(text: &str) -> Result<WindowSpecs, String> {
    text.parse()
}

pub fn parse_carrier_limits(text: &str) -> Result<CarrierLimits, String> {
    text.parse()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_parse_in_every_unit() {
        let specs: WindowSpecs = "15000/day, 50/min,1500/h".parse().unwrap();
        assert_eq!(
            specs.0,
            vec![
                WindowSpec { limit: 50, secs: 60 },
                WindowSpec { limit: 1500, secs: 3600 },
                WindowSpec { limit: 15000, secs: 86_400 }
            ]
        );
        assert_eq!("100/10s".parse::<WindowSpec>().unwrap(), WindowSpec { limit: 100, secs: 10 });
        assert_eq!(specs.to_string(), "50/min,1500/h,15000/day");
    }

    #[test]
    fn bad_windows_are_refused() {
        for bad in ["", "50", "50/fortnight", "-1/min", "50/0s", "x/min", "5/min,6/min", "1/999999999999999999999d"] {
            assert!(bad.parse::<WindowSpecs>().is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn carriers_parse() {
        let limits: CarrierLimits = "ecotrack=50/min,1500/h;myflyingbox=120/min".parse().unwrap();
        assert_eq!(limits.0[&CarrierKind::Ecotrack].0.len(), 2);
        assert_eq!(limits.0[&CarrierKind::Myflyingbox].0, vec![WindowSpec { limit: 120, secs: 60 }]);
        assert_eq!(limits.to_string(), "myflyingbox=120/min;ecotrack=50/min,1500/h");
        assert!("dhl=5/min".parse::<CarrierLimits>().is_err());
        assert!("ecotrack=5/min;ecotrack=6/min".parse::<CarrierLimits>().is_err());
        assert!("ecotrack".parse::<CarrierLimits>().is_err());
    }
}
