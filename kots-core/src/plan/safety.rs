//! Safety ratings: which deletes and replaces lose data or availability, and exactly what data.
//!
//! `data`: PersistentVolumeClaims, PersistentVolumes, StatefulSets whose claims are deleted or
//! left behind, Namespaces (with everything still in them), CRDs (with their custom resources),
//! and the kinds the policy adds. `availability`: workloads, Services, Ingresses, webhooks,
//! RBAC, custom resources (their controllers act on deletion). `benign`: the rest.

use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::identity::{crd_target, is_crd, Entry, Key};
use super::input::Policy;
use super::model::{DataLoss, ObjectRef, OpKind, PvcFate, PvcLoss, Severity};
use crate::manifest::Object;

/// Kinds whose loss costs nothing the next apply cannot restore.
const BENIGN: &[&str] = &[
    "ConfigMap",
    "HorizontalPodAutoscaler",
    "LimitRange",
    "NetworkPolicy",
    "PodDisruptionBudget",
    "PodSecurityPolicy",
    "PriorityClass",
    "ResourceQuota",
    "Secret",
];

/// Everything the rating looks at besides the operation itself.
pub(crate) struct World<'a> {
    pub previous: &'a HashMap<Key<'a>, Entry<'a>>,
    pub new: &'a HashMap<Key<'a>, Entry<'a>>,
    pub live: &'a HashMap<Key<'a>, &'a Object>,
    pub policy: &'a Policy,
    by_namespace: OnceCell<HashMap<&'a str, BTreeSet<ObjectRef>>>,
    by_group_kind: OnceCell<HashMap<(&'a str, &'a str), BTreeSet<ObjectRef>>>,
}

/// A rated operation.
pub(crate) struct Rating {
    pub severity: Severity,
    pub data_loss: Option<DataLoss>,
}

impl<'a> World<'a> {
    pub fn new(
        previous: &'a HashMap<Key<'a>, Entry<'a>>,
        new: &'a HashMap<Key<'a>, Entry<'a>>,
        live: &'a HashMap<Key<'a>, &'a Object>,
        policy: &'a Policy,
    ) -> World<'a> {
        World {
            previous,
            new,
            live,
            policy,
            by_namespace: OnceCell::new(),
            by_group_kind: OnceCell::new(),
        }
    }

    /// Rates `op` on the object `key` (`old`: its previous manifest; `new`: its new one).
    pub fn rate(
        &self,
        op: OpKind,
        key: &Key<'_>,
        old: Option<&Object>,
        new: Option<&Object>,
        immutable: &[String],
    ) -> Rating {
        match (op, old) {
            (OpKind::Delete, Some(old)) => self.rate_removal(key, old, None),
            (OpKind::Replace, Some(old)) => self.rate_removal(key, old, Some(immutable)),
            (OpKind::Update, Some(old)) => self.rate_update(key, old, new),
            _ => benign(),
        }
    }

    /// A delete (`immutable: None`) or a replace.
    fn rate_removal(&self, key: &Key<'_>, old: &Object, immutable: Option<&[String]>) -> Rating {
        let ns = key.namespace.unwrap_or_default();
        let mut loss = DataLoss::default();
        let severity = match (key.group, key.kind) {
            ("", "PersistentVolumeClaim") => {
                loss.pvcs.push(pvc(ns, key.name, PvcFate::Deleted));
                Severity::Data
            }
            ("", "PersistentVolume") => {
                loss.persistent_volumes.push(key.name.to_string());
                Severity::Data
            }
            ("", "Namespace") => {
                loss.namespace_contents = self.namespace_contents(key.name);
                Severity::Data
            }
            ("apiextensions.k8s.io", "CustomResourceDefinition") => {
                loss.custom_resources = self.custom_resources(old);
                Severity::Data
            }
            ("apps", "StatefulSet") => self.statefulset_removal(key, old, immutable, &mut loss),
            _ if self.is_policy_data_kind(key) => Severity::Data,
            (_, kind) => kind_severity(kind),
        };
        Rating {
            severity,
            data_loss: (loss != DataLoss::default()).then_some(loss),
        }
    }

    fn statefulset_removal(
        &self,
        key: &Key<'_>,
        old: &Object,
        immutable: Option<&[String]>,
        loss: &mut DataLoss,
    ) -> Severity {
        let claims = claim_names(old);
        if claims.is_empty() {
            return Severity::Availability;
        }
        let deleted = retention(old, "whenDeleted") == "Delete";
        let claims_change =
            immutable.is_none_or(|f| f.iter().any(|p| p == "/spec/volumeClaimTemplates"));
        if !deleted && !claims_change {
            // Same claims, retained: the new StatefulSet binds them again.
            return Severity::Availability;
        }
        let fate = if deleted {
            PvcFate::Deleted
        } else {
            PvcFate::LeftBehind
        };
        let replicas = self.replicas(key, old);
        loss.pvcs = statefulset_pvcs(key, old, &claims, 0..replicas, fate);
        Severity::Data
    }

    /// Scaling a StatefulSet down strands (or, with `whenScaled: Delete`, deletes) the claims of
    /// the removed ordinals.
    fn rate_update(&self, key: &Key<'_>, old: &Object, new: Option<&Object>) -> Rating {
        let Some(new) = new else { return benign() };
        if (key.group, key.kind) != ("apps", "StatefulSet") {
            return benign();
        }
        let claims = claim_names(old);
        let (before, after) = (self.replicas(key, old), replicas_of(new));
        if claims.is_empty() || after >= before {
            return benign();
        }
        let deleted = retention(new, "whenScaled") == "Delete";
        let fate = if deleted {
            PvcFate::Deleted
        } else {
            PvcFate::LeftBehind
        };
        let pvcs = statefulset_pvcs(key, old, &claims, after..before, fate);
        Rating {
            severity: if deleted {
                Severity::Data
            } else {
                Severity::Benign
            },
            data_loss: Some(DataLoss {
                pvcs,
                ..DataLoss::default()
            }),
        }
    }

    /// Replicas of the previous StatefulSet: the live count when known (an autoscaler may have
    /// changed it), else the manifest's, else 1.
    fn replicas(&self, key: &Key<'_>, old: &Object) -> u64 {
        self.live
            .get(key)
            .map(|l| replicas_of(l))
            .unwrap_or_else(|| replicas_of(old))
    }

    fn is_policy_data_kind(&self, key: &Key<'_>) -> bool {
        let qualified = format!("{}.{}", key.kind, key.group);
        self.policy
            .data_kinds
            .iter()
            .any(|k| k == key.kind || *k == qualified)
    }

    fn all_objects(&self) -> impl Iterator<Item = (&Key<'a>, &'a Object)> {
        self.previous
            .iter()
            .map(|(k, e)| (k, e.obj))
            .chain(self.new.iter().map(|(k, e)| (k, e.obj)))
            .chain(self.live.iter().map(|(k, o)| (k, *o)))
    }

    fn namespace_contents(&self, namespace: &str) -> Vec<ObjectRef> {
        let index = self.by_namespace.get_or_init(|| {
            let mut index: HashMap<&'a str, BTreeSet<ObjectRef>> = HashMap::new();
            for (key, obj) in self.all_objects() {
                if let Some(ns) = key.namespace {
                    index.entry(ns).or_default().insert(unversioned(key, obj));
                }
            }
            index
        });
        index
            .get(namespace)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    fn custom_resources(&self, crd: &Object) -> Vec<ObjectRef> {
        let Some((group, kind, _)) = crd_target(crd) else {
            return Vec::new();
        };
        let index = self.by_group_kind.get_or_init(|| {
            let mut index: HashMap<(&'a str, &'a str), BTreeSet<ObjectRef>> = HashMap::new();
            for (key, obj) in self.all_objects().filter(|(_, o)| !is_crd(o)) {
                index
                    .entry((key.group, key.kind))
                    .or_default()
                    .insert(unversioned(key, obj));
            }
            index
        });
        index
            .get(&(group, kind))
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }
}

fn benign() -> Rating {
    Rating {
        severity: Severity::Benign,
        data_loss: None,
    }
}

/// The rating of deleting or replacing a kind with no special rule. Custom kinds count as
/// availability: their controllers act when they disappear.
fn kind_severity(kind: &str) -> Severity {
    if BENIGN.contains(&kind) {
        Severity::Benign
    } else {
        Severity::Availability
    }
}

/// An object listed in a data-loss detail, as written in the copy found.
fn unversioned(key: &Key<'_>, obj: &Object) -> ObjectRef {
    key.object_ref(obj.api_version())
}

fn pvc(namespace: &str, name: &str, fate: PvcFate) -> PvcLoss {
    PvcLoss {
        namespace: namespace.to_string(),
        name: name.to_string(),
        fate,
    }
}

fn spec(obj: &Object) -> Option<&Value> {
    obj.as_map().get("spec")
}

fn claim_names(sts: &Object) -> Vec<String> {
    spec(sts)
        .and_then(|s| s.get("volumeClaimTemplates"))
        .and_then(Value::as_array)
        .map(|templates| {
            templates
                .iter()
                .filter_map(|t| t.get("metadata")?.get("name")?.as_str())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn replicas_of(sts: &Object) -> u64 {
    spec(sts)
        .and_then(|s| s.get("replicas"))
        .and_then(Value::as_u64)
        .unwrap_or(1)
}

/// `spec.persistentVolumeClaimRetentionPolicy.<field>`, defaulting to `Retain`.
fn retention<'o>(sts: &'o Object, field: &str) -> &'o str {
    spec(sts)
        .and_then(|s| s.get("persistentVolumeClaimRetentionPolicy"))
        .and_then(|p| p.get(field))
        .and_then(Value::as_str)
        .unwrap_or("Retain")
}

/// The claims `<claim>-<statefulset>-<ordinal>` of the given replica positions, honouring
/// `spec.ordinals.start`.
fn statefulset_pvcs(
    key: &Key<'_>,
    sts: &Object,
    claims: &[String],
    positions: std::ops::Range<u64>,
    fate: PvcFate,
) -> Vec<PvcLoss> {
    let start = spec(sts)
        .and_then(|s| s.get("ordinals"))
        .and_then(|o| o.get("start"))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let ns = key.namespace.unwrap_or_default();
    // Bounded: a hostile replica count must not allocate without limit.
    let positions = positions.start..positions.end.min(positions.start + MAX_LISTED_REPLICAS);
    let mut out = Vec::new();
    for claim in claims {
        for i in positions.clone() {
            let name = format!("{claim}-{}-{}", key.name, start + i);
            out.push(pvc(ns, &name, fate));
        }
    }
    out
}

/// At most this many replicas' claims are listed per StatefulSet.
const MAX_LISTED_REPLICAS: u64 = 10_000;
