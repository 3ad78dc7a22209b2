//! The DNS resolver of the webhook client. It drops every address the policy
//! forbids, so the connection goes to an address that was checked in the
//! same lookup: a host that answered with a public address when the endpoint
//! was created and with 127.0.0.1 now (DNS rebinding) cannot get through.

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::address_policy::{AddressPolicy, ForbiddenAddress};

#[derive(Debug, Clone)]
pub struct SafeResolver {
    policy: Arc<AddressPolicy>,
}

impl SafeResolver {
    pub fn new(policy: Arc<AddressPolicy>) -> Self {
        SafeResolver { policy }
    }
}

/// Every address of the host was refused; found in reqwest's error chain.
#[derive(Debug, thiserror::Error)]
#[error("`{host}` resolves only to refused addresses ({first})")]
pub struct HostForbidden {
    pub host: String,
    pub first: ForbiddenAddress,
}

/// Keeps the allowed addresses; an error when none is left.
pub fn filter(
    host: &str,
    policy: &AddressPolicy,
    found: impl Iterator<Item = SocketAddr>,
) -> Result<Vec<SocketAddr>, HostForbidden> {
    let mut allowed = Vec::new();
    let mut first_refused = None;
    for addr in found {
        match policy.check(addr.ip()) {
            Ok(()) => allowed.push(addr),
            Err(refused) => {
                first_refused.get_or_insert(refused);
            }
        }
    }
    match (allowed.is_empty(), first_refused) {
        (true, Some(first)) => Err(HostForbidden { host: host.to_owned(), first }),
        _ => Ok(allowed),
    }
}

impl Resolve for SafeResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // Port 0: reqwest puts the URL's port in.
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let allowed = filter(&host, &policy, found)?;
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhooks::address_policy::AddressCategory;

    fn addrs(list: &[&str]) -> Vec<SocketAddr> {
        list.iter().map(|a| a.parse().unwrap()).collect()
    }

    #[test]
    fn keeps_only_allowed_addresses() {
        let strict = AddressPolicy::default();
        let mixed = addrs(&["127.0.0.1:0", "93.184.216.34:0", "[::1]:0"]);
        assert_eq!(filter("h", &strict, mixed.into_iter()).unwrap(), addrs(&["93.184.216.34:0"]));
        let refused = filter("h", &strict, addrs(&["10.0.0.1:0", "[fd00::1]:0"]).into_iter()).unwrap_err();
        assert_eq!(refused.first.category, AddressCategory::Private);
        let loopback = AddressPolicy::allowing(&[AddressCategory::Loopback]);
        assert_eq!(filter("h", &loopback, addrs(&["127.0.0.1:0"]).into_iter()).unwrap().len(), 1);
    }

    #[tokio::test]
    async fn resolving_localhost_under_a_strict_policy_fails() {
        let resolver = SafeResolver::new(Arc::new(AddressPolicy::default()));
        let err = match resolver.resolve("localhost".parse().unwrap()).await {
            Ok(_) => panic!("localhost must not resolve"),
            Err(e) => e,
        };
        assert!(err.downcast_ref::<HostForbidden>().is_some(), "{err}");
    }
}
