//! Multi-document YAML manifests: KOTS's splitting rules, a Kubernetes object model and YAML in/out.
//!
//! Splitting follows KOTS's `ConvertToSingleDocs` (kots-internals §5.2): CRLF is normalised,
//! separator lines may carry trailing blanks or a `# comment`, and documents that are blank are
//! dropped. Scalars are typed as Kubernetes types them (go-yaml v2, YAML 1.1, seen through
//! sigs.k8s.io/yaml): `yes`/`on`/`y` are booleans, `0777` is octal, `1.10` is a number, and map
//! keys that are not strings become strings.
//!
//! ```
//! use kots_core::manifest::parse_manifests;
//!
//! let objects = parse_manifests("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n\
//!     apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: prod\n").unwrap();
//! assert_eq!(objects.len(), 2);
//! let id = objects[1].id();
//! assert_eq!((id.group.as_str(), id.version.as_str(), id.kind.as_str()), ("apps", "v1", "Deployment"));
//! assert_eq!(id.namespace.as_deref(), Some("prod"));
//! ```

use std::fmt;
use std::sync::OnceLock;

mod fast_yaml;
mod go_yaml;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Why a manifest stream could not be read. Every variant names the document (0-based index in
/// the stream) and, where the YAML parser knows it, the line and column in the whole input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// The text of a document is not valid YAML, or exceeds a parsing limit.
    #[error("document {document}: line {line}, column {column}: {message}")]
    Yaml {
        document: usize,
        line: u64,
        column: u64,
        message: String,
    },
    /// The document parsed, but is a scalar or a list where a Kubernetes object must be a mapping.
    #[error("document {document} (line {line}): expected a mapping, found {found}")]
    NotAMapping {
        document: usize,
        line: u64,
        found: &'static str,
    },
    /// `apiVersion` or `kind` is missing, empty or not a string.
    #[error("document {document} (line {line}): `{field}` is missing or not a non-empty string")]
    MissingField {
        document: usize,
        line: u64,
        field: &'static str,
    },
    /// The input is larger than [`Limits::max_bytes`].
    #[error("input is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    /// The stream holds more documents than [`Limits::max_documents`].
    #[error("input holds more than {limit} documents")]
    TooManyDocuments { limit: usize },
    /// A value could not be written as YAML.
    #[error("cannot write YAML: {0}")]
    Serialize(String),
}

/// Bounds on untrusted manifest input. The defaults fit any real release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes (default 64 MiB).
    pub max_bytes: usize,
    /// Deepest nesting of mappings and lists in one document (default 64).
    pub max_depth: usize,
    /// Most documents in one stream (default 10,000).
    pub max_documents: usize,
    /// Most YAML nodes in one document, aliases expanded (default 1,000,000).
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 64 << 20,
            max_depth: 64,
            max_documents: 10_000,
            max_nodes: 1_000_000,
        }
    }
}

/// One document of a multi-document stream, as KOTS splits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// 0-based position among the non-empty documents of the stream.
    pub index: usize,
    /// 1-based line in the (CRLF-normalised) input where the document's text starts.
    pub line: u64,
    /// The document's text, without its separator.
    pub text: String,
}

fn separator_line() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?m)^---[ \t]*(#.*)?$").expect("static regex"))
}

/// Splits a stream into documents exactly as KOTS's `ConvertToSingleDocs` does.
///
/// A `---` at the very start is not a split point (it stays in the first document, which YAML
/// accepts); blank documents are dropped.
pub fn split_documents(text: &str) -> Vec<Document> {
    if !text.contains('\r') && !text.starts_with("---") && !text.contains("\n---") {
        // No separator can match: one document (a single manifest, a license), without the
        // normalising copies below.
        if text.trim().is_empty() {
            return Vec::new();
        }
        let text = text.to_string();
        return vec![Document {
            index: 0,
            line: 1,
            text,
        }];
    }
    let normalised = text.replace("\r\n", "\n");
    let marked = separator_line().replace_all(&normalised, "---");
    let mut documents = Vec::new();
    let mut line = 1u64;
    for chunk in marked.split("\n---\n") {
        if !chunk.trim().is_empty() {
            documents.push(Document {
                index: documents.len(),
                line,
                text: chunk.to_string(),
            });
        }
        // The chunk's own lines, plus the line its separator took.
        line += chunk.matches('\n').count() as u64 + 2;
    }
    documents
}

/// The identity of a Kubernetes object: group, version, kind, namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ResourceId {
    /// API group; empty for the core group (`v1`).
    pub group: String,
    pub version: String,
    pub kind: String,
    /// `None` when the document names no namespace.
    pub namespace: Option<String>,
    /// Empty when the document names none (`generateName` objects, lists).
    pub name: String,
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let group = if self.group.is_empty() {
            String::new()
        } else {
            format!(".{}", self.group)
        };
        match &self.namespace {
            Some(ns) => write!(f, "{}{}/{}/{}", self.kind, group, ns, self.name),
            None => write!(f, "{}{}/{}", self.kind, group, self.name),
        }
    }
}

/// A Kubernetes object: a mapping with a string `apiVersion` and `kind`, kept in document order.
///
/// ```
/// use kots_core::manifest::Object;
///
/// let obj = Object::from_yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: b}\n").unwrap();
/// assert_eq!(obj.kind(), "Secret");
/// assert_eq!(obj.name(), Some("s"));
/// assert!(obj.to_yaml().unwrap().contains("kind: Secret"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Object {
    value: Map<String, Value>,
}

impl Object {
    /// Wraps a JSON value, checking it is a mapping with a non-empty string `apiVersion` and `kind`.
    pub fn from_value(value: Value) -> Result<Object, ManifestError> {
        object_from_value(value, 0, 1)
    }

    /// Parses a single YAML document (a stream of one).
    pub fn from_yaml(text: &str) -> Result<Object, ManifestError> {
        let mut objects = parse_manifests(text)?;
        match objects.len() {
            1 => Ok(objects.remove(0)),
            n => Err(ManifestError::Yaml {
                document: 0,
                line: 1,
                column: 1,
                message: format!("expected exactly one document, found {n}"),
            }),
        }
    }

    pub fn api_version(&self) -> &str {
        self.str_field("apiVersion")
    }

    pub fn kind(&self) -> &str {
        self.str_field("kind")
    }

    /// The API group (`apps` of `apps/v1`; empty for `v1`).
    pub fn group(&self) -> &str {
        self.api_version().rsplit_once('/').map_or("", |(g, _)| g)
    }

    /// The API version (`v1` of `apps/v1`).
    pub fn version(&self) -> &str {
        self.api_version()
            .rsplit_once('/')
            .map_or(self.api_version(), |(_, v)| v)
    }

    pub fn metadata(&self) -> Option<&Map<String, Value>> {
        self.value.get("metadata").and_then(Value::as_object)
    }

    pub fn name(&self) -> Option<&str> {
        self.metadata_str("name")
    }

    pub fn namespace(&self) -> Option<&str> {
        self.metadata_str("namespace")
    }

    pub fn labels(&self) -> Option<&Map<String, Value>> {
        self.metadata()?.get("labels")?.as_object()
    }

    pub fn annotations(&self) -> Option<&Map<String, Value>> {
        self.metadata()?.get("annotations")?.as_object()
    }

    /// The object's identity.
    pub fn id(&self) -> ResourceId {
        ResourceId {
            group: self.group().to_string(),
            version: self.version().to_string(),
            kind: self.kind().to_string(),
            namespace: self.namespace().map(str::to_string),
            name: self.name().unwrap_or_default().to_string(),
        }
    }

    /// The whole object, fields in document order.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.value
    }

    /// Mutable access for callers that patch objects; `apiVersion` and `kind` must stay strings.
    pub fn as_map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.value
    }

    pub fn into_value(self) -> Value {
        Value::Object(self.value)
    }

    /// Serialises the object as one YAML document (no `---`).
    pub fn to_yaml(&self) -> Result<String, ManifestError> {
        to_yaml(&self.value)
    }

    fn str_field(&self, key: &str) -> &str {
        self.value
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    fn metadata_str(&self, key: &str) -> Option<&str> {
        self.metadata()?.get(key)?.as_str()
    }
}

/// Serialises any JSON-like value as YAML; strings that YAML 1.1 would read as another type are quoted.
pub fn to_yaml<T: Serialize>(value: &T) -> Result<String, ManifestError> {
    serde_saphyr::to_string(value).map_err(|e| ManifestError::Serialize(e.to_string()))
}

/// Parses every document of a stream into an [`Object`], with the default [`Limits`].
pub fn parse_manifests(text: &str) -> Result<Vec<Object>, ManifestError> {
    parse_manifests_with_limits(text, &Limits::default())
}

/// Parses every document of a stream into an [`Object`]. Documents holding only comments are empty
/// and skipped, as KOTS skips them.
pub fn parse_manifests_with_limits(
    text: &str,
    limits: &Limits,
) -> Result<Vec<Object>, ManifestError> {
    let mut objects = Vec::new();
    for doc in checked_split(text, limits)? {
        let value = parse_document(&doc, limits)?;
        if !value.is_null() {
            objects.push(object_from_value(value, doc.index, doc.line)?);
        }
    }
    Ok(objects)
}

/// Splits a stream and parses each document into a JSON value typed as Kubernetes types YAML,
/// without requiring the documents to be Kubernetes objects. `Null` stands for a comment-only document.
pub fn parse_values(text: &str, limits: &Limits) -> Result<Vec<(Document, Value)>, ManifestError> {
    checked_split(text, limits)?
        .into_iter()
        .map(|doc| parse_document(&doc, limits).map(|v| (doc, v)))
        .collect()
}

fn checked_split(text: &str, limits: &Limits) -> Result<Vec<Document>, ManifestError> {
    if text.len() > limits.max_bytes {
        return Err(ManifestError::TooLarge {
            size: text.len(),
            limit: limits.max_bytes,
        });
    }
    let documents = split_documents(text);
    if documents.len() > limits.max_documents {
        return Err(ManifestError::TooManyDocuments {
            limit: limits.max_documents,
        });
    }
    Ok(documents)
}

/// Parses one split document. Go's yaml.Unmarshal reads only the first YAML document of its input;
/// we refuse a chunk that holds two non-empty ones rather than drop one silently.
pub fn parse_document(doc: &Document, limits: &Limits) -> Result<Value, ManifestError> {
    match fast_yaml::parse(&doc.text, limits) {
        Some(value) => Ok(value),
        None => parse_document_general(doc, limits),
    }
}

/// The fast reader's answer beside the general parser's, for the differential fuzz target.
#[doc(hidden)]
pub fn fast_and_general(text: &str) -> (Option<Value>, Result<Value, ManifestError>) {
    let limits = Limits::default();
    let doc = Document {
        index: 0,
        line: 1,
        text: text.to_string(),
    };
    (
        fast_yaml::parse(text, &limits),
        parse_document_general(&doc, &limits),
    )
}

/// Any YAML, through serde-saphyr (the fast reader's fallback, and its reference in tests).
fn parse_document_general(doc: &Document, limits: &Limits) -> Result<Value, ManifestError> {
    let mut options = serde_saphyr::Options::default();
    options.legacy_octal_numbers = true;
    options.with_snippet = false;
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = limits.max_depth;
    budget.max_nodes = limits.max_nodes;
    options.budget = Some(budget);
    options.duplicate_keys = serde_saphyr::options::DuplicateKeyPolicy::LastWins;
    let values: Vec<go_yaml::GoValue> =
        serde_saphyr::from_multiple_with_options(&doc.text, options)
            .map_err(|e| yaml_error(doc, &e))?;
    let mut non_empty = values.into_iter().map(|v| v.0).filter(|v| !v.is_null());
    let first = non_empty.next().unwrap_or(Value::Null);
    if non_empty.next().is_some() {
        return Err(ManifestError::Yaml {
            document: doc.index,
            line: doc.line,
            column: 1,
            message: "one split document holds several YAML documents".into(),
        });
    }
    Ok(first)
}

fn yaml_error(doc: &Document, error: &serde_saphyr::Error) -> ManifestError {
    let (line, column) = error
        .location()
        .map_or((1, 1), |l| (l.line().max(1), l.column().max(1)));
    let message = error.to_string();
    // serde-saphyr prefixes its own position; ours is relative to the whole stream.
    let message = message
        .strip_prefix("error: ")
        .unwrap_or(&message)
        .split_once(": ")
        .filter(|(pos, _)| pos.starts_with("line "))
        .map_or(message.as_str(), |(_, rest)| rest)
        .trim()
        .to_string();
    ManifestError::Yaml {
        document: doc.index,
        line: doc.line + line - 1,
        column,
        message,
    }
}

fn object_from_value(value: Value, document: usize, line: u64) -> Result<Object, ManifestError> {
    let map = match value {
        Value::Object(map) => map,
        other => {
            return Err(ManifestError::NotAMapping {
                document,
                line,
                found: json_type_name(&other),
            })
        }
    };
    for field in ["apiVersion", "kind"] {
        if map
            .get(field)
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err(ManifestError::MissingField {
                document,
                line,
                field,
            });
        }
    }
    Ok(Object { value: map })
}

/// A short name for a JSON value's type, for error messages.
pub fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests;
