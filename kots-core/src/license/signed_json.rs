//! Signed license data (JSON) decoded straight into typed parts, without building a JSON tree
//! first: it halves the cost of reading an ed25519 license's signed data.
//!
//! It takes only the usual shape: each key once, every value well typed, unknown keys only
//! in `spec` (kept in `extra`, as real licenses carry keys KOTS does not model). Anything else
//! (unknown top-level or entitlement keys; duplicate or escaped keys; a type error and its exact
//! message) returns `None`, and the caller uses the general decoder, so both always give the same
//! license (the `signed_json_fast_path_agrees` proptest checks it).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::model::{
    object_or_empty, string_value, License, LicenseSpec, LicenseVersion, Source, SpecParts,
};

/// `T` read from a JSON object only (serde's derived structs also accept an array of values).
pub(super) struct MapOnly<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for MapOnly<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        deserializer
            .deserialize_map(ObjectVisitor(PhantomData))
            .map(MapOnly)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopParts {
    #[serde(default, rename = "apiVersion")]
    api_version: Value,
    #[serde(default)]
    kind: Value,
    #[serde(default)]
    metadata: Value,
    #[serde(default)]
    spec: Option<MapOnly<SpecParts>>,
}

/// The license and its written `apiVersion`, as [`License::from_signed_json`] gives them, or
/// `None` when the data is outside the usual shape.
pub(super) fn decode(bytes: &[u8], version: LicenseVersion) -> Option<(License, String)> {
    let MapOnly(top) = serde_json::from_slice::<MapOnly<TopParts>>(bytes).ok()?;
    let api_version = string_value(top.api_version, String::new).ok()?;
    string_value(top.kind, String::new).ok()?;
    let metadata = object_or_empty(top.metadata, || "metadata".into()).ok()?;
    let spec = match top.spec {
        None => LicenseSpec::default(),
        Some(MapOnly(parts)) => parts.into_spec(version, Source::Json).ok()?,
    };
    let license = License {
        version,
        metadata,
        spec,
        extra: Map::new(),
    };
    Some((license, api_version))
}
