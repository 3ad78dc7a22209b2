//! Label documents, stored once fetched from the carrier.

use sqlx::{PgExecutor, PgPool};

use crate::domain::ids::ShipmentId;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LabelRow {
    pub content_type: String,
    pub content: Vec<u8>,
}

/// The stored label; the shipment's tenant is checked by the caller.
pub async fn get(db: &PgPool, shipment: ShipmentId) -> Result<Option<LabelRow>, sqlx::Error> {
    sqlx::query_as("SELECT content_type, content FROM shipment_labels WHERE shipment_id = $1")
        .bind(shipment.uuid())
        .fetch_optional(db)
        .await
}

/// Keeps the first label stored (two concurrent fetches store one); true
/// when this call stored it.
pub async fn put<'c>(
    db: impl PgExecutor<'c>,
    shipment: ShipmentId,
    content_type: &str,
    content: &[u8],
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO shipment_labels (shipment_id, content_type, content) VALUES ($1, $2, $3)
         ON CONFLICT (shipment_id) DO NOTHING",
    )
    .bind(shipment.uuid())
    .bind(content_type)
    .bind(content)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
