//! Quotes and their offers, stored with their expiry.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::domain::ids::{CarrierAccountId, OfferId, QuoteId, TenantId};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QuoteRow {
    pub id: Uuid,
    pub request: serde_json::Value,
    pub errors: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfferRow {
    pub id: Uuid,
    pub quote_id: Uuid,
    pub carrier_account_id: Uuid,
    pub carrier: String,
    pub offer: serde_json::Value,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_quote(
    conn: &mut PgConnection,
    id: QuoteId,
    tenant: TenantId,
    request: &serde_json::Value,
    errors: &serde_json::Value,
) -> Result<QuoteRow, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO quotes (id, tenant_id, request, errors) VALUES ($1, $2, $3, $4)
         RETURNING id, request, errors, created_at",
    )
    .bind(id.uuid())
    .bind(tenant.uuid())
    .bind(request)
    .bind(errors)
    .fetch_one(conn)
    .await
}

pub struct NewOffer<'a> {
    pub id: OfferId,
    pub tenant: TenantId,
    pub quote: QuoteId,
    pub account: CarrierAccountId,
    pub carrier: &'a str,
    pub service_code: &'a str,
    pub currency: &'a str,
    pub total_price: Decimal,
    pub offer: &'a serde_json::Value,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_offer(conn: &mut PgConnection, new: NewOffer<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO offers (id, tenant_id, quote_id, carrier_account_id, carrier, service_code, currency,
            total_price, offer, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new.id.uuid())
    .bind(new.tenant.uuid())
    .bind(new.quote.uuid())
    .bind(new.account.uuid())
    .bind(new.carrier)
    .bind(new.service_code)
    .bind(new.currency)
    .bind(new.total_price)
    .bind(new.offer)
    .bind(new.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

const OFFER_COLUMNS: &str = "id, quote_id, carrier_account_id, carrier, offer, expires_at";

pub async fn get_offer(db: &PgPool, tenant: TenantId, id: OfferId) -> Result<Option<OfferRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {OFFER_COLUMNS} FROM offers WHERE tenant_id = $1 AND id = $2")))
        .bind(tenant.uuid())
        .bind(id.uuid())
        .fetch_optional(db)
        .await
}

pub async fn get_quote(
    db: &PgPool,
    tenant: TenantId,
    id: QuoteId,
) -> Result<Option<(QuoteRow, Vec<OfferRow>)>, sqlx::Error> {
    let quote: Option<QuoteRow> =
        sqlx::query_as("SELECT id, request, errors, created_at FROM quotes WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.uuid())
            .bind(id.uuid())
            .fetch_optional(db)
            .await?;
    let Some(quote) = quote else {
        return Ok(None);
    };
    // Offers keep the order they were ranked in: their ids were minted in that order.
    let offers = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {OFFER_COLUMNS} FROM offers WHERE tenant_id = $1 AND quote_id = $2 ORDER BY id"
    )))
    .bind(tenant.uuid())
    .bind(id.uuid())
    .fetch_all(db)
    .await?;
    Ok(Some((quote, offers)))
}
