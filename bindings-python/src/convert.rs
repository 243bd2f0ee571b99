//! Python values to the core's JSON values and back, object by object: no JSON text is
//! written or parsed on either side of a call.

use std::path::PathBuf;

use larkmsg::Error;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMemoryView, PyString, PyTuple,
};
use serde_json::{Map, Number, Value};

use crate::to_py_err;

/// How a request's values become the core's: where its byte buffers go, and which
/// top-level field is being converted (it names the violation of a value nested too deep).
pub struct Request<'a> {
    /// The byte buffers the request names as `{"buffer": i}`; `None` refuses bytes.
    buffers: Option<&'a mut Vec<bytes::Bytes>>,
    field: String,
}

impl<'a> Request<'a> {
    /// A conversion that hands `bytes`, `bytearray` and `memoryview` values over as
    /// `buffers` (`{"buffer": i}`) and path-likes as `{"path": …}`.
    pub fn with_buffers(buffers: &'a mut Vec<bytes::Bytes>) -> Self {
        Self { buffers: Some(buffers), field: String::new() }
    }

    /// A conversion of plain JSON values (bytes are a `TypeError`).
    pub fn plain() -> Self {
        Self { buffers: None, field: String::new() }
    }

    /// The fields of `request`, each converted.
    ///
    /// # Errors
    /// A `TypeError` naming the field for a value JSON has no form for, or the core's
    /// `ValidationError` for a value nested deeper than the core accepts (a cycle too).
    pub fn object(&mut self, request: &Bound<'_, PyDict>) -> PyResult<Value> {
        let mut map = Map::with_capacity(request.len());
        for (key, item) in request.iter() {
            let key = key_of(&key)?;
            self.field.clone_from(&key);
            let value = self.value(&item, 0)?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }

    /// One value, `depth` arrays and objects below the top-level field.
    fn value(&mut self, item: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
        if let Ok(text) = item.cast::<PyString>() {
            return Ok(Value::String(text.to_cow()?.into_owned()));
        }
        if let Ok(dict) = item.cast::<PyDict>() {
            self.deeper(item.py(), depth)?;
            let mut map = Map::with_capacity(dict.len());
            for (key, child) in dict.iter() {
                map.insert(key_of(&key)?, self.value(&child, depth + 1)?);
            }
            return Ok(Value::Object(map));
        }
        if item.is_none() {
            return Ok(Value::Null);
        }
        if let Ok(flag) = item.cast::<PyBool>() {
            return Ok(Value::Bool(flag.is_true()));
        }
        if item.is_instance_of::<PyInt>() {
            return integer(item).ok_or_else(|| self.type_error("is an integer too large for JSON"));
        }
        if let Ok(number) = item.cast::<PyFloat>() {
            return Number::from_f64(number.value())
                .map(Value::Number)
                .ok_or_else(|| self.type_error("is not a finite number"));
        }
        if let Ok(list) = item.cast::<PyList>() {
            self.deeper(item.py(), depth)?;
            return list.iter().map(|child| self.value(&child, depth + 1)).collect();
        }
        if let Ok(tuple) = item.cast::<PyTuple>() {
            self.deeper(item.py(), depth)?;
            return tuple.iter().map(|child| self.value(&child, depth + 1)).collect();
        }
        if item.is_instance_of::<PyBytes>()
            || item.is_instance_of::<PyByteArray>()
            || item.is_instance_of::<PyMemoryView>()
        {
            return self.buffer(item);
        }
        if item.hasattr(pyo3::intern!(item.py(), "__fspath__"))? {
            let path: PathBuf = item.extract()?;
            let path = path
                .into_os_string()
                .into_string()
                .map_err(|_| self.type_error("is a path that is not UTF-8"))?;
            return Ok(serde_json::json!({ "path": path }));
        }
        let kind = item.get_type().name().map_or_else(|_| "?".to_owned(), |name| name.to_string());
        Err(self.type_error(&format!("is of type {kind}, which has no JSON form")))
    }

    /// The value's bytes as the next buffer (`{"buffer": i}`): a `bytes` object without
    /// any copy, a `bytearray` or `memoryview` copied once.
    fn buffer(&mut self, item: &Bound<'_, PyAny>) -> PyResult<Value> {
        let field = self.field.clone();
        let Some(buffers) = self.buffers.as_deref_mut() else {
            return Err(PyTypeError::new_err(format!("{field}: bytes have no JSON form here")));
        };
        let owned: PyBackedBytes = if let Ok(view) = item.cast::<PyMemoryView>() {
            view.py().import("builtins")?.getattr("bytes")?.call1((view,))?.extract()?
        } else {
            item.extract()?
        };
        buffers.push(bytes::Bytes::from_owner(owned));
        Ok(serde_json::json!({ "buffer": buffers.len() - 1 }))
    }

    /// Refuses to go below `MAX_DEPTH` levels of arrays and objects (a cycle ends here too).
    fn deeper(&self, py: Python<'_>, depth: usize) -> PyResult<()> {
        if depth < larkmsg::validate::MAX_DEPTH {
            return Ok(());
        }
        let violation = larkmsg::validate::too_deep(&self.field);
        Err(to_py_err(py, &Error::from(larkmsg::Violations::from(violation))))
    }

    fn type_error(&self, what: &str) -> PyErr {
        PyTypeError::new_err(format!("{}: the value {what}", self.field))
    }
}

/// A Python `int` as a JSON number: exact within 64 bits, a float beyond (as JSON text
/// parsed by the core would be); `None` past the range of a float.
fn integer(item: &Bound<'_, PyAny>) -> Option<Value> {
    if let Ok(small) = item.extract::<i64>() {
        return Some(Value::from(small));
    }
    if let Ok(large) = item.extract::<u64>() {
        return Some(Value::from(large));
    }
    item.extract::<f64>().ok().and_then(Number::from_f64).map(Value::Number)
}

/// An object key: a string, or an `int` written as JSON writes it.
fn key_of(key: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(text) = key.cast::<PyString>() {
        return Ok(text.to_cow()?.into_owned());
    }
    if key.is_instance_of::<PyInt>() && !key.is_instance_of::<PyBool>() {
        return Ok(key.str()?.to_cow()?.into_owned());
    }
    Err(PyTypeError::new_err(format!("object keys must be strings, not {}", key.repr()?)))
}

/// The Python form of a JSON value: `dict`, `list`, `str`, `int`, `float`, `bool`, `None`.
///
/// # Errors
/// Only when Python cannot allocate.
pub fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(flag) => PyBool::new(py, *flag).to_owned().into_any(),
        Value::Number(number) => {
            if let Some(small) = number.as_i64() {
                small.into_pyobject(py)?.into_any()
            } else if let Some(large) = number.as_u64() {
                large.into_pyobject(py)?.into_any()
            } else {
                PyFloat::new(py, number.as_f64().unwrap_or(f64::NAN)).into_any()
            }
        }
        Value::String(text) => PyString::new(py, text).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (key, item) in map {
                dict.set_item(PyString::new(py, key), to_python(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// A plain JSON value (a spec, options) from its Python form.
///
/// # Errors
/// As [`Request::object`]; a `ValueError` for a value that is not a `dict`.
pub fn plain_object(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    let dict = value.cast::<PyDict>().map_err(|_| PyValueError::new_err("expected a dict"))?;
    Request::plain().object(dict)
}
