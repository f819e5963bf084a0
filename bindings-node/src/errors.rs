//! JS errors with a stable `code`: `KOTS_<FAMILY>_<VARIANT>`. Each binding module maps its own Rust
//! error enum to codes once, through [`js_error`]. Functions return `napi::Result<T, Code>` (spelled
//! out: napi's macro recognises `Result` by name, not through an alias).

use std::fmt::Display;

/// The JS `err.code` of an error (napi takes it from the status type's string form).
#[derive(Debug, Clone)]
pub struct Code(pub String);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An `Error` whose JS `.code` is `code` and whose `.message` is `message`.
pub fn js_error(code: &str, message: impl Display) -> napi::Error<Code> {
    napi::Error::new(Code(code.to_string()), message.to_string())
}
