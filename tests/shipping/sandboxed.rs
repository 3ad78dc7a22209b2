//! The test app's carrier sandbox as the shipping tests use it: one carrier
//! account per sandbox carrier (e-Courier with three services), admin calls,
//! counters.

use std::sync::Arc;

use serde_json::{Value, json};
use shipgate::sandbox::{RunningSandbox, demo_credentials};

use crate::common::{TestApp, json};

pub struct Sandboxed {
    pub sandbox: Arc<RunningSandbox>,
    /// Carrier account ids (`ca_…`) of the demo accounts.
    pub myflyingbox: String,
    pub ecourier: String,
    pub ecotrack: String,
    pub coursier_fr: String,
}

impl Sandboxed {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url)
    }

    /// `POST /_sandbox{path}`.
    pub async fn admin_post(&self, path: &str, body: Value) -> Value {
        let r = reqwest::Client::new().post(self.url(&format!("/_sandbox{path}"))).json(&body).send().await.unwrap();
        assert!(r.status().is_success(), "sandbox admin {path}: {}", r.status());
        r.json().await.unwrap_or(Value::Null)
    }

    pub async fn admin_put(&self, path: &str, body: Value) -> Value {
        let r = reqwest::Client::new().put(self.url(&format!("/_sandbox{path}"))).json(&body).send().await.unwrap();
        assert!(r.status().is_success(), "sandbox admin {path}: {}", r.status());
        r.json().await.unwrap_or(Value::Null)
    }

    pub async fn admin_get(&self, path: &str) -> Value {
        reqwest::Client::new().get(self.url(&format!("/_sandbox{path}"))).send().await.unwrap().json().await.unwrap()
    }

    /// Moves the sandbox clock forward.
    pub async fn advance(&self, seconds: i64) {
        self.admin_post("/clock/advance", json!({"seconds": seconds})).await;
    }

    pub async fn faults(&self, carrier: &str, settings: Value) {
        self.admin_put(&format!("/faults/{carrier}"), settings).await;
    }

    /// Calls one carrier endpoint received ("POST /api/v1/create/order"), all accounts.
    pub async fn calls(&self, carrier: &str, endpoint: &str) -> u64 {
        let stats = self.admin_get("/stats").await;
        stats["calls"][carrier]["by_endpoint"][endpoint].as_u64().unwrap_or(0)
    }

    /// Orders the sandbox holds for a carrier.
    pub async fn orders(&self, carrier: &str) -> Vec<Value> {
        let listed = self.admin_get(&format!("/orders?carrier={carrier}")).await;
        listed[carrier].as_array().cloned().unwrap_or_default()
    }
}

/// The carrier accounts' request bodies for a sandbox at `base`.
pub fn account_bodies(base: &str) -> [(&'static str, Value); 4] {
    let demo = demo_credentials();
    [
        (
            "myflyingbox",
            json!({"carrier": "myflyingbox", "name": "MFB sandbox",
            "credentials": {"login": demo.myflyingbox.login, "password": demo.myflyingbox.password},
            "base_url": format!("{base}/myflyingbox/v2")}),
        ),
        (
            "ecourier",
            json!({"carrier": "ecourier", "name": "e-Courier sandbox",
            "credentials": {"website": demo.ecourier.website, "username": demo.ecourier.username, "password": demo.ecourier.password},
            "base_url": format!("{base}/ecourier/{}/software/xml/ecJsonPost.asmx", demo.ecourier.website),
            "settings": {"services": ["Standard", "Rush", "Economy"], "customer_code": "Alpha"}}),
        ),
        (
            "ecotrack",
            json!({"carrier": "ecotrack", "name": "Ecotrack sandbox",
            "credentials": {"api_token": demo.ecotrack.token},
            "base_url": format!("{base}/ecotrack")}),
        ),
        (
            "coursier_fr",
            json!({"carrier": "coursier_fr", "name": "Coursier.fr sandbox",
            "credentials": {"user": demo.coursier_fr.user, "api_key": demo.coursier_fr.apikey, "client_id": demo.coursier_fr.client_id},
            "base_url": format!("{base}/coursier")}),
        ),
    ]
}

/// Creates the tenant's accounts on the app's sandbox.
pub async fn accounts(app: &TestApp) -> Sandboxed {
    let mut ids = Vec::new();
    for (_, body) in account_bodies(&app.sandbox.base_url) {
        let r = app.post("/v1/carrier-accounts", &body).await;
        assert_eq!(r.status(), 201, "account {body}");
        ids.push(json(r).await["id"].as_str().unwrap().to_owned());
    }
    let [myflyingbox, ecourier, ecotrack, coursier_fr]: [String; 4] = ids.try_into().unwrap();
    Sandboxed { sandbox: app.sandbox.clone(), myflyingbox, ecourier, ecotrack, coursier_fr }
}
