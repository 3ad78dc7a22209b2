//! The public tracking page: what a parcel's recipient sees from the link
//! in the merchant's email. A real browser (Debian's headless Chromium)
//! reads the page of a sandbox parcel moved along its lifecycle, served by
//! the real binary, in French and English; plain HTTP checks the rest
//! (unknown and revoked links, privacy, size, rate limit, escaping).

mod common;

#[path = "public_page/browser.rs"]
mod browser;
#[path = "public_page/http.rs"]
mod http;
