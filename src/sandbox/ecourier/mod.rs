pub mod store;
use std::sync::Arc;
use axum::Router;
use crate::sandbox::state::SandboxState;
pub fn router(state: Arc<SandboxState>) -> Router { let _ = state; Router::new() }
pub const MOUNT: &str = "/ecourier/{site}/software/xml/ecJsonPost.asmx";
