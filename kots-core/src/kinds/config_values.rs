//! `kots.io/v1beta1 ConfigValues` (kotskinds `configvalues_types.go`, kots-internals §3.2).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::go::{is_zero, nullable};

kots_resource! {
    /// The user's config values (`upstream/userdata/config.yaml`), keyed by item name.
    ///
    /// ```
    /// use kots_core::kinds::{ConfigValues, KotsResource};
    ///
    /// let values = ConfigValues::from_yaml(r#"
    /// apiVersion: kots.io/v1beta1
    /// kind: ConfigValues
    /// metadata: {name: my-app}
    /// spec:
    ///   values:
    ///     tls_cert: {value: aGk=, filename: cert.pem}
    /// "#).unwrap();
    /// let cert = &values.spec.values["tls_cert"];
    /// assert_eq!((cert.value.as_str(), cert.filename.as_str()), ("aGk=", "cert.pem"));
    /// ```
    ConfigValues, ConfigValuesSpec, "kots.io/v1beta1", "ConfigValues"
}

/// `spec` of a [`ConfigValues`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigValuesSpec {
    /// Item name → value, sorted by name as Go writes maps.
    #[serde(default, deserialize_with = "nullable")]
    pub values: BTreeMap<String, ConfigValue>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of `spec.values`. All strings: a password's `value` is `base64(AES-GCM(...))`, a
/// file's `value` is the base64 content with its `filename`, a bool is `"1"`/`"0"` (or
/// `"true"`/`"false"`).
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigValue {
    pub default: String,
    pub value: String,
    pub data: String,
    /// A password in clear text, as input; KOTS encrypts it into `value`.
    pub value_plaintext: String,
    pub data_plaintext: String,
    pub filename: String,
    /// The repeatable item this value is a copy of.
    pub repeatable_item: String,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
