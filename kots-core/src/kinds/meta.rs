//! The Kubernetes `metadata` block as the kinds decode it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::go::{is_zero, nullable};

/// `metadata` (Kubernetes `ObjectMeta`): name, namespace, labels and annotations typed; every other
/// field (`uid`, `creationTimestamp`, …) kept as written in [`ObjectMeta::extra`].
///
/// Labels and annotations are string maps, as in Kubernetes: an unquoted `kots.io/exclude: true`
/// annotation fails to decode in KOTS and here.
///
/// ```
/// use kots_core::kinds::ObjectMeta;
///
/// let meta: ObjectMeta = serde_json::from_value(serde_json::json!({
///     "name": "my-app", "annotations": {"kots.io/exclude": "true"}, "uid": "1234"
/// })).unwrap();
/// assert_eq!(meta.name, "my-app");
/// assert_eq!(meta.annotations["kots.io/exclude"], "true");
/// assert_eq!(meta.extra["uid"], "1234");
/// ```
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectMeta {
    pub name: String,
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// Fields not modelled here, kept for the round trip.
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
