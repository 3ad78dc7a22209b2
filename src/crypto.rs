//! Secrets: carrier credentials encrypted at rest (AES-256-GCM, the owning
//! row's id as associated data so a ciphertext cannot be moved to another
//! row), API keys and public tokens generated at random and stored as hashes.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};

/// Format version byte in front of every ciphertext, so keys can rotate later.
const CIPHERTEXT_V1: u8 = 1;
const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error(
        "the master key must be 32 bytes given as 64 hex characters or base64 (generate one with `openssl rand -hex 32`)"
    )]
    BadMasterKey,
    #[error("stored secret could not be decrypted (wrong master key or tampered data)")]
    Decrypt,
}

/// The 256-bit key under which credentials are encrypted.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(**redacted**)")
    }
}

impl MasterKey {
    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&text[i * 2..i * 2 + 2], 16))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| CryptoError::BadMasterKey)?
        } else {
            STANDARD.decode(text).map_err(|_| CryptoError::BadMasterKey)?
        };
        let key: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::BadMasterKey)?;
        Ok(MasterKey(key))
    }

    /// A fixed, public key for `--sandbox` demos only, so a restarted demo can
    /// still read what it stored. Never used outside sandbox mode.
    pub fn insecure_sandbox_key() -> Self {
        MasterKey(Sha256::digest(b"shipgate sandbox demo key - not a secret").into())
    }
}

#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl SecretBox {
    pub fn new(key: &MasterKey) -> Self {
        SecretBox { cipher: Aes256Gcm::new_from_slice(&key.0).expect("32-byte key") }
    }

    pub fn seal(&self, plaintext: &[u8], associated: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(&Nonce::from(nonce), Payload { msg: plaintext, aad: associated })
            .expect("AES-GCM encryption cannot fail for in-memory buffers");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        out.push(CIPHERTEXT_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        out
    }

    pub fn open(&self, sealed: &[u8], associated: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < 1 + NONCE_LEN || sealed[0] != CIPHERTEXT_V1 {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, ciphertext) = sealed[1..].split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| CryptoError::Decrypt)?;
        self.cipher
            .decrypt(&Nonce::from(nonce), Payload { msg: ciphertext, aad: associated })
            .map_err(|_| CryptoError::Decrypt)
    }
}

/// `len` random alphanumeric characters (62 symbols, ~5.95 bits each).
pub fn random_alphanumeric(len: usize) -> String {
    rand::rng().sample_iter(&Alphanumeric).take(len).map(char::from).collect()
}

/// URL-safe random token with `bytes` bytes of entropy.
pub fn random_url_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(buf.as_mut_slice());
    URL_SAFE_NO_PAD.encode(buf)
}

/// Random bytes, standard base64 (webhook secrets).
pub fn random_base64(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(buf.as_mut_slice());
    STANDARD.encode(buf)
}

/// SHA-256 of a high-entropy token. A fast hash is enough here: the tokens are
/// random, not passwords, so there is nothing to brute-force.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_with_the_same_associated_data_only() {
        let sb = SecretBox::new(&MasterKey::parse(&"ab".repeat(32)).unwrap());
        let sealed = sb.seal(b"secret", b"account-1");
        assert_eq!(sb.open(&sealed, b"account-1").unwrap(), b"secret");
        assert!(sb.open(&sealed, b"account-2").is_err());
        let other = SecretBox::new(&MasterKey::parse(&"cd".repeat(32)).unwrap());
        assert!(other.open(&sealed, b"account-1").is_err());
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(sb.open(&tampered, b"account-1").is_err());
        assert!(sb.open(&[], b"account-1").is_err());
    }

    #[test]
    fn master_key_accepts_hex_and_base64_only_of_32_bytes() {
        assert!(MasterKey::parse(&"0f".repeat(32)).is_ok());
        assert!(MasterKey::parse(&STANDARD.encode([7u8; 32])).is_ok());
        assert!(MasterKey::parse("short").is_err());
        assert!(MasterKey::parse(&STANDARD.encode([7u8; 16])).is_err());
    }
}
