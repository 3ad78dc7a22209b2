//! `get/orders`: the parcels in process, Laravel-paginated (40 per page),
//! created in the last 90 days unless start_date / end_date say otherwise.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

use super::lifecycle::progress;
use super::params::{Validation, ok, param, params};
use super::statuses::{ARCHIVED, Endpoint, spelled};
use crate::sandbox::core::gate::AccountKey;
use crate::sandbox::core::tz::algiers;
use crate::sandbox::state::SandboxState;

pub const PER_PAGE: usize = 40;
const DEFAULT_DAYS: i64 = 90;

fn date(raw: Option<String>, field: &str, v: &mut Validation) -> Option<NaiveDate> {
    let raw = raw?;
    NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
        .map_err(|_| v.add(field, format!("Le champ {} n'est pas une date valide (Y-m-d).", field.replace('_', " "))))
        .ok()
}

pub async fn list_orders(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    OriginalUri(original): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = params(&original, &headers, &body);
    let mut v = Validation::default();
    let page = match param(&params, "page") {
        None => 1,
        Some(raw) => raw.parse::<usize>().ok().filter(|p| *p >= 1).unwrap_or_else(|| {
            v.add("page", "Le champ page doit être un entier.");
            1
        }),
    };
    let now = state.clock.now();
    let today = algiers(now).date();
    let start =
        date(param(&params, "start_date"), "start_date", &mut v).unwrap_or(today - Duration::days(DEFAULT_DAYS));
    let end = date(param(&params, "end_date"), "end_date", &mut v).unwrap_or(today);
    if !v.is_empty() {
        return v.response();
    }
    let data = state.ecotrack.lock();
    let mut parcels: Vec<_> = data
        .parcels
        .values()
        .filter(|p| p.account == account)
        .filter(|p| {
            let day = algiers(p.created_at).date();
            day >= start && day <= end
        })
        .map(|p| (p, progress(p, now).0))
        .filter(|(_, status)| !ARCHIVED.contains(status))
        .collect();
    parcels.sort_by(|a, b| b.0.created_at.cmp(&a.0.created_at).then(b.0.order_id.cmp(&a.0.order_id)));
    let total = parcels.len();
    let last_page = total.div_ceil(PER_PAGE).max(1);
    let items: Vec<Value> = parcels
        .iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|(p, status)| {
            let f = &p.fields;
            json!({
                "tracking": p.tracking,
                "reference": f.reference,
                "client": f.nom_client,
                "phone": f.telephone,
                "phone_2": f.telephone_2,
                "adresse": f.adresse,
                "commune": f.commune,
                "wilaya_id": f.code_wilaya,
                "montant": format!("{:.2}", f.montant),
                "remarque": f.remarque,
                "produit": f.produit,
                "type_id": f.kind,
                "stop_desk": u8::from(f.stop_desk),
                "status": spelled(status, &p.tracking, Endpoint::OrdersList),
                "created_at": algiers(p.created_at).format("%Y-%m-%d %H:%M:%S").to_string(),
                "updated_at": algiers(p.updated_at).format("%Y-%m-%d %H:%M:%S").to_string(),
            })
        })
        .collect();
    drop(data);
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let path = format!("http://{host}{}", original.path());
    let url = |n: usize| format!("{path}?page={n}");
    let from = (!items.is_empty()).then(|| (page - 1) * PER_PAGE + 1);
    let to = from.map(|f| f + items.len() - 1);
    let mut links =
        vec![json!({"url": (page > 1).then(|| url(page - 1)), "label": "&laquo; Précédent", "active": false})];
    links.extend((1..=last_page).map(|n| json!({"url": url(n), "label": n.to_string(), "active": n == page})));
    links.push(json!({"url": (page < last_page).then(|| url(page + 1)), "label": "Suivant &raquo;", "active": false}));
    ok(json!({
        "current_page": page,
        "data": items,
        "first_page_url": url(1),
        "from": from,
        "last_page": last_page,
        "last_page_url": url(last_page),
        "links": links,
        "next_page_url": (page < last_page).then(|| url(page + 1)),
        "path": path,
        "per_page": PER_PAGE,
        "prev_page_url": (page > 1).then(|| url(page - 1)),
        "to": to,
        "total": total,
    }))
}
