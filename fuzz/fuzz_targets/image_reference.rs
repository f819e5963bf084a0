//! Docker reference grammar on any string: never a panic; what parses prints back to itself.
#![no_main]

use kots_core::image::Reference;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(reference) = Reference::parse_normalized(input) {
        let printed = reference.to_string();
        let again = Reference::parse_normalized(&printed).expect("re-parse a normalised reference");
        assert_eq!(again.to_string(), printed);
    }
});
