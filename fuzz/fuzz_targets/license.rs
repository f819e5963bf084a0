//! License parse + verify on any text: a typed error or a verdict, never a panic.
#![no_main]

use kots_core::license::Verifier;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = Verifier::new().verify_yaml(text);
});
