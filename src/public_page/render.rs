//! The page: a view of one tracker built for the parcel's recipient (plain
//! words, their language, only what the merchant allows), rendered on the
//! server from embedded templates with HTML escaping.

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Timelike, Utc};
use minijinja::{Environment, context};
use serde::Serialize;

use super::language::Lang;
use super::words::{status_words, words};
use crate::domain::CarrierKind;
use crate::domain::public_page::PublicPageSettings;
use crate::domain::tracking::{EventPlace, TrackingStatus};
use crate::service::tracking::Tracker;

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.add_template("page.html", include_str!("templates/page.html")).expect("the page template parses");
    env.add_template("message.html", include_str!("templates/message.html")).expect("the message template parses");
    env
});

const DEFAULT_ACCENT: &str = "#2457c5";

/// The newest events shown; older ones are counted, not listed, so a parcel
/// with a long history still gives a page well under 50 KB.
pub const MAX_EVENTS: usize = 50;

/// Inline images (carrier photos sent as data URLs) larger than this are left
/// out: one signature scan must not make the page heavy.
pub const MAX_INLINE_IMAGE: usize = 16 * 1024;

/// An image the page may show: a plain http(s) link, or a small inline
/// PNG/JPEG/GIF/WebP. Anything else (other schemes, SVG, huge data URLs) is
/// dropped rather than trusted.
pub fn showable_image(src: &str) -> bool {
    let link = (src.starts_with("https://") || src.starts_with("http://")) && src.len() <= 2000;
    let inline =
        ["data:image/png;base64,", "data:image/jpeg;base64,", "data:image/gif;base64,", "data:image/webp;base64,"]
            .iter()
            .any(|p| src.starts_with(p))
            && src.len() <= MAX_INLINE_IMAGE;
    (link || inline) && !src.chars().any(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>'))
}

fn image(src: &Option<String>, allowed: bool) -> Option<String> {
    src.clone().filter(|s| allowed && showable_image(s))
}

fn carrier_name(kind: CarrierKind) -> &'static str {
    match kind {
        CarrierKind::Myflyingbox => "My Flying Box",
        CarrierKind::Ecourier => "e-Courier",
        CarrierKind::Ecotrack => "Ecotrack",
        CarrierKind::CoursierFr => "Coursier.fr",
    }
}

/// `24 Nov 2026, 10:39` / `24 nov. 2026, 10:39` (UTC).
pub fn when(lang: Lang, at: DateTime<Utc>) -> String {
    const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const FR: [&str; 12] =
        ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
    let month = match lang {
        Lang::En => EN[at.month0() as usize],
        Lang::Fr => FR[at.month0() as usize],
    };
    format!("{} {month} {}, {:02}:{:02}", at.day(), at.year(), at.hour(), at.minute())
}

fn place(p: &Option<EventPlace>) -> Option<String> {
    let p = p.as_ref()?;
    let parts: Vec<&str> =
        [&p.name, &p.city, &p.country].into_iter().filter_map(|s| s.as_deref()).filter(|s| !s.is_empty()).collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

#[derive(Serialize)]
struct EventView {
    iso: String,
    when: String,
    headline: &'static str,
    text: Option<String>,
    place: Option<String>,
}

#[derive(Serialize)]
struct HoursView {
    day: &'static str,
    hours: String,
}

#[derive(Serialize)]
struct RelayView {
    name: String,
    address: Vec<String>,
    phone: Option<String>,
    hours: Vec<HoursView>,
}

#[derive(Serialize)]
struct ProofView {
    signed_by: Option<String>,
    delivered_at: Option<String>,
    photo: Option<String>,
}

#[derive(Serialize)]
struct CashView {
    amount: String,
    paid: bool,
}

#[derive(Serialize)]
struct CourierView {
    name: Option<String>,
    phone: Option<String>,
    photo: Option<String>,
}

pub fn page(tracker: &Tracker, settings: &PublicPageSettings, lang: Lang) -> String {
    let w = words(lang);
    let (headline, explanation) = status_words(lang, tracker.status);
    let mut events: Vec<EventView> = tracker
        .events
        .iter()
        .flatten()
        .map(|e| EventView {
            iso: e.occurred_at.to_rfc3339(),
            when: when(lang, e.occurred_at),
            headline: status_words(lang, e.status).0,
            // The carrier's own words only: our descriptions are English.
            text: e.raw_text.clone().filter(|t| !t.is_empty()),
            place: place(&e.place),
        })
        .collect();
    events.reverse(); // newest first
    let earlier = events.len().saturating_sub(MAX_EVENTS);
    events.truncate(MAX_EVENTS);
    let expected = tracker.estimated_delivery.as_ref().filter(|_| !tracker.status.is_terminal()).and_then(|window| {
        match (window.from, window.to) {
            (Some(from), Some(to)) if from != to => {
                Some(format!("{} {} {} {}", w.between, when(lang, from), w.and, when(lang, to)))
            }
            (Some(at), _) | (None, Some(at)) => Some(when(lang, at)),
            (None, None) => None,
        }
    });
    let show_relay = matches!(tracker.status, TrackingStatus::AvailableForPickup | TrackingStatus::Delivered);
    let relay = tracker.relay_point.as_ref().filter(|_| show_relay).map(|r| RelayView {
        name: r.name.clone(),
        address: [
            r.address.street.clone(),
            match (&r.address.postal_code, &r.address.city) {
                (Some(p), Some(c)) => Some(format!("{p} {c}")),
                (None, Some(c)) => Some(c.clone()),
                (Some(p), None) => Some(p.clone()),
                (None, None) => None,
            },
        ]
        .into_iter()
        .flatten()
        .flat_map(|l| l.split('\n').map(str::to_owned).collect::<Vec<_>>())
        .collect(),
        phone: r.phone.clone().filter(|_| settings.show_phone_numbers),
        hours: r
            .opening_hours
            .iter()
            .filter(|h| (1..=7).contains(&h.day))
            .map(|h| HoursView { day: w.days[usize::from(h.day - 1)], hours: h.hours.clone() })
            .collect(),
    });
    let proof =
        tracker.proof_of_delivery.as_ref().filter(|_| tracker.status == TrackingStatus::Delivered).map(|p| ProofView {
            signed_by: p.signed_by.clone(),
            delivered_at: p.delivered_at.map(|at| when(lang, at)),
            photo: image(&p.photo, settings.show_photos),
        });
    let cash = tracker.cash_on_delivery.as_ref().and_then(|c| {
        let amount = c.amount.as_ref()?;
        // Once delivered the recipient has paid the driver, even before the
        // carrier reports the collection.
        let paid = c.collected || tracker.status == TrackingStatus::Delivered;
        Some(CashView { amount: format!("{} {}", amount.amount, amount.currency), paid })
    });
    let courier =
        tracker.courier.as_ref().filter(|_| tracker.status == TrackingStatus::OutForDelivery).map(|c| CourierView {
            name: c.name.clone(),
            phone: c.phone.clone().filter(|_| settings.show_phone_numbers),
            photo: image(&c.photo, settings.show_photos),
        });
    let ctx = PageContext {
        lang: lang.code(),
        title: w.title,
        words: WordsView::of(lang),
        merchant_name: settings.merchant_name.clone(),
        logo_url: image(&settings.logo_url, true),
        accent: settings.accent_color.clone().unwrap_or_else(|| DEFAULT_ACCENT.to_owned()),
        tracking_number: tracker.tracking_number.clone(),
        carrier: carrier_name(tracker.carrier),
        headline,
        explanation,
        expected,
        events,
        earlier,
        relay,
        proof,
        cash,
        courier,
        updated: tracker.last_checked_at.map(|at| when(lang, at)),
    };
    TEMPLATES.get_template("page.html").and_then(|t| t.render(minijinja::value::Serde(&ctx))).unwrap_or_else(|e| {
        tracing::error!(error = %e, "public page did not render");
        message(lang, w.not_found_title, w.not_found_text)
    })
}

/// A short page: unknown link, too many requests.
pub fn message(lang: Lang, heading: &str, text: &str) -> String {
    let ctx = context! { lang => lang.code(), heading => heading, text => text };
    TEMPLATES.get_template("message.html").and_then(|t| t.render(ctx)).unwrap_or_else(|_| heading.to_owned())
}

#[derive(Serialize)]
struct PageContext {
    lang: &'static str,
    title: &'static str,
    words: WordsView,
    merchant_name: Option<String>,
    logo_url: Option<String>,
    accent: String,
    tracking_number: String,
    carrier: &'static str,
    headline: &'static str,
    explanation: &'static str,
    expected: Option<String>,
    events: Vec<EventView>,
    earlier: usize,
    relay: Option<RelayView>,
    proof: Option<ProofView>,
    cash: Option<CashView>,
    courier: Option<CourierView>,
    updated: Option<String>,
}

#[derive(Serialize)]
struct WordsView {
    from: &'static str,
    parcel: &'static str,
    expected: &'static str,
    timeline: &'static str,
    no_events: &'static str,
    earlier_events: &'static str,
    relay_title: &'static str,
    opening_hours: &'static str,
    proof_title: &'static str,
    signed_by: &'static str,
    delivered_at: &'static str,
    cash_title: &'static str,
    cash_due: &'static str,
    cash_paid: &'static str,
    courier: &'static str,
    phone: &'static str,
    updated: &'static str,
    times_in: &'static str,
}

impl WordsView {
    fn of(lang: Lang) -> WordsView {
        let w = words(lang);
        WordsView {
            from: w.from,
            parcel: w.parcel,
            expected: w.expected,
            timeline: w.timeline,
            no_events: w.no_events,
            earlier_events: w.earlier_events,
            relay_title: w.relay_title,
            opening_hours: w.opening_hours,
            proof_title: w.proof_title,
            signed_by: w.signed_by,
            delivered_at: w.delivered_at,
            cash_title: w.cash_title,
            cash_due: w.cash_due,
            cash_paid: w.cash_paid,
            courier: w.courier,
            phone: w.phone,
            updated: w.updated,
            times_in: w.times_in,
        }
    }
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
