//! Repeatable config items in manifests ("variadic config", kots-internals §3.7,
//! `processVariadicConfig`).

use std::collections::BTreeMap;

use kots_core::kinds::{Config, ConfigItem};
use kots_core::manifest::split_documents;
use serde_json::{Map, Value};

use super::base::parse_text;
use crate::functions::substitute_variadic;

/// One repeatable item that targets a document, with the yaml path its template names.
struct Target<'a> {
    group: &'a str,
    item: &'a ConfigItem,
    yaml_path: &'a str,
}

/// Expands the documents of `text` that repeatable items target; every other document is kept.
/// The documents are rejoined with `\n---\n`, as KOTS rejoins them.
pub(crate) fn process(text: &str, config: Option<&Config>) -> Result<String, String> {
    if !config.is_some_and(has_templates) {
        // No repeatable item targets anything: KOTS's split and rejoin only normalise separators,
        // which the callers' texts already are.
        return Ok(text.to_string());
    }
    let mut out: Vec<String> = Vec::new();
    for doc in split_documents(text) {
        let Some((header, node)) = template_header(&doc.text) else {
            out.push(doc.text);
            continue;
        };
        let mut generated: Vec<String> = Vec::new();
        for target in targets(config, &header) {
            let Some(values) = target
                .item
                .values_by_group
                .get(target.group)
                .filter(|v| !v.is_empty())
            else {
                continue;
            };
            // Like KOTS, the last matching item decides the generated documents.
            generated = if target.yaml_path.is_empty() {
                clone_document(&node, &target.item.name, values)?
            } else {
                vec![repeat_at_path(
                    &node,
                    target.yaml_path,
                    &target.item.name,
                    values,
                )?]
            };
        }
        if generated.is_empty() {
            out.push(doc.text);
        } else {
            out.extend(generated);
        }
    }
    Ok(out.join("\n---\n"))
}

fn has_templates(config: &Config) -> bool {
    config
        .spec
        .groups
        .iter()
        .flat_map(|g| &g.items)
        .any(|i| !i.templates.is_empty())
}

/// `{apiVersion, kind, name, namespace}` of a document, plus the document; `None` when it is not
/// a mapping with string headers and a metadata mapping.
fn template_header(text: &str) -> Option<([String; 4], Map<String, Value>)> {
    let Ok(Value::Object(node)) = parse_text(text) else {
        return None;
    };
    let field = |v: Option<&Value>| -> Option<String> {
        match v {
            None => Some(String::new()),
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => None,
        }
    };
    let api_version = field(node.get("apiVersion"))?;
    let kind = field(node.get("kind"))?;
    let metadata = node.get("metadata")?.as_object()?;
    let name = metadata
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let namespace = metadata
        .get("namespace")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    Some(([api_version, kind, name, namespace], node))
}

fn targets<'a>(config: Option<&'a Config>, header: &[String; 4]) -> Vec<Target<'a>> {
    let Some(config) = config else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for group in &config.spec.groups {
        for item in &group.items {
            for t in &item.templates {
                if [&t.api_version, &t.kind, &t.name, &t.namespace]
                    == [&header[0], &header[1], &header[2], &header[3]]
                {
                    out.push(Target {
                        group: &group.name,
                        item,
                        yaml_path: &t.yaml_path,
                    });
                }
            }
        }
    }
    out
}

/// Whole-document copies: one per value, `metadata.name` set to the value name.
fn clone_document(
    node: &Map<String, Value>,
    item: &str,
    values: &BTreeMap<String, String>,
) -> Result<Vec<String>, String> {
    let mut node = node.clone();
    values
        .keys()
        .map(|value_name| {
            if let Some(Value::Object(metadata)) = node.get_mut("metadata") {
                metadata.insert("name".into(), value_name.as_str().into());
            }
            let copy = replace_templates(&Value::Object(node.clone()), item, value_name)?;
            Ok(crate::config::to_yaml(&copy))
        })
        .collect()
}

/// `buildStackFromYaml` + `renderRepeatNodes`: the array element the path ends at is replaced by
/// one copy per value, appended after the other elements.
fn repeat_at_path(
    node: &Map<String, Value>,
    path: &str,
    item: &str,
    values: &BTreeMap<String, String>,
) -> Result<String, String> {
    let mut root = Value::Object(node.clone());
    let mut current = &mut root;
    let steps: Vec<&str> = path.split('.').collect();
    for (i, step) in steps.iter().enumerate() {
        let (name, index) = parse_step(step)?;
        let last = i + 1 == steps.len();
        let map = current
            .as_object_mut()
            .ok_or_else(|| format!("failed to process yaml node {name}: not a map"))?;
        let next = map.get_mut(name).ok_or_else(|| {
            format!("failed to process yaml node {name}: neither map nor array: <nil>")
        })?;
        match next {
            Value::Array(array) => {
                let index =
                    index.ok_or_else(|| format!("failed to process yaml node {name}: no index"))?;
                if index >= array.len() {
                    return Err(format!(
                        "index out of range [{index}] with length {}",
                        array.len()
                    ));
                }
                if last {
                    let target = array.remove(index);
                    for value_name in values.keys() {
                        array.push(replace_templates(&target, item, value_name)?);
                    }
                    return Ok(crate::config::to_yaml(&root));
                }
                current = &mut array[index];
            }
            Value::Object(_) if !last => current = next,
            other => {
                return Err(format!(
                    "failed to process yaml node {name}: neither map nor array: {other}"
                ))
            }
        }
    }
    Err(format!(
        "the last element of yamlPath {path:?} must be an array"
    ))
}

fn parse_step(step: &str) -> Result<(&str, Option<usize>), String> {
    match step.split_once('[') {
        None => Ok((step, None)),
        Some((name, rest)) => {
            let index = rest.split(']').next().unwrap_or_default();
            let index = index
                .parse::<usize>()
                .map_err(|_| format!("failed to collect nodename and index: strconv.Atoi: parsing {index:?}: invalid syntax"))?;
            Ok((name, Some(index)))
        }
    }
}

/// `replaceTemplateValue`: strings (values and keys) that mention the item run through the
/// `[[repl … ]]` / `repl[[ … ]]` templates with `{item: valueName}` as data.
fn replace_templates(node: &Value, item: &str, value_name: &str) -> Result<Value, String> {
    Ok(match node {
        Value::String(s) if s.contains(item) => {
            Value::String(substitute_variadic(item, value_name, s)?)
        }
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                let value = replace_templates(value, item, value_name)?;
                let key = if key.contains(item) {
                    substitute_variadic(item, value_name, key)?
                } else {
                    key.clone()
                };
                out.insert(key, value);
            }
            Value::Object(out)
        }
        Value::Array(list) => Value::Array(
            list.iter()
                .map(|v| replace_templates(v, item, value_name))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}
