//! The follow-up queues: shipments whose label is still to fetch and pickups
//! still to confirm. Claims use `FOR UPDATE SKIP LOCKED` and push the next
//! check forward (a lease), so replicas share the work and a crashed
//! worker's claim comes back by itself.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// One claimed follow-up: the row, its tenant and account, and how many
/// checks were made so far.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Due {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub carrier_account_id: Uuid,
    pub checks: i32,
}

#[derive(Debug, Clone, Copy)]
pub enum Queue {
    Labels,
    Pickups,
}

impl Queue {
    fn table(self) -> &'static str {
        match self {
            Queue::Labels => "shipments",
            Queue::Pickups => "pickups",
        }
    }

    fn next_column(self) -> &'static str {
        match self {
            Queue::Labels => "label_next_check_at",
            Queue::Pickups => "next_check_at",
        }
    }

    fn checks_column(self) -> &'static str {
        match self {
            Queue::Labels => "label_checks",
            Queue::Pickups => "checks",
        }
    }

    /// Rows still worth asking about.
    fn live_condition(self) -> &'static str {
        match self {
            Queue::Labels => "status IN ('booked', 'dispatched')",
            Queue::Pickups => "status = 'requested'",
        }
    }
}

/// Schedules a check of `id` at `at` (first check, or after a booking).
pub async fn schedule<'c>(
    db: impl PgExecutor<'c>,
    queue: Queue,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {} SET {} = $2 WHERE id = $1",
        queue.table(),
        queue.next_column()
    )))
    .bind(id)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

/// Claims up to `limit` due rows, holding each for `lease_secs`.
pub async fn claim(
    conn: &mut PgConnection,
    queue: Queue,
    limit: i64,
    lease_secs: i64,
) -> Result<Vec<Due>, sqlx::Error> {
    let (table, next, checks, live) =
        (queue.table(), queue.next_column(), queue.checks_column(), queue.live_condition());
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE {table} SET {next} = now() + make_interval(secs => $2)
         WHERE id IN (SELECT id FROM {table} WHERE {next} <= now() AND {live}
                      ORDER BY {next} LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING id, tenant_id, carrier_account_id, {checks} AS checks"
    )))
    .bind(limit)
    .bind(lease_secs as f64)
    .fetch_all(conn)
    .await
}

/// Asks again at `at`, one more check counted.
pub async fn retry_at<'c>(
    db: impl PgExecutor<'c>,
    queue: Queue,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let (table, next, checks) = (queue.table(), queue.next_column(), queue.checks_column());
    sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE {table} SET {next} = $2, {checks} = {checks} + 1 WHERE id = $1")))
        .bind(id)
        .bind(at)
        .execute(db)
        .await?;
    Ok(())
}

/// Nothing more to follow up on this row.
pub async fn done<'c>(db: impl PgExecutor<'c>, queue: Queue, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {} SET {} = NULL WHERE id = $1",
        queue.table(),
        queue.next_column()
    )))
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}
