//! `kots demo [--json] [--out DIR]`: the whole SDK on the sample release (`examples/sample-app`,
//! embedded in the binary, so the command works from any directory).
//!
//! In a fresh folder (printed first, kept for inspection) it generates an ed25519 key, signs and
//! verifies the sample license, gates the install, resolves the config, renders version 1,
//! rewrites its images for a private registry, renders version 2 and plans the upgrade. Each step
//! prints one line with its figures; `--json` prints one JSON document instead. Exit code 0 when
//! every step ran (the plan refusing an operation is one of the results, not a failure).

use std::collections::BTreeMap;
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kots_core::gate::{check, Operation};
use kots_core::image::{
    discover, kustomization_images, DiscoverOptions, DiscoveryMode, ImageRewriter, Registry,
};
use kots_core::kinds::{Application, ConfigValues, KotsResource};
use kots_core::license::{
    generate_ed25519_key, parse_ed25519_public_key, sign_license, EntitlementValue, License,
    VerifiedLicense, Verifier,
};
use kots_core::manifest::{parse_manifests, Object};
use kots_core::plan::{plan, render_human, OpKind, Operation as PlanOp, Plan, PlanInput, Policy};
use kots_render::config::ResolvedConfig;
use kots_render::functions::RegistrySettings;
use kots_render::release::{
    render_release, resolve_release_config, Release, RenderOptions, RenderedObject,
};
use serde_json::{json, Value};

use crate::output::{print_json, CliError};

#[derive(clap::Args)]
pub struct Args {
    /// Print one JSON summary of every step instead of one line per step.
    #[arg(long)]
    json: bool,
    /// Work in this (new or empty) folder instead of a fresh one under the system temp folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// The sample release, embedded: `(path under examples/sample-app, bytes)`.
macro_rules! sample_files {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../../sample-app/", $path)) as &[u8])),*]
    };
}
const SAMPLE: &[(&str, &[u8])] = sample_files![
    "license.yaml",
    "configvalues.yaml",
    "v1/helmchart.yaml",
    "v1/ingress.yaml",
    "v1/kots-app.yaml",
    "v1/kots-config.yaml",
    "v1/postgres.yaml",
    "v1/redis-18.1.0.tgz",
    "v1/web.yaml",
    "v1/worker.yaml",
    "v2/database.yaml",
    "v2/helmchart.yaml",
    "v2/ingress.yaml",
    "v2/jobs.yaml",
    "v2/kots-app.yaml",
    "v2/kots-config.yaml",
    "v2/redis-18.1.0.tgz",
    "v2/web.yaml",
];

/// The vendor's signing key id, written into the license's signature envelope.
const KEY_ID: &str = "acme-vendor-2026";
/// A KOTS version within the Application's bounds, and one below `minKotsVersion`.
const KOTS_VERSION: &str = "1.117.3";
const OLD_KOTS_VERSION: &str = "1.99.0";
/// The customer's private registry (`host/namespace`).
const PRIVATE_REGISTRY: &str = "registry.customer.example/acme";
const NAMESPACE: &str = "acme-notes";

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let dir = workspace(args.out)?;
    let mut report = Report::new(args.json, &dir);
    write_sample(&dir)?;

    let license = license_steps(&dir, &mut report)?;
    let v1 = Release::from_dir(&dir.join("sample-app/v1")).map_err(CliError::new)?;
    let v2 = Release::from_dir(&dir.join("sample-app/v2")).map_err(CliError::new)?;
    gate_step(&v1, &mut report)?;
    let values_text = read(&dir.join("sample-app/configvalues.yaml"))?;
    let values = ConfigValues::from_yaml(&values_text)
        .map_err(|e| CliError::new(format!("configvalues.yaml: {e}")))?;
    config_step(&v1, &license, &values, &mut report)?;

    let v1_objects = render_step("v1", &v1, &license, &values, 0, &dir, &mut report)?;
    let registry = Registry::parse(PRIVATE_REGISTRY);
    let v1_private = images_step(
        &v1,
        &license,
        &values,
        v1_objects,
        &registry,
        &dir,
        &mut report,
    )?;
    let v2_objects = render_step("v2", &v2, &license, &values, 1, &dir, &mut report)?;
    let v2_private = rewrite_objects(v2_objects, &registry)?;
    write_objects(&dir.join("rendered/v2-private.yaml"), &v2_private)?;
    plan_step(&v1_private, &v2_private, &dir, &mut report)?;
    report.finish()
}

/// The demo folder: `--out` (created if missing, must be empty) or a new temp folder.
fn workspace(out: Option<PathBuf>) -> Result<PathBuf, CliError> {
    let dir = match out {
        Some(dir) => dir,
        None => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            std::env::temp_dir().join(format!("kots-demo-{}-{nanos:08x}", std::process::id()))
        }
    };
    std::fs::create_dir_all(&dir).map_err(|e| CliError::io(&dir, e))?;
    let mut entries = std::fs::read_dir(&dir).map_err(|e| CliError::io(&dir, e))?;
    if entries.next().is_some() {
        return Err(CliError::new(format!(
            "{}: not empty; the demo writes into an empty folder",
            dir.display()
        )));
    }
    Ok(dir)
}

fn write_sample(dir: &Path) -> Result<(), CliError> {
    for (path, content) in SAMPLE {
        write(&dir.join("sample-app").join(path), content)?;
    }
    Ok(())
}

/// Steps 1–3: key, signature, verification (and what an edited copy verifies to).
fn license_steps(dir: &Path, report: &mut Report) -> Result<License, CliError> {
    let key = generate_ed25519_key().map_err(CliError::new)?;
    write(&dir.join("keys/vendor.pem"), key.to_pem().as_bytes())?;
    let public_pem = key.verifying_key().to_pem();
    write(&dir.join("keys/vendor.pub.pem"), public_pem.as_bytes())?;
    report.step(
        "key",
        format!("generated an ed25519 signing key {KEY_ID:?}: keys/vendor.pem, keys/vendor.pub.pem"),
        json!({"keyId": KEY_ID, "privateKey": "keys/vendor.pem", "publicKey": "keys/vendor.pub.pem"}),
    );

    let unsigned = License::from_yaml(&read(&dir.join("sample-app/license.yaml"))?)
        .map_err(|e| CliError::new(format!("license.yaml: {e}")))?;
    let signed = sign_license(&unsigned, &key, KEY_ID).map_err(CliError::new)?;
    let signed_yaml = signed.to_yaml().map_err(CliError::new)?;
    write(&dir.join("license.yaml"), signed_yaml.as_bytes())?;
    report.step(
        "sign",
        format!(
            "signed license {} ({}, {} entitlements, {}-byte envelope): license.yaml",
            unsigned.spec.license_id,
            unsigned.api_version(),
            unsigned.spec.entitlements.len(),
            signed.spec.signature.len()
        ),
        json!({"licenseID": unsigned.spec.license_id, "apiVersion": unsigned.api_version(),
               "entitlements": unsigned.spec.entitlements.len(),
               "envelopeBytes": signed.spec.signature.len(), "file": "license.yaml"}),
    );

    // The customer's side: only the public key and the license file.
    let mut verifier = Verifier::new();
    let public = parse_ed25519_public_key(&read(&dir.join("keys/vendor.pub.pem"))?)
        .map_err(CliError::new)?;
    verifier.trust_ed25519_key(KEY_ID, public);
    let verified = verifier
        .verify_yaml(&read(&dir.join("license.yaml"))?)
        .map_err(|e| CliError::new(format!("license.yaml: {e}")))?;
    let tampered = tamper_check(&verifier, &signed)?;
    verify_report(&verified, &tampered, report)?;
    Ok(verified.license)
}

/// What an edited copy of the signed license (seats raised) verifies to, leniently and strictly.
struct Tampered {
    seats: String,
    warnings: Vec<String>,
    strict_error: String,
}

fn tamper_check(verifier: &Verifier, signed: &License) -> Result<Tampered, CliError> {
    let mut edited = signed.clone();
    if let Some(seats) = edited.spec.entitlements.get_mut("seats") {
        seats.value = Some(EntitlementValue::Int(9999));
    }
    let lenient = verifier.verify(&edited).map_err(CliError::new)?;
    let mut strict = verifier.clone();
    strict.set_strict(true);
    let strict_error = match strict.verify(&edited) {
        Ok(_) => {
            return Err(CliError::new(
                "strict verification accepted an edited license",
            ))
        }
        Err(e) => e.to_string(),
    };
    Ok(Tampered {
        seats: lenient
            .license
            .entitlement_text("seats")
            .unwrap_or_default(),
        warnings: lenient.warnings.iter().map(|w| w.to_string()).collect(),
        strict_error,
    })
}

fn verify_report(
    verified: &VerifiedLicense,
    tampered: &Tampered,
    report: &mut Report,
) -> Result<(), CliError> {
    let license = &verified.license;
    let seats = license.entitlement_text("seats").unwrap_or_default();
    let expires = license.expires_at().map_err(CliError::new)?;
    let expired = license.is_expired().map_err(CliError::new)?;
    let expiry = match &expires {
        Some(at) => format!("expires {at}{}", if expired { " (EXPIRED)" } else { "" }),
        None => "no expiry".into(),
    };
    report.step(
        "verify",
        format!(
            "{} signature valid (key {}): {}, {} license for {}, seats={seats}, {expiry}, {} warnings; \
             an edited copy (seats=9999) verifies to the signed seats={} with {} warning, strict mode refuses it",
            verified.scheme.as_str(),
            verified.key_id,
            license.spec.customer_name,
            license.spec.license_type,
            license.spec.app_slug,
            verified.warnings.len(),
            tampered.seats,
            tampered.warnings.len(),
        ),
        json!({"scheme": verified.scheme.as_str(), "keyId": verified.key_id,
               "customer": license.spec.customer_name, "appSlug": license.spec.app_slug,
               "seats": seats, "expiresAt": expires.map(|t| t.to_string()), "expired": expired,
               "warnings": verified.warnings.len(),
               "tampered": {"seats": tampered.seats, "warnings": tampered.warnings,
                            "strictError": tampered.strict_error}}),
    );
    Ok(())
}

/// Step 4: may KOTS install version 1? Also shows what an older KOTS is told.
fn gate_step(v1: &Release, report: &mut Report) -> Result<(), CliError> {
    let app = application(v1)?;
    let install = check(&app, KOTS_VERSION, Operation::Install);
    let old = check(&app, OLD_KOTS_VERSION, Operation::Install);
    if !install.allowed || old.allowed {
        return Err(CliError::new(format!(
            "gate: unexpected decisions for the sample app: {install:?}, {old:?}"
        )));
    }
    report.step(
        "gate",
        format!(
            "install on KOTS {KOTS_VERSION}: allowed ({}; minKotsVersion {}, targetKotsVersion {}); \
             KOTS {OLD_KOTS_VERSION} would be blocked ({}), told to install KOTS {}",
            wire_name(&install.reason),
            app.spec.min_kots_version,
            app.spec.target_kots_version,
            wire_name(&old.reason),
            old.desired_version.as_deref().unwrap_or("?"),
        ),
        json!({"kotsVersion": KOTS_VERSION, "decision": install, "olderKots": {"kotsVersion": OLD_KOTS_VERSION, "decision": old}}),
    );
    Ok(())
}

/// The serialised (camelCase) name of an enum value: `belowMinKotsVersion`, `data`, ...
fn wire_name(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => e.to_string(),
    }
}

/// The release's Application (the first `kots.io/v1beta1 Application` of its files).
fn application(release: &Release) -> Result<Application, CliError> {
    let mut objects = Vec::new();
    for file in release.files().iter().filter(|f| !f.is_archive()) {
        if let Some(text) = file.text() {
            objects.extend(
                parse_manifests(text).map_err(|e| CliError::new(format!("{}: {e}", file.path)))?,
            );
        }
    }
    Application::find_in(&objects).map_err(CliError::new)
}

/// Step 5: config resolution, plus what a bad hostname gets from the regex validation.
fn config_step(
    release: &Release,
    license: &License,
    values: &ConfigValues,
    report: &mut Report,
) -> Result<(), CliError> {
    let options = render_options(0);
    let resolved = resolve_release_config(release, Some(license), Some(values), &options)
        .map_err(CliError::new)?
        .ok_or_else(|| CliError::new("the sample release has no Config"))?;
    let mut bad = values.clone();
    if let Some(hostname) = bad.spec.values.get_mut("hostname") {
        hostname.value = "Notes_Customer".into();
    }
    let invalid = resolve_release_config(release, Some(license), Some(&bad), &options)
        .map_err(CliError::new)?
        .map(|r| validation_messages(&r))
        .unwrap_or_default();
    let groups = &resolved.rendered.spec.groups;
    let items: usize = groups.iter().map(|g| g.items.len()).sum();
    let hidden_groups: Vec<&str> = groups
        .iter()
        .filter(|g| g.when.is_false())
        .map(|g| g.name.as_str())
        .collect();
    let hidden_items: Vec<&str> = groups
        .iter()
        .flat_map(|g| &g.items)
        .filter(|i| i.when.is_false())
        .map(|i| i.name.as_str())
        .collect();
    let errors = validation_messages(&resolved);
    report.step(
        "config",
        format!(
            "{} groups, {items} items, {} values given; hidden groups: {}; hidden items: {}; \
             {} required missing, {} validation errors; hostname \"Notes_Customer\" would fail: {}",
            groups.len(),
            values.spec.values.len(),
            list_or_none(&hidden_groups),
            list_or_none(&hidden_items),
            resolved.missing_required.len(),
            errors.len(),
            invalid.first().map_or("(no error!)", String::as_str),
        ),
        json!({"groups": groups.len(), "items": items, "valuesGiven": values.spec.values.len(),
               "hiddenGroups": hidden_groups, "hiddenItems": hidden_items,
               "missingRequired": resolved.missing_required, "validationErrors": errors,
               "badHostnameErrors": invalid}),
    );
    Ok(())
}

fn validation_messages(resolved: &ResolvedConfig) -> Vec<String> {
    resolved
        .validation
        .iter()
        .flat_map(|g| &g.item_errors)
        .flat_map(|i| {
            i.validation_errors
                .iter()
                .map(move |m| format!("{}: {}", i.name, m.message))
        })
        .collect()
}

fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

fn render_options(sequence: i64) -> RenderOptions {
    RenderOptions {
        namespace: NAMESPACE.into(),
        sequence,
        channel_name: "Stable".into(),
        version_label: format!("1.{}.0", 4 + sequence),
        kots_version: KOTS_VERSION.into(),
        ..RenderOptions::default()
    }
}

/// Steps 6 and 8: render one version; writes `rendered/<label>.yaml`.
fn render_step(
    label: &str,
    release: &Release,
    license: &License,
    values: &ConfigValues,
    sequence: i64,
    dir: &Path,
    report: &mut Report,
) -> Result<Vec<Object>, CliError> {
    let rendered = render_release(
        release,
        Some(license),
        Some(values),
        &render_options(sequence),
    )
    .map_err(|e| CliError::new(format!("render {label}: {e}")))?;
    let summary = &rendered.summary;
    if !summary.needs_config.is_empty() {
        return Err(CliError::new(format!(
            "render {label}: required config missing: {:?}",
            summary.needs_config
        )));
    }
    let charts: Vec<String> = summary
        .helm_charts
        .iter()
        .filter(|c| !c.excluded)
        .map(|c| {
            format!(
                "{} {} as release {} from {}",
                c.chart_name,
                c.chart_version,
                c.release_name,
                c.archive.as_deref().unwrap_or("?")
            )
        })
        .collect();
    let objects: Vec<Object> = rendered.objects.iter().map(|o| o.object.clone()).collect();
    let kinds = count_by(objects.iter().map(|o| o.kind().to_string()));
    let file = format!("rendered/{label}.yaml");
    write_rendered(&dir.join(&file), &rendered.objects)?;
    let gate = match label {
        "v1" => String::new(),
        _ => {
            let app = application(release)?;
            let update = check(&app, KOTS_VERSION, Operation::Update);
            format!(
                "; update gate on KOTS {KOTS_VERSION}: {} (minKotsVersion {})",
                if update.allowed { "allowed" } else { "BLOCKED" },
                app.spec.min_kots_version
            )
        }
    };
    report.step(
        &format!("render {label}"),
        format!(
            "{} documents ({}) from {} files, {} excluded by kots.io/when or exclude; Helm charts: {}; {} images{gate}: {file}",
            summary.documents,
            counts_text(&kinds),
            release.files().len(),
            summary.excluded.len(),
            if charts.is_empty() { "none".into() } else { charts.join(", ") },
            summary.images.len(),
        ),
        json!({"documents": summary.documents, "kinds": kinds, "files": release.files().len(),
               "excluded": summary.excluded, "helmCharts": summary.helm_charts.iter().map(|c| json!({
                   "chart": c.chart_name, "version": c.chart_version, "releaseName": c.release_name,
                   "archive": c.archive, "excluded": c.excluded})).collect::<Vec<_>>(),
               "images": summary.images, "file": file}),
    );
    Ok(objects)
}

/// What rewriting a set of objects for the private registry did.
struct Rewrite {
    objects: Vec<Object>,
    sources: Vec<String>,
    entries: usize,
    fields: usize,
}

/// KOTS's private-registry rewrite: discover the images, build the kustomize `images` list for
/// the registry, apply it to every container and init container.
fn rewrite(mut objects: Vec<Object>, registry: &Registry) -> Result<Rewrite, CliError> {
    let options = DiscoverOptions {
        mode: DiscoveryMode::Kots,
        registry: Some(registry.clone()),
    };
    let discovery = discover(&objects, &options).map_err(CliError::new)?;
    let sources = discovery.kots_image_list();
    let entries = registry.rewrite_images(&sources).map_err(CliError::new)?;
    let rewriter = ImageRewriter::new(kustomization_images(entries));
    let fields = rewriter.rewrite_objects(&mut objects, DiscoveryMode::Kots);
    Ok(Rewrite {
        objects,
        sources,
        entries: rewriter.entries().len(),
        fields,
    })
}

fn rewrite_objects(objects: Vec<Object>, registry: &Registry) -> Result<Vec<Object>, CliError> {
    Ok(rewrite(objects, registry)?.objects)
}

/// Step 7: rewrite version 1's images for the private registry, and check the result against
/// what `render_release` produces when the registry is configured in KOTS.
fn images_step(
    release: &Release,
    license: &License,
    values: &ConfigValues,
    objects: Vec<Object>,
    registry: &Registry,
    dir: &Path,
    report: &mut Report,
) -> Result<Vec<Object>, CliError> {
    let result = rewrite(objects, registry)?;
    write_objects(&dir.join("rendered/v1-private.yaml"), &result.objects)?;
    let mut options = render_options(0);
    options.registry = RegistrySettings {
        hostname: registry.endpoint.clone(),
        namespace: registry.namespace.clone(),
        ..RegistrySettings::default()
    };
    let by_render = render_release(release, Some(license), Some(values), &options)
        .map_err(|e| CliError::new(format!("render v1 with a registry: {e}")))?;
    let ours = container_images(result.objects.iter());
    let kots = container_images(by_render.objects.iter().map(|o| &o.object));
    let mut unique: Vec<&String> = result.sources.iter().collect();
    unique.sort();
    unique.dedup();
    let mapping: Vec<String> = unique
        .iter()
        .filter_map(|src| {
            registry
                .dest_image(src)
                .ok()
                .map(|d| format!("{src} -> {d}"))
        })
        .collect();
    report.step(
        "images",
        format!(
            "{} images -> {PRIVATE_REGISTRY}: {} kustomize entries, {} image fields rewritten ({}); \
             same as render_release with the registry configured: {}: rendered/v1-private.yaml",
            unique.len(),
            result.entries,
            result.fields,
            mapping.join(", "),
            if ours == kots { "yes" } else { "NO" },
        ),
        json!({"registry": PRIVATE_REGISTRY, "images": unique.len(), "kustomizeEntries": result.entries,
               "fieldsRewritten": result.fields, "mapping": mapping, "matchesRender": ours == kots,
               "file": "rendered/v1-private.yaml"}),
    );
    Ok(result.objects)
}

/// Every container and init container image, by object kind and name, for comparisons.
fn container_images<'a>(objects: impl Iterator<Item = &'a Object>) -> Vec<String> {
    let mut out = Vec::new();
    for object in objects {
        let pod = object
            .as_map()
            .get("spec")
            .and_then(|s| s.pointer("/template/spec"));
        for list in ["containers", "initContainers"] {
            let containers = pod.and_then(|s| s.get(list)).and_then(Value::as_array);
            for c in containers.into_iter().flatten() {
                let image = c.get("image").and_then(Value::as_str).unwrap_or_default();
                out.push(format!(
                    "{}/{}: {image}",
                    object.kind(),
                    object.name().unwrap_or("")
                ));
            }
        }
    }
    out.sort();
    out
}

/// Step 9: plan the upgrade from version 1 to version 2, both rewritten for the registry.
fn plan_step(
    previous: &[Object],
    new: &[Object],
    dir: &Path,
    report: &mut Report,
) -> Result<(), CliError> {
    let input = PlanInput {
        previous: previous.to_vec(),
        new: new.to_vec(),
        previous_files: Some(files_of(previous)?),
        new_files: Some(files_of(new)?),
        ..PlanInput::default()
    };
    let policy = Policy {
        namespace: NAMESPACE.into(),
        ..Policy::default()
    };
    let plan = plan(&input, &policy).map_err(CliError::new)?;
    let text = serde_json::to_string_pretty(&plan).map_err(CliError::new)?;
    write(&dir.join("plan.json"), text.as_bytes())?;
    write(
        &dir.join("plan.txt"),
        render_human(&plan, &input).as_bytes(),
    )?;
    let s = &plan.summary;
    let refused: Vec<&PlanOp> = plan.operations.iter().filter(|o| o.refused).collect();
    report.step(
        "plan",
        format!(
            "v1 -> v2: {} create, {} update, {} replace, {} delete, {} orphan, {} noop; {} refused{}: plan.json, plan.txt",
            s.create,
            s.update,
            s.replace,
            s.delete,
            s.orphan,
            s.noop,
            s.refused,
            kots_view(&plan),
        ),
        json!({"summary": s, "operations": plan.operations.iter().map(|o| json!({
                   "op": o.op, "key": o.key, "severity": o.severity, "refused": o.refused}))
                   .collect::<Vec<_>>(),
               "refused": refused.iter().map(|o| json!({"key": o.key, "op": o.op, "severity": o.severity,
                   "because": o.refused_because, "dataLoss": o.data_loss})).collect::<Vec<_>>(),
               "kotsDeletes": plan.kots.delete_set.len(), "files": ["plan.json", "plan.txt"]}),
    );
    for kind in [
        OpKind::Create,
        OpKind::Update,
        OpKind::Replace,
        OpKind::Delete,
    ] {
        let ops: Vec<&PlanOp> = plan.operations.iter().filter(|o| o.op == kind).collect();
        if !ops.is_empty() {
            report.detail(format!(
                "{}: {}",
                wire_name(&kind),
                ops.iter()
                    .map(|o| describe(o))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }
    for op in refused {
        let claims: Vec<String> = op
            .data_loss
            .iter()
            .flat_map(|d| &d.pvcs)
            .map(|p| format!("{} ({})", p.name, wire_name(&p.fate)))
            .collect();
        report.detail(format!(
            "REFUSED {} {} ({}): {}; claims: {}",
            wire_name(&op.op),
            op.key,
            wire_name(&op.severity),
            op.refused_because.join("; "),
            if claims.is_empty() {
                "none".into()
            } else {
                claims.join(", ")
            },
        ));
    }
    Ok(())
}

/// KOTS's own view: how many objects it would delete and its diff summary.
fn kots_view(plan: &Plan) -> String {
    let diff = plan.kots.diff_summary.as_ref().map_or(String::new(), |d| {
        format!(", diff {}", serde_json::to_string(d).unwrap_or_default())
    });
    format!(
        "; KOTS alone would delete {} objects without asking{diff}",
        plan.kots.delete_set.len()
    )
}

/// `Kind/name (severity)`, with the changed fields of an update.
fn describe(op: &PlanOp) -> String {
    let mut text = format!(
        "{}/{} ({})",
        op.id.kind,
        op.id.name,
        wire_name(&op.severity)
    );
    if !op.changes.is_empty() {
        let paths: Vec<&str> = op.changes.iter().map(|c| c.path.as_str()).collect();
        text.push_str(&format!(" [{}]", paths.join(", ")));
    }
    text
}

/// The objects as rendered files (`<kind>-<name>.yaml`), for KOTS's diff summary.
fn files_of(objects: &[Object]) -> Result<BTreeMap<String, Vec<u8>>, CliError> {
    objects
        .iter()
        .map(|o| {
            let name = format!("{}-{}.yaml", o.kind(), o.name().unwrap_or("")).to_lowercase();
            Ok((name, o.to_yaml().map_err(CliError::new)?.into_bytes()))
        })
        .collect()
}

fn count_by(items: impl Iterator<Item = String>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_insert(0) += 1;
    }
    counts
}

fn counts_text(counts: &BTreeMap<String, usize>) -> String {
    counts
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn write_rendered(path: &Path, objects: &[RenderedObject]) -> Result<(), CliError> {
    let objects: Vec<Object> = objects.iter().map(|o| o.object.clone()).collect();
    write_objects(path, &objects)
}

fn write_objects(path: &Path, objects: &[Object]) -> Result<(), CliError> {
    let docs: Result<Vec<String>, CliError> = objects
        .iter()
        .map(|o| o.to_yaml().map_err(CliError::new))
        .collect();
    write(path, docs?.join("---\n").as_bytes())
}

fn write(path: &Path, content: &[u8]) -> Result<(), CliError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| CliError::io(parent, e))?;
    }
    std::fs::write(path, content).map_err(|e| CliError::io(path, e))
}

fn read(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))
}

/// Prints each step as it completes (one line, numbered), or collects them for `--json`.
struct Report {
    json: bool,
    dir: PathBuf,
    steps: Vec<Value>,
}

impl Report {
    fn new(json: bool, dir: &Path) -> Report {
        if !json {
            println!(
                "kots demo: the Acme Notes sample release, versions 1 and 2, in {}",
                dir.display()
            );
        }
        Report {
            json,
            dir: dir.to_path_buf(),
            steps: Vec::new(),
        }
    }

    fn step(&mut self, name: &str, line: impl Display, figures: Value) {
        if !self.json {
            println!("{:>2}. {name:<9} {line}", self.steps.len() + 1);
        }
        self.steps
            .push(json!({"step": name, "line": line.to_string(), "figures": figures}));
    }

    /// A further line under the last step (operations of the plan).
    fn detail(&mut self, line: impl Display) {
        if !self.json {
            println!("    {:<9} {line}", "");
        } else if let Some(Value::Array(details)) = self
            .steps
            .last_mut()
            .and_then(|s| s.as_object_mut())
            .map(|s| s.entry("details").or_insert_with(|| json!([])))
        {
            details.push(json!(line.to_string()));
        }
    }

    fn finish(self) -> Result<ExitCode, CliError> {
        if self.json {
            print_json(&json!({"dir": self.dir.display().to_string(), "steps": self.steps}))?;
        } else {
            println!("done: every file above is in {}", self.dir.display());
        }
        Ok(ExitCode::SUCCESS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of examples/sample-app (but its README) is embedded, and nothing else.
    #[test]
    fn embedded_sample_is_the_whole_sample_app() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sample-app");
        let mut on_disk = Vec::new();
        let mut pending = vec![root.clone()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_none_or(|e| e != "md") {
                    let rel = path
                        .strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    on_disk.push(rel);
                }
            }
        }
        on_disk.sort();
        let mut embedded: Vec<String> = SAMPLE.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        assert_eq!(embedded, on_disk);
    }
}
