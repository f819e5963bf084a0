//! sprig v3.3.0 functions (Masterminds/sprig `TxtFuncMap`), registered into the default
//! [`FuncMap`].
//!
//! Every function keeps sprig's Go signature (so argument checking and conversion errors are
//! Go's) and its exact output, including the quirks of the libraries sprig calls
//! (`huandu/xstrings`, `Masterminds/goutils`, `spf13/cast`, `shopspring/decimal`,
//! `Masterminds/semver/v3`, `dario.cat/mergo`). Where sprig panics, the function fails with the
//! panic's message, which Go's text/template reports the same way as a returned error.
//!
//! Functions that read the clock, the environment or randomness go through the
//! [`CallContext`] providers, so a render can be made deterministic.
//!
//! ```
//! use kots_render::template::FuncMap;
//! let map = FuncMap::with_sprig();
//! assert!(map.contains("semverCompare") && map.contains("toJson"));
//! ```

mod casing;
mod certs;
mod conv;
mod crypto;
mod dates;
mod decimal;
mod defaults;
mod der;
mod dicts;
mod encoding;
mod gostr;
mod gotime;
mod json;
mod lists;
mod math;
mod network;
mod osenv;
mod paths;
mod random;
mod regex;
mod semver;
mod strings;
mod urls;

use super::funcs::{CallContext, Func, FuncError, FuncMap, Ty};
use super::value::Value;

/// A function implementation as registered here.
type Imp = fn(&mut CallContext<'_>, &[Value]) -> Result<Value, FuncError>;

/// Adds every sprig function to `map`.
pub fn register(map: &mut FuncMap) {
    strings::register(map);
    math::register(map);
    lists::register(map);
    dicts::register(map);
    defaults::register(map);
    encoding::register(map);
    paths::register(map);
    osenv::register(map);
    random::register(map);
    regex::register(map);
    semver::register(map);
    crypto::register(map);
    certs::register(map);
    dates::register(map);
    urls::register(map);
    network::register(map);
}

/// Registers `name` with its Go signature.
fn add(map: &mut FuncMap, name: &str, params: &[Ty], variadic: Option<Ty>, imp: Imp) {
    map.insert(name, Func::new(params, variadic, imp));
}

/// The `string` argument `i` (the engine has checked its type).
fn str_arg(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or_default()
}

/// The `int` argument `i` (the engine has checked its type).
fn int_arg(args: &[Value], i: usize) -> i64 {
    args.get(i).and_then(Value::as_i64).unwrap_or_default()
}
