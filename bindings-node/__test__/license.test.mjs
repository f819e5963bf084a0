import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const kots = require('../index.js')

const here = dirname(fileURLToPath(import.meta.url))
const VECTORS = join(here, '..', '..', '..', 'shared', 'testdata', 'kots', 'licenses')

const UNSIGNED = `apiVersion: kots.io/v1beta2
kind: License
metadata: {name: acme}
spec:
  appSlug: my-app
  licenseID: lic-1
  customerName: Acme
  channelID: legacy
  channels:
  - {channelID: c1, channelSlug: stable, isDefault: true}
  - {channelID: c2, channelSlug: beta}
  isKotsInstallEnabled: true
  entitlements:
    expires_at: {value: "2030-01-01T00:00:00Z", valueType: String}
    seats: {value: 25, title: Seats}
    gpu: {value: true}
`

function vector(t, name) {
  const path = join(VECTORS, name)
  if (!existsSync(path)) {
    t.skip(`KOTS license vectors not found at ${VECTORS}`)
    return null
  }
  return readFileSync(path, 'utf8')
}

function throwsCode(fn, code) {
  assert.throws(fn, (err) => {
    assert.equal(err.code, code, err.message)
    return true
  })
}

test('model: typed entitlements, unknown fields kept', () => {
  const lic = kots.License.fromYaml(UNSIGNED)
  assert.equal(lic.apiVersion, 'kots.io/v1beta2')
  assert.equal(lic.appSlug, 'my-app')
  assert.equal(lic.licenseID, 'lic-1')
  assert.deepEqual(lic.entitlements, { expires_at: '2030-01-01T00:00:00Z', gpu: true, seats: 25 })
  assert.equal(lic.entitlementValue('seats'), 25)
  assert.equal(lic.entitlementValue('nope'), null)
  assert.equal(lic.spec.isKotsInstallEnabled, true)
  assert.deepEqual(kots.License.fromObject(lic.toObject()).toObject(), lic.toObject())
  assert.match(lic.toYaml(), /isKotsInstallEnabled: true/)
  throwsCode(() => kots.License.fromYaml('apiVersion: v1\nkind: ConfigMap\n'), 'KOTS_LICENSE_NOT_A_LICENSE')
  throwsCode(
    () => kots.License.fromYaml('apiVersion: kots.io/v1beta1\nkind: License\nspec:\n  entitlements:\n    x: {value: 1.5}\n'),
    'KOTS_LICENSE_INVALID_FIELD',
  )
})

test('expiry with an injected clock, and channels', () => {
  const lic = kots.License.fromYaml(UNSIGNED)
  assert.equal(lic.expiresAt(), '2030-01-01T00:00:00Z')
  assert.equal(lic.isExpired('2029-12-31T23:59:59Z'), false)
  assert.equal(lic.isExpired('2030-01-01T00:00:00.001Z'), true)
  assert.equal(lic.isExpired(), false)
  throwsCode(() => lic.isExpired('tomorrow'), 'KOTS_LICENSE_INVALID_TIMESTAMP')
  assert.equal(lic.defaultChannelId(), 'c1')
  assert.equal(lic.channelIdForSlug('beta'), 'c2')
  assert.equal(lic.findChannel('c2').channelSlug, 'beta')
  assert.equal(lic.isChannelSlugAllowed('nightly'), false)
  throwsCode(() => lic.channelIdForSlug('nightly'), 'KOTS_LICENSE_CHANNEL_SLUG_NOT_FOUND')
})

test('ed25519: sign, verify, rotation, tampering', () => {
  const oldKey = kots.generateLicenseSigningKey()
  const newKey = kots.generateLicenseSigningKey()
  assert.equal(kots.licensePublicKey(newKey.privateKey), newKey.publicKey)
  const signed = kots.signLicense(kots.License.fromYaml(UNSIGNED), newKey.privateKey, '2026')

  const verifier = new kots.LicenseVerifier({ strict: true })
  throwsCode(() => verifier.verify(signed), 'KOTS_LICENSE_UNKNOWN_KEY_ID')
  verifier.trustEd25519Key('2025', oldKey.publicKey)
  verifier.trustEd25519Key('2026', oldKey.publicKey)
  throwsCode(() => verifier.verify(signed), 'KOTS_LICENSE_ED25519_SIGNATURE_INVALID')
  verifier.trustEd25519Key('2026', newKey.publicKey)
  const verified = verifier.verifyYaml(signed.toYaml())
  assert.equal(verified.scheme, 'ed25519')
  assert.equal(verified.keyId, '2026')
  assert.deepEqual(verified.warnings, [])
  assert.equal(verified.license.entitlements.seats, 25)

  const object = signed.toObject()
  object.spec.customerName = 'Mallory'
  const tampered = kots.License.fromObject(object)
  throwsCode(() => verifier.verify(tampered), 'KOTS_LICENSE_DATA_MISMATCH')
  verifier.strict = false
  const lenient = verifier.verify(tampered)
  assert.equal(lenient.license.customerName, 'Acme')
  assert.deepEqual(lenient.warnings, [{ field: 'customerName', signed: 'Acme', outer: 'Mallory' }])
  throwsCode(() => kots.licensePublicKey('junk'), 'KOTS_LICENSE_INVALID_KEY')
})

test('KOTS vectors verify with the embedded keys', (t) => {
  const valid = vector(t, 'kots/valid.yaml')
  if (valid === null) return
  const verified = new kots.LicenseVerifier().verifyYaml(valid)
  assert.equal(verified.scheme, 'rsa-pss-md5')
  assert.equal(verified.keyId, 'bdee56560cfb43c9b28bf98eacafa646')
  assert.equal(verified.license.licenseSequence, 7)
  assert.equal(new kots.LicenseVerifier().verifyYaml(vector(t, 'kotskinds/v1beta2.yaml')).scheme, 'rsa-pss-sha256')
  throwsCode(
    () => new kots.LicenseVerifier().verifyYaml(vector(t, 'kots/invalid-signature.yaml')),
    'KOTS_LICENSE_LICENSE_SIGNATURE_INVALID',
  )
  const changed = new kots.LicenseVerifier().verifyYaml(vector(t, 'kots/invalid-changed-licenseID.yaml'))
  assert.deepEqual(changed.warnings.map((w) => w.field), ['licenseID'])
  assert.equal(changed.license.licenseID, '1vusOokxAVp1tkRGuyxnF23PJcq')
})

test('KOTS custom global key', (t) => {
  const text = vector(t, 'kots/valid-v1beta2.yaml')
  if (text === null) return
  throwsCode(() => new kots.LicenseVerifier().verifyYaml(text), 'KOTS_LICENSE_UNKNOWN_GLOBAL_KEY')
  const verifier = new kots.LicenseVerifier({ embeddedKeys: false })
  verifier.trustRsaKeyForAnyId(vector(t, 'test-global-key.pem'))
  assert.equal(verifier.verifyYaml(text).license.entitlements.int_default_0_set_587, 587)
  const byId = new kots.LicenseVerifier({ embeddedKeys: false })
  byId.trustRsaKey('test-global-key-id', vector(t, 'test-global-key.pem'))
  assert.equal(byId.verifyYaml(text).keyId, 'test-global-key-id')
  throwsCode(() => byId.trustRsaKey('x', 'not a pem'), 'KOTS_LICENSE_INVALID_KEY')
})
