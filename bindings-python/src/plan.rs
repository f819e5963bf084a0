//! `kots.plan_release`, `kots.plan_release_text`, `kots.kots_diff_summary`, `kots.plan_schema`.

use std::collections::BTreeMap;

use kots_core::manifest::{self, Object};
use kots_core::plan::{self, PlanError, PlanInput, Policy};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::convert::{json_to_py, py_to_json};
use crate::errors;

fn to_py(py: Python<'_>, e: PlanError) -> PyErr {
    let (set, document) = match &e {
        PlanError::MissingName { set, document, .. } => (Some(set.clone()), Some(*document)),
        PlanError::Duplicate { set, second, .. } => (Some(set.clone()), Some(*second)),
        _ => (None, None),
    };
    let err = errors::PlanError::new_err(e.to_string());
    let fields = [
        ("set", set.into_pyobject(py).map(|o| o.into_any().unbind())),
        (
            "document",
            document.into_pyobject(py).map(|o| o.into_any().unbind()),
        ),
    ];
    let fields: Vec<(&str, Py<PyAny>)> = fields
        .into_iter()
        .filter_map(|(k, v)| v.ok().map(|v| (k, v)))
        .collect();
    errors::with_fields(py, err, &fields)
}

/// Objects from a YAML stream (`str`) or a list of dicts; `what` names the argument in errors.
fn objects(arg: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Object>> {
    if let Ok(text) = arg.cast::<PyString>() {
        return manifest::parse_manifests(&text.to_cow()?)
            .map_err(|e| errors::ManifestError::new_err(format!("{what}: {e}")));
    }
    match py_to_json(arg)? {
        serde_json::Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                Object::from_value(item)
                    .map_err(|e| errors::ManifestError::new_err(format!("{what}[{i}]: {e}")))
            })
            .collect(),
        _ => Err(PyTypeError::new_err(format!(
            "{what}: expected a YAML string or a list of dicts"
        ))),
    }
}

/// `{path: str | bytes}` → file map.
fn files(arg: &Bound<'_, PyAny>, what: &str) -> PyResult<BTreeMap<String, Vec<u8>>> {
    let dict = arg.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(format!("{what}: expected a dict of path to str or bytes"))
    })?;
    let mut out = BTreeMap::new();
    for (k, v) in dict.iter() {
        let key: String = k.extract()?;
        let bytes = if let Ok(b) = v.cast::<PyBytes>() {
            b.as_bytes().to_vec()
        } else if let Ok(s) = v.cast::<PyString>() {
            s.to_cow()?.as_bytes().to_vec()
        } else {
            return Err(PyTypeError::new_err(format!(
                "{what}[{key:?}]: expected str or bytes"
            )));
        };
        out.insert(key, bytes);
    }
    Ok(out)
}

fn policy(arg: Option<&Bound<'_, PyAny>>) -> PyResult<Policy> {
    match arg {
        None => Ok(Policy::default()),
        Some(p) => serde_json::from_value(py_to_json(p)?)
            .map_err(|e| errors::PlanError::new_err(format!("policy: {e}"))),
    }
}

#[allow(clippy::too_many_arguments)]
fn inputs(
    previous: &Bound<'_, PyAny>,
    new: &Bound<'_, PyAny>,
    failed_attempts: Option<&Bound<'_, PyAny>>,
    live: Option<&Bound<'_, PyAny>>,
    policy_arg: Option<&Bound<'_, PyAny>>,
    previous_files: Option<&Bound<'_, PyAny>>,
    new_files: Option<&Bound<'_, PyAny>>,
) -> PyResult<(PlanInput, Policy)> {
    let failed = match failed_attempts {
        None => Vec::new(),
        Some(list) => list
            .try_iter()?
            .enumerate()
            .map(|(i, item)| objects(&item?, &format!("failed_attempts[{i}]")))
            .collect::<PyResult<_>>()?,
    };
    let input = PlanInput {
        previous: objects(previous, "previous")?,
        new: objects(new, "new")?,
        failed_attempts: failed,
        live: live.map(|l| objects(l, "live")).transpose()?,
        previous_files: previous_files
            .map(|f| files(f, "previous_files"))
            .transpose()?,
        new_files: new_files.map(|f| files(f, "new_files")).transpose()?,
    };
    Ok((input, policy(policy_arg)?))
}

/// Plans an upgrade from `previous` to `new` (YAML streams or lists of dicts) and returns the
/// plan document as a dict (see `plan_schema()`).
#[pyfunction]
#[pyo3(signature = (previous, new, *, failed_attempts=None, live=None, policy=None, previous_files=None, new_files=None))]
#[allow(clippy::too_many_arguments)]
fn plan_release(
    py: Python<'_>,
    previous: &Bound<'_, PyAny>,
    new: &Bound<'_, PyAny>,
    failed_attempts: Option<&Bound<'_, PyAny>>,
    live: Option<&Bound<'_, PyAny>>,
    policy: Option<&Bound<'_, PyAny>>,
    previous_files: Option<&Bound<'_, PyAny>>,
    new_files: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let (input, policy) = inputs(
        previous,
        new,
        failed_attempts,
        live,
        policy,
        previous_files,
        new_files,
    )?;
    let plan = plan::plan(&input, &policy).map_err(|e| to_py(py, e))?;
    let value =
        serde_json::to_value(&plan).map_err(|e| errors::PlanError::new_err(e.to_string()))?;
    json_to_py(py, &value)
}

/// Like `plan_release`, but returns the human report: a table of operations and a unified diff
/// per object. Secret values never appear.
#[pyfunction]
#[pyo3(signature = (previous, new, *, failed_attempts=None, live=None, policy=None, previous_files=None, new_files=None))]
#[allow(clippy::too_many_arguments)]
fn plan_release_text(
    py: Python<'_>,
    previous: &Bound<'_, PyAny>,
    new: &Bound<'_, PyAny>,
    failed_attempts: Option<&Bound<'_, PyAny>>,
    live: Option<&Bound<'_, PyAny>>,
    policy: Option<&Bound<'_, PyAny>>,
    previous_files: Option<&Bound<'_, PyAny>>,
    new_files: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let (input, policy) = inputs(
        previous,
        new,
        failed_attempts,
        live,
        policy,
        previous_files,
        new_files,
    )?;
    let plan = plan::plan(&input, &policy).map_err(|e| to_py(py, e))?;
    Ok(plan::render_human(&plan, &input))
}

/// KOTS's version diff summary between two file maps: `{filesChanged, linesAdded, linesRemoved}`.
#[pyfunction]
fn kots_diff_summary(
    py: Python<'_>,
    previous_files: &Bound<'_, PyAny>,
    new_files: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    let summary = plan::kots_diff_summary(
        &files(previous_files, "previous_files")?,
        &files(new_files, "new_files")?,
    );
    let value =
        serde_json::to_value(summary).map_err(|e| errors::PlanError::new_err(e.to_string()))?;
    json_to_py(py, &value)
}

/// The JSON Schema of the plan document.
#[pyfunction]
fn plan_schema(py: Python<'_>) -> PyResult<Py<PyAny>> {
    json_to_py(py, &plan::plan_schema())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(plan_release, m)?)?;
    m.add_function(wrap_pyfunction!(plan_release_text, m)?)?;
    m.add_function(wrap_pyfunction!(kots_diff_summary, m)?)?;
    m.add_function(wrap_pyfunction!(plan_schema, m)?)?;
    Ok(())
}
