//! `/v1/carrier-accounts`: the merchant's accounts at each carrier.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::AuthContext;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::pagination::{Page, PageParams};
use crate::carriers::Capabilities;
use crate::carriers::registry::capabilities_of;
use crate::domain::CarrierKind;
use crate::domain::ids::CarrierAccountId;
use crate::error::{ApiResult, Problem};
use crate::service::carrier_accounts::{self as service, AccountChanges, CarrierAccount, NewAccount};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCarrierAccount {
    pub carrier: CarrierKind,
    /// Your name for the account.
    #[schema(example = "Main My Flying Box account")]
    pub name: String,
    /// Carrier-specific: `myflyingbox` {login, password}; `ecourier` {website,
    /// username, password} or {website, user_guid}; `ecotrack` {api_token};
    /// `coursier_fr` {user, api_key, client_id}.
    #[schema(value_type = Object, example = json!({"login": "shop", "password": "secret"}))]
    pub credentials: serde_json::Value,
    /// Required for e-Courier (the customer's ecJsonPost.asmx URL) and Ecotrack
    /// (the delivery company's host); optional elsewhere.
    pub base_url: Option<String>,
    /// Use the carrier's test environment where it has one.
    #[serde(default)]
    pub test_mode: bool,
    /// Free-form account settings (e.g. `{"discovery": true}`).
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCarrierAccount {
    pub name: Option<String>,
    /// Replaces all credentials (same shape as on creation).
    #[schema(value_type = Option<Object>)]
    pub credentials: Option<serde_json::Value>,
    /// `null` returns to the carrier's default URL.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub base_url: Option<Option<String>>,
    pub test_mode: Option<bool>,
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Value>,
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    Unverified,
    Verified,
    Failed,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Verification {
    pub status: VerificationStatus,
    pub verified_at: Option<DateTime<Utc>>,
    /// Why the last check failed.
    pub error: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CarrierAccountView {
    pub id: CarrierAccountId,
    pub carrier: CarrierKind,
    pub name: String,
    /// Non-secret fields as given, secrets masked.
    #[schema(value_type = Object, example = json!({"login": "shop", "password": "****"}))]
    pub credentials: serde_json::Value,
    /// Where calls go: the account's URL or the carrier's default.
    pub base_url: Option<String>,
    pub test_mode: bool,
    #[schema(value_type = Object)]
    pub settings: serde_json::Value,
    pub capabilities: Capabilities,
    pub verification: Verification,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<CarrierAccount> for CarrierAccountView {
    fn from(a: CarrierAccount) -> Self {
        let status = match (&a.verified_at, &a.last_verify_error) {
            (_, Some(_)) => VerificationStatus::Failed,
            (Some(_), None) => VerificationStatus::Verified,
            (None, None) => VerificationStatus::Unverified,
        };
        CarrierAccountView {
            id: a.id,
            carrier: a.carrier,
            name: a.name,
            credentials: a.credentials,
            base_url: a.base_url,
            test_mode: a.test_mode,
            settings: a.settings,
            capabilities: capabilities_of(a.carrier),
            verification: Verification { status, verified_at: a.verified_at, error: a.last_verify_error },
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyResult {
    /// What the carrier said, when anything worth showing.
    pub message: Option<String>,
    pub account: CarrierAccountView,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListFilter {
    /// Only accounts of this carrier.
    pub carrier: Option<CarrierKind>,
}

/// Add an account at a carrier.
#[utoipa::path(post, path = "/v1/carrier-accounts", tag = "carrier-accounts",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: same key and body replay the first answer.")),
    request_body(content = CreateCarrierAccount, examples(
        ("myflyingbox" = (value = json!({"carrier": "myflyingbox", "name": "MFB test", "credentials": {"login": "shop", "password": "secret"}, "test_mode": true}))),
        ("ecourier" = (value = json!({"carrier": "ecourier", "name": "City couriers", "credentials": {"website": "example", "username": "user1", "password": "pass1"}, "base_url": "http://post.example.e-courier.com/example/software/xml/ecJsonPost.asmx"}))),
        ("ecotrack" = (value = json!({"carrier": "ecotrack", "name": "Ecotrack Alger", "credentials": {"api_token": "token-from-your-account"}, "base_url": "https://acme.ecotrack.dz"}))),
        ("coursier_fr" = (value = json!({"carrier": "coursier_fr", "name": "Coursier.fr", "credentials": {"user": "test@apicfr.fr", "api_key": "e1ab1411d66765e73cf4b068d39cda8a", "client_id": 7055339}}))),
    )),
    responses(
        (status = 201, body = CarrierAccountView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
async fn create(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(body): ApiJson<CreateCarrierAccount>,
) -> ApiResult<(StatusCode, ApiJson<CarrierAccountView>)> {
    let new = NewAccount {
        carrier: body.carrier,
        name: body.name,
        credentials: body.credentials,
        base_url: body.base_url,
        test_mode: body.test_mode,
        settings: body.settings,
    };
    let account = service::create(&state, auth.tenant, new).await?;
    Ok((StatusCode::CREATED, ApiJson(account.into())))
}

/// List accounts, newest first.
#[utoipa::path(get, path = "/v1/carrier-accounts", tag = "carrier-accounts",
    params(PageParams, ListFilter),
    responses((status = 200, body = Page<CarrierAccountView>), (status = 400, body = Problem, content_type = "application/problem+json")))]
async fn list(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(filter): ApiQuery<ListFilter>,
) -> ApiResult<ApiJson<Page<CarrierAccountView>>> {
    let limit = page.limit()?;
    let accounts = service::list(&state, auth.tenant, filter.carrier, page.cursor()?, limit).await?;
    let views = accounts.into_iter().map(CarrierAccountView::from).collect();
    Ok(ApiJson(Page::from_overfetch(views, limit, |a: &CarrierAccountView| a.id.to_string())))
}

/// One account.
#[utoipa::path(get, path = "/v1/carrier-accounts/{id}", tag = "carrier-accounts",
    params(("id" = CarrierAccountId, Path)),
    responses((status = 200, body = CarrierAccountView), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_one(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<CarrierAccountId>,
) -> ApiResult<ApiJson<CarrierAccountView>> {
    Ok(ApiJson(service::get(&state, auth.tenant, id).await?.into()))
}

/// Change an account; new credentials or URL reset its verification.
#[utoipa::path(patch, path = "/v1/carrier-accounts/{id}", tag = "carrier-accounts",
    params(("id" = CarrierAccountId, Path)),
    request_body(content = UpdateCarrierAccount, example = json!({"name": "Renamed", "credentials": {"api_token": "new-token"}})),
    responses(
        (status = 200, body = CarrierAccountView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
async fn update(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<CarrierAccountId>,
    ApiJson(body): ApiJson<UpdateCarrierAccount>,
) -> ApiResult<ApiJson<CarrierAccountView>> {
    let changes = AccountChanges {
        name: body.name,
        credentials: body.credentials,
        base_url: body.base_url,
        test_mode: body.test_mode,
        settings: body.settings,
    };
    Ok(ApiJson(service::update(&state, auth.tenant, id, changes).await?.into()))
}

/// Archive an account. Its shipments and trackers keep their history.
#[utoipa::path(delete, path = "/v1/carrier-accounts/{id}", tag = "carrier-accounts",
    params(("id" = CarrierAccountId, Path)),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn archive(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<CarrierAccountId>,
) -> ApiResult<StatusCode> {
    service::archive(&state, auth.tenant, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Check the credentials against the carrier.
#[utoipa::path(post, path = "/v1/carrier-accounts/{id}/verify", tag = "carrier-accounts",
    params(("id" = CarrierAccountId, Path)),
    responses(
        (status = 200, body = VerifyResult),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 424, body = Problem, content_type = "application/problem+json", description = "The carrier refused the credentials (`carrier_auth_failed`)"),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "The carrier is unavailable"),
    ))]
async fn verify(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<CarrierAccountId>,
) -> ApiResult<ApiJson<VerifyResult>> {
    let verification = service::verify(&state, auth.tenant, id).await?;
    Ok(ApiJson(VerifyResult { message: verification.message, account: verification.account.into() }))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create, list)).routes(routes!(get_one, update, archive)).routes(routes!(verify))
}
