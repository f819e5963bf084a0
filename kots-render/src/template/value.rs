//! Go's value model, as the template engine and its functions see it.
//!
//! Go's text/template works on `reflect.Value`s; KOTS templates only ever meet a handful of Go
//! kinds, and this enum keeps them distinct because printing, comparison and argument checking
//! depend on the kind (`3` is an `int` and prints `3`, `3.0` from JSON data is a `float64` and
//! prints `3` too, but `printf "%d"` of the float prints `%!d(float64=3)`).
//!
//! | Go type                   | `Value`            |
//! |---------------------------|--------------------|
//! | untyped `nil` interface   | [`Value::Nil`]     |
//! | `bool`                    | [`Value::Bool`]    |
//! | `int`                     | [`Value::Int`]     |
//! | `int64`                   | [`Value::Int64`]   |
//! | `uint64`                  | [`Value::Uint`]    |
//! | `float64`                 | [`Value::Float`]   |
//! | `string`                  | [`Value::String`]  |
//! | `[]interface{}`           | [`Value::List`]    |
//! | `map[string]interface{}`  | [`Value::Map`]     |
//! | anything else (structs, `time.Time`, `*semver.Version`, ...) | [`Value::Object`] |
//!
//! Data decoded from JSON follows Go's `encoding/json` into `interface{}`: every number is a
//! `float64`, objects are `map[string]interface{}`, arrays `[]interface{}`.
//!
//! Clones are cheap: strings, lists and maps are reference counted. Strings and lists are
//! immutable; maps are shared and mutable like Go's map references ([`MapRef`]): sprig's `set`,
//! `unset` and `merge` change a map in place, and every value holding it sees the change.
//!
//! ```
//! use kots_render::template::Value;
//! let v = Value::from_json(&serde_json::json!({"b": [1, "x"], "a": 1.5}));
//! assert_eq!(v.to_string(), "map[a:1.5 b:[1 x]]");
//! assert_eq!(Value::Int(3).type_name(), "int");
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::funcs::FuncError;
use super::gofmt;

/// A Go map with string keys. Go ranges and prints maps in sorted key order, as this does.
pub type Map = BTreeMap<String, Value>;

/// A value inside a template: the data, variables, literals, and function arguments and results.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// A nil `interface{}`. Printed by `print` as `<nil>`; as the result of a pipeline it
    /// prints `<no value>`, as in Go.
    #[default]
    Nil,
    /// Go `bool`.
    Bool(bool),
    /// Go `int` (64 bits). Integer literals in templates and `len` results are `int`.
    Int(i64),
    /// Go `int64`, the result type of most sprig arithmetic.
    Int64(i64),
    /// Go `uint64`.
    Uint(u64),
    /// Go `float64`: every number in JSON data, and float literals.
    Float(f64),
    /// Go `string`.
    String(Arc<str>),
    /// Go `[]interface{}`.
    List(Arc<Items>),
    /// Go `map[string]interface{}`: a shared, mutable reference, as in Go.
    Map(MapRef),
    /// Any other Go type (a struct, `time.Time`, ...), implemented by a function library.
    Object(Arc<dyn Object>),
}

/// A Go value of a type the engine does not know: a struct with fields, or a type with methods.
///
/// Sprig uses these for `time.Time`, `*semver.Version` and the certificate structs of `genCA`.
/// Templates reach fields and methods with `.Name` chains (`(genCA "x" 365).Cert`).
pub trait Object: fmt::Debug + Send + Sync + std::any::Any {
    /// The Go type as `%T` prints it, e.g. `time.Time` or `sprig.certificate`.
    fn type_name(&self) -> &str;
    /// The Go kind as `reflect.Kind.String()` names it, e.g. `struct` or `ptr`.
    fn kind_name(&self) -> &str {
        "struct"
    }
    /// Writes the value as Go's `%v` prints it.
    fn format(&self, out: &mut String);
    /// Looks up the field or method `name` and evaluates it with `args` (methods only; a field
    /// given arguments is an error the engine reports). `None`: no such field or method.
    fn member(&self, name: &str, args: &[Value]) -> Option<Result<Value, FuncError>>;
    /// Whether the member `name` is a method (so it may take arguments).
    fn is_method(&self, name: &str) -> bool {
        let _ = name;
        false
    }
    /// Go truthiness: structs are always true.
    fn is_true(&self) -> bool {
        true
    }
}

impl Value {
    /// Decodes JSON the way Go's `encoding/json` decodes into `interface{}`.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Nil,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::String(s.as_str().into()),
            serde_json::Value::Array(a) => Value::list(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => Value::map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// Encodes the value as JSON. Integers stay integers; non-finite floats and objects become
    /// their `%v` string. Values nested deeper than [`MAX_DEPTH`] (a map containing itself) are
    /// cut off as `null`.
    pub fn to_json(&self) -> serde_json::Value {
        self.to_json_at(0)
    }

    fn to_json_at(&self, depth: usize) -> serde_json::Value {
        if depth > MAX_DEPTH {
            return serde_json::Value::Null;
        }
        match self {
            Value::Nil => serde_json::Value::Null,
            Value::Bool(b) => (*b).into(),
            Value::Int(i) | Value::Int64(i) => (*i).into(),
            Value::Uint(u) => (*u).into(),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or_else(|| self.to_string().into()),
            Value::String(s) => s.as_ref().into(),
            Value::List(l) => l.iter().map(|v| v.to_json_at(depth + 1)).collect(),
            Value::Map(m) => m
                .snapshot()
                .iter()
                .map(|(k, v)| (k.clone(), v.to_json_at(depth + 1)))
                .collect(),
            Value::Object(_) => self.to_string().into(),
        }
    }

    /// The Go type name as `%T` prints it (`int`, `float64`, `[]interface {}`, ...).
    pub fn type_name(&self) -> &str {
        match self {
            Value::Nil => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Uint(_) => "uint64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::List(_) => "[]interface {}",
            Value::Map(_) => "map[string]interface {}",
            Value::Object(o) => o.type_name(),
        }
    }

    /// The Go kind as `reflect.Kind.String()` names it (`int`, `slice`, `map`, `invalid` for nil).
    pub fn kind_name(&self) -> &str {
        match self {
            Value::Nil => "invalid",
            Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(o) => o.kind_name(),
            _ => self.type_name(),
        }
    }

    /// Go template truthiness (`if`, `with`, `and`, `or`, `not`): false for nil, false, zero
    /// numbers, and empty strings, lists and maps; true otherwise.
    pub fn is_true(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Uint(u) => *u != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Object(o) => o.is_true(),
        }
    }

    /// The string, if this is a `string`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is a signed integer (`int` or `int64`).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) | Value::Int64(i) => Some(*i),
            _ => None,
        }
    }

    /// The float, if this is a `float64`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The list items, if this is a list.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// A snapshot of the map's entries, if this is a map (later changes to the map do not
    /// show in the snapshot).
    pub fn as_map(&self) -> Option<Arc<Map>> {
        match self {
            Value::Map(m) => Some(m.snapshot()),
            _ => None,
        }
    }

    /// A copy sharing nothing mutable with `self` (copystructure's deep copy, as sprig's
    /// `deepCopy`): maps are copied at every level. Fails on values nested deeper than
    /// [`MAX_DEPTH`], which is how a map containing itself shows (Go overflows its stack).
    pub fn deep_copy(&self) -> Result<Value, FuncError> {
        self.deep_copy_at(0, &mut Vec::new())
    }

    /// `maps`: the maps being copied around `self` (meeting one again is a cycle).
    fn deep_copy_at(&self, depth: usize, maps: &mut Vec<usize>) -> Result<Value, FuncError> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        Ok(match self {
            Value::List(l) => Value::list(
                l.iter()
                    .map(|v| v.deep_copy_at(depth + 1, maps))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Map(m) if m.is_nil() => self.clone(),
            Value::Map(m) => {
                if maps.contains(&m.id()) {
                    return Err(too_deep());
                }
                maps.push(m.id());
                let copy = m
                    .snapshot()
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), v.deep_copy_at(depth + 1, maps)?)))
                    .collect::<Result<_, FuncError>>()?;
                maps.pop();
                Value::map(copy)
            }
            other => other.clone(),
        })
    }

    /// Builds a list value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(Items(items)))
    }

    /// Builds a map value.
    pub fn map(map: Map) -> Value {
        Value::Map(MapRef::new(map))
    }
}

/// The deepest nesting of lists and maps that printing, copying and encoding follow. Data never
/// nests this deep; a map containing itself (`set $d "self" $d`) does, endlessly, and Go
/// overflows its stack printing it.
pub const MAX_DEPTH: usize = 1_000;

/// The error for a map containing itself, or a value nested deeper than [`MAX_DEPTH`].
pub(crate) fn too_deep() -> FuncError {
    FuncError::Limit(format!(
        "a map contains itself, or values nest deeper than {MAX_DEPTH} levels"
    ))
}

/// String equality for short names (variables, map keys): lengths, then bytes inline. Slice
/// `==` calls `memcmp`, which costs more than the comparison itself for names this short.
#[inline]
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// Up to this many entries, [`MapRef::get`] scans instead of searching.
const SMALL_MAP: usize = 8;

/// A Go map: a shared reference to mutable entries, so that a change made through one value
/// (sprig's `set`, `unset`, `merge`) is seen through every other value holding the same map.
///
/// Readers take a [`snapshot`](MapRef::snapshot) (cheap: a reference count) and iterate it
/// without holding a lock; a writer changes the entries in place unless a snapshot is alive, in
/// which case it copies them first. So ranging over a map sees the entries as they were when the
/// range started, as Go's `range` over a sorted key list does.
///
/// ```
/// use kots_render::template::Value;
/// let d = Value::from_json(&serde_json::json!({"a": 1}));
/// let alias = d.clone();
/// if let Value::Map(m) = &d {
///     m.update(|m| m.insert("b".into(), Value::Int(2)));
/// }
/// assert_eq!(alias.to_string(), "map[a:1 b:2]");
/// ```
#[derive(Clone, Default)]
pub struct MapRef {
    cell: Arc<Mutex<Arc<Map>>>,
    nil: bool,
}

impl MapRef {
    /// A new map holding `map`.
    pub fn new(map: Map) -> Self {
        MapRef {
            cell: Arc::new(Mutex::new(Arc::new(map))),
            nil: false,
        }
    }

    /// Go's nil map (what a nil or missing argument becomes in a map parameter): empty, and
    /// sprig's `set` on it fails as Go's assignment to a nil map panics. Never changed.
    pub fn nil() -> Self {
        MapRef {
            cell: Arc::default(),
            nil: true,
        }
    }

    /// Whether this is Go's nil map.
    pub fn is_nil(&self) -> bool {
        self.nil
    }

    fn lock(&self) -> MutexGuard<'_, Arc<Map>> {
        // The lock is never held across a call that could panic; recover anyway.
        self.cell.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The entries as they are now.
    pub fn snapshot(&self) -> Arc<Map> {
        self.lock().clone()
    }

    /// The value at `key`.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.with(key, |v| v.cloned())
    }

    /// Runs `f` on the value at `key` without cloning it, under the map's lock: `f` must not
    /// touch this map (or a map holding it) again.
    pub(crate) fn with<R>(&self, key: &str, f: impl FnOnce(Option<&Value>) -> R) -> R {
        let map = self.lock();
        // Template data maps are small: a scan that compares lengths first is cheaper than the
        // ordered search, which calls memcmp for most keys it passes.
        if map.len() <= SMALL_MAP {
            let mut entries = map.iter();
            return f(entries.find(|(k, _)| same_name(k, key)).map(|(_, v)| v));
        }
        f(map.get(key))
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.lock().contains_key(key)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Changes the entries in place; every holder of this map sees the change. (Callers check
    /// [`is_nil`](MapRef::is_nil) first: Go cannot store into a nil map.)
    pub fn update<R>(&self, change: impl FnOnce(&mut Map) -> R) -> R {
        let mut guard = self.lock();
        change(Arc::make_mut(&mut guard))
    }

    /// Whether `self` and `other` are the same Go map (not merely equal).
    pub fn same(&self, other: &MapRef) -> bool {
        Arc::ptr_eq(&self.cell, &other.cell)
    }

    /// An identity for the map, for cycle detection.
    pub(crate) fn id(&self) -> usize {
        Arc::as_ptr(&self.cell) as usize
    }
}

/// The elements of a list value. Freeing them, like freeing a map, is iterative: a template can
/// nest values hundreds of thousands deep (`{{ $d = list $d }}` in a loop), and freeing those
/// recursively would overflow the stack.
#[derive(Clone, Debug, Default)]
pub struct Items(pub Vec<Value>);

impl std::ops::Deref for Items {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.0
    }
}

impl Drop for Items {
    fn drop(&mut self) {
        free_iteratively(std::mem::take(&mut self.0));
    }
}

impl Drop for MapRef {
    fn drop(&mut self) {
        // Only the last holder frees the entries; the others just drop a reference.
        if Arc::strong_count(&self.cell) == 1 {
            let mut pending = Vec::new();
            self.take_entries(&mut pending);
            free_iteratively(pending);
        }
    }
}

impl MapRef {
    /// Moves the entries of a map nothing else holds into `out`, leaving it empty.
    fn take_entries(&self, out: &mut Vec<Value>) {
        if Arc::strong_count(&self.cell) == 1 {
            if let Some(map) = Arc::get_mut(&mut self.lock()) {
                out.extend(std::mem::take(map).into_values());
            }
        }
    }
}

/// Frees `values` with a loop instead of recursion: before a list or map that nothing else holds
/// is dropped, its elements are moved onto the work list, so each drop is shallow.
fn free_iteratively(mut pending: Vec<Value>) {
    while let Some(value) = pending.pop() {
        match value {
            Value::List(mut items) => {
                if let Some(items) = Arc::get_mut(&mut items) {
                    pending.append(&mut items.0);
                }
            }
            Value::Map(map) => map.take_entries(&mut pending),
            _ => {}
        }
    }
}

/// Prints the map as Go's `%v` does (bounded by [`MAX_DEPTH`]).
impl fmt::Debug for MapRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Value::Map(self.clone()))
    }
}

/// Formats as Go's `fmt.Sprint` (`%v`) does.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        gofmt::write_v(&mut out, self);
        f.write_str(&out)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Float(f)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.into())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s.into())
    }
}
impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Self {
        Value::list(items)
    }
}
impl From<Map> for Value {
    fn from(map: Map) -> Self {
        Value::map(map)
    }
}
impl From<&serde_json::Value> for Value {
    fn from(json: &serde_json::Value) -> Self {
        Value::from_json(json)
    }
}
