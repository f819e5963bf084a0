//! Release diff and prune planning: what will be created, changed, replaced and deleted between
//! two versions of an app, decided offline, before anything touches a cluster.
//!
//! [`plan`] takes the previous and new rendered objects (plus the inventories of failed attempts
//! since the last success, an optional live snapshot, and a [`Policy`]) and returns a versioned,
//! serialisable [`Plan`]:
//!
//! * **identity** is group + kind + namespace + name, with API-group migrations as aliases (an
//!   `extensions` → `apps` move is one update), namespaces defaulted, and UIDs from the live
//!   snapshot as tie-breaker;
//! * **updates** carry a semantic field diff (quantities, int-or-string, defaulted empties,
//!   `stringData` vs `data`, server-managed fields and configurable ignore paths);
//! * **replace** when an immutable field changes; **orphan** when a keep marker says so;
//! * **safety**: every delete and replace is rated `data`, `availability` or `benign`; `data`
//!   operations list what is lost (StatefulSet claims per replica, namespace contents, custom
//!   resources) and are refused unless the policy allows data loss; a mass-deletion guard refuses
//!   wholesale deletes;
//! * **order**: KOTS's phases and kind orders, or dependency levels;
//! * **KOTS's view**: the set KOTS would delete and its version diff summary, for comparison.
//!
//! [`render_human`] prints a table and unified diffs; Secret values never appear in any output.
//!
//! ```
//! use kots_core::manifest::parse_manifests;
//! use kots_core::plan::{plan, OpKind, PlanInput, Policy, Severity};
//!
//! let previous = parse_manifests(concat!(
//!     "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\n---\n",
//!     "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\n",
//! )).unwrap();
//! let new = parse_manifests("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\n").unwrap();
//! let plan = plan(&PlanInput { previous, new, ..Default::default() }, &Policy::default()).unwrap();
//!
//! let ingress = plan.operations.iter().find(|o| o.id.kind == "Ingress").unwrap();
//! assert_eq!(ingress.op, OpKind::Update); // an API-group move, not delete + create
//! let pvc = plan.operations.iter().find(|o| o.id.kind == "PersistentVolumeClaim").unwrap();
//! assert_eq!((pvc.op, pvc.severity, pvc.refused), (OpKind::Delete, Severity::Data, true));
//! assert!(plan.has_refused());
//! ```

mod build;
mod human;
mod identity;
mod immutable;
mod input;
mod keep;
mod kots;
mod kots_diff;
mod model;
mod order;
mod refs;
mod safety;
mod semantic;
#[cfg(test)]
mod tests;

pub use human::render_human;
pub use input::{IgnoreRule, PlanInput, Policy};
pub use kots_diff::{kots_diff_summary, DiffSummary};
pub use model::{
    ChangeKind, DataLoss, FieldChange, KeepMarker, KotsComparison, KotsDelete, MassDeletionGuard,
    ObjectRef, OpKind, Operation, Order, OrderMode, Plan, PvcFate, PvcLoss, ReasonCode, Severity,
    Step, StepAction, Summary, PLAN_SCHEMA_VERSION,
};

/// Why a plan could not be made. Each variant names the input set (`previous`, `new`,
/// `failedAttempts[N]`) and the document's position in it, or the policy field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// An object has no `metadata.name` (e.g. only `generateName`), so it cannot be tracked.
    #[error("{set} document {document}: {kind} has no metadata.name; objects must be named to be planned")]
    MissingName {
        set: String,
        document: usize,
        kind: String,
    },
    /// Two objects of one set share an identity.
    #[error("{set}: documents {first} and {second} are the same object {key}")]
    Duplicate {
        set: String,
        key: String,
        first: usize,
        second: usize,
    },
    /// An ignore path is not a JSON pointer.
    #[error("policy ignorePaths: `{path}`: {reason}")]
    InvalidIgnorePath { path: String, reason: &'static str },
    /// A policy field is out of range.
    #[error("policy {field}: {message}")]
    InvalidPolicy {
        field: &'static str,
        message: String,
    },
}

/// Plans the move from `input.previous` (and failed attempts) to `input.new` under `policy`.
/// Pure and deterministic: identical inputs give byte-identical plans.
pub fn plan(input: &PlanInput, policy: &Policy) -> Result<Plan, PlanError> {
    build::build(input, policy)
}

/// The JSON Schema (draft 2020-12) of the plan document, as published in
/// `kots-core/schema/plan.schema.json`.
pub fn plan_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Plan)).unwrap_or_default()
}
