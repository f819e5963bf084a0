//! The License data model and its decoding with KOTS's (Go's) rules: `null` is the zero value,
//! `omitempty` fields are left out on output, `[]byte` fields are padded standard base64, and an
//! entitlement value is typed from its raw JSON token (string, then int64, then bool).

use std::collections::BTreeMap;
use std::fmt;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use serde_json::{Map, Number, Value};

use super::signed_json::MapOnly;
use super::LicenseError;
use crate::manifest::{json_type_name, parse_manifests_with_limits, Limits};

/// Largest license text accepted (real licenses are a few KiB to a few hundred KiB).
const MAX_LICENSE_BYTES: usize = 16 << 20;

/// The two License kinds KOTS knows. v1beta1 is signed with RSA-PSS/MD5, v1beta2 with
/// RSA-PSS/SHA-256; the fields are the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LicenseVersion {
    V1Beta1,
    V1Beta2,
}

impl LicenseVersion {
    /// `kots.io/v1beta1` or `kots.io/v1beta2`.
    pub fn api_version(self) -> &'static str {
        match self {
            LicenseVersion::V1Beta1 => "kots.io/v1beta1",
            LicenseVersion::V1Beta2 => "kots.io/v1beta2",
        }
    }

    /// `v1` or `v2`: the key of an entitlement's signature and KOTS's error prefix.
    pub(crate) fn scheme(self) -> &'static str {
        match self {
            LicenseVersion::V1Beta1 => "v1",
            LicenseVersion::V1Beta2 => "v2",
        }
    }

    fn from_version(version: &str) -> Option<LicenseVersion> {
        match version {
            "v1beta1" => Some(LicenseVersion::V1Beta1),
            "v1beta2" => Some(LicenseVersion::V1Beta2),
            _ => None,
        }
    }
}

/// How a document reached the decoder. Kubernetes turns YAML into JSON first, and Go's JSON
/// encoder writes an integral float (`1.232435e+06`) as integer digits; raw JSON keeps its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Yaml,
    Json,
}

/// A typed entitlement value, as KOTS types the raw token: a JSON string, else an int64, else a
/// bool. There is no float: a non-integral number makes the license fail to load.
///
/// ```
/// use kots_core::license::{EntitlementValue, License};
///
/// let l = License::from_yaml("apiVersion: kots.io/v1beta1\nkind: License\nspec:\n  entitlements:\n    \
///     num: {value: 1.232435e+06}\n    str: {value: \"587\"}\n    flag: {value: true}\n    none: {title: x}\n").unwrap();
/// assert_eq!(l.entitlement_value("num"), Some(EntitlementValue::Int(1232435)));
/// assert_eq!(l.entitlement_value("str"), Some(EntitlementValue::String("587".into())));
/// assert_eq!(l.entitlement_text("flag").as_deref(), Some("true"));
/// assert_eq!(l.entitlement_text("none").as_deref(), Some("<nil>")); // v1beta1: value absent is nil
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntitlementValue {
    Int(i64),
    String(String),
    Bool(bool),
}

impl EntitlementValue {
    /// The value as JSON (number, string or boolean).
    pub fn to_json(&self) -> Value {
        match self {
            EntitlementValue::Int(i) => Value::from(*i),
            EntitlementValue::String(s) => Value::String(s.clone()),
            EntitlementValue::Bool(b) => Value::Bool(*b),
        }
    }

    /// `int`, `string` or `bool`.
    pub fn type_name(&self) -> &'static str {
        match self {
            EntitlementValue::Int(_) => "int",
            EntitlementValue::String(_) => "string",
            EntitlementValue::Bool(_) => "bool",
        }
    }

    fn from_token(value: &Value, source: Source) -> Result<EntitlementValue, String> {
        match value {
            Value::String(s) => Ok(EntitlementValue::String(s.clone())),
            Value::Bool(b) => Ok(EntitlementValue::Bool(*b)),
            Value::Number(n) => go_int(n, source)
                .map(EntitlementValue::Int)
                .ok_or_else(|| format!("unknown license value type (the number {n})")),
            other => Err(format!(
                "unknown license value type ({})",
                json_type_name(other)
            )),
        }
    }
}

/// Go's `%v`: decimal for ints, `true`/`false`, the raw string. This is the signed message.
impl fmt::Display for EntitlementValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntitlementValue::Int(i) => write!(f, "{i}"),
            EntitlementValue::String(s) => f.write_str(s),
            EntitlementValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// One custom license field (`spec.entitlements.<name>`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entitlement {
    pub title: String,
    pub description: String,
    /// `None` when the `value` key is absent: KOTS reads that as nil in v1beta1 and as the int 0
    /// in v1beta2 (see [`Entitlement::effective_value`]). An explicit `null` is refused, as KOTS does.
    pub value: Option<EntitlementValue>,
    /// `String`, `Integer`, `Boolean`, `Text`, ... (free text, not checked).
    pub value_type: String,
    pub is_hidden: bool,
    /// The decoded `signature.v1` (v1beta1) or `signature.v2` (v1beta2); empty when unsigned.
    pub signature: Vec<u8>,
    /// Other keys of the `signature` object, kept for round trips.
    pub signature_extra: Map<String, Value>,
    /// Unknown keys, kept for round trips.
    pub extra: Map<String, Value>,
}

impl Entitlement {
    /// KOTS's `Value()`: `None` (Go nil) for an absent value in v1beta1, `Int(0)` in v1beta2.
    pub fn effective_value(&self, version: LicenseVersion) -> Option<EntitlementValue> {
        match (&self.value, version) {
            (Some(v), _) => Some(v.clone()),
            (None, LicenseVersion::V1Beta1) => None,
            (None, LicenseVersion::V1Beta2) => Some(EntitlementValue::Int(0)),
        }
    }

    /// `fmt.Sprint(Value())`: the message an entitlement signature signs (`<nil>` for nil).
    pub fn signed_text(&self, version: LicenseVersion) -> String {
        self.effective_value(version)
            .map_or_else(|| "<nil>".to_string(), |v| v.to_string())
    }
}

/// One entry of `spec.channels`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Channel {
    pub channel_id: String,
    pub channel_name: String,
    pub channel_slug: String,
    pub is_default: bool,
    pub endpoint: String,
    pub replicated_proxy_domain: String,
    pub is_semver_required: bool,
    /// Unknown keys, kept for round trips.
    pub extra: Map<String, Value>,
}

impl Channel {
    pub(crate) fn strings(&self) -> [(&'static str, &str); 5] {
        [
            ("channelID", &self.channel_id),
            ("channelName", &self.channel_name),
            ("channelSlug", &self.channel_slug),
            ("endpoint", &self.endpoint),
            ("replicatedProxyDomain", &self.replicated_proxy_domain),
        ]
    }

    pub(crate) fn bools(&self) -> [(&'static str, bool); 2] {
        [
            ("isDefault", self.is_default),
            ("isSemverRequired", self.is_semver_required),
        ]
    }
}

macro_rules! license_spec {
    (
        strings { $( $(#[$sm:meta])* $s:ident = $sj:literal, )* }
        bools { $( $(#[$bm:meta])* $b:ident = $bj:literal, )* }
    ) => {
        /// The `spec` of a License: every field of kots-internals §1.2 (v1beta1 and v1beta2 share them).
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct LicenseSpec {
            /// `signature`, base64-decoded: KOTS's outer signature blob, or an ed25519 envelope.
            pub signature: Vec<u8>,
            $( $(#[$sm])* pub $s: String, )*
            /// `channels` (multi-channel licenses), in order.
            pub channels: Vec<Channel>,
            /// `licenseSequence`.
            pub license_sequence: i64,
            $( $(#[$bm])* pub $b: bool, )*
            /// `entitlements` (custom license fields, `expires_at` included), by name.
            pub entitlements: BTreeMap<String, Entitlement>,
            /// Fields KOTS does not model (e.g. `isKotsInstallEnabled`), kept for round trips.
            pub extra: Map<String, Value>,
        }

        /// The keys of `spec`, known ones still untyped: what both the general decoder and the
        /// signed-JSON fast path ([`super::signed_json`]) collect before typing them here.
        #[derive(Default)]
        pub(super) struct SpecParts {
            signature: Value,
            $( $s: Value, )*
            $( $b: Value, )*
            license_sequence: Value,
            channels: Value,
            entitlements: Option<BTreeMap<String, MapOnly<EntitlementParts>>>,
            /// Keys KOTS does not model, in document order.
            extra: Map<String, Value>,
        }

        impl SpecParts {
            /// Takes the value of a known key other than `entitlements`; gives back the value
            /// of any other key.
            fn set(&mut self, key: &str, value: Value) -> Option<Value> {
                match key {
                    "signature" => self.signature = value,
                    $($sj => self.$s = value,)*
                    $($bj => self.$b = value,)*
                    "licenseSequence" => self.license_sequence = value,
                    "channels" => self.channels = value,
                    _ => return Some(value),
                }
                None
            }

            /// Types the parts (entitlements given as parts, from the fast path, included).
            pub(super) fn into_spec(
                self,
                version: LicenseVersion,
                source: Source,
            ) -> Result<LicenseSpec, LicenseError> {
                let mut spec = LicenseSpec {
                    signature: go_bytes(&self.signature, "spec.signature")?,
                    $( $s: string_value(self.$s, || format!("spec.{}", $sj))?, )*
                    $( $b: bool_value(self.$b, || format!("spec.{}", $bj))?, )*
                    license_sequence: as_int64(
                        &self.license_sequence,
                        "spec.licenseSequence",
                        source,
                    )?,
                    channels: decode_channels(self.channels)?,
                    entitlements: BTreeMap::new(),
                    extra: self.extra,
                };
                for (name, MapOnly(parts)) in self.entitlements.unwrap_or_default() {
                    let entitlement = parts.into_entitlement(&name, Map::new(), version, source)?;
                    spec.entitlements.insert(name, entitlement);
                }
                Ok(spec)
            }
        }

        /// The fast path's reading of `spec`: one pass, unknown keys kept in `extra`. A key
        /// written twice, or written with escapes (not borrowable), is an error, which sends the
        /// caller to the general decoder and its exact rules.
        impl<'de> serde::Deserialize<'de> for SpecParts {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct PartsVisitor;
                impl<'de> serde::de::Visitor<'de> for PartsVisitor {
                    type Value = SpecParts;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("a mapping")
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<SpecParts, A::Error> {
                        let mut parts = SpecParts::default();
                        let mut seen: Vec<&'de str> = Vec::with_capacity(32);
                        while let Some(key) = map.next_key::<&'de str>()? {
                            if seen.contains(&key) {
                                return Err(serde::de::Error::custom("duplicate key"));
                            }
                            seen.push(key);
                            if key == "entitlements" {
                                parts.entitlements = map.next_value()?;
                            } else if let Some(v) = parts.set(key, map.next_value()?) {
                                parts.extra.insert(key.to_string(), v);
                            }
                        }
                        Ok(parts)
                    }
                }
                d.deserialize_map(PartsVisitor)
            }
        }

        impl LicenseSpec {
            /// The string fields with their JSON names.
            pub(crate) fn strings(&self) -> impl Iterator<Item = (&'static str, &str)> {
                [$(($sj, self.$s.as_str())),*].into_iter()
            }
            /// The boolean fields with their JSON names.
            pub(crate) fn bools(&self) -> impl Iterator<Item = (&'static str, bool)> {
                [$(($bj, self.$b)),*].into_iter()
            }
        }
    };
}

license_spec! {
    strings {
        app_slug = "appSlug",
        /// replicated.app base URL; empty means [`super::DEFAULT_ENDPOINT`].
        endpoint = "endpoint",
        replicated_proxy_domain = "replicatedProxyDomain",
        customer_id = "customerID",
        customer_name = "customerName",
        customer_email = "customerEmail",
        /// Default (legacy) channel.
        channel_id = "channelID",
        channel_name = "channelName",
        license_id = "licenseID",
        /// `prod`, `trial`, `community`, ...
        license_type = "licenseType",
    }
    bools {
        is_airgap_supported = "isAirgapSupported",
        is_git_ops_supported = "isGitOpsSupported",
        is_identity_service_supported = "isIdentityServiceSupported",
        is_geoaxis_supported = "isGeoaxisSupported",
        is_snapshot_supported = "isSnapshotSupported",
        is_disaster_recovery_supported = "isDisasterRecoverySupported",
        is_support_bundle_upload_supported = "isSupportBundleUploadSupported",
        is_semver_required = "isSemverRequired",
        is_embedded_cluster_download_enabled = "isEmbeddedClusterDownloadEnabled",
        is_embedded_cluster_multi_node_enabled = "isEmbeddedClusterMultiNodeEnabled",
        /// Only in kotskinds after the version KOTS pins; modelled for completeness.
        is_embedded_cluster_rook_enabled = "isEmbeddedClusterRookEnabled",
    }
}

/// A `kots.io` License.
///
/// ```
/// use kots_core::license::{License, LicenseVersion};
///
/// let yaml = "apiVersion: kots.io/v1beta2\nkind: License\nmetadata: {name: acme}\n\
///             spec: {appSlug: app, licenseID: id1, isAirgapSupported: true, isKotsInstallEnabled: true}\n";
/// let license = License::from_yaml(yaml).unwrap();
/// assert_eq!(license.version, LicenseVersion::V1Beta2);
/// assert!(license.spec.is_airgap_supported);
/// // Unknown fields survive a round trip.
/// assert!(license.to_yaml().unwrap().contains("isKotsInstallEnabled: true"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct License {
    pub version: LicenseVersion,
    /// `metadata`, as written.
    pub metadata: Map<String, Value>,
    pub spec: LicenseSpec,
    /// Top-level fields other than `apiVersion`, `kind`, `metadata` and `spec` (e.g. `status`).
    pub extra: Map<String, Value>,
}

impl License {
    /// Reads a license file: YAML (typed as Kubernetes types it), or JSON when the text starts
    /// with `{` (raw tokens, as KOTS's deserializer reads JSON).
    pub fn from_yaml(text: &str) -> Result<License, LicenseError> {
        if text.trim_start().starts_with('{') {
            return License::from_json_bytes(text.as_bytes());
        }
        let limits = Limits {
            max_bytes: MAX_LICENSE_BYTES,
            ..Limits::default()
        };
        let mut objects = parse_manifests_with_limits(text, &limits)?;
        if objects.len() != 1 {
            return Err(LicenseError::DocumentCount {
                count: objects.len(),
            });
        }
        License::decode(objects.remove(0).into_value(), Source::Yaml)
    }

    /// Builds a license from a JSON value typed as Kubernetes types YAML (what
    /// [`crate::manifest::parse_values`] gives, or a Python/JS object).
    pub fn from_value(value: Value) -> Result<License, LicenseError> {
        License::decode(value, Source::Yaml)
    }

    /// Reads a license file given as JSON, token by token as Go's `encoding/json` does.
    fn from_json_bytes(bytes: &[u8]) -> Result<License, LicenseError> {
        License::decode(json_value(bytes)?, Source::Json)
    }

    /// Reads signed license data as Go's `json.Unmarshal` into a License of `version` does: the
    /// written `apiVersion` (returned) and `kind` are not checked.
    pub(crate) fn from_signed_json(
        bytes: &[u8],
        version: LicenseVersion,
    ) -> Result<(License, String), LicenseError> {
        if bytes.len() <= MAX_LICENSE_BYTES {
            if let Some(decoded) = super::signed_json::decode(bytes, version) {
                return Ok(decoded);
            }
        }
        License::from_signed_json_general(bytes, version)
    }

    /// [`License::from_signed_json`] without its fast path: any shape, exact errors.
    pub(crate) fn from_signed_json_general(
        bytes: &[u8],
        version: LicenseVersion,
    ) -> Result<(License, String), LicenseError> {
        let mut top = top_mapping(json_value(bytes)?)?;
        let api_version = take_string(&mut top, "apiVersion", "")?;
        take_string(&mut top, "kind", "")?;
        let license = License::decode_body(top, version, Source::Json)?;
        Ok((license, api_version))
    }

    fn decode(value: Value, source: Source) -> Result<License, LicenseError> {
        let mut top = top_mapping(value)?;
        let api_version = take_string(&mut top, "apiVersion", "")?;
        let kind = take_string(&mut top, "kind", "")?;
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", &api_version));
        if group != "kots.io" || kind != "License" {
            return Err(LicenseError::NotALicense { api_version, kind });
        }
        let version = LicenseVersion::from_version(version).ok_or_else(|| {
            LicenseError::UnsupportedVersion {
                version: version.to_string(),
            }
        })?;
        License::decode_body(top, version, source)
    }

    /// Decodes `metadata`, `spec` and keeps the other top-level fields (`apiVersion` and `kind` removed).
    fn decode_body(
        mut top: Map<String, Value>,
        version: LicenseVersion,
        source: Source,
    ) -> Result<License, LicenseError> {
        let metadata = take_object(&mut top, "metadata", "")?;
        let spec = take_object(&mut top, "spec", "")?;
        let spec = decode_spec(spec, version, source)?;
        Ok(License {
            version,
            metadata,
            spec,
            extra: top,
        })
    }

    /// The license as a JSON value: Go's field names and `omitempty` rules, keys sorted as KOTS
    /// writes them, unknown fields included.
    pub fn to_value(&self) -> Value {
        self.to_value_with_signature(true)
    }

    /// The license as YAML (see [`License::to_value`]).
    pub fn to_yaml(&self) -> Result<String, LicenseError> {
        crate::manifest::to_yaml(&self.to_value())
            .map_err(|e| LicenseError::Serialize(e.to_string()))
    }

    pub(crate) fn to_value_with_signature(&self, with_signature: bool) -> Value {
        let mut top = Map::new();
        top.insert("apiVersion".into(), self.version.api_version().into());
        top.insert("kind".into(), "License".into());
        if !self.metadata.is_empty() {
            top.insert("metadata".into(), Value::Object(self.metadata.clone()));
        }
        let spec = encode_spec(&self.spec, self.version, with_signature);
        top.insert("spec".into(), spec);
        for (k, v) in &self.extra {
            top.entry(k.clone()).or_insert_with(|| v.clone());
        }
        Value::Object(top)
    }

    /// `kots.io/v1beta1` or `kots.io/v1beta2`.
    pub fn api_version(&self) -> &'static str {
        self.version.api_version()
    }

    /// The entitlement of that name.
    pub fn entitlement(&self, name: &str) -> Option<&Entitlement> {
        self.spec.entitlements.get(name)
    }

    /// KOTS's `Value()` of an entitlement (`None` when it does not exist or is a v1beta1 nil).
    pub fn entitlement_value(&self, name: &str) -> Option<EntitlementValue> {
        self.entitlement(name)?.effective_value(self.version)
    }

    /// `fmt.Sprint` of an entitlement's value (`<nil>` for a v1beta1 nil); `None` when absent.
    pub fn entitlement_text(&self, name: &str) -> Option<String> {
        Some(self.entitlement(name)?.signed_text(self.version))
    }
}

fn json_value(bytes: &[u8]) -> Result<Value, LicenseError> {
    if bytes.len() > MAX_LICENSE_BYTES {
        return Err(invalid("license", "JSON text is larger than 16 MiB"));
    }
    serde_json::from_slice(bytes).map_err(|e| invalid("license", format!("invalid JSON: {e}")))
}

fn top_mapping(value: Value) -> Result<Map<String, Value>, LicenseError> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(invalid(
            "license",
            format!("expected a mapping, found {}", json_type_name(&other)),
        )),
    }
}

// The decoders take each key once, in one pass over the mapping (a lookup per known field
// hashed every name), and name a field's path only when it is wrong.

fn decode_spec(
    map: Map<String, Value>,
    version: LicenseVersion,
    source: Source,
) -> Result<LicenseSpec, LicenseError> {
    let mut parts = SpecParts::default();
    let (mut entitlements, mut extra) = (Value::Null, Map::new());
    for (key, v) in map {
        if key == "entitlements" {
            entitlements = v;
        } else if let Some(v) = parts.set(&key, v) {
            extra.insert(key, v);
        }
    }
    let mut spec = parts.into_spec(version, source)?;
    for (name, v) in object_or_empty(entitlements, || "spec.entitlements".into())? {
        let entitlement = decode_entitlement(v, &name, version, source)?;
        spec.entitlements.insert(name, entitlement);
    }
    spec.extra = extra;
    Ok(spec)
}

fn decode_channels(value: Value) -> Result<Vec<Channel>, LicenseError> {
    let items = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        other => {
            return Err(invalid(
                "spec.channels",
                format!("expected a list, found {}", json_type_name(&other)),
            ))
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| decode_channel(item, i))
        .collect()
}

fn decode_channel(item: Value, i: usize) -> Result<Channel, LicenseError> {
    let map = object_or_empty(item, || format!("spec.channels[{i}]"))?;
    let mut channel = Channel::default();
    for (key, v) in map {
        let field = || format!("spec.channels[{i}].{key}");
        match key.as_str() {
            "channelID" => channel.channel_id = string_value(v, field)?,
            "channelName" => channel.channel_name = string_value(v, field)?,
            "channelSlug" => channel.channel_slug = string_value(v, field)?,
            "isDefault" => channel.is_default = bool_value(v, field)?,
            "endpoint" => channel.endpoint = string_value(v, field)?,
            "replicatedProxyDomain" => channel.replicated_proxy_domain = string_value(v, field)?,
            "isSemverRequired" => channel.is_semver_required = bool_value(v, field)?,
            _ => {
                channel.extra.insert(key, v);
            }
        }
    }
    Ok(channel)
}

fn decode_entitlement(
    value: Value,
    name: &str,
    version: LicenseVersion,
    source: Source,
) -> Result<Entitlement, LicenseError> {
    let map = object_or_empty(value, || format!("spec.entitlements[{name}]"))?;
    let mut parts = EntitlementParts::default();
    let mut extra = Map::new();
    for (key, v) in map {
        match key.as_str() {
            "value" => parts.value = Some(v),
            "signature" => parts.signature = v,
            "title" => parts.title = v,
            "description" => parts.description = v,
            "valueType" => parts.value_type = v,
            "isHidden" => parts.is_hidden = v,
            _ => {
                extra.insert(key, v);
            }
        }
    }
    parts.into_entitlement(name, extra, version, source)
}

/// The known keys of an entitlement, still untyped: what both the general decoder and the
/// signed-JSON fast path ([`super::signed_json`]) collect before typing them here.
#[derive(Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EntitlementParts {
    /// `None` when absent; an explicit `null` is `Some(Null)` (refused, as KOTS does).
    #[serde(default, deserialize_with = "present")]
    value: Option<Value>,
    #[serde(default)]
    signature: Value,
    #[serde(default)]
    title: Value,
    #[serde(default)]
    description: Value,
    #[serde(default, rename = "valueType")]
    value_type: Value,
    #[serde(default, rename = "isHidden")]
    is_hidden: Value,
}

/// A field that is present, `null` included (serde reads a `null` `Option` as absent).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    serde::Deserialize::deserialize(d).map(Some)
}

impl EntitlementParts {
    pub(super) fn into_entitlement(
        self,
        name: &str,
        extra: Map<String, Value>,
        version: LicenseVersion,
        source: Source,
    ) -> Result<Entitlement, LicenseError> {
        let field = |key: &str| format!("spec.entitlements[{name}].{key}");
        let value = match self.value {
            None => None,
            Some(token) => Some(
                EntitlementValue::from_token(&token, source)
                    .map_err(|reason| invalid(field("value"), reason))?,
            ),
        };
        let mut signature_extra = object_or_empty(self.signature, || field("signature"))?;
        let signature = match signature_extra.remove(version.scheme()) {
            Some(v) => go_bytes(&v, &field(&format!("signature.{}", version.scheme())))?,
            None => Vec::new(),
        };
        Ok(Entitlement {
            title: string_value(self.title, || field("title"))?,
            description: string_value(self.description, || field("description"))?,
            value,
            value_type: string_value(self.value_type, || field("valueType"))?,
            is_hidden: bool_value(self.is_hidden, || field("isHidden"))?,
            signature,
            signature_extra,
            extra,
        })
    }
}

fn encode_spec(spec: &LicenseSpec, version: LicenseVersion, with_signature: bool) -> Value {
    let mut map = Map::new();
    if with_signature && !spec.signature.is_empty() {
        map.insert("signature".into(), STANDARD.encode(&spec.signature).into());
    }
    for (name, v) in spec.strings() {
        put_string(&mut map, name, v);
    }
    for (name, v) in spec.bools() {
        put_bool(&mut map, name, v);
    }
    if spec.license_sequence != 0 {
        map.insert("licenseSequence".into(), spec.license_sequence.into());
    }
    if !spec.channels.is_empty() {
        let channels = spec.channels.iter().map(encode_channel).collect();
        map.insert("channels".into(), Value::Array(channels));
    }
    if !spec.entitlements.is_empty() {
        let entitlements = spec
            .entitlements
            .iter()
            .map(|(name, e)| (name.clone(), encode_entitlement(e, version)))
            .collect();
        map.insert("entitlements".into(), Value::Object(entitlements));
    }
    sorted_with_extra(map, &spec.extra)
}

fn encode_channel(channel: &Channel) -> Value {
    let mut map = Map::new();
    // channelID has no omitempty in Go.
    map.insert("channelID".into(), channel.channel_id.clone().into());
    for (name, v) in channel.strings().into_iter().skip(1) {
        put_string(&mut map, name, v);
    }
    for (name, v) in channel.bools() {
        put_bool(&mut map, name, v);
    }
    sorted_with_extra(map, &channel.extra)
}

fn encode_entitlement(e: &Entitlement, version: LicenseVersion) -> Value {
    let mut map = Map::new();
    put_string(&mut map, "title", &e.title);
    put_string(&mut map, "description", &e.description);
    if let Some(v) = &e.value {
        map.insert("value".into(), v.to_json());
    }
    put_string(&mut map, "valueType", &e.value_type);
    put_bool(&mut map, "isHidden", e.is_hidden);
    let mut signature = Map::new();
    if !e.signature.is_empty() {
        signature.insert(
            version.scheme().into(),
            STANDARD.encode(&e.signature).into(),
        );
    }
    map.insert(
        "signature".into(),
        sorted_with_extra(signature, &e.signature_extra),
    );
    sorted_with_extra(map, &e.extra)
}

/// Adds unknown fields (known ones win) and sorts the keys, as KOTS's YAML output is sorted.
fn sorted_with_extra(mut map: Map<String, Value>, extra: &Map<String, Value>) -> Value {
    for (k, v) in extra {
        map.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let mut entries: Vec<(String, Value)> = map.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Object(entries.into_iter().collect())
}

fn put_string(map: &mut Map<String, Value>, name: &str, value: &str) {
    if !value.is_empty() {
        map.insert(name.into(), value.into());
    }
}

fn put_bool(map: &mut Map<String, Value>, name: &str, value: bool) {
    if value {
        map.insert(name.into(), true.into());
    }
}

pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> LicenseError {
    LicenseError::InvalidField {
        field: field.into(),
        reason: reason.into(),
    }
}

fn type_error(field: String, expected: &str, found: &Value) -> LicenseError {
    invalid(
        field,
        format!("expected {expected}, found {}", json_type_name(found)),
    )
}

/// Removes a string field; `null` or absent is `""` (Go's zero value).
pub(crate) fn take_string(
    map: &mut Map<String, Value>,
    name: &str,
    prefix: &str,
) -> Result<String, LicenseError> {
    string_value(map.remove(name).unwrap_or(Value::Null), || {
        format!("{prefix}{name}")
    })
}

/// A string field's value; `null` is `""`. `field` names it in the error.
pub(super) fn string_value(
    value: Value,
    field: impl FnOnce() -> String,
) -> Result<String, LicenseError> {
    match value {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s),
        other => Err(type_error(field(), "a string", &other)),
    }
}

/// A boolean field's value; `null` is `false`.
fn bool_value(value: Value, field: impl FnOnce() -> String) -> Result<bool, LicenseError> {
    match value {
        Value::Null => Ok(false),
        Value::Bool(b) => Ok(b),
        other => Err(type_error(field(), "a boolean", &other)),
    }
}

/// Removes a mapping field; `null` or absent is an empty mapping.
pub(crate) fn take_object(
    map: &mut Map<String, Value>,
    name: &str,
    prefix: &str,
) -> Result<Map<String, Value>, LicenseError> {
    object_or_empty(map.remove(name).unwrap_or(Value::Null), || {
        format!("{prefix}{name}")
    })
}

/// A mapping field's value; `null` is an empty mapping. `field` names it in the error.
pub(crate) fn object_or_empty(
    value: Value,
    field: impl FnOnce() -> String,
) -> Result<Map<String, Value>, LicenseError> {
    match value {
        Value::Null => Ok(Map::new()),
        Value::Object(map) => Ok(map),
        other => Err(type_error(field(), "a mapping", &other)),
    }
}

fn as_int64(value: &Value, field: &str, source: Source) -> Result<i64, LicenseError> {
    match value {
        Value::Null => Ok(0),
        Value::Number(n) => go_int(n, source)
            .ok_or_else(|| invalid(field, format!("cannot read the number {n} as an int64"))),
        other => Err(type_error(field.to_string(), "an integer", other)),
    }
}

/// An int64 as Go reads the JSON token. Through YAML, an integral float reached JSON as integer
/// digits (Go's float formatting below 1e21); in raw JSON, any fraction or exponent is refused.
fn go_int(n: &Number, source: Source) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    let f = n.as_f64().filter(|_| !n.is_u64())?;
    if source == Source::Yaml && f.fract() == 0.0 && f.abs() < 1e21 {
        // Rust's shortest round-trip digits match Go's `'f', -1` formatting.
        format!("{f}").parse().ok()
    } else {
        None
    }
}

/// Go's standard base64 as `encoding/json` decodes `[]byte`: padding required, `\r`/`\n`
/// ignored, non-zero trailing bits accepted.
pub(crate) fn go_base64(text: &str) -> Result<Vec<u8>, String> {
    const GO_STD: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    let result = if memchr::memchr2(b'\r', b'\n', text.as_bytes()).is_some() {
        GO_STD.decode(text.replace(['\r', '\n'], ""))
    } else {
        GO_STD.decode(text)
    };
    result.map_err(|e| format!("illegal base64 data: {e}"))
}

/// A Go `[]byte` JSON field: base64 text, `null` is empty.
pub(crate) fn go_bytes(value: &Value, field: &str) -> Result<Vec<u8>, LicenseError> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::String(s) => go_base64(s).map_err(|reason| invalid(field, reason)),
        other => Err(type_error(field.to_string(), "a base64 string", other)),
    }
}
