//! Serde helpers that give the kinds Go `encoding/json` semantics.
//!
//! Most kind fields are Go `json:",omitempty"` fields: `null` decodes to the zero value
//! (`nullable`) and the zero value is not written (`is_zero`). Each struct with such fields gives
//! all its fields `#[serde(default, deserialize_with = "nullable", skip_serializing_if =
//! "is_zero")]` through one `#[serde_with::apply(_ => ...)]` placed before its `derive`. A field
//! that differs opts out with `#[serde_with(skip_apply)]` and spells its own attributes: no
//! `omitempty` in Go, a custom decoder, or the `flatten`ed `extra`.

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

/// Kubernetes `metav1.Time` (`*metav1.Time` with `omitempty`): `null` is unset, anything else
/// must be a string Go's `time.Parse(time.RFC3339, s)` accepts. The text is kept as written.
pub(crate) mod time {
    use serde::{de, Deserialize, Deserializer};

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        let Some(text) = Option::<String>::deserialize(deserializer)? else {
            return Ok(None);
        };
        if is_rfc3339(&text) {
            Ok(Some(text))
        } else {
            Err(de::Error::custom(format!(
                "parsing time {text:?} as \"2006-01-02T15:04:05Z07:00\": not an RFC 3339 time"
            )))
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` with Go's range checks (days per month, leap years).
    fn is_rfc3339(text: &str) -> bool {
        let b = text.as_bytes();
        let digits = |from: usize, len: usize| -> Option<u32> {
            let part = b.get(from..from + len)?;
            part.iter()
                .all(u8::is_ascii_digit)
                .then(|| part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
        };
        let at = |i: usize, c: u8| b.get(i) == Some(&c);
        let (Some(year), Some(month), Some(day), Some(hour), Some(min), Some(sec)) = (
            digits(0, 4),
            digits(5, 2),
            digits(8, 2),
            digits(11, 2),
            digits(14, 2),
            digits(17, 2),
        ) else {
            return false;
        };
        if !(at(4, b'-') && at(7, b'-') && at(10, b'T') && at(13, b':') && at(16, b':')) {
            return false;
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return false,
        };
        if day == 0 || day > days || hour > 23 || min > 59 || sec > 59 {
            return false;
        }
        // Go accepts a fractional second (`.` or `,`) even though the layout has none.
        let mut i = 19;
        if at(i, b'.') || at(i, b',') {
            let frac = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if frac == 0 {
                return false;
            }
            i += 1 + frac;
        }
        match b.get(i) {
            Some(b'Z') => i + 1 == b.len(),
            Some(b'+' | b'-') => {
                i + 6 == b.len()
                    && at(i + 3, b':')
                    && digits(i + 1, 2).is_some_and(|h| h < 24)
                    && digits(i + 4, 2).is_some_and(|m| m < 60)
            }
            _ => false,
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn rfc3339_as_go_parses_it() {
            for ok in [
                "2024-01-02T03:04:05Z",
                "2024-02-29T23:59:59.123456789+05:30",
                "2000-02-29T00:00:00,5-00:00",
            ] {
                assert!(super::is_rfc3339(ok), "{ok}");
            }
            for bad in [
                "",
                "2024-01-02",
                "2024-01-02 03:04:05Z",
                "2024-01-02t03:04:05Z",
                "2023-02-29T00:00:00Z",
                "1900-02-29T00:00:00Z",
                "2024-13-01T00:00:00Z",
                "2024-01-02T24:00:00Z",
                "2024-01-02T03:04:05",
                "2024-01-02T03:04:05.Z",
                "2024-01-02T03:04:05+0530",
                "2024-01-02T03:04:05Zjunk",
            ] {
                assert!(!super::is_rfc3339(bad), "{bad}");
            }
        }
    }
}
