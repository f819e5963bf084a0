//! sprig's defaults, JSON and reflection helpers (defaults.go, reflect.go): `default`, `empty`,
//! `coalesce`, `all`, `any`, `ternary`, `fromJson`/`toJson` and their variants, `typeOf`,
//! `kindOf`, `deepEqual`...

use super::super::funcs::{FuncError, FuncMap, Ty};
use super::super::value::Value;
use super::conv::{deep_equal, is_empty};
use super::json::{self, Style};
use super::{add, str_arg};

const COMPACT: Style = Style {
    escape_html: true,
    indent: None,
};
const PRETTY: Style = Style {
    escape_html: true,
    indent: Some("  "),
};
const RAW: Style = Style {
    escape_html: false,
    indent: None,
};

/// Registers the defaults, JSON and reflection functions.
pub fn register(map: &mut FuncMap) {
    use Ty::{Any, Bool, String as S};
    add(map, "default", &[Any], Some(Any), |_, a| {
        Ok(match a.get(1) {
            Some(given) if !is_empty(given) => given.clone(),
            _ => a[0].clone(),
        })
    });
    add(
        map,
        "empty",
        &[Any],
        None,
        |_, a| Ok(is_empty(&a[0]).into()),
    );
    add(map, "coalesce", &[], Some(Any), |_, a| {
        Ok(a.iter()
            .find(|v| !is_empty(v))
            .cloned()
            .unwrap_or(Value::Nil))
    });
    add(map, "all", &[], Some(Any), |_, a| {
        Ok(a.iter().all(|v| !is_empty(v)).into())
    });
    add(map, "any", &[], Some(Any), |_, a| {
        Ok(a.iter().any(|v| !is_empty(v)).into())
    });
    add(map, "ternary", &[Any, Any, Bool], None, |_, a| {
        Ok(if matches!(a[2], Value::Bool(true)) {
            a[0].clone()
        } else {
            a[1].clone()
        })
    });
    add(map, "fromJson", &[S], None, |_, a| {
        Ok(json::decode(str_arg(a, 0)).unwrap_or(Value::Nil))
    });
    add(map, "mustFromJson", &[S], None, |_, a| {
        json::decode(str_arg(a, 0)).map_err(FuncError::Failed)
    });
    add(map, "toJson", &[Any], None, |_, a| {
        Ok(json::encode(&a[0], COMPACT).unwrap_or_default().into())
    });
    add(map, "toPrettyJson", &[Any], None, |_, a| {
        Ok(json::encode(&a[0], PRETTY).unwrap_or_default().into())
    });
    // toRawJson panics on an encoding error, which the template reports like an error.
    for name in ["toRawJson", "mustToRawJson"] {
        add(map, name, &[Any], None, |_, a| {
            json::encode(&a[0], RAW)
                .map(Value::from)
                .map_err(FuncError::Failed)
        });
    }
    add(map, "mustToJson", &[Any], None, |_, a| {
        json::encode(&a[0], COMPACT)
            .map(Value::from)
            .map_err(FuncError::Failed)
    });
    add(map, "mustToPrettyJson", &[Any], None, |_, a| {
        json::encode(&a[0], PRETTY)
            .map(Value::from)
            .map_err(FuncError::Failed)
    });
    add(map, "typeOf", &[Any], None, |_, a| {
        Ok(a[0].type_name().into())
    });
    add(map, "typeIs", &[S, Any], None, |_, a| {
        Ok((str_arg(a, 0) == a[1].type_name()).into())
    });
    add(map, "typeIsLike", &[S, Any], None, |_, a| {
        let (target, t) = (str_arg(a, 0), a[1].type_name());
        Ok((target == t || t.strip_prefix('*') == Some(target)).into())
    });
    add(map, "kindOf", &[Any], None, |_, a| {
        Ok(a[0].kind_name().into())
    });
    add(map, "kindIs", &[S, Any], None, |_, a| {
        Ok((str_arg(a, 0) == a[1].kind_name()).into())
    });
    add(map, "deepEqual", &[Any, Any], None, |_, a| {
        Ok(deep_equal(&a[0], &a[1]).into())
    });
}
