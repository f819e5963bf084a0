// The kots SDK from Node on the sample release (examples/sample-app): the `kots demo` flow.
//
// Run it from anywhere: `node examples/node/demo.mjs [--json]` (after `npx napi build --platform`
// in bindings-node). It prints one line per step; with --json, one JSON document.
//
// Both versions are rendered with `renderRelease`, which trusts the vendor's ed25519 key through
// `licenseEd25519Keys`; images and the plan are computed on the rendered objects.

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const kots = require(process.env.KOTS_NODE_BINDING ?? join(here, '../../bindings-node/index.js'))

const SAMPLE = join(here, '../sample-app')
const KEY_ID = 'acme-vendor-2026'
const KOTS_VERSION = '1.117.3'
const OLD_KOTS_VERSION = '1.99.0'
const REGISTRY = 'registry.customer.example/acme'
const NAMESPACE = 'acme-notes'

const read = (path) => readFileSync(join(SAMPLE, path), 'utf8')

/** The application objects KOTS would deploy for one release version. */
function rendered(version, licenseYaml, publicKey) {
  const result = kots.renderRelease(join(SAMPLE, version), licenseYaml, read('configvalues.yaml'), {
    licenseEd25519Keys: { [KEY_ID]: publicKey },
    namespace: NAMESPACE,
  })
  return result.objects.map((o) => o.object)
}

export function runDemo() {
  const steps = []
  const step = (name, line, figures) => steps.push({ step: name, line, figures })

  // 1-3: the vendor signs, the customer verifies with the public key only.
  const key = kots.generateLicenseSigningKey()
  step('key', `generated an ed25519 signing key '${KEY_ID}'`, { keyId: KEY_ID })

  const unsigned = kots.License.fromYaml(read('license.yaml'))
  const signed = kots.signLicense(unsigned, key.privateKey, KEY_ID)
  const entitlements = Object.keys(signed.spec.entitlements).length
  step('sign', `signed license ${signed.licenseID} (${signed.apiVersion}, ${entitlements} entitlements)`, { entitlements })

  const verifier = new kots.LicenseVerifier()
  verifier.trustEd25519Key(KEY_ID, key.publicKey)
  const verified = verifier.verifyYaml(signed.toYaml())
  const edited = signed.toObject()
  edited.spec.entitlements.seats.value = 9999
  const lenient = verifier.verify(kots.License.fromObject(edited))
  const strict = new kots.LicenseVerifier({ strict: true })
  strict.trustEd25519Key(KEY_ID, key.publicKey)
  let strictRefused = false
  try {
    strict.verify(kots.License.fromObject(edited))
  } catch (err) {
    if (err.code !== 'KOTS_LICENSE_DATA_MISMATCH') throw err
    strictRefused = true
  }
  const seats = verified.license.entitlementValue('seats')
  const editedSeats = lenient.license.entitlementValue('seats')
  step(
    'verify',
    `${verified.scheme} signature valid (key ${verified.keyId}): ${verified.license.customerName}, seats=${seats}, ` +
      `expires ${verified.license.expiresAt()}, ${verified.warnings.length} warnings; an edited copy (seats=9999) ` +
      `verifies to the signed seats=${editedSeats} with ${lenient.warnings.length} warning` +
      (strictRefused ? ', strict mode refuses it' : ''),
    { scheme: verified.scheme, seats, editedSeats, editedWarnings: lenient.warnings.length, strictRefused },
  )

  // 4: may this KOTS install version 1?
  const app = read('v1/kots-app.yaml')
  const install = kots.gate(app, KOTS_VERSION, 'install')
  const old = kots.gate(app, OLD_KOTS_VERSION, 'install')
  step(
    'gate',
    `install on KOTS ${KOTS_VERSION}: ${install.allowed ? 'allowed' : 'BLOCKED'} (${install.reason}); ` +
      `KOTS ${OLD_KOTS_VERSION}: ${old.allowed ? 'allowed' : 'blocked'} (${old.reason})`,
    { decision: install, olderKots: old },
  )

  // 5: the release's Config, as the bindings decode it.
  const groups = kots.parseConfig(read('v1/kots-config.yaml')).spec.groups
  const items = groups.reduce((n, g) => n + (g.items ?? []).length, 0)
  step('config', `${groups.length} groups, ${items} items`, { groups: groups.length, items })

  // 6-7: images of version 1 moved to the private registry.
  const v1 = rendered('v1', signed.toYaml(), key.publicKey)
  const kinds = [...new Set(v1.map((o) => o.kind))].sort()
  step('render', `version 1: ${v1.length} documents (${kinds.join(', ')})`, { documents: v1.length })
  const found = kots.discoverImages(v1)
  const moved = kots.rewriteImages(v1, { registry: REGISTRY })
  step(
    'images',
    `${found.images.length} images -> ${REGISTRY}: ${moved.images.length} kustomize entries, ${moved.rewritten} image fields rewritten`,
    { images: found.images.length, entries: moved.images.length, rewritten: moved.rewritten },
  )

  // 8-9: version 2, then the upgrade plan between the two (both on the private registry).
  const v2 = kots.rewriteImages(rendered('v2', signed.toYaml(), key.publicKey), { registry: REGISTRY }).manifests
  const plan = kots.planRelease(moved.manifests, v2, { policy: { namespace: NAMESPACE } })
  const s = plan.summary
  const refused = plan.operations.filter((op) => op.refused)
  step(
    'plan',
    `v1 -> v2: ${s.create} create, ${s.update} update, ${s.replace} replace, ${s.delete} delete, ${s.noop} noop; ` +
      `${s.refused} refused: ` +
      refused.map((op) => `${op.op} ${op.key} (${op.severity}): ${op.refusedBecause.join(' ')}`).join('; '),
    {
      summary: s,
      refused: refused.map((op) => ({ key: op.key, op: op.op, severity: op.severity, because: op.refusedBecause })),
    },
  )
  return steps
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const steps = runDemo()
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ steps }))
  } else {
    steps.forEach((s, i) => console.log(`${String(i + 1).padStart(2)}. ${s.step.padEnd(7)} ${s.line}`))
  }
}
