//! Resource limits for templates from untrusted sources.
//!
//! Go's text/template has no limits (only a 100 000-deep recursion cap on `{{template}}`); a
//! KOTS release comes from a vendor, so every render here is bounded. Exceeding a limit is an
//! execution error naming the limit, never a panic, hang or out-of-memory.

/// Caps applied while parsing and executing a template.
///
/// ```
/// use kots_render::template::Limits;
/// let strict = Limits { max_output_bytes: 1 << 20, ..Limits::default() };
/// assert!(strict.max_steps > 0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Maximum bytes of rendered output.
    pub max_output_bytes: usize,
    /// Maximum nesting of control actions and parenthesised pipelines in the source (parse
    /// time). Recursion is bounded so that deep input cannot overflow the stack.
    pub max_nesting: usize,
    /// Maximum depth of `{{template}}` calls (Go's own limit is 100000; Go grows its stacks,
    /// we bound recursion instead).
    pub max_template_depth: usize,
    /// Maximum evaluation steps (nodes visited, loop iterations, function calls).
    pub max_steps: u64,
    /// Maximum length of a list, map or string a function builds (`until`, `seq`, `repeat`,
    /// `list` growth, ...).
    pub max_collection_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_output_bytes: 64 << 20,
            max_nesting: 100,
            max_template_depth: 200,
            max_steps: 50_000_000,
            max_collection_len: 1 << 20,
        }
    }
}
