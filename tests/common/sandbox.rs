//! The carrier sandbox as the tests see it: accounts, clock, counters.

use serde_json::{Value, json};
use shipgate::demo::sandbox_account_request;
use shipgate::domain::CarrierKind;

use super::{TestApp, json as read_json};

impl TestApp {
    /// `http://127.0.0.1:PORT{path}` on the sandbox.
    pub fn sandbox_url(&self, path: &str) -> String {
        format!("{}{}", self.sandbox.base_url, path)
    }

    /// Creates the tenant's account for the sandbox's built-in account of `kind`; returns its id.
    pub async fn sandbox_account(&self, kind: CarrierKind) -> String {
        let response = self.post("/v1/carrier-accounts", &sandbox_account_request(kind, &self.sandbox.base_url)).await;
        assert_eq!(response.status(), 201, "creating the {kind} sandbox account");
        read_json(response).await["id"].as_str().expect("account id").to_owned()
    }

    /// Moves the sandbox clock forward.
    pub async fn advance_clock(&self, seconds: u64) {
        let r = self
            .client
            .post(self.sandbox_url("/_sandbox/clock/advance"))
            .json(&json!({"seconds": seconds}))
            .send()
            .await
            .expect("sandbox reachable");
        assert!(r.status().is_success(), "clock advance failed: {}", r.status());
    }

    pub async fn sandbox_stats(&self) -> Value {
        read_json(self.client.get(self.sandbox_url("/_sandbox/stats")).send().await.expect("sandbox reachable")).await
    }

    /// Calls the sandbox received for `carrier` on `endpoint` (e.g. `POST /Login`).
    pub async fn sandbox_calls(&self, carrier: &str, endpoint: &str) -> u64 {
        self.sandbox_stats().await["calls"][carrier]["by_endpoint"][endpoint].as_u64().unwrap_or(0)
    }

    /// Sets a fault on a carrier (see docs/sandbox.md), e.g. `{"latency_ms": 500}`.
    pub async fn sandbox_fault(&self, carrier: &str, fault: Value) {
        let r = self
            .client
            .put(self.sandbox_url(&format!("/_sandbox/faults/{carrier}")))
            .json(&fault)
            .send()
            .await
            .expect("sandbox reachable");
        assert!(r.status().is_success(), "setting fault failed: {}", r.status());
    }
}
