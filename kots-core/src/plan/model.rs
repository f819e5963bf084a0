//! The plan document: what the planner hands to executors, reviewers and the bindings.
//!
//! Every type here serialises to camelCase JSON and is described by the published JSON Schema
//! (`kots-core/schema/plan.schema.json`, generated from these types by a test).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::kots_diff::DiffSummary;

/// Version of the plan document layout; bumped on any incompatible change.
pub const PLAN_SCHEMA_VERSION: u32 = 1;

/// A release plan: every object of the previous and new versions, with the operation that takes
/// the cluster from one to the other, its safety rating and the order to run them in.
///
/// ```
/// use kots_core::manifest::parse_manifests;
/// use kots_core::plan::{plan, OpKind, PlanInput, Policy};
///
/// let previous = parse_manifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n").unwrap();
/// let new = parse_manifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: w}\n").unwrap();
/// let plan = plan(&PlanInput { previous, new, ..Default::default() }, &Policy::default()).unwrap();
/// assert_eq!(plan.operations[0].op, OpKind::Update);
/// assert_eq!(plan.operations[0].changes[0].path, "/data/k");
/// assert!(!plan.has_refused());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(
    title = "kots release plan",
    description = "Every object of the previous and new versions of a KOTS app, with the operation that takes the cluster from one to the other, its safety rating and the order to run them in (kots-core plan, schemaVersion 1)."
)]
pub struct Plan {
    /// Always [`PLAN_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Namespace given to namespaced objects that name none (KOTS's target namespace).
    pub namespace: String,
    pub summary: Summary,
    /// One operation per object identity, sorted by `key`.
    pub operations: Vec<Operation>,
    /// The order to run the operations in (noop and orphan operations do not appear).
    pub order: Order,
    pub mass_deletion: MassDeletionGuard,
    /// What KOTS itself would do with the same inputs, for comparison.
    pub kots: KotsComparison,
    /// Oddities in the inputs that did not stop planning (dependency cycles, objects planned
    /// into a namespace that is being deleted, ...).
    pub warnings: Vec<String>,
}

impl Plan {
    /// True when at least one operation is refused: an executor must not run this plan.
    pub fn has_refused(&self) -> bool {
        self.summary.refused > 0
    }
}

/// Counts of operations by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub replace: usize,
    pub delete: usize,
    pub orphan: usize,
    pub noop: usize,
    /// Operations with `refused: true`.
    pub refused: usize,
}

/// What happens to one object.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum OpKind {
    Create,
    Update,
    /// Delete and create again: an immutable field changed.
    Replace,
    Delete,
    /// Left in the cluster but no longer managed: a keep marker asked for it.
    Orphan,
    Noop,
}

/// How much an operation can hurt.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    Benign,
    /// Something stops serving for a while (workloads, Services, webhooks, RBAC).
    Availability,
    /// Stored data can be lost or left behind (PVCs, PVs, StatefulSet claims, Namespaces, CRDs).
    Data,
}

/// Why an operation was chosen; `reason` on the operation says it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReasonCode {
    /// Only in the new manifests.
    New,
    /// Fields differ semantically.
    Changed,
    /// No semantic difference.
    Unchanged,
    /// An immutable field changed.
    ImmutableFieldChanged,
    /// In the previous manifests (or a failed attempt) but not in the new ones.
    Removed,
    /// A keep marker protects the removed object.
    KeepMarker,
    /// A Namespace listed in the policy's `additionalNamespaces` (KOTS never deletes those).
    AdditionalNamespace,
    /// A Namespace the cluster owns (`default`, `kube-system`, `kube-public`, `kube-node-lease`).
    SystemNamespace,
    /// Removed, but already absent from the live snapshot.
    AlreadyAbsent,
}

/// An object's identity: group and version as written in its manifest; the namespace defaulted
/// for namespaced kinds and `null` for cluster-scoped ones.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub struct ObjectRef {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

/// One step of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    pub op: OpKind,
    /// The object as it will be (as it was, for delete and orphan).
    pub id: ObjectRef,
    /// Stable identity string `Kind.group/namespace/name` (`Kind/name` for core cluster-scoped
    /// kinds), with the canonical group after API-group migrations (`extensions` → `apps`, ...).
    pub key: String,
    pub reason_code: ReasonCode,
    /// Human-readable reason; for orphans it names the keep marker and where it was found.
    pub reason: String,
    pub severity: Severity,
    pub refused: bool,
    /// Why the operation is refused (empty when it is not).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused_because: Vec<String>,
    /// The previous identity when it differs from `id` (API group or version moved, UID match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_id: Option<ObjectRef>,
    /// Where the previous object came from when it is not the last successful release:
    /// `failedAttempt[N]` (0 = oldest failed attempt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_source: Option<String>,
    /// Semantic field changes (update and replace).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
    /// JSON pointers of the immutable fields that force a replace.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub immutable_fields: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_marker: Option<KeepMarker>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_loss: Option<DataLoss>,
    /// The object's UID in the live snapshot, when one was given and holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_uid: Option<String>,
}

/// One semantic difference inside an object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    /// JSON pointer (RFC 6901) into the object.
    pub path: String,
    pub change: ChangeKind,
    /// The previous value; absent when added or redacted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The new value; absent when removed or redacted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    /// True for Secret values: neither side is ever shown.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub redacted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// The keep marker that turned a delete into an orphan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KeepMarker {
    /// The marker as written, e.g. `annotation helm.sh/resource-policy=keep`.
    pub marker: String,
    /// Where it was read: `previous` (the previous manifest) or `live` (the live snapshot).
    pub source: String,
}

/// What data an operation destroys or leaves behind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataLoss {
    /// PersistentVolumeClaims affected, including `<claim>-<statefulset>-<ordinal>` per replica.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pvcs: Vec<PvcLoss>,
    /// Objects still in a Namespace being deleted (previous, new and live).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespace_contents: Vec<ObjectRef>,
    /// Custom resources of a CRD being deleted or replaced (previous, new and live).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_resources: Vec<ObjectRef>,
    /// PersistentVolumes deleted or replaced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub persistent_volumes: Vec<String>,
}

/// A PersistentVolumeClaim and its fate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PvcLoss {
    pub namespace: String,
    pub name: String,
    pub fate: PvcFate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum PvcFate {
    /// The claim and its data are deleted.
    Deleted,
    /// The claim stays in the cluster, unmanaged (retention policy `Retain`): storage is left behind.
    LeftBehind,
}

/// The execution order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub mode: OrderMode,
    /// Steps run one after the other.
    pub steps: Vec<Step>,
}

/// How the order is computed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum OrderMode {
    /// KOTS's rules: all deletes first, grouped by `kots.io/deletion-phase` then KOTS's kind
    /// deletion order (unknown kinds first); then applies grouped by `kots.io/creation-phase` then
    /// the kind creation order (unknown kinds last). Each step runs its operations in sequence.
    Kots,
    /// Dependency levels from references (namespace membership, CRD → custom resources, pod
    /// templates → ConfigMaps/Secrets/ServiceAccounts/PVCs, bindings → roles, ...), webhooks and
    /// APIServices last; creates and updates first, then deletes in the reverse order. The
    /// operations of one step may run in parallel.
    #[default]
    Dag,
}

/// A group of operations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub action: StepAction,
    /// The KOTS phase (kots mode) or the dependency level (dag mode).
    pub index: i64,
    /// Whether the operations of this step may run concurrently.
    pub parallel: bool,
    /// Operation keys, in the order to run them when not parallel.
    pub operations: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum StepAction {
    /// Create, update or replace.
    Apply,
    Delete,
}

/// The mass-deletion guard's verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MassDeletionGuard {
    /// Objects in the previous inventory (last release plus failed attempts).
    pub previous_objects: usize,
    /// Delete operations planned.
    pub deletes: usize,
    /// The largest share of previous objects that may be deleted (`null`: only "all" trips).
    pub max_share: Option<f64>,
    /// True when the guard refused the deletes.
    pub tripped: bool,
}

/// KOTS's own view of the same upgrade (kots-internals §7).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KotsComparison {
    /// The objects KOTS's `diffAndDeleteManifests` would delete, in KOTS's deletion order.
    pub delete_set: Vec<KotsDelete>,
    /// The version diff KOTS shows, when the caller gave the rendered files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff_summary: Option<DiffSummary>,
}

/// One object KOTS would delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KotsDelete {
    /// KOTS's identity key `<kind>-<name>-<namespace>` (CRDs prefixed with their apiVersion).
    pub kots_key: String,
    pub api_version: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// Its `kots.io/deletion-phase`.
    pub phase: i64,
}
