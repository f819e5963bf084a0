//! HelmChart custom resources (kots-internals §5.4 steps 1–4, §5.5): exclusion, the chart archive
//! in the release, and the final Helm values. Templating the chart itself is not done here.

use std::io::Read;

use kots_core::kinds::{helm_values, HelmChartV1Beta1, HelmChartV1Beta2, OptionalValue};
use serde::Serialize;
use serde_json::{Map, Value};

use super::files::ReleaseFile;
use super::RenderError;

/// Largest chart archive content read while looking for `Chart.yaml`.
const MAX_ARCHIVE_BYTES: u64 = 256 << 20;

/// One HelmChart CR after rendering.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HelmChartRelease {
    /// `kots.io/v1beta1` or `kots.io/v1beta2`.
    pub api_version: String,
    /// The CR's `metadata.name`.
    pub name: String,
    /// The kots-kinds file the CR comes from.
    pub path: String,
    pub release_name: String,
    pub chart_name: String,
    pub chart_version: String,
    pub namespace: String,
    /// Excluded by `spec.exclude`, or a v1beta1 chart whose release a v1beta2 chart takes over.
    pub excluded: bool,
    /// The release file holding the chart archive (`None` when excluded).
    pub archive: Option<String>,
    /// The merged values as Helm receives them (every number a float), `None` when excluded.
    pub values: Option<Map<String, Value>>,
    /// v1beta1 `useHelmInstall`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub use_helm_install: bool,
}

/// A decoded HelmChart of either version.
pub(crate) enum Chart {
    V1Beta1(Box<HelmChartV1Beta1>),
    V1Beta2(Box<HelmChartV1Beta2>),
}

impl Chart {
    fn release_name(&self) -> &str {
        match self {
            Chart::V1Beta1(c) => c.release_name(),
            Chart::V1Beta2(c) => c.release_name(),
        }
    }
}

/// Builds the summary of every chart: v1beta1 charts whose release name a v1beta2 chart uses are
/// dropped (`FilterV1Beta1ChartsWithV1Beta2Charts`); an unparseable `exclude` or `when` is fatal.
pub(crate) fn releases(
    charts: Vec<(String, Chart)>,
    files: &[ReleaseFile],
) -> Result<Vec<HelmChartRelease>, RenderError> {
    let v1beta2_names: Vec<String> = charts
        .iter()
        .filter(|(_, c)| matches!(c, Chart::V1Beta2(_)))
        .map(|(_, c)| c.release_name().to_string())
        .collect();
    charts
        .into_iter()
        .map(|(path, chart)| {
            let shadowed = matches!(chart, Chart::V1Beta1(_))
                && v1beta2_names.iter().any(|n| n == chart.release_name());
            release(path, chart, shadowed, files)
        })
        .collect()
}

fn release(
    path: String,
    chart: Chart,
    shadowed: bool,
    files: &[ReleaseFile],
) -> Result<HelmChartRelease, RenderError> {
    let err = |message: String| RenderError::HelmChart {
        path: path.clone(),
        message,
    };
    let (api_version, name, release_name, chart_name, chart_version, namespace, use_helm_install) =
        match &chart {
            Chart::V1Beta1(c) => (
                "kots.io/v1beta1",
                c.metadata.name.clone(),
                c.release_name().to_string(),
                c.spec.chart.name.clone(),
                c.spec.chart.chart_version.clone(),
                c.spec.namespace.clone(),
                c.spec.use_helm_install,
            ),
            Chart::V1Beta2(c) => (
                "kots.io/v1beta2",
                c.metadata.name.clone(),
                c.release_name().to_string(),
                c.spec.chart.name.clone(),
                c.spec.chart.chart_version.clone(),
                c.spec.namespace.clone(),
                false,
            ),
        };
    let excluded = match &chart {
        Chart::V1Beta1(c) => c.is_excluded(),
        Chart::V1Beta2(c) => c.is_excluded(),
    }
    .map_err(|e| err(format!("failed to parse helm chart exclude: {e}")))?;
    let mut out = HelmChartRelease {
        api_version: api_version.into(),
        name,
        path: path.clone(),
        release_name,
        chart_name: chart_name.clone(),
        chart_version: chart_version.clone(),
        namespace,
        excluded: excluded || shadowed,
        archive: None,
        values: None,
        use_helm_install,
    };
    if out.excluded {
        return Ok(out);
    }
    let (values, optional) = match &chart {
        Chart::V1Beta1(c) => (&c.spec.values, &c.spec.optional_values),
        Chart::V1Beta2(c) => (&c.spec.values, &c.spec.optional_values),
    };
    out.values = Some(helm_values(&merged_values(values, optional).map_err(err)?));
    let archive = find_archive(files, &chart_name, &chart_version).ok_or_else(|| {
        RenderError::HelmChart {
            path,
            message: format!(
                "unable to find helm chart archive for chart name {chart_name}, version {chart_version}"
            ),
        }
    })?;
    out.archive = Some(archive);
    Ok(out)
}

/// §5.4 step 4: `values`, then each optional value whose `when` is true, merged recursively or
/// key by key.
pub(crate) fn merged_values(
    values: &Map<String, Value>,
    optional: &[OptionalValue],
) -> Result<Map<String, Value>, String> {
    let mut merged = values.clone();
    for entry in optional {
        let applies = entry
            .applies()
            .map_err(|e| format!("failed to parse when conditional on optional value: {e}"))?;
        if !applies {
            continue;
        }
        if entry.recursive_merge {
            merge_recursive(&mut merged, &entry.values);
        } else {
            for (k, v) in &entry.values {
                merged.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(merged)
}

/// `MergeHelmChartValues`: maps merge recursively; any other overlay value replaces the base.
fn merge_recursive(base: &mut Map<String, Value>, overlay: &Map<String, Value>) {
    for (key, value) in overlay {
        match (base.get_mut(key), value) {
            (Some(Value::Object(b)), Value::Object(o)) => merge_recursive(b, o),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

/// `FindHelmChartArchiveInRelease`: the first gzip file whose `Chart.yaml` (after the archive's
/// common directory is removed) names this chart and version.
fn find_archive(files: &[ReleaseFile], name: &str, version: &str) -> Option<String> {
    files
        .iter()
        .filter(|f| f.content.starts_with(&[0x1f, 0x8b]))
        .find(|f| chart_metadata(&f.content).is_some_and(|(n, v)| n == name && v == version))
        .map(|f| f.path.clone())
}

/// `name` and `version` of the chart's `Chart.yaml`.
fn chart_metadata(archive: &[u8]) -> Option<(String, String)> {
    let gz = flate2::read::GzDecoder::new(archive).take(MAX_ARCHIVE_BYTES);
    let mut tar = tar::Archive::new(gz);
    let mut entries: Vec<(String, Option<String>)> = Vec::new();
    for entry in tar.entries().ok()? {
        let mut entry = entry.ok()?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().ok()?.to_string_lossy().into_owned();
        let content = if path.ends_with("Chart.yaml") {
            let mut text = String::new();
            (&mut entry).take(1 << 20).read_to_string(&mut text).ok()?;
            Some(text)
        } else {
            None
        };
        entries.push((path, content));
    }
    let prefix = common_prefix(entries.iter().map(|(p, _)| p.as_str()));
    let chart = entries
        .iter()
        .find(|(p, _)| p.get(prefix..) == Some("Chart.yaml"))?;
    let value = super::base::parse_text(chart.1.as_deref()?).ok()?;
    let field = |k: &str| {
        value
            .get(k)
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
    };
    Some((field("name")?, field("version").unwrap_or_default()))
}

/// Byte length of the directory prefix all archive paths share.
fn common_prefix<'a>(paths: impl Iterator<Item = &'a str>) -> usize {
    let mut common: Option<Vec<&str>> = None;
    for path in paths {
        let dirs: Vec<&str> = path
            .rsplit_once('/')
            .map_or(Vec::new(), |(d, _)| d.split('/').collect());
        common = Some(match common {
            None => dirs,
            Some(prev) => prev
                .iter()
                .zip(&dirs)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| *a)
                .collect(),
        });
    }
    common.map_or(0, |d| d.iter().map(|s| s.len() + 1).sum())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn optional(when: &str, recursive: bool, values: Value) -> OptionalValue {
        OptionalValue {
            when: when.into(),
            recursive_merge: recursive,
            values: values.as_object().unwrap().clone(),
            ..OptionalValue::default()
        }
    }

    #[test]
    fn optional_values_merge_as_kots_does() {
        let base = json!({"a": {"x": 1, "y": 2}, "b": 1});
        let base = base.as_object().unwrap();
        let merged =
            merged_values(base, &[optional("true", true, json!({"a": {"y": 3}}))]).unwrap();
        assert_eq!(
            Value::Object(merged),
            json!({"a": {"x": 1, "y": 3}, "b": 1})
        );
        let merged = merged_values(base, &[optional("1", false, json!({"a": {"y": 3}}))]).unwrap();
        assert_eq!(Value::Object(merged), json!({"a": {"y": 3}, "b": 1}));
        let merged = merged_values(base, &[optional("false", false, json!({"b": 2}))]).unwrap();
        assert_eq!(merged["b"], json!(1));
        assert!(merged_values(base, &[optional("maybe", false, json!({}))]).is_err());
    }
}
