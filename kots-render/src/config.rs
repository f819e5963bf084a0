//! KOTS config (kots-internals §3.3–§3.8): the item dependency graph and value resolution, the
//! Config object rendered as one template (`when`, `hidden`, titles), required items and
//! NeedsConfiguration, regex validation, repeatable items and password decryption.
//!
//! ```
//! use kots_core::kinds::{Config, ConfigValues, KotsResource};
//! use kots_render::config::{resolve_config, ConfigOptions};
//! use kots_render::functions::TemplateInputs;
//!
//! let config = Config::from_yaml("apiVersion: kots.io/v1beta1\nkind: Config\nmetadata: {name: c}\n\
//!     spec:\n  groups:\n  - name: g\n    title: G\n    items:\n    - {name: a, type: text, default: x}\n    \
//!     - {name: b, type: text, default: 'repl{{ ConfigOption \"a\" }}-y', required: true}\n").unwrap();
//! let values = ConfigValues::from_yaml("apiVersion: kots.io/v1beta1\nkind: ConfigValues\n\
//!     spec: {values: {a: {value: z}}}\n").unwrap();
//! let resolved = resolve_config(&config, Some(&values), &TemplateInputs::default(), &ConfigOptions::default()).unwrap();
//! assert_eq!(resolved.values["b"].value_or_default(), "z-y");
//! assert!(resolved.missing_required.is_empty());
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, RwLock};

use kots_core::kinds::{
    Config, ConfigGroup, ConfigItem, ConfigValue, ConfigValues, ItemType, KotsResource,
};
use serde::Serialize;

use crate::functions::{register_config, Builder, TemplateInputs};

mod crypto;
mod graph;
mod validate;
mod yaml;

pub use crypto::EncryptionKey;
pub use validate::{ConfigGroupValidation, ItemValidation, ValidationMessage};
pub(crate) use yaml::{to_yaml, yaml_scalar_document};

use graph::DepGraph;

/// Why the config could not be resolved or rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The items depend on each other in a cycle (KOTS: `create config context`).
    #[error("failed to create config context: {0}")]
    Cycle(String),
    /// An item's value or default failed to render while building the initial config values.
    #[error("failed to create config value for {item}: failed to render {field} for config item {item:?}: {message}")]
    InitialValue {
        item: String,
        field: &'static str,
        message: String,
    },
    /// The Config object failed to render as a template.
    #[error("failed to render config template: {0}")]
    Template(String),
    /// The rendered Config is not valid YAML or not a valid Config.
    #[error("failed to decode config data: {0}")]
    Decode(String),
    /// The encryption key is malformed.
    #[error("failed to load encryption cipher: {0}")]
    EncryptionKey(String),
}

/// One item's state in the config context (`ItemValue`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemValue {
    pub value: String,
    pub default: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub filename: String,
    /// For a copy of a repeatable item: the item it repeats.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub repeatable_item: String,
}

impl ItemValue {
    /// `getConfigOptionValue`: the value, else the default. An empty value falls back.
    pub fn value_or_default(&self) -> &str {
        if self.value.is_empty() {
            &self.default
        } else {
            &self.value
        }
    }
}

/// Item name → value, sorted by name.
pub type ItemValues = BTreeMap<String, ItemValue>;

/// Options of config resolution.
#[derive(Debug, Clone, Default)]
pub struct ConfigOptions {
    /// Decrypts password values stored encrypted in ConfigValues.
    pub encryption_key: Option<EncryptionKey>,
}

/// The config as KOTS sees it after resolution.
#[derive(Debug, Clone)]
pub struct ResolvedConfig {
    /// The ConfigValues KOTS writes for this version (`createConfigValues`, §3.3).
    pub config_values: ConfigValues,
    /// The config context values every template reads (§3.4).
    pub values: ItemValues,
    /// The rendered Config (§3.5): values applied, `when`/`hidden`/titles evaluated.
    pub rendered: Config,
    /// Required items without a value (`GetMissingRequiredConfig`); non-empty means KOTS stops
    /// with "version needs config".
    pub missing_required: Vec<MissingItem>,
    /// Regex validation failures, grouped as KOTS groups them.
    pub validation: Vec<ConfigGroupValidation>,
    /// What each item was found to depend on.
    pub dependencies: BTreeMap<String, BTreeSet<String>>,
}

/// A required item with no value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingItem {
    pub name: String,
    /// The title, or the name when the item has none.
    pub title: String,
}

/// Resolves and renders a Config with the user's values: initial ConfigValues (§3.3), the
/// config context (§3.4), the rendered Config (§3.5), required items and validation (§3.6).
pub fn resolve_config(
    config: &Config,
    values: Option<&ConfigValues>,
    inputs: &TemplateInputs,
    options: &ConfigOptions,
) -> Result<ResolvedConfig, ConfigError> {
    let groups = &config.spec.groups;
    let graph = DepGraph::parse(groups, inputs);
    let config_values = initial_values(config, values, inputs, options, &graph)?;
    let values = resolve_values(
        groups,
        existing_values(&config_values),
        inputs,
        options,
        &graph,
    )?;
    let dependencies = graph.dependencies().clone();
    let rendered = render_config(config, &values, inputs)?;
    let missing_required = missing_required(&rendered);
    let validation = validate::validate(&rendered, options.encryption_key.as_ref());
    Ok(ResolvedConfig {
        config_values,
        values,
        rendered,
        missing_required,
        validation,
        dependencies,
    })
}

/// The config context's starting values from ConfigValues (`NewConfigContextTemplateBuilder`):
/// `value`, `default`, `filename`, `repeatableItem`. A `valuePlaintext` stands in for an empty
/// `value` (KOTS encrypts it into `value` before it is read).
pub fn existing_values(values: &ConfigValues) -> ItemValues {
    values
        .spec
        .values
        .iter()
        .map(|(name, v)| {
            let value = if v.value.is_empty() {
                v.value_plaintext.clone()
            } else {
                v.value.clone()
            };
            let item = ItemValue {
                value,
                default: v.default.clone(),
                filename: v.filename.clone(),
                repeatable_item: v.repeatable_item.clone(),
            };
            (name.clone(), item)
        })
        .collect()
}

fn items(groups: &[ConfigGroup]) -> impl Iterator<Item = &ConfigItem> {
    groups.iter().flat_map(|g| &g.items)
}

/// The builder of §3.4: static, license, kURL and version contexts plus the config context over
/// `values` (no identity context).
fn item_builder(values: &Arc<RwLock<ItemValues>>, inputs: &TemplateInputs) -> Builder {
    let mut funcs = inputs.base_funcs();
    register_config(&mut funcs, values.clone(), inputs);
    Builder::new(funcs, inputs)
}

/// `newConfigContext`: decrypts passwords, then resolves items in dependency order. Render
/// errors of defaults and values are swallowed (they give `""`); a cycle is an error.
fn resolve_values(
    groups: &[ConfigGroup],
    mut existing: ItemValues,
    inputs: &TemplateInputs,
    options: &ConfigOptions,
    graph: &DepGraph,
) -> Result<ItemValues, ConfigError> {
    let mut by_name: BTreeMap<&str, &ConfigItem> = BTreeMap::new();
    for item in items(groups) {
        by_name.insert(&item.name, item);
        if item.item_type() == ItemType::Password {
            decrypt_existing(&mut existing, &item.name, options.encryption_key.as_ref());
        }
    }
    let order: Vec<String> = items(groups).map(|i| i.name.clone()).collect();
    let known: BTreeSet<String> = order.iter().cloned().collect();
    let mut graph = graph.clone();
    let shared = Arc::new(RwLock::new(existing));
    let builder = item_builder(&shared, inputs);
    let mut heads = graph.head_nodes(&order).map_err(ConfigError::Cycle)?;
    while !heads.is_empty() {
        graph.resolve_missing(&known);
        for node in &heads {
            graph.resolve(node);
            let item = by_name[node.as_str()];
            let default = builder
                .string(&item.default.to_string())
                .unwrap_or_default();
            let current = read(&shared).get(node).cloned();
            let resolved = match current {
                Some(current) if !item.is_read_only() => ItemValue {
                    value: current.value,
                    default,
                    filename: current.filename,
                    repeatable_item: String::new(),
                },
                _ => ItemValue {
                    value: builder.string(&item.value.to_string()).unwrap_or_default(),
                    default,
                    filename: builder.string(&item.filename).unwrap_or_default(),
                    repeatable_item: String::new(),
                },
            };
            write(&shared).insert(node.clone(), resolved);
        }
        heads = graph.head_nodes(&order).map_err(ConfigError::Cycle)?;
    }
    let values = std::mem::take(&mut *write(&shared));
    Ok(values)
}

fn read(values: &RwLock<ItemValues>) -> std::sync::RwLockReadGuard<'_, ItemValues> {
    values.read().unwrap_or_else(|e| e.into_inner())
}

fn write(values: &RwLock<ItemValues>) -> std::sync::RwLockWriteGuard<'_, ItemValues> {
    values.write().unwrap_or_else(|e| e.into_inner())
}

fn decrypt_existing(values: &mut ItemValues, name: &str, key: Option<&EncryptionKey>) {
    if let (Some(value), Some(key)) = (values.get_mut(name), key) {
        if !value.value.is_empty() {
            if let Some(plain) = key.decrypt(&value.value) {
                value.value = plain;
            }
        }
    }
}

/// `createConfigValues` (§3.3): previous values are kept (with their default refreshed); items
/// without one take the vendor's rendered value and default. Render errors are fatal here.
pub fn initial_config_values(
    config: &Config,
    previous: Option<&ConfigValues>,
    inputs: &TemplateInputs,
    options: &ConfigOptions,
) -> Result<ConfigValues, ConfigError> {
    initial_values(
        config,
        previous,
        inputs,
        options,
        &DepGraph::parse(&config.spec.groups, inputs),
    )
}

fn initial_values(
    config: &Config,
    previous: Option<&ConfigValues>,
    inputs: &TemplateInputs,
    options: &ConfigOptions,
    graph: &DepGraph,
) -> Result<ConfigValues, ConfigError> {
    let mut out = previous.cloned().unwrap_or_else(|| ConfigValues {
        api_version: ConfigValues::API_VERSION.into(),
        kind: ConfigValues::KIND.into(),
        metadata: Default::default(),
        spec: Default::default(),
        status: Default::default(),
        extra: Default::default(),
    });
    if out.metadata.name.is_empty() {
        out.metadata.name = config.metadata.name.clone();
    }
    let existing = previous.map(existing_values).unwrap_or_default();
    let resolved = resolve_values(&config.spec.groups, existing, inputs, options, graph)?;
    let shared = Arc::new(RwLock::new(resolved));
    let mut funcs = inputs.manifest_funcs();
    register_config(&mut funcs, shared.clone(), inputs);
    let builder = Builder::new(funcs, inputs);
    for group in &config.spec.groups {
        for item in &group.items {
            let value = item.value.to_string();
            set_initial_value(
                &mut out,
                &shared,
                &builder,
                &item.name,
                &value,
                &item.default.to_string(),
                "",
            )?;
            for values in item.values_by_group.values() {
                for (name, default) in values {
                    set_initial_value(&mut out, &shared, &builder, name, "", default, &item.name)?;
                }
            }
        }
    }
    Ok(out)
}

/// `createConfigValue` for one name.
fn set_initial_value(
    out: &mut ConfigValues,
    shared: &RwLock<ItemValues>,
    builder: &Builder,
    name: &str,
    value: &str,
    default: &str,
    repeatable_item: &str,
) -> Result<(), ConfigError> {
    let render = |field: &'static str, text: &str| {
        builder
            .render(name, text)
            .map_err(|e| ConfigError::InitialValue {
                item: name.to_string(),
                field,
                message: e.message,
            })
    };
    let rendered_value = render("value", value)?;
    let rendered_default = render("default", default)?;
    let entry = out.spec.values.entry(name.to_string()).or_default();
    if !entry.value.is_empty() || !entry.value_plaintext.is_empty() {
        entry.default = rendered_default;
        return Ok(());
    }
    *entry = ConfigValue {
        value: rendered_value.clone(),
        default: rendered_default.clone(),
        filename: entry.filename.clone(),
        repeatable_item: repeatable_item.to_string(),
        ..ConfigValue::default()
    };
    let pushed = ItemValue {
        value: rendered_value,
        default: rendered_default,
        filename: entry.filename.clone(),
        repeatable_item: repeatable_item.to_string(),
    };
    write(shared).insert(name.to_string(), pushed);
    Ok(())
}

/// `templateConfigObjects` (§3.5): values applied to a copy of the Config, the whole document
/// rendered as one template with every context, then decoded again.
pub fn render_config(
    config: &Config,
    values: &ItemValues,
    inputs: &TemplateInputs,
) -> Result<Config, ConfigError> {
    let applied = apply_values(config, values, inputs);
    let value = applied
        .to_value()
        .map_err(|e| ConfigError::Decode(e.to_string()))?;
    let text = to_yaml(&value);
    let mut funcs = inputs.manifest_funcs();
    register_config(&mut funcs, Arc::new(RwLock::new(values.clone())), inputs);
    let rendered = Builder::new(funcs, inputs)
        .render("config", &text)
        .map_err(|e| ConfigError::Template(e.message))?;
    Config::from_yaml(&rendered).map_err(|e| ConfigError::Decode(e.to_string()))
}

/// `ApplyValuesToConfig`: every item (and child option) with an entry takes its value, default
/// and filename; repeatable items list their copies and are padded to `minimumCount` (or 1).
fn apply_values(config: &Config, values: &ItemValues, inputs: &TemplateInputs) -> Config {
    let mut out = config.clone();
    let mut random = inputs.providers.random();
    for group in &mut out.spec.groups {
        let group_name = group.name.clone();
        for item in &mut group.items {
            if item.repeatable {
                apply_repeatable(item, &group_name, values, random.as_mut());
            }
            if let Some(v) = values.get(&item.name) {
                item.value = v.value.as_str().into();
                item.default = v.default.as_str().into();
                if !v.filename.is_empty() {
                    item.filename = v.filename.clone();
                }
            }
            let mut child_filename = None;
            for child in &mut item.items {
                if let Some(v) = values.get(&child.name) {
                    child.value = v.value.as_str().into();
                    child.default = v.default.as_str().into();
                    if !v.filename.is_empty() {
                        // KOTS writes a child's filename to the parent item.
                        child_filename = Some(v.filename.clone());
                    }
                }
            }
            if let Some(filename) = child_filename {
                item.filename = filename;
            }
        }
    }
    out
}

fn apply_repeatable(
    item: &mut ConfigItem,
    group: &str,
    values: &ItemValues,
    random: &mut dyn crate::template::Random,
) {
    let by_group = item.values_by_group.entry(group.to_string()).or_default();
    for (name, v) in values {
        if v.repeatable_item == item.name {
            by_group.insert(name.clone(), v.value.clone());
        }
    }
    for (g, vals) in &item.values_by_group {
        item.count_by_group.insert(g.clone(), vals.len() as i64);
    }
    // `CreateVariadicValues`.
    let count = item.count_by_group.entry(group.to_string()).or_insert(0);
    if item.minimum_count != 0 && *count < item.minimum_count {
        *count = item.minimum_count;
    } else if *count == 0 {
        *count = 1;
    }
    let wanted = *count as usize;
    let entries = item.values_by_group.entry(group.to_string()).or_default();
    while entries.len() < wanted {
        // The first 8 hex digits of a UUIDv4.
        let suffix = format!("{:08x}", random.next_u64() as u32);
        entries.insert(format!("{}-{suffix}", item.name), String::new());
    }
}

/// `GetMissingRequiredConfig` on the rendered Config: required, visible items with no value or
/// default, in groups that are not hidden by `when`.
pub fn missing_required(rendered: &Config) -> Vec<MissingItem> {
    rendered
        .spec
        .groups
        .iter()
        .filter(|g| !g.when.is_false())
        .flat_map(|g| &g.items)
        .filter(|i| i.required && !i.hidden && !i.when.is_false() && is_unset(i))
        .map(|i| MissingItem {
            name: i.name.clone(),
            title: if i.title.is_empty() {
                i.name.clone()
            } else {
                i.title.clone()
            },
        })
        .collect()
}

/// `IsUnsetItem`: a repeatable item with copies is set; otherwise value and default are empty.
fn is_unset(item: &ConfigItem) -> bool {
    if item.repeatable && item.count_by_group.values().any(|c| *c > 0) {
        return false;
    }
    item.value.to_string().is_empty() && item.default.to_string().is_empty()
}

#[cfg(test)]
mod tests;
