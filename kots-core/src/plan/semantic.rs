//! Semantic field diff between two versions of one object.
//!
//! Compares parsed values, not YAML text: map key order never matters; absent, `null`, `{}` and
//! `[]` are the same (the API server defaults them alike); quantities compare by value (`1000m` =
//! `1`, `1Gi` = `1073741824`); int-or-string fields compare `8080` with `"8080"`; Secret
//! `stringData` is folded into `data` and values compare as bytes; server-managed fields
//! (`status`, `metadata.uid`, `resourceVersion`, `managedFields`, last-applied annotations, ...)
//! and the caller's ignore paths are skipped. Secret values never leave this module: their
//! changes carry `redacted: true` and no values.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::{Map, Value};

use super::input::IgnoreRule;
use super::model::{ChangeKind, FieldChange};
use super::PlanError;
use crate::manifest::Object;

/// Metadata fields the server writes.
pub(crate) const SERVER_METADATA: &[&str] = &[
    "creationTimestamp",
    "deletionGracePeriodSeconds",
    "deletionTimestamp",
    "generation",
    "managedFields",
    // The identity already matched the (defaulted) namespace.
    "namespace",
    "resourceVersion",
    "selfLink",
    "uid",
];

/// Annotations written by the server or by other tools' bookkeeping; the last-applied copies
/// also hold Secret values, which must never be compared or shown.
pub(crate) const SERVER_ANNOTATIONS: &[&str] = &[
    "deployment.kubernetes.io/revision",
    "kapp.k14s.io/original",
    "kapp.k14s.io/original-diff-md5",
    "kubectl.kubernetes.io/last-applied-configuration",
];

/// Maps whose values are resource quantities.
const QUANTITY_MAPS: &[&str] = &[
    "allocatable",
    "capacity",
    "default",
    "defaultRequest",
    "hard",
    "limits",
    "max",
    "maxLimitRequestRatio",
    "min",
    "overhead",
    "requests",
];

/// Fields typed IntOrString in the Kubernetes API.
const INT_OR_STRING: &[&str] = &[
    "maxSurge",
    "maxUnavailable",
    "minAvailable",
    "port",
    "targetPort",
];

/// An ignore rule parsed into pointer segments.
#[derive(Debug, Clone)]
pub(crate) struct CompiledIgnore {
    segments: Vec<String>,
    kind: Option<String>,
    group: Option<String>,
}

impl CompiledIgnore {
    pub fn compile(rules: &[IgnoreRule]) -> Result<Vec<CompiledIgnore>, PlanError> {
        rules
            .iter()
            .map(|rule| {
                let Some(rest) = rule.path.strip_prefix('/') else {
                    return Err(PlanError::InvalidIgnorePath {
                        path: rule.path.clone(),
                        reason: "a JSON pointer must start with `/`",
                    });
                };
                Ok(CompiledIgnore {
                    segments: rest.split('/').map(unescape_pointer).collect(),
                    kind: rule.kind.clone(),
                    group: rule.group.clone(),
                })
            })
            .collect()
    }

    fn applies_to(&self, obj: &Object) -> bool {
        self.kind.as_deref().is_none_or(|k| k == obj.kind())
            && self.group.as_deref().is_none_or(|g| g == obj.group())
    }

    fn matches(&self, path: &[String]) -> bool {
        self.segments.len() == path.len()
            && self
                .segments
                .iter()
                .zip(path)
                .all(|(s, p)| s == "*" || s == p)
    }
}

fn unescape_pointer(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The semantic differences from `old` to `new`, in document order.
pub(crate) fn diff_objects(
    old: &Object,
    new: &Object,
    ignores: &[CompiledIgnore],
) -> Vec<FieldChange> {
    if same_map(old.as_map(), new.as_map()) {
        return Vec::new();
    }
    let rules: Vec<&CompiledIgnore> = ignores.iter().filter(|r| r.applies_to(new)).collect();
    let secret = new.kind() == "Secret" && new.group().is_empty();
    let mut walker = Walker {
        rules,
        path: Vec::new(),
        changes: Vec::new(),
    };
    let (a, b) = (old.as_map(), new.as_map());
    for (key, value) in a {
        if !skip_top(key, secret) {
            walker.field(key, Some(value), b.get(key), "");
        }
    }
    for (key, value) in b {
        if !a.contains_key(key) && !skip_top(key, secret) {
            walker.field(key, None, Some(value), "");
        }
    }
    if secret {
        walker.secret_data(old, new);
    }
    walker.changes
}

/// Exact equality, fast when both sides list keys in the same order (one renderer, two
/// versions): no hashing then. Falls back to order-insensitive comparison.
fn same_map(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    if a.len() != b.len() {
        return false;
    }
    for ((ka, va), (kb, vb)) in a.iter().zip(b) {
        if ka != kb {
            return a == b;
        }
        if !same(va, vb) {
            return false;
        }
    }
    true
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => same_map(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        _ => a == b,
    }
}

fn skip_top(key: &str, secret: bool) -> bool {
    key == "status" || (secret && (key == "data" || key == "stringData"))
}

struct Walker<'r> {
    rules: Vec<&'r CompiledIgnore>,
    path: Vec<String>,
    changes: Vec<FieldChange>,
}

impl Walker<'_> {
    /// Visits `key` (a map key or an index) below the current path.
    fn field(&mut self, key: &str, old: Option<&Value>, new: Option<&Value>, parent: &str) {
        if self.is_server_managed(key) {
            return;
        }
        self.path.push(key.to_string());
        if !self.rules.iter().any(|r| r.matches(&self.path)) {
            self.compare(old, new, key, parent);
        }
        self.path.pop();
    }

    fn is_server_managed(&self, key: &str) -> bool {
        match self.path.as_slice() {
            [m] if m == "metadata" => SERVER_METADATA.contains(&key),
            [m, a] if m == "metadata" && a == "annotations" => SERVER_ANNOTATIONS.contains(&key),
            _ => false,
        }
    }

    fn compare(&mut self, old: Option<&Value>, new: Option<&Value>, key: &str, parent: &str) {
        match (old.filter(|v| !is_empty(v)), new.filter(|v| !is_empty(v))) {
            (None, None) => {}
            (Some(Value::Object(a)), Some(Value::Object(b))) => self.maps(a, b, key),
            (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    self.field(&i.to_string(), Some(x), Some(y), key);
                }
            }
            (Some(a), Some(b)) => {
                if !leaf_equal(a, b, key, parent) {
                    self.push(ChangeKind::Changed, Some(a), Some(b));
                }
            }
            // Maps added or removed whole are walked key by key, so server-managed and ignored
            // keys inside them stay out (a last-applied annotation copies Secret values).
            (Some(Value::Object(a)), None) => self.maps(a, &Map::new(), key),
            (None, Some(Value::Object(b))) => self.maps(&Map::new(), b, key),
            (Some(a), None) => self.push(ChangeKind::Removed, Some(a), None),
            (None, Some(b)) => self.push(ChangeKind::Added, None, Some(b)),
        }
    }

    fn maps(&mut self, a: &Map<String, Value>, b: &Map<String, Value>, key: &str) {
        for (k, v) in a {
            self.field(k, Some(v), b.get(k), key);
        }
        for (k, v) in b {
            if !a.contains_key(k) {
                self.field(k, None, Some(v), key);
            }
        }
    }

    fn push(&mut self, change: ChangeKind, old: Option<&Value>, new: Option<&Value>) {
        self.changes.push(FieldChange {
            path: pointer(&self.path),
            change,
            old: old.cloned(),
            new: new.cloned(),
            redacted: false,
        });
    }

    /// Secret `data` and `stringData`, merged and compared as bytes; values never copied out.
    fn secret_data(&mut self, old: &Object, new: &Object) {
        let (a, b) = (secret_bytes(old), secret_bytes(new));
        let keys = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
        for key in keys {
            let path = vec!["data".to_string(), key.clone()];
            if self.rules.iter().any(|r| r.matches(&path)) {
                continue;
            }
            let change = match (a.get(key), b.get(key)) {
                (Some(x), Some(y)) if x == y => continue,
                (Some(_), Some(_)) => ChangeKind::Changed,
                (Some(_), None) => ChangeKind::Removed,
                _ => ChangeKind::Added,
            };
            self.changes.push(FieldChange {
                path: pointer(&path),
                change,
                old: None,
                new: None,
                redacted: true,
            });
        }
    }
}

fn pointer(path: &[String]) -> String {
    path.iter()
        .map(|s| format!("/{}", escape_pointer(s)))
        .collect()
}

pub(crate) fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// A Secret's values as bytes: `data` decoded from base64, overlaid by `stringData` (the API
/// server does the same merge). A `data` value that is not valid base64 compares as its text.
pub(crate) fn secret_bytes(obj: &Object) -> BTreeMap<String, Vec<u8>> {
    let engine = base64::engine::general_purpose::STANDARD;
    let mut out = BTreeMap::new();
    let map = obj.as_map();
    if let Some(Value::Object(data)) = map.get("data") {
        for (k, v) in data {
            let text = scalar_text(v);
            let bytes = engine
                .decode(text.as_bytes())
                .unwrap_or_else(|_| text.into_bytes());
            out.insert(k.clone(), bytes);
        }
    }
    if let Some(Value::Object(data)) = map.get("stringData") {
        for (k, v) in data {
            out.insert(k.clone(), scalar_text(v).into_bytes());
        }
    }
    out
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Equality of two non-empty leaves (or lists of different lengths) under Kubernetes semantics.
fn leaf_equal(a: &Value, b: &Value, key: &str, parent: &str) -> bool {
    if a == b {
        return true;
    }
    if let (Value::Number(x), Value::Number(y)) = (a, b) {
        return x.as_f64() == y.as_f64();
    }
    if QUANTITY_MAPS.contains(&parent) || key == "sizeLimit" {
        if let (Some(x), Some(y)) = (quantity_of(a), quantity_of(b)) {
            return x == y;
        }
    }
    if INT_OR_STRING.contains(&key) {
        return match (a, b) {
            (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n)) => {
                n.to_string() == *s
            }
            _ => false,
        };
    }
    false
}

fn quantity_of(v: &Value) -> Option<i128> {
    match v {
        Value::String(s) => parse_quantity(s),
        Value::Number(n) => parse_quantity(&n.to_string()),
        _ => None,
    }
}

/// A Kubernetes resource quantity in nano-units (`1` = 10⁹), exactly; `None` when the text is
/// not a quantity or the value does not fit.
pub(crate) fn parse_quantity(text: &str) -> Option<i128> {
    let (negative, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let number_end = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (number, suffix) = body.split_at(number_end);
    let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
    if int_part.is_empty() && frac_part.is_empty() || frac_part.contains('.') {
        return None;
    }
    let digits = format!("{int_part}{frac_part}");
    let mantissa: i128 = if digits.len() > 30 {
        return None;
    } else {
        digits.parse().ok()?
    };
    let (exp10, exp2) = suffix_scale(suffix)?;
    let exp10 = exp10 + 9 - frac_part.len() as i32;
    let mut value = mantissa.checked_mul(1i128.checked_shl(exp2)?)?;
    if exp10 >= 0 {
        value = value.checked_mul(10i128.checked_pow(exp10 as u32)?)?;
    } else {
        let divisor = 10i128.checked_pow((-exp10) as u32)?;
        // Sub-nano precision: Kubernetes rounds up; equal values stay equal either way.
        value = (value + divisor - 1) / divisor;
    }
    Some(if negative { -value } else { value })
}

/// `(power of ten, power of two)` of a quantity suffix.
fn suffix_scale(suffix: &str) -> Option<(i32, u32)> {
    Some(match suffix {
        "" => (0, 0),
        "n" => (-9, 0),
        "u" => (-6, 0),
        "m" => (-3, 0),
        "k" => (3, 0),
        "M" => (6, 0),
        "G" => (9, 0),
        "T" => (12, 0),
        "P" => (15, 0),
        "E" => (18, 0),
        "Ki" => (0, 10),
        "Mi" => (0, 20),
        "Gi" => (0, 30),
        "Ti" => (0, 40),
        "Pi" => (0, 50),
        "Ei" => (0, 60),
        exp => {
            let e: i32 = exp.strip_prefix(['e', 'E'])?.parse().ok()?;
            if !(-40..=40).contains(&e) {
                return None;
            }
            (e, 0)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(yaml: &str) -> Object {
        Object::from_yaml(yaml).unwrap()
    }

    #[test]
    fn quantities_compare_by_value() {
        assert_eq!(parse_quantity("1000m"), parse_quantity("1"));
        assert_eq!(parse_quantity("1Gi"), parse_quantity("1073741824"));
        assert_eq!(parse_quantity("0.5"), parse_quantity("500m"));
        assert_eq!(parse_quantity("1e3"), parse_quantity("1k"));
        assert_eq!(parse_quantity("1.5Gi"), parse_quantity("1536Mi"));
        assert_ne!(parse_quantity("1G"), parse_quantity("1Gi"));
        assert_eq!(parse_quantity("abc"), None);
        assert_eq!(parse_quantity("1Xi"), None);
        assert_eq!(parse_quantity(""), None);
        assert_eq!(parse_quantity("9999999999999999999999999999999Ei"), None);
    }

    #[test]
    fn normalised_fields_are_equal() {
        let a = obj("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\n  uid: u1\n  resourceVersion: '5'\n  annotations: {kubectl.kubernetes.io/last-applied-configuration: x}\nspec:\n  strategy: {rollingUpdate: {maxSurge: 1}}\n  template:\n    spec:\n      containers:\n      - name: c\n        resources: {limits: {cpu: 1000m, memory: 1Gi}}\n        ports: []\n      volumes: []\nstatus: {replicas: 3}\n");
        let b = obj("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\n  labels: {}\nspec:\n  strategy: {rollingUpdate: {maxSurge: '1'}}\n  template:\n    spec:\n      containers:\n      - name: c\n        resources: {limits: {cpu: '1', memory: 1024Mi}}\n");
        assert_eq!(diff_objects(&a, &b, &[]), vec![]);
    }

    #[test]
    fn changes_carry_paths_and_values() {
        let a = obj(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a/b: '1', gone: x}\n",
        );
        let b =
            obj("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a/b: '2', new: y}\n");
        let changes = diff_objects(&a, &b, &[]);
        let paths: Vec<_> = changes
            .iter()
            .map(|c| (c.path.as_str(), c.change))
            .collect();
        assert_eq!(
            paths,
            vec![
                ("/data/a~1b", ChangeKind::Changed),
                ("/data/gone", ChangeKind::Removed),
                ("/data/new", ChangeKind::Added)
            ]
        );
        assert_eq!(changes[0].old, Some(Value::from("1")));
    }

    #[test]
    fn secret_values_are_compared_as_bytes_and_redacted() {
        let a = obj("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {pw: aHVudGVyMg==, k: YQ==}\n");
        let b = obj(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {pw: hunter2, k: b}\n",
        );
        let changes = diff_objects(&a, &b, &[]);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, "/data/k");
        assert!(changes[0].redacted && changes[0].old.is_none() && changes[0].new.is_none());
        let text = serde_json::to_string(&changes).unwrap();
        assert!(!text.contains("YQ") && !text.contains("hunter2") && !text.contains("aHVudGVy"));
    }

    #[test]
    fn ignore_paths_with_wildcards() {
        let a = obj("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, annotations: {x/y: '1'}}\nspec: {replicas: 1}\n");
        let b = obj("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, annotations: {x/y: '2'}}\nspec: {replicas: 3}\n");
        let rules = CompiledIgnore::compile(&[
            IgnoreRule {
                path: "/spec/replicas".into(),
                kind: Some("Deployment".into()),
                group: None,
            },
            IgnoreRule {
                path: "/metadata/*/x~1y".into(),
                kind: None,
                group: None,
            },
        ])
        .unwrap();
        assert_eq!(diff_objects(&a, &b, &rules), vec![]);
        let bad = IgnoreRule {
            path: "spec".into(),
            kind: None,
            group: None,
        };
        assert!(CompiledIgnore::compile(&[bad]).is_err());
    }
}
