import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const require = createRequire(import.meta.url)
const kots = require('../index.js')

const here = path.dirname(fileURLToPath(import.meta.url))
const simple = path.resolve(here, '../../../shared/testdata/kots/pull-cases/simple/upstream')
const hasTestdata = existsSync(simple)
const skip = hasTestdata ? false : '../shared/testdata/kots is absent'
const license = () => readFileSync(path.join(simple, 'userdata/license.yaml'), 'utf8')

const CONFIG = `apiVersion: kots.io/v1beta1
kind: Config
metadata: {name: app}
spec:
  groups:
  - name: g
    title: G
    items:
    - {name: host, type: text, default: example.com}
`
const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.25
        env: [{name: HOST, value: '{{repl ConfigOption "host" }}'}]
`

test('renders a release directory like KOTS', { skip }, () => {
  const result = kots.renderRelease(simple, license(), null, { namespace: 'app-namespace' })
  const names = result.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`).sort()
  assert.deepEqual(names, ['ConfigMap/test-licenseinfo', 'Secret/kotsadm-replicated-registry', 'Secret/my-app-registry'])
  assert.equal(result.summary.documents, 3)
})

test('renders an in-memory release with a registry and finishing switches', { skip }, () => {
  const files = { 'config.yaml': CONFIG, 'web.yaml': Buffer.from(MANIFEST) }
  const result = kots.renderRelease(files, license(), null, {
    registry: { hostname: 'registry.example.com', namespace: 'apps' },
    finishing: { backupLabel: false },
  })
  const web = result.objects.find((o) => o.object.kind === 'Deployment').object
  const container = web.spec.template.spec.containers[0]
  assert.equal(container.image, 'registry.example.com/apps/nginx:1.25')
  assert.equal(container.env[0].value, 'example.com')
  assert.deepEqual(web.spec.template.spec.imagePullSecrets, [{ name: 'my-app-registry' }])
  assert.equal(web.metadata.labels['kots.io/backup'], undefined)
  assert.deepEqual(result.summary.images, ['nginx:1.25'])
})

test('template errors carry a code and name the file', { skip }, () => {
  assert.throws(
    () => kots.renderRelease({ 'bad.yaml': "a: '{{repl Nope }}'\n" }, license()),
    (err) => err.code === 'KOTS_RENDER_TEMPLATE' && /bad\.yaml/.test(err.message) && /"Nope" not defined/.test(err.message),
  )
})

test('a license that does not verify is rejected', () => {
  assert.throws(
    () => kots.renderRelease({}, 'apiVersion: kots.io/v1beta1\nkind: License\nspec: {appSlug: a}\n'),
    (err) => err.code === 'KOTS_LICENSE_INVALID',
  )
})

test('a vendor-signed ed25519 license renders with licenseEd25519Keys', () => {
  const unsigned =
    'apiVersion: kots.io/v1beta2\nkind: License\nmetadata: {name: l}\n' +
    'spec: {appSlug: my-app, licenseID: abc, customerName: Globex}\n'
  const key = kots.generateLicenseSigningKey()
  const signed = kots.signLicense(kots.License.fromYaml(unsigned), key.privateKey, 'vendor-1').toYaml()
  const files = {
    'cm.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n' +
      'data: {who: \'{{repl LicenseFieldValue "customerName" }}\'}\n',
  }
  assert.throws(() => kots.renderRelease(files, signed), (e) => e.code === 'KOTS_LICENSE_INVALID')
  const result = kots.renderRelease(files, signed, null, { licenseEd25519Keys: { 'vendor-1': key.publicKey } })
  assert.deepEqual(result.objects[0].object.data, { who: 'Globex' })
  const other = kots.generateLicenseSigningKey()
  assert.throws(
    () => kots.renderRelease(files, signed, null, { licenseEd25519Keys: { 'vendor-1': other.publicKey } }),
    (e) => e.code === 'KOTS_LICENSE_INVALID'
  )
})
