//! Split + parse + serialise any byte string: never a panic, whatever the input.
#![no_main]

use kots_core::manifest::{parse_manifests_with_limits, Limits, Object};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = Limits {
        max_bytes: 1 << 20,
        ..Limits::default()
    };
    if let Ok(objects) = parse_manifests_with_limits(text, &limits) {
        for obj in objects {
            // What we write must read back as the same object.
            let yaml = obj.to_yaml().expect("serialise a parsed object");
            let again = Object::from_yaml(&yaml).expect("re-parse our own output");
            assert_eq!(obj, again, "round trip changed the object:\n{yaml}");
        }
    }
});
