//! `License`, `LicenseVerifier`, `VerifiedLicense`, `generateLicenseSigningKey`,
//! `licensePublicKey`, `signLicense`. Error codes are listed on `License`.

use kots_core::license::{
    self as core, Ed25519PrivateKey, Ed25519PublicKey, LicenseError, Timestamp,
};
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::errors::{js_error, Code};

fn to_js(e: LicenseError) -> napi::Error<Code> {
    js_error(&format!("KOTS_LICENSE_{}", e.code()), e)
}

/// A KOTS License (`kots.io/v1beta1` or `v1beta2`). Build it with `License.fromYaml(text)` or
/// `License.fromObject(obj)`.
///
/// License functions throw errors whose `code` is `KOTS_LICENSE_` followed by: `YAML`,
/// `DOCUMENT_COUNT`, `NOT_A_LICENSE`, `UNSUPPORTED_VERSION`, `INVALID_FIELD`, `SERIALIZE`,
/// `SIGNATURE_BLOB`, `KEY_SIGNATURE_MISSING`, `UNKNOWN_GLOBAL_KEY`, `KEY_SIGNATURE_INVALID`,
/// `LICENSE_SIGNATURE_MISSING`, `LICENSE_SIGNATURE_INVALID`, `ENTITLEMENT_SIGNATURE_INVALID`,
/// `SIGNED_DATA`, `DATA_MISMATCH`, `UNKNOWN_KEY_ID`, `ED25519_SIGNATURE_INVALID`,
/// `UNSUPPORTED_ENVELOPE`, `INVALID_KEY`, `EXPIRES_AT`, `INVALID_TIMESTAMP`,
/// `CHANNEL_SLUG_NOT_FOUND`, `CHANNEL_NOT_FOUND` or `CHANNEL_NOT_ALLOWED`.
#[napi]
pub struct License(core::License);

#[napi]
impl License {
    /// Parses a license file (YAML, or JSON when it starts with `{`).
    #[napi(factory)]
    pub fn from_yaml(text: String) -> napi::Result<Self, Code> {
        core::License::from_yaml(&text).map(License).map_err(to_js)
    }

    /// Builds a license from an object (as `toObject()` returns).
    #[napi(factory)]
    pub fn from_object(object: Value) -> napi::Result<Self, Code> {
        core::License::from_value(object)
            .map(License)
            .map_err(to_js)
    }

    /// The whole license as an object (Go's field names; unknown fields kept).
    #[napi]
    pub fn to_object(&self) -> Value {
        self.0.to_value()
    }

    #[napi]
    pub fn to_yaml(&self) -> napi::Result<String, Code> {
        self.0.to_yaml().map_err(to_js)
    }

    /// `kots.io/v1beta1` or `kots.io/v1beta2`.
    #[napi(getter)]
    pub fn api_version(&self) -> String {
        self.0.api_version().to_string()
    }

    #[napi(getter)]
    pub fn app_slug(&self) -> String {
        self.0.spec.app_slug.clone()
    }

    #[napi(getter, js_name = "licenseID")]
    pub fn license_id(&self) -> String {
        self.0.spec.license_id.clone()
    }

    #[napi(getter)]
    pub fn customer_name(&self) -> String {
        self.0.spec.customer_name.clone()
    }

    #[napi(getter)]
    pub fn license_type(&self) -> String {
        self.0.spec.license_type.clone()
    }

    #[napi(getter)]
    pub fn license_sequence(&self) -> i64 {
        self.0.spec.license_sequence
    }

    /// The `spec` as an object.
    #[napi(getter)]
    pub fn spec(&self) -> Value {
        self.0.to_value()["spec"].take()
    }

    /// Entitlement values as KOTS types them: number, string, boolean, or null (v1beta1, no value).
    #[napi(
        getter,
        ts_return_type = "Record<string, number | string | boolean | null>"
    )]
    pub fn entitlements(&self) -> Value {
        let map: Map<String, Value> = self
            .0
            .spec
            .entitlements
            .iter()
            .map(|(name, e)| {
                let value = e.effective_value(self.0.version).map(|v| v.to_json());
                (name.clone(), value.unwrap_or_default())
            })
            .collect();
        Value::Object(map)
    }

    /// One entitlement's value (null when absent or nil).
    #[napi(ts_return_type = "number | string | boolean | null")]
    pub fn entitlement_value(&self, name: String) -> Value {
        self.0
            .entitlement_value(&name)
            .map(|v| v.to_json())
            .unwrap_or_default()
    }

    /// `expires_at` in RFC 3339 (UTC), or null when the license does not expire.
    #[napi]
    pub fn expires_at(&self) -> napi::Result<Option<String>, Code> {
        let at = self.0.expires_at().map_err(to_js)?;
        Ok(at.map(|t| t.to_string()))
    }

    /// Whether `expires_at` is before `now` (an RFC 3339 string; default: the current time).
    #[napi]
    pub fn is_expired(&self, now: Option<String>) -> napi::Result<bool, Code> {
        let now = match now {
            Some(text) => Timestamp::parse_rfc3339(&text).map_err(to_js)?,
            None => Timestamp::now(),
        };
        self.0.is_expired_at(now).map_err(to_js)
    }

    #[napi]
    pub fn default_channel_id(&self) -> String {
        self.0.default_channel_id().to_string()
    }

    /// The channel id for an install channel slug (KOTS's `FindChannelIDInLicense`).
    #[napi]
    pub fn channel_id_for_slug(&self, slug: String) -> napi::Result<String, Code> {
        self.0
            .channel_id_for_slug(&slug)
            .map(str::to_string)
            .map_err(to_js)
    }

    /// The channel with this id (a legacy license has one, built from the top-level fields).
    #[napi]
    pub fn find_channel(&self, channel_id: String) -> napi::Result<Value, Code> {
        let channel = self.0.find_channel(&channel_id).map_err(to_js)?;
        let mut legacy = self.0.clone();
        legacy.spec.channels = vec![channel];
        Ok(legacy.to_value()["spec"]["channels"][0].take())
    }

    #[napi]
    pub fn is_channel_slug_allowed(&self, slug: String) -> bool {
        self.0.is_channel_slug_allowed(&slug)
    }
}

/// An outer field that differs from the signed data.
#[napi(object)]
pub struct LicenseFieldMismatch {
    /// KOTS's field name, e.g. `licenseID` or `entitlements[seats].value`.
    pub field: String,
    /// The signed value (the one the verified license holds).
    pub signed: String,
    /// The outer (ignored) value.
    pub outer: String,
}

/// A license whose signature verified: `license` holds the signed data.
#[napi]
pub struct VerifiedLicense(core::VerifiedLicense);

#[napi]
impl VerifiedLicense {
    #[napi(getter)]
    pub fn license(&self) -> License {
        License(self.0.license.clone())
    }

    /// `rsa-pss-md5`, `rsa-pss-sha256` or `ed25519`.
    #[napi(
        getter,
        ts_return_type = "'rsa-pss-md5' | 'rsa-pss-sha256' | 'ed25519'"
    )]
    pub fn scheme(&self) -> String {
        self.0.scheme.as_str().to_string()
    }

    /// The RSA globalKeyId or the ed25519 key id.
    #[napi(getter)]
    pub fn key_id(&self) -> String {
        self.0.key_id.clone()
    }

    #[napi(getter)]
    pub fn warnings(&self) -> Vec<LicenseFieldMismatch> {
        self.0
            .warnings
            .iter()
            .map(|w| LicenseFieldMismatch {
                field: w.field.clone(),
                signed: w.signed.clone(),
                outer: w.outer.clone(),
            })
            .collect()
    }
}

/// Options of `new LicenseVerifier()`.
#[napi(object)]
pub struct LicenseVerifierOptions {
    /// Trust KOTS's three embedded RSA global keys (default true).
    pub embedded_keys: Option<bool>,
    /// Fail when outer fields differ from the signed data (default false).
    pub strict: Option<bool>,
}

/// Verifies licenses offline against trusted keys.
#[napi]
pub struct LicenseVerifier(core::Verifier);

#[napi]
impl LicenseVerifier {
    #[napi(constructor)]
    pub fn new(options: Option<LicenseVerifierOptions>) -> Self {
        let (embedded, strict) = options.map_or((true, false), |o| {
            (o.embedded_keys.unwrap_or(true), o.strict.unwrap_or(false))
        });
        let mut verifier = if embedded {
            core::Verifier::new()
        } else {
            core::Verifier::without_embedded_keys()
        };
        verifier.set_strict(strict);
        LicenseVerifier(verifier)
    }

    #[napi(getter)]
    pub fn strict(&self) -> bool {
        self.0.is_strict()
    }

    #[napi(setter, js_name = "strict")]
    pub fn set_strict(&mut self, strict: bool) {
        self.0.set_strict(strict);
    }

    /// Trusts an RSA public key (PKIX PEM) as the global key `keyId`.
    #[napi]
    pub fn trust_rsa_key(&mut self, key_id: String, pem: String) -> napi::Result<(), Code> {
        self.0.trust_rsa_key(key_id, &pem).map_err(to_js)
    }

    /// Trusts an RSA public key (PKIX PEM) for every globalKeyId, like KOTS's custom key.
    #[napi]
    pub fn trust_rsa_key_for_any_id(&mut self, pem: String) -> napi::Result<(), Code> {
        self.0.trust_rsa_key_for_any_id(&pem).map_err(to_js)
    }

    /// Trusts an ed25519 public key (SPKI PEM) under `keyId`.
    #[napi]
    pub fn trust_ed25519_key(
        &mut self,
        key_id: String,
        public_key_pem: String,
    ) -> napi::Result<(), Code> {
        let key = Ed25519PublicKey::from_pem(&public_key_pem).map_err(to_js)?;
        self.0.trust_ed25519_key(key_id, key);
        Ok(())
    }

    /// Verifies a `License`; throws when it is not valid.
    #[napi]
    pub fn verify(&self, license: &License) -> napi::Result<VerifiedLicense, Code> {
        self.0
            .verify(&license.0)
            .map(VerifiedLicense)
            .map_err(to_js)
    }

    /// Parses license text and verifies it; throws when it is not valid.
    #[napi]
    pub fn verify_yaml(&self, text: String) -> napi::Result<VerifiedLicense, Code> {
        self.0
            .verify_yaml(&text)
            .map(VerifiedLicense)
            .map_err(to_js)
    }
}

/// A new ed25519 signing key pair (PKCS#8 and SPKI PEM).
#[napi(object)]
pub struct LicenseSigningKey {
    pub private_key: String,
    pub public_key: String,
}

/// Generates an ed25519 signing key.
#[napi]
pub fn generate_license_signing_key() -> napi::Result<LicenseSigningKey, Code> {
    let key = core::generate_ed25519_key().map_err(to_js)?;
    Ok(LicenseSigningKey {
        private_key: key.to_pem(),
        public_key: key.verifying_key().to_pem(),
    })
}

/// The public key PEM of a private key PEM.
#[napi]
pub fn license_public_key(private_key_pem: String) -> napi::Result<String, Code> {
    let key = Ed25519PrivateKey::from_pem(&private_key_pem).map_err(to_js)?;
    Ok(key.verifying_key().to_pem())
}

/// Signs a `License` with an ed25519 private key PEM under `keyId`.
#[napi]
pub fn sign_license(
    license: &License,
    private_key_pem: String,
    key_id: String,
) -> napi::Result<License, Code> {
    let key = Ed25519PrivateKey::from_pem(&private_key_pem).map_err(to_js)?;
    core::sign_license(&license.0, &key, &key_id)
        .map(License)
        .map_err(to_js)
}
