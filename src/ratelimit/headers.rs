//! What an upstream answer says about its rate limits, read from the headers
//! carriers actually send. Pure: headers and the current time in, facts out.
//! Malformed values are ignored one by one; nothing here panics.
//!
//! Understood:
//! - Ecotrack's three windows: `X-RateLimit-{Limit,Remaining,Reset}-{Minute,Hour,Day}`,
//!   resets as Unix seconds;
//! - the single-window pair `X-RateLimit-Limit` / `X-RateLimit-Remaining`
//!   (+ optional `X-RateLimit-Reset`), window length unknown;
//! - IETF draft-ietf-httpapi-ratelimit-headers (draft 08 and later):
//!   `RateLimit-Policy: "p";q=100;w=60` and `RateLimit: "p";r=45;t=30`;
//! - the older draft trio `RateLimit-Limit` / `RateLimit-Remaining` / `RateLimit-Reset`;
//! - `Retry-After`, delay-seconds or HTTP-date.

use axum::http::HeaderMap;

use super::retry_after;
use super::structured::{self, Item};

/// Below this, a reset value is a delay in seconds; above, a Unix timestamp
/// (10^9 s is September 2001, far beyond any window length).
const UNIX_SECONDS_FROM: u64 = 1_000_000_000;

/// One window as the upstream reported it; every part is optional because
/// servers report different subsets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WindowReport {
    /// Window length when the header says it (Minute/Hour/Day, IETF `w`).
    pub secs: Option<u64>,
    /// IETF policy name, to match `RateLimit` items with their policy later.
    pub policy: Option<String>,
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// When the window ends (Unix ms).
    pub reset_ms: Option<i64>,
}

/// Everything one answer said about the budget.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    pub windows: Vec<WindowReport>,
    /// `Retry-After`, as the instant (Unix ms) it points to.
    pub retry_at_ms: Option<i64>,
}

impl Observed {
    pub fn is_empty(&self) -> bool {
        self.windows.is_empty() && self.retry_at_ms.is_none()
    }
}

/// Reads every rate-limit header of an answer received at `now_ms`.
pub fn parse(headers: &HeaderMap, now_ms: i64) -> Observed {
    let mut windows = Vec::new();
    for (suffix, secs) in [("minute", 60), ("hour", 3600), ("day", 86_400)] {
        let report = WindowReport {
            secs: Some(secs),
            policy: None,
            limit: integer(headers, &format!("x-ratelimit-limit-{suffix}")),
            remaining: integer(headers, &format!("x-ratelimit-remaining-{suffix}")),
            reset_ms: reset(headers, &format!("x-ratelimit-reset-{suffix}"), now_ms),
        };
        push_if_useful(&mut windows, report);
    }
    push_if_useful(
        &mut windows,
        WindowReport {
            secs: None,
            policy: None,
            limit: integer(headers, "x-ratelimit-limit"),
            remaining: integer(headers, "x-ratelimit-remaining"),
            reset_ms: reset(headers, "x-ratelimit-reset", now_ms),
        },
    );
    for report in ietf(headers, now_ms) {
        push_if_useful(&mut windows, report);
    }
    if let Some(report) = ietf_older_trio(headers, now_ms) {
        push_if_useful(&mut windows, report);
    }
    let retry_at_ms = first(headers, "retry-after").and_then(|v| retry_after::parse(v, now_ms));
    Observed { windows, retry_at_ms }
}

/// A report needs a count (limit or remaining) to say anything.
fn push_if_useful(windows: &mut Vec<WindowReport>, mut report: WindowReport) {
    if report.limit.is_none() && report.remaining.is_none() {
        return;
    }
    if let (Some(limit), Some(remaining)) = (report.limit, report.remaining) {
        report.remaining = Some(remaining.min(limit));
    }
    windows.push(report);
}

fn first<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// All lines of a field joined, as RFC 9110 allows for list fields.
fn joined(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<&str> = headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// A non-negative decimal integer, nothing else (no sign, no fraction).
fn non_negative(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn integer(headers: &HeaderMap, name: &str) -> Option<u64> {
    first(headers, name).and_then(non_negative)
}

/// A reset value, either a Unix timestamp or seconds from now.
fn reset_value(value: u64, now_ms: i64) -> Option<i64> {
    let ms = i64::try_from(value).ok()?.checked_mul(1000)?;
    if value >= UNIX_SECONDS_FROM { Some(ms) } else { now_ms.checked_add(ms) }
}

fn reset(headers: &HeaderMap, name: &str, now_ms: i64) -> Option<i64> {
    integer(headers, name).and_then(|v| reset_value(v, now_ms))
}

fn positive_param(item: &Item, key: &str) -> Option<u64> {
    item.param(key).and_then(|v| v.as_non_negative())
}

/// `RateLimit-Policy` + `RateLimit` (draft 08+), joined on the policy name.
fn ietf(headers: &HeaderMap, now_ms: i64) -> Vec<WindowReport> {
    let policies = joined(headers, "ratelimit-policy").and_then(|v| structured::parse_list(&v)).unwrap_or_default();
    let limits = joined(headers, "ratelimit").and_then(|v| structured::parse_list(&v)).unwrap_or_default();
    let mut reports: Vec<WindowReport> = Vec::new();
    for policy in &policies {
        // Quotas in bytes or concurrent requests are not request budgets.
        if policy.param("qu").is_some_and(|u| u.as_name() != Some("requests")) {
            continue;
        }
        // Draft 08+ names policies; drafts 05-07 wrote the quota as the item.
        let (name, quota) = match policy.value.as_non_negative() {
            Some(q) => (None, Some(q)),
            None => (policy.value.as_name().map(str::to_owned), positive_param(policy, "q")),
        };
        let Some(quota) = quota else { continue };
        reports.push(WindowReport {
            secs: positive_param(policy, "w").filter(|w| *w > 0),
            policy: name,
            limit: Some(quota),
            ..WindowReport::default()
        });
    }
    for item in &limits {
        let Some(name) = item.value.as_name() else { continue };
        let Some(remaining) = positive_param(item, "r") else { continue };
        let reset_ms = positive_param(item, "t").and_then(|t| reset_value(t, now_ms));
        match reports.iter_mut().find(|r| r.policy.as_deref() == Some(name)) {
            Some(report) => {
                report.remaining = Some(remaining);
                report.reset_ms = reset_ms;
            }
            None => reports.push(WindowReport {
                policy: Some(name.to_owned()),
                remaining: Some(remaining),
                reset_ms,
                ..WindowReport::default()
            }),
        }
    }
    reports
}

/// `RateLimit-Limit` / `-Remaining` / `-Reset` (drafts 00-06). The limit may
/// carry policies after the number (`100, 100;w=60`); the first is ours.
fn ietf_older_trio(headers: &HeaderMap, now_ms: i64) -> Option<WindowReport> {
    let limit_field = joined(headers, "ratelimit-limit").and_then(|v| structured::parse_list(&v));
    let limit = limit_field.as_ref().and_then(|items| items.first()).and_then(|i| i.value.as_non_negative());
    let secs = limit_field.as_ref().and_then(|items| {
        items.iter().skip(1).find(|i| i.value.as_non_negative() == limit).and_then(|i| positive_param(i, "w"))
    });
    let remaining = integer(headers, "ratelimit-remaining");
    if limit.is_none() && remaining.is_none() {
        return None;
    }
    Some(WindowReport {
        secs: secs.filter(|w| *w > 0),
        policy: None,
        limit,
        remaining,
        reset_ms: reset(headers, "ratelimit-reset", now_ms),
    })
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderName, HeaderValue};

    use super::*;

    const NOW: i64 = 1_700_000_000_000;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn window(secs: Option<u64>, limit: Option<u64>, remaining: Option<u64>, reset_ms: Option<i64>) -> WindowReport {
        WindowReport { secs, policy: None, limit, remaining, reset_ms }
    }

    #[test]
    fn ecotrack_three_windows() {
        let seen = parse(
            &headers(&[
                ("X-RateLimit-Limit-Minute", "50"),
                ("X-RateLimit-Remaining-Minute", "49"),
                ("X-RateLimit-Reset-Minute", "1700000060"),
                ("X-RateLimit-Limit-Hour", "1500"),
                ("X-RateLimit-Remaining-Hour", "1499"),
                ("X-RateLimit-Reset-Hour", "1700003600"),
                ("X-RateLimit-Limit-Day", "15000"),
                ("X-RateLimit-Remaining-Day", "14999"),
                ("X-RateLimit-Reset-Day", "1700086400"),
            ]),
            NOW,
        );
        assert_eq!(
            seen.windows,
            vec![
                window(Some(60), Some(50), Some(49), Some(1_700_000_060_000)),
                window(Some(3600), Some(1500), Some(1499), Some(1_700_003_600_000)),
                window(Some(86_400), Some(15000), Some(14999), Some(1_700_086_400_000)),
            ]
        );
        assert_eq!(seen.retry_at_ms, None);
    }

    #[test]
    fn legacy_pair_without_reset() {
        let seen = parse(&headers(&[("X-RateLimit-Limit", "60"), ("X-RateLimit-Remaining", "59")]), NOW);
        assert_eq!(seen.windows, vec![window(None, Some(60), Some(59), None)]);
    }

    #[test]
    fn legacy_pair_with_unix_or_delta_reset() {
        let unix = parse(
            &headers(&[
                ("X-RateLimit-Limit", "60"),
                ("X-RateLimit-Remaining", "0"),
                ("X-RateLimit-Reset", "1700000042"),
            ]),
            NOW,
        );
        assert_eq!(unix.windows[0].reset_ms, Some(1_700_000_042_000));
        let delta = parse(&headers(&[("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "42")]), NOW);
        assert_eq!(delta.windows[0].reset_ms, Some(NOW + 42_000));
    }

    #[test]
    fn remaining_never_exceeds_limit() {
        let seen = parse(&headers(&[("X-RateLimit-Limit", "10"), ("X-RateLimit-Remaining", "99")]), NOW);
        assert_eq!(seen.windows[0].remaining, Some(10));
    }

    #[test]
    fn ietf_policy_and_ratelimit_are_joined_by_name() {
        let seen = parse(
            &headers(&[
                ("RateLimit-Policy", r#""permin";q=50;w=60, "perhr";q=1000;w=3600"#),
                ("RateLimit", r#""permin";r=45;t=30"#),
            ]),
            NOW,
        );
        assert_eq!(
            seen.windows,
            vec![
                WindowReport {
                    secs: Some(60),
                    policy: Some("permin".into()),
                    limit: Some(50),
                    remaining: Some(45),
                    reset_ms: Some(NOW + 30_000)
                },
                WindowReport {
                    secs: Some(3600),
                    policy: Some("perhr".into()),
                    limit: Some(1000),
                    remaining: None,
                    reset_ms: None
                },
            ]
        );
    }

    #[test]
    fn ietf_split_over_several_lines_and_tokens() {
        let seen = parse(
            &headers(&[
                ("RateLimit-Policy", "burst;q=100;w=60"),
                ("RateLimit-Policy", r#""daily";q=1000;w=86400"#),
                ("RateLimit", "burst;r=7;t=5"),
                ("RateLimit", r#""daily";r=900;t=3600"#),
            ]),
            NOW,
        );
        assert_eq!(seen.windows.len(), 2);
        assert_eq!(seen.windows[0].remaining, Some(7));
        assert_eq!(seen.windows[1].reset_ms, Some(NOW + 3_600_000));
    }

    #[test]
    fn ietf_ratelimit_without_policy_keeps_its_name() {
        let seen = parse(&headers(&[("RateLimit", r#""default";r=50;t=30"#)]), NOW);
        assert_eq!(
            seen.windows,
            vec![WindowReport {
                secs: None,
                policy: Some("default".into()),
                limit: None,
                remaining: Some(50),
                reset_ms: Some(NOW + 30_000)
            }]
        );
    }

    #[test]
    fn ietf_non_request_quotas_are_skipped() {
        let seen = parse(
            &headers(&[("RateLimit-Policy", r#""bytes";q=65535;qu="content-bytes";w=10, "req";q=5;qu="requests""#)]),
            NOW,
        );
        assert_eq!(seen.windows.len(), 1);
        assert_eq!(seen.windows[0].policy.as_deref(), Some("req"));
    }

    #[test]
    fn ietf_draft_07_integer_policies() {
        let seen = parse(&headers(&[("RateLimit-Policy", "100;w=60")]), NOW);
        assert_eq!(seen.windows, vec![window(Some(60), Some(100), None, None)]);
    }

    #[test]
    fn ietf_older_trio() {
        let seen = parse(
            &headers(&[
                ("RateLimit-Limit", "100, 100;w=60, 1000;w=3600"),
                ("RateLimit-Remaining", "42"),
                ("RateLimit-Reset", "17"),
            ]),
            NOW,
        );
        assert_eq!(seen.windows, vec![window(Some(60), Some(100), Some(42), Some(NOW + 17_000))]);
        let bare = parse(&headers(&[("RateLimit-Limit", "10"), ("RateLimit-Remaining", "3")]), NOW);
        assert_eq!(bare.windows, vec![window(None, Some(10), Some(3), None)]);
    }

    #[test]
    fn retry_after_seconds_and_date() {
        assert_eq!(parse(&headers(&[("Retry-After", "7")]), NOW).retry_at_ms, Some(NOW + 7000));
        let date = parse(&headers(&[("Retry-After", "Tue, 14 Nov 2023 22:13:30 GMT")]), NOW);
        assert_eq!(date.retry_at_ms, Some(1_700_000_010_000));
    }

    #[test]
    fn malformed_values_are_ignored_one_by_one() {
        let seen = parse(
            &headers(&[
                ("X-RateLimit-Limit-Minute", "fifty"),
                ("X-RateLimit-Remaining-Minute", "-1"),
                ("X-RateLimit-Limit-Hour", "1500"),
                ("X-RateLimit-Remaining-Hour", "1.5"),
                ("X-RateLimit-Reset-Hour", "99999999999999999999"),
                ("X-RateLimit-Limit", ""),
                ("X-RateLimit-Remaining", " 12 "),
                ("RateLimit-Policy", r#""p";q=10;w=60,"#),
                ("RateLimit", r#""p";r=-3"#),
                ("RateLimit-Limit", "\"x\""),
                ("Retry-After", "later"),
            ]),
            NOW,
        );
        assert_eq!(seen.windows, vec![window(Some(3600), Some(1500), None, None), window(None, None, Some(12), None)]);
        assert_eq!(seen.retry_at_ms, None);
    }

    #[test]
    fn non_utf8_and_empty_headers() {
        let mut map = HeaderMap::new();
        map.insert("x-ratelimit-limit", HeaderValue::from_bytes(b"\xff\xfe").unwrap());
        map.insert("retry-after", HeaderValue::from_static(""));
        assert!(parse(&map, NOW).is_empty());
        assert!(parse(&HeaderMap::new(), NOW).is_empty());
    }
}
