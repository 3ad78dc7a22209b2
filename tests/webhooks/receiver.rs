//! A real HTTP receiver for webhook tests: records every request and answers
//! as its script says (status codes, Retry-After, holding the request,
//! redirects, oversized bodies).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub timestamp: i64,
    pub signature: String,
    pub user_agent: String,
    pub body: String,
    pub json: Value,
    pub at: Instant,
}

#[derive(Debug, Clone)]
pub enum Reply {
    Status(u16),
    /// Status with a `Retry-After` header (seconds).
    RetryAfter(u16, u64),
    /// Never answer (until the sender gives up or dies).
    Hold,
    /// 302 to this location.
    Redirect(String),
    /// 200 with a body of this many bytes.
    Big(usize),
    /// 200 with exactly these bytes (not necessarily UTF-8).
    Raw(&'static [u8]),
}

/// Decides the answer from the request and how many times this webhook-id
/// was received so far (1 for the first time).
pub type Script = Arc<dyn Fn(&Received, usize) -> Reply + Send + Sync>;

struct Inner {
    requests: Mutex<Vec<Received>>,
    script: Mutex<Script>,
}

#[derive(Clone)]
pub struct Receiver {
    /// `http://127.0.0.1:PORT/hook`
    pub url: String,
    inner: Arc<Inner>,
}

pub fn script(f: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static) -> Script {
    Arc::new(f)
}

impl Receiver {
    pub async fn start(script: Script) -> Receiver {
        let inner = Arc::new(Inner { requests: Mutex::new(Vec::new()), script: Mutex::new(script) });
        let app = Router::new().route("/hook", post(handle)).with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, inner }
    }

    /// Answers every request with `status`.
    pub async fn answering(status: u16) -> Receiver {
        Receiver::start(script(move |_, _| Reply::Status(status))).await
    }

    pub fn set_script(&self, script: Script) {
        *self.inner.script.lock().unwrap() = script;
    }

    pub fn requests(&self) -> Vec<Received> {
        self.inner.requests.lock().unwrap().clone()
    }

    /// Waits until at least `n` requests arrived; fails the test otherwise.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let got = self.requests();
            if got.len() >= n {
                return got;
            }
            if Instant::now() > deadline {
                let types: Vec<_> = got.iter().map(|r| r.json["type"].clone()).collect();
                panic!("expected {n} webhook requests within {within:?}, got {}: {types:?}", got.len());
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

async fn handle(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let text = String::from_utf8_lossy(&body).into_owned();
    let received = Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp").parse().unwrap_or(0),
        signature: header("webhook-signature"),
        user_agent: header("user-agent"),
        json: serde_json::from_str(&text).unwrap_or(Value::Null),
        body: text,
        at: Instant::now(),
    };
    let (reply, _) = {
        let mut requests = inner.requests.lock().unwrap();
        let seen = requests.iter().filter(|r| r.id == received.id).count() + 1;
        requests.push(received.clone());
        let script = inner.script.lock().unwrap().clone();
        (script(&received, seen), seen)
    };
    match reply {
        Reply::Status(code) => StatusCode::from_u16(code).unwrap().into_response(),
        Reply::RetryAfter(code, secs) => {
            (StatusCode::from_u16(code).unwrap(), [("retry-after", secs.to_string())]).into_response()
        }
        Reply::Hold => std::future::pending::<Response>().await,
        Reply::Redirect(to) => (StatusCode::FOUND, [("location", to)]).into_response(),
        Reply::Big(size) => (StatusCode::OK, "x".repeat(size)).into_response(),
        Reply::Raw(bytes) => (StatusCode::OK, bytes).into_response(),
    }
}
