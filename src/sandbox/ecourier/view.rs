//! Orders as e-Courier sends them: XML turned into JSON. Every scalar is an
//! '@'-prefixed attribute string, children sit in wrapper elements
//! (`Stops.Stop`, `Pieces.Piece`, `Jobs.Job`, `OrderEvents.OrderEvent`) and a
//! collection of one element is an object, not an array.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use super::dates::{quote_due, quote_ready, us_eastern};
use super::input::{OrderInput, stop_of_type};
use super::lifecycle::{Milestone, order_status, reached};
use super::store::EcOrder;
use super::xmlish::collection;
use crate::sandbox::core::fields::text;
use crate::sandbox::core::hash::stable_hash;
use crate::sandbox::core::png::signature_png;

const CUSTOMER_ID: &str = "65";
const DRIVER_ID: &str = "710";

fn attributes(fields: &Map<String, Value>) -> Map<String, Value> {
    fields.iter().filter_map(|(k, v)| text(Some(v)).map(|t| (format!("@{k}"), Value::String(t)))).collect()
}

/// Scalars as attributes, nested wrappers kept (with their own quirk applied).
fn element(value: &Value) -> Value {
    let Value::Object(map) = value else {
        return value.clone();
    };
    let mut out = Map::new();
    for (key, v) in map {
        match v {
            Value::Object(inner) => {
                let children: Map<String, Value> = inner
                    .iter()
                    .map(|(name, child)| {
                        let list = match child {
                            Value::Array(items) => items.iter().map(element).collect(),
                            single => vec![element(single)],
                        };
                        (name.clone(), collection(list))
                    })
                    .collect();
                out.insert(key.clone(), Value::Object(children));
            }
            Value::Array(_) => {}
            scalar => {
                if let Some(t) = text(Some(scalar)) {
                    out.insert(format!("@{key}"), Value::String(t));
                }
            }
        }
    }
    Value::Object(out)
}

fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn stamp(at: DateTime<Utc>) -> String {
    us_eastern(at).0
}

fn job(order: &EcOrder, steps: &[(DateTime<Utc>, Milestone)]) -> Value {
    let time_of = |m: Milestone| steps.iter().rev().find(|(_, s)| *s == m).map(|(t, _)| *t);
    let delivered = time_of(Milestone::Delivered).or(time_of(Milestone::Returned));
    let stops: Vec<Value> = order
        .stops
        .iter()
        .enumerate()
        .map(|(i, stop)| {
            let pickup = text(stop.get("StopType")).as_deref() == Some("P");
            let (arrive, depart) = if pickup {
                (time_of(Milestone::ArrivedPickup), time_of(Milestone::PickedUp))
            } else {
                (time_of(Milestone::ArrivedDelivery), delivered)
            };
            let mut js = json!({
                "@Sequence": (i + 1).to_string(),
                "@StopType": text(stop.get("StopType")).unwrap_or_default(),
                "@Name": text(stop.get("Name")).unwrap_or_default(),
                "@Address": text(stop.get("Address")).unwrap_or_default(),
                "@City": text(stop.get("City")).unwrap_or_default(),
                "@State": text(stop.get("State")).unwrap_or_default(),
                "@Zip": text(stop.get("Zip")).unwrap_or_default(),
                "@JobStopStatus": if depart.is_some() { "C" } else if arrive.is_some() { "A" } else { "N" },
            });
            if let Some(a) = arrive {
                js["@ArriveDateTime"] = json!(stamp(a));
            }
            if let Some(d) = depart {
                js["@DepartDateTime"] = json!(stamp(d));
                js["@PodName"] = json!(text(stop.get("Name")).unwrap_or_default());
                js["@PodDateTime"] = json!(stamp(d));
            }
            js
        })
        .collect();
    let dispatched = time_of(Milestone::Dispatched).unwrap_or(order.created_at);
    json!({
        "@Sequence": "1",
        "@JobNumber": format!("{}-1", order.number),
        "@JobID": (order.order_id * 10 + 1).to_string(),
        "@JobStatus": order_status(steps),
        "@JobDate": stamp(dispatched),
        "@Service": text(order.fields.get("Service")).unwrap_or_default(),
        "@RouteNumber": "R1",
        "Drivers": {"Driver": {"@Sequence": "1", "@DriverID": DRIVER_ID, "@DriverCode": "D710"}},
        "JobStops": {"JobStop": collection(stops)},
    })
}

pub fn order_json(order: &EcOrder, guid: &str, now: DateTime<Utc>) -> Value {
    let steps = reached(order, now);
    let (created, _) = us_eastern(order.created_at);
    let mut out = attributes(&order.fields);
    let system = json!({
        "@UserGUID": guid,
        "@OrderID": order.order_id.to_string(),
        "@SiteID": "1",
        "@SiteCode": "Corporate",
        "@SiteOrderID": (order.order_id - 1835).to_string(),
        "@OrderNumber": order.number,
        "@OrderStatus": order_status(&steps),
        "@CustomerID": CUSTOMER_ID,
        "@CreateDate": created,
        "@AmountCharged": money(order.amount_charged_cents),
    });
    if let Value::Object(system) = system {
        out.extend(system);
    }
    let delivered = steps.iter().find(|(_, m)| matches!(m, Milestone::Delivered | Milestone::Returned));
    if let Some((at, milestone)) = delivered {
        let signer_stop = if *milestone == Milestone::Returned { "P" } else { "D" };
        let signer = stop_of_type(&order.stops, signer_stop)
            .and_then(|s| text(s.get("Name")))
            .unwrap_or_else(|| "Receptionist".into());
        out.insert("@PodName".into(), json!(signer));
        out.insert("@PodDateTime".into(), json!(stamp(*at)));
        let png = signature_png(stable_hash(&order.number));
        out.insert("@PodSign".into(), json!(base64::engine::general_purpose::STANDARD.encode(png)));
    }
    if steps.iter().any(|(_, m)| *m == Milestone::CodCollected) {
        let cod = text(order.fields.get("CodAmount")).unwrap_or_else(|| "0".into());
        out.insert("@AmountReceived".into(), json!(cod));
    }
    if !order.pieces.is_empty() {
        let pieces = order.pieces.iter().map(element).collect();
        out.insert("Pieces".into(), json!({"Piece": collection(pieces)}));
    }
    let stops = order
        .stops
        .iter()
        .enumerate()
        .map(|(i, stop)| {
            let mut e = element(stop);
            e["@StopID"] = json!((order.order_id * 100 + i as u64 + 1).to_string());
            if e.get("@ScheduledDateTimeTZ").is_none() {
                e["@ScheduledDateTimeTZ"] = json!(us_eastern(order.created_at).1);
            }
            e
        })
        .collect();
    out.insert("Stops".into(), json!({"Stop": collection(stops)}));
    if steps.iter().any(|(_, m)| *m == Milestone::Dispatched) {
        out.insert("Jobs".into(), json!({"Job": job(order, &steps)}));
    }
    let events = steps
        .iter()
        .enumerate()
        .map(|(i, (at, milestone))| {
            let by_driver = !matches!(milestone, Milestone::Created | Milestone::Dispatched | Milestone::Cancelled);
            json!({
                "@OrderEventID": (order.order_id * 1000 + i as u64 + 1).to_string(),
                "@EventType": milestone.event_type(),
                "@EventDateTime": stamp(*at),
                "@UserName": if by_driver { "driver710" } else { "dispatch" },
                "@UserID": if by_driver { DRIVER_ID } else { "1" },
                "@EventSource": if by_driver { "Mobile" } else { "System" },
                "@EventNote": milestone.note(),
            })
        })
        .collect();
    out.insert("OrderEvents".into(), json!({"OrderEvent": collection(events)}));
    json!({"Order": Value::Object(out)})
}

/// QuoteOrder answers with plain (not '@') keys and its own date formats, as documented.
pub fn quote_json(input: &OrderInput, amount_cents: i64, now: DateTime<Utc>) -> Value {
    let scheduled = |kind: &str| {
        stop_of_type(&input.stops, kind)
            .and_then(|s| text(s.get("ScheduledDateTime")))
            .and_then(|t| super::dates::parse_us(&t))
    };
    let ready = scheduled("P").unwrap_or(now + Duration::hours(1));
    let due = scheduled("D").filter(|d| *d > ready).unwrap_or(ready + Duration::hours(2));
    let field = |name: &str, default: &str| input.get(name).unwrap_or_else(|| default.to_owned());
    let pieces: Vec<Value> = input
        .pieces
        .iter()
        .map(|p| {
            let Value::Object(map) = p else {
                return p.clone();
            };
            Value::Object(
                map.iter()
                    .filter(|(_, v)| !v.is_object() && !v.is_array())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            )
        })
        .collect();
    let mut order = json!({
        "CustomerID": CUSTOMER_ID,
        "Service": field("Service", ""),
        "Caller": field("Caller", "ECAPI"),
        "CallerPhone": field("CallerPhone", ""),
        "Notes": field("Notes", ""),
        "CallerEmail": field("CallerEmail", ""),
        "TaskID": "1",
        "CompleteOrder": "1",
        "Description": field("Description", ""),
        "ReadyDateTime": quote_ready(ready),
        "DueDateTime": quote_due(due),
        "AmountCharged": format!("${}", money(amount_cents)),
        "DriverCode": "",
    });
    if !pieces.is_empty() {
        order["Pieces"] = json!({"Piece": collection(pieces)});
    }
    json!({"Order": order})
}
