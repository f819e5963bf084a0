//! Builds a JSON value from YAML the way Kubernetes does: go-yaml v2 types every scalar, keys
//! included, then sigs.k8s.io/yaml turns the result into JSON. So `yes:` as a key is the boolean
//! `true` and becomes the key `"true"`, `1.0:` becomes `"1"`, and a null key is an error. Numbers
//! pass through JSON's float64, so an integral float such as `1.0` or `1e3` becomes an integer.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A YAML node decoded with Kubernetes' typing rules.
pub(crate) struct GoValue(pub(crate) Value);

/// A mapping key, typed before it is stringified.
struct GoKey(String);

struct ValueVisitor;
struct KeyVisitor;

impl<'de> Deserialize<'de> for GoValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(GoValue)
    }
}

impl<'de> Deserialize<'de> for GoKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KeyVisitor).map(GoKey)
    }
}

/// Go's JSON encoder writes an integral float64 below 1e21 without a fraction.
pub(crate) fn float_value(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Value::from(f as i64)
    } else {
        Value::from(f)
    }
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        if v.is_finite() {
            Ok(float_value(v))
        } else {
            Err(E::custom(format!("json: unsupported value: {v}")))
        }
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        GoValue::deserialize(d).map(|v| v.0)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(GoValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(GoKey(key)) = map.next_key()? {
            let GoValue(value) = map.next_value()?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string, number or boolean map key")
    }
    fn visit_bool<E>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        match i64::try_from(v) {
            Ok(v) => Ok(v.to_string()),
            Err(_) => Err(E::custom(format!(
                "unsupported map key of type uint64: {v}"
            ))),
        }
    }
    fn visit_f64<E>(self, v: f64) -> Result<String, E> {
        Ok(go_float32_key(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_string<E>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Err(E::custom("unsupported map key: null"))
    }
    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        Err(E::custom("unsupported map key: null"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(de::Error::custom("unsupported map key: a list"))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(de::Error::custom("unsupported map key: a mapping"))
    }
}

/// sigs.k8s.io/yaml writes a float key with `strconv.FormatFloat(f, 'g', -1, 32)`.
fn go_float32_key(v: f64) -> String {
    if v.is_nan() {
        return ".nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let shortest = format!("{:e}", v as f32); // e.g. "1.5e0", "1e21"
    let (mantissa, exp) = shortest.split_once('e').unwrap_or((&shortest, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..21).contains(&exp) {
        // %g with the shortest digits uses plain notation for exponents below 21 (eprec = 21).
        format!("{}", v as f32)
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::go_float32_key;

    #[test]
    fn float_keys_format_as_go_g_32() {
        assert_eq!(go_float32_key(1.0), "1");
        assert_eq!(go_float32_key(1.5), "1.5");
        assert_eq!(go_float32_key(1e21), "1e+21");
        assert_eq!(go_float32_key(0.00001), "1e-05");
        assert_eq!(go_float32_key(123456.0), "123456");
    }
}
