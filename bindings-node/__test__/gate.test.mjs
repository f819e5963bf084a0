import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const kots = require('../index.js')

const APP = `apiVersion: kots.io/v1beta1
kind: Application
metadata:
  name: sentry
spec:
  title: Sentry
  minKotsVersion: 1.100.0
  targetKotsVersion: v1.120.0
`

test('gate allows an install within the bounds', () => {
  // Absent optional fields (message, desiredVersion) are left out of the object.
  assert.deepEqual(kots.gate(APP, 'v1.110.0', 'install'), {
    allowed: true,
    reason: 'compatible',
    upgradeRecommended: false,
    warnings: [],
  })
})

test('gate blocks below the minimum with the KOTS message', () => {
  const d = kots.gate(APP, '1.99.0', 'update')
  assert.equal(d.allowed, false)
  assert.equal(d.reason, 'belowMinKotsVersion')
  assert.equal(d.desiredVersion, 'v1.120.0')
  assert.match(d.message, /^This version of Sentry requires a version of KOTS that is different/)
  assert.match(d.message, /Upgrade KOTS to version v1\.120\.0, and then download/)
})

test('the target applies to installs only, and recommends upgrades on update', () => {
  assert.equal(kots.gate(APP, '1.130.0', 'install').reason, 'aboveTargetKotsVersion')
  assert.equal(kots.gate(APP, '1.130.0', 'update').allowed, true)
  const d = kots.gate(APP, '1.110.0', 'update')
  assert.equal(d.upgradeRecommended, true)
  assert.equal(d.desiredVersion, 'v1.120.0')
})

test('invalid bounds are warnings; an invalid running version allows', () => {
  const d = kots.gate(APP.replace('1.100.0', '1.100-beta'), '1.0.0', 'install')
  assert.equal(d.allowed, true)
  assert.deepEqual(d.warnings, [
    'minimum kots version specified in the application spec is invalid: Short version cannot contain PreRelease/Build meta data',
  ])
  assert.equal(kots.gate(APP, 'V1.0.0', 'install').reason, 'runningVersionInvalid')
})

test('errors carry stable codes', () => {
  assert.throws(() => kots.gate(APP, '1.0.0', 'upgrade'), (e) => e.code === 'KOTS_GATE_UNKNOWN_OPERATION')
  assert.throws(
    () => kots.gate('apiVersion: v1\nkind: ConfigMap\n', '1.0.0', 'install'),
    (e) => e.code === 'KOTS_KINDS_NOT_FOUND'
  )
  assert.throws(() => kots.gate('a: [', '1.0.0', 'install'), (e) => e.code === 'KOTS_MANIFEST_YAML')
  assert.throws(() => kots.normalizeKotsVersion('01.0.0'), (e) => e.code === 'KOTS_GATE_INVALID_VERSION')
})

test('versions compare and normalise as blang/semver', () => {
  assert.equal(kots.compareKotsVersions('1.0.0-alpha', '1.0.0'), -1)
  assert.equal(kots.compareKotsVersions('1.0.0-beta.11', '1.0.0-beta.2'), 1)
  assert.equal(kots.compareKotsVersions('v1.2', '1.2.0+build'), 0)
  assert.equal(kots.normalizeKotsVersion(' v1.2 '), '1.2.0')
})

test('kinds parse to objects, with KOTS decoding rules', () => {
  const config = kots.parseConfig(`apiVersion: kots.io/v1beta1
kind: Config
metadata: {name: my-app}
spec:
  groups:
  - name: setup
    title: Setup
    items:
    - {name: tls, type: bool, default: true, when: 0}
    - {name: db, type: radio, items: [{name: a, title: A}], extra: kept}
`)
  const [tls, db] = config.spec.groups[0].items
  assert.equal(tls.default, true)
  assert.equal(tls.when, 'false')
  assert.equal(db.items[0].name, 'a')
  assert.equal(db.extra, 'kept')
  assert.throws(
    () => kots.parseConfig('apiVersion: kots.io/v1beta1\nkind: Config\nmetadata: {name: c}\nspec:\n  groups:\n  - name: g\n    items:\n    - {name: port, default: 5}\n'),
    (e) => e.code === 'KOTS_KINDS_DECODE' && /spec\.groups\[0\]\.items\[0\]\.default \(group "g", item "port"\)/.test(e.message)
  )
  const v2 = kots.parseHelmChart('apiVersion: kots.io/v1beta2\nkind: HelmChart\nspec:\n  chart: {name: c, chartVersion: 1.0.0}\n  releaseName: r\n')
  assert.equal(v2.spec.releaseName, 'r')
  assert.equal(kots.parseApplication('apiVersion: kots.io/v1beta1\nkind: Application\nspec: {title: A}\n').spec.title, 'A')
  assert.deepEqual(kots.parseConfigValues('apiVersion: kots.io/v1beta1\nkind: ConfigValues\nspec:\n  values:\n    a: {value: x}\n').spec.values, { a: { value: 'x' } })
  assert.equal(kots.parseInstallation('apiVersion: kots.io/v1beta1\nkind: Installation\nspec: {channelName: Stable}\n').spec.channelName, 'Stable')
  assert.deepEqual(kots.parseAirgap('apiVersion: kots.io/v1beta1\nkind: Airgap\nspec: {savedImages: [a]}\n').spec.savedImages, ['a'])
  assert.throws(() => kots.parseApplication('apiVersion: kots.io/v1beta1\nkind: Config\n'), (e) => e.code === 'KOTS_KINDS_WRONG_KIND')
})

test('kotsKind classifies as IsKotsKind', () => {
  assert.equal(kots.kotsKind('kots.io/v1beta1', 'HelmChart'), 'helmChartV1Beta1')
  assert.equal(kots.kotsKind('apps/v1', 'Deployment'), null)
  assert.equal(kots.isKotsKind('velero.io/v1', 'Backup'), true)
})
