//! The OpenAPI document, generated from the handlers' annotations. The
//! committed copy in `openapi/openapi.json` must equal `document()`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as OpenApiDoc, SecurityRequirement};
use utoipa::{Modify, OpenApi};

use crate::error::{CarrierProblem, FieldError, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "shipgate",
        description = "One normalized REST API in front of many carrier APIs: quotes, shipments, labels, pickups, relay points and tracking.\n\nAuthenticate with `Authorization: Bearer <API key>`. Errors are `application/problem+json` with a stable `code`. Unsafe POSTs accept an `Idempotency-Key` header.",
        license(name = "Proprietary"),
    ),
    modifiers(&BearerAuth),
    components(schemas(Problem, FieldError, CarrierProblem)),
    tags(
        (name = "carrier-accounts", description = "Your accounts at each carrier, with encrypted credentials."),
        (name = "webhooks", description = "Signed notifications of shipment and tracking changes (Standard Webhooks), with delivery logs, replays and recovery."),
        (name = "events", description = "Every event of your account, as webhooks carry it."),
        (name = "quotes", description = "Prices from all your carriers at once; offers to book."),
        (name = "shipments", description = "Bookings (never twice), labels, changes, cancellation, dispatch, notes and returns."),
        (name = "pickups", description = "Trucks ordered for shipments booked with delayed pickup."),
        (name = "trackers", description = "Parcels followed in one status language across carriers, with their complete history."),
        (name = "locations", description = "Relay points, drop-off points and stop desks, as one location type."),
        (name = "operations", description = "Health, readiness and metrics."),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("sg_live_… / sg_test_…")
                    .description(Some("API key created with `shipgate api-key create --tenant NAME`"))
                    .build(),
            ),
        );
        // Every operation needs the key unless it says `security(())`.
        openapi.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
    }
}

pub fn document() -> OpenApiDoc {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let (_, public) = super::public_routes().split_for_parts();
    let (_, v1) = super::v1_routes().split_for_parts();
    doc.merge(public);
    doc.merge(v1);
    unique_operation_ids(&mut doc);
    doc
}

/// utoipa names an operation after its handler function, and several
/// resources have a `list` or `get_one`: prefix each id with the resources
/// its path names (`/v1/webhooks/{id}/deliveries` → `webhooks_deliveries_`),
/// so that every operationId is unique, as OpenAPI requires (client
/// generators rely on it).
fn unique_operation_ids(doc: &mut OpenApiDoc) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let resource = path
            .split('/')
            .filter(|s| !s.is_empty() && *s != "v1" && !s.starts_with('{'))
            .collect::<Vec<_>>()
            .join("_")
            .replace('-', "_");
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            if let Some(id) = operation.operation_id.as_mut()
                && !resource.is_empty()
            {
                *id = if resource.ends_with(id.as_str()) { resource.clone() } else { format!("{resource}_{id}") };
            }
        }
    }
}

/// The document as committed: pretty JSON with a final newline.
pub fn document_json() -> String {
    let mut text = serde_json::to_string_pretty(&document()).expect("OpenAPI serializes");
    text.push('\n');
    text
}
