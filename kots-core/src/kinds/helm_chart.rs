//! `HelmChart` in `kots.io/v1beta1` and `kots.io/v1beta2` (kotskinds `helmchart_types.go`,
//! kots-internals §5.4–5.5).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::go::{is_zero, nullable};
use super::{BoolOrString, ParseBoolError};

kots_resource! {
    /// A `kots.io/v1beta1 HelmChart`: KOTS templates the chart into the base (§5.4).
    ///
    /// ```
    /// use kots_core::kinds::{HelmChartV1Beta1, KotsResource};
    ///
    /// let chart = HelmChartV1Beta1::from_yaml(r#"
    /// apiVersion: kots.io/v1beta1
    /// kind: HelmChart
    /// metadata: {name: web}
    /// spec:
    ///   chart: {name: nginx, chartVersion: 1.0.0}
    ///   exclude: 'false'
    ///   values: {replicas: 2}
    /// "#).unwrap();
    /// assert_eq!(chart.release_name(), "nginx");
    /// assert_eq!(chart.dir_name(), "web");
    /// assert_eq!(chart.is_excluded(), Ok(false));
    /// ```
    HelmChartV1Beta1, HelmChartSpecV1Beta1, "kots.io/v1beta1", "HelmChart"
}

kots_resource! {
    /// A `kots.io/v1beta2 HelmChart`: the chart archive is shipped with merged values and
    /// installed by Helm (§5.5).
    ///
    /// ```
    /// use kots_core::kinds::{HelmChartV1Beta2, KotsResource};
    ///
    /// let chart = HelmChartV1Beta2::from_yaml(r#"
    /// apiVersion: kots.io/v1beta2
    /// kind: HelmChart
    /// spec:
    ///   chart: {name: nginx, chartVersion: 1.0.0}
    ///   releaseName: web
    ///   optionalValues:
    ///   - when: 'true'
    ///     values: {a: 1}
    /// "#).unwrap();
    /// assert_eq!(chart.release_name(), "web");
    /// assert_eq!(chart.spec.optional_values[0].when, "true");
    /// ```
    HelmChartV1Beta2, HelmChartSpecV1Beta2, "kots.io/v1beta2", "HelmChart"
}

/// `spec.chart` of a v1beta1 chart, which may carry the release name.
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartIdentifierV1Beta1 {
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub chart_version: String,
    pub release_name: String,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `spec.chart` of a v1beta2 chart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartIdentifier {
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub chart_version: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `spec` of a [`HelmChartV1Beta1`].
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HelmChartSpecV1Beta1 {
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub chart: ChartIdentifierV1Beta1,
    /// Written always (a Go struct ignores `omitempty`).
    #[serde_with(skip_apply)]
    #[serde(default)]
    pub exclude: BoolOrString,
    /// `v2`, `v3`, `v4` or empty.
    pub helm_version: String,
    pub use_helm_install: bool,
    pub namespace: String,
    /// Helm values; KOTS reads every number as a float64 ([`helm_values`]).
    pub values: Map<String, Value>,
    pub optional_values: Vec<OptionalValue>,
    /// Values used only to find images when building airgap bundles.
    pub builder: Map<String, Value>,
    pub weight: i64,
    pub helm_upgrade_flags: Vec<String>,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `spec` of a [`HelmChartV1Beta2`].
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HelmChartSpecV1Beta2 {
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub chart: ChartIdentifier,
    pub release_name: String,
    /// Written always (a Go struct ignores `omitempty`).
    #[serde_with(skip_apply)]
    #[serde(default)]
    pub exclude: BoolOrString,
    pub namespace: String,
    /// Helm values; KOTS reads every number as a float64 ([`helm_values`]).
    pub values: Map<String, Value>,
    pub optional_values: Vec<OptionalValue>,
    /// Values used to template the chart when collecting images (§5.5).
    pub builder: Map<String, Value>,
    pub weight: i64,
    pub helm_upgrade_flags: Vec<String>,
    pub docs: std::collections::BTreeMap<String, String>,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One `spec.optionalValues[]` entry: values merged when `when` parses as true.
///
/// `when` is a plain string in KOTS (an unquoted YAML boolean does not decode), normally a
/// rendered `repl{{ }}` expression; `values` must be a mapping (the KOTS release pinned by the
/// spec has no string form).
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OptionalValue {
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub when: String,
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub recursive_merge: bool,
    pub values: Map<String, Value>,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl OptionalValue {
    /// `strconv.ParseBool(when)`; KOTS fails the chart on an error
    /// (`failed to parse when conditional on optional value`).
    pub fn applies(&self) -> Result<bool, ParseBoolError> {
        super::parse_bool(&self.when)
    }
}

impl HelmChartV1Beta1 {
    /// `GetReleaseName`: `spec.chart.releaseName`, else `spec.chart.name`.
    pub fn release_name(&self) -> &str {
        non_empty_or(&self.spec.chart.release_name, &self.spec.chart.name)
    }

    /// `GetDirName`: `spec.chart.releaseName`, else `metadata.name`.
    pub fn dir_name(&self) -> &str {
        non_empty_or(&self.spec.chart.release_name, &self.metadata.name)
    }

    /// Whether `spec.exclude` skips the chart: empty is false, otherwise `ParseBool` (an error
    /// fails the chart in KOTS: `failed to parse helm chart exclude`).
    pub fn is_excluded(&self) -> Result<bool, ParseBoolError> {
        excluded(&self.spec.exclude)
    }
}

impl HelmChartV1Beta2 {
    /// `GetReleaseName`: `spec.releaseName`, else `spec.chart.name`.
    pub fn release_name(&self) -> &str {
        non_empty_or(&self.spec.release_name, &self.spec.chart.name)
    }

    /// `GetDirName`: `spec.releaseName`, else `metadata.name`.
    pub fn dir_name(&self) -> &str {
        non_empty_or(&self.spec.release_name, &self.metadata.name)
    }

    /// `GetHelmVersion`: always `v3` for v1beta2.
    pub fn helm_version(&self) -> &'static str {
        "v3"
    }

    /// As [`HelmChartV1Beta1::is_excluded`].
    pub fn is_excluded(&self) -> Result<bool, ParseBoolError> {
        excluded(&self.spec.exclude)
    }
}

fn non_empty_or<'a>(first: &'a str, fallback: &'a str) -> &'a str {
    if first.is_empty() {
        fallback
    } else {
        first
    }
}

fn excluded(exclude: &BoolOrString) -> Result<bool, ParseBoolError> {
    if exclude.is_empty() {
        Ok(false)
    } else {
        exclude.boolean()
    }
}

/// KOTS's `GetHelmValues`: the values as Helm receives them, with every number a float64
/// (so `2` becomes `2.0`), as kotskinds' `MappedChartValue` decodes numbers.
///
/// ```
/// let values = serde_json::json!({"replicas": 2, "tags": [1, "a"]});
/// let helm = kots_core::kinds::helm_values(values.as_object().unwrap());
/// assert_eq!(helm["replicas"], serde_json::json!(2.0));
/// ```
pub fn helm_values(values: &Map<String, Value>) -> Map<String, Value> {
    values
        .iter()
        .map(|(k, v)| (k.clone(), float_numbers(v)))
        .collect()
}

fn float_numbers(value: &Value) -> Value {
    match value {
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| value.clone(), Value::Number),
        Value::Array(items) => Value::Array(items.iter().map(float_numbers).collect()),
        Value::Object(map) => Value::Object(helm_values(map)),
        other => other.clone(),
    }
}
