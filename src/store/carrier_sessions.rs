//! Carrier session tokens (e-Courier's UserGUID), encrypted at rest with the
//! account id as associated data, behind the `SessionStore` port.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{PgPool, Postgres, Transaction};

use crate::carriers::CarrierError;
use crate::carriers::session::{SessionLock, SessionStore, StoredSession};
use crate::crypto::SecretBox;
use crate::domain::CarrierKind;
use crate::domain::ids::CarrierAccountId;

/// Advisory-lock class for session renewals (the second key is the account).
const LOCK_CLASS: i32 = 727_001;

#[derive(Clone)]
pub struct PgSessionStore {
    pub db: PgPool,
    pub secrets: SecretBox,
    /// Only e-Courier has sessions today; errors are reported as its.
    pub carrier: CarrierKind,
}

fn storage(carrier: CarrierKind, e: impl std::fmt::Display) -> CarrierError {
    CarrierError::Storage { carrier, reason: e.to_string() }
}

fn associated(account: CarrierAccountId) -> Vec<u8> {
    let mut aad = b"session:".to_vec();
    aad.extend_from_slice(account.uuid().as_bytes());
    aad
}

#[derive(sqlx::FromRow)]
struct Row {
    token_enc: Vec<u8>,
    issued_at: DateTime<Utc>,
    last_used_at: DateTime<Utc>,
}

impl PgSessionStore {
    fn decode(&self, account: CarrierAccountId, row: Row) -> Result<StoredSession, CarrierError> {
        let token = self.secrets.open(&row.token_enc, &associated(account)).map_err(|e| storage(self.carrier, e))?;
        let token = String::from_utf8(token).map_err(|e| storage(self.carrier, e))?;
        Ok(StoredSession { token, issued_at: row.issued_at, last_used_at: row.last_used_at })
    }
}

const SELECT: &str = "SELECT token_enc, issued_at, last_used_at FROM carrier_sessions WHERE account_id = $1";

#[async_trait]
impl SessionStore for PgSessionStore {
    async fn load(&self, account: CarrierAccountId) -> Result<Option<StoredSession>, CarrierError> {
        let row: Option<Row> = sqlx::query_as(SELECT)
            .bind(account.uuid())
            .fetch_optional(&self.db)
            .await
            .map_err(|e| storage(self.carrier, e))?;
        row.map(|r| self.decode(account, r)).transpose()
    }

    async fn lock(&self, account: CarrierAccountId) -> Result<Box<dyn SessionLock>, CarrierError> {
        let mut tx = self.db.begin().await.map_err(|e| storage(self.carrier, e))?;
        // Bounded wait: a replica stuck in a login must not block us forever.
        sqlx::query("SET LOCAL lock_timeout = '40s'").execute(&mut *tx).await.map_err(|e| storage(self.carrier, e))?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
            .bind(LOCK_CLASS)
            .bind(account.uuid().to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| storage(self.carrier, e))?;
        Ok(Box::new(PgSessionLock { store: self.clone(), account, tx }))
    }

    async fn mark_used(&self, account: CarrierAccountId) -> Result<(), CarrierError> {
        // At most one write an hour per account: the expiry is counted in days.
        sqlx::query(
            "UPDATE carrier_sessions SET last_used_at = now()
             WHERE account_id = $1 AND last_used_at < now() - interval '1 hour'",
        )
        .bind(account.uuid())
        .execute(&self.db)
        .await
        .map_err(|e| storage(self.carrier, e))?;
        Ok(())
    }
}

struct PgSessionLock {
    store: PgSessionStore,
    account: CarrierAccountId,
    tx: Transaction<'static, Postgres>,
}

#[async_trait]
impl SessionLock for PgSessionLock {
    async fn current(&mut self) -> Result<Option<StoredSession>, CarrierError> {
        let row: Option<Row> = sqlx::query_as(SELECT)
            .bind(self.account.uuid())
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(|e| storage(self.store.carrier, e))?;
        row.map(|r| self.store.decode(self.account, r)).transpose()
    }

    async fn save(self: Box<Self>, token: &str, issued: bool) -> Result<StoredSession, CarrierError> {
        let PgSessionLock { store, account, mut tx } = *self;
        let sealed = store.secrets.seal(token.as_bytes(), &associated(account));
        let row: Row = sqlx::query_as(
            "INSERT INTO carrier_sessions (account_id, token_enc, issued_at, last_used_at)
             VALUES ($1, $2, now(), now())
             ON CONFLICT (account_id) DO UPDATE SET token_enc = EXCLUDED.token_enc,
                 issued_at = CASE WHEN $3 THEN now() ELSE carrier_sessions.issued_at END,
                 last_used_at = now()
             RETURNING token_enc, issued_at, last_used_at",
        )
        .bind(account.uuid())
        .bind(&sealed)
        .bind(issued)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| storage(store.carrier, e))?;
        tx.commit().await.map_err(|e| storage(store.carrier, e))?;
        store.decode(account, row)
    }
}
