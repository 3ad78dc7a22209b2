//! Which IP addresses webhook requests may go to. Merchants choose the URL, so
//! without this a URL could reach our own network (databases, cloud metadata
//! at 169.254.169.254, admin ports on loopback): server-side request forgery.
//! Everything that is not a public unicast address is refused unless the
//! operator allows its category or a CIDR range (`SHIPGATE_WEBHOOK_ALLOW`).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// Kinds of non-public addresses, named as in `SHIPGATE_WEBHOOK_ALLOW`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressCategory {
    /// 127.0.0.0/8, ::1
    Loopback,
    /// 10/8, 172.16/12, 192.168/16
    Private,
    /// 169.254/16, fe80::/10 (cloud metadata services live here)
    LinkLocal,
    /// fc00::/7 (IPv6 private networks), fec0::/10 (deprecated site-local)
    UniqueLocal,
    /// 100.64/10, carrier-grade NAT
    Cgnat,
    /// 224/4, ff00::/8
    Multicast,
    /// 0.0.0.0/8, ::
    Unspecified,
    /// Documentation, benchmarking, protocol-assignment and future-use ranges, broadcast.
    Reserved,
}

impl AddressCategory {
    pub const ALL: [AddressCategory; 8] = [
        AddressCategory::Loopback,
        AddressCategory::Private,
        AddressCategory::LinkLocal,
        AddressCategory::UniqueLocal,
        AddressCategory::Cgnat,
        AddressCategory::Multicast,
        AddressCategory::Unspecified,
        AddressCategory::Reserved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AddressCategory::Loopback => "loopback",
            AddressCategory::Private => "private",
            AddressCategory::LinkLocal => "link_local",
            AddressCategory::UniqueLocal => "unique_local",
            AddressCategory::Cgnat => "cgnat",
            AddressCategory::Multicast => "multicast",
            AddressCategory::Unspecified => "unspecified",
            AddressCategory::Reserved => "reserved",
        }
    }
}

impl fmt::Display for AddressCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn classify_v4(ip: Ipv4Addr) -> Option<AddressCategory> {
    use AddressCategory::*;
    let table: &[([u8; 4], u32, AddressCategory)] = &[
        ([0, 0, 0, 0], 8, Unspecified),
        ([127, 0, 0, 0], 8, Loopback),
        ([10, 0, 0, 0], 8, Private),
        ([172, 16, 0, 0], 12, Private),
        ([192, 168, 0, 0], 16, Private),
        ([169, 254, 0, 0], 16, LinkLocal),
        ([100, 64, 0, 0], 10, Cgnat),
        ([224, 0, 0, 0], 4, Multicast),
        ([192, 0, 0, 0], 24, Reserved),
        ([192, 0, 2, 0], 24, Reserved),
        ([198, 18, 0, 0], 15, Reserved),
        ([198, 51, 100, 0], 24, Reserved),
        ([203, 0, 113, 0], 24, Reserved),
        // 240/4 also covers 255.255.255.255 (broadcast).
        ([240, 0, 0, 0], 4, Reserved),
    ];
    table.iter().find(|(net, prefix, _)| in_v4(ip, *net, *prefix)).map(|(_, _, c)| *c)
}

/// The IPv4 address an IPv6 address stands for, when it embeds one that the
/// network would reach: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible
/// (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(tail),
        // ::/96 except :: and ::1, which are themselves.
        [0, 0, 0, 0, 0, 0, _, _] if u32::from(tail) > 1 => Some(tail),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(tail),
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8)),
        _ => None,
    }
}

fn classify_v6(ip: Ipv6Addr) -> Option<AddressCategory> {
    use AddressCategory::*;
    if let Some(v4) = embedded_v4(ip) {
        return classify_v4(v4);
    }
    let first = ip.segments()[0];
    if ip.is_unspecified() {
        Some(Unspecified)
    } else if ip.is_loopback() {
        Some(Loopback)
    } else if first & 0xffc0 == 0xfe80 {
        Some(LinkLocal)
    } else if first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfec0 {
        Some(UniqueLocal)
    } else if first & 0xff00 == 0xff00 {
        Some(Multicast)
    } else if (first == 0x2001 && ip.segments()[1] == 0x0db8) || first == 0x0100 && ip.segments()[1..4] == [0, 0, 0] {
        // Documentation (2001:db8::/32) and discard-only (100::/64).
        Some(Reserved)
    } else {
        None
    }
}

/// `None` for a public unicast address.
pub fn classify(ip: IpAddr) -> Option<AddressCategory> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

/// An address range such as `10.1.0.0/16` or `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4-mapped IPv6 address is the IPv4 address for this purpose.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(self.prefix)) };
                u32::from(ip) & mask == u32::from(net) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(self.prefix)) };
                u128::from(ip) & mask == u128::from(net) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, prefix) = s.split_once('/').unwrap_or((s, ""));
        let network: IpAddr = addr.parse().map_err(|_| format!("`{s}` is not an IP address or CIDR range"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = if prefix.is_empty() {
            max
        } else {
            prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`{s}` has an invalid prefix length"))?
        };
        Ok(Cidr { network, prefix })
    }
}

/// What the operator allows beyond public addresses. Parsed from a comma-
/// separated list of category names and CIDR ranges, e.g. `loopback` or
/// `private,fd00::/8`. Empty (the default) allows public addresses only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    categories: Vec<AddressCategory>,
    ranges: Vec<Cidr>,
}

/// Why an address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{ip} is a {category} address, which webhooks may not reach")]
pub struct ForbiddenAddress {
    pub ip: IpAddr,
    pub category: AddressCategory,
}

impl AddressPolicy {
    /// Allows addresses of these categories (tests use loopback receivers).
    pub fn allowing(categories: &[AddressCategory]) -> Self {
        AddressPolicy { categories: categories.to_vec(), ranges: Vec::new() }
    }

    pub fn check(&self, ip: IpAddr) -> Result<(), ForbiddenAddress> {
        let Some(category) = classify(ip) else { return Ok(()) };
        if self.categories.contains(&category) || self.ranges.iter().any(|r| r.contains(ip)) {
            return Ok(());
        }
        Err(ForbiddenAddress { ip, category })
    }
}

impl FromStr for AddressPolicy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut policy = AddressPolicy::default();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let wanted = item.to_ascii_lowercase().replace('-', "_");
            if let Some(category) = AddressCategory::ALL.into_iter().find(|c| c.as_str() == wanted) {
                policy.categories.push(category);
            } else {
                let names: Vec<_> = AddressCategory::ALL.iter().map(|c| c.as_str()).collect();
                let range = item
                    .parse::<Cidr>()
                    .map_err(|e| format!("{e}; expected a CIDR range or one of {}", names.join(", ")))?;
                policy.ranges.push(range);
            }
        }
        Ok(policy)
    }
}

#[cfg(test)]
mod tests {
    use super::AddressCategory::*;
    use super::*;

    fn category(text: &str) -> Option<AddressCategory> {
        classify(text.parse().unwrap())
    }

    #[test]
    fn public_addresses_pass() {
        for ip in ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "2a00:1450::1"] {
            assert_eq!(category(ip), None, "{ip}");
        }
    }

    #[test]
    fn non_public_ipv4_is_classified() {
        let cases = [
            ("127.0.0.1", Loopback),
            ("127.255.1.2", Loopback),
            ("10.1.2.3", Private),
            ("172.16.0.1", Private),
            ("172.31.255.255", Private),
            ("192.168.1.1", Private),
            ("169.254.169.254", LinkLocal),
            ("100.64.0.1", Cgnat),
            ("100.127.255.254", Cgnat),
            ("224.0.0.1", Multicast),
            ("239.255.255.250", Multicast),
            ("0.0.0.0", Unspecified),
            ("0.1.2.3", Unspecified),
            ("255.255.255.255", Reserved),
            ("192.0.2.10", Reserved),
            ("198.18.0.1", Reserved),
        ];
        for (ip, expected) in cases {
            assert_eq!(category(ip), Some(expected), "{ip}");
        }
    }

    #[test]
    fn non_public_ipv6_is_classified_including_embedded_ipv4() {
        let cases = [
            ("::1", Loopback),
            ("::", Unspecified),
            ("fe80::1", LinkLocal),
            ("fc00::1", UniqueLocal),
            ("fd12:3456::1", UniqueLocal),
            ("fec0::1", UniqueLocal),
            ("ff02::1", Multicast),
            ("2001:db8::1", Reserved),
            ("::ffff:127.0.0.1", Loopback),
            ("::ffff:10.0.0.1", Private),
            ("::ffff:169.254.169.254", LinkLocal),
            ("::ffff:100.64.1.1", Cgnat),
            ("::10.0.0.1", Private),
            ("64:ff9b::a9fe:a9fe", LinkLocal),
            ("2002:7f00:1::", Loopback),
            ("2002:c0a8:101::1", Private),
        ];
        for (ip, expected) in cases {
            assert_eq!(category(ip), Some(expected), "{ip}");
        }
        assert_eq!(category("::ffff:8.8.8.8"), None);
        assert_eq!(category("2002:0808:0808::1"), None);
    }

    #[test]
    fn policy_allows_named_categories_and_ranges_only() {
        let policy: AddressPolicy = "loopback, 10.1.0.0/16, fd00::/8".parse().unwrap();
        assert!(policy.check("127.0.0.1".parse().unwrap()).is_ok());
        assert!(policy.check("::1".parse().unwrap()).is_ok());
        assert!(policy.check("::ffff:127.0.0.1".parse().unwrap()).is_ok());
        assert!(policy.check("10.1.200.3".parse().unwrap()).is_ok());
        assert!(policy.check("::ffff:10.1.200.3".parse().unwrap()).is_ok());
        assert!(policy.check("fd00::5".parse().unwrap()).is_ok());
        let refused = policy.check("10.2.0.1".parse().unwrap()).unwrap_err();
        assert_eq!(refused.category, Private);
        assert!(policy.check("169.254.169.254".parse().unwrap()).is_err());
        assert!(policy.check("8.8.8.8".parse().unwrap()).is_ok());

        let strict = AddressPolicy::default();
        for ip in ["127.0.0.1", "::1", "192.168.0.1", "::ffff:192.168.0.1"] {
            assert!(strict.check(ip.parse().unwrap()).is_err(), "{ip}");
        }
        assert_eq!("".parse::<AddressPolicy>().unwrap(), AddressPolicy::default());
    }

    #[test]
    fn bad_policies_are_refused_with_the_offending_item() {
        assert!("loopbak".parse::<AddressPolicy>().unwrap_err().contains("loopbak"));
        assert!("10.0.0.0/33".parse::<AddressPolicy>().unwrap_err().contains("prefix"));
        assert!("::/129".parse::<AddressPolicy>().is_err());
        assert!("link-local".parse::<AddressPolicy>().is_ok());
    }
}
