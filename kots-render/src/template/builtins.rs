//! Go's built-in template functions (`text/template/funcs.go`): `and or not len index slice
//! print printf println html js urlquery eq ne lt le gt ge call`, with Go's comparison rules and
//! error messages.

use std::fmt::Write as _;

use super::exec::Val;
use super::funcs::{FuncError, Ty};
use super::gofmt;
use super::limits::Limits;
use super::value::Value;

/// A parameter type of a built-in: a Go type, or `reflect.Value` (which receives the value
/// unconverted, missing values included).
#[derive(Clone, Copy, Debug)]
pub(crate) enum P {
    T(Ty),
    Reflect,
}

/// The built-in functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Builtin {
    And,
    Or,
    Not,
    Len,
    Index,
    Slice,
    Print,
    Printf,
    Println,
    Html,
    Js,
    Urlquery,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Call,
}

impl Builtin {
    pub fn from_name(name: &str) -> Option<Builtin> {
        use Builtin::*;
        Some(match name {
            "and" => And,
            "or" => Or,
            "not" => Not,
            "len" => Len,
            "index" => Index,
            "slice" => Slice,
            "print" => Print,
            "printf" => Printf,
            "println" => Println,
            "html" => Html,
            "js" => Js,
            "urlquery" => Urlquery,
            "eq" => Eq,
            "ne" => Ne,
            "lt" => Lt,
            "le" => Le,
            "gt" => Gt,
            "ge" => Ge,
            "call" => Call,
            _ => return None,
        })
    }

    /// Whether this is `print`, `println` or `printf`, whose text can go straight to the output.
    pub fn prints(self) -> bool {
        matches!(self, Builtin::Print | Builtin::Println | Builtin::Printf)
    }

    /// Go's signature: fixed parameters and the variadic element type.
    pub fn signature(self) -> (&'static [P], Option<P>) {
        use Builtin::*;
        const R1: &[P] = &[P::Reflect];
        const R2: &[P] = &[P::Reflect, P::Reflect];
        match self {
            And | Or | Index | Slice | Eq | Call => (R1, Some(P::Reflect)),
            Not | Len => (R1, None),
            Print | Println | Html | Js | Urlquery => (&[], Some(P::T(Ty::Any))),
            Printf => (&[P::T(Ty::String)], Some(P::T(Ty::Any))),
            Ne | Lt | Le | Gt | Ge => (R2, None),
        }
    }
}

/// Go's `truth`: `isTrue(indirectInterface(v))`.
pub(crate) fn truth(v: &Val) -> bool {
    v.is_true()
}

fn fail(msg: impl Into<String>) -> FuncError {
    FuncError::Failed(msg.into())
}

fn plain(args: &[Val]) -> Vec<Value> {
    args.iter()
        .map(|v| v.v.clone().unwrap_or(Value::Nil))
        .collect()
}

/// Runs `print`, `println` or `printf` (see [`Builtin::prints`]) on plain arguments, appending
/// the text to `out`.
pub(crate) fn print_into(
    out: &mut String,
    b: Builtin,
    args: &[Value],
    limits: &Limits,
) -> Result<(), FuncError> {
    match b {
        Builtin::Print => gofmt::try_write_sprint(out, args),
        Builtin::Println => gofmt::try_write_sprintln(out, args),
        _ => {
            let format = args[0].as_str().unwrap_or_default();
            if format.len() > limits.max_output_bytes {
                return Err(FuncError::Limit("printf format too long".into()));
            }
            gofmt::try_write_sprintf(out, format, &args[1..])
        }
    }
}

/// Runs a built-in (other than `and`/`or`, which the evaluator short-circuits).
pub(crate) fn call(b: Builtin, args: &[Val], limits: &Limits) -> Result<Val, FuncError> {
    use Builtin::*;
    let out = |v: Value| Ok(Val::concrete(v));
    match b {
        And | Or => out(Value::Nil),
        Not => out(Value::Bool(!truth(&args[0]))),
        Len => length(&args[0]).map(|n| Val::concrete(Value::Int(n))),
        Index => index(&args[0], &args[1..]),
        Slice => slice(&args[0], &args[1..]).map(Val::concrete),
        Print | Println | Printf => {
            let mut text = String::new();
            print_into(&mut text, b, &plain(args), limits)?;
            out(Value::from(text))
        }
        Html => out(Value::from(html_escape(&eval_args(args)))),
        Js => out(Value::from(js_escape(&eval_args(args)))),
        Urlquery => out(Value::from(query_escape(&eval_args(args)))),
        Eq => eq(&args[0], &args[1..]).map(|t| Val::concrete(Value::Bool(t))),
        Ne => eq(&args[0], &args[1..2]).map(|t| Val::concrete(Value::Bool(!t))),
        Lt => lt(&args[0], &args[1]).map(|t| Val::concrete(Value::Bool(t))),
        Le => le(&args[0], &args[1]).map(|t| Val::concrete(Value::Bool(t))),
        Gt => le(&args[0], &args[1]).map(|t| Val::concrete(Value::Bool(!t))),
        Ge => lt(&args[0], &args[1]).map(|t| Val::concrete(Value::Bool(!t))),
        Call => match &args[0].v {
            None | Some(Value::Nil) => Err(fail("call of nil")),
            Some(v) => Err(fail(format!("non-function of type {}", v.type_name()))),
        },
    }
}

/// Go's `indirectInterface`: a nil interface becomes the invalid value.
fn indirect_iface(v: &Val) -> Option<&Value> {
    match &v.v {
        Some(Value::Nil) => None,
        v => v.as_ref(),
    }
}

fn length(v: &Val) -> Result<i64, FuncError> {
    match &v.v {
        None => Err(fail("reflect: call of reflect.Value.Type on zero Value")),
        Some(Value::Nil) => Err(fail("len of nil pointer")),
        Some(Value::String(s)) => Ok(s.len() as i64),
        Some(Value::List(l)) => Ok(l.len() as i64),
        Some(Value::Map(m)) => Ok(m.len() as i64),
        Some(other) => Err(fail(format!("len of type {}", other.type_name()))),
    }
}

/// Go's `indexArg`.
fn index_arg(index: Option<&Value>, cap: usize) -> Result<usize, FuncError> {
    let x: i64 = match index {
        Some(Value::Int(i) | Value::Int64(i)) => *i,
        Some(Value::Uint(u)) => *u as i64,
        None => return Err(fail("cannot index slice/array with nil")),
        Some(other) => {
            return Err(fail(format!(
                "cannot index slice/array with type {}",
                other.type_name()
            )))
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(fail(format!("index out of range: {x}")));
    }
    Ok(x as usize)
}

fn index(item: &Val, indexes: &[Val]) -> Result<Val, FuncError> {
    let Some(first) = indirect_iface(item) else {
        return Err(fail("index of untyped nil"));
    };
    let mut cur = Val::concrete(first.clone());
    for idx in indexes {
        let idx = indirect_iface(idx);
        let value = match &cur.v {
            Some(Value::Nil) => return Err(fail("index of nil pointer")),
            Some(v) => v.clone(),
            None => return Err(fail("index of untyped nil")),
        };
        cur = match &value {
            Value::List(l) => {
                let x = index_arg(idx, l.len())?;
                match l.get(x) {
                    Some(e) => Val {
                        v: Some(e.clone()),
                        iface: true,
                    },
                    None => return Err(fail("reflect: slice index out of range")),
                }
            }
            Value::String(s) => {
                let x = index_arg(idx, s.len())?;
                match s.as_bytes().get(x) {
                    Some(b) => Val::concrete(Value::Uint(*b as u64)),
                    None => return Err(fail("reflect: string index out of range")),
                }
            }
            Value::Map(m) => {
                let key = match idx {
                    None => return Err(fail("value is nil; should be of type string")),
                    Some(Value::String(k)) => k,
                    Some(other) => {
                        return Err(fail(format!(
                            "value has type {}; should be string",
                            other.type_name()
                        )));
                    }
                };
                Val {
                    v: Some(m.get(key).unwrap_or(Value::Nil)),
                    iface: true,
                }
            }
            other => {
                return Err(fail(format!(
                    "can't index item of type {}",
                    other.type_name()
                )))
            }
        };
    }
    Ok(cur)
}

fn slice(item: &Val, indexes: &[Val]) -> Result<Value, FuncError> {
    let Some(v) = indirect_iface(item) else {
        return Err(fail("slice of untyped nil"));
    };
    if indexes.len() > 3 {
        return Err(fail(format!("too many slice indexes: {}", indexes.len())));
    }
    let len = match v {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err(fail("cannot 3-index slice a string"));
            }
            s.len()
        }
        Value::List(l) => l.len(),
        other => {
            return Err(fail(format!(
                "can't slice item of type {}",
                other.type_name()
            )))
        }
    };
    let mut idx = [0usize, len, len];
    for (i, x) in indexes.iter().enumerate() {
        idx[i] = index_arg(x.v.as_ref(), len)?;
    }
    if idx[0] > idx[1] {
        return Err(fail(format!(
            "invalid slice index: {} > {}",
            idx[0], idx[1]
        )));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(fail(format!(
            "invalid slice index: {} > {}",
            idx[1], idx[2]
        )));
    }
    Ok(match v {
        Value::String(s) => {
            Value::from(String::from_utf8_lossy(&s.as_bytes()[idx[0]..idx[1]]).into_owned())
        }
        Value::List(l) => Value::list(l[idx[0]..idx[1]].to_vec()),
        _ => Value::Nil,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    String,
    Uint,
}

fn basic_kind(v: Option<&Value>) -> Kind {
    match v {
        Some(Value::Bool(_)) => Kind::Bool,
        Some(Value::Int(_) | Value::Int64(_)) => Kind::Int,
        Some(Value::Uint(_)) => Kind::Uint,
        Some(Value::Float(_)) => Kind::Float,
        Some(Value::String(_)) => Kind::String,
        _ => Kind::Invalid,
    }
}

const BAD_TYPE: &str = "invalid type for comparison";
const BAD_CMP: &str = "incompatible types for comparison";

fn int_of(v: Option<&Value>) -> i64 {
    v.and_then(Value::as_i64).unwrap_or(0)
}

fn uint_of(v: Option<&Value>) -> u64 {
    match v {
        Some(Value::Uint(u)) => *u,
        _ => 0,
    }
}

fn reflect_kind(v: &Value) -> &str {
    v.kind_name()
}

fn eq(arg1: &Val, rest: &[Val]) -> Result<bool, FuncError> {
    let a = indirect_iface(arg1);
    if rest.is_empty() {
        return Err(fail("missing argument for comparison"));
    }
    let k1 = basic_kind(a);
    for arg in rest {
        let b = indirect_iface(arg);
        let k2 = basic_kind(b);
        let truth = if k1 != k2 {
            match (k1, k2) {
                (Kind::Int, Kind::Uint) => int_of(a) >= 0 && int_of(a) as u64 == uint_of(b),
                (Kind::Uint, Kind::Int) => int_of(b) >= 0 && uint_of(a) == int_of(b) as u64,
                _ => {
                    if a.is_some() && b.is_some() {
                        return Err(fail(BAD_CMP));
                    }
                    false
                }
            }
        } else {
            match (a, b) {
                (Some(Value::Bool(x)), Some(Value::Bool(y))) => x == y,
                (Some(Value::Float(x)), Some(Value::Float(y))) => x == y,
                (Some(Value::String(x)), Some(Value::String(y))) => x == y,
                (Some(Value::Uint(x)), Some(Value::Uint(y))) => x == y,
                _ if k1 == Kind::Int => int_of(a) == int_of(b),
                (Some(x), Some(y)) => {
                    if reflect_kind(x) != reflect_kind(y) {
                        let mut msg = String::from("non-comparable types ");
                        msg.push_str(&gofmt::sprintf("%s", std::slice::from_ref(x)));
                        let _ = write!(msg, ": {}, {}: ", x.type_name(), y.type_name());
                        msg.push_str(&gofmt::sprintf("%v", std::slice::from_ref(y)));
                        return Err(fail(msg));
                    }
                    match (x, y) {
                        (Value::Object(p), Value::Object(q)) => {
                            let (mut s1, mut s2) = (String::new(), String::new());
                            p.format(&mut s1);
                            q.format(&mut s2);
                            p.type_name() == q.type_name() && s1 == s2
                        }
                        _ => {
                            let mut msg = String::from("non-comparable type ");
                            msg.push_str(&gofmt::sprintf("%s", std::slice::from_ref(y)));
                            let _ = write!(msg, ": {}", y.type_name());
                            return Err(fail(msg));
                        }
                    }
                }
                _ => a.is_none() == b.is_none(),
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn lt(arg1: &Val, arg2: &Val) -> Result<bool, FuncError> {
    let a = indirect_iface(arg1);
    let k1 = basic_kind(a);
    if k1 == Kind::Invalid {
        return Err(fail(BAD_TYPE));
    }
    let b = indirect_iface(arg2);
    let k2 = basic_kind(b);
    if k2 == Kind::Invalid {
        return Err(fail(BAD_TYPE));
    }
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) => Ok(int_of(a) < 0 || (int_of(a) as u64) < uint_of(b)),
            (Kind::Uint, Kind::Int) => Ok(int_of(b) >= 0 && uint_of(a) < int_of(b) as u64),
            _ => Err(fail(BAD_CMP)),
        };
    }
    Ok(match (a, b) {
        (Some(Value::Float(x)), Some(Value::Float(y))) => x < y,
        (Some(Value::String(x)), Some(Value::String(y))) => x < y,
        (Some(Value::Uint(x)), Some(Value::Uint(y))) => x < y,
        _ if k1 == Kind::Int => int_of(a) < int_of(b),
        _ => return Err(fail(BAD_TYPE)),
    })
}

fn le(a: &Val, b: &Val) -> Result<bool, FuncError> {
    let less = lt(a, b)?;
    if less {
        return Ok(true);
    }
    eq(a, std::slice::from_ref(b))
}

/// Go's `evalArgs` for html/js/urlquery: one string as is, otherwise `fmt.Sprint` with nil
/// arguments printed as `<no value>`.
fn eval_args(args: &[Val]) -> String {
    if let [Val {
        v: Some(Value::String(s)),
        ..
    }] = args
    {
        return s.to_string();
    }
    let vals: Vec<Value> = args
        .iter()
        .map(|v| match &v.v {
            None | Some(Value::Nil) => Value::from("<no value>"),
            Some(v) => v.clone(),
        })
        .collect();
    gofmt::sprint(&vals)
}

/// Go's `HTMLEscapeString`.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Go's `JSEscapeString`.
pub(crate) fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u00{:02X}", c as u32);
            }
            c if c.is_ascii() => out.push(c),
            c if gofmt::is_print(c) => out.push(c),
            c => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub(crate) fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}
