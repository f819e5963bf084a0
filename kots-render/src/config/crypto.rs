//! Decrypting password config values (kots-internals §3.8): AES-192-GCM with the key
//! `base64(key[24] || nonce[12+])`, values stored as `base64(nonce || sealed)` or, in the
//! legacy form, sealed with the key's own nonce.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::aes::Aes192;
use aes_gcm::{AesGcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

type Aes192Gcm = AesGcm<Aes192, aes_gcm::aead::consts::U12>;

const KEY_LEN: usize = 24;
const NONCE_LEN: usize = 12;

/// An encryption key as KOTS stores it (Installation `spec.encryptionKey`, the
/// `kotsadm-encryption` secret, or `API_ENCRYPTION_KEY`).
///
/// ```
/// use kots_render::config::EncryptionKey;
/// assert!(EncryptionKey::parse("not base64!").is_err());
/// ```
#[derive(Clone)]
pub struct EncryptionKey {
    cipher: Aes192Gcm,
    nonce: Vec<u8>,
}

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EncryptionKey(..)")
    }
}

impl EncryptionKey {
    /// Reads a key string; the messages are KOTS's (`cipher key is invalid: len=…`).
    pub fn parse(text: &str) -> Result<EncryptionKey, String> {
        let decoded = STANDARD
            .decode(text.trim())
            .map_err(|e| format!("failed to decode string: {e}"))?;
        if decoded.len() < KEY_LEN {
            return Err(format!(
                "cipher key is invalid: len={}, expected {KEY_LEN}",
                decoded.len()
            ));
        }
        let nonce = decoded[KEY_LEN..].to_vec();
        if nonce.len() < NONCE_LEN {
            return Err(format!(
                "cipher nonce is invalid: len={}, expected {NONCE_LEN}",
                nonce.len()
            ));
        }
        let cipher = Aes192Gcm::new_from_slice(&decoded[..KEY_LEN]).map_err(|e| e.to_string())?;
        Ok(EncryptionKey { cipher, nonce })
    }

    /// `decrypt(value)`: base64-decode, then open with the nonce prefix, then the legacy form.
    pub fn decrypt(&self, value: &str) -> Option<String> {
        let sealed = STANDARD.decode(value).ok()?;
        let opened = (sealed.len() >= NONCE_LEN)
            .then(|| {
                let (nonce, rest) = sealed.split_at(NONCE_LEN);
                self.cipher.decrypt(Nonce::from_slice(nonce), rest).ok()
            })
            .flatten()
            .or_else(|| {
                // Go's GCM panics (recovered as an error) on a nonce that is not 12 bytes.
                (self.nonce.len() == NONCE_LEN)
                    .then(|| {
                        self.cipher
                            .decrypt(Nonce::from_slice(&self.nonce), sealed.as_slice())
                            .ok()
                    })
                    .flatten()
            })?;
        Some(String::from_utf8_lossy(&opened).into_owned())
    }

    /// Encrypts as KOTS's `Encrypt` does (random nonce prefix), base64-encoded as ConfigValues
    /// store it.
    pub fn encrypt(&self, plain: &str, nonce: [u8; NONCE_LEN]) -> String {
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .unwrap_or_default();
        STANDARD.encode([nonce.as_slice(), &sealed].concat())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_legacy_form() {
        let key_text = STANDARD.encode([7u8; 36]);
        let key = EncryptionKey::parse(&key_text).unwrap();
        let stored = key.encrypt("s3cret", [1; 12]);
        assert_eq!(key.decrypt(&stored).as_deref(), Some("s3cret"));
        let legacy = STANDARD.encode(
            key.cipher
                .encrypt(Nonce::from_slice(&[7; 12]), &b"old"[..])
                .unwrap(),
        );
        assert_eq!(key.decrypt(&legacy).as_deref(), Some("old"));
        assert_eq!(key.decrypt("plain"), None);
        assert!(EncryptionKey::parse(&STANDARD.encode([0u8; 30]))
            .unwrap_err()
            .contains("nonce is invalid"));
    }
}
