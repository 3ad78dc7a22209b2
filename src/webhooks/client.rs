//! The HTTP client webhook requests leave through: addresses checked by the
//! policy (through the resolver, or directly for IP literals), no proxy that
//! would hide the destination, no redirects, bounded connect and total time,
//! and at most 64 KiB of the answer read.

use std::error::Error as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::Utc;
use reqwest::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER, USER_AGENT};
use reqwest::redirect::Policy;

use super::address_policy::AddressPolicy;
use super::resolver::{HostForbidden, SafeResolver};
use super::retry::parse_retry_after;
use super::signing::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use super::url::{self as webhook_url};

/// Most of an answer we read and keep.
pub const MAX_RESPONSE_BODY: usize = 64 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const AGENT: &str = concat!("shipgate-webhooks/", env!("CARGO_PKG_VERSION"));

/// One signed request, ready to go.
pub struct SignedRequest<'a> {
    pub url: &'a str,
    pub msg_id: &'a str,
    pub timestamp: i64,
    pub signature: &'a str,
    pub body: Bytes,
}

/// What came of one attempt.
#[derive(Debug, Clone)]
pub struct AttemptReport {
    pub status: Option<u16>,
    pub latency: Duration,
    /// Why it failed, in words; `None` on success.
    pub error: Option<String>,
    pub body: Option<String>,
    pub truncated: bool,
    pub retry_after: Option<Duration>,
}

impl AttemptReport {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// 410 Gone: the receiver asks us to stop for good.
    pub fn gone(&self) -> bool {
        self.status == Some(410)
    }

    fn failure(error: String, latency: Duration) -> Self {
        AttemptReport { status: None, latency, error: Some(error), body: None, truncated: false, retry_after: None }
    }
}

#[derive(Clone)]
pub struct WebhookClient {
    client: reqwest::Client,
    policy: Arc<AddressPolicy>,
    timeout: Duration,
}

impl WebhookClient {
    pub fn new(policy: AddressPolicy, timeout: Duration) -> Self {
        let policy = Arc::new(policy);
        let client = reqwest::Client::builder()
            .dns_resolver(SafeResolver::new(policy.clone()))
            .no_proxy()
            .redirect(Policy::none())
            .connect_timeout(CONNECT_TIMEOUT.min(timeout))
            .timeout(timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(4)
            .build()
            .expect("webhook client configuration is static");
        WebhookClient { client, policy, timeout }
    }

    pub async fn send(&self, request: SignedRequest<'_>) -> AttemptReport {
        let started = Instant::now();
        let url = match webhook_url::parse(request.url) {
            Ok(url) => url,
            Err(e) => return AttemptReport::failure(format!("invalid URL: {e}"), started.elapsed()),
        };
        // IP literals skip DNS, hence the resolver: check them here.
        if let Some(ip) = webhook_url::literal_ip(&url)
            && let Err(refused) = self.policy.check(ip)
        {
            return AttemptReport::failure(format!("refused: {refused}"), started.elapsed());
        }
        let built = self
            .client
            .post(url)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, HeaderValue::from_static(AGENT))
            .header(HEADER_ID, request.msg_id)
            .header(HEADER_TIMESTAMP, request.timestamp.to_string())
            .header(HEADER_SIGNATURE, request.signature)
            .body(request.body);
        // reqwest's own timeout covers the body too; this one is a backstop.
        let exchange = tokio::time::timeout(self.timeout + Duration::from_secs(1), async {
            let response = built.send().await?;
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, Utc::now()));
            let (body, truncated) = read_capped(response).await;
            Ok::<_, reqwest::Error>((status, retry_after, body, truncated))
        })
        .await;
        let latency = started.elapsed();
        match exchange {
            Ok(Ok((status, retry_after, body, truncated))) => AttemptReport {
                status: Some(status),
                latency,
                error: status_error(status),
                body: Some(body),
                truncated,
                retry_after,
            },
            Ok(Err(e)) => AttemptReport::failure(describe(&e, self.timeout), latency),
            Err(_) => AttemptReport::failure(timed_out(self.timeout), latency),
        }
    }
}

/// Reads up to `MAX_RESPONSE_BODY` bytes; the rest is left unread.
async fn read_capped(mut response: reqwest::Response) -> (String, bool) {
    let mut body = Vec::new();
    let mut truncated = false;
    // A body that breaks off or times out after the status line still leaves
    // the status as the receiver's answer.
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = MAX_RESPONSE_BODY - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            truncated = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    (String::from_utf8_lossy(&body).into_owned(), truncated)
}

fn status_error(status: u16) -> Option<String> {
    match status {
        200..=299 => None,
        300..=399 => {
            Some(format!("HTTP {status}: redirects are not followed; set the endpoint's URL to the final one"))
        }
        410 => Some("HTTP 410 Gone: the receiver asked to stop; the endpoint is disabled".to_owned()),
        _ => Some(format!("HTTP {status}")),
    }
}

fn timed_out(after: Duration) -> String {
    format!("no answer within {} s", after.as_secs_f64())
}

/// A transport error in words a merchant can act on.
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    let mut source = e.source();
    while let Some(cause) = source {
        if let Some(forbidden) = cause.downcast_ref::<HostForbidden>() {
            return format!("refused: {forbidden}");
        }
        source = cause.source();
    }
    if e.is_timeout() {
        return timed_out(timeout);
    }
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    let kind = if e.is_connect() { "cannot connect" } else { "request failed" };
    format!("{kind}: {}", text.chars().take(500).collect::<String>())
}
