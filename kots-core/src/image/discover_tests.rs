use super::*;
use crate::manifest::parse_manifests;

fn find(yaml: &str, mode: DiscoveryMode) -> Discovery {
    let objects = parse_manifests(yaml).unwrap();
    discover(
        &objects,
        &DiscoverOptions {
            mode,
            registry: None,
        },
    )
    .unwrap()
}

fn images(d: &Discovery) -> Vec<&str> {
    d.images.iter().map(|i| i.image.as_str()).collect()
}

const CRONJOB: &str = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: a, image: 'busybox:1'}]\n          initContainers: [{name: b, image: alpine}]\n";

#[test]
fn kots_paths() {
    let d = find(CRONJOB, DiscoveryMode::Kots);
    assert_eq!(images(&d), ["alpine", "busybox:1"]);
    assert_eq!(d.documents_with_images, [0]);
    assert_eq!(
        d.images[1].locations[0].pointer,
        "/spec/jobTemplate/spec/template/spec/containers/0/image"
    );
    // A Pod's own template-like paths do not count; only spec.containers.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x}]\n  ephemeralContainers: [{name: e, image: debug}]\n";
    assert_eq!(images(&find(pod, DiscoveryMode::Kots)), ["x"]);
    assert_eq!(images(&find(pod, DiscoveryMode::Complete)), ["debug", "x"]);
}

#[test]
fn kots_skips_documents_yaml_v2_cannot_decode() {
    let bad_labels = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  labels: {a: {b: c}}\nspec:\n  template:\n    spec:\n      containers: [{image: nginx}]\n";
    assert!(find(bad_labels, DiscoveryMode::Kots).images.is_empty());
    assert_eq!(
        images(&find(bad_labels, DiscoveryMode::Complete)),
        ["nginx"]
    );
    let bad_template =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template: oops\n";
    assert!(find(bad_template, DiscoveryMode::Kots).images.is_empty());
    // A container without an image lists "" in KOTS.
    let no_image = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers: [{name: a}]\n";
    assert_eq!(images(&find(no_image, DiscoveryMode::Kots)), [""]);
    assert!(find(no_image, DiscoveryMode::Complete).images.is_empty());
}

#[test]
fn complete_mode_finds_templates_by_shape() {
    let rollout = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: app:1}]\n---\napiVersion: v1\nkind: PodTemplate\nmetadata: {name: t}\ntemplate:\n  spec:\n    containers: [{name: a, image: tpl:2}]\n---\napiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {name: ray}\nspec:\n  workerGroupSpecs:\n  - template:\n      spec:\n        containers: [{name: w, image: 'ray:2'}]\n";
    let kots = find(rollout, DiscoveryMode::Kots);
    assert_eq!(images(&kots), ["app:1"]);
    let complete = find(rollout, DiscoveryMode::Complete);
    assert_eq!(images(&complete), ["app:1", "ray:2", "tpl:2"]);
    assert_eq!(
        complete.images[1].locations[0].pointer,
        "/spec/workerGroupSpecs/0/template/spec/containers/0/image"
    );
    assert_eq!(complete.documents_with_images, [0, 1, 2]);
}

#[test]
fn dedup_sorted_with_documents() {
    let two = format!("{CRONJOB}---\n{}", CRONJOB.replace("name: c}", "name: d}"));
    let d = find(&two, DiscoveryMode::Kots);
    assert_eq!(images(&d), ["alpine", "busybox:1"]);
    assert_eq!(d.images[0].documents, [0, 1]);
    assert_eq!(d.workload_images, ["alpine", "busybox:1"]);
}

const KOTS_KINDS: &str = "apiVersion: kots.io/v1beta1\nkind: Application\nmetadata: {name: app}\nspec:\n  title: App\n  additionalImages: ['extra:1', 'quay.io/org/x:2']\n---\napiVersion: troubleshoot.sh/v1beta2\nkind: Preflight\nmetadata: {name: p}\nspec:\n  collectors:\n  - run: {image: 'run:1'}\n  - logs: {}\n    run: {image: 'shadowed:1'}\n  - runPod:\n      podSpec:\n        containers: [{name: a, image: 'pod:1'}, {name: b, image: 'repl{{ LocalImageName \"x\" }}'}]\n  - copyFromHost: {image: 'my.registry.com/tools/copy:1'}\n  - runDaemonSet:\n      podSpec:\n        containers: [{name: a, image: 'ds:1'}]\n";

#[test]
fn kots_kinds_images() {
    let d = find(KOTS_KINDS, DiscoveryMode::Kots);
    assert_eq!(
        d.kots_kinds_images,
        [
            "extra:1",
            "quay.io/org/x:2",
            "run:1",
            "pod:1",
            "my.registry.com/tools/copy:1"
        ]
    );
    assert!(d.workload_images.is_empty());
    let complete = find(KOTS_KINDS, DiscoveryMode::Complete);
    assert!(complete
        .kots_kinds_images
        .contains(&"shadowed:1".to_string()));
    assert!(complete.kots_kinds_images.contains(&"ds:1".to_string()));
    // Collector images already on the destination registry are left out.
    let objects = parse_manifests(KOTS_KINDS).unwrap();
    let with_registry = DiscoverOptions {
        registry: Some(Registry::new("my.registry.com", "apps")),
        ..DiscoverOptions::default()
    };
    let d = discover(&objects, &with_registry).unwrap();
    assert!(!d
        .kots_kinds_images
        .contains(&"my.registry.com/tools/copy:1".to_string()));
    assert_eq!(d.kots_image_list().len(), 4);
}

#[test]
fn errors_name_the_document() {
    let bad = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nmetadata: {name: s}\nspec:\n  collectors: {run: {}}\n";
    let err = discover(&parse_manifests(bad).unwrap(), &DiscoverOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "document 1, /spec/collectors: expected a list, found a mapping"
    );
    let bad_app = "apiVersion: kots.io/v1beta1\nkind: Application\nmetadata: {name: a}\nspec:\n  additionalImages: 3\n";
    let err = discover(
        &parse_manifests(bad_app).unwrap(),
        &DiscoverOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("document 0: "), "{err}");
    let registry = DiscoverOptions {
        registry: Some(Registry::new("r.io", "")),
        ..DiscoverOptions::default()
    };
    let bad_ref = "apiVersion: troubleshoot.sh/v1beta2\nkind: Collector\nmetadata: {name: s}\nspec:\n  collectors: [{run: {image: 'Bad Ref'}}]\n";
    let err = discover(&parse_manifests(bad_ref).unwrap(), &registry).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("document 0, /spec/collectors/0/run/image: "),
        "{err}"
    );
}
