//! KOTS licenses (`kots.io/v1beta1` and `kots.io/v1beta2`, kind `License`): the model, offline
//! verification exactly as KOTS does it, expiry, channels, and vendor-issued ed25519 licenses.
//!
//! * [`License`] models every field of kots-internals §1.2. Unknown fields are kept (in the
//!   `extra` maps) and written back by [`License::to_value`] / [`License::to_yaml`].
//!   Entitlement values are typed as KOTS types the raw JSON token (see [`EntitlementValue`]).
//! * [`Verifier`] checks a KOTS signature (RSA-PSS, MD5 for v1beta1, SHA-256 for v1beta2, salt
//!   length auto-detected) against the three global keys KOTS embeds plus keys the caller trusts,
//!   and checks ed25519 signatures made by [`sign_license`]. It returns the **signed** license and
//!   a [`FieldMismatch`] warning for every outer field that differs from the signed data; in strict
//!   mode such a difference is an error.
//! * [`License::is_expired_at`] follows KOTS's `LicenseIsExpired` with an injectable clock.
//! * Channel helpers follow `FindChannelIDInLicense`, `FindChannelInLicense`,
//!   `GetDefaultChannelIDFromLicense` and `canInstallFromChannel`.
//!
//! ```
//! use kots_core::license::{generate_ed25519_key, sign_license, License, Verifier};
//!
//! let unsigned = License::from_yaml(
//!     "apiVersion: kots.io/v1beta1\nkind: License\nmetadata: {name: acme}\n\
//!      spec:\n  appSlug: my-app\n  licenseID: abc\n  entitlements:\n    seats: {title: Seats, value: 10}\n",
//! ).unwrap();
//! let key = generate_ed25519_key().unwrap();
//! let signed = sign_license(&unsigned, &key, "vendor-2026").unwrap();
//!
//! let mut verifier = Verifier::new();
//! verifier.trust_ed25519_key("vendor-2026", key.verifying_key());
//! let verified = verifier.verify(&signed).unwrap();
//! assert!(verified.warnings.is_empty());
//! assert_eq!(verified.license.spec.license_id, "abc");
//! assert_eq!(verified.license.entitlement_text("seats").as_deref(), Some("10"));
//! ```

mod blob;
mod channels;
mod compare;
mod ed25519;
mod expiry;
mod model;
mod rsa;
mod signed_json;
mod verify;

pub use channels::DEFAULT_ENDPOINT;
pub use compare::FieldMismatch;
pub use ed25519::{
    generate_ed25519_key, parse_ed25519_private_key, parse_ed25519_public_key, sign_license,
    Ed25519PrivateKey, Ed25519PublicKey, ENVELOPE_VERSION,
};
pub use expiry::Timestamp;
pub use model::{Channel, Entitlement, EntitlementValue, License, LicenseSpec, LicenseVersion};
pub use rsa::GLOBAL_KEYS;
pub use verify::{SignatureScheme, VerifiedLicense, Verifier};

use crate::manifest::ManifestError;

/// The signed-JSON fast path's answer beside the general decoder's, for the differential fuzz
/// target (`v1`: decode as v1beta1, else v1beta2).
#[doc(hidden)]
#[allow(clippy::type_complexity)]
pub fn signed_json_fast_and_general(
    bytes: &[u8],
    v1: bool,
) -> (
    Option<(License, String)>,
    Result<(License, String), LicenseError>,
) {
    let version = if v1 {
        LicenseVersion::V1Beta1
    } else {
        LicenseVersion::V1Beta2
    };
    (
        signed_json::decode(bytes, version),
        License::from_signed_json_general(bytes, version),
    )
}

/// `s^e mod n` (big-endian bytes, `s` as long as `n`) by every arithmetic this machine has, for
/// the differential fuzz target: AVX-512 IFMA where the CPU has it, 64-bit Montgomery, and
/// `BigUint::modpow`. `None` where a path does not take this modulus or `s ≥ n`.
#[doc(hidden)]
pub fn rsa_pow_by_every_path(n: &[u8], s: &[u8], e: u64) -> Vec<Option<Vec<u8>>> {
    rsa::pow_by_every_path(n, s, e)
}

/// Why a license could not be read, verified, signed or queried. Each variant names the field,
/// key id or entitlement concerned. KOTS's own wording is kept where KOTS has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LicenseError {
    /// The text is not valid YAML/JSON.
    #[error("license: {0}")]
    Yaml(#[from] ManifestError),
    /// The input holds several documents; a license file holds one.
    #[error("license: expected one License document, found {count}")]
    DocumentCount { count: usize },
    /// The document is not a `kots.io` License.
    #[error("unexpected GVK: {api_version}, Kind={kind} (expected kots.io License)")]
    NotALicense { api_version: String, kind: String },
    /// A `kots.io` License of a version other than v1beta1 and v1beta2.
    #[error("unsupported license version: {version}")]
    UnsupportedVersion { version: String },
    /// A field has a type or value KOTS refuses while decoding (e.g. `unknown license value type`).
    #[error("{field}: {reason}")]
    InvalidField { field: String, reason: String },
    /// The license could not be written out.
    #[error("cannot write license: {0}")]
    Serialize(String),
    /// `spec.signature` does not decode into KOTS's outer/inner signature blobs.
    #[error("failed to decode signature: {reason}")]
    SignatureBlob { reason: String },
    /// The inner signature has no key signature for this license version.
    #[error("{scheme} key signature not found")]
    KeySignatureMissing { scheme: &'static str },
    /// No trusted RSA global key for this id.
    #[error("failed to find global public key: global public key not found for key ID: {key_id}")]
    UnknownGlobalKey { key_id: String },
    /// The global key did not sign the app key.
    #[error("{scheme} key signature verification failed (global key {key_id})")]
    KeySignatureInvalid {
        scheme: &'static str,
        key_id: String,
    },
    /// The inner signature has no license signature for this license version.
    #[error("{scheme} license signature not found")]
    LicenseSignatureMissing { scheme: &'static str },
    /// The app key did not sign `licenseData`.
    #[error("{scheme} license signature verification failed")]
    LicenseSignatureInvalid { scheme: &'static str },
    /// An entitlement's own signature does not match its value.
    #[error("entitlement validation failed for field: {name}: {scheme} entitlement signature verification failed")]
    EntitlementSignatureInvalid { scheme: &'static str, name: String },
    /// The signed license data is not a License KOTS can decode.
    #[error("license data validation failed: failed to unmarshal signed license data: {reason}")]
    SignedData { reason: String },
    /// Strict mode: outer fields differ from the signed data.
    #[error("license data validation failed: {}", mismatch_summary(.mismatches))]
    DataMismatch { mismatches: Vec<FieldMismatch> },
    /// An ed25519 envelope names a key id the verifier does not trust.
    #[error("ed25519 license signed with unknown key id {key_id:?}")]
    UnknownKeyId { key_id: String },
    /// The ed25519 signature does not verify with the trusted key of that id.
    #[error("ed25519 license signature verification failed (key id {key_id:?})")]
    Ed25519SignatureInvalid { key_id: String },
    /// The envelope in `spec.signature` is of a version this library does not know.
    #[error(
        "unsupported license signature envelope {version:?} (supported: {ENVELOPE_VERSION:?})"
    )]
    UnsupportedEnvelope { version: String },
    /// A key (PEM text or raw bytes) could not be parsed.
    #[error("invalid key: {reason}")]
    InvalidKey { reason: String },
    /// `expires_at` is not usable (KOTS: `expires_at must be type String`, `expires_at value is not
    /// a string`, `failed to parse expiration time`).
    #[error("{reason}")]
    ExpiresAt { reason: String },
    /// A timestamp given by the caller is not RFC 3339.
    #[error("invalid RFC 3339 time {value:?}: {reason}")]
    InvalidTimestamp { value: String, reason: String },
    /// No channel of the license has this slug.
    #[error("requested install channel slug {slug:?} not found in license channels")]
    ChannelSlugNotFound { slug: String },
    /// No channel of the license has this id.
    #[error("channel {id:?} not found in license")]
    ChannelNotFound { id: String },
    /// The license's channels do not allow this slug.
    #[error("channel slug {slug:?} is not allowed by license")]
    ChannelNotAllowed { slug: String },
}

impl LicenseError {
    /// A stable SCREAMING_SNAKE name of the variant (`UNKNOWN_GLOBAL_KEY`, ...), for bindings and
    /// scripts that branch on the kind of failure.
    pub fn code(&self) -> &'static str {
        match self {
            LicenseError::Yaml(_) => "YAML",
            LicenseError::DocumentCount { .. } => "DOCUMENT_COUNT",
            LicenseError::NotALicense { .. } => "NOT_A_LICENSE",
            LicenseError::UnsupportedVersion { .. } => "UNSUPPORTED_VERSION",
            LicenseError::InvalidField { .. } => "INVALID_FIELD",
            LicenseError::Serialize(_) => "SERIALIZE",
            LicenseError::SignatureBlob { .. } => "SIGNATURE_BLOB",
            LicenseError::KeySignatureMissing { .. } => "KEY_SIGNATURE_MISSING",
            LicenseError::UnknownGlobalKey { .. } => "UNKNOWN_GLOBAL_KEY",
            LicenseError::KeySignatureInvalid { .. } => "KEY_SIGNATURE_INVALID",
            LicenseError::LicenseSignatureMissing { .. } => "LICENSE_SIGNATURE_MISSING",
            LicenseError::LicenseSignatureInvalid { .. } => "LICENSE_SIGNATURE_INVALID",
            LicenseError::EntitlementSignatureInvalid { .. } => "ENTITLEMENT_SIGNATURE_INVALID",
            LicenseError::SignedData { .. } => "SIGNED_DATA",
            LicenseError::DataMismatch { .. } => "DATA_MISMATCH",
            LicenseError::UnknownKeyId { .. } => "UNKNOWN_KEY_ID",
            LicenseError::Ed25519SignatureInvalid { .. } => "ED25519_SIGNATURE_INVALID",
            LicenseError::UnsupportedEnvelope { .. } => "UNSUPPORTED_ENVELOPE",
            LicenseError::InvalidKey { .. } => "INVALID_KEY",
            LicenseError::ExpiresAt { .. } => "EXPIRES_AT",
            LicenseError::InvalidTimestamp { .. } => "INVALID_TIMESTAMP",
            LicenseError::ChannelSlugNotFound { .. } => "CHANNEL_SLUG_NOT_FOUND",
            LicenseError::ChannelNotFound { .. } => "CHANNEL_NOT_FOUND",
            LicenseError::ChannelNotAllowed { .. } => "CHANNEL_NOT_ALLOWED",
        }
    }
}

fn mismatch_summary(mismatches: &[FieldMismatch]) -> String {
    match mismatches {
        [] => "no mismatch".into(),
        [only] => only.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
    }
}

#[cfg(test)]
mod tests;
