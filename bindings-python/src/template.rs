//! `kots.Template`: Go text/template (with sprig) as KOTS renders it.

use std::collections::BTreeMap;

use kots_render::template::{self as tpl, Options, Providers, TemplateError, Value};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::errors;

fn to_py(py: Python<'_>, e: TemplateError) -> PyErr {
    let kind = match &e {
        TemplateError::Parse { .. } => "parse",
        TemplateError::Exec { .. } => "exec",
        TemplateError::Limit { .. } => "limit",
        TemplateError::NoTemplate { .. } => "no_template",
    };
    let err = errors::TemplateError::new_err(e.to_string());
    match kind.into_pyobject(py) {
        Ok(k) => errors::with_fields(py, err, &[("kind", k.into_any().unbind())]),
        Err(_) => err,
    }
}

/// Python data to template values: `int` stays a Go `int` (`uint64` above the int64 range),
/// `float` is `float64`, `dict` keys must be strings.
fn py_to_value(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > 512 {
        return Err(PyTypeError::new_err("data nested too deeply"));
    }
    if obj.is_none() {
        return Ok(Value::Nil);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        if let Ok(v) = i.extract::<i64>() {
            return Ok(Value::Int(v));
        }
        return i
            .extract::<u64>()
            .map(Value::Uint)
            .map_err(|_| PyTypeError::new_err("integer out of range"));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Value::Float(f.value()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::from(s.to_cow()?.into_owned()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = BTreeMap::new();
        for (k, v) in d.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| PyTypeError::new_err("template data: dict keys must be str"))?;
            map.insert(key.to_cow()?.into_owned(), py_to_value(&v, depth + 1)?);
        }
        return Ok(Value::map(map));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return l
            .iter()
            .map(|v| py_to_value(&v, depth + 1))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::list);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return t
            .iter()
            .map(|v| py_to_value(&v, depth + 1))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::list);
    }
    Err(PyTypeError::new_err(format!(
        "template data: unsupported type {}",
        obj.get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default()
    )))
}

/// A parsed Go template. `delims` defaults to `("{{", "}}")`; KOTS uses `("{{repl", "}}")` and
/// `("repl{{", "}}")`. `seed` makes clock, environment and randomness deterministic.
#[pyclass(module = "kots._kots", frozen)]
struct Template {
    inner: tpl::Template,
}

#[pymethods]
impl Template {
    #[new]
    #[pyo3(signature = (source, *, delims=None, name="template", seed=None, max_output_bytes=None))]
    fn new(
        py: Python<'_>,
        source: &str,
        delims: Option<(String, String)>,
        name: &str,
        seed: Option<u64>,
        max_output_bytes: Option<usize>,
    ) -> PyResult<Self> {
        let mut opts = Options::default();
        if let Some((l, r)) = delims {
            opts.delims = (l, r);
        }
        if let Some(seed) = seed {
            opts.providers = Providers::deterministic(seed);
        }
        if let Some(max) = max_output_bytes {
            opts.limits.max_output_bytes = max;
        }
        let inner = tpl::Template::parse_with(name, source, &opts).map_err(|e| to_py(py, e))?;
        Ok(Template { inner })
    }

    /// Executes the template with `data` (None is Go's nil data, as KOTS renders).
    #[pyo3(signature = (data=None))]
    fn render(&self, py: Python<'_>, data: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        let value = match data {
            Some(d) => py_to_value(d, 0)?,
            None => Value::Nil,
        };
        let t = &self.inner;
        py.detach(|| t.render(&value)).map_err(|e| to_py(py, e))
    }

    /// The template's name (used in error messages).
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// Names of every template in the set (`define`s and `block`s included), sorted.
    fn template_names(&self) -> Vec<String> {
        self.inner
            .template_names()
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    fn __repr__(&self) -> String {
        format!("Template(name={:?})", self.inner.name())
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Template>()?;
    Ok(())
}
