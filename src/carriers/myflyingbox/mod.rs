//! My Flying Box v2: quotes, offers, orders, labels, tracking, pickups and
//! relay points behind one HTTP Basic account.
//! Quirk absorbed here: errors come in an envelope whose `status: failure`
//! can arrive with HTTP 200.

pub mod client;
pub mod credentials;
pub mod mapping;
pub mod shipping;
pub mod tracking;
pub mod tracking_status;
pub mod wire;
pub mod wire_extras;
pub mod wire_order;
pub mod wire_quote;

use async_trait::async_trait;

use crate::carriers::http::Safety;
use crate::carriers::{CallCtx, Capabilities, Carrier, CarrierError, Verified};
use crate::domain::CarrierKind;

pub const LIVE_BASE_URL: &str = "https://api.myflyingbox.com/v2";
pub const TEST_BASE_URL: &str = "https://test.myflyingbox.com/v2";

pub struct MyFlyingBox {
    pub client: client::Client,
}

#[async_trait]
impl Carrier for MyFlyingBox {
    fn kind(&self) -> CarrierKind {
        CarrierKind::Myflyingbox
    }

    fn capabilities(&self) -> Capabilities {
        capabilities()
    }

    async fn verify(&self, ctx: &CallCtx) -> Result<Verified, CarrierError> {
        // `GET /` answers basic information, and only to authenticated callers.
        let response = self.client.get(ctx, "verify", "/", Safety::Safe).await?;
        let info: serde_json::Value = self.client.data(&response)?;
        let message = info.get("message").or_else(|| info.get("name")).and_then(|v| v.as_str()).map(str::to_owned);
        Ok(Verified { message })
    }

    fn shipping(&self) -> Option<&dyn crate::carriers::ShippingApi> {
        Some(self)
    }

    fn tracking(&self) -> Option<&dyn crate::carriers::TrackingApi> {
        Some(self)
    }
}

/// What this connector implements.
pub fn capabilities() -> Capabilities {
    Capabilities {
        quotes: true,
        shipments: true,
        labels: true,
        cancel: true,
        pickups: true,
        drop_off_locations: true,
        delivery_locations: true,
        tracking: true,
        tracking_batch_size: tracking::BATCH as u16,
        ..Capabilities::default()
    }
}
