//! Test harness: each test gets its own database (copied from a migrated
//! template, so it is fast), the real application on 127.0.0.1:0 and an API
//! key. The database is dropped when the `TestApp` goes away.

#![allow(dead_code)]

pub mod binary;
pub mod db;
pub mod proxy;
pub mod sandbox;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use shipgate::app::Application;
use shipgate::config::Config;
use shipgate::sandbox::{RunningSandbox, SandboxConfig};
use shipgate::service::api_keys::{self, KeyMode};
use shipgate::state::AppState;
use tokio::sync::oneshot;

pub use db::TestDatabase;

pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub client: reqwest::Client,
    pub api_key: String,
    pub tenant: shipgate::domain::ids::TenantId,
    pub state: AppState,
    pub database: TestDatabase,
    /// The four carrier simulators on 127.0.0.1:0 (shared by replicas).
    pub sandbox: Arc<RunningSandbox>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like `spawn_app`, with a chance to change the configuration first.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    spawn_app_with_sandbox(SandboxConfig::default(), configure).await
}

/// Like `spawn_app_with`, with a sandbox configured for the test (short
/// e-Courier GUID lifetime, other rate limits...).
pub async fn spawn_app_with_sandbox(sandbox: SandboxConfig, configure: impl FnOnce(&mut Config)) -> TestApp {
    let database = TestDatabase::create().await;
    let mut config = Config::for_tests(&database.url);
    configure(&mut config);
    let sandbox = start_sandbox(sandbox).await;
    spawn_on(database, config, sandbox).await
}

pub async fn start_sandbox(config: SandboxConfig) -> Arc<RunningSandbox> {
    Arc::new(shipgate::sandbox::spawn(config, "127.0.0.1:0".parse().expect("addr")).await.expect("sandbox starts"))
}

/// A second replica of `first`: same database, same sandbox, its own process state.
pub async fn spawn_replica(first: &TestApp, configure: impl FnOnce(&mut Config)) -> TestApp {
    let mut config = first.state.config.clone();
    config.listen = "127.0.0.1:0".parse().expect("addr");
    configure(&mut config);
    spawn_on(first.database.share(), config, first.sandbox.clone()).await
}

/// Starts the application on an existing database (e.g. a second replica).
pub async fn spawn_on(database: TestDatabase, config: Config, sandbox: Arc<RunningSandbox>) -> TestApp {
    // Logs are captured by the test runner and shown for failing tests.
    shipgate::telemetry::init(shipgate::config::LogFormat::Pretty);
    let app = Application::build(config).await.expect("application builds");
    let address = format!("http://{}", app.local_addr());
    let state = app.state().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let key = api_keys::create(&state.db, "acme", KeyMode::Test).await.expect("api key");
    TestApp {
        address,
        client: reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("client"),
        api_key: key.secret,
        tenant: key.tenant,
        state,
        database,
        sandbox,
        stop: Some(stop),
        server: Some(server),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A key for another tenant (created when new).
    pub async fn key_for(&self, tenant: &str) -> String {
        api_keys::create(&self.state.db, tenant, KeyMode::Test).await.expect("api key").secret
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_as(&self.api_key, path).await
    }

    pub async fn get_as(&self, key: &str, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).bearer_auth(key).send().await.expect("request sent")
    }

    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.post_as(&self.api_key, path, body).await
    }

    pub async fn post_as(&self, key: &str, path: &str, body: &Value) -> reqwest::Response {
        self.client.post(self.url(path)).bearer_auth(key).json(body).send().await.expect("request sent")
    }

    pub async fn patch(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client.patch(self.url(path)).bearer_auth(&self.api_key).json(body).send().await.expect("request sent")
    }

    pub async fn put(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client.put(self.url(path)).bearer_auth(&self.api_key).json(body).send().await.expect("request sent")
    }

    pub async fn delete(&self, path: &str) -> reqwest::Response {
        self.client.delete(self.url(path)).bearer_auth(&self.api_key).send().await.expect("request sent")
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = tokio::time::timeout(Duration::from_secs(15), server).await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Reads a JSON body, failing the test with the status and text otherwise.
pub async fn json(response: reqwest::Response) -> Value {
    let status = response.status();
    let text = response.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("status {status}: body is not JSON ({e}): {text}"))
}

/// Asserts a problem document with this status and code; returns it.
pub async fn assert_problem(response: reqwest::Response, status: u16, code: &str) -> Value {
    let got = response.status().as_u16();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let body = json(response).await;
    assert_eq!(got, status, "unexpected status; body: {body}");
    assert_eq!(content_type, "application/problem+json", "body: {body}");
    assert_eq!(body["code"], code, "body: {body}");
    assert_eq!(body["status"], status, "body: {body}");
    for field in ["type", "title", "detail"] {
        assert!(body[field].is_string(), "problem lacks `{field}`: {body}");
    }
    body
}
