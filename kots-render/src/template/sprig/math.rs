//! sprig's numbers: conversions, integer and decimal arithmetic, sequences (numeric.go and the
//! arithmetic entries of functions.go).
//!
//! Integer arithmetic is Go's `int64`: it wraps on overflow, and dividing by zero fails with
//! Go's runtime panic message.

use super::super::funcs::{CallContext, FuncError, FuncMap, Ty};
use super::super::gofmt;
use super::super::value::Value;
use super::conv::{parse_decimal_lenient, to_float64, to_int64};
use super::decimal::Decimal;
use super::{add, int_arg, str_arg};

/// Registers the number functions.
pub fn register(map: &mut FuncMap) {
    use Ty::{Any, Float64, Int, String as S};
    add(map, "atoi", &[S], None, |_, a| {
        Ok(Value::Int(atoi(str_arg(a, 0))))
    });
    add(map, "int64", &[Any], None, |_, a| {
        Ok(Value::Int64(to_int64(&a[0])))
    });
    add(map, "int", &[Any], None, |_, a| {
        Ok(Value::Int(to_int64(&a[0])))
    });
    add(map, "float64", &[Any], None, |_, a| {
        Ok(Value::Float(to_float64(&a[0])))
    });
    add(map, "toDecimal", &[Any], None, |_, a| {
        Ok(Value::Int64(octal(&gofmt::sprint(&a[..1]))))
    });
    add(map, "seq", &[], Some(Int), |ctx, a| {
        let params: Vec<i64> = a.iter().filter_map(Value::as_i64).collect();
        seq(ctx, &params).map(Value::from)
    });
    add(map, "until", &[Int], None, |ctx, a| {
        let count = int_arg(a, 0);
        int_list(until_step(ctx, 0, count, if count < 0 { -1 } else { 1 })?)
    });
    add(map, "untilStep", &[Int, Int, Int], None, |ctx, a| {
        int_list(until_step(
            ctx,
            int_arg(a, 0),
            int_arg(a, 1),
            int_arg(a, 2),
        )?)
    });
    add(map, "add1", &[Any], None, |_, a| {
        Ok(Value::Int64(to_int64(&a[0]).wrapping_add(1)))
    });
    add(map, "add", &[], Some(Any), |_, a| {
        Ok(Value::Int64(
            a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v))),
        ))
    });
    add(map, "sub", &[Any, Any], None, |_, a| {
        Ok(Value::Int64(to_int64(&a[0]).wrapping_sub(to_int64(&a[1]))))
    });
    add(map, "div", &[Any, Any], None, |_, a| {
        let d = nonzero(to_int64(&a[1]))?;
        Ok(Value::Int64(to_int64(&a[0]).wrapping_div(d)))
    });
    add(map, "mod", &[Any, Any], None, |_, a| {
        let d = nonzero(to_int64(&a[1]))?;
        Ok(Value::Int64(to_int64(&a[0]).wrapping_rem(d)))
    });
    add(map, "mul", &[Any], Some(Any), |_, a| {
        Ok(Value::Int64(
            a[1..]
                .iter()
                .fold(to_int64(&a[0]), |acc, v| acc.wrapping_mul(to_int64(v))),
        ))
    });
    add(map, "randInt", &[Int, Int], None, |ctx, a| {
        let (min, max) = (int_arg(a, 0), int_arg(a, 1));
        let n = max.wrapping_sub(min);
        if n <= 0 {
            return Err(FuncError::failed("invalid argument to Intn"));
        }
        Ok(Value::Int(
            (ctx.random.below(n as u64) as i64).wrapping_add(min),
        ))
    });
    add(map, "add1f", &[Any], None, |_, a| {
        decimal_op(&a[0], &[Value::Int(1)], |x, y| Ok(x.add(y)))
    });
    add(map, "addf", &[], Some(Any), |_, a| {
        decimal_op(&Value::Float(0.0), a, |x, y| Ok(x.add(y)))
    });
    add(map, "subf", &[Any], Some(Any), |_, a| {
        decimal_op(&a[0], &a[1..], |x, y| Ok(x.sub(y)))
    });
    add(map, "mulf", &[Any], Some(Any), |_, a| {
        decimal_op(&a[0], &a[1..], |x, y| Ok(x.mul(y)))
    });
    add(map, "divf", &[Any], Some(Any), |_, a| {
        decimal_op(&a[0], &a[1..], Decimal::div)
    });
    for name in ["biggest", "max"] {
        add(map, name, &[Any], Some(Any), |_, a| {
            Ok(Value::Int64(
                a[1..].iter().map(to_int64).fold(to_int64(&a[0]), i64::max),
            ))
        });
    }
    add(map, "min", &[Any], Some(Any), |_, a| {
        Ok(Value::Int64(
            a[1..].iter().map(to_int64).fold(to_int64(&a[0]), i64::min),
        ))
    });
    add(map, "maxf", &[Any], Some(Any), |_, a| {
        Ok(Value::Float(
            a[1..]
                .iter()
                .map(to_float64)
                .fold(to_float64(&a[0]), go_max),
        ))
    });
    add(map, "minf", &[Any], Some(Any), |_, a| {
        Ok(Value::Float(
            a[1..]
                .iter()
                .map(to_float64)
                .fold(to_float64(&a[0]), go_min),
        ))
    });
    add(map, "ceil", &[Any], None, |_, a| {
        Ok(Value::Float(to_float64(&a[0]).ceil()))
    });
    add(map, "floor", &[Any], None, |_, a| {
        Ok(Value::Float(to_float64(&a[0]).floor()))
    });
    add(map, "round", &[Any, Int], Some(Float64), |_, a| {
        let round_on = a.get(2).and_then(Value::as_f64).unwrap_or(0.5);
        Ok(Value::Float(round(
            to_float64(&a[0]),
            int_arg(a, 1),
            round_on,
        )))
    });
}

/// `strconv.Atoi`, with sprig's 0 on error.
fn atoi(s: &str) -> i64 {
    parse_decimal_lenient(s)
}

/// `strconv.ParseInt(s, 8, 64)`, with sprig's 0 on error.
fn octal(s: &str) -> i64 {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return 0;
    }
    let magnitude = match u64::from_str_radix(digits, 8) {
        Ok(m) => i128::from(m),
        Err(_) => return 0,
    };
    let v = if s.starts_with('-') {
        -magnitude
    } else {
        magnitude
    };
    i64::try_from(v).unwrap_or(0)
}

fn nonzero(d: i64) -> Result<i64, FuncError> {
    if d == 0 {
        return Err(FuncError::failed("runtime error: integer divide by zero"));
    }
    Ok(d)
}

/// sprig's `untilStep`: the integers from `start` towards `stop` (exclusive) by `step`; empty
/// when `step` points away from `stop`.
fn until_step(
    ctx: &CallContext<'_>,
    start: i64,
    stop: i64,
    step: i64,
) -> Result<Vec<i64>, FuncError> {
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let count = if stop < start {
        if step >= 0 {
            return Ok(Vec::new());
        }
        (start - stop + (-step) - 1) / (-step)
    } else {
        if step <= 0 {
            return Ok(Vec::new());
        }
        (stop - start + step - 1) / step
    };
    ctx.check_len("untilStep", u64::try_from(count).unwrap_or(u64::MAX))?;
    Ok((0..count).map(|i| (start + i * step) as i64).collect())
}

fn int_list(items: Vec<i64>) -> Result<Value, FuncError> {
    Ok(Value::list(items.into_iter().map(Value::Int).collect()))
}

/// sprig's `seq`, printed as space-separated numbers.
fn seq(ctx: &CallContext<'_>, p: &[i64]) -> Result<String, FuncError> {
    let items = match *p {
        [end] => {
            let inc = if end < 1 { -1 } else { 1 };
            until_step(ctx, 1, end.wrapping_add(inc), inc)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step(ctx, start, end.wrapping_add(step), step)?
        }
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if step > 0 {
                    return Ok(String::new());
                }
            }
            until_step(ctx, start, end.wrapping_add(inc), step)?
        }
        _ => Vec::new(),
    };
    let parts: Vec<String> = items.iter().map(i64::to_string).collect();
    Ok(parts.join(" "))
}

/// sprig's `execDecimalOp`: folds `rest` into `first` with decimal arithmetic.
fn decimal_op(
    first: &Value,
    rest: &[Value],
    op: impl Fn(&Decimal, &Decimal) -> Result<Decimal, String>,
) -> Result<Value, FuncError> {
    let mut acc = Decimal::from_f64(to_float64(first)).map_err(FuncError::failed)?;
    for v in rest {
        let d = Decimal::from_f64(to_float64(v)).map_err(FuncError::failed)?;
        acc = op(&acc, &d).map_err(FuncError::failed)?;
    }
    Ok(Value::Float(acc.to_f64()))
}

/// Go's `math.Max`: infinities win, then NaN, and +0 beats -0.
fn go_max(x: f64, y: f64) -> f64 {
    if x == f64::INFINITY || y == f64::INFINITY {
        return f64::INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && y == 0.0 {
        return if x.is_sign_negative() { y } else { x };
    }
    if x > y {
        x
    } else {
        y
    }
}

/// Go's `math.Min`.
fn go_min(x: f64, y: f64) -> f64 {
    if x == f64::NEG_INFINITY || y == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && y == 0.0 {
        return if x.is_sign_negative() { x } else { y };
    }
    if x < y {
        x
    } else {
        y
    }
}

/// sprig's `round`: rounds up when the fractional part of `val × 10^places` reaches `round_on`
/// (so negative halves round down, as sprig does).
fn round(val: f64, places: i64, round_on: f64) -> f64 {
    let pow = 10f64.powf(places as f64);
    let digit = pow * val;
    let rounded = if digit.fract() >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    rounded / pow
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::funcs::with_test_context;
    use crate::template::Limits;

    fn with_ctx<T>(f: impl FnOnce(&mut CallContext<'_>) -> T) -> T {
        let limits = Limits {
            max_collection_len: 1000,
            ..Limits::default()
        };
        with_test_context(1, &limits, f)
    }

    #[test]
    fn seq_like_sprig() {
        with_ctx(|ctx| {
            assert_eq!(seq(ctx, &[5]).unwrap(), "1 2 3 4 5");
            assert_eq!(seq(ctx, &[-3]).unwrap(), "1 0 -1 -2 -3");
            assert_eq!(seq(ctx, &[0, 2, 10]).unwrap(), "0 2 4 6 8 10");
            assert_eq!(seq(ctx, &[10, -2, 0]).unwrap(), "10 8 6 4 2 0");
            assert_eq!(seq(ctx, &[10, 2, 0]).unwrap(), "");
            assert_eq!(seq(ctx, &[2, 5]).unwrap(), "2 3 4 5");
            assert_eq!(seq(ctx, &[]).unwrap(), "");
            assert!(seq(ctx, &[1_000_000]).is_err());
        });
    }

    #[test]
    fn until_step_directions() {
        with_ctx(|ctx| {
            assert_eq!(until_step(ctx, 0, 10, 3).unwrap(), vec![0, 3, 6, 9]);
            assert_eq!(until_step(ctx, 5, 0, -2).unwrap(), vec![5, 3, 1]);
            assert!(until_step(ctx, 0, 10, 0).unwrap().is_empty());
            assert!(until_step(ctx, 10, 0, 1).unwrap().is_empty());
        });
    }

    #[test]
    fn number_parsing_helpers() {
        assert_eq!(atoi("42"), 42);
        assert_eq!(atoi("0x10"), 0);
        assert_eq!(atoi("-7"), -7);
        assert_eq!(atoi("08"), 8);
        assert_eq!(octal("777"), 511);
        assert_eq!(octal("0o7"), 0);
        assert_eq!(octal("8"), 0);
    }

    #[test]
    fn rounding_like_sprig() {
        assert_eq!(round(123.555_555, 3, 0.5), 123.556);
        assert_eq!(round(123.555_555, 3, 0.6), 123.555);
        assert_eq!(round(-2.5, 0, 0.5), -3.0);
        assert!(go_max(f64::NAN, 1.0).is_nan());
        assert!(go_min(-0.0, 0.0).is_sign_negative());
    }
}
