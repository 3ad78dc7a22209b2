//! Webhook URLs: parsed strictly, then checked against the address policy
//! when an endpoint is created or changed. The same policy is enforced again
//! on every delivery (see `resolver`), because DNS answers can change.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::Url;

use super::address_policy::{AddressPolicy, ForbiddenAddress};

pub const MAX_URL_LEN: usize = 2048;
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("{0}")]
    Invalid(String),
    #[error("`{host}` resolves to {address}")]
    Forbidden { host: String, address: ForbiddenAddress },
    #[error("`{0}` does not resolve to any address")]
    Unresolvable(String),
}

/// Parses a URL a merchant gave: absolute http(s), a host, no credentials,
/// no fragment.
pub fn parse(text: &str) -> Result<Url, UrlError> {
    let text = text.trim();
    if text.len() > MAX_URL_LEN {
        return Err(UrlError::Invalid(format!("must be at most {MAX_URL_LEN} characters")));
    }
    let url = Url::parse(text).map_err(|e| UrlError::Invalid(format!("not a valid absolute URL ({e})")))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(UrlError::Invalid(format!("scheme `{}` is not allowed; use https (or http)", url.scheme())));
    }
    if url.host().is_none() {
        return Err(UrlError::Invalid("must have a host".to_owned()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlError::Invalid(
            "must not carry credentials; verify the webhook-signature header instead".to_owned(),
        ));
    }
    if url.fragment().is_some() {
        return Err(UrlError::Invalid("must not have a #fragment (it is never sent)".to_owned()));
    }
    Ok(url)
}

/// The IP address of a URL whose host is written as one (no DNS involved).
pub fn literal_ip(url: &Url) -> Option<IpAddr> {
    // The URL parser normalises numeric hosts (`2130706433`, `0x7f.1`) to
    // dotted IPv4 and writes IPv6 in brackets; a domain never parses as an IP.
    let host = url.host_str()?;
    host.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

/// Resolves the URL's host now and refuses it when any address it resolves
/// to is forbidden: an endpoint must not half-point at our own network.
pub async fn check_destination(url: &Url, policy: &AddressPolicy) -> Result<(), UrlError> {
    let host = url.host_str().unwrap_or_default().to_owned();
    if let Some(ip) = literal_ip(url) {
        return policy.check(ip).map_err(|address| UrlError::Forbidden { host, address });
    }
    let port = url.port_or_known_default().unwrap_or(443);
    let target = (host.clone(), port);
    let lookup = tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host(target)).await;
    let addresses: Vec<IpAddr> = match lookup {
        Ok(Ok(found)) => found.map(|a| a.ip()).collect(),
        Ok(Err(_)) | Err(_) => Vec::new(),
    };
    if addresses.is_empty() {
        return Err(UrlError::Unresolvable(host));
    }
    for ip in addresses {
        policy.check(ip).map_err(|address| UrlError::Forbidden { host: host.clone(), address })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhooks::address_policy::AddressCategory;

    #[test]
    fn accepts_plain_http_and_https_urls() {
        for ok in ["https://shop.example.com/hooks?x=1", "http://shop.example.com:8080/", "https://[2606:4700::1]/h"] {
            assert!(parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_what_cannot_be_a_webhook_url() {
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        for bad in [
            "",
            "shop.example.com/hooks",
            "ftp://example.com/x",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://user:pw@example.com/",
            "https://example.com/#frag",
            long.as_str(),
        ] {
            assert!(matches!(parse(bad), Err(UrlError::Invalid(_))), "{bad}");
        }
    }

    #[tokio::test]
    async fn literal_and_obfuscated_private_addresses_are_refused() {
        let strict = AddressPolicy::default();
        for url in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0x7f.0.0.1/",
            "http://[::1]/",
            "http://[::ffff:169.254.169.254]/",
            "http://10.0.0.1/",
            "http://0.0.0.0/",
        ] {
            let parsed = parse(url).unwrap();
            assert!(matches!(check_destination(&parsed, &strict).await, Err(UrlError::Forbidden { .. })), "{url}");
        }
        let loopback = AddressPolicy::allowing(&[AddressCategory::Loopback]);
        assert!(check_destination(&parse("http://127.0.0.1:9/").unwrap(), &loopback).await.is_ok());
    }

    #[tokio::test]
    async fn names_are_resolved_before_checking() {
        let strict = AddressPolicy::default();
        let localhost = parse("http://localhost:8080/hook").unwrap();
        assert!(matches!(check_destination(&localhost, &strict).await, Err(UrlError::Forbidden { .. })));
        let nowhere = parse("https://does-not-exist.invalid/").unwrap();
        assert!(matches!(check_destination(&nowhere, &strict).await, Err(UrlError::Unresolvable(_))));
    }
}
