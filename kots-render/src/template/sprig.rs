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
//! [`CallContext`] providers, so a render can be made deterministic. Results that could grow
//! without bound (`repeat`, `indent`, `replace`, `join`, `wrapWith`, `split*`, `until*`, `seq`,
//! list growth, regex results, JSON output) are checked against the collection limit first.
//!
//! # Differences from Go
//!
//! * Values have no Go static type beyond the engine's model, so results Go types as
//!   `[]string`, `[]int` or `map[string]string` (`splitList`, `until`, `split`...) are
//!   `[]interface {}`/`map[string]interface {}` for `typeOf` and `deepEqual`.
//! * Maps are immutable shared values: `set`, `unset` and `merge*` return the changed map but do
//!   not change it for other holders; a nil map reaches functions as an empty one.
//! * `keys` and `values` list in sorted key order (Go: random order).
//! * Strings are UTF-8: bytes that are not (from `b64dec`, `trunc` inside a character...) become
//!   U+FFFD, as Go's JSON encoder shows them.
//! * `fromJson` nests at most 1000 levels (Go: 10000); `toJson` and friends print the `\b` and
//!   `\f` escapes of Go 1.22+ (KOTS's toolchain).
//! * `now` prints without Go's monotonic-clock suffix (`m=+0.000…`).
//! * Random values (`rand*`, `uuidv4`, keys, salts, IVs, serials) follow sprig's alphabets and
//!   formats but come from the provider, so they never equal Go's.
//!
//! ```
//! use kots_render::template::FuncMap;
//! let map = FuncMap::with_sprig();
//! assert!(map.contains("semverCompare") && map.contains("toJson"));
//! ```

mod casing;
pub(crate) mod certs;
mod conv;
mod crypto;
mod dates;
mod decimal;
mod defaults;
pub(crate) mod der;
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

    /// Renders `src` with a clock stopped at 2024-03-04 05:06:07.5 UTC shown in a `CET`
    /// (+01:00) local zone, the environment `HOME=/home/kots`, and randomness seeded by `seed`.
    fn render(src: &str, seed: u64) -> String {
        use std::sync::Arc;
        use std::time::{Duration, UNIX_EPOCH};

        use super::super::{FixedClock, MapEnvironment, Options, Providers, Template, Value, Zone};
        let clock = FixedClock {
            at: UNIX_EPOCH + Duration::from_millis(1_709_528_767_500),
            zone: Zone {
                name: "CET".into(),
                offset_seconds: 3600,
            },
        };
        let env = MapEnvironment([("HOME".to_string(), "/home/kots".to_string())].into());
        let options = Options {
            providers: Providers {
                clock: Arc::new(clock),
                env: Arc::new(env),
                seed: Some(seed),
            },
            ..Options::default()
        };
        let t = Template::parse_with("t", src, &options).unwrap_or_else(|e| panic!("{src}: {e}"));
        t.render(&Value::Nil)
            .unwrap_or_else(|e| panic!("{src}: {e}"))
    }

    #[test]
    fn clock_and_zone_come_from_the_provider() {
        assert_eq!(render("{{ now }}", 1), "2024-03-04 06:06:07.5 +0100 CET");
        assert_eq!(
            render(r#"{{ now | date "2006-01-02 15:04 MST" }}"#, 1),
            "2024-03-04 06:06 CET"
        );
        assert_eq!(
            render(r#"{{ dateInZone "15:04 MST" now "UTC" }}"#, 1),
            "05:06 UTC"
        );
        assert_eq!(
            render("{{ now | unixEpoch }}|{{ htmlDate now }}", 1),
            "1709528767|2024-03-04"
        );
        assert_eq!(
            render(r#"{{ date "2006-01-02T15:04:05Z07:00" 0 }}"#, 1),
            "1970-01-01T01:00:00+01:00"
        );
        assert_eq!(
            render(r#"{{ toDate "2006-01-02" "2024-01-01" }}"#, 1),
            "2024-01-01 00:00:00 +0100 CET"
        );
        assert_eq!(
            render(r#"{{ ago (toDate "2006-01-02" "2024-03-03") }}"#, 1),
            "30h6m8s"
        );
        assert_eq!(
            render(
                r#"{{ durationRound (toDate "2006-01-02" "2024-01-01") }}"#,
                1
            ),
            "2mo"
        );
        assert_eq!(render(r#"{{ (dateModify "-1h" now).Hour }}"#, 1), "5");
    }

    #[test]
    fn environment_comes_from_the_provider() {
        assert_eq!(
            render(r#"{{ env "HOME" }}|{{ env "PATH" }}"#, 1),
            "/home/kots|"
        );
        assert_eq!(
            render(r#"{{ expandenv "$HOME/x:${PATH}" }}"#, 1),
            "/home/kots/x:"
        );
    }

    #[test]
    fn seeded_randomness_repeats_and_varies_with_the_seed() {
        let src = r#"{{ randAlphaNum 12 }} {{ randAlpha 5 }} {{ randNumeric 6 }} {{ randAscii 4 }} {{ uuidv4 }} {{ randBytes 9 }} {{ shuffle "abcdef" }} {{ randInt 1 1000 }} {{ bcrypt "pw" }} {{ htpasswd "u" "pw" }} {{ encryptAES "k" "text" }}"#;
        let first = render(src, 7);
        assert_eq!(first, render(src, 7));
        assert_ne!(first, render(src, 8));
        let encrypted = first.rsplit(' ').next().unwrap_or_default().to_string();
        assert_eq!(
            render(&format!(r#"{{{{ decryptAES "k" "{encrypted}" }}}}"#), 1),
            "text"
        );
    }

    #[test]
    fn seeded_certificates_repeat() {
        let src = r#"{{ $ca := genCAWithKey "ca" 30 (genPrivateKey "ecdsa") }}{{ $c := genSignedCertWithKey "x" (list "10.0.0.1") (list "x.local") 7 $ca (genPrivateKey "ed25519") }}{{ $ca.Cert }}{{ $c.Cert }}{{ $c.Key }}"#;
        let first = render(src, 3);
        assert_eq!(first, render(src, 3));
        assert_eq!(first.matches("-----BEGIN CERTIFICATE-----").count(), 2);
        assert!(first.contains("-----BEGIN PRIVATE KEY-----"));
    }

    #[test]
    fn registers_every_sprig_function() {
        let mut map = FuncMap::new();
        register(&mut map);
        let missing: Vec<&&str> = SPRIG_3_3_0.iter().filter(|n| !map.contains(n)).collect();
        assert!(missing.is_empty(), "missing: {missing:?}");
        assert_eq!(map.len(), SPRIG_3_3_0.len());
    }
}
