//! KOTS's signature blobs (kots-internals §1.3), decoded as Go's `encoding/json` decodes them into
//! structs: unknown keys ignored, keys matched case-insensitively, `null` is the zero value,
//! `[]byte` fields are base64.

use serde_json::{Map, Value};

use super::model::go_base64;
use super::LicenseError;
use crate::manifest::json_type_name;

/// `{"licenseData": b64, "innerSignature": b64}`.
pub(crate) struct OuterSignature {
    pub license_data: Vec<u8>,
    pub inner_signature: Vec<u8>,
}

/// The inner signature; v1 fields for v1beta1, v2 fields for v1beta2.
pub(crate) struct InnerSignature {
    pub license_signature: Vec<u8>,
    pub v2_license_signature: Vec<u8>,
    pub public_key: String,
    pub key_signature: Vec<u8>,
    pub v2_key_signature: Vec<u8>,
}

/// `{"signature": b64, "globalKeyId": "..."}`.
pub(crate) struct KeySignature {
    pub signature: Vec<u8>,
    pub global_key_id: String,
}

impl OuterSignature {
    pub(crate) fn decode(bytes: &[u8]) -> Result<OuterSignature, LicenseError> {
        let fields = GoStruct::parse(bytes, "outer signature").map_err(blob_error)?;
        Ok(OuterSignature {
            license_data: fields.bytes("licenseData").map_err(blob_error)?,
            inner_signature: fields.bytes("innerSignature").map_err(blob_error)?,
        })
    }
}

impl InnerSignature {
    pub(crate) fn decode(bytes: &[u8]) -> Result<InnerSignature, LicenseError> {
        let fields = GoStruct::parse(bytes, "inner signature").map_err(blob_error)?;
        Ok(InnerSignature {
            license_signature: fields.bytes("licenseSignature").map_err(blob_error)?,
            v2_license_signature: fields.bytes("v2LicenseSignature").map_err(blob_error)?,
            public_key: fields.string("publicKey").map_err(blob_error)?,
            key_signature: fields.bytes("keySignature").map_err(blob_error)?,
            v2_key_signature: fields.bytes("v2KeySignature").map_err(blob_error)?,
        })
    }
}

impl KeySignature {
    /// Errors are plain text: the caller wraps them as KOTS does ("failed to unmarshal key signature").
    pub(crate) fn decode(bytes: &[u8]) -> Result<KeySignature, String> {
        let fields = GoStruct::parse(bytes, "key signature")?;
        Ok(KeySignature {
            signature: fields.bytes("signature")?,
            global_key_id: fields.string("globalKeyId")?,
        })
    }
}

fn blob_error(reason: String) -> LicenseError {
    LicenseError::SignatureBlob { reason }
}

/// A JSON object read the way Go fills a struct from it.
struct GoStruct {
    what: &'static str,
    map: Map<String, Value>,
}

impl GoStruct {
    fn parse(bytes: &[u8], what: &'static str) -> Result<GoStruct, String> {
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|e| format!("failed to unmarshal {what}: {e}"))?;
        match value {
            Value::Object(map) => Ok(GoStruct { what, map }),
            // Decoding `null` into a struct leaves it zero.
            Value::Null => Ok(GoStruct {
                what,
                map: Map::new(),
            }),
            other => Err(format!(
                "failed to unmarshal {what}: expected a JSON object, found {}",
                json_type_name(&other)
            )),
        }
    }

    /// The value of a field: the last key that matches the name exactly or case-insensitively.
    fn get(&self, name: &str) -> Option<&Value> {
        self.map
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
            .next_back()
    }

    fn bytes(&self, name: &str) -> Result<Vec<u8>, String> {
        match self.get(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::String(s)) => go_base64(s)
                .map_err(|e| format!("failed to unmarshal {} field {name}: {e}", self.what)),
            Some(other) => Err(format!(
                "failed to unmarshal {} field {name}: expected a base64 string, found {}",
                self.what,
                json_type_name(other)
            )),
        }
    }

    fn string(&self, name: &str) -> Result<String, String> {
        match self.get(name) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!(
                "failed to unmarshal {} field {name}: expected a string, found {}",
                self.what,
                json_type_name(other)
            )),
        }
    }
}
