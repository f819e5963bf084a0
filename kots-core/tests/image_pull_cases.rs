//! KOTS's own pull cases (`pkg/tests/pull/cases`, read in place from ../shared/testdata/kots):
//! the images KOTS found (Installation `knownImages`), the midstream kustomization `images` list,
//! the image fields of the rendered objects after kustomize, and the pull secrets, byte for byte.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kots_core::image::{
    discover, kustomization_images, pull_secrets, DiscoverOptions, DiscoveryMode, ImageRewriter,
    KustomizeImage, ProxyInfo, PullSecretOptions, Registry,
};
use kots_core::manifest::{parse_manifests, parse_values, Limits, Object};
use serde_json::Value;

fn cases_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testdata/kots/pull-cases");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is not present", dir.display());
        None
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "userdata") {
                yaml_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "yaml")
            && path.file_name().is_some_and(|n| n != "kustomization.yaml")
        {
            out.push(path);
        }
    }
}

fn objects_in(dir: &Path) -> Vec<Object> {
    let mut files = Vec::new();
    yaml_files(dir, &mut files);
    files
        .iter()
        .flat_map(|f| parse_manifests(&std::fs::read_to_string(f).unwrap()).unwrap())
        .collect()
}

fn value_of(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    parse_values(&text, &Limits::default()).unwrap().remove(0).1
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

struct Case {
    name: String,
    dir: PathBuf,
    testcase: Value,
    license: Value,
}

fn cases() -> Vec<Case> {
    let Some(dir) = cases_dir() else {
        return Vec::new();
    };
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names
        .into_iter()
        .filter(|p| p.join("wantResults/overlays/midstream").is_dir())
        .map(|p| Case {
            name: p.file_name().unwrap().to_string_lossy().into(),
            testcase: value_of(&p.join("testcase.yaml")),
            license: value_of(&p.join("upstream/userdata/license.yaml")),
            dir: p,
        })
        .collect()
}

impl Case {
    fn registry(&self) -> Option<Registry> {
        let opts = self.testcase.pointer("/PullOptions/RewriteImageOptions")?;
        let host = str_at(opts, "/Hostname");
        (!host.is_empty()).then(|| Registry::new(host, str_at(opts, "/Namespace")))
    }

    fn want(&self, rel: &str) -> PathBuf {
        self.dir.join("wantResults").join(rel)
    }
}

#[test]
fn known_images_are_the_discovered_images() {
    let mut checked = 0;
    for case in cases() {
        let installation = case.want("kotsKinds/userdata/installation.yaml");
        if !installation.is_file() {
            continue;
        }
        let mut objects = objects_in(&case.want("base"));
        objects.extend(objects_in(&case.want("kotsKinds")));
        let options = DiscoverOptions {
            mode: DiscoveryMode::Kots,
            registry: case.registry(),
        };
        let found = discover(&objects, &options).unwrap();
        let got: BTreeSet<String> = found.kots_image_list().into_iter().collect();
        let want: BTreeSet<String> = value_of(&installation)
            .pointer("/spec/knownImages")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|i| str_at(i, "/image").to_string())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(got, want, "{}", case.name);
        checked += 1;
    }
    eprintln!("knownImages checked in {checked} pull cases");
}

#[test]
fn midstream_images_and_rendered_objects_match_kots() {
    for case in cases() {
        let Some(registry) = case.registry() else {
            continue;
        };
        let mut base = objects_in(&case.want("base"));
        let found = discover(
            &base,
            &DiscoverOptions {
                registry: Some(registry.clone()),
                ..Default::default()
            },
        )
        .unwrap();
        let list = kustomization_images(registry.rewrite_images(&found.kots_image_list()).unwrap());
        let kustomization = value_of(&case.want("overlays/midstream/kustomization.yaml"));
        let want: Vec<KustomizeImage> =
            serde_json::from_value(kustomization["images"].clone()).unwrap();
        assert_eq!(list, want, "{}", case.name);

        let rewriter = ImageRewriter::new(list);
        let changed = rewriter.rewrite_objects(&mut base, DiscoveryMode::Kots);
        assert!(changed > 0, "{}", case.name);
        let rendered = objects_in(&case.want("rendered/this-cluster"));
        for object in &base {
            let twin = rendered
                .iter()
                .find(|r| r.kind() == object.kind() && r.name() == object.name())
                .unwrap_or_else(|| panic!("{}: {:?} not rendered", case.name, object.name()));
            let images = |o: &Object| -> Vec<String> {
                let found = discover(std::slice::from_ref(o), &DiscoverOptions::default()).unwrap();
                found.images.into_iter().map(|i| i.image).collect()
            };
            assert_eq!(
                images(object),
                images(twin),
                "{}: {:?}",
                case.name,
                object.name()
            );
        }
    }
}

#[test]
fn pull_secrets_are_byte_identical() {
    let mut checked = 0;
    for case in cases() {
        let secret_file = case.want("overlays/midstream/secret.yaml");
        if !secret_file.is_file() {
            continue;
        }
        let (registries, username, password) = match case.registry() {
            Some(_) => {
                let opts = case
                    .testcase
                    .pointer("/PullOptions/RewriteImageOptions")
                    .unwrap();
                (
                    vec![str_at(opts, "/Hostname").to_string()],
                    str_at(opts, "/Username").to_string(),
                    str_at(opts, "/Password").to_string(),
                )
            }
            None => {
                let info =
                    ProxyInfo::from_license_endpoint(str_at(&case.license, "/spec/endpoint"));
                (
                    info.pull_secret_registries().map(str::to_string).to_vec(),
                    "LICENSE_ID".to_string(),
                    str_at(&case.license, "/spec/licenseID").to_string(),
                )
            }
        };
        let secrets = pull_secrets(&PullSecretOptions {
            registries: &registries,
            username: &username,
            password: &password,
            namespace: str_at(&case.testcase, "/PullOptions/Namespace"),
            name_prefix: str_at(&case.license, "/spec/appSlug"),
            embedded_cluster: false,
        });
        let want = parse_manifests(&std::fs::read_to_string(&secret_file).unwrap()).unwrap();
        let got = [secrets.app.clone().unwrap(), secrets.admin_console.clone()];
        assert_eq!(got.as_slice(), want.as_slice(), "{}", case.name);
        checked += 1;
    }
    eprintln!("pull secrets checked in {checked} pull cases");
}
