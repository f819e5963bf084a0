//! `kots.License`, `kots.LicenseVerifier`, `kots.VerifiedLicense`, `kots.LicenseFieldMismatch`,
//! `kots.generate_license_signing_key`, `kots.license_public_key`, `kots.sign_license`.

use kots_core::license::{
    self as core, Ed25519PrivateKey, Ed25519PublicKey, LicenseError, Timestamp,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::convert::{json_to_py, py_to_json};
use crate::errors;

/// `LicenseError` with `code` (e.g. `"UNKNOWN_GLOBAL_KEY"`) and, for strict-mode failures,
/// `mismatches` (a list of `LicenseFieldMismatch`).
fn to_py(py: Python<'_>, e: LicenseError) -> PyErr {
    let err = errors::LicenseError::new_err(e.to_string());
    let mut fields = vec![("code", PyString::new(py, e.code()).into_any().unbind())];
    if let LicenseError::DataMismatch { mismatches } = &e {
        let list: Vec<LicenseFieldMismatch> = mismatches
            .iter()
            .cloned()
            .map(LicenseFieldMismatch)
            .collect();
        if let Ok(list) = list.into_pyobject(py) {
            fields.push(("mismatches", list.into_any().unbind()));
        }
    }
    errors::with_fields(py, err, &fields)
}

/// A `datetime` (aware), an RFC 3339 `str`, or `None` for now.
fn timestamp(py: Python<'_>, now: Option<&Bound<'_, PyAny>>) -> PyResult<Timestamp> {
    let Some(now) = now.filter(|n| !n.is_none()) else {
        return Ok(Timestamp::now());
    };
    let text: String = if let Ok(s) = now.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else if now.hasattr("isoformat")? {
        if now.getattr("tzinfo")?.is_none() {
            return Err(PyTypeError::new_err(
                "now: a naive datetime is ambiguous; give it a tzinfo",
            ));
        }
        now.call_method0("isoformat")?.extract()?
    } else {
        return Err(PyTypeError::new_err(
            "now: expected a datetime, an RFC 3339 str or None",
        ));
    };
    Timestamp::parse_rfc3339(&text).map_err(|e| to_py(py, e))
}

/// A KOTS License (`kots.io/v1beta1` or `v1beta2`). Build it with `License.from_yaml(text)` or
/// `License.from_dict(obj)`.
#[pyclass(module = "kots", frozen)]
#[derive(Clone)]
pub struct License(core::License);

#[pymethods]
impl License {
    /// Parses a license file (YAML, or JSON when it starts with `{`).
    #[staticmethod]
    fn from_yaml(py: Python<'_>, text: &str) -> PyResult<Self> {
        core::License::from_yaml(text)
            .map(License)
            .map_err(|e| to_py(py, e))
    }

    /// Builds a license from a dict (as `to_dict` returns).
    #[staticmethod]
    fn from_dict(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        core::License::from_value(py_to_json(obj)?)
            .map(License)
            .map_err(|e| to_py(py, e))
    }

    /// The whole license as a dict (Go's field names; unknown fields kept).
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_to_py(py, &self.0.to_value())
    }

    fn to_yaml(&self, py: Python<'_>) -> PyResult<String> {
        self.0.to_yaml().map_err(|e| to_py(py, e))
    }

    /// `kots.io/v1beta1` or `kots.io/v1beta2`.
    #[getter]
    fn api_version(&self) -> &'static str {
        self.0.api_version()
    }

    #[getter]
    fn app_slug(&self) -> &str {
        &self.0.spec.app_slug
    }

    #[getter]
    fn license_id(&self) -> &str {
        &self.0.spec.license_id
    }

    #[getter]
    fn customer_name(&self) -> &str {
        &self.0.spec.customer_name
    }

    #[getter]
    fn license_type(&self) -> &str {
        &self.0.spec.license_type
    }

    #[getter]
    fn license_sequence(&self) -> i64 {
        self.0.spec.license_sequence
    }

    /// The `spec` as a dict.
    #[getter]
    fn spec(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_to_py(py, &self.0.to_value()["spec"])
    }

    /// Entitlement values as KOTS types them: `int`, `str`, `bool`, or `None` (v1beta1, no value).
    #[getter]
    fn entitlements(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let dict = PyDict::new(py);
        for (name, e) in &self.0.spec.entitlements {
            let value = e.effective_value(self.0.version).map(|v| v.to_json());
            dict.set_item(name, json_to_py(py, &value.unwrap_or_default())?)?;
        }
        Ok(dict.into_any().unbind())
    }

    /// One entitlement's value (`None` when absent or nil).
    fn entitlement_value(&self, py: Python<'_>, name: &str) -> PyResult<Py<PyAny>> {
        let value = self.0.entitlement_value(name).map(|v| v.to_json());
        json_to_py(py, &value.unwrap_or_default())
    }

    /// `expires_at` in RFC 3339 (UTC), or `None` when the license does not expire.
    fn expires_at(&self, py: Python<'_>) -> PyResult<Option<String>> {
        let at = self.0.expires_at().map_err(|e| to_py(py, e))?;
        Ok(at.map(|t| t.to_string()))
    }

    /// Whether `expires_at` is before `now` (an aware `datetime`, an RFC 3339 `str`, default: now).
    #[pyo3(signature = (now=None))]
    fn is_expired(&self, py: Python<'_>, now: Option<&Bound<'_, PyAny>>) -> PyResult<bool> {
        let now = timestamp(py, now)?;
        self.0.is_expired_at(now).map_err(|e| to_py(py, e))
    }

    fn default_channel_id(&self) -> &str {
        self.0.default_channel_id()
    }

    /// The channel id for an install channel slug (KOTS's `FindChannelIDInLicense`).
    fn channel_id_for_slug(&self, py: Python<'_>, slug: &str) -> PyResult<String> {
        self.0
            .channel_id_for_slug(slug)
            .map(str::to_string)
            .map_err(|e| to_py(py, e))
    }

    /// The channel with this id as a dict (a legacy license has one, built from the top-level fields).
    fn find_channel(&self, py: Python<'_>, channel_id: &str) -> PyResult<Py<PyAny>> {
        let channel = self.0.find_channel(channel_id).map_err(|e| to_py(py, e))?;
        let mut legacy = self.0.clone();
        legacy.spec.channels = vec![channel];
        json_to_py(py, &legacy.to_value()["spec"]["channels"][0])
    }

    fn is_channel_slug_allowed(&self, slug: &str) -> bool {
        self.0.is_channel_slug_allowed(slug)
    }

    fn __repr__(&self) -> String {
        format!(
            "License(api_version={:?}, app_slug={:?}, license_id={:?})",
            self.0.api_version(),
            self.0.spec.app_slug,
            self.0.spec.license_id
        )
    }
}

/// An outer field that differs from the signed data.
#[pyclass(module = "kots", frozen)]
#[derive(Clone)]
pub struct LicenseFieldMismatch(core::FieldMismatch);

#[pymethods]
impl LicenseFieldMismatch {
    /// KOTS's field name, e.g. `licenseID` or `entitlements[seats].value`.
    #[getter]
    fn field(&self) -> &str {
        &self.0.field
    }

    /// The signed value (the one the verified license holds).
    #[getter]
    fn signed(&self) -> &str {
        &self.0.signed
    }

    /// The outer (ignored) value.
    #[getter]
    fn outer(&self) -> &str {
        &self.0.outer
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "LicenseFieldMismatch(field={:?}, signed={:?}, outer={:?})",
            self.0.field, self.0.signed, self.0.outer
        )
    }
}

/// A license whose signature verified: `license` holds the signed data.
#[pyclass(module = "kots", frozen)]
pub struct VerifiedLicense(core::VerifiedLicense);

#[pymethods]
impl VerifiedLicense {
    #[getter]
    fn license(&self) -> License {
        License(self.0.license.clone())
    }

    /// `rsa-pss-md5`, `rsa-pss-sha256` or `ed25519`.
    #[getter]
    fn scheme(&self) -> &'static str {
        self.0.scheme.as_str()
    }

    /// The RSA globalKeyId or the ed25519 key id.
    #[getter]
    fn key_id(&self) -> &str {
        &self.0.key_id
    }

    #[getter]
    fn warnings(&self) -> Vec<LicenseFieldMismatch> {
        self.0
            .warnings
            .iter()
            .cloned()
            .map(LicenseFieldMismatch)
            .collect()
    }
}

/// Verifies licenses offline. Trusts KOTS's three embedded RSA global keys unless
/// `embedded_keys=False`; `strict=True` turns outer/signed differences into errors.
#[pyclass(module = "kots")]
pub struct LicenseVerifier(core::Verifier);

#[pymethods]
impl LicenseVerifier {
    #[new]
    #[pyo3(signature = (*, embedded_keys=true, strict=false))]
    fn new(embedded_keys: bool, strict: bool) -> Self {
        let mut verifier = if embedded_keys {
            core::Verifier::new()
        } else {
            core::Verifier::without_embedded_keys()
        };
        verifier.set_strict(strict);
        LicenseVerifier(verifier)
    }

    #[getter]
    fn strict(&self) -> bool {
        self.0.is_strict()
    }

    #[setter]
    fn set_strict(&mut self, strict: bool) {
        self.0.set_strict(strict);
    }

    /// Trusts an RSA public key (PKIX PEM) as the global key `key_id`.
    fn trust_rsa_key(&mut self, py: Python<'_>, key_id: &str, pem: &str) -> PyResult<()> {
        self.0.trust_rsa_key(key_id, pem).map_err(|e| to_py(py, e))
    }

    /// Trusts an RSA public key (PKIX PEM) for every globalKeyId, like KOTS's custom key.
    fn trust_rsa_key_for_any_id(&mut self, py: Python<'_>, pem: &str) -> PyResult<()> {
        self.0
            .trust_rsa_key_for_any_id(pem)
            .map_err(|e| to_py(py, e))
    }

    /// Trusts an ed25519 public key (SPKI PEM) under `key_id`.
    fn trust_ed25519_key(
        &mut self,
        py: Python<'_>,
        key_id: &str,
        public_key_pem: &str,
    ) -> PyResult<()> {
        let key = Ed25519PublicKey::from_pem(public_key_pem).map_err(|e| to_py(py, e))?;
        self.0.trust_ed25519_key(key_id, key);
        Ok(())
    }

    /// Verifies a `License` or license text; raises `LicenseError` when it is not valid.
    fn verify(&self, py: Python<'_>, license: &Bound<'_, PyAny>) -> PyResult<VerifiedLicense> {
        let license = license_arg(py, license)?;
        self.0
            .verify(&license)
            .map(VerifiedLicense)
            .map_err(|e| to_py(py, e))
    }
}

fn license_arg(py: Python<'_>, arg: &Bound<'_, PyAny>) -> PyResult<core::License> {
    if let Ok(license) = arg.cast::<License>() {
        return Ok(license.get().0.clone());
    }
    if let Ok(text) = arg.cast::<PyString>() {
        return core::License::from_yaml(&text.to_cow()?).map_err(|e| to_py(py, e));
    }
    Err(PyTypeError::new_err(
        "license: expected a License or license text (str)",
    ))
}

/// A new ed25519 signing key: `(private_key_pem, public_key_pem)` (PKCS#8 and SPKI).
#[pyfunction]
fn generate_license_signing_key(py: Python<'_>) -> PyResult<(String, String)> {
    let key = core::generate_ed25519_key().map_err(|e| to_py(py, e))?;
    Ok((key.to_pem(), key.verifying_key().to_pem()))
}

/// The public key PEM of a private key PEM.
#[pyfunction]
fn license_public_key(py: Python<'_>, private_key_pem: &str) -> PyResult<String> {
    let key = Ed25519PrivateKey::from_pem(private_key_pem).map_err(|e| to_py(py, e))?;
    Ok(key.verifying_key().to_pem())
}

/// Signs a `License` (or license text) with an ed25519 private key PEM under `key_id`.
#[pyfunction]
fn sign_license(
    py: Python<'_>,
    license: &Bound<'_, PyAny>,
    private_key_pem: &str,
    key_id: &str,
) -> PyResult<License> {
    let license = license_arg(py, license)?;
    let key = Ed25519PrivateKey::from_pem(private_key_pem).map_err(|e| to_py(py, e))?;
    core::sign_license(&license, &key, key_id)
        .map(License)
        .map_err(|e| to_py(py, e))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<License>()?;
    m.add_class::<LicenseFieldMismatch>()?;
    m.add_class::<VerifiedLicense>()?;
    m.add_class::<LicenseVerifier>()?;
    m.add_function(wrap_pyfunction!(generate_license_signing_key, m)?)?;
    m.add_function(wrap_pyfunction!(license_public_key, m)?)?;
    m.add_function(wrap_pyfunction!(sign_license, m)?)?;
    Ok(())
}
