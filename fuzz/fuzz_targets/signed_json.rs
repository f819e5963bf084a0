//! Differential: whenever the signed-JSON fast path decodes license data, the general decoder
//! decodes the same bytes to the same license.
#![no_main]

use kots_core::license::signed_json_fast_and_general;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    if let (Some(fast), general) = signed_json_fast_and_general(bytes, first & 1 == 1) {
        match general {
            Ok(general) => assert_eq!(fast, general, "decoders differ on {bytes:?}"),
            Err(e) => panic!("fast path accepted {bytes:?}, the general decoder refuses: {e}"),
        }
    }
});
