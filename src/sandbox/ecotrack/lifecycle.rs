//! The life of an Ecotrack parcel, from `valid/order` on the sandbox clock:
//! activity codes (get/tracking/info) and menu statuses (get/orders/status).

use chrono::{DateTime, Duration, Utc};

use super::store::Parcel;
use crate::sandbox::core::scenario::Scenario;

pub const SUPPORTED: [Scenario; 8] = [
    Scenario::Delivered,
    Scenario::FailedAttempt,
    Scenario::Returned,
    Scenario::RelayPickup,
    Scenario::Cod,
    Scenario::Exception,
    Scenario::Lost,
    Scenario::Cancelled,
];

/// (minutes after validation, activity code if the step logs one, status after the step).
type Step = (i64, Option<&'static str>, &'static str);

const FIRST_MILE: [Step; 5] = [
    (0, Some("order_information_received_by_carrier"), "en_ramassage"),
    (180, Some("picked"), "vers_hub"),
    (360, Some("accepted_by_carrier"), "en_hub"),
    (600, None, "vers_wilaya"),
    (1200, None, "en_preparation"),
];

const OUT: Option<&str> = Some("dispatched_to_driver");
const ATTEMPT: Option<&str> = Some("attempt_delivery");

fn steps(scenario: Scenario) -> Vec<Step> {
    let mut steps = FIRST_MILE.to_vec();
    let tail: Vec<Step> = match scenario {
        Scenario::FailedAttempt => vec![
            (1560, OUT, "en_livraison"),
            (1740, ATTEMPT, "suspendu"),
            (2880, OUT, "en_livraison"),
            (3120, Some("livred"), "livre_non_encaisse"),
        ],
        Scenario::Returned => vec![
            (1560, OUT, "en_livraison"),
            (1740, ATTEMPT, "suspendu"),
            (2880, OUT, "en_livraison"),
            (3060, ATTEMPT, "suspendu"),
            (3240, Some("return_asked"), "retour_chez_livreur"),
            (3600, Some("return_in_transit"), "retour_transit_entrepot"),
            (4320, None, "retour_en_traitement"),
            (5760, Some("Return_received"), "retour_recu"),
            (10080, None, "retour_archive"),
        ],
        Scenario::RelayPickup => {
            vec![(1560, Some("accepted_by_carrier"), "en_livraison"), (3000, Some("livred"), "livre_non_encaisse")]
        }
        Scenario::Cod => vec![
            (1560, OUT, "en_livraison"),
            (1800, Some("livred"), "livre_non_encaisse"),
            (3240, Some("encaissed"), "encaisse_non_paye"),
            (5760, None, "paiements_prets"),
            (7200, Some("payed"), "paye_et_archive"),
        ],
        Scenario::Exception => vec![(1560, OUT, "en_livraison"), (1740, ATTEMPT, "suspendu")],
        Scenario::Lost => {
            steps.truncate(4);
            vec![]
        }
        Scenario::Cancelled => {
            steps.truncate(1);
            vec![(60, None, "annule")]
        }
        _ => vec![(1560, OUT, "en_livraison"), (1800, Some("livred"), "livre_non_encaisse")],
    };
    steps.extend(tail);
    steps
}

/// The return branch started by `ask/for/order/return` (minutes after the request).
const RETURN_BRANCH: [Step; 4] = [
    (0, Some("return_asked"), "retour_chez_livreur"),
    (360, Some("return_in_transit"), "retour_transit_entrepot"),
    (1440, None, "retour_en_traitement"),
    (2880, Some("Return_received"), "retour_recu"),
];

/// Status and the activity entries (time, code) reached by `now`.
pub fn progress(parcel: &Parcel, now: DateTime<Utc>) -> (&'static str, Vec<(DateTime<Utc>, &'static str)>) {
    let Some(start) = parcel.validated_at else {
        return ("prete_a_expedier", vec![]);
    };
    let mut timed: Vec<(DateTime<Utc>, Option<&'static str>, &'static str)> =
        steps(parcel.scenario).into_iter().map(|(m, a, s)| (start + Duration::minutes(m), a, s)).collect();
    if let Some(asked) = parcel.return_asked_at {
        timed.retain(|(at, _, _)| *at < asked);
        timed.extend(RETURN_BRANCH.iter().map(|(m, a, s)| (asked + Duration::minutes(*m), *a, *s)));
    }
    let reached: Vec<_> = timed.into_iter().filter(|(at, _, _)| *at <= now).collect();
    let status = reached.last().map(|(_, _, s)| *s).unwrap_or("prete_a_expedier");
    let activity = reached.iter().filter_map(|(at, a, _)| a.map(|a| (*at, a))).collect();
    (status, activity)
}

/// Picked up by the carrier: too late to update or delete.
pub fn picked(parcel: &Parcel, now: DateTime<Utc>) -> bool {
    progress(parcel, now).1.iter().any(|(_, a)| *a == "picked")
}

/// Stop desk parcels (ordered so, or following the relay scenario).
pub fn at_desk(parcel: &Parcel) -> bool {
    parcel.fields.stop_desk || parcel.scenario == Scenario::RelayPickup
}
