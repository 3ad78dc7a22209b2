//! The append-only history of a tracker: events are only ever added, each
//! once (by fingerprint), and read in carrier time order.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub tracker_id: Uuid,
    pub fingerprint: String,
    pub occurred_at: DateTime<Utc>,
    pub status: String,
    pub raw_code: Option<String>,
    pub raw_text: Option<String>,
    pub description: Option<String>,
    pub place: Option<serde_json::Value>,
    pub leg: Option<i32>,
    pub recorded_at: DateTime<Utc>,
}

pub struct NewEvent<'a> {
    pub fingerprint: &'a str,
    pub occurred_at: DateTime<Utc>,
    pub status: &'a str,
    pub raw_code: Option<&'a str>,
    pub raw_text: Option<&'a str>,
    pub description: Option<&'a str>,
    pub place: Option<serde_json::Value>,
    pub leg: Option<i32>,
}

/// Adds the events not seen yet; returns how many were new.
pub async fn append(conn: &mut PgConnection, tracker: Uuid, events: &[NewEvent<'_>]) -> Result<u64, sqlx::Error> {
    if events.is_empty() {
        return Ok(0);
    }
    let mut builder = sqlx::QueryBuilder::new(
        "INSERT INTO tracking_events (tracker_id, fingerprint, occurred_at, status, raw_code, raw_text, description, place, leg) ",
    );
    builder.push_values(events, |mut b, e| {
        b.push_bind(tracker)
            .push_bind(e.fingerprint)
            .push_bind(e.occurred_at)
            .push_bind(e.status)
            .push_bind(e.raw_code)
            .push_bind(e.raw_text)
            .push_bind(e.description)
            .push_bind(e.place.clone())
            .push_bind(e.leg);
    });
    builder.push(" ON CONFLICT (tracker_id, fingerprint) DO NOTHING");
    Ok(builder.build().execute(conn).await?.rows_affected())
}

/// Events of some trackers, oldest first per tracker.
pub async fn of<'c>(db: impl PgExecutor<'c>, trackers: &[Uuid]) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT tracker_id, fingerprint, occurred_at, status, raw_code, raw_text, description, place, leg, recorded_at
         FROM tracking_events WHERE tracker_id = ANY($1) ORDER BY tracker_id, occurred_at, recorded_at, fingerprint",
    )
    .bind(trackers)
    .fetch_all(db)
    .await
}
