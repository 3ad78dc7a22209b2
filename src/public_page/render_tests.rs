use chrono::{Duration, TimeZone, Utc};
use rust_decimal::Decimal;

use super::*;
use crate::domain::ids::{CarrierAccountId, TrackerId};
use crate::domain::money::{Currency, Money};
use crate::domain::tracking::{CodSettlement, Courier, ProofOfDelivery, TrackingEvent};

fn tracker(status: TrackingStatus, events: usize) -> Tracker {
    let start = Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap();
    Tracker {
        id: TrackerId::new(),
        carrier: CarrierKind::Ecotrack,
        carrier_account: CarrierAccountId::new(),
        tracking_number: "ECS0001".into(),
        shipment_id: None,
        reference: None,
        origin: "api".into(),
        public_url: None,
        status,
        raw_status: None,
        raw_status_text: None,
        estimated_delivery: None,
        proof_of_delivery: None,
        courier: None,
        cash_on_delivery: None,
        legs: vec![],
        relay_point: None,
        events: Some(
            (0..events)
                .map(|i| TrackingEvent {
                    occurred_at: start + Duration::minutes(i as i64),
                    status: TrackingStatus::InTransit,
                    raw_code: Some(format!("code-{i}")),
                    raw_text: Some(format!("Carrier words number {i}, with a fairly long sentence to weigh the page")),
                    description: None,
                    place: Some(EventPlace {
                        name: Some("Hub".into()),
                        city: Some("Alger".into()),
                        country: Some("DZ".into()),
                        ..Default::default()
                    }),
                    leg: None,
                })
                .collect(),
        ),
        last_checked_at: None,
        next_check_at: None,
        not_found_since: None,
        last_error: None,
        created_at: start,
        updated_at: start,
    }
}

fn cod(collected: bool) -> Option<CodSettlement> {
    Some(CodSettlement {
        amount: Some(Money { amount: Decimal::new(350000, 2), currency: Currency::DZD }),
        collected,
        collected_at: None,
        remitted: false,
        remitted_at: None,
    })
}

#[test]
fn a_long_history_shows_the_newest_events_and_stays_small() {
    let html = page(&tracker(TrackingStatus::InTransit, 500), &PublicPageSettings::default(), Lang::En);
    assert!(html.len() < 50 * 1024, "page is {} bytes", html.len());
    assert!(html.contains("Carrier words number 499"), "the newest event is shown");
    assert!(!html.contains("Carrier words number 449,"), "events past the cap are not listed");
    assert!(html.contains("+ 450 earlier events not shown"));
}

#[test]
fn cash_is_due_until_delivery_then_paid() {
    let mut t = tracker(TrackingStatus::OutForDelivery, 1);
    t.cash_on_delivery = cod(false);
    let html = page(&t, &PublicPageSettings::default(), Lang::Fr);
    assert!(html.contains("À payer à la livraison"), "{html}");
    t.status = TrackingStatus::Delivered;
    let html = page(&t, &PublicPageSettings::default(), Lang::Fr);
    assert!(html.contains("Payé") && !html.contains("À payer"), "{html}");
}

#[test]
fn photos_and_phones_follow_the_merchant_settings() {
    let mut t = tracker(TrackingStatus::OutForDelivery, 1);
    t.courier = Some(Courier {
        name: Some("Karim".into()),
        phone: Some("+213555000111".into()),
        photo: Some("https://img.example/karim.jpg".into()),
    });
    let hidden = page(&t, &PublicPageSettings::default(), Lang::En);
    assert!(hidden.contains("Karim") && !hidden.contains("+213555000111") && !hidden.contains("karim.jpg"));
    let shown = PublicPageSettings { show_phone_numbers: true, show_photos: true, ..Default::default() };
    let html = page(&t, &shown, Lang::En);
    assert!(html.contains("+213555000111") && html.contains("https:&#x2f;&#x2f;img.example&#x2f;karim.jpg"), "{html}");
}

#[test]
fn only_light_safe_images_are_shown() {
    assert!(showable_image("https://img.example/p.png"));
    assert!(showable_image("data:image/png;base64,iVBORw0KGgo="));
    assert!(!showable_image("javascript:alert(1)"));
    assert!(!showable_image("data:image/svg+xml;base64,PHN2Zz4="));
    assert!(!showable_image(&format!("data:image/jpeg;base64,{}", "A".repeat(MAX_INLINE_IMAGE))));
    assert!(!showable_image("https://img.example/a\" onerror=\"x"));

    let mut t = tracker(TrackingStatus::Delivered, 1);
    let heavy = format!("data:image/jpeg;base64,{}", "A".repeat(200 * 1024));
    t.proof_of_delivery =
        Some(ProofOfDelivery { signed_by: Some("M. Benali".into()), photo: Some(heavy), ..Default::default() });
    let html = page(&t, &PublicPageSettings { show_photos: true, ..Default::default() }, Lang::En);
    assert!(html.contains("M. Benali") && !html.contains("data:image/jpeg"));
    assert!(html.len() < 50 * 1024);
}

#[test]
fn carrier_text_is_escaped() {
    let mut t = tracker(TrackingStatus::InTransit, 1);
    if let Some(events) = t.events.as_mut() {
        events[0].raw_text = Some("<script>alert(1)</script>".into());
    }
    let html = page(&t, &PublicPageSettings::default(), Lang::En);
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
}
