//! e-Courier's UserGUID: obtained lazily by Login, kept encrypted in the
//! database, refreshed before it expires (20 days without use), obtained
//! again when e-Courier says it is missing or unknown (-5/-6), and never
//! fetched by two requests at once for the same account — within this
//! process (a local lock) or across replicas (the store's lock).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::{Duration as Age, Utc};

use super::client::Client;
use crate::carriers::session::StoredSession;
use crate::carriers::{CallCtx, CarrierError};
use crate::domain::ids::CarrierAccountId;

/// e-Courier forgets a UserGUID after 20 unused days; refresh well before.
pub const REFRESH_AFTER_DAYS: i64 = 15;
pub const EXPIRES_AFTER_DAYS: i64 = 20;

/// In-process single flight: one renewal per account at a time.
#[derive(Default)]
pub struct LocalLocks {
    locks: Mutex<HashMap<CarrierAccountId, Arc<tokio::sync::Mutex<()>>>>,
}

impl LocalLocks {
    fn for_account(&self, account: CarrierAccountId) -> Arc<tokio::sync::Mutex<()>> {
        self.locks.lock().expect("session locks").entry(account).or_default().clone()
    }
}

enum Need {
    Ready(String),
    Refresh(String),
    Login,
}

fn assess(session: Option<&StoredSession>) -> Need {
    let now = Utc::now();
    match session {
        Some(s) if now - s.last_used_at < Age::days(REFRESH_AFTER_DAYS) => Need::Ready(s.token.clone()),
        Some(s) if now - s.last_used_at < Age::days(EXPIRES_AFTER_DAYS) => Need::Refresh(s.token.clone()),
        _ => Need::Login,
    }
}

impl Client {
    /// A usable UserGUID for the account.
    pub async fn guid(&self, ctx: &CallCtx) -> Result<String, CarrierError> {
        let stored = self.sessions.load(ctx.account).await?;
        match assess(stored.as_ref()) {
            Need::Ready(token) => Ok(token),
            _ => self.renew(ctx, None).await,
        }
    }

    /// Obtains a new or refreshed GUID under the account's locks. `stale` is
    /// a GUID e-Courier just refused: whoever still holds it must replace it.
    async fn renew(&self, ctx: &CallCtx, stale: Option<&str>) -> Result<String, CarrierError> {
        let local = self.local_locks.for_account(ctx.account);
        let _local = local.lock().await;
        let mut lock = self.sessions.lock(ctx.account).await?;
        let current = lock.current().await?;
        // Another request (or replica) may have renewed it while we waited.
        let need = match (&current, stale) {
            (Some(s), Some(bad)) if s.token == bad => Need::Login,
            _ => assess(current.as_ref()),
        };
        match need {
            Need::Ready(token) => Ok(token),
            Need::Refresh(token) => match self.refresh_guid(ctx, &token).await {
                Ok(fresh) => Ok(lock.save(&fresh, false).await?.token),
                // The GUID is already gone: log in afresh when we can.
                Err(CarrierError::AuthFailed { .. }) if self.can_login() => {
                    let fresh = self.login(ctx).await?;
                    Ok(lock.save(&fresh, true).await?.token)
                }
                Err(e) => Err(e),
            },
            Need::Login if self.can_login() => {
                let fresh = self.login(ctx).await?;
                Ok(lock.save(&fresh, true).await?.token)
            }
            // Only a GUID was given (no username/password): refresh is all we can do.
            Need::Login => match (&self.credentials.user_guid, stale) {
                (Some(given), None) => Ok(lock.save(&self.refresh_guid(ctx, given).await?, true).await?.token),
                _ => Err(CarrierError::AuthFailed {
                    carrier: crate::domain::CarrierKind::Ecourier,
                    said: crate::carriers::error::CarrierSaid {
                        message: Some("the UserGUID was refused and no username/password is configured".into()),
                        ..Default::default()
                    },
                }),
            },
        }
    }

    /// Proves the credentials now: logs in (or refreshes a given GUID) and
    /// keeps the result as the account's session.
    pub async fn fresh_session(&self, ctx: &CallCtx) -> Result<String, CarrierError> {
        let local = self.local_locks.for_account(ctx.account);
        let _local = local.lock().await;
        let lock = self.sessions.lock(ctx.account).await?;
        let fresh = match (&self.credentials.user_guid, self.can_login()) {
            (_, true) => self.login(ctx).await?,
            (Some(given), false) => self.refresh_guid(ctx, given).await?,
            (None, false) => self.login(ctx).await?,
        };
        Ok(lock.save(&fresh, true).await?.token)
    }

    fn can_login(&self) -> bool {
        self.credentials.username.is_some() && self.credentials.password.is_some()
    }

    /// Runs `call` with a valid GUID; when e-Courier refuses the GUID (-5,
    /// -6), obtains a new one and runs it once more. Safe even for creates:
    /// a refused GUID means e-Courier did nothing.
    pub async fn with_guid<T, F, Fut>(&self, ctx: &CallCtx, call: F) -> Result<T, CarrierError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, CarrierError>>,
    {
        let guid = self.guid(ctx).await?;
        let result = match call(guid.clone()).await {
            Err(CarrierError::AuthFailed { said, .. }) if matches!(said.code.as_deref(), Some("-5") | Some("-6")) => {
                tracing::info!(account = %ctx.account, code = ?said.code, "e-Courier refused the UserGUID; renewing it");
                let fresh = self.renew(ctx, Some(&guid)).await?;
                call(fresh).await
            }
            other => other,
        };
        if result.is_ok() {
            // Best effort: a lost "last used" only means an earlier refresh.
            if let Err(e) = self.sessions.mark_used(ctx.account).await {
                tracing::warn!(error = %e, "could not record e-Courier session use");
            }
        }
        result
    }
}
