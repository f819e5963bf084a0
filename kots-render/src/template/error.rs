//! Template errors. Messages are exactly Go's (`template: NAME:LINE: …` for parse errors,
//! `template: NAME:LINE:COL: executing "NAME" at <…>: …` for execution errors), so they can be
//! compared with KOTS's byte for byte.

/// A template failed to parse or execute.
///
/// ```
/// use kots_render::template::{Template, TemplateError, Value};
/// let data = Value::from_json(&serde_json::json!({"a": 1}));
/// let err = Template::parse("t", "{{ .a.b }}").unwrap().render(&data).unwrap_err();
/// assert!(matches!(err, TemplateError::Exec { .. }));
/// assert_eq!(err.to_string(), "template: t:1:5: executing \"t\" at <.a.b>: can't evaluate field b in type interface {}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The source is not a valid template (Go's parse errors, same text).
    #[error("{message}")]
    Parse {
        /// The template name.
        name: String,
        /// The line Go reports.
        line: usize,
        /// The full Go message.
        message: String,
    },
    /// Execution failed (Go's `ExecError`, same text).
    #[error("{message}")]
    Exec {
        /// The name of the template being executed.
        name: String,
        /// The full Go message.
        message: String,
    },
    /// A configured limit (output size, steps, depth, collection size) was exceeded. Not a Go
    /// error: our protection against untrusted templates. The message has Go's location shape.
    #[error("{message}")]
    Limit {
        /// The name of the template being executed.
        name: String,
        /// The message, naming the limit.
        message: String,
    },
    /// No template of that name was defined.
    #[error("template: no template {name:?} associated with template {root:?}")]
    NoTemplate {
        /// The requested name.
        name: String,
        /// The root template.
        root: String,
    },
}
