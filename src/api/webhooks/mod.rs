//! Webhooks: endpoints (`/v1/webhooks`), their delivery logs and replays,
//! and the events they carry (`/v1/events`).

mod body;
pub mod deliveries;
pub mod endpoints;
pub mod events;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(endpoints::routes()).merge(deliveries::routes()).merge(events::routes())
}
