//! Decoding an [`Object`] into a typed kind, with errors that name the field path and the named
//! groups/items around it.

use serde_json::Value;
use serde_path_to_error::Segment;

use super::{KindsError, KotsResource};
use crate::manifest::Object;

/// Checks the object's `apiVersion`/`kind`, then decodes it.
pub(crate) fn typed<T: KotsResource>(object: &Object) -> Result<T, KindsError> {
    if object.api_version() != T::API_VERSION || object.kind() != T::KIND {
        return Err(KindsError::WrongKind {
            expected: format!("{} {}", T::API_VERSION, T::KIND),
            found: format!("{} {}", object.api_version(), object.kind()),
        });
    }
    let value = Value::Object(object.as_map().clone());
    serde_path_to_error::deserialize::<_, T>(&value).map_err(|error| {
        let segments: Vec<&Segment> = error.path().iter().collect();
        KindsError::Decode {
            kind: T::KIND.to_string(),
            name: object.name().unwrap_or_default().to_string(),
            path: error.path().to_string(),
            context: named_ancestors(&value, &segments),
            message: error.into_inner().to_string(),
        }
    })
}

/// Walks `path` through `root` and names each list element on the way that has a `name`, e.g.
/// `group "setup", item "port"` for `spec.groups[0].items[3].default`.
fn named_ancestors(root: &Value, path: &[&Segment]) -> Option<String> {
    let mut names = Vec::new();
    let mut current = root;
    let mut list_key = "";
    let mut items_depth = 0;
    for segment in path {
        match segment {
            Segment::Map { key } => {
                let Some(next) = current.get(key.as_str()) else {
                    break;
                };
                list_key = key.as_str();
                current = next;
            }
            Segment::Seq { index } => {
                let Some(next) = current.get(*index) else {
                    break;
                };
                current = next;
                let Some(name) = next.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let label = match list_key {
                    "groups" => "group",
                    "items" => {
                        items_depth += 1;
                        if items_depth == 1 {
                            "item"
                        } else {
                            "child item"
                        }
                    }
                    other => other,
                };
                names.push(format!("{label} {name:?}"));
            }
            _ => break,
        }
    }
    (!names.is_empty()).then(|| names.join(", "))
}
