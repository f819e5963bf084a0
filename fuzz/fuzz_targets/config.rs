//! Config resolution: a Config and ConfigValues taken from one input (split at the first NUL
//! byte) resolve, render and validate, or fail with a typed error — never a panic, a hang or
//! unbounded memory, whatever the items' defaults, values and `when` templates say.
#![no_main]

use kots_core::kinds::{Config, ConfigValues, KotsResource};
use kots_render::config::{resolve_config, ConfigOptions};
use kots_render::functions::TemplateInputs;
use kots_render::template::{Limits, Providers};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let (config, values) = text.split_once('\0').unwrap_or((text, ""));
    let Ok(config) = Config::from_yaml(config) else {
        return;
    };
    let values = ConfigValues::from_yaml(values).ok();
    let inputs = TemplateInputs {
        providers: Providers::deterministic(1),
        limits: Limits {
            max_output_bytes: 1 << 16,
            max_steps: 100_000,
            ..Limits::default()
        },
        ..TemplateInputs::default()
    };
    let _ = resolve_config(&config, values.as_ref(), &inputs, &ConfigOptions::default());
});
