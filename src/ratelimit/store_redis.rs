//! Budgets in Redis (when `REDIS_URL` is set): one key per budget holding
//! `"<version>:<json>"`; a Lua script makes "write if still at version N"
//! atomic. Keys expire two days after their last write (longer than any
//! window carriers use).

use std::time::Duration;

use async_trait::async_trait;
use redis::AsyncCommands;
use redis::aio::MultiplexedConnection;

use super::budget::BudgetState;
use super::store::{BudgetStore, StoreError, Versioned, decode};

const KEY_PREFIX: &str = "shipgate:upstream_budget:";
const TTL_MS: u64 = 2 * 86_400_000;
const TIMEOUT: Duration = Duration::from_secs(2);

/// KEYS[1] = budget key; ARGV = expected version (0: absent), new state, TTL ms.
/// Returns the new version, or -1 when the stored version differs.
const SWAP: &str = r#"
local current = redis.call('GET', KEYS[1])
local version = 0
if current then
  local sep = string.find(current, ':', 1, true)
  if sep == nil then return redis.error_reply('corrupt budget document') end
  version = tonumber(string.sub(current, 1, sep - 1))
end
if version ~= tonumber(ARGV[1]) then return -1 end
redis.call('SET', KEYS[1], (version + 1) .. ':' .. ARGV[2], 'PX', ARGV[3])
return version + 1
"#;

pub struct RedisBudgetStore {
    client: redis::Client,
    connection: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    swap: redis::Script,
}

impl RedisBudgetStore {
    /// Checks the URL; the connection is opened on first use and reopened after failures.
    pub fn new(url: &str) -> Result<Self, redis::RedisError> {
        Ok(RedisBudgetStore {
            client: redis::Client::open(url)?,
            connection: tokio::sync::Mutex::new(None),
            swap: redis::Script::new(SWAP),
        })
    }

    async fn connection(&self) -> Result<MultiplexedConnection, StoreError> {
        let mut slot = self.connection.lock().await;
        if let Some(connection) = slot.as_ref() {
            return Ok(connection.clone());
        }
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT));
        let connection = self.client.get_multiplexed_async_connection_with_config(&config).await?;
        *slot = Some(connection.clone());
        Ok(connection)
    }

    /// Drops a broken connection so the next call opens a fresh one.
    async fn forget_connection_after(&self, error: &redis::RedisError) {
        if error.is_io_error() || error.is_connection_dropped() || error.is_timeout() || error.is_unrecoverable_error()
        {
            *self.connection.lock().await = None;
        }
    }

    fn key(budget: &str) -> String {
        format!("{KEY_PREFIX}{budget}")
    }
}

#[async_trait]
impl BudgetStore for RedisBudgetStore {
    fn name(&self) -> &'static str {
        "redis"
    }

    async fn load(&self, key: &str) -> Result<Option<Versioned>, StoreError> {
        let mut connection = self.connection().await?;
        let stored: Option<String> = match connection.get(Self::key(key)).await {
            Ok(stored) => stored,
            Err(e) => {
                self.forget_connection_after(&e).await;
                return Err(e.into());
            }
        };
        let Some(stored) = stored else { return Ok(None) };
        let (version, text) =
            stored.split_once(':').ok_or_else(|| StoreError::Corrupt(format!("no version in `{key}`")))?;
        let version = version.parse().map_err(|_| StoreError::Corrupt(format!("bad version in `{key}`")))?;
        Ok(Some(decode(key, version, text)))
    }

    async fn swap(&self, key: &str, expected: Option<i64>, state: &BudgetState) -> Result<Option<i64>, StoreError> {
        let text = serde_json::to_string(state).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut connection = self.connection().await?;
        let result: Result<i64, _> = self
            .swap
            .key(Self::key(key))
            .arg(expected.unwrap_or(0))
            .arg(text)
            .arg(TTL_MS)
            .invoke_async(&mut connection)
            .await;
        match result {
            Ok(version) if version > 0 => Ok(Some(version)),
            Ok(_) => Ok(None),
            Err(e) => {
                self.forget_connection_after(&e).await;
                Err(e.into())
            }
        }
    }
}
