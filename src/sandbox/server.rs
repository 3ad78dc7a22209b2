//! The public entry points: build the router, or spawn a server on a port.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequestParts, Request};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::config::SandboxConfig;
use super::core::gate::json_response;
use super::myflyingbox::SelfUrl;
use super::state::SandboxState;
use super::{admin, coursier_fr, ecotrack, ecourier, myflyingbox};

/// A sandbox instance; cloning shares the same state.
#[derive(Clone)]
pub struct Sandbox {
    pub(crate) state: Arc<SandboxState>,
}

impl Sandbox {
    pub fn new(cfg: SandboxConfig) -> Sandbox {
        Sandbox { state: Arc::new(SandboxState::new(cfg)) }
    }

    /// All four carriers plus the `/_sandbox` admin API.
    pub fn router(&self) -> Router {
        let state = self.state.clone();
        Router::new()
            .merge(myflyingbox::router(state.clone()))
            .nest(ecourier::MOUNT, ecourier::router(state.clone()))
            .nest("/ecotrack", ecotrack::router(state.clone()))
            .nest("/coursier", coursier_fr::router(state.clone()))
            .nest("/_sandbox", admin::router(state))
            .fallback(unknown_route)
            .method_not_allowed_fallback(unknown_route)
    }
}

/// Unmatched paths: My Flying Box answers in its envelope, anything else a plain 404.
async fn unknown_route(request: Request) -> Response {
    if request.uri().path().starts_with(myflyingbox::BASE) {
        let self_url = SelfUrl::from_request_parts(&mut request.into_parts().0, &()).await;
        let Ok(self_url) = self_url;
        return myflyingbox::route_not_found(self_url).await;
    }
    json_response(StatusCode::NOT_FOUND, &json!({"error": "no such sandbox route"}))
}

/// A sandbox served on a real port; stops when dropped or on `shutdown()`.
pub struct RunningSandbox {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base_url: String,
    pub sandbox: Sandbox,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl RunningSandbox {
    /// Stops accepting calls, releases hanging ones and waits for the server to end.
    pub async fn shutdown(mut self) {
        self.signal_stop();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    fn signal_stop(&mut self) {
        self.sandbox.state.shutdown.send_replace(true);
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        self.signal_stop();
    }
}

pub async fn spawn(cfg: SandboxConfig, addr: SocketAddr) -> std::io::Result<RunningSandbox> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let sandbox = Sandbox::new(cfg);
    let app = sandbox.router();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
        if let Err(error) = served {
            tracing::warn!(%error, "sandbox server stopped with an error");
        }
    });
    Ok(RunningSandbox { base_url: format!("http://{local}"), sandbox, stop: Some(stop), task: Some(task) })
}
