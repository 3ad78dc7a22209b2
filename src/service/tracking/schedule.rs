//! When to check a tracker again: often while something is about to
//! happen, rarely before the parcel moves, and not at all some time after
//! the end (a grace period catches late carrier corrections and the cash
//! settlement that follows a delivery).

use chrono::{DateTime, Duration, Utc};

use crate::domain::tracking::{CodSettlement, TrackingStatus};

/// After a terminal status, one more check this much later, then none.
const TERMINAL_GRACE: Duration = Duration::hours(24);
/// Delivered with cash still to settle: checked until paid out, at most this long.
const COD_FOLLOW_UP: Duration = Duration::days(14);
/// Unknown to the carrier this long: given up.
const NOT_FOUND_GIVE_UP: Duration = Duration::days(30);

pub fn interval(status: TrackingStatus) -> Duration {
    match status {
        TrackingStatus::OutForDelivery => Duration::minutes(10),
        TrackingStatus::AvailableForPickup => Duration::hours(2),
        TrackingStatus::PickedUp | TrackingStatus::InTransit => Duration::hours(1),
        TrackingStatus::DeliveryFailed | TrackingStatus::OnHold | TrackingStatus::Returning => Duration::hours(1),
        TrackingStatus::PreTransit => Duration::hours(6),
        TrackingStatus::Unknown => Duration::hours(1),
        TrackingStatus::Delivered | TrackingStatus::Returned | TrackingStatus::Cancelled => Duration::hours(6),
    }
}

/// The next check after a successful one; `None` = stop.
pub fn after_check(
    status: TrackingStatus,
    status_changed_at: DateTime<Utc>,
    cod: Option<&CodSettlement>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if !status.is_terminal() {
        return Some(now + interval(status));
    }
    let cash_pending = status == TrackingStatus::Delivered && cod.is_some_and(|c| !c.remitted);
    if cash_pending && now < status_changed_at + COD_FOLLOW_UP {
        return Some(now + interval(status));
    }
    let last = status_changed_at + TERMINAL_GRACE;
    (now < last).then_some(last)
}

/// The next check after a failed one (or an unknown number); `None` = stop.
pub fn after_miss(failures: i32, not_found_since: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if not_found_since.is_some_and(|since| now - since > NOT_FOUND_GIVE_UP) {
        return None;
    }
    let minutes = 5i64.saturating_mul(1 << failures.clamp(0, 7));
    Some(now + Duration::minutes(minutes.min(6 * 60)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_trackers_stop_after_the_grace_period() {
        let now = Utc::now();
        let changed = now - Duration::hours(1);
        assert_eq!(after_check(TrackingStatus::Delivered, changed, None, now), Some(changed + TERMINAL_GRACE));
        assert_eq!(after_check(TrackingStatus::Delivered, now - Duration::hours(25), None, now), None);
        let cod =
            CodSettlement { amount: None, collected: true, collected_at: None, remitted: false, remitted_at: None };
        assert!(after_check(TrackingStatus::Delivered, now - Duration::days(2), Some(&cod), now).is_some());
        assert_eq!(after_check(TrackingStatus::OutForDelivery, now, None, now), Some(now + Duration::minutes(10)));
    }

    #[test]
    fn misses_back_off_and_unknown_numbers_are_given_up() {
        let now = Utc::now();
        assert_eq!(after_miss(0, None, now), Some(now + Duration::minutes(5)));
        assert_eq!(after_miss(20, None, now), Some(now + Duration::hours(6)));
        assert_eq!(after_miss(1, Some(now - Duration::days(31)), now), None);
    }
}
