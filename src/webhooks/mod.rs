//! Webhook infrastructure shared by the API and the dispatcher: signing,
//! URL and address safety, the outbound client and the retry schedule.
//! The use cases live in `service::webhooks`, the SQL in `store`.

pub mod address_policy;
pub mod client;
pub mod resolver;
pub mod retry;
pub mod signing;
pub mod url;

pub use address_policy::AddressPolicy;
pub use client::WebhookClient;
pub use retry::RetrySchedule;
pub use signing::SigningSecret;
