//! Template parse + execute with limits on: any source, data and delimiters end in output or an
//! error — never a panic, a hang or unbounded memory.
#![no_main]

use arbitrary::Arbitrary;
use kots_render::template::{Limits, Options, Providers, Template, Value};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Case<'a> {
    source: &'a str,
    data: &'a str,
    kots_delims: bool,
}

fuzz_target!(|case: Case| {
    // A fixed clock and seeded randomness: the same input always runs the same way.
    let mut options = Options {
        providers: Providers::deterministic(1),
        ..Options::default()
    };
    if case.kots_delims {
        options = options.delims("repl{{", "}}");
    }
    options.limits = Limits {
        max_output_bytes: 1 << 16,
        max_steps: 100_000,
        ..Limits::default()
    };
    let data = serde_json::from_str::<serde_json::Value>(case.data)
        .map(|json| Value::from_json(&json))
        .unwrap_or_else(|_| Value::from(case.data));
    if let Ok(template) = Template::parse_with("fuzz", case.source, &options) {
        let _ = template.render(&data);
    }
});
