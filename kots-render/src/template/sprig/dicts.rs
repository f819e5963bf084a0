//! sprig's dictionary functions (dict.go), with `merge`/`mergeOverwrite` following
//! `dario.cat/mergo` v1.0.1 on `map[string]interface{}`.
//!
//! Go maps are references, and so are the engine's ([`MapRef`]): `set`, `unset`, `merge` and
//! `mergeOverwrite` change the map they are given (and return it), and every variable or data
//! field holding that map sees the change. `dict`, `pick`, `omit` and `deepCopy` make new maps.
//! A nil or missing map argument is Go's nil map: readable as empty, but `set` on it fails as
//! Go's assignment to a nil map panics, and `merge` into it makes a new map.
//!
//! Go ranges over maps in random order; `keys` and `values` return sorted-key order.

use std::sync::Arc;

use super::super::funcs::{CallContext, FuncError, FuncMap, Ty};
use super::super::value::{Map, MapRef, Value};
use super::conv::{is_empty, strval};
use super::{add, str_arg};

/// Registers the dictionary functions.
pub fn register(map: &mut FuncMap) {
    use Ty::{Any, Map as M, String as S};
    add(map, "dict", &[], Some(Any), |ctx, a| {
        ctx.check_len("dict", a.len().div_ceil(2) as u64)?;
        let mut out = Map::new();
        for pair in a.chunks(2) {
            let value = pair.get(1).cloned().unwrap_or_else(|| Value::from(""));
            out.insert(strval(&pair[0]), value);
        }
        Ok(Value::map(out))
    });
    add(map, "get", &[M, S], None, |_, a| {
        Ok(dict(&a[0])
            .get(str_arg(a, 1))
            .unwrap_or_else(|| Value::from("")))
    });
    add(map, "set", &[M, S, Any], None, |ctx, a| {
        let d = dict(&a[0]);
        if d.is_nil() {
            return Err(FuncError::failed("assignment to entry in nil map"));
        }
        let key = str_arg(a, 1);
        if !d.contains_key(key) {
            ctx.check_len("set", d.len() as u64 + 1)?;
        }
        if matches!(a[2], Value::Map(_) | Value::List(_)) {
            ctx.stored_maps.note(&d);
        }
        d.update(|m| m.insert(key.to_string(), a[2].clone()));
        Ok(a[0].clone())
    });
    add(map, "unset", &[M, S], None, |_, a| {
        let d = dict(&a[0]);
        if d.contains_key(str_arg(a, 1)) {
            d.update(|m| m.remove(str_arg(a, 1)));
        }
        Ok(a[0].clone())
    });
    add(map, "hasKey", &[M, S], None, |_, a| {
        Ok(dict(&a[0]).contains_key(str_arg(a, 1)).into())
    });
    add(map, "pluck", &[S], Some(M), |_, a| {
        let key = str_arg(a, 0);
        Ok(Value::list(
            a[1..].iter().filter_map(|d| dict(d).get(key)).collect(),
        ))
    });
    add(map, "keys", &[], Some(M), |_, a| {
        Ok(Value::list(
            a.iter()
                .flat_map(|d| {
                    let d = dict(d).snapshot();
                    d.keys()
                        .map(|k| Value::from(k.as_str()))
                        .collect::<Vec<_>>()
                })
                .collect(),
        ))
    });
    add(map, "values", &[M], None, |_, a| {
        Ok(Value::list(
            dict(&a[0]).snapshot().values().cloned().collect(),
        ))
    });
    add(map, "pick", &[M], Some(S), |_, a| {
        let d = dict(&a[0]).snapshot();
        let picked: Map = a[1..]
            .iter()
            .filter_map(|k| k.as_str().and_then(|k| d.get_key_value(k)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(Value::map(picked))
    });
    add(map, "omit", &[M], Some(S), |_, a| {
        let omit: Vec<&str> = a[1..].iter().filter_map(Value::as_str).collect();
        let kept: Map = dict(&a[0])
            .snapshot()
            .iter()
            .filter(|(k, _)| !omit.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(Value::map(kept))
    });
    for name in ["merge", "mustMerge"] {
        add(map, name, &[M], Some(M), |ctx, a| {
            Ok(merge_all(ctx, a, false))
        });
    }
    for name in ["mergeOverwrite", "mustMergeOverwrite"] {
        add(map, name, &[M], Some(M), |ctx, a| {
            Ok(merge_all(ctx, a, true))
        });
    }
    for name in ["deepCopy", "mustDeepCopy"] {
        add(map, name, &[Any], None, |_, a| match a[0] {
            // copystructure reflects on the nil interface and panics.
            Value::Nil => Err(FuncError::failed(
                "reflect: call of reflect.Value.Type on zero Value",
            )),
            _ => a[0].deep_copy(),
        });
    }
    add(map, "dig", &[], Some(Any), |_, a| dig(a));
}

/// The map of a `map[string]interface{}` argument (the engine has checked the type).
fn dict(v: &Value) -> MapRef {
    match v {
        Value::Map(m) => m.clone(),
        _ => MapRef::nil(),
    }
}

/// sprig's `merge(dst, srcs...)`: mergo merges each source into `dst` in place and returns it; a
/// nil `dst` is replaced by a new map once a non-nil source comes.
fn merge_all(ctx: &mut CallContext<'_>, args: &[Value], overwrite: bool) -> Value {
    let mut dst = dict(&args[0]);
    for src in &args[1..] {
        let src = dict(src);
        if dst.is_nil() && !src.is_nil() {
            dst = MapRef::new(Map::new());
        }
        merge_into(&dst, &src.snapshot(), overwrite);
    }
    ctx.stored_maps.note(&dst);
    Value::Map(dst)
}

/// mergo's `deepMerge` for two `map[string]interface{}`: without `overwrite` only missing or
/// empty keys are filled; nested maps merge recursively (in place) either way.
fn merge_into(dst: &MapRef, src: &Arc<Map>, overwrite: bool) {
    merge_at(dst, src, overwrite, 0);
}

/// Nested maps deeper than this are not merged into (their destination is kept), so deeply
/// nested values cannot overflow the stack.
const MAX_MERGE_DEPTH: usize = 1_000;

fn merge_at(dst: &MapRef, src: &Map, overwrite: bool, depth: usize) {
    // mergo cannot set a nil map reached inside another map: it leaves it (the caller then
    // stores the source map in its place).
    if depth > MAX_MERGE_DEPTH || dst.is_nil() {
        return;
    }
    let set = |key: &String, v: Value| dst.update(|m| m.insert(key.clone(), v));
    for (key, s) in src {
        let d = dst.get(key);
        if matches!(s, Value::Nil) {
            if overwrite {
                set(key, Value::Nil);
            }
            continue;
        }
        match (s, &d) {
            (Value::Map(sm), Some(Value::Map(dm))) => {
                merge_at(dm, &sm.snapshot(), overwrite, depth + 1);
            }
            (Value::List(_), _) => {
                // mergo replaces a slice when overwriting or when the whole map is empty;
                // otherwise it stores back what was there (an empty slice for nothing).
                let replacement = if overwrite || dst.is_empty() {
                    s.clone()
                } else {
                    match &d {
                        Some(v) if !matches!(v, Value::Nil) => v.clone(),
                        _ => Value::list(Vec::new()),
                    }
                };
                set(key, replacement);
            }
            _ => {}
        }
        if let Some(d) = &d {
            if !is_empty(d)
                && (matches!(s, Value::List(_)) || matches!((s, d), (Value::Map(_), Value::Map(_))))
            {
                continue;
            }
        }
        if overwrite || d.as_ref().is_none_or(is_empty) {
            set(key, s.clone());
        }
    }
}

/// sprig's `dig KEY... DEFAULT DICT`, with the panics of its type assertions.
fn dig(args: &[Value]) -> Result<Value, FuncError> {
    if args.len() < 3 {
        return Err(FuncError::failed("dig needs at least three arguments"));
    }
    let (path, rest) = args.split_at(args.len() - 2);
    let (default, dict) = (&rest[0], &rest[1]);
    let mut current = as_dict(dict)?;
    let keys = path
        .iter()
        .map(|k| k.as_str().ok_or_else(|| conversion(k, "string")))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, key) in keys.iter().enumerate() {
        let Some(step) = current.get(*key).cloned() else {
            return Ok(default.clone());
        };
        if i + 1 == keys.len() {
            return Ok(step);
        }
        current = as_dict(&step)?;
    }
    Ok(default.clone())
}

fn as_dict(v: &Value) -> Result<Arc<Map>, FuncError> {
    v.as_map()
        .ok_or_else(|| conversion(v, "map[string]interface {}"))
}

/// Go's panic for a failed type assertion on an `interface{}`.
fn conversion(v: &Value, want: &str) -> FuncError {
    let have = match v {
        Value::Nil => "nil",
        other => other.type_name(),
    };
    FuncError::failed(format!(
        "interface conversion: interface {{}} is {have}, not {want}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(json: serde_json::Value) -> MapRef {
        dict(&Value::from_json(&json))
    }

    #[test]
    fn merge_fills_only_missing_or_empty() {
        let dst = m(serde_json::json!({"a": 1, "b": "", "n": {"x": 1}, "l": [1]}));
        merge_into(
            &dst,
            &m(serde_json::json!({"a": 2, "b": "B", "c": 3, "n": {"x": 2, "y": 2}, "l": [9]}))
                .snapshot(),
            false,
        );
        assert_eq!(
            Value::Map(dst).to_string(),
            "map[a:1 b:B c:3 l:[1] n:map[x:1 y:2]]"
        );
    }

    #[test]
    fn merge_overwrite_replaces() {
        let dst = m(serde_json::json!({"a": 1, "n": {"x": 1}, "l": [1], "z": 5}));
        merge_into(
            &dst,
            &m(serde_json::json!({"a": 2, "n": {"y": 2}, "l": [9], "z": null})).snapshot(),
            true,
        );
        assert_eq!(
            Value::Map(dst).to_string(),
            "map[a:2 l:[9] n:map[x:1 y:2] z:<nil>]"
        );
    }

    #[test]
    fn dig_walks_and_defaults() {
        let d = Value::from_json(&serde_json::json!({"a": {"b": 1}}));
        let r = dig(&["a".into(), "b".into(), "def".into(), d.clone()]).unwrap();
        assert_eq!(r.to_string(), "1");
        let r = dig(&["a".into(), "x".into(), "def".into(), d.clone()]).unwrap();
        assert_eq!(r.to_string(), "def");
        let e = dig(&["a".into(), "b".into(), "c".into(), "def".into(), d]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "interface conversion: interface {} is float64, not map[string]interface {}"
        );
    }
}
