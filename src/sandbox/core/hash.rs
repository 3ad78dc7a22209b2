//! A stable hash (FNV-1a) so derived values never change between runs or builds.

pub fn stable_hash(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A deterministic UUID-looking id derived from a name.
pub fn stable_uuid(name: &str) -> uuid::Uuid {
    let high = stable_hash(name);
    let low = stable_hash(&format!("{name}#low"));
    let bits = (u128::from(high) << 64) | u128::from(low);
    // Stamp version 4 / RFC 4122 variant bits so it parses as an ordinary UUID.
    let bits = (bits & !(0xF000u128 << 64)) | (0x4000u128 << 64);
    let bits = (bits & !(0xC000_0000_0000_0000u128)) | 0x8000_0000_0000_0000u128;
    uuid::Uuid::from_u128(bits)
}
