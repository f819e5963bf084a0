//! From rendered upstream files to base documents (kots-internals §5.2, §5.3): splitting, base
//! file naming, KOTS kinds, `kots.io/exclude` / `kots.io/when`, and the files KOTS skips.

use kots_core::kinds::{is_kots_kind, parse_bool};
use kots_core::manifest::{parse_document, split_documents, Document, Limits, Object};
use serde_json::Value;

use super::RenderError;

/// What happened to one rendered document.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Part of the base: the object KOTS deploys (before finishing).
    Included(Object),
    /// Removed by `kots.io/exclude: true` or `kots.io/when: false`.
    Excluded,
    /// Not valid YAML or not a Kubernetes document in a `.yaml`/`.yml` file: KOTS writes it to
    /// `skippedFiles/` with this reason.
    Skipped(String),
    /// Silently dropped: empty, a KOTS kind, or not YAML in a file with another extension.
    Dropped,
}

const KOTS_GROUPS: [&str; 7] = [
    "kots.io/",
    "troubleshoot.sh/",
    "troubleshoot.replicated.com/",
    "kurl.sh/",
    "velero.io/",
    "embeddedcluster.replicated.com/",
    "app.k8s.io/",
];

/// Whether a document may be one of KOTS's kinds, judged from its `apiVersion:` lines (or its
/// whole text when it has none at the start of a line, e.g. flow style). Documents that cannot be
/// need no YAML parse to tell, which is most of them.
pub(crate) fn may_be_kots_kind(text: &str) -> bool {
    let names_group = |s: &str| KOTS_GROUPS.iter().any(|g| s.contains(g));
    let mut api_lines = text
        .lines()
        .filter(|l| l.starts_with("apiVersion:"))
        .peekable();
    if api_lines.peek().is_none() {
        return names_group(text);
    }
    api_lines.any(names_group)
}

/// The `kind:` value written at the start of a line (unquoted), for cheap pre-checks only.
pub(crate) fn names_kind(text: &str, kind: &str) -> bool {
    text.lines().any(|l| {
        l.strip_prefix("kind:").map(|v| {
            v.split('#')
                .next()
                .unwrap_or_default()
                .trim()
                .trim_matches(['"', '\''])
        }) == Some(kind)
    }) || !text.lines().any(|l| l.starts_with("kind:"))
}

/// `apiVersion` and `kind` of a document when it parses to a mapping that has both as strings.
pub(crate) fn api_version_kind(text: &str) -> Option<(String, String)> {
    let value = parse_text(text).ok()?;
    let field = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_string);
    Some((field("apiVersion")?, field("kind")?))
}

/// Parses one document's text with the Kubernetes YAML typing and the default limits.
pub(crate) fn parse_text(text: &str) -> Result<Value, kots_core::manifest::ManifestError> {
    let doc = Document {
        index: 0,
        line: 1,
        text: text.to_string(),
    };
    parse_document(&doc, &Limits::default())
}

/// The upstream file with its KOTS-kind documents removed (`ExcludeKotsKinds`), rejoined as KOTS
/// rejoins them. `None` when the file held only KOTS kinds. Documents that do not parse before
/// rendering are kept: they are judged after rendering.
pub(crate) fn without_kots_kinds(text: &str) -> Option<String> {
    let mut saw_kots_kind = false;
    let kept: Vec<String> = split_documents(text)
        .into_iter()
        .filter(|doc| {
            let kots = may_be_kots_kind(&doc.text)
                && api_version_kind(&doc.text).is_some_and(|(a, k)| is_kots_kind(&a, &k));
            saw_kots_kind |= kots;
            !kots
        })
        .map(|doc| doc.text)
        .collect();
    if saw_kots_kind && kept.is_empty() {
        return None;
    }
    Some(kept.join("\n---\n"))
}

/// `convertToSingleDocBaseFiles`: document 1 keeps the path, document i ≥ 2 becomes
/// `<stem>-<i><ext>`; a file with no document gives one empty base file.
pub(crate) fn single_doc_base_files(path: &str, rendered: &str) -> Vec<(String, String)> {
    let docs = split_documents(rendered);
    if docs.is_empty() {
        return vec![(path.to_string(), String::new())];
    }
    let (stem, ext) = split_ext(path);
    docs.into_iter()
        .enumerate()
        .map(|(i, doc)| {
            let name = if i == 0 {
                path.to_string()
            } else {
                format!("{stem}-{}{ext}", i + 1)
            };
            (name, doc.text)
        })
        .collect()
}

/// Splits `dir/name.ext` into (`dir/name`, `.ext`) as Go's `filepath.Ext` does: the extension
/// starts at the last `.` of the last path element.
fn split_ext(path: &str) -> (&str, &str) {
    let base_start = path.rfind('/').map_or(0, |i| i + 1);
    match path[base_start..].rfind('.') {
        Some(dot) => path.split_at(base_start + dot),
        None => (path, ""),
    }
}

fn is_yaml_path(path: &str) -> bool {
    matches!(split_ext(path).1, ".yaml" | ".yml")
}

/// `ShouldBeIncludedInBaseKustomization(excludeKotsKinds=true)` for one rendered document.
/// Unparseable `kots.io/exclude`/`kots.io/when` values are fatal, as in KOTS.
pub(crate) fn classify(path: &str, text: &str) -> Result<Outcome, RenderError> {
    let value = match parse_text(text) {
        Ok(v) => v,
        Err(e) if is_yaml_path(path) => return Ok(Outcome::Skipped(e.to_string())),
        Err(_) => return Ok(Outcome::Dropped),
    };
    if value.is_null() {
        return Ok(Outcome::Dropped);
    }
    let field = |k: &str| value.get(k).and_then(Value::as_str).unwrap_or_default();
    let (api_version, kind) = (field("apiVersion"), field("kind"));
    if api_version.is_empty() || kind.is_empty() {
        if is_yaml_path(path) {
            return Ok(Outcome::Skipped("not a kubernetes document".into()));
        }
        return Ok(Outcome::Dropped);
    }
    if is_kots_kind(api_version, kind) {
        return Ok(Outcome::Dropped);
    }
    let annotations = value
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(Value::as_object);
    if let Some(annotations) = annotations {
        if excluded_by_annotations(annotations).map_err(|message| RenderError::Annotation {
            path: path.to_string(),
            object: format!(
                "{}, kind {api_version}/{kind}",
                value
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            ),
            message,
        })? {
            return Ok(Outcome::Excluded);
        }
    }
    match Object::from_value(value) {
        Ok(object) => Ok(Outcome::Included(object)),
        Err(e) => Ok(Outcome::Skipped(e.to_string())),
    }
}

/// `isExcludedByAnnotation`: `kots.io/exclude` wins; `kots.io/when` is consulted only without it.
fn excluded_by_annotations(annotations: &serde_json::Map<String, Value>) -> Result<bool, String> {
    if let Some(value) = annotations.get("kots.io/exclude") {
        return annotation_bool(value, "exclude");
    }
    if let Some(value) = annotations.get("kots.io/when") {
        return annotation_bool(value, "when").map(|b| !b);
    }
    Ok(false)
}

fn annotation_bool(value: &Value, which: &str) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) => {
            parse_bool(s).map_err(|_| format!("unable to parse {s} as bool in {which} annotation"))
        }
        other => Err(format!(
            "unexpected type in {which} annotation: {}",
            go_type_name(other)
        )),
    }
}

/// The `%T` of the value yaml.v2 would have produced.
fn go_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[interface {}]interface {}",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_file_names_follow_kots() {
        let names: Vec<String> =
            single_doc_base_files("sub/secrets.yaml", "a: 1\n---\nb: 2\n---\nc: 3\n")
                .into_iter()
                .map(|(n, _)| n)
                .collect();
        assert_eq!(
            names,
            [
                "sub/secrets.yaml",
                "sub/secrets-2.yaml",
                "sub/secrets-3.yaml"
            ]
        );
        assert_eq!(
            single_doc_base_files("x.yaml", "  \n"),
            [("x.yaml".to_string(), String::new())]
        );
        assert_eq!(split_ext("a.b/c"), ("a.b/c", ""));
    }

    #[test]
    fn kots_kinds_are_removed_before_rendering() {
        let text =
            "apiVersion: kots.io/v1beta1\nkind: Config\n---\napiVersion: v1\nkind: ConfigMap\n";
        assert_eq!(
            without_kots_kinds(text).as_deref(),
            Some("apiVersion: v1\nkind: ConfigMap\n")
        );
        assert_eq!(
            without_kots_kinds("apiVersion: kots.io/v1beta1\nkind: Config\n"),
            None
        );
        // A document that only parses after rendering is kept.
        assert!(without_kots_kinds("a: {{repl X }}\n").is_some());
    }

    #[test]
    fn exclude_wins_over_when_and_bad_values_are_fatal() {
        let doc = |ann: &str| {
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n{ann}")
        };
        let excluded = classify(
            "a.yaml",
            &doc("    kots.io/exclude: 'true'\n    kots.io/when: 'true'\n"),
        );
        assert!(matches!(excluded, Ok(Outcome::Excluded)));
        let kept = classify(
            "a.yaml",
            &doc("    kots.io/exclude: 'false'\n    kots.io/when: 'false'\n"),
        );
        assert!(matches!(kept, Ok(Outcome::Included(_))));
        assert!(matches!(
            classify("a.yaml", &doc("    kots.io/when: false\n")),
            Ok(Outcome::Excluded)
        ));
        let err = classify("a.yaml", &doc("    kots.io/exclude: maybe\n")).unwrap_err();
        assert!(
            err.to_string()
                .contains("unable to parse maybe as bool in exclude annotation"),
            "{err}"
        );
        let err = classify("a.yaml", &doc("    kots.io/when: 3\n")).unwrap_err();
        assert!(
            err.to_string()
                .contains("unexpected type in when annotation: int"),
            "{err}"
        );
    }

    #[test]
    fn invalid_and_foreign_documents() {
        assert!(matches!(
            classify("a.yaml", "# only a comment\n"),
            Ok(Outcome::Dropped)
        ));
        assert!(
            matches!(classify("a.yaml", "foo: bar\n"), Ok(Outcome::Skipped(r)) if r == "not a kubernetes document")
        );
        assert!(matches!(
            classify("a.txt", "foo: bar\n"),
            Ok(Outcome::Dropped)
        ));
        assert!(matches!(
            classify("a.yaml", "a: [\n"),
            Ok(Outcome::Skipped(_))
        ));
        assert!(matches!(classify("a.md", "a: [\n"), Ok(Outcome::Dropped)));
        assert!(matches!(
            classify(
                "a.yaml",
                "apiVersion: troubleshoot.sh/v1beta2\nkind: Preflight\n"
            ),
            Ok(Outcome::Dropped)
        ));
    }
}
