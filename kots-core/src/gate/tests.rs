use super::*;
use crate::kinds::ApplicationSpec;

use Operation::{Install, Update};
use Reason::{AboveTargetKotsVersion as Above, BelowMinKotsVersion as Below, Compatible as Ok_};

fn app(min: &str, target: &str) -> Application {
    Application {
        spec: ApplicationSpec {
            title: "Sentry".into(),
            min_kots_version: min.into(),
            target_kots_version: target.into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

struct Case {
    running: &'static str,
    min: &'static str,
    target: &'static str,
    operation: Operation,
    allowed: bool,
    reason: Reason,
    upgrade: bool,
    warnings: usize,
}

const fn case(
    running: &'static str,
    min: &'static str,
    target: &'static str,
    operation: Operation,
    (allowed, reason, upgrade, warnings): (bool, Reason, bool, usize),
) -> Case {
    Case {
        running,
        min,
        target,
        operation,
        allowed,
        reason,
        upgrade,
        warnings,
    }
}

const ALLOW: (bool, Reason, bool, usize) = (true, Ok_, false, 0);
const UPGRADE: (bool, Reason, bool, usize) = (true, Ok_, true, 0);
const BELOW: (bool, Reason, bool, usize) = (false, Below, false, 0);
const ABOVE: (bool, Reason, bool, usize) = (false, Above, false, 0);

#[rustfmt::skip]
const CASES: &[Case] = &[
    // No bounds.
    case("1.0.0", "", "", Install, ALLOW),
    case("1.0.0", "", "", Update, ALLOW),
    // Plain min/target on install.
    case("1.100.0", "1.100.0", "", Install, ALLOW),
    case("1.99.9", "1.100.0", "", Install, BELOW),
    case("1.100.1", "1.100.0", "", Install, ALLOW),
    case("1.100.0", "", "1.100.0", Install, ALLOW),
    case("1.100.1", "", "1.100.0", Install, ABOVE),
    case("1.99.0", "", "1.100.0", Install, ALLOW),
    case("2.0.0", "1.0.0", "1.5.0", Install, ABOVE),
    case("0.9.0", "1.0.0", "1.5.0", Install, BELOW),
    // The target is not checked on updates; a newer target recommends an upgrade.
    case("1.100.1", "", "1.100.0", Update, ALLOW),
    case("1.99.0", "", "1.100.0", Update, UPGRADE),
    case("1.99.9", "1.100.0", "", Update, BELOW),
    case("1.99.9", "1.100.0", "1.200.0", Update, BELOW),
    case("1.150.0", "1.100.0", "1.200.0", Update, UPGRADE),
    case("1.200.0", "1.100.0", "1.200.0", Update, ALLOW),
    // `v` prefixes and white space; `V` is not stripped, so that bound is invalid and ignored.
    case("v1.100.0", "1.100.0", "", Install, ALLOW),
    case(" 1.99.0\n", "v1.100.0", "", Install, BELOW),
    case("1.99.0", "V1.100.0", "", Install, (true, Ok_, false, 1)),
    case("V1.99.0", "1.100.0", "", Install, (true, Reason::RunningVersionInvalid, false, 1)),
    case("vv1.99.0", "1.100.0", "", Install, (true, Reason::RunningVersionInvalid, false, 1)),
    // Short versions are padded; short versions with pre-release or build data are invalid.
    case("1.99", "1.100", "", Install, BELOW),
    case("2", "1.100", "", Install, ALLOW),
    case("1.100", "1.100.0", "1.100", Install, ALLOW),
    case("1.99.0", "1.100-beta", "", Install, (true, Ok_, false, 1)),
    case("1.99.0", "1+build", "", Install, (true, Ok_, false, 1)),
    // Pre-releases sort before their release.
    case("1.100.0-beta.1", "1.100.0", "", Install, BELOW),
    case("1.100.0", "1.100.0-beta.1", "", Install, ALLOW),
    case("1.100.0-beta.2", "1.100.0-beta.10", "", Install, BELOW),
    case("1.100.0-beta.10", "1.100.0-beta.2", "", Install, ALLOW),
    // Numeric identifiers sort before alphanumeric ones; text compares byte-wise.
    case("1.100.0-1", "1.100.0-alpha", "", Install, BELOW),
    case("1.100.0-alpha", "1.100.0-1", "", Install, ALLOW),
    case("1.100.0-Beta", "1.100.0-alpha", "", Install, BELOW),
    case("1.100.0-alpha", "1.100.0-alpha.1", "", Install, BELOW),
    case("1.100.0-alpha.1", "1.100.0-alpha", "", Install, ALLOW),
    case("1.100.0-rc.1", "", "1.100.0-rc.0", Install, ABOVE),
    case("1.100.0-rc.0", "", "1.100.0-rc.1", Update, UPGRADE),
    // Build metadata is ignored: equal versions are neither below nor above.
    case("1.100.0+build.1", "1.100.0+build.2", "1.100.0+build.0", Install, ALLOW),
    case("1.100.0+zzz", "", "1.100.0", Install, ALLOW),
    // Leading zeros are errors (blang v3.5.1 does not strip them).
    case("1.99.0", "1.0100.0", "", Install, (true, Ok_, false, 1)),
    case("01.0.0", "2.0.0", "", Install, (true, Reason::RunningVersionInvalid, false, 1)),
    case("1.99.0", "1.100.0-01", "", Install, (true, Ok_, false, 1)),
    // Invalid bounds are ignored with a warning; an invalid target on update is not even read.
    case("1.0.0", "latest", "", Update, (true, Ok_, false, 1)),
    case("1.0.0", "", "latest", Install, (true, Ok_, false, 1)),
    case("1.0.0", "", "latest", Update, ALLOW),
    case("1.0.0", "1.2.3.4", "1.2.3-", Install, (true, Ok_, false, 2)),
    case("1.0.0", " ", "", Install, (true, Ok_, false, 1)),
    case("2.0.0", "1.0.0", "junk", Install, (true, Ok_, false, 1)),
    // An unparseable running version allows everything, without reading the bounds.
    case("", "9.0.0", "", Install, (true, Reason::RunningVersionInvalid, false, 1)),
    case("dev", "9.0.0", "junk", Update, (true, Reason::RunningVersionInvalid, false, 1)),
    // KOTS's unset build version is "v0.0.0-unknown", which parses and is below any minimum.
    case("v0.0.0-unknown", "1.0.0", "", Install, BELOW),
    case("v0.0.0-unknown", "0.0.0-alpha", "", Install, ALLOW),
    // Numbers beyond u64 are invalid.
    case("1.0.0", "18446744073709551616.0.0", "", Install, (true, Ok_, false, 1)),
    case("18446744073709551615.0.0", "", "1.0.0", Install, ABOVE),
];

#[test]
fn decision_table() {
    assert!(CASES.len() >= 40);
    for c in CASES {
        let d = check(&app(c.min, c.target), c.running, c.operation);
        let label = format!(
            "running {:?}, min {:?}, target {:?}, {}",
            c.running, c.min, c.target, c.operation
        );
        assert_eq!(d.allowed, c.allowed, "{label}: {d:?}");
        assert_eq!(d.reason, c.reason, "{label}: {d:?}");
        assert_eq!(d.upgrade_recommended, c.upgrade, "{label}: {d:?}");
        assert_eq!(d.warnings.len(), c.warnings, "{label}: {d:?}");
        assert_eq!(d.message.is_some(), !c.allowed, "{label}");
        assert_eq!(
            d.desired_version.is_some(),
            !c.allowed || c.upgrade,
            "{label}"
        );
    }
}

#[test]
fn messages_are_kots_messages() {
    let d = check(&app("1.100.0", ""), "1.0.0", Install);
    assert_eq!(
        d.message.as_deref(),
        Some(
            "This version of Sentry requires a different version of KOTS from what you currently \
             have installed.\nInstall KOTS version 1.100.0 and try again."
        )
    );
    // The desired version is the target when set, even when the minimum blocked.
    let d = check(&app("1.100.0", "v1.200.0"), "1.0.0", Update);
    assert_eq!(d.desired_version.as_deref(), Some("v1.200.0"));
    assert_eq!(
        d.message.as_deref(),
        Some(
            "This version of Sentry requires a version of KOTS that is different than what you \
             currently have installed. Upgrade KOTS to version v1.200.0, and then download this \
             application version again in the admin console or with the 'kots upstream download' \
             command."
        )
    );
    // KOTS uses the target as written, even an invalid one.
    let d = check(&app("1.100.0", "junk"), "1.0.0", Install);
    assert_eq!(d.desired_version.as_deref(), Some("junk"));
    assert!(d
        .message
        .unwrap()
        .contains("Install KOTS version junk and try again."));
    // An untitled app is "the app".
    let mut untitled = app("", "1.0.0");
    untitled.spec.title.clear();
    let d = check(&untitled, "2.0.0", Install);
    assert!(d
        .message
        .unwrap()
        .starts_with("This version of the app requires"));
}

#[test]
fn warnings_carry_kots_log_lines_and_blang_errors() {
    let d = check(&app("V1.0.0", "1.2-rc"), "1.0.0", Install);
    assert_eq!(
        d.warnings,
        [
            "minimum kots version specified in the application spec is invalid: Invalid character(s) \
             found in major number \"V1\"",
            "target kots version specified in the application spec is invalid: Short version cannot \
             contain PreRelease/Build meta data",
        ]
    );
    let d = check(&app("", ""), "x", Update);
    assert!(
        d.warnings[0].starts_with("running kots version \"x\" is invalid: "),
        "{:?}",
        d.warnings
    );
}

#[test]
fn parse_tolerant_errors_match_blang() {
    let cases = [
        ("", "strconv.ParseUint: parsing \"\": invalid syntax"),
        (
            "1.2.3.4",
            "Invalid character(s) found in patch number \"3.4\"",
        ),
        ("1.2.", "strconv.ParseUint: parsing \"\": invalid syntax"),
        (
            "01.2.3",
            "Major number must not contain leading zeroes \"01\"",
        ),
        (
            "1.02.3",
            "Minor number must not contain leading zeroes \"02\"",
        ),
        (
            "1.2.03",
            "Patch number must not contain leading zeroes \"03\"",
        ),
        ("1.2.3-", "Prerelease is empty"),
        ("1.2.3-a..b", "Prerelease is empty"),
        (
            "1.2.3-01",
            "Numeric PreRelease version must not contain leading zeroes \"01\"",
        ),
        (
            "1.2.3-a_b",
            "Invalid character(s) found in prerelease \"a_b\"",
        ),
        ("1.2.3+", "Build meta data is empty"),
        (
            "1.2.3+a+b",
            "Invalid character(s) found in build meta data \"a+b\"",
        ),
        (
            "1.2-rc",
            "Short version cannot contain PreRelease/Build meta data",
        ),
        ("a.b.c", "Invalid character(s) found in major number \"a\""),
        ("1.2.3-é", "Invalid character(s) found in prerelease \"é\""),
        (
            "1.2.x\t",
            "Invalid character(s) found in patch number \"x\"",
        ),
        (
            "1.2.3 4",
            "Invalid character(s) found in patch number \"3 4\"",
        ),
        (
            "99999999999999999999.0.0",
            "strconv.ParseUint: parsing \"99999999999999999999\": value out of range",
        ),
    ];
    for (text, message) in cases {
        let err = Version::parse_tolerant(text).unwrap_err();
        assert_eq!(err.to_string(), message, "{text:?}");
    }
    assert_eq!(
        Version::parse("1.2").unwrap_err().to_string(),
        "No Major.Minor.Patch elements found"
    );
    assert_eq!(
        Version::parse("").unwrap_err().to_string(),
        "Version string empty"
    );
    assert!(Version::parse("v1.2.3").is_err());
}

#[test]
fn parse_tolerant_accepts_and_prints_like_blang() {
    let cases = [
        ("v1", "1.0.0"),
        ("1.2", "1.2.0"),
        ("  v1.2.3  ", "1.2.3"),
        ("0.0.0", "0.0.0"),
        ("1.2.3-rc.1+build.5", "1.2.3-rc.1+build.5"),
        ("1.2.3-0.a-b.00a", "1.2.3-0.a-b.00a"),
        ("1.2.3+001", "1.2.3+001"),
        ("1.2.3-a+b-c", "1.2.3-a+b-c"),
        ("1.2.3-x-y-z", "1.2.3-x-y-z"),
    ];
    for (text, shown) in cases {
        let version = Version::parse_tolerant(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(version.to_string(), shown);
    }
    let v = Version::parse("1.2.3-a+b-c").unwrap();
    assert_eq!(v.pre, [PreRelease::Alphanumeric("a".into())]);
    assert_eq!(v.build, ["b-c"]);
}

#[test]
fn precedence_follows_semver_spec_example() {
    // SemVer 2.0.0 §11 example chain.
    let chain = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
        "1.1.0",
        "2.0.0",
    ];
    let versions: Vec<Version> = chain.iter().map(|v| Version::parse(v).unwrap()).collect();
    for pair in versions.windows(2) {
        assert!(pair[0] < pair[1], "{} < {}", pair[0], pair[1]);
    }
    assert_eq!(
        Version::parse("1.0.0+a").unwrap(),
        Version::parse("1.0.0+b").unwrap()
    );
}

#[test]
fn check_yaml_reads_the_first_application() {
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n\
                apiVersion: kots.io/v1beta1\nkind: Application\nspec: {minKotsVersion: 2.0.0}\n---\n\
                apiVersion: kots.io/v1beta1\nkind: Application\nspec: {minKotsVersion: 1.0.0}\n";
    assert!(!check_yaml(yaml, "1.5.0", Install).unwrap().allowed);
    let err = check_yaml("apiVersion: v1\nkind: ConfigMap\n", "1.0.0", Install).unwrap_err();
    assert_eq!(
        err.to_string(),
        "application: no kots.io/v1beta1 Application document found"
    );
    assert!(matches!(
        check_yaml(": [", "1.0.0", Install),
        Err(GateError::Application(_))
    ));
}

#[test]
fn operations_parse_and_decisions_serialise() {
    assert_eq!("install".parse::<Operation>().unwrap(), Install);
    assert_eq!("update".parse::<Operation>().unwrap(), Update);
    assert!(matches!(
        "Install".parse::<Operation>(),
        Err(GateError::UnknownOperation(_))
    ));
    let d = check(&app("", "2.0.0"), "1.0.0", Update);
    assert_eq!(
        serde_json::to_value(&d).unwrap(),
        serde_json::json!({
            "allowed": true, "reason": "compatible", "message": null, "desiredVersion": "2.0.0",
            "upgradeRecommended": true, "warnings": []
        })
    );
    let d = check(&app("2.0.0", ""), "1.0.0", Install);
    assert_eq!(
        serde_json::to_value(&d).unwrap()["reason"],
        "belowMinKotsVersion"
    );
}

mod properties {
    use proptest::prelude::*;

    use super::super::Version;

    fn identifier() -> impl Strategy<Value = String> {
        prop_oneof!["0|[1-9][0-9]{0,3}", "[0-9A-Za-z-]{1,6}"]
    }

    fn version() -> impl Strategy<Value = String> {
        (
            "0|[1-9][0-9]{0,4}",
            "0|[1-9][0-9]{0,4}",
            "0|[1-9][0-9]{0,4}",
            prop::collection::vec(identifier(), 0..3),
            prop::collection::vec("[0-9A-Za-z-]{1,5}", 0..3),
        )
            .prop_filter(
                "numeric identifiers have no leading zero",
                |(.., pre, _)| {
                    pre.iter().all(|p| {
                        !(p.len() > 1
                            && p.starts_with('0')
                            && p.bytes().all(|b| b.is_ascii_digit()))
                    })
                },
            )
            .prop_map(|(major, minor, patch, pre, build)| {
                let mut text = format!("{major}.{minor}.{patch}");
                if !pre.is_empty() {
                    text += &format!("-{}", pre.join("."));
                }
                if !build.is_empty() {
                    text += &format!("+{}", build.join("."));
                }
                text
            })
    }

    proptest! {
        #[test]
        fn parse_tolerant_never_panics(text in "\\PC{0,24}") {
            let _ = Version::parse_tolerant(&text);
        }

        #[test]
        fn valid_versions_print_back_unchanged(text in version()) {
            let parsed = Version::parse_tolerant(&format!(" v{text} ")).unwrap();
            prop_assert_eq!(parsed.to_string(), text);
        }

        #[test]
        fn ordering_is_antisymmetric_and_ignores_build(a in version(), b in version()) {
            let (va, vb) = (Version::parse(&a).unwrap(), Version::parse(&b).unwrap());
            prop_assert_eq!(va.cmp(&vb), vb.cmp(&va).reverse());
            let stripped = |v: &Version| Version { build: Vec::new(), ..v.clone() };
            prop_assert_eq!(va.cmp(&vb), stripped(&va).cmp(&stripped(&vb)));
        }
    }
}
