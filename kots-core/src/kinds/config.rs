//! `kots.io/v1beta1 Config` (kotskinds `config_types.go`, kots-internals §3.1).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::go::{is_zero, nullable};
use super::{BoolOrString, QuotedBool};

kots_resource! {
    /// The vendor's configuration screen: groups of items whose values feed `ConfigOption` in
    /// templates.
    ///
    /// ```
    /// use kots_core::kinds::{Config, ItemType, KotsResource};
    ///
    /// let config = Config::from_yaml(r#"
    /// apiVersion: kots.io/v1beta1
    /// kind: Config
    /// spec:
    ///   groups:
    ///   - name: db
    ///     title: Database
    ///     items:
    ///     - name: kind
    ///       type: select_one
    ///       default: embedded
    ///       items:
    ///       - {name: embedded, title: Embedded}
    ///       - {name: external, title: External}
    /// "#).unwrap();
    /// let item = &config.spec.groups[0].items[0];
    /// assert_eq!(item.item_type(), ItemType::SelectOne);
    /// assert_eq!(item.items[1].name, "external");
    /// ```
    Config, ConfigSpec, "kots.io/v1beta1", "Config"
}

/// `spec` of a [`Config`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigSpec {
    #[serde(default, deserialize_with = "nullable")]
    pub groups: Vec<ConfigGroup>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One `spec.groups[]` entry: a titled section of items.
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigGroup {
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub title: String,
    pub description: String,
    /// Rendered by KOTS; the group is hidden when this is exactly `"false"`.
    #[serde_with(skip_apply)]
    #[serde(default, skip_serializing_if = "is_zero")]
    pub when: QuotedBool,
    pub items: Vec<ConfigItem>,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One config item. JSON names are as KOTS spells them (`help_text`, `multi_value`, `readonly`,
/// `write_once`, `minimumCount`, `countByGroup`, `valuesByGroup`).
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigItem {
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    /// The item type as written; see [`ConfigItem::item_type`].
    #[serde_with(skip_apply)]
    #[serde(rename = "type", default, deserialize_with = "nullable")]
    pub type_: String,
    pub title: String,
    pub help_text: String,
    pub recommended: bool,
    /// A bare YAML number here is an error, as in KOTS ([`BoolOrString`]).
    #[serde_with(skip_apply)]
    #[serde(default)]
    pub default: BoolOrString,
    #[serde_with(skip_apply)]
    #[serde(default)]
    pub value: BoolOrString,
    pub data: String,
    pub error: String,
    pub multi_value: Vec<String>,
    #[serde(rename = "readonly")]
    pub read_only: bool,
    pub write_once: bool,
    /// Rendered by KOTS; the item is hidden when this is exactly `"false"`.
    #[serde_with(skip_apply)]
    #[serde(default, skip_serializing_if = "is_zero")]
    pub when: QuotedBool,
    pub multiple: bool,
    pub hidden: bool,
    pub affix: String,
    pub required: bool,
    /// The options of a `select_one`/`radio` item.
    pub items: Vec<ConfigChildItem>,
    pub filename: String,
    /// A repeatable item is copied once per entry of [`ConfigItem::values_by_group`] (§3.7).
    pub repeatable: bool,
    #[serde(rename = "minimumCount")]
    pub minimum_count: i64,
    #[serde(rename = "countByGroup")]
    pub count_by_group: BTreeMap<String, i64>,
    /// The manifests a repeatable item copies.
    pub templates: Vec<RepeatTemplate>,
    /// group name → (value name → value) for repeatable items.
    #[serde(rename = "valuesByGroup")]
    pub values_by_group: BTreeMap<String, BTreeMap<String, String>>,
    pub validation: Option<ConfigItemValidation>,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ConfigItem {
    /// The item type, `""` counting as [`ItemType::Text`].
    pub fn item_type(&self) -> ItemType {
        ItemType::parse(&self.type_)
    }

    /// KOTS's `isReadOnly`: `readonly: true`, or a type that is not editable (label, heading or
    /// an unknown type). A read-only item always takes the vendor's value and default.
    pub fn is_read_only(&self) -> bool {
        self.read_only || !self.item_type().is_editable()
    }
}

/// The config item types KOTS knows (`pkg/kotsadmconfig/types`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ItemType {
    /// `text`, or an empty type.
    Text,
    Textarea,
    Password,
    Bool,
    File,
    SelectOne,
    Radio,
    Dropdown,
    Select,
    SelectMany,
    Label,
    Heading,
    /// A type KOTS does not know; it counts as read-only.
    Other(String),
}

impl ItemType {
    pub fn parse(text: &str) -> ItemType {
        match text {
            "" | "text" => ItemType::Text,
            "textarea" => ItemType::Textarea,
            "password" => ItemType::Password,
            "bool" => ItemType::Bool,
            "file" => ItemType::File,
            "select_one" => ItemType::SelectOne,
            "radio" => ItemType::Radio,
            "dropdown" => ItemType::Dropdown,
            "select" => ItemType::Select,
            "select_many" => ItemType::SelectMany,
            "label" => ItemType::Label,
            "heading" => ItemType::Heading,
            other => ItemType::Other(other.to_string()),
        }
    }

    /// Whether users can set a value (`EditableItemTypes` in KOTS's `isReadOnly`).
    pub fn is_editable(&self) -> bool {
        !matches!(
            self,
            ItemType::Label | ItemType::Heading | ItemType::Other(_)
        )
    }
}

/// One option of a `select_one`/`radio` item (`items[].items[]`).
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigChildItem {
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub title: String,
    pub recommended: bool,
    #[serde_with(skip_apply)]
    #[serde(default)]
    pub default: BoolOrString,
    #[serde_with(skip_apply)]
    #[serde(default)]
    pub value: BoolOrString,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A manifest a repeatable item copies (`templates[]`).
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepeatTemplate {
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub api_version: String,
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub kind: String,
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    pub namespace: String,
    pub yaml_path: String,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `validation` of an item.
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigItemValidation {
    pub regex: Option<RegexValidator>,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `validation.regex`: the value must match `pattern`, else `message` is shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegexValidator {
    #[serde(default, deserialize_with = "nullable")]
    pub message: String,
    #[serde(default, deserialize_with = "nullable")]
    pub pattern: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
