//! Go `text/template`, byte for byte: lexer → parser (AST with spans) → tree-walking evaluator,
//! with Go's value model and `fmt` printing, sprig, configurable delimiters and resource limits.
//!
//! ```
//! use kots_render::template::{Options, Template, Value};
//! let opts = Options::default().delims("{{repl", "}}");
//! let t = Template::parse_with("t", "a{{repl- printf \"%05.1f\" 3.14159 }} {{ .Helm }}", &opts).unwrap();
//! assert_eq!(t.render(&Value::Nil).unwrap(), "a003.1 {{ .Helm }}");
//! ```
//!
//! Function authors: see [`funcs`] for how to add a function and report errors, and [`value`]
//! for the value model.

mod builtins;
mod complex;
mod cycles;
pub mod error;
mod exec;
pub mod funcs;
pub mod gofmt;
mod lexer;
pub mod limits;
pub mod node;
mod parse;
pub mod sprig;
mod strconv;
#[cfg(test)]
mod tests;
pub mod value;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use node::{Callee, CalleeKind};

pub use error::TemplateError;
pub use funcs::{
    CallContext, Clock, Environment, FixedClock, Func, FuncError, FuncMap, MapEnvironment,
    Providers, Random, SeededRandom, SystemClock, SystemEnvironment, SystemRandom, Ty, Zone,
};
pub use limits::Limits;
pub use parse::Tree;
pub use value::{Map, MapRef, Object, Value};

/// The default function map (sprig), built once.
pub fn default_funcs() -> Arc<FuncMap> {
    static FUNCS: OnceLock<Arc<FuncMap>> = OnceLock::new();
    FUNCS
        .get_or_init(|| Arc::new(FuncMap::with_sprig()))
        .clone()
}

/// How templates are parsed and executed.
#[derive(Clone, Debug)]
pub struct Options {
    /// Left and right delimiters (Go's defaults `{{` and `}}`).
    pub delims: (String, String),
    /// The functions available besides Go's built-ins (default: sprig).
    pub funcs: Arc<FuncMap>,
    /// Resource limits.
    pub limits: Limits,
    /// Clock, environment and randomness for non-hermetic functions.
    pub providers: Providers,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            delims: ("{{".into(), "}}".into()),
            funcs: default_funcs(),
            limits: Limits::default(),
            providers: Providers::default(),
        }
    }
}

impl Options {
    /// Sets the delimiters (an empty one means Go's default).
    pub fn delims(mut self, left: &str, right: &str) -> Self {
        self.delims = (left.into(), right.into());
        self
    }
}

/// A parsed template with its `define`d and `block` templates.
///
/// ```
/// use kots_render::template::{Template, Value};
/// let t = Template::parse("t", r#"{{define "x"}}[{{.}}]{{end}}{{range $i, $v := .}}{{template "x" $v}}{{end}}"#).unwrap();
/// let data = Value::from_json(&serde_json::json!(["a", 1.5]));
/// assert_eq!(t.render(&data).unwrap(), "[a][1.5]");
/// ```
#[derive(Clone, Debug)]
pub struct Template {
    name: Arc<str>,
    trees: Arc<HashMap<Arc<str>, Tree>>,
    options: Options,
    /// The length of the last output, to allocate the next one at once.
    last_len: Arc<AtomicUsize>,
}

impl Template {
    /// Parses `source` as the template `name` with the default options (sprig, `{{ }}`).
    pub fn parse(name: &str, source: &str) -> Result<Template, TemplateError> {
        Self::parse_with(name, source, &Options::default())
    }

    /// Parses `source` as the template `name` with `options`.
    pub fn parse_with(
        name: &str,
        source: &str,
        options: &Options,
    ) -> Result<Template, TemplateError> {
        let funcs = &options.funcs;
        let resolve = |n: &str| {
            let kind = match funcs.get(n) {
                Some(f) => CalleeKind::Func(f.clone()),
                None => CalleeKind::Builtin(builtins::Builtin::from_name(n)?),
            };
            Some(Callee(kind))
        };
        let trees = parse::parse(
            name,
            source,
            &options.delims.0,
            &options.delims.1,
            &resolve,
            options.limits.max_nesting,
        )
        .map_err(|f| TemplateError::Parse {
            name: name.into(),
            line: f.line,
            message: f.message,
        })?;
        Ok(Template {
            name: name.into(),
            trees: Arc::new(trees),
            options: options.clone(),
            last_len: Arc::new(AtomicUsize::new(source.len())),
        })
    }

    /// The template's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The names of all templates in the set (the main one, `define`s and `block`s), sorted.
    pub fn template_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.trees.keys().map(|k| &**k).collect();
        v.sort_unstable();
        v
    }

    /// Executes the template with `data` (`Value::Nil` is Go's nil data, as KOTS passes).
    pub fn render(&self, data: &Value) -> Result<String, TemplateError> {
        let mut out = String::with_capacity(self.last_len.load(Ordering::Relaxed));
        self.render_into(&self.name, data, &mut out)?;
        self.last_len.store(out.len(), Ordering::Relaxed);
        Ok(out)
    }

    /// Executes the template `name` of the set (Go's `ExecuteTemplate`), appending to `out`.
    pub fn render_into(
        &self,
        name: &str,
        data: &Value,
        out: &mut String,
    ) -> Result<(), TemplateError> {
        let Some(tree) = self.trees.get(name) else {
            return Err(TemplateError::NoTemplate {
                name: name.into(),
                root: self.name.to_string(),
            });
        };
        let ex = exec::Exec {
            trees: &self.trees,
            limits: &self.options.limits,
            providers: &self.options.providers,
        };
        exec::execute(&ex, tree, data, out)
    }
}
