//! The public tracking page `/t/{token}` (HTML, no API key, rate limited
//! per client address) and the merchant's side of it: page settings and
//! each tracker's link (rotate, revoke).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::AuthContext;
use super::extract::{ApiJson, ApiPath};
use crate::domain::ids::TrackerId;
use crate::domain::public_page::PublicPageSettings;
use crate::error::{ApiResult, Problem};
use crate::public_page::language::{self, Lang};
use crate::public_page::render;
use crate::public_page::words::words;
use crate::service::public_pages as service;
use crate::service::tracking::Tracker;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    lang: Option<String>,
}

/// Scripts are never needed: the policy forbids them, and anything but inline
/// styles and images.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn client_address(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    if state.config.trust_proxy
        && let Some(first) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|ip| ip.trim().parse().ok())
    {
        return first;
    }
    peer.ip()
}

fn html(status: StatusCode, lang: Lang, body: String) -> Response {
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    response
}

async fn page(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let lang = language::choose(query.lang.as_deref(), accept);
    let w = words(lang);
    if let Err(wait) = state.public_pages.check(client_address(&state, peer, &headers)) {
        let mut response =
            html(StatusCode::TOO_MANY_REQUESTS, lang, render::message(lang, w.too_many_title, w.too_many_text));
        let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
        if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return response;
    }
    match service::by_token(&state, &token).await {
        Ok(Some((tracker, settings))) => html(StatusCode::OK, lang, render::page(&tracker, &settings, lang)),
        Ok(None) => html(StatusCode::NOT_FOUND, lang, render::message(lang, w.not_found_title, w.not_found_text)),
        Err(e) => {
            tracing::error!(error = %e.detail, "public page failed");
            let mut response = html(
                StatusCode::SERVICE_UNAVAILABLE,
                lang,
                render::message(lang, w.unavailable_title, w.unavailable_text),
            );
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            response
        }
    }
}

/// `/t/{token}`: outside `/v1`, no API key, not in the OpenAPI document.
pub fn page_routes() -> axum::Router<AppState> {
    axum::Router::new().route("/t/{token}", get(page))
}

/// The public tracking page settings: branding and what strangers holding a link may see.
#[utoipa::path(get, path = "/v1/settings/public-page", tag = "trackers",
    responses((status = 200, body = PublicPageSettings)))]
async fn get_settings(State(state): State<AppState>, auth: AuthContext) -> ApiResult<ApiJson<PublicPageSettings>> {
    Ok(ApiJson(service::settings(&state, auth.tenant).await?))
}

/// Replace the public tracking page settings.
#[utoipa::path(put, path = "/v1/settings/public-page", tag = "trackers",
    request_body(content = PublicPageSettings),
    responses(
        (status = 200, body = PublicPageSettings),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`validation_failed`"),
    ))]
async fn put_settings(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(body): ApiJson<PublicPageSettings>,
) -> ApiResult<ApiJson<PublicPageSettings>> {
    Ok(ApiJson(service::put_settings(&state, auth.tenant, body).await?))
}

/// Give the tracker a new public link; the previous one stops working at once.
#[utoipa::path(post, path = "/v1/trackers/{id}/public-link", tag = "trackers",
    params(("id" = TrackerId, Path)),
    responses((status = 200, body = Tracker), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn rotate_link(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<TrackerId>,
) -> ApiResult<ApiJson<Tracker>> {
    Ok(ApiJson(service::set_link(&state, auth.tenant, id, false).await?))
}

/// Revoke the tracker's public link (its page answers 404 from now on).
#[utoipa::path(delete, path = "/v1/trackers/{id}/public-link", tag = "trackers",
    params(("id" = TrackerId, Path)),
    responses((status = 200, body = Tracker), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn revoke_link(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<TrackerId>,
) -> ApiResult<ApiJson<Tracker>> {
    Ok(ApiJson(service::set_link(&state, auth.tenant, id, true).await?))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_settings, put_settings)).routes(routes!(rotate_link, revoke_link))
}
