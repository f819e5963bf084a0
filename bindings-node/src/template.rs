//! `Template`: Go text/template (with sprig) as KOTS renders it.

use kots_render::template::{self as tpl, Options, Providers, TemplateError, Value};
use napi_derive::napi;

use crate::errors::{js_error, Code};

fn to_js(e: TemplateError) -> napi::Error<Code> {
    let code = match &e {
        TemplateError::Parse { .. } => "KOTS_TEMPLATE_PARSE",
        TemplateError::Exec { .. } => "KOTS_TEMPLATE_EXEC",
        TemplateError::Limit { .. } => "KOTS_TEMPLATE_LIMIT",
        TemplateError::NoTemplate { .. } => "KOTS_TEMPLATE_NO_TEMPLATE",
    };
    js_error(code, e)
}

/// Options of `new Template(source, options)`.
#[napi(object)]
pub struct TemplateOptions {
    /// Left and right delimiters; default `["{{", "}}"]`. KOTS uses `["{{repl", "}}"]` and
    /// `["repl{{", "}}"]`.
    pub delims: Option<Vec<String>>,
    /// The template name used in error messages; default `"template"`.
    pub name: Option<String>,
    /// Makes clock, environment and randomness deterministic (non-negative integer).
    pub seed: Option<i64>,
    /// Maximum rendered output in bytes (default 64 MiB).
    pub max_output_bytes: Option<u32>,
}

/// A parsed Go template. Data numbers are float64, as Go's encoding/json decodes JSON.
/// Errors carry `code` `KOTS_TEMPLATE_PARSE`, `KOTS_TEMPLATE_EXEC`, `KOTS_TEMPLATE_LIMIT` or
/// `KOTS_TEMPLATE_OPTIONS`; the message is Go's.
#[napi]
pub struct Template {
    inner: tpl::Template,
}

#[napi]
impl Template {
    /// Parses `source`; throws `KOTS_TEMPLATE_PARSE` with Go's message on a syntax error.
    #[napi(constructor)]
    pub fn new(source: String, options: Option<TemplateOptions>) -> napi::Result<Self, Code> {
        let mut opts = Options::default();
        let mut name = "template".to_string();
        if let Some(o) = options {
            if let Some(d) = o.delims {
                let [l, r]: [String; 2] = d.try_into().map_err(|_| {
                    js_error("KOTS_TEMPLATE_OPTIONS", "delims must be [left, right]")
                })?;
                opts.delims = (l, r);
            }
            if let Some(n) = o.name {
                name = n;
            }
            if let Some(seed) = o.seed {
                let seed = u64::try_from(seed)
                    .map_err(|_| js_error("KOTS_TEMPLATE_OPTIONS", "seed must be >= 0"))?;
                opts.providers = Providers::deterministic(seed);
            }
            if let Some(max) = o.max_output_bytes {
                opts.limits.max_output_bytes = max as usize;
            }
        }
        let inner = tpl::Template::parse_with(&name, &source, &opts).map_err(to_js)?;
        Ok(Template { inner })
    }

    /// Executes the template with `data` (omitted or `null`: Go's nil data, as KOTS renders).
    #[napi]
    pub fn render(&self, data: Option<serde_json::Value>) -> napi::Result<String, Code> {
        let value = data.as_ref().map(Value::from_json).unwrap_or(Value::Nil);
        self.inner.render(&value).map_err(to_js)
    }

    /// The template's name.
    #[napi(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_string()
    }

    /// Names of every template in the set (`define`s and `block`s included), sorted.
    #[napi]
    pub fn template_names(&self) -> Vec<String> {
        self.inner
            .template_names()
            .into_iter()
            .map(str::to_string)
            .collect()
    }
}
