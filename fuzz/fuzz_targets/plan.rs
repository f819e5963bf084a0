//! Plan between two manifest sets taken from one input (split at the first NUL byte): any pair of
//! parsable streams gives a plan or a typed error, never a panic.
#![no_main]

use kots_core::manifest::parse_manifests;
use kots_core::plan::{plan, PlanInput, Policy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let (previous, new) = text.split_once('\0').unwrap_or((text, ""));
    let (Ok(previous), Ok(new)) = (parse_manifests(previous), parse_manifests(new)) else {
        return;
    };
    let input = PlanInput {
        previous,
        new,
        ..PlanInput::default()
    };
    let _ = plan(&input, &Policy::default());
});
