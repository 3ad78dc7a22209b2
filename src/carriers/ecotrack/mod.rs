//! Ecotrack (one host per delivery company): orders, labels, reference data,
//! notes, returns and tracking, with `X-RateLimit-*` headers per minute, hour
//! and day. Quirks absorbed here: 422 Laravel validation errors,
//! `success:false` inside HTTP 200, French status names spelled loosely.

pub mod client;
pub mod credentials;
pub mod mapping;
pub mod reference;
pub mod shipping;
pub mod tracking;
pub mod tracking_status;
pub mod wire_orders;
pub mod wire_reference;

use async_trait::async_trait;

use crate::carriers::http::Safety;
use crate::carriers::{CallCtx, Capabilities, Carrier, CarrierError, Verified};
use crate::domain::CarrierKind;

pub struct Ecotrack {
    pub client: client::Client,
}

#[async_trait]
impl Carrier for Ecotrack {
    fn kind(&self) -> CarrierKind {
        CarrierKind::Ecotrack
    }

    fn capabilities(&self) -> Capabilities {
        capabilities()
    }

    async fn verify(&self, ctx: &CallCtx) -> Result<Verified, CarrierError> {
        // The cheapest authenticated call: the list of wilayas.
        let response = self.client.get(ctx, "verify", "get/wilayas", &[], Safety::Safe).await?;
        let wilayas: serde_json::Value = serde_json::from_slice(&response.body)
            .map_err(|e| CarrierError::bad_response(CarrierKind::Ecotrack, format!("unreadable wilayas ({e})")))?;
        let count = wilayas.as_array().map(Vec::len).unwrap_or(0);
        Ok(Verified { message: Some(format!("{count} wilayas served")) })
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
        batch_shipments: true,
        shipment_update: true,
        cancel: true,
        dispatch: true,
        labels: true,
        delivery_locations: true,
        notes: true,
        returns: true,
        tracking: true,
        tracking_batch_size: tracking::BATCH as u16,
        discovery: true,
        ..Capabilities::default()
    }
}
