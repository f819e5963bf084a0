//! KOTS's two "multitype" scalars (kotskinds `multitype/`): [`BoolOrString`] and [`QuotedBool`].
//!
//! KOTS decodes kinds from JSON (YAML is converted first), and these types' `UnmarshalJSON` see the
//! raw JSON token. The decoders here reproduce that on the Kubernetes-typed JSON values that
//! [`crate::manifest`] produces.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A value that is either a string or a boolean, as written (kotskinds `multitype.BoolOrString`).
///
/// Used for config item `default`/`value` and HelmChart `exclude`. A JSON string becomes
/// [`BoolOrString::String`]; any other token is decoded as a boolean, so a bare YAML number such as
/// `default: 5` is an error (quote it: `default: "5"`), and `null` (an empty YAML value) becomes
/// `false`, as Go's `json.Unmarshal("null", &bool)` leaves the boolean unset.
///
/// ```
/// use kots_core::kinds::BoolOrString;
///
/// let yes: BoolOrString = serde_json::from_value(serde_json::json!(true)).unwrap();
/// assert_eq!(yes.to_string(), "1");
/// let text: BoolOrString = serde_json::from_value(serde_json::json!("True")).unwrap();
/// assert_eq!(text.boolean(), Ok(true)); // strconv.ParseBool: "on" would be an error
/// assert!(serde_json::from_value::<BoolOrString>(serde_json::json!(5)).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BoolOrString {
    String(String),
    Bool(bool),
}

impl Default for BoolOrString {
    fn default() -> Self {
        BoolOrString::String(String::new())
    }
}

impl BoolOrString {
    /// `IsEmpty()`: a string holding `""`. A boolean is never empty.
    pub fn is_empty(&self) -> bool {
        matches!(self, BoolOrString::String(s) if s.is_empty())
    }

    /// `Boolean()`: the boolean, or the string through Go's `strconv.ParseBool`.
    pub fn boolean(&self) -> Result<bool, ParseBoolError> {
        match self {
            BoolOrString::Bool(b) => Ok(*b),
            BoolOrString::String(s) => parse_bool(s),
        }
    }

    /// `NewWithSameType(s)`: `s` as a string if this is a string; for a boolean, `"0"`/`"1"` or
    /// anything `strconv.ParseBool` accepts.
    pub fn with_same_type(&self, value: &str) -> Result<BoolOrString, ParseBoolError> {
        match self {
            BoolOrString::String(_) => Ok(BoolOrString::String(value.to_string())),
            BoolOrString::Bool(_) => parse_bool(value).map(BoolOrString::Bool),
        }
    }
}

/// `String()`: the string, or `"1"` for true and `"0"` for false.
impl fmt::Display for BoolOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BoolOrString::String(s) => f.write_str(s),
            BoolOrString::Bool(true) => f.write_str("1"),
            BoolOrString::Bool(false) => f.write_str("0"),
        }
    }
}

impl From<&str> for BoolOrString {
    fn from(value: &str) -> Self {
        BoolOrString::String(value.to_string())
    }
}

impl From<bool> for BoolOrString {
    fn from(value: bool) -> Self {
        BoolOrString::Bool(value)
    }
}

impl Serialize for BoolOrString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            BoolOrString::String(s) => serializer.serialize_str(s),
            BoolOrString::Bool(b) => serializer.serialize_bool(*b),
        }
    }
}

impl<'de> Deserialize<'de> for BoolOrString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BoolOrStringVisitor)
    }
}

struct BoolOrStringVisitor;

impl BoolOrStringVisitor {
    fn number<E: de::Error>(number: impl fmt::Display) -> E {
        E::custom(format!(
            "the bare number {number} is not a BoolOrString: KOTS decodes any unquoted \
             non-string as a boolean (json: cannot unmarshal number into Go value of type bool); \
             quote it, e.g. \"{number}\""
        ))
    }
}

impl<'de> Visitor<'de> for BoolOrStringVisitor {
    type Value = BoolOrString;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a boolean (BoolOrString)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(BoolOrString::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(BoolOrString::String(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(BoolOrString::Bool(v))
    }

    // Go: `json.Unmarshal([]byte("null"), &boolVal)` is a no-op, so the type is Bool(false).
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(BoolOrString::Bool(false))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(BoolOrString::Bool(false))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Err(Self::number(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Err(Self::number(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Err(Self::number(v))
    }
}

/// A string that also accepts unquoted YAML booleans (kotskinds `multitype.QuotedBool`), used for
/// `when`.
///
/// The JSON tokens `true`/`1` become `"true"` and `false`/`0` become `"false"`; a string is kept
/// verbatim; `null` is `""`; any other number is an error. KOTS compares `when == "false"` as an
/// exact string, so only a rendered `"false"` hides a group or item ([`QuotedBool::is_false`]).
///
/// ```
/// use kots_core::kinds::QuotedBool;
///
/// let when: QuotedBool = serde_json::from_value(serde_json::json!(false)).unwrap();
/// assert!(when.is_false());
/// let when: QuotedBool = serde_json::from_value(serde_json::json!("False")).unwrap();
/// assert!(!when.is_false()); // kept verbatim; only "false" hides
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct QuotedBool(pub String);

impl QuotedBool {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// KOTS's test for hiding: the exact string `"false"`.
    pub fn is_false(&self) -> bool {
        self.0 == "false"
    }
}

impl fmt::Display for QuotedBool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for QuotedBool {
    fn from(value: &str) -> Self {
        QuotedBool(value.to_string())
    }
}

impl<'de> Deserialize<'de> for QuotedBool {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(QuotedBoolVisitor)
    }
}

struct QuotedBoolVisitor;

impl QuotedBoolVisitor {
    /// The raw JSON token of a number is compared with `"1"` and `"0"`; anything else fails as
    /// Go's `json.Unmarshal(token, &string)` does.
    fn number<E: de::Error>(token: String) -> Result<QuotedBool, E> {
        match token.as_str() {
            "1" => Ok(QuotedBool("true".into())),
            "0" => Ok(QuotedBool("false".into())),
            _ => Err(E::custom(format!(
                "unable to unmarshal \"{token}\" as bool or string: \
                 json: cannot unmarshal number into Go value of type string"
            ))),
        }
    }
}

impl<'de> Visitor<'de> for QuotedBoolVisitor {
    type Value = QuotedBool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a boolean (QuotedBool)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(QuotedBool(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(QuotedBool(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(QuotedBool(v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(QuotedBool::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(QuotedBool::default())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::number(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::number(v.to_string())
    }

    // Go sees the JSON text of the float, which for an integral value is the integer's text.
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            Self::number(format!("{}", v as i64))
        } else {
            Self::number(v.to_string())
        }
    }
}

/// Go's `strconv.ParseBool` rejected the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("strconv.ParseBool: parsing \"{0}\": invalid syntax")]
pub struct ParseBoolError(pub String);

/// Go's `strconv.ParseBool`: `1 t T TRUE true True` and `0 f F FALSE false False`.
pub fn parse_bool(text: &str) -> Result<bool, ParseBoolError> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(ParseBoolError(text.to_string())),
    }
}
