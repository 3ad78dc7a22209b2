//! Coursier.fr tracking v3: one mission, or every ongoing mission of the
//! account, with credentials in the JSON body.
//! Quirks absorbed here: errors are `{Message}` where an array is expected;
//! the document says `WorkerPicture` where answers carry `Picture`; a failed
//! load yields several records (legs) for one mission.

pub mod client;
pub mod credentials;
pub mod paris_time;
pub mod tracking;
pub mod tracking_status;

use async_trait::async_trait;

use crate::carriers::{CallCtx, Capabilities, Carrier, CarrierError, Verified};
use crate::domain::CarrierKind;

pub const BASE_URL: &str = "https://api.coursier.fr";

pub struct CoursierFr {
    pub client: client::Client,
}

#[async_trait]
impl Carrier for CoursierFr {
    fn kind(&self) -> CarrierKind {
        CarrierKind::CoursierFr
    }

    fn capabilities(&self) -> Capabilities {
        capabilities()
    }

    async fn verify(&self, ctx: &CallCtx) -> Result<Verified, CarrierError> {
        // Asking for every ongoing mission is the only authenticated read.
        let legs = self.client.tracking(ctx, "verify", None).await?;
        Ok(Verified { message: Some(format!("{} ongoing mission records", legs.len())) })
    }

    fn tracking(&self) -> Option<&dyn crate::carriers::TrackingApi> {
        Some(self)
    }
}

/// What this connector implements.
pub fn capabilities() -> Capabilities {
    Capabilities {
        tracking: true,
        tracking_batch_size: 1,
        tracks_all_ongoing: true,
        discovery: true,
        ..Capabilities::default()
    }
}
