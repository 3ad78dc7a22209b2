//! e-Courier JSON API: Login → UserGUID (expires after 20 unused days),
//! RefreshGUID, SaveOrder, GetJsonOrder, QuoteOrder.
//! Quirks absorbed here: errors are HTTP 500 with `status` -1..-6; 409 means
//! the customer's rules refused a cancel or change; XML turned into JSON
//! (`@` attributes, one-element collections sent as an object).

pub mod client;
pub mod credentials;
pub mod dates;
pub mod mapping;
pub mod session;
pub mod settings;
pub mod shipping;
pub mod tracking;
pub mod tracking_status;
pub mod wire;
pub mod wire_order;

use async_trait::async_trait;

use crate::carriers::{CallCtx, Capabilities, Carrier, CarrierError, Verified};
use crate::domain::CarrierKind;

pub struct ECourier {
    pub client: client::Client,
}

#[async_trait]
impl Carrier for ECourier {
    fn kind(&self) -> CarrierKind {
        CarrierKind::Ecourier
    }

    fn capabilities(&self) -> Capabilities {
        capabilities()
    }

    async fn verify(&self, ctx: &CallCtx) -> Result<Verified, CarrierError> {
        let guid = match (&self.client.credentials.username, &self.client.credentials.user_guid) {
            (Some(_), _) => self.client.login(ctx).await?,
            (None, Some(guid)) => self.client.refresh_guid(ctx, guid).await?,
            (None, None) => {
                return Err(CarrierError::AuthFailed { carrier: CarrierKind::Ecourier, said: Default::default() });
            }
        };
        Ok(Verified { message: Some(format!("UserGUID {} issued", crate::carriers::credentials::mask_secret(&guid))) })
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
        shipment_update: true,
        cancel: true,
        tracking: true,
        tracking_batch_size: 1,
        ..Capabilities::default()
    }
}
