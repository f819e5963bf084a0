//! Vendor-issued licenses signed with ed25519.
//!
//! # Envelope, version `kots-sdk/ed25519/v1`
//!
//! `spec.signature` holds (base64 in YAML, like KOTS's blob) the compact JSON object
//!
//! ```text
//! {"envelope":"kots-sdk/ed25519/v1","keyId":"<key id>","licenseData":"<b64 LICENSE_JSON>","signature":"<b64 64 bytes>"}
//! ```
//!
//! * `LICENSE_JSON` is the whole License (`apiVersion`, `kind`, `metadata`, `spec` without
//!   `signature`) as compact JSON; it is verified byte for byte, never re-serialised.
//! * `signature` is ed25519 over `"kots-sdk/ed25519/v1\n" + keyId + "\n" + LICENSE_JSON`, so the key
//!   id and the envelope version are signed too. Verification uses `verify_strict`.
//! * `keyId` (1–128 characters of `A-Z a-z 0-9 . _ : @ / -`) selects the trusted public key,
//!   so several keys can be trusted during a rotation.
//! * All four fields are required and no other field is allowed; base64 is standard with padding.
//!   A future format changes `envelope`, and this version refuses envelopes it does not know.
//!
//! Keys are PEM files: PKCS#8 `PRIVATE KEY` and SPKI `PUBLIC KEY` (the formats of
//! `openssl genpkey -algorithm ed25519`).

use std::borrow::Cow;
use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::model::{invalid, License};
use super::verify::{signed_license, SignatureScheme, Signed};
use super::LicenseError;

/// The envelope version this library writes and reads.
pub const ENVELOPE_VERSION: &str = "kots-sdk/ed25519/v1";

const MAX_KEY_ID_LEN: usize = 128;

/// Borrowed from the blob when no escapes stand in the way (base64 and key ids have none).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Envelope<'a> {
    #[serde(borrow)]
    envelope: Cow<'a, str>,
    #[serde(borrow)]
    key_id: Cow<'a, str>,
    #[serde(borrow)]
    license_data: Cow<'a, str>,
    #[serde(borrow)]
    signature: Cow<'a, str>,
}

/// A vendor's ed25519 signing key.
///
/// ```
/// use kots_core::license::{generate_ed25519_key, Ed25519PrivateKey, Ed25519PublicKey};
///
/// let key = generate_ed25519_key().unwrap();
/// let again = Ed25519PrivateKey::from_pem(&key.to_pem()).unwrap();
/// let public = Ed25519PublicKey::from_pem(&key.verifying_key().to_pem()).unwrap();
/// assert_eq!(again.verifying_key(), public);
/// ```
#[derive(Clone)]
pub struct Ed25519PrivateKey(SigningKey);

/// A trusted ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Ed25519PublicKey(pub(crate) VerifyingKey);

impl fmt::Debug for Ed25519PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ed25519PrivateKey(public: {:?})", self.verifying_key())
    }
}

impl fmt::Debug for Ed25519PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Ed25519PublicKey({})",
            STANDARD.encode(self.0.as_bytes())
        )
    }
}

impl Ed25519PrivateKey {
    /// Reads a PKCS#8 `PRIVATE KEY` PEM.
    pub fn from_pem(pem: &str) -> Result<Ed25519PrivateKey, LicenseError> {
        SigningKey::from_pkcs8_pem(pem.trim())
            .map(Ed25519PrivateKey)
            .map_err(|e| key_error(format!("not an ed25519 PKCS#8 private key PEM: {e}")))
    }

    /// Writes a PKCS#8 `PRIVATE KEY` PEM.
    pub fn to_pem(&self) -> String {
        self.0
            .to_pkcs8_pem(LineEnding::LF)
            .map(|pem| pem.to_string())
            .expect("an ed25519 key always encodes as PKCS#8")
    }

    pub fn verifying_key(&self) -> Ed25519PublicKey {
        Ed25519PublicKey(self.0.verifying_key())
    }
}

impl Ed25519PublicKey {
    /// Reads an SPKI `PUBLIC KEY` PEM.
    pub fn from_pem(pem: &str) -> Result<Ed25519PublicKey, LicenseError> {
        VerifyingKey::from_public_key_pem(pem.trim())
            .map(Ed25519PublicKey)
            .map_err(|e| key_error(format!("not an ed25519 public key PEM: {e}")))
    }

    /// Writes an SPKI `PUBLIC KEY` PEM.
    pub fn to_pem(&self) -> String {
        self.0
            .to_public_key_pem(LineEnding::LF)
            .expect("an ed25519 key always encodes as SPKI")
    }

    /// The raw 32-byte key.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// From the raw 32-byte key.
    pub fn from_bytes(bytes: &[u8]) -> Result<Ed25519PublicKey, LicenseError> {
        let bytes: &[u8; 32] = bytes.try_into().map_err(|_| {
            key_error(format!(
                "an ed25519 public key is 32 bytes, not {}",
                bytes.len()
            ))
        })?;
        VerifyingKey::from_bytes(bytes)
            .map(Ed25519PublicKey)
            .map_err(|e| key_error(format!("not an ed25519 public key: {e}")))
    }
}

fn key_error(reason: String) -> LicenseError {
    LicenseError::InvalidKey { reason }
}

/// A new signing key from the operating system's random source.
pub fn generate_ed25519_key() -> Result<Ed25519PrivateKey, LicenseError> {
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed)
        .map_err(|e| key_error(format!("no randomness available: {e}")))?;
    Ok(Ed25519PrivateKey(SigningKey::from_bytes(&seed)))
}

/// Shorthand for [`Ed25519PrivateKey::from_pem`].
pub fn parse_ed25519_private_key(pem: &str) -> Result<Ed25519PrivateKey, LicenseError> {
    Ed25519PrivateKey::from_pem(pem)
}

/// Shorthand for [`Ed25519PublicKey::from_pem`].
pub fn parse_ed25519_public_key(pem: &str) -> Result<Ed25519PublicKey, LicenseError> {
    Ed25519PublicKey::from_pem(pem)
}

/// Signs a license with ed25519: the returned license carries the envelope in `spec.signature`
/// (any previous signature is replaced). Its outer fields equal the signed data.
pub fn sign_license(
    license: &License,
    key: &Ed25519PrivateKey,
    key_id: &str,
) -> Result<License, LicenseError> {
    check_key_id(key_id)?;
    let data = serde_json::to_vec(&license.to_value_with_signature(false))
        .map_err(|e| LicenseError::Serialize(e.to_string()))?;
    let signature = key.0.sign(&message(key_id, &data));
    let envelope = Envelope {
        envelope: ENVELOPE_VERSION.into(),
        key_id: key_id.into(),
        license_data: STANDARD.encode(&data).into(),
        signature: STANDARD.encode(signature.to_bytes()).into(),
    };
    let mut signed = license.clone();
    signed.spec.signature =
        serde_json::to_vec(&envelope).map_err(|e| LicenseError::Serialize(e.to_string()))?;
    Ok(signed)
}

fn check_key_id(key_id: &str) -> Result<(), LicenseError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "._:@/-".contains(c);
    if key_id.is_empty() || key_id.len() > MAX_KEY_ID_LEN || !key_id.chars().all(allowed) {
        return Err(invalid(
            "keyId",
            format!("{key_id:?} must be 1-{MAX_KEY_ID_LEN} characters of A-Z a-z 0-9 . _ : @ / -"),
        ));
    }
    Ok(())
}

fn message(key_id: &str, data: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(ENVELOPE_VERSION.len() + key_id.len() + data.len() + 2);
    message.extend_from_slice(ENVELOPE_VERSION.as_bytes());
    message.push(b'\n');
    message.extend_from_slice(key_id.as_bytes());
    message.push(b'\n');
    message.extend_from_slice(data);
    message
}

/// Whether `spec.signature` holds our envelope rather than KOTS's blob (whose JSON holds only
/// base64 strings and a PEM, so never a quoted `"envelope"`).
pub(crate) fn is_envelope(signature: &[u8]) -> bool {
    signature.windows(10).any(|w| w == b"\"envelope\"")
}

pub(crate) fn verify(
    license: &License,
    trusted: &[(String, VerifyingKey)],
) -> Result<Signed, LicenseError> {
    let blob_error = |reason: String| LicenseError::SignatureBlob { reason };
    let envelope: Envelope = serde_json::from_slice(&license.spec.signature)
        .map_err(|e| blob_error(format!("invalid ed25519 envelope: {e}")))?;
    if envelope.envelope != ENVELOPE_VERSION {
        return Err(LicenseError::UnsupportedEnvelope {
            version: envelope.envelope.into_owned(),
        });
    }
    check_key_id(&envelope.key_id)?;
    let key_id = envelope.key_id.into_owned();
    let key = trusted
        .iter()
        .find(|(id, _)| *id == key_id)
        .map(|(_, key)| key)
        .ok_or_else(|| LicenseError::UnknownKeyId {
            key_id: key_id.clone(),
        })?;
    let data = STANDARD
        .decode(envelope.license_data.as_bytes())
        .map_err(|e| blob_error(format!("ed25519 envelope licenseData: {e}")))?;
    let signature = STANDARD
        .decode(envelope.signature.as_bytes())
        .ok()
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or_else(|| {
            blob_error("ed25519 envelope signature: not 64 base64-encoded bytes".into())
        })?;
    key.verify_strict(&message(&key_id, &data), &signature)
        .map_err(|_| LicenseError::Ed25519SignatureInvalid {
            key_id: key_id.clone(),
        })?;
    let (signed, api_version) = signed_license(license, &data)?;
    Ok(Signed {
        license: signed,
        api_version,
        scheme: SignatureScheme::Ed25519,
        key_id,
    })
}
