//! Regex validation of config values (KOTS `ValidateConfigSpec`, kots-internals §3.6).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use kots_core::kinds::{BoolOrString, Config, ConfigGroup, ConfigItem, ItemType};
use serde::Serialize;

use super::EncryptionKey;

/// The failures of one group (`ConfigGroupValidationError`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigGroupValidation {
    pub name: String,
    pub title: String,
    pub item_errors: Vec<ItemValidation>,
}

/// The failures of one item (`ConfigItemValidationError`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemValidation {
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub validation_errors: Vec<ValidationMessage>,
}

/// One failure (`ValidationError`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationMessage {
    pub message: String,
}

const NO_MATCH: &str = "Value does not match regex";

/// Validates the rendered Config. KOTS aborts the whole validation on a pattern that does not
/// compile or a file value that is not base64; here that becomes the item's message instead.
pub(crate) fn validate(
    rendered: &Config,
    key: Option<&EncryptionKey>,
) -> Vec<ConfigGroupValidation> {
    rendered
        .spec
        .groups
        .iter()
        .filter(|g| !g.when.is_false() && !g.items.is_empty())
        .filter_map(|g| validate_group(g, key))
        .collect()
}

fn validate_group(
    group: &ConfigGroup,
    key: Option<&EncryptionKey>,
) -> Option<ConfigGroupValidation> {
    let item_errors: Vec<ItemValidation> = group
        .items
        .iter()
        .filter_map(|i| validate_item(i, key))
        .collect();
    (!item_errors.is_empty()).then(|| ConfigGroupValidation {
        name: group.name.clone(),
        title: group.title.clone(),
        item_errors,
    })
}

fn validate_item(item: &ConfigItem, key: Option<&EncryptionKey>) -> Option<ItemValidation> {
    let regex = item.validation.as_ref()?.regex.as_ref();
    let validatable = matches!(
        item.item_type(),
        ItemType::Text | ItemType::Textarea | ItemType::Password | ItemType::File
    );
    if item.hidden || item.when.is_false() || item.repeatable || !validatable {
        return None;
    }
    let message = |m: String| ItemValidation {
        name: item.name.clone(),
        type_: item.type_.clone(),
        validation_errors: vec![ValidationMessage { message: m }],
    };
    let value = match validatable_value(item, key) {
        Ok(v) => v,
        Err(e) => return Some(message(e)),
    };
    let regex = regex?;
    if value.is_empty() {
        return None;
    }
    match regex::Regex::new(&regex.pattern) {
        Err(e) => Some(message(format!("failed to compile regex pattern: {e}"))),
        Ok(re) if re.is_match(&value) => None,
        Ok(_) if regex.message.is_empty() => Some(message(NO_MATCH.into())),
        Ok(_) => Some(message(regex.message.clone())),
    }
}

/// `getValidatableItemValue`: the string value (text), the decrypted value (password), the
/// decoded content (file).
fn validatable_value(item: &ConfigItem, key: Option<&EncryptionKey>) -> Result<String, String> {
    let str_val = match &item.value {
        BoolOrString::String(s) => s.clone(),
        BoolOrString::Bool(_) => String::new(),
    };
    match item.item_type() {
        ItemType::Password => {
            let value = item.value.to_string();
            Ok(key.and_then(|k| k.decrypt(&value)).unwrap_or(value))
        }
        ItemType::File => STANDARD
            .decode(&str_val)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| format!("failed to base64 decode file item value: {e}")),
        _ => Ok(str_val),
    }
}
