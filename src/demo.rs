//! `serve --sandbox`: the four carrier simulators in-process plus a demo
//! tenant with one carrier account per carrier, so a new user can try every
//! endpoint offline with one command.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use serde_json::{Value, json};

use crate::domain::CarrierKind;
use crate::domain::ids::CarrierAccountId;
use crate::error::ApiError;
use crate::sandbox::{self, RunningSandbox, SandboxConfig, demo_credentials};
use crate::service::api_keys::{self, KeyMode};
use crate::service::carrier_accounts::{self, AccountChanges, NewAccount};
use crate::state::AppState;

pub const DEMO_TENANT: &str = "demo";

/// Where each carrier's documented paths start inside a sandbox at `base`.
pub fn sandbox_base_url(kind: CarrierKind, base: &str) -> String {
    match kind {
        CarrierKind::Myflyingbox => format!("{base}/myflyingbox/v2"),
        CarrierKind::Ecourier => format!("{base}/ecourier/example/software/xml/ecJsonPost.asmx"),
        CarrierKind::Ecotrack => format!("{base}/ecotrack"),
        CarrierKind::CoursierFr => format!("{base}/coursier"),
    }
}

/// The body of `POST /v1/carrier-accounts` for the sandbox's built-in account.
pub fn sandbox_account_request(kind: CarrierKind, base: &str) -> Value {
    let c = demo_credentials();
    let credentials = match kind {
        CarrierKind::Myflyingbox => json!({"login": c.myflyingbox.login, "password": c.myflyingbox.password}),
        CarrierKind::Ecourier => json!({
            "website": c.ecourier.website, "username": c.ecourier.username, "password": c.ecourier.password
        }),
        CarrierKind::Ecotrack => json!({"api_token": c.ecotrack.token}),
        CarrierKind::CoursierFr => {
            json!({"user": c.coursier_fr.user, "api_key": c.coursier_fr.apikey, "client_id": c.coursier_fr.client_id})
        }
    };
    json!({
        "carrier": kind,
        "name": format!("Sandbox {}", kind.display_name()),
        "credentials": credentials,
        "base_url": sandbox_base_url(kind, base),
    })
}

/// What `serve --sandbox` prints for the user.
pub struct Demo {
    pub sandbox: RunningSandbox,
    pub api_key: String,
    pub accounts: Vec<(CarrierKind, CarrierAccountId)>,
}

/// Starts the sandbox and seeds (or refreshes) the demo tenant.
pub async fn start(state: &AppState, listen: SocketAddr) -> Result<Demo, String> {
    let sandbox = sandbox::spawn(SandboxConfig::default(), listen)
        .await
        .map_err(|e| format!("cannot start the sandbox on {listen}: {e}"))?;
    // Connectors call the sandbox from inside this process: use loopback
    // when it listens on every interface.
    let reachable = if listen.ip().is_unspecified() {
        let port = sandbox.base_url.rsplit(':').next().unwrap_or("8081");
        format!("http://{}:{port}", IpAddr::V4(Ipv4Addr::LOCALHOST))
    } else {
        sandbox.base_url.clone()
    };
    let key = api_keys::create(&state.db, DEMO_TENANT, KeyMode::Test).await.map_err(|e| e.to_string())?;
    let existing = carrier_accounts::list(state, key.tenant, None, None, 100).await.map_err(describe)?;
    let mut accounts = Vec::new();
    for kind in CarrierKind::ALL {
        let request = sandbox_account_request(kind, &reachable);
        let base_url = request["base_url"].as_str().map(str::to_owned);
        let id = match existing.iter().find(|a| a.carrier == kind && a.name == request["name"]) {
            // The sandbox port may have changed since the last run.
            Some(account) => {
                let changes = AccountChanges { base_url: Some(base_url), ..Default::default() };
                carrier_accounts::update(state, key.tenant, account.id, changes).await.map_err(describe)?.id
            }
            None => {
                let new = NewAccount {
                    carrier: kind,
                    name: request["name"].as_str().unwrap_or_default().to_owned(),
                    credentials: request["credentials"].clone(),
                    base_url,
                    test_mode: true,
                    settings: demo_settings(kind),
                };
                carrier_accounts::create(state, key.tenant, new).await.map_err(describe)?.id
            }
        };
        accounts.push((kind, id));
    }
    Ok(Demo { sandbox, api_key: key.secret, accounts })
}

/// The demo e-Courier customer system offers several services; quote them all.
fn demo_settings(kind: CarrierKind) -> Option<Value> {
    (kind == CarrierKind::Ecourier).then(|| json!({"services": ["Route", "Standard", "Rush", "Economy"]}))
}

fn describe(e: ApiError) -> String {
    e.to_string()
}
