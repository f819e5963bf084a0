//! Differential: whenever the fast YAML reader answers, serde-saphyr with our go-yaml typing
//! accepts the same document and gives the same value.
#![no_main]

use kots_core::manifest::fast_and_general;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let (Some(fast), general) = fast_and_general(text) {
        match general {
            Ok(general) => assert_eq!(fast, general, "readers differ on {text:?}"),
            Err(e) => panic!("fast reader accepted {text:?}, the general parser refuses: {e}"),
        }
    }
});
