//! What the planner is given: manifests, inventories, an optional live snapshot, and a policy.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::model::OrderMode;
use crate::manifest::Object;

/// The objects and files to plan between.
///
/// ```
/// use kots_core::manifest::parse_manifests;
/// use kots_core::plan::PlanInput;
///
/// let input = PlanInput {
///     previous: parse_manifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n").unwrap(),
///     new: Vec::new(),
///     ..Default::default()
/// };
/// assert_eq!(input.previous.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanInput {
    /// The rendered objects of the last successfully deployed release.
    pub previous: Vec<Object>,
    /// The rendered objects of the release to deploy.
    pub new: Vec<Object>,
    /// Inventories of the attempts that failed since the last success, oldest first. Their
    /// objects count as previous, so nothing a failed attempt created is ever leaked.
    pub failed_attempts: Vec<Vec<Object>>,
    /// Objects the caller read from the cluster (UIDs, live keep markers, replica counts,
    /// namespace contents). A removed object missing from the snapshot is planned as already
    /// gone only when the snapshot holds other objects of its kind in its namespace (the caller
    /// may have read only some kinds). `None` plans fully offline.
    pub live: Option<Vec<Object>>,
    /// The previous release's rendered files (relative path → bytes), for KOTS's diff summary.
    pub previous_files: Option<BTreeMap<String, Vec<u8>>>,
    /// The new release's rendered files, for KOTS's diff summary.
    pub new_files: Option<BTreeMap<String, Vec<u8>>>,
}

/// The caller's choices. Deserialises from camelCase JSON with every field optional.
///
/// ```
/// use kots_core::plan::Policy;
///
/// let policy: Policy = serde_json::from_str(r#"{"allowDataLoss": true, "order": "kots"}"#).unwrap();
/// assert!(policy.allow_data_loss);
/// assert_eq!(policy.namespace, "default");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Policy {
    /// Namespace of namespaced objects that name none (KOTS's target namespace).
    pub namespace: String,
    /// Allow operations rated `data` (otherwise they are refused).
    pub allow_data_loss: bool,
    /// Refuse all deletes when more than this share (0..=1) of the previous objects would be
    /// deleted. Deleting every previous object is always guarded.
    pub max_delete_share: Option<f64>,
    /// Disable the mass-deletion guard.
    pub allow_mass_deletion: bool,
    pub order: OrderMode,
    /// Fields left out of the comparison, besides the server-managed ones.
    pub ignore_paths: Vec<IgnoreRule>,
    /// Namespaces KOTS never deletes (the Application's `additionalNamespaces`).
    pub additional_namespaces: Vec<String>,
    /// More kinds to rate `data` when deleted or replaced: `Kind` or `Kind.group`.
    pub data_kinds: Vec<String>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            namespace: "default".to_string(),
            allow_data_loss: false,
            max_delete_share: None,
            allow_mass_deletion: false,
            order: OrderMode::default(),
            ignore_paths: Vec::new(),
            additional_namespaces: Vec::new(),
            data_kinds: Vec::new(),
        }
    }
}

/// A field to ignore: a JSON pointer where a `*` segment matches any key or index, optionally
/// limited to one kind (and group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IgnoreRule {
    /// e.g. `/spec/replicas` or `/metadata/annotations/checksum~1config`.
    pub path: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub group: Option<String>,
}
