//! sprig's dictionary functions (dict.go), with `merge`/`mergeOverwrite` following
//! `dario.cat/mergo` v1.0.1 on `map[string]interface{}`.
//!
//! Go maps are references: sprig's `set`, `unset` and `merge` change the map they are given, and
//! every variable holding it sees the change. The engine's maps are immutable shared values, so
//! these functions return the changed map instead, and the change is visible where the result
//! is used (`{{ $d = set $d "k" "v" }}`, or `set`'s result in a pipeline) but not through other
//! variables holding the old map.
//!
//! Go ranges over maps in random order; `keys` and `values` return sorted-key order.

use super::super::funcs::{FuncError, FuncMap, Ty};
use super::super::value::{Map, Value};
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
            .cloned()
            .unwrap_or_else(|| Value::from("")))
    });
    add(map, "set", &[M, S, Any], None, |_, a| {
        let mut d = dict(&a[0]).clone();
        d.insert(str_arg(a, 1).to_string(), a[2].clone());
        Ok(Value::map(d))
    });
    add(map, "unset", &[M, S], None, |_, a| {
        let mut d = dict(&a[0]).clone();
        d.remove(str_arg(a, 1));
        Ok(Value::map(d))
    });
    add(map, "hasKey", &[M, S], None, |_, a| {
        Ok(dict(&a[0]).contains_key(str_arg(a, 1)).into())
    });
    add(map, "pluck", &[S], Some(M), |_, a| {
        let key = str_arg(a, 0);
        Ok(Value::list(
            a[1..]
                .iter()
                .filter_map(|d| dict(d).get(key).cloned())
                .collect(),
        ))
    });
    add(map, "keys", &[], Some(M), |_, a| {
        Ok(Value::list(
            a.iter()
                .flat_map(|d| dict(d).keys().map(|k| Value::from(k.as_str())))
                .collect(),
        ))
    });
    add(map, "values", &[M], None, |_, a| {
        Ok(Value::list(dict(&a[0]).values().cloned().collect()))
    });
    add(map, "pick", &[M], Some(S), |_, a| {
        let d = dict(&a[0]);
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
            .iter()
            .filter(|(k, _)| !omit.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(Value::map(kept))
    });
    for name in ["merge", "mustMerge"] {
        add(map, name, &[M], Some(M), |_, a| Ok(merge_all(a, false)));
    }
    for name in ["mergeOverwrite", "mustMergeOverwrite"] {
        add(map, name, &[M], Some(M), |_, a| Ok(merge_all(a, true)));
    }
    for name in ["deepCopy", "mustDeepCopy"] {
        add(map, name, &[Any], None, |_, a| match a[0] {
            // copystructure reflects on the nil interface and panics.
            Value::Nil => Err(FuncError::failed(
                "reflect: call of reflect.Value.Type on zero Value",
            )),
            _ => Ok(a[0].clone()),
        });
    }
    add(map, "dig", &[], Some(Any), |_, a| dig(a));
}

/// The map of a `map[string]interface{}` argument (the engine has checked the type).
fn dict(v: &Value) -> &Map {
    static EMPTY: Map = Map::new();
    v.as_map().unwrap_or(&EMPTY)
}

/// Merges each of `args[1..]` into `args[0]`.
fn merge_all(args: &[Value], overwrite: bool) -> Value {
    let mut dst = dict(&args[0]).clone();
    for src in &args[1..] {
        merge_into(&mut dst, dict(src), overwrite);
    }
    Value::map(dst)
}

/// mergo's `deepMerge` for two `map[string]interface{}`: without `overwrite` only missing or
/// empty keys are filled; nested maps merge recursively either way.
fn merge_into(dst: &mut Map, src: &Map, overwrite: bool) {
    merge_at(dst, src, overwrite, 0);
}

/// Nested maps deeper than this are not merged into (their destination is kept), so deeply
/// nested values cannot overflow the stack.
const MAX_MERGE_DEPTH: usize = 1_000;

fn merge_at(dst: &mut Map, src: &Map, overwrite: bool, depth: usize) {
    if depth > MAX_MERGE_DEPTH {
        return;
    }
    for (key, s) in src {
        let d = dst.get(key).cloned();
        if matches!(s, Value::Nil) {
            if overwrite {
                dst.insert(key.clone(), Value::Nil);
            }
            continue;
        }
        match (s, &d) {
            (Value::Map(sm), Some(Value::Map(dm))) => {
                let mut nested = dm.as_ref().clone();
                merge_at(&mut nested, sm, overwrite, depth + 1);
                dst.insert(key.clone(), Value::map(nested));
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
                dst.insert(key.clone(), replacement);
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
            dst.insert(key.clone(), s.clone());
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
        let Some(step) = current.get(*key) else {
            return Ok(default.clone());
        };
        if i + 1 == keys.len() {
            return Ok(step.clone());
        }
        current = as_dict(step)?;
    }
    Ok(default.clone())
}

fn as_dict(v: &Value) -> Result<&Map, FuncError> {
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

    fn m(json: serde_json::Value) -> Map {
        Value::from_json(&json)
            .as_map()
            .cloned()
            .unwrap_or_default()
    }

    #[test]
    fn merge_fills_only_missing_or_empty() {
        let mut dst = m(serde_json::json!({"a": 1, "b": "", "n": {"x": 1}, "l": [1]}));
        merge_into(
            &mut dst,
            &m(serde_json::json!({"a": 2, "b": "B", "c": 3, "n": {"x": 2, "y": 2}, "l": [9]})),
            false,
        );
        assert_eq!(
            Value::map(dst).to_string(),
            "map[a:1 b:B c:3 l:[1] n:map[x:1 y:2]]"
        );
    }

    #[test]
    fn merge_overwrite_replaces() {
        let mut dst = m(serde_json::json!({"a": 1, "n": {"x": 1}, "l": [1], "z": 5}));
        merge_into(
            &mut dst,
            &m(serde_json::json!({"a": 2, "n": {"y": 2}, "l": [9], "z": null})),
            true,
        );
        assert_eq!(
            Value::map(dst).to_string(),
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
