//! Use cases: what the API and the workers do, talking to the store and the
//! carriers. Handlers stay thin; the rules live here.

pub mod api_keys;
pub mod carrier_accounts;
pub mod failpoint;
pub mod followups;
pub mod labels;
pub mod locations;
pub mod notes;
pub mod pickups;
pub mod public_pages;
pub mod quotes;
pub mod shipment_events;
pub mod shipments;
pub mod shipping_support;
pub mod tracking;
pub mod webhook_deliveries;
pub mod webhook_sending;
pub mod webhooks;
