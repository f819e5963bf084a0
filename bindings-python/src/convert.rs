//! JSON values to and from Python objects: dicts keep key order, integers stay integers.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

pub fn json_to_py(py: Python<'_>, value: &Value) -> PyResult<Py<PyAny>> {
    Ok(match value {
        Value::Null => py.None(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Value::Number(n) => number_to_py(py, n)?,
        Value::String(s) => PyString::new(py, s).into_any().unbind(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any().unbind()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any().unbind()
        }
    })
}

fn number_to_py(py: Python<'_>, n: &Number) -> PyResult<Py<PyAny>> {
    Ok(if let Some(i) = n.as_i64() {
        i.into_pyobject(py)?.into_any().unbind()
    } else if let Some(u) = n.as_u64() {
        u.into_pyobject(py)?.into_any().unbind()
    } else {
        n.as_f64()
            .unwrap_or(f64::NAN)
            .into_pyobject(py)?
            .into_any()
            .unbind()
    })
}

/// Converts a Python value built from dicts, lists, tuples, strings, numbers, booleans and None.
pub fn py_to_json(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if obj.is_none() {
        Ok(Value::Null)
    } else if let Ok(b) = obj.cast::<PyBool>() {
        Ok(Value::Bool(b.is_true()))
    } else if obj.is_instance_of::<PyInt>() {
        let n: Number = match obj.extract::<i64>() {
            Ok(i) => i.into(),
            Err(_) => obj.extract::<u64>()?.into(),
        };
        Ok(Value::Number(n))
    } else if let Ok(f) = obj.cast::<PyFloat>() {
        Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| PyTypeError::new_err("NaN and infinity have no JSON form"))
    } else if let Ok(s) = obj.cast::<PyString>() {
        Ok(Value::String(s.to_cow()?.into_owned()))
    } else if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| PyTypeError::new_err("dict keys must be strings"))?;
            map.insert(key.to_cow()?.into_owned(), py_to_json(&v)?);
        }
        Ok(Value::Object(map))
    } else if let Ok(l) = obj.cast::<PyList>() {
        l.iter()
            .map(|v| py_to_json(&v))
            .collect::<PyResult<_>>()
            .map(Value::Array)
    } else if let Ok(t) = obj.cast::<PyTuple>() {
        t.iter()
            .map(|v| py_to_json(&v))
            .collect::<PyResult<_>>()
            .map(Value::Array)
    } else {
        Err(PyTypeError::new_err(format!(
            "cannot convert {} to JSON",
            obj.get_type().name()?
        )))
    }
}
