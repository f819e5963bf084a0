//! `planRelease`, `planReleaseText`, `kotsDiffSummary`, `planSchema`.

use std::collections::BTreeMap;

use kots_core::manifest::{self, Object};
use kots_core::plan::{self, PlanError, PlanInput, Policy};
use napi_derive::napi;
use serde_json::Value;

use crate::errors::{js_error, Code};

const INVALID_INPUT: &str = "KOTS_PLAN_INVALID_INPUT";

fn to_js(e: PlanError) -> napi::Error<Code> {
    let code = match &e {
        PlanError::MissingName { .. } => "KOTS_PLAN_MISSING_NAME",
        PlanError::Duplicate { .. } => "KOTS_PLAN_DUPLICATE",
        PlanError::InvalidIgnorePath { .. } => "KOTS_PLAN_INVALID_IGNORE_PATH",
        PlanError::InvalidPolicy { .. } => "KOTS_PLAN_INVALID_POLICY",
    };
    js_error(code, e)
}

/// Objects from a YAML string or an array of objects; `what` names the argument in errors.
fn objects(value: Value, what: &str) -> napi::Result<Vec<Object>, Code> {
    match value {
        Value::String(text) => manifest::parse_manifests(&text)
            .map_err(|e| js_error(INVALID_INPUT, format!("{what}: {e}"))),
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                Object::from_value(item)
                    .map_err(|e| js_error(INVALID_INPUT, format!("{what}[{i}]: {e}")))
            })
            .collect(),
        _ => Err(js_error(
            INVALID_INPUT,
            format!("{what}: expected a YAML string or an array of objects"),
        )),
    }
}

/// `{path: text}` → file map.
fn files(value: Value, what: &str) -> napi::Result<BTreeMap<String, Vec<u8>>, Code> {
    let Value::Object(map) = value else {
        return Err(js_error(
            INVALID_INPUT,
            format!("{what}: expected an object of path to text"),
        ));
    };
    map.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s.into_bytes())),
            _ => Err(js_error(
                INVALID_INPUT,
                format!("{what}[{k:?}]: expected a string"),
            )),
        })
        .collect()
}

fn inputs(
    previous: Value,
    next: Value,
    options: Option<Value>,
) -> napi::Result<(PlanInput, Policy), Code> {
    let mut options = match options {
        None | Some(Value::Null) => serde_json::Map::new(),
        Some(Value::Object(map)) => map,
        Some(_) => return Err(js_error(INVALID_INPUT, "options: expected an object")),
    };
    let mut take = |key: &str| options.remove(key).filter(|v| !v.is_null());
    let failed_attempts = match take("failedAttempts") {
        None => Vec::new(),
        Some(Value::Array(list)) => list
            .into_iter()
            .enumerate()
            .map(|(i, item)| objects(item, &format!("failedAttempts[{i}]")))
            .collect::<napi::Result<_, Code>>()?,
        Some(_) => return Err(js_error(INVALID_INPUT, "failedAttempts: expected an array")),
    };
    let live = take("live").map(|v| objects(v, "live")).transpose()?;
    let previous_files = take("previousFiles")
        .map(|v| files(v, "previousFiles"))
        .transpose()?;
    let new_files = take("newFiles").map(|v| files(v, "newFiles")).transpose()?;
    let policy = match take("policy") {
        None => Policy::default(),
        Some(p) => serde_json::from_value(p)
            .map_err(|e| js_error("KOTS_PLAN_INVALID_POLICY", format!("policy: {e}")))?,
    };
    if let Some(unknown) = options.keys().next() {
        return Err(js_error(
            INVALID_INPUT,
            format!("options: unknown field `{unknown}`"),
        ));
    }
    let input = PlanInput {
        previous: objects(previous, "previous")?,
        new: objects(next, "next")?,
        failed_attempts,
        live,
        previous_files,
        new_files,
    };
    Ok((input, policy))
}

/// Plans an upgrade from `previous` to `next` (YAML strings or arrays of objects) and returns the
/// plan document (see `planSchema()`). `options`: `{ failedAttempts?: (string | object[])[],
/// live?: string | object[], policy?: { namespace?, allowDataLoss?, maxDeleteShare?,
/// allowMassDeletion?, order?: 'dag' | 'kots', ignorePaths?, additionalNamespaces?, dataKinds? },
/// previousFiles?: Record<string, string>, newFiles?: Record<string, string> }`.
/// Throws with `code` `KOTS_PLAN_MISSING_NAME`, `KOTS_PLAN_DUPLICATE`,
/// `KOTS_PLAN_INVALID_IGNORE_PATH`, `KOTS_PLAN_INVALID_POLICY` or `KOTS_PLAN_INVALID_INPUT`.
#[napi]
pub fn plan_release(
    previous: Value,
    next: Value,
    options: Option<Value>,
) -> napi::Result<Value, Code> {
    let (input, policy) = inputs(previous, next, options)?;
    let plan = plan::plan(&input, &policy).map_err(to_js)?;
    serde_json::to_value(&plan).map_err(|e| js_error(INVALID_INPUT, e))
}

/// Like `planRelease`, but returns the human report: a table of operations and a unified diff
/// per object. Secret values never appear. Throws like `planRelease`.
#[napi]
pub fn plan_release_text(
    previous: Value,
    next: Value,
    options: Option<Value>,
) -> napi::Result<String, Code> {
    let (input, policy) = inputs(previous, next, options)?;
    let plan = plan::plan(&input, &policy).map_err(to_js)?;
    Ok(plan::render_human(&plan, &input))
}

/// KOTS's version diff summary between two file maps (path → text):
/// `{ filesChanged, linesAdded, linesRemoved }`. Throws `KOTS_PLAN_INVALID_INPUT`.
#[napi]
pub fn kots_diff_summary(previous_files: Value, new_files: Value) -> napi::Result<Value, Code> {
    let summary = plan::kots_diff_summary(
        &files(previous_files, "previousFiles")?,
        &files(new_files, "newFiles")?,
    );
    serde_json::to_value(summary).map_err(|e| js_error(INVALID_INPUT, e))
}

/// The JSON Schema of the plan document.
#[napi]
pub fn plan_schema() -> Value {
    plan::plan_schema()
}
