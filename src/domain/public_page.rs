//! What a merchant chooses for the public tracking page of its parcels:
//! its name, logo and accent colour, and what may be shown to anyone
//! holding the link.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::violation::Violations;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"merchant_name": "Atelier Martin", "logo_url": "https://cdn.example.com/logo.png", "accent_color": "#0a7d5a", "show_phone_numbers": false, "show_photos": false}))]
pub struct PublicPageSettings {
    /// Shown as the page's sender; default: no name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_name: Option<String>,
    /// An https (or http) image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent_color: Option<String>,
    /// Courier and relay point phone numbers (default: hidden).
    #[serde(default)]
    pub show_phone_numbers: bool,
    /// Courier photos and delivery photos (default: hidden).
    #[serde(default)]
    pub show_photos: bool,
}

impl PublicPageSettings {
    pub fn check(&self) -> Violations {
        let mut v = Violations::default();
        v.text("merchant_name", &self.merchant_name, 100);
        if let Some(url) = &self.logo_url {
            let ok = (url.starts_with("https://") || url.starts_with("http://"))
                && url.len() <= 500
                && !url.chars().any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>' || c == '\'');
            if !ok {
                v.add("logo_url", "must be an http(s) URL of at most 500 characters, without quotes or spaces");
            }
        }
        if let Some(color) = &self.accent_color {
            let ok = color.len() == 7 && color.starts_with('#') && color[1..].chars().all(|c| c.is_ascii_hexdigit());
            if !ok {
                v.add("accent_color", "must be a colour as #rrggbb");
            }
        }
        v
    }
}

/// A new public link token: 24 random bytes, URL-safe base64 (32 characters).
pub fn new_token() -> String {
    use base64::Engine;
    let bytes: [u8; 24] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `text` can be a token we issued (checked before any lookup).
pub fn plausible_token(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_and_urls_are_checked() {
        let good = PublicPageSettings {
            merchant_name: Some("Atelier".into()),
            logo_url: Some("https://x.example/l.png".into()),
            accent_color: Some("#0A7d5a".into()),
            ..Default::default()
        };
        assert!(good.check().is_empty());
        let bad = PublicPageSettings {
            logo_url: Some("javascript:alert(1)".into()),
            accent_color: Some("red;background:url(x)".into()),
            ..Default::default()
        };
        assert_eq!(bad.check().0.len(), 2);
    }

    #[test]
    fn tokens_are_long_random_and_recognisable() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(plausible_token(&a) && plausible_token(&b));
        assert!(!plausible_token("trk_01jd8x5g2k3m4n5p6q7r8s9t0v") && !plausible_token("../../etc/passwd"));
    }
}
