"""The kots SDK from Python on the sample release (examples/sample-app): the `kots demo` flow.

Run it from anywhere: `python examples/python/demo.py [--json]`. It prints one line per step;
with --json, one JSON document. Exit code 0 when every step ran.

Both versions are rendered with `kots.render_release`, which trusts the vendor's ed25519 key
through `license_ed25519_keys`; images and the plan are computed on the rendered objects.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import kots

SAMPLE = Path(__file__).resolve().parent.parent / "sample-app"
KEY_ID = "acme-vendor-2026"
KOTS_VERSION = "1.117.3"
OLD_KOTS_VERSION = "1.99.0"
REGISTRY = "registry.customer.example/acme"
NAMESPACE = "acme-notes"


def rendered(version: str, license_yaml: str, public_pem: str) -> list[dict[str, Any]]:
    """The application objects KOTS would deploy for one release version."""
    result = kots.render_release(
        str(SAMPLE / version), license_yaml, (SAMPLE / "configvalues.yaml").read_text(),
        license_ed25519_keys={KEY_ID: public_pem}, namespace=NAMESPACE,
    )
    return [o["object"] for o in result["objects"]]


def run(workdir: Path) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []

    def step(name: str, line: str, **figures: Any) -> None:
        steps.append({"step": name, "line": line, "figures": figures})

    # 1-3: the vendor signs, the customer verifies with the public key only.
    private_pem, public_pem = kots.generate_license_signing_key()
    (workdir / "vendor.pub.pem").write_text(public_pem)
    step("key", f"generated an ed25519 signing key {KEY_ID!r}", keyId=KEY_ID)

    unsigned = kots.License.from_yaml((SAMPLE / "license.yaml").read_text())
    signed = kots.sign_license(unsigned, private_pem, KEY_ID)
    (workdir / "license.yaml").write_text(signed.to_yaml())
    step("sign", f"signed license {signed.license_id} ({signed.api_version}, "
         f"{len(signed.entitlements)} entitlements)", entitlements=len(signed.entitlements))

    verifier = kots.LicenseVerifier()
    verifier.trust_ed25519_key(KEY_ID, public_pem)
    verified = verifier.verify((workdir / "license.yaml").read_text())
    edited = signed.to_dict()
    edited["spec"]["entitlements"]["seats"]["value"] = 9999
    lenient = verifier.verify(kots.License.from_dict(edited))
    strict = kots.LicenseVerifier(strict=True)
    strict.trust_ed25519_key(KEY_ID, public_pem)
    try:
        strict.verify(kots.License.from_dict(edited))
        strict_refused = False
    except kots.LicenseError as err:
        if err.code != "DATA_MISMATCH":
            raise
        strict_refused = True
    seats = verified.license.entitlement_value("seats")
    step("verify", f"{verified.scheme} signature valid (key {verified.key_id}): "
         f"{verified.license.customer_name}, seats={seats}, expires {verified.license.expires_at()}, "
         f"{len(verified.warnings)} warnings; an edited copy (seats=9999) verifies to the signed "
         f"seats={lenient.license.entitlement_value('seats')} with {len(lenient.warnings)} warning"
         f"{', strict mode refuses it' if strict_refused else ''}",
         scheme=verified.scheme, seats=seats, editedSeats=lenient.license.entitlement_value("seats"),
         editedWarnings=len(lenient.warnings), strictRefused=strict_refused)

    # 4: may this KOTS install version 1?
    app_yaml = (SAMPLE / "v1" / "kots-app.yaml").read_text()
    install = kots.gate(app_yaml, KOTS_VERSION, "install")
    old = kots.gate(app_yaml, OLD_KOTS_VERSION, "install")
    step("gate", f"install on KOTS {KOTS_VERSION}: {'allowed' if install['allowed'] else 'BLOCKED'} "
         f"({install['reason']}); KOTS {OLD_KOTS_VERSION}: "
         f"{'allowed' if old['allowed'] else 'blocked'} ({old['reason']})",
         decision=install, olderKots=old)

    # 5: the release's Config, as the bindings decode it.
    config = kots.parse_config((SAMPLE / "v1" / "kots-config.yaml").read_text())
    groups = config["spec"]["groups"]
    items = sum(len(g.get("items", [])) for g in groups)
    step("config", f"{len(groups)} groups, {items} items",
         groups=len(groups), items=items)

    # 6-7: version 1 rendered, its images moved to the private registry.
    v1 = rendered("v1", signed.to_yaml(), public_pem)
    kinds = sorted({o["kind"] for o in v1})
    step("render", f"version 1: {len(v1)} documents ({', '.join(kinds)})", documents=len(v1))
    found = kots.discover_images(v1)
    moved = kots.rewrite_images(v1, registry=REGISTRY)
    step("images", f"{len(found['images'])} images -> {REGISTRY}: {len(moved['images'])} kustomize "
         f"entries, {moved['rewritten']} image fields rewritten",
         images=len(found["images"]), entries=len(moved["images"]), rewritten=moved["rewritten"])

    # 8-9: version 2, then the upgrade plan between the two (both on the private registry).
    v2 = rendered("v2", signed.to_yaml(), public_pem)
    v2 = kots.rewrite_images(v2, registry=REGISTRY)["manifests"]
    plan = kots.plan_release(moved["manifests"], v2, policy={"namespace": NAMESPACE})
    (workdir / "plan.json").write_text(json.dumps(plan, indent=2))
    s = plan["summary"]
    refused = [op for op in plan["operations"] if op["refused"]]
    step("plan", f"v1 -> v2: {s['create']} create, {s['update']} update, {s['replace']} replace, "
         f"{s['delete']} delete, {s['noop']} noop; {s['refused']} refused: "
         + "; ".join(f"{op['op']} {op['key']} ({op['severity']}): {' '.join(op['refusedBecause'])}"
                     for op in refused),
         summary=s, refused=[{"key": op["key"], "op": op["op"], "severity": op["severity"],
                              "because": op["refusedBecause"]} for op in refused])
    return steps


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="kots-demo-py-") as tmp:
        steps = run(Path(tmp))
    if "--json" in sys.argv[1:]:
        print(json.dumps({"steps": steps}))
    else:
        for number, step in enumerate(steps, 1):
            print(f"{number:>2}. {step['step']:<7} {step['line']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
