//! The config item dependency graph (KOTS `depGraph`, kots-internals §3.4 step 3–5).
//!
//! Each item's `default` and `value` are rendered with mock functions that record which items
//! they read; when that render fails (any other function is undefined there), a regex picks the
//! config calls out of the text instead, exactly as KOTS does.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, OnceLock};

use kots_core::kinds::ConfigGroup;
use regex::Regex;

use crate::functions::{Builder, TemplateInputs};
use crate::template::{Func, FuncMap, Ty, Value};

/// What the mock functions record while one item renders.
#[derive(Default)]
struct Recorded {
    deps: BTreeSet<String>,
    certs: BTreeSet<String>,
    keys: BTreeSet<String>,
    cas: BTreeSet<String>,
    ca_from_cert: BTreeSet<String>,
    cert_from_ca: BTreeSet<String>,
    ca_from_key: BTreeSet<String>,
    ca_cert_from_key: BTreeSet<String>,
}

/// Items and the items they still wait for.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct DepGraph {
    deps: BTreeMap<String, BTreeSet<String>>,
}

type Sink = Arc<Mutex<Recorded>>;

fn lock(sink: &Sink) -> std::sync::MutexGuard<'_, Recorded> {
    sink.lock().unwrap_or_else(|e| e.into_inner())
}

/// A mock `func(first string, rest ...string) string` that records `first` (and the second
/// argument for the CA functions) in `field`.
fn recorder(sink: &Sink, two: bool, field: fn(&mut Recorded, &str, &str)) -> Func {
    let sink = sink.clone();
    let params: &[Ty] = if two {
        &[Ty::String, Ty::String]
    } else {
        &[Ty::String]
    };
    Func::new(params, Some(Ty::String), move |_, args| {
        let first = args[0].as_str().unwrap_or_default();
        let second = args.get(1).and_then(Value::as_str).unwrap_or_default();
        field(&mut lock(&sink), first, second);
        Ok(Value::from(if two { second } else { first }))
    })
}

fn mock_funcs(sink: &Sink) -> FuncMap {
    let mut map = FuncMap::new();
    for name in [
        "ConfigOption",
        "ConfigOptionIndex",
        "ConfigOptionData",
        "ConfigOptionFilename",
        "ConfigOptionEquals",
        "ConfigOptionNotEquals",
    ] {
        map.insert(
            name,
            recorder(sink, false, |r, a, _| {
                r.deps.insert(a.into());
            }),
        );
    }
    map.insert(
        "TLSCACert",
        recorder(sink, false, |r, a, _| {
            r.cas.insert(a.into());
        }),
    );
    map.insert(
        "TLSCert",
        recorder(sink, false, |r, a, _| {
            r.certs.insert(a.into());
        }),
    );
    map.insert(
        "TLSKey",
        recorder(sink, false, |r, a, _| {
            r.keys.insert(a.into());
        }),
    );
    map.insert(
        "TLSCertFromCA",
        recorder(sink, true, |r, ca, cert| {
            r.ca_from_cert.insert(ca.into());
            r.cert_from_ca.insert(format!("{ca}{cert}"));
        }),
    );
    map.insert(
        "TLSKeyFromCA",
        recorder(sink, true, |r, ca, cert| {
            r.ca_from_key.insert(ca.into());
            r.ca_cert_from_key.insert(format!("{ca}{cert}"));
        }),
    );
    map
}

fn fallback_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"(?:ConfigOption|ConfigOptionIndex|ConfigData|ConfigOptionFilename|ConfigOptionEquals|ConfigOptionNotEquals) +"[^"]+""#,
        )
        .expect("static regex")
    })
}

/// Renders `text` with the mocks; on failure, renders the regex-extracted calls instead.
fn record(builder: &Builder, text: &str) {
    if builder.string(text).is_err() {
        let calls: Vec<String> = fallback_regex()
            .find_iter(text)
            .map(|m| format!("repl{{{{ {} }}}}", m.as_str()))
            .collect();
        if !calls.is_empty() {
            // KOTS only logs a failure here.
            let _ = builder.string(&calls.join(" "));
        }
    }
}

impl DepGraph {
    /// `ParseConfigGroup`, then the cert/key and CA relations (`resolveCertKeys`, `resolveCACertKeys`).
    pub(crate) fn parse(groups: &[ConfigGroup], inputs: &TemplateInputs) -> DepGraph {
        let mut graph = DepGraph::default();
        // Item → what it recorded, plus the providers of each cert/CA name.
        let mut per_item: Vec<(String, Recorded)> = Vec::new();
        for item in groups.iter().flat_map(|g| &g.items) {
            let sink: Sink = Arc::default();
            let builder = Builder::new(mock_funcs(&sink), inputs);
            record(&builder, &item.default.to_string());
            record(&builder, &item.value.to_string());
            let recorded = std::mem::take(&mut *lock(&sink));
            graph
                .deps
                .entry(item.name.clone())
                .or_default()
                .extend(recorded.deps.iter().cloned());
            per_item.push((item.name.clone(), recorded));
        }
        let providers = |pick: fn(&Recorded) -> &BTreeSet<String>, key: &str| -> Vec<String> {
            per_item
                .iter()
                .filter(|(_, r)| pick(r).contains(key))
                .map(|(n, _)| n.clone())
                .collect()
        };
        let mut extra: Vec<(String, String)> = Vec::new();
        for (source, r) in &per_item {
            for cert in &r.keys {
                extra.extend(
                    providers(|r| &r.certs, cert)
                        .into_iter()
                        .map(|p| (source.clone(), p)),
                );
            }
            for ca in &r.ca_from_key {
                extra.extend(
                    providers(|r| &r.cas, ca)
                        .into_iter()
                        .map(|p| (source.clone(), p)),
                );
            }
            for ca_cert in &r.ca_cert_from_key {
                extra.extend(
                    providers(|r| &r.cert_from_ca, ca_cert)
                        .into_iter()
                        .map(|p| (source.clone(), p)),
                );
            }
        }
        for (source, provider) in extra {
            if source != provider {
                graph.deps.entry(source).or_default().insert(provider);
            }
        }
        graph
    }

    /// `GetHeadNodes`: items with nothing left to wait for, in config order; the cycle error
    /// when items remain but none is free.
    pub(crate) fn head_nodes(&self, order: &[String]) -> Result<Vec<String>, String> {
        let mut heads: Vec<String> = Vec::new();
        for name in order {
            if self.deps.get(name).is_some_and(BTreeSet::is_empty) && !heads.contains(name) {
                heads.push(name.clone());
            }
        }
        if heads.is_empty() && !self.deps.is_empty() {
            let waits: Vec<String> = self
                .deps
                .iter()
                .map(|(k, v)| {
                    let deps: Vec<String> = v.iter().map(|d| format!("{d:?}")).collect();
                    format!("{k:?} depends on {}", deps.join(", "))
                })
                .collect();
            return Err(format!(
                "no config options exist with 0 dependencies - {}",
                waits.join("; ")
            ));
        }
        Ok(heads)
    }

    /// `ResolveMissing`: forget dependencies on names that are not config items.
    pub(crate) fn resolve_missing(&mut self, known: &BTreeSet<String>) {
        self.deps.retain(|k, _| known.contains(k));
        for deps in self.deps.values_mut() {
            deps.retain(|d| known.contains(d));
        }
    }

    /// `ResolveDep`: `node` is done.
    pub(crate) fn resolve(&mut self, node: &str) {
        self.deps.remove(node);
        for deps in self.deps.values_mut() {
            deps.remove(node);
        }
    }

    /// The recorded dependencies of an item (for `kots config` output).
    pub(crate) fn dependencies(&self) -> &BTreeMap<String, BTreeSet<String>> {
        &self.deps
    }
}
