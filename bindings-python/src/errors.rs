//! The Python exception hierarchy, rooted at `kots.KotsError`, one class per error family.
//! Each binding module maps its own Rust error enum to one of these, once.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    kots,
    KotsError,
    PyException,
    "Base class of every error raised by kots."
);
create_exception!(
    kots,
    ManifestError,
    KotsError,
    "A manifest stream could not be split or parsed."
);
create_exception!(
    kots,
    LicenseError,
    KotsError,
    "A license is malformed, unsigned, tampered with or untrusted."
);
create_exception!(
    kots,
    GateError,
    KotsError,
    "A KOTS version could not be parsed or gated."
);
create_exception!(
    kots,
    KindsError,
    KotsError,
    "A KOTS kind (Application, Config, HelmChart...) could not be decoded."
);
create_exception!(
    kots,
    TemplateError,
    KotsError,
    "A template failed to parse or execute (Go's message)."
);
create_exception!(
    kots,
    ConfigError,
    KotsError,
    "Config items could not be resolved or validated."
);
create_exception!(
    kots,
    RenderError,
    KotsError,
    "A release could not be rendered."
);
create_exception!(
    kots,
    ImageError,
    KotsError,
    "An image reference is invalid or cannot be rewritten."
);
create_exception!(
    kots,
    PlanError,
    KotsError,
    "An upgrade plan could not be computed."
);
create_exception!(
    kots,
    RegistryError,
    KotsError,
    "An OCI registry operation failed."
);

/// Attaches structured details (document index, line, field...) as attributes of the exception.
pub fn with_fields<'py>(py: Python<'py>, err: PyErr, fields: &[(&str, Py<PyAny>)]) -> PyErr {
    let value = err.value(py);
    for (name, field) in fields {
        // An attribute that cannot be set only loses detail; the message already says it all.
        let _ = value.setattr(*name, field.bind(py));
    }
    err
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("KotsError", py.get_type::<KotsError>())?;
    m.add("ManifestError", py.get_type::<ManifestError>())?;
    m.add("LicenseError", py.get_type::<LicenseError>())?;
    m.add("GateError", py.get_type::<GateError>())?;
    m.add("KindsError", py.get_type::<KindsError>())?;
    m.add("TemplateError", py.get_type::<TemplateError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("RenderError", py.get_type::<RenderError>())?;
    m.add("ImageError", py.get_type::<ImageError>())?;
    m.add("PlanError", py.get_type::<PlanError>())?;
    m.add("RegistryError", py.get_type::<RegistryError>())?;
    Ok(())
}
