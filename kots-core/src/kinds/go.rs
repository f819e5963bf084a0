//! Serde helpers that give the kinds Go `encoding/json` semantics.

use serde::{Deserialize, Deserializer};

/// Go leaves a field at its zero value when the JSON holds `null` (an empty YAML value, such as
/// `additionalImages:` with nothing under it); serde would reject `null` for a string or a list.
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// Go's `omitempty`: the zero value (empty string, false, 0, empty list or map) is not written.
pub(crate) fn is_zero<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// Go's `[]byte` in JSON: a base64 string (standard alphabet, padded; line breaks ignored and
/// non-zero trailing bits accepted, as `encoding/base64.StdEncoding` does). `null` is empty.
pub(crate) mod bytes {
    use base64::alphabet::STANDARD;
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::Engine;
    use serde::{de, Deserialize, Deserializer, Serializer};

    const GO_STD: GeneralPurpose = GeneralPurpose::new(
        &STANDARD,
        GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );

    pub(crate) fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&GO_STD.encode(bytes))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<u8>, D::Error> {
        let Some(text) = Option::<String>::deserialize(deserializer)? else {
            return Ok(Vec::new());
        };
        let text: String = text.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        GO_STD
            .decode(text.as_bytes())
            .map_err(|e| de::Error::custom(format!("illegal base64 data: {e}")))
    }
}
