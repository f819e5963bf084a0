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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name of sprig v3.3.0's `genericMap` (functions.go).
    const SPRIG_3_3_0: &[&str] = &[
        "abbrev",
        "abbrevboth",
        "add",
        "add1",
        "add1f",
        "addf",
        "adler32sum",
        "ago",
        "all",
        "any",
        "append",
        "atoi",
        "b32dec",
        "b32enc",
        "b64dec",
        "b64enc",
        "base",
        "bcrypt",
        "biggest",
        "buildCustomCert",
        "camelcase",
        "cat",
        "ceil",
        "chunk",
        "clean",
        "coalesce",
        "compact",
        "concat",
        "contains",
        "date",
        "dateInZone",
        "dateModify",
        "date_in_zone",
        "date_modify",
        "decryptAES",
        "deepCopy",
        "deepEqual",
        "default",
        "derivePassword",
        "dict",
        "dig",
        "dir",
        "div",
        "divf",
        "duration",
        "durationRound",
        "empty",
        "encryptAES",
        "env",
        "expandenv",
        "ext",
        "fail",
        "first",
        "float64",
        "floor",
        "fromJson",
        "genCA",
        "genCAWithKey",
        "genPrivateKey",
        "genSelfSignedCert",
        "genSelfSignedCertWithKey",
        "genSignedCert",
        "genSignedCertWithKey",
        "get",
        "getHostByName",
        "has",
        "hasKey",
        "hasPrefix",
        "hasSuffix",
        "hello",
        "htmlDate",
        "htmlDateInZone",
        "htpasswd",
        "indent",
        "initial",
        "initials",
        "int",
        "int64",
        "isAbs",
        "join",
        "kebabcase",
        "keys",
        "kindIs",
        "kindOf",
        "last",
        "list",
        "lower",
        "max",
        "maxf",
        "merge",
        "mergeOverwrite",
        "min",
        "minf",
        "mod",
        "mul",
        "mulf",
        "mustAppend",
        "mustChunk",
        "mustCompact",
        "mustDateModify",
        "mustDeepCopy",
        "mustFirst",
        "mustFromJson",
        "mustHas",
        "mustInitial",
        "mustLast",
        "mustMerge",
        "mustMergeOverwrite",
        "mustPrepend",
        "mustPush",
        "mustRegexFind",
        "mustRegexFindAll",
        "mustRegexMatch",
        "mustRegexReplaceAll",
        "mustRegexReplaceAllLiteral",
        "mustRegexSplit",
        "mustRest",
        "mustReverse",
        "mustSlice",
        "mustToDate",
        "mustToJson",
        "mustToPrettyJson",
        "mustToRawJson",
        "mustUniq",
        "mustWithout",
        "must_date_modify",
        "nindent",
        "nospace",
        "now",
        "omit",
        "osBase",
        "osClean",
        "osDir",
        "osExt",
        "osIsAbs",
        "pick",
        "pluck",
        "plural",
        "prepend",
        "push",
        "quote",
        "randAlpha",
        "randAlphaNum",
        "randAscii",
        "randBytes",
        "randInt",
        "randNumeric",
        "regexFind",
        "regexFindAll",
        "regexMatch",
        "regexQuoteMeta",
        "regexReplaceAll",
        "regexReplaceAllLiteral",
        "regexSplit",
        "repeat",
        "replace",
        "rest",
        "reverse",
        "round",
        "semver",
        "semverCompare",
        "seq",
        "set",
        "sha1sum",
        "sha256sum",
        "sha512sum",
        "shuffle",
        "slice",
        "snakecase",
        "sortAlpha",
        "split",
        "splitList",
        "splitn",
        "squote",
        "sub",
        "subf",
        "substr",
        "swapcase",
        "ternary",
        "title",
        "toDate",
        "toDecimal",
        "toJson",
        "toPrettyJson",
        "toRawJson",
        "toString",
        "toStrings",
        "trim",
        "trimAll",
        "trimPrefix",
        "trimSuffix",
        "trimall",
        "trunc",
        "tuple",
        "typeIs",
        "typeIsLike",
        "typeOf",
        "uniq",
        "unixEpoch",
        "unset",
        "until",
        "untilStep",
        "untitle",
        "upper",
        "urlJoin",
        "urlParse",
        "uuidv4",
        "values",
        "without",
        "wrap",
        "wrapWith",
    ];

    #[test]
    fn registers_every_sprig_function() {
        let mut map = FuncMap::new();
        register(&mut map);
        let missing: Vec<&&str> = SPRIG_3_3_0.iter().filter(|n| !map.contains(n)).collect();
        assert!(missing.is_empty(), "missing: {missing:?}");
        assert_eq!(map.len(), SPRIG_3_3_0.len());
    }
}
