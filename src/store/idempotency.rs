//! Idempotency-Key records. The first request with a key takes a lease and
//! runs; later requests with the same key replay its stored answer, or are
//! told it is still running, or that the key was used for another request.

use std::time::Duration;

use sqlx::PgPool;

use crate::domain::ids::TenantId;

/// How long a key is remembered; after that it may start a new request.
pub const KEY_RETENTION: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug)]
pub enum Begin {
    /// This request owns the key: run it, then `complete` or `release`.
    Started,
    Replay {
        status: u16,
        headers: serde_json::Value,
        body: Vec<u8>,
    },
    /// The key was first used with another method, path or body.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

#[derive(sqlx::FromRow)]
struct Existing {
    request_hash: Vec<u8>,
    state: String,
    lease_expired: bool,
    record_expired: bool,
    response_status: Option<i32>,
    response_headers: Option<serde_json::Value>,
    response_body: Option<Vec<u8>>,
}

/// The request claiming a key.
pub struct KeyClaim<'a> {
    pub tenant: TenantId,
    pub key: &'a str,
    pub request_hash: &'a [u8; 32],
    pub method: &'a str,
    pub path: &'a str,
}

pub async fn begin(
    db: &PgPool,
    claim: KeyClaim<'_>,
    lease: Duration,
    retention: Duration,
) -> Result<Begin, sqlx::Error> {
    let KeyClaim { tenant, key, request_hash, method, path } = claim;
    let lease_secs = lease.as_secs_f64();
    let retention_secs = retention.as_secs_f64();
    let mut tx = db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (tenant_id, key, request_hash, method, path, state, locked_until, expires_at)
         VALUES ($1, $2, $3, $4, $5, 'in_progress', now() + make_interval(secs => $6), now() + make_interval(secs => $7))
         ON CONFLICT (tenant_id, key) DO NOTHING",
    )
    .bind(tenant.uuid())
    .bind(key)
    .bind(request_hash.as_slice())
    .bind(method)
    .bind(path)
    .bind(lease_secs)
    .bind(retention_secs)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 1 {
        tx.commit().await?;
        return Ok(Begin::Started);
    }
    let existing: Existing = sqlx::query_as(
        "SELECT request_hash, state, coalesce(locked_until < now(), true) AS lease_expired,
                expires_at < now() AS record_expired, response_status, response_headers, response_body
         FROM idempotency_keys WHERE tenant_id = $1 AND key = $2 FOR UPDATE",
    )
    .bind(tenant.uuid())
    .bind(key)
    .fetch_one(&mut *tx)
    .await?;

    let take_over = existing.record_expired || (existing.state == "in_progress" && existing.lease_expired);
    let outcome = if existing.record_expired || existing.request_hash == request_hash.as_slice() {
        if take_over {
            // An expired record is forgotten; a dead request's lease passes to this one.
            sqlx::query(
                "UPDATE idempotency_keys SET request_hash = $3, method = $4, path = $5, state = 'in_progress',
                    locked_until = now() + make_interval(secs => $6), response_status = NULL,
                    response_headers = NULL, response_body = NULL,
                    expires_at = GREATEST(expires_at, now() + make_interval(secs => $7))
                 WHERE tenant_id = $1 AND key = $2",
            )
            .bind(tenant.uuid())
            .bind(key)
            .bind(request_hash.as_slice())
            .bind(method)
            .bind(path)
            .bind(lease_secs)
            .bind(retention_secs)
            .execute(&mut *tx)
            .await?;
            Begin::Started
        } else if existing.state == "completed" {
            Begin::Replay {
                status: existing.response_status.unwrap_or(200) as u16,
                headers: existing.response_headers.unwrap_or(serde_json::Value::Null),
                body: existing.response_body.unwrap_or_default(),
            }
        } else {
            Begin::InProgress
        }
    } else {
        Begin::Mismatch
    };
    tx.commit().await?;
    Ok(outcome)
}

pub async fn complete(
    db: &PgPool,
    tenant: TenantId,
    key: &str,
    status: u16,
    headers: &serde_json::Value,
    body: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE idempotency_keys SET state = 'completed', locked_until = NULL,
            response_status = $3, response_headers = $4, response_body = $5
         WHERE tenant_id = $1 AND key = $2",
    )
    .bind(tenant.uuid())
    .bind(key)
    .bind(i32::from(status))
    .bind(headers)
    .bind(body)
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets the key so the client can retry it (used after transient failures).
pub async fn release(db: &PgPool, tenant: TenantId, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2 AND state = 'in_progress'")
        .bind(tenant.uuid())
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn purge_expired(db: &PgPool) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM idempotency_keys WHERE expires_at < now()").execute(db).await?;
    Ok(done.rows_affected())
}
