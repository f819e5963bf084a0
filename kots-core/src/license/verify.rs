//! Signature verification: KOTS's RSA scheme (kots-internals §1.4–1.6) and our ed25519 envelope.

use ed25519_dalek::VerifyingKey;
use serde::Serialize;

use super::blob::{InnerSignature, KeySignature, OuterSignature};
use super::compare::{compare, FieldMismatch};
use super::ed25519::{self, Ed25519PublicKey};
use super::model::{License, LicenseVersion};
use super::rsa::{PssHash, RsaKey, GLOBAL_KEYS};
use super::LicenseError;

/// How a verified license was signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SignatureScheme {
    /// KOTS v1beta1: RSA-PSS with MD5.
    #[serde(rename = "rsa-pss-md5")]
    RsaPssMd5,
    /// KOTS v1beta2: RSA-PSS with SHA-256.
    #[serde(rename = "rsa-pss-sha256")]
    RsaPssSha256,
    /// Vendor-issued: ed25519 (see [`super::sign_license`]).
    #[serde(rename = "ed25519")]
    Ed25519,
}

impl SignatureScheme {
    /// `rsa-pss-md5`, `rsa-pss-sha256` or `ed25519`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureScheme::RsaPssMd5 => "rsa-pss-md5",
            SignatureScheme::RsaPssSha256 => "rsa-pss-sha256",
            SignatureScheme::Ed25519 => "ed25519",
        }
    }
}

/// A license whose signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedLicense {
    /// The **signed** license data (the outer YAML is only a hint), with the original
    /// `spec.signature`, as KOTS keeps it after validation.
    pub license: License,
    pub scheme: SignatureScheme,
    /// The RSA `globalKeyId` or the ed25519 key id that vouched for the license.
    pub key_id: String,
    /// Every outer field that differs from the signed data (empty in strict mode, which errors instead).
    pub warnings: Vec<FieldMismatch>,
}

/// What a signature check yields before the outer/signed comparison.
pub(crate) struct Signed {
    pub license: License,
    /// The `apiVersion` written in the signed data.
    pub api_version: String,
    pub scheme: SignatureScheme,
    pub key_id: String,
}

/// Verifies license signatures offline against trusted keys.
///
/// [`Verifier::new`] trusts the three RSA global keys KOTS embeds ([`super::GLOBAL_KEYS`]); add
/// RSA keys by `globalKeyId`, RSA keys trusted for every id (KOTS's custom key), and ed25519 keys
/// by key id. In strict mode an outer field that differs from the signed data is an error.
///
/// ```no_run
/// use kots_core::license::{License, Verifier};
///
/// let text = std::fs::read_to_string("license.yaml").unwrap();
/// let license = License::from_yaml(&text).unwrap();
/// let verified = Verifier::new().verify(&license).unwrap();
/// for warning in &verified.warnings {
///     eprintln!("ignored unsigned change: {warning}");
/// }
/// println!("{}", verified.license.spec.customer_name);
/// ```
#[derive(Debug, Clone)]
pub struct Verifier {
    rsa_keys: Vec<(String, RsaKey)>,
    rsa_any_id: Vec<RsaKey>,
    ed25519_keys: Vec<(String, VerifyingKey)>,
    strict: bool,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier::new()
    }
}

impl Verifier {
    /// A verifier trusting KOTS's three embedded RSA global keys, not strict.
    pub fn new() -> Verifier {
        let rsa_keys = GLOBAL_KEYS
            .iter()
            .map(|(id, _, pem)| {
                let key = RsaKey::from_pem(pem).expect("embedded global keys are valid");
                (id.to_string(), key)
            })
            .collect();
        Verifier {
            rsa_keys,
            ..Verifier::without_embedded_keys()
        }
    }

    /// A verifier trusting no key at all.
    pub fn without_embedded_keys() -> Verifier {
        Verifier {
            rsa_keys: Vec::new(),
            rsa_any_id: Vec::new(),
            ed25519_keys: Vec::new(),
            strict: false,
        }
    }

    /// Trusts an RSA public key (PKIX PEM) as the global key of `key_id`.
    pub fn trust_rsa_key(
        &mut self,
        key_id: impl Into<String>,
        pem: &str,
    ) -> Result<(), LicenseError> {
        let key = RsaKey::from_pem(pem).map_err(|reason| LicenseError::InvalidKey { reason })?;
        self.rsa_keys.push((key_id.into(), key));
        Ok(())
    }

    /// Trusts an RSA public key (PKIX PEM) for every `globalKeyId`, as KOTS's custom key
    /// (`SetCustomPublicKeyRSA`) is. The embedded keys stay trusted for their own ids.
    pub fn trust_rsa_key_for_any_id(&mut self, pem: &str) -> Result<(), LicenseError> {
        let key = RsaKey::from_pem(pem).map_err(|reason| LicenseError::InvalidKey { reason })?;
        self.rsa_any_id.push(key);
        Ok(())
    }

    /// Trusts an ed25519 public key for licenses whose envelope names `key_id`. Several keys may
    /// be trusted at once (key rotation); a second key for the same id replaces the first.
    pub fn trust_ed25519_key(&mut self, key_id: impl Into<String>, key: Ed25519PublicKey) {
        let key_id = key_id.into();
        self.ed25519_keys.retain(|(id, _)| *id != key_id);
        self.ed25519_keys.push((key_id, key.0));
    }

    /// In strict mode, outer fields that differ from the signed data fail verification.
    pub fn set_strict(&mut self, strict: bool) {
        self.strict = strict;
    }

    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// Verifies a license and returns its signed data.
    pub fn verify(&self, license: &License) -> Result<VerifiedLicense, LicenseError> {
        let signed = if ed25519::is_envelope(&license.spec.signature) {
            ed25519::verify(license, &self.ed25519_keys)?
        } else {
            self.verify_kots(license)?
        };
        let mut warnings = compare(license, &signed.license);
        if signed.api_version != license.api_version() {
            let mismatch = FieldMismatch {
                field: "apiVersion".into(),
                signed: signed.api_version,
                outer: license.api_version().into(),
            };
            warnings.insert(0, mismatch);
        }
        if self.strict && !warnings.is_empty() {
            return Err(LicenseError::DataMismatch {
                mismatches: warnings,
            });
        }
        Ok(VerifiedLicense {
            license: signed.license,
            scheme: signed.scheme,
            key_id: signed.key_id,
            warnings,
        })
    }

    /// Parses a license file ([`License::from_yaml`]) and verifies it.
    pub fn verify_yaml(&self, text: &str) -> Result<VerifiedLicense, LicenseError> {
        self.verify(&License::from_yaml(text)?)
    }

    /// `ValidateLicense` of the license's version, up to (not including) the data comparison.
    fn verify_kots(&self, license: &License) -> Result<Signed, LicenseError> {
        let version = license.version;
        let (scheme, hash, sig_scheme) = match version {
            LicenseVersion::V1Beta1 => ("v1", PssHash::Md5, SignatureScheme::RsaPssMd5),
            LicenseVersion::V1Beta2 => ("v2", PssHash::Sha256, SignatureScheme::RsaPssSha256),
        };
        let outer = OuterSignature::decode(&license.spec.signature)?;
        let inner = InnerSignature::decode(&outer.inner_signature)?;
        let app_key =
            RsaKey::from_pem(&inner.public_key).map_err(|reason| LicenseError::SignatureBlob {
                reason: format!("failed to parse app public key: {reason}"),
            })?;
        let (key_sig, license_sig) = match version {
            LicenseVersion::V1Beta1 => (&inner.key_signature, &inner.license_signature),
            LicenseVersion::V1Beta2 => (&inner.v2_key_signature, &inner.v2_license_signature),
        };
        if key_sig.is_empty() {
            return Err(LicenseError::KeySignatureMissing { scheme });
        }
        let key_sig =
            KeySignature::decode(key_sig).map_err(|reason| LicenseError::SignatureBlob {
                reason: format!("failed to unmarshal {scheme} key signature: {reason}"),
            })?;
        let key_id = key_sig.global_key_id;
        let candidates: Vec<&RsaKey> = self
            .rsa_keys
            .iter()
            .filter(|(id, _)| *id == key_id)
            .map(|(_, key)| key)
            .chain(&self.rsa_any_id)
            .collect();
        if candidates.is_empty() {
            return Err(LicenseError::UnknownGlobalKey { key_id });
        }
        let app_key_pem = inner.public_key.as_bytes();
        if !candidates
            .iter()
            .any(|global| global.verify_pss(hash, app_key_pem, &key_sig.signature))
        {
            return Err(LicenseError::KeySignatureInvalid { scheme, key_id });
        }
        if license_sig.is_empty() {
            return Err(LicenseError::LicenseSignatureMissing { scheme });
        }
        if !app_key.verify_pss(hash, &outer.license_data, license_sig) {
            return Err(LicenseError::LicenseSignatureInvalid { scheme });
        }
        // KOTS checks the entitlement signatures of the outer license, before the data comparison.
        for (name, entitlement) in &license.spec.entitlements {
            if entitlement.signature.is_empty() {
                continue; // old licenses carry no entitlement signatures
            }
            let message = entitlement.signed_text(version);
            if !app_key.verify_pss(hash, message.as_bytes(), &entitlement.signature) {
                return Err(LicenseError::EntitlementSignatureInvalid {
                    scheme,
                    name: name.clone(),
                });
            }
        }
        let (signed, api_version) = signed_license(license, &outer.license_data)?;
        Ok(Signed {
            license: signed,
            api_version,
            scheme: sig_scheme,
            key_id,
        })
    }
}

/// Decodes the signed license data into the outer license's version, as KOTS decodes it into the
/// same Go type whatever its `apiVersion`, and keeps the outer `spec.signature`. Also returns the
/// signed `apiVersion`, so that a difference can be reported.
pub(crate) fn signed_license(
    outer: &License,
    license_data: &[u8],
) -> Result<(License, String), LicenseError> {
    let (mut signed, api_version) = License::from_signed_json(license_data, outer.version)
        .map_err(|e| LicenseError::SignedData {
            reason: e.to_string(),
        })?;
    signed.spec.signature = outer.spec.signature.clone();
    Ok((signed, api_version))
}
