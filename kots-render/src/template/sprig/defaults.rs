//! sprig's defaults, JSON and reflection helpers (defaults.go, reflect.go): `default`, `empty`,
//! `coalesce`, `all`, `any`, `ternary`, `fromJson`/`toJson` and their variants, `typeOf`,
//! `kindOf`, `deepEqual`...

use super::super::funcs::{CallContext, FuncError, FuncMap, Ty};
use super::super::value::Value;
use super::conv::{deep_equal, is_empty};
use super::json::{self, EncodeError, Style};
use super::{add, str_arg};

/// `json.Marshal`, `MarshalIndent(v, "", "  ")` or an encoder without HTML escaping, bounded by
/// the render's collection limit.
fn style(ctx: &CallContext<'_>, escape_html: bool, indent: Option<&'static str>) -> Style {
    Style {
        escape_html,
        indent,
        max_len: ctx.limits.max_collection_len,
    }
}

/// The result of an encoder: `lenient` (toJson, toPrettyJson) swallows Go's encoding errors as
/// sprig does and gives "".
fn encoded(result: Result<String, EncodeError>, lenient: bool) -> Result<Value, FuncError> {
    match result {
        Ok(s) => Ok(s.into()),
        Err(EncodeError::Unsupported(_)) if lenient => Ok("".into()),
        Err(EncodeError::Unsupported(msg)) => Err(FuncError::Failed(msg)),
        Err(EncodeError::TooDeep(max)) => Err(FuncError::Limit(format!(
            "JSON nesting exceeds the limit of {max}"
        ))),
        Err(EncodeError::TooLarge(max)) => Err(FuncError::Limit(format!(
            "JSON output exceeds the limit of {max} bytes"
        ))),
    }
}

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
    add(map, "toJson", &[Any], None, |ctx, a| {
        encoded(json::encode(&a[0], style(ctx, true, None)), true)
    });
    add(map, "toPrettyJson", &[Any], None, |ctx, a| {
        encoded(json::encode(&a[0], style(ctx, true, Some("  "))), true)
    });
    // toRawJson panics on an encoding error, which the template reports like an error.
    for name in ["toRawJson", "mustToRawJson"] {
        add(map, name, &[Any], None, |ctx, a| {
            encoded(json::encode(&a[0], style(ctx, false, None)), false)
        });
    }
    add(map, "mustToJson", &[Any], None, |ctx, a| {
        encoded(json::encode(&a[0], style(ctx, true, None)), false)
    });
    add(map, "mustToPrettyJson", &[Any], None, |ctx, a| {
        encoded(json::encode(&a[0], style(ctx, true, Some("  "))), false)
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
