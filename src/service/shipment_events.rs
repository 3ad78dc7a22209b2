//! Webhook events about shipments, recorded in the transaction that makes
//! the change (outbox), carrying the shipment exactly as the API shows it.

use sqlx::PgConnection;

use crate::domain::webhook::EventType;
use crate::error::ApiError;
use crate::store::outbox;
use crate::store::shipment_queries as queries;
use crate::store::shipments::ShipmentRow;

/// Records `event` about the shipment in `row` (its state inside `conn`'s transaction).
pub async fn record(conn: &mut PgConnection, row: &ShipmentRow, event: EventType) -> Result<(), ApiError> {
    let parcels = queries::parcels(&mut *conn, &[row.id]).await?.into_iter().map(|(_, p)| p).collect();
    let shipment = super::shipments::view(row.clone(), parcels)?;
    outbox::enqueue(conn, row.tenant_id.into(), event, &shipment).await?;
    Ok(())
}
