//! Shipments booked through shipgate are tracked automatically: their
//! trackers are created in the booking's own transaction.

use sqlx::PgConnection;

use crate::carriers::registry::capabilities_of;
use crate::domain::CarrierKind;
use crate::domain::ids::{CarrierAccountId, ShipmentId, TenantId};
use crate::error::ApiError;
use crate::store::shipment_queries;
use crate::store::shipments::ShipmentRow;
use crate::store::trackers::{self, NewTracker};

/// The numbers to track for a booking: one per parcel, or the order's.
/// My Flying Box gives every parcel the order's uuid; its parcels are
/// then told apart as `uuid:index`.
pub fn numbers_to_track(kind: CarrierKind, parcel_numbers: &[Option<String>], order: Option<&str>) -> Vec<String> {
    let given: Vec<&str> = parcel_numbers.iter().flatten().map(String::as_str).filter(|n| !n.is_empty()).collect();
    if given.is_empty() {
        return order.map(|o| vec![o.to_owned()]).unwrap_or_default();
    }
    if kind == CarrierKind::Myflyingbox && given.len() > 1 && given.iter().all(|n| *n == given[0]) {
        return (0..given.len()).map(|i| format!("{}:{i}", given[0])).collect();
    }
    let mut out: Vec<String> = Vec::new();
    for n in given {
        if !out.iter().any(|o| o == n) {
            out.push(n.to_owned());
        }
    }
    out
}

pub async fn track_booked(conn: &mut PgConnection, row: &ShipmentRow) -> Result<usize, ApiError> {
    let kind: CarrierKind = row.carrier.parse().map_err(ApiError::internal)?;
    if !capabilities_of(kind).tracking {
        return Ok(0);
    }
    let parcels = shipment_queries::parcels(&mut *conn, &[row.id]).await?;
    let numbers: Vec<Option<String>> = parcels.into_iter().map(|(_, p)| p.tracking_number).collect();
    let wanted = numbers_to_track(kind, &numbers, row.carrier_order_id.as_deref());
    for number in &wanted {
        trackers::create_or_get(
            conn,
            NewTracker {
                tenant: TenantId::from(row.tenant_id),
                account: CarrierAccountId::from(row.carrier_account_id),
                carrier: kind.as_str(),
                tracking_number: number,
                shipment: Some(ShipmentId::from(row.id)),
                reference: row.reference.as_deref(),
                origin: "shipment",
            },
        )
        .await?;
    }
    Ok(wanted.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parcels_of_one_my_flying_box_order_are_told_apart() {
        let same = [Some("u".to_owned()), Some("u".to_owned())];
        assert_eq!(numbers_to_track(CarrierKind::Myflyingbox, &same, Some("u")), ["u:0", "u:1"]);
        assert_eq!(numbers_to_track(CarrierKind::Myflyingbox, &same[..1], Some("u")), ["u"]);
        assert_eq!(numbers_to_track(CarrierKind::Ecourier, &[None], Some("2073")), ["2073"]);
        assert_eq!(numbers_to_track(CarrierKind::Ecotrack, &same, None), ["u"]);
    }
}
