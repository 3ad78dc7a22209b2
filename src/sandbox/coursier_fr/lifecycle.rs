//! Legs of a mission as the tracking API shows them at a given sandbox time.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::states::MissionState;
use super::store::Mission;
use crate::sandbox::core::hash::stable_hash;
use crate::sandbox::core::scenario::Scenario;
use crate::sandbox::core::tz::paris;

pub const SUPPORTED: [Scenario; 6] = [
    Scenario::Delivered,
    Scenario::FailedAttempt,
    Scenario::Exception,
    Scenario::Lost,
    Scenario::Cancelled,
    Scenario::FailedLoad,
];

/// One record of the answer; field order and casing as in the document's example.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Leg {
    pub mission_id: String,
    pub mission_number: String,
    pub from: String,
    pub to: String,
    pub pickup_start_date: String,
    pub pickup_end_date: String,
    pub pickup_start_estimate: String,
    pub pickup_end_estimate: String,
    pub pickup_date: String,
    pub delivery_start_date: String,
    pub delivery_end_date: String,
    pub delivery_start_estimate: String,
    pub delivery_end_estimate: String,
    pub delivery_date: String,
    pub state: String,
    pub worker_short_code: String,
    pub worker_surname: String,
    pub picture: String,
    pub proof_of_delivery: String,
    pub delivery_signee: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LegEnd {
    Delivered,
    /// First delivery attempt fails, delivered the next day.
    DeliveredNextDay,
    FailedLoad,
    IncidentInTransit,
    Cancelled,
}

struct LegPlan<'a> {
    mission: &'a Mission,
    mission_id: u64,
    shift: Duration,
    end: LegEnd,
}

fn stamp(at: DateTime<Utc>) -> String {
    paris(at).format("%Y-%m-%d %H:%M:%S").to_string()
}

const SURNAMES: [&str; 6] = ["Laurent", "Martin", "Bernard", "Petit", "Durand", "Moreau"];

fn render(plan: &LegPlan, now: DateTime<Utc>) -> (Leg, MissionState) {
    let m = plan.mission;
    let (ps, pe) = (m.pickup_start + plan.shift, m.pickup_end + plan.shift);
    let (ds, de) = (m.delivery_start + plan.shift, m.delivery_end + plan.shift);
    let mut leg = Leg {
        mission_id: plan.mission_id.to_string(),
        mission_number: m.number.to_string(),
        from: m.from.clone(),
        to: m.to.clone(),
        pickup_start_date: stamp(ps),
        pickup_end_date: stamp(pe),
        delivery_start_date: stamp(ds),
        delivery_end_date: stamp(de),
        ..Leg::default()
    };
    let created = m.created_at + plan.shift;
    if plan.end == LegEnd::Cancelled && now >= m.created_at + Duration::minutes(30) {
        return (leg, MissionState::Canceled);
    }
    let dispatch = (created + Duration::minutes(5)).max(ps - Duration::minutes(60));
    if now < dispatch {
        return (leg, MissionState::NotDispatched);
    }
    let seed = stable_hash(&plan.mission_id.to_string());
    let code = 100 + seed % 900;
    leg.worker_short_code = code.to_string();
    leg.worker_surname = SURNAMES[(seed % SURNAMES.len() as u64) as usize].into();
    leg.picture = format!("https://iris.coursier.fr/worker/view/{code}");
    let mut state = MissionState::Dispatched;
    if now >= (ps - Duration::minutes(10)).max(dispatch + Duration::minutes(1)) {
        leg.pickup_start_estimate = stamp(ps + Duration::minutes(5));
        leg.pickup_end_estimate = stamp(ps + Duration::minutes(15));
        state = MissionState::ApproachingPickup;
    }
    let picked = ps + Duration::minutes(20);
    if now < picked {
        return (leg, state);
    }
    if plan.end == LegEnd::FailedLoad {
        return (leg, MissionState::Incident);
    }
    leg.pickup_date = stamp(picked);
    state = MissionState::PickedUp;
    if plan.end == LegEnd::IncidentInTransit && now >= picked + Duration::minutes(30) {
        return (leg, MissionState::Incident);
    }
    let first_attempt = ds + Duration::minutes(10);
    let retry = if plan.end == LegEnd::DeliveredNextDay { Duration::days(1) } else { Duration::zero() };
    let approach = |base: DateTime<Utc>| (base - Duration::minutes(10)).max(picked + Duration::minutes(1));
    if plan.end == LegEnd::IncidentInTransit {
        return (leg, state);
    }
    if now >= approach(ds) {
        leg.delivery_start_estimate = stamp(ds + Duration::minutes(5));
        leg.delivery_end_estimate = stamp(ds + Duration::minutes(15));
        state = MissionState::ApproachingDelivery;
    }
    if retry > Duration::zero() && now >= first_attempt {
        state = MissionState::Incident;
        if now >= approach(ds + retry) {
            leg.delivery_start_estimate = stamp(ds + retry + Duration::minutes(5));
            leg.delivery_end_estimate = stamp(ds + retry + Duration::minutes(15));
            state = MissionState::ApproachingDelivery;
        }
    }
    let delivered = first_attempt + retry;
    if now >= delivered {
        leg.delivery_date = stamp(delivered);
        leg.proof_of_delivery = format!("https://iris.coursier.fr/pod/view/{}", plan.mission_id);
        leg.delivery_signee = m.to.chars().take(30).collect();
        state = if now >= delivered + Duration::days(7) {
            MissionState::Billed
        } else if now >= delivered + Duration::days(1) {
            MissionState::ToBeInvoiced
        } else {
            MissionState::Delivered
        };
    }
    (leg, state)
}

/// The two legs of the document's example, exactly.
fn example_legs(english: bool) -> Vec<Leg> {
    let first = Leg {
        mission_id: "10009999".into(),
        mission_number: "9005657".into(),
        from: "Boutique Georges 5".into(),
        to: "Hub Coursier.fr".into(),
        pickup_start_date: "2020-06-26 11:00:00".into(),
        pickup_end_date: "2020-06-26 12:00:00".into(),
        pickup_date: "2020-06-26 11:24:52".into(),
        delivery_start_date: "2020-06-26 12:00:00".into(),
        delivery_end_date: "2020-06-26 13:00:00".into(),
        delivery_start_estimate: "2020-06-26 12:05:00".into(),
        delivery_end_estimate: "2020-06-26 12:15:00".into(),
        state: MissionState::ApproachingDelivery.label(english).into(),
        worker_short_code: "710".into(),
        worker_surname: "Laurent".into(),
        picture: "https://iris.coursier.fr/worker/view/710".into(),
        ..Leg::default()
    };
    let second = Leg {
        mission_id: "10009999".into(),
        mission_number: "9005657".into(),
        from: "Hub Coursier.fr".into(),
        to: "Yann THEBAULT".into(),
        pickup_start_date: "2020-06-26 19:00:00".into(),
        pickup_end_date: "2020-06-26 20:00:00".into(),
        delivery_start_date: "2020-06-26 20:00:00".into(),
        delivery_end_date: "2020-06-26 22:00:00".into(),
        ..Leg::default()
    };
    vec![first, second]
}

/// Every record of a mission at `now`, labels in French unless `english`.
pub fn legs(mission: &Mission, now: DateTime<Utc>, english: bool) -> Vec<Leg> {
    if mission.frozen {
        return example_legs(english);
    }
    let plan = |mission_id, shift, end| LegPlan { mission, mission_id, shift, end };
    let plans = match mission.scenario {
        Scenario::FailedLoad => {
            let failed = plan(mission.mission_id, Duration::zero(), LegEnd::FailedLoad);
            let failed_at = mission.pickup_start + Duration::minutes(20);
            let mut plans = vec![failed];
            if now >= failed_at {
                // Re-planned the next day as a new record with its own MissionId.
                plans.push(plan(mission.mission_id + 1, Duration::days(1), LegEnd::Delivered));
            }
            plans
        }
        Scenario::FailedAttempt => vec![plan(mission.mission_id, Duration::zero(), LegEnd::DeliveredNextDay)],
        Scenario::Exception | Scenario::Lost => {
            vec![plan(mission.mission_id, Duration::zero(), LegEnd::IncidentInTransit)]
        }
        Scenario::Cancelled => vec![plan(mission.mission_id, Duration::zero(), LegEnd::Cancelled)],
        _ => vec![plan(mission.mission_id, Duration::zero(), LegEnd::Delivered)],
    };
    plans
        .iter()
        .map(|p| {
            let (mut leg, state) = render(p, now);
            leg.state = state.label(english).into();
            leg
        })
        .collect()
}
