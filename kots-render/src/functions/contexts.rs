//! The version, identity and kURL contexts (kots-internals §4.3).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value as Json;

use super::{IdentityConfig, VersionInfo};
use crate::template::{Func, FuncMap, Map, Ty, Value};

/// A function of no arguments returning a fixed value. Maps are mutable (sprig's `set`), so each
/// call returns its own copy: one render cannot change what another sees.
fn constant(value: Value) -> Func {
    Func::new(&[], None, move |_, _| match &value {
        Value::Map(_) => value.deep_copy(),
        other => Ok(other.clone()),
    })
}

pub(super) fn register_version(map: &mut FuncMap, info: &VersionInfo) {
    map.insert("Sequence", constant(Value::Int64(info.sequence)));
    map.insert("Cursor", constant(info.cursor.as_str().into()));
    map.insert("ChannelName", constant(info.channel_name.as_str().into()));
    map.insert("VersionLabel", constant(info.version_label.as_str().into()));
    map.insert("IsRequired", constant(info.is_required.into()));
    map.insert("ReleaseNotes", constant(info.release_notes.as_str().into()));
    map.insert("IsAirgap", constant(info.is_airgap.into()));
    map.insert(
        "ReplicatedRegistryDomain",
        constant(info.replicated_registry_domain.as_str().into()),
    );
    map.insert(
        "ReplicatedProxyDomain",
        constant(info.replicated_proxy_domain.as_str().into()),
    );
}

pub(super) fn register_identity(map: &mut FuncMap, identity: Option<&IdentityConfig>, slug: &str) {
    let cfg = identity.cloned().unwrap_or_default();
    map.insert("IdentityServiceEnabled", constant(cfg.enabled.into()));
    map.insert(
        "IdentityServiceClientID",
        constant(cfg.client_id.as_str().into()),
    );
    map.insert(
        "IdentityServiceClientSecret",
        constant(cfg.client_secret.as_str().into()),
    );
    let roles: Map = cfg
        .groups
        .iter()
        .map(|(group, roles)| {
            let list = roles.iter().map(|r| Value::from(r.as_str())).collect();
            (group.clone(), Value::list(list))
        })
        .collect();
    map.insert("IdentityServiceRoles", constant(Value::map(roles)));
    // KOTS answers "" without application info; the SDK always has the slug.
    map.insert(
        "IdentityServiceName",
        constant(format!("{slug}-dex").into()),
    );
    map.insert("IdentityServicePort", constant("5556".into()));
}

pub(super) fn register_kurl(map: &mut FuncMap, values: &BTreeMap<String, Json>) {
    let values = Arc::new(values.clone());
    let lookup =
        |values: Arc<BTreeMap<String, Json>>, pick: fn(&Json) -> Option<Value>, zero: Value| {
            Func::new(&[Ty::String], None, move |_, args| {
                let path = args[0].as_str().unwrap_or_default();
                Ok(values
                    .get(path)
                    .and_then(pick)
                    .unwrap_or_else(|| zero.clone()))
            })
        };
    map.insert(
        "KurlString",
        lookup(values.clone(), |v| v.as_str().map(Value::from), "".into()),
    );
    map.insert(
        "KurlInt",
        lookup(
            values.clone(),
            |v| v.as_i64().map(Value::Int),
            Value::Int(0),
        ),
    );
    map.insert(
        "KurlBool",
        lookup(
            values.clone(),
            |v| v.as_bool().map(Value::Bool),
            false.into(),
        ),
    );
    map.insert(
        "KurlOption",
        lookup(
            values.clone(),
            |v| kurl_option(v).map(Value::from),
            "".into(),
        ),
    );
    // Go writes "" for values of other types, and sorts the "key:value" strings.
    let mut all: Vec<String> = values
        .iter()
        .map(|(k, v)| {
            kurl_option(v)
                .map(|s| format!("{k}:{s}"))
                .unwrap_or_default()
        })
        .collect();
    all.sort();
    let all = all.join(" ");
    map.insert("KurlAll", constant(all.into()));
}

/// `kurlOption`: ints, strings and bools as text; other types give nothing.
fn kurl_option(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(s.clone()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Number(n) if n.is_i64() => Some(n.to_string()),
        _ => None,
    }
}
