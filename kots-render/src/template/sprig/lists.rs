//! sprig's list functions (list.go). Each takes `interface{}` and fails on anything but a list
//! with sprig's message (`Cannot find first on type string`); the plain names report that the
//! way Go reports their panic, the `must` names as a returned error — both read
//! `error calling NAME: MSG`. Results are new lists: the argument is never changed.

use super::super::funcs::{CallContext, FuncError, FuncMap, Ty};
use super::super::value::Value;
use super::conv::{deep_equal, is_empty, to_int64};
use super::{add, int_arg};

/// Go's panic when sprig calls `reflect.TypeOf(nil).Kind()`.
pub const NIL_DEREF: &str = "runtime error: invalid memory address or nil pointer dereference";

/// Registers the list functions.
pub fn register(map: &mut FuncMap) {
    use Ty::{Any, Int};
    for name in ["list", "tuple"] {
        add(map, name, &[], Some(Any), |ctx, a| {
            grow(ctx, a.len()).map(|_| Value::list(a.to_vec()))
        });
    }
    for name in ["append", "push", "mustAppend", "mustPush"] {
        add(map, name, &[Any, Any], None, |ctx, a| {
            let mut items = items(&a[0], "Cannot push on type")?.to_vec();
            grow(ctx, items.len() + 1)?;
            items.push(a[1].clone());
            Ok(Value::list(items))
        });
    }
    for name in ["prepend", "mustPrepend"] {
        add(map, name, &[Any, Any], None, |ctx, a| {
            let old = items(&a[0], "Cannot prepend on type")?;
            grow(ctx, old.len() + 1)?;
            let mut out = Vec::with_capacity(old.len() + 1);
            out.push(a[1].clone());
            out.extend_from_slice(old);
            Ok(Value::list(out))
        });
    }
    for name in ["chunk", "mustChunk"] {
        add(map, name, &[Int, Any], None, |_, a| {
            chunk(int_arg(a, 0), &a[1])
        });
    }
    for name in ["first", "mustFirst"] {
        add(map, name, &[Any], None, |_, a| {
            Ok(items(&a[0], "Cannot find first on type")?
                .first()
                .cloned()
                .unwrap_or(Value::Nil))
        });
    }
    for name in ["last", "mustLast"] {
        add(map, name, &[Any], None, |_, a| {
            Ok(items(&a[0], "Cannot find last on type")?
                .last()
                .cloned()
                .unwrap_or(Value::Nil))
        });
    }
    for name in ["rest", "mustRest"] {
        add(map, name, &[Any], None, |_, a| {
            let l = items(&a[0], "Cannot find rest on type")?;
            Ok(Value::list(l.get(1..).unwrap_or_default().to_vec()))
        });
    }
    for name in ["initial", "mustInitial"] {
        add(map, name, &[Any], None, |_, a| {
            let l = items(&a[0], "Cannot find initial on type")?;
            Ok(Value::list(l[..l.len().saturating_sub(1)].to_vec()))
        });
    }
    for name in ["reverse", "mustReverse"] {
        add(map, name, &[Any], None, |_, a| {
            Ok(Value::list(
                items(&a[0], "Cannot find reverse on type")?
                    .iter()
                    .rev()
                    .cloned()
                    .collect(),
            ))
        });
    }
    for name in ["compact", "mustCompact"] {
        add(map, name, &[Any], None, |_, a| {
            let l = items(&a[0], "Cannot compact on type")?;
            Ok(Value::list(
                l.iter().filter(|v| !is_empty(v)).cloned().collect(),
            ))
        });
    }
    for name in ["uniq", "mustUniq"] {
        add(map, name, &[Any], None, |_, a| {
            let mut out: Vec<Value> = Vec::new();
            for v in items(&a[0], "Cannot find uniq on type")? {
                if !out.iter().any(|o| deep_equal(v, o)) {
                    out.push(v.clone());
                }
            }
            Ok(Value::list(out))
        });
    }
    for name in ["without", "mustWithout"] {
        add(map, name, &[Any], Some(Any), |_, a| {
            let l = items(&a[0], "Cannot find without on type")?;
            let omit = &a[1..];
            Ok(Value::list(
                l.iter()
                    .filter(|v| !omit.iter().any(|o| deep_equal(v, o)))
                    .cloned()
                    .collect(),
            ))
        });
    }
    for name in ["has", "mustHas"] {
        add(map, name, &[Any, Any], None, |_, a| {
            if matches!(a[1], Value::Nil) {
                return Ok(false.into());
            }
            Ok(items(&a[1], "Cannot find has on type")?
                .iter()
                .any(|v| deep_equal(&a[0], v))
                .into())
        });
    }
    for name in ["slice", "mustSlice"] {
        add(map, name, &[Any], Some(Any), |_, a| slice(&a[0], &a[1..]));
    }
    add(map, "concat", &[], Some(Any), |ctx, a| {
        let mut out = Vec::new();
        for list in a {
            let l = match list {
                Value::List(l) => l,
                Value::Nil => return Err(FuncError::failed(NIL_DEREF)),
                other => {
                    return Err(FuncError::failed(format!(
                        "Cannot concat type {} as list",
                        other.kind_name()
                    )))
                }
            };
            grow(ctx, out.len() + l.len())?;
            out.extend(l.iter().cloned());
        }
        Ok(Value::list(out))
    });
}

/// The items of a list argument, or sprig's error `"{what} {kind}"` for anything else (and Go's
/// nil dereference panic for nil).
fn items<'a>(v: &'a Value, what: &str) -> Result<&'a [Value], FuncError> {
    match v {
        Value::List(l) => Ok(l),
        Value::Nil => Err(FuncError::failed(NIL_DEREF)),
        other => Err(FuncError::failed(format!("{what} {}", other.kind_name()))),
    }
}

/// Fails when a list would grow past the collection limit.
fn grow(ctx: &CallContext<'_>, len: usize) -> Result<(), FuncError> {
    ctx.check_len("list", len as u64)
}

/// sprig's `chunk`: lists of `size` items, the last one shorter.
fn chunk(size: i64, list: &Value) -> Result<Value, FuncError> {
    let l = items(list, "Cannot chunk type")?;
    if size <= 0 {
        // sprig's float arithmetic gives a negative length here, and make() panics.
        return Err(FuncError::failed(
            "runtime error: makeslice: len out of range",
        ));
    }
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    Ok(Value::list(
        l.chunks(size).map(|c| Value::list(c.to_vec())).collect(),
    ))
}

/// sprig's `slice`: `list[start:end]` with reflect's bounds check.
fn slice(list: &Value, indices: &[Value]) -> Result<Value, FuncError> {
    let l = match list {
        Value::List(l) => l,
        Value::Nil => return Err(FuncError::failed(NIL_DEREF)),
        other => {
            return Err(FuncError::failed(format!(
                "list should be type of slice or array but {}",
                other.kind_name()
            )))
        }
    };
    if l.is_empty() {
        return Ok(Value::Nil);
    }
    let start = indices.first().map_or(0, to_int64);
    let end = indices.get(1).map_or(l.len() as i64, to_int64);
    if start < 0 || end < start || end > l.len() as i64 {
        return Err(FuncError::failed(
            "reflect.Value.Slice: slice index out of bounds",
        ));
    }
    Ok(Value::list(l[start as usize..end as usize].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(v: &[i64]) -> Value {
        Value::list(v.iter().map(|&i| Value::Int(i)).collect())
    }

    #[test]
    fn chunk_splits_with_short_tail() {
        assert_eq!(
            chunk(2, &ints(&[1, 2, 3])).unwrap().to_string(),
            "[[1 2] [3]]"
        );
        assert_eq!(chunk(2, &ints(&[])).unwrap().to_string(), "[]");
        assert!(chunk(0, &ints(&[1])).is_err());
        assert_eq!(
            chunk(2, &Value::from("x")).unwrap_err().to_string(),
            "Cannot chunk type string"
        );
    }

    #[test]
    fn slice_checks_bounds() {
        let l = ints(&[1, 2, 3, 4]);
        assert_eq!(
            slice(&l, &[Value::Int(1), Value::Int(3)])
                .unwrap()
                .to_string(),
            "[2 3]"
        );
        assert_eq!(slice(&l, &[Value::Int(2)]).unwrap().to_string(), "[3 4]");
        assert!(slice(&l, &[Value::Int(3), Value::Int(9)]).is_err());
        assert!(matches!(slice(&ints(&[]), &[]).unwrap(), Value::Nil));
    }

    #[test]
    fn errors_name_the_kind() {
        assert_eq!(
            items(&Value::Float(1.0), "Cannot find first on type")
                .unwrap_err()
                .to_string(),
            "Cannot find first on type float64"
        );
        assert_eq!(items(&Value::Nil, "x").unwrap_err().to_string(), NIL_DEREF);
    }
}
