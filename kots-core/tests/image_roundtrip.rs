//! Property: an image reference printed by the SDK parses back to the same reference.

use kots_core::image::Reference;
use proptest::prelude::*;

fn reference_text() -> impl Strategy<Value = String> {
    let domain = prop_oneof![
        Just(String::new()),
        Just("localhost:5000/".to_string()),
        "[a-z][a-z0-9]{0,6}\\.(io|com|example)(:[1-9][0-9]{0,3})?/",
    ];
    let path =
        prop::collection::vec("[a-z0-9]{1,6}([._-][a-z0-9]{1,4})?", 1..4).prop_map(|c| c.join("/"));
    let tag = prop_oneof![
        Just(String::new()),
        "[A-Za-z0-9_][A-Za-z0-9_.-]{0,12}".prop_map(|t| format!(":{t}"))
    ];
    let digest = prop_oneof![
        Just(String::new()),
        "[0-9a-f]{64}".prop_map(|h| format!("@sha256:{h}"))
    ];
    (domain, path, tag, digest).prop_map(|(d, p, t, g)| format!("{d}{p}{t}{g}"))
}

proptest! {
    #[test]
    fn reference_to_string_to_reference(text in reference_text()) {
        let parsed = Reference::parse_normalized(&text).unwrap();
        let printed = parsed.to_string();
        let again = Reference::parse_normalized(&printed).unwrap();
        prop_assert_eq!(again.to_string(), printed.clone());
        prop_assert_eq!(again.domain(), parsed.domain());
        prop_assert_eq!(again.path(), parsed.path());
        prop_assert_eq!(again.tag(), parsed.tag());
        prop_assert_eq!(again.digest(), parsed.digest());
    }
}
