import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const kots = require('../index.js')

const DIGEST = 'sha256:f26fbadb0acab4a21ecb4e337a326907e61fbec36c9a9b52e725669d99ed1261'

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      initContainers:
      - name: init
        image: busybox
      containers:
      - name: nginx
        image: nginx:1@${DIGEST}
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
  - name: a
    image: quay.io/org/sub/tool:2
  ephemeralContainers:
  - name: e
    image: alpine:3
`

test('parseImageReference normalises like Docker', () => {
  assert.deepEqual(kots.parseImageReference('nginx'), {
    input: 'nginx',
    normalized: 'docker.io/library/nginx:latest',
    familiar: 'nginx',
    domain: 'docker.io',
    path: 'library/nginx',
    tag: 'latest'
  })
  const r = kots.parseImageReference(`index.docker.io/org/app:1@${DIGEST}`)
  assert.equal(r.normalized, `docker.io/org/app:1@${DIGEST}`)
  assert.equal(r.familiar, `org/app:1@${DIGEST}`)
})

test('invalid references throw KOTS_IMAGE_INVALID_REFERENCE with Go\'s message', () => {
  assert.throws(
    () => kots.parseImageReference('Nginx'),
    (err) => err.code === 'KOTS_IMAGE_INVALID_REFERENCE' && /repository name \(library\/Nginx\) must be lowercase/.test(err.message)
  )
  assert.throws(
    () => kots.parseImageReference('a'.repeat(64)),
    (err) => err.code === 'KOTS_IMAGE_INVALID_REFERENCE' && /64-byte hexadecimal/.test(err.message)
  )
})

test('destImage and kustomizeImages follow KOTS', () => {
  assert.equal(kots.destImage('quay.io/org/sub/img:1', 'my.registry.com/ns'), 'my.registry.com/ns/img:1')
  assert.deepEqual(kots.kustomizeImages(['fluent/fluentd:v1.7'], 'localhost:5000/somebigbank'), [
    { name: 'fluent/fluentd', newName: 'localhost:5000/somebigbank/fluentd' },
    { name: 'docker.io/fluent/fluentd', newName: 'localhost:5000/somebigbank/fluentd' }
  ])
})

test('localImageName covers registry, public, proxied and failed-probe cases', () => {
  assert.equal(
    kots.localImageName('nginx:latest', { registry: 'my.registry.com/my_namespace' }),
    'my.registry.com/my_namespace/nginx:latest'
  )
  assert.equal(kots.localImageName('redis:latest', { appSlug: 'myslug', isPrivate: false }), 'redis:latest')
  assert.equal(
    kots.localImageName('redis:latest', { appSlug: 'myslug', proxyPublicImages: true }),
    'proxy.replicated.com/proxy/myslug/redis:latest'
  )
  assert.equal(
    kots.localImageName('custom.registry.com/kots/myimage:v1.13.0', { appSlug: 'myslug', registryDomain: 'custom.registry.com' }),
    'custom.registry.com/kots/myimage:v1.13.0'
  )
  assert.equal(kots.localImageName('quay.io/a/b', { isPrivate: null }), '')
})

test('dockerConfigJson and pullSecrets are byte-identical to KOTS', () => {
  assert.equal(
    kots.dockerConfigJson(['example.com:5000'], 'user', 'password'),
    '{"auths":{"example.com:5000":{"auth":"dXNlcjpwYXNzd29yZA=="}}}'
  )
  const [app, admin] = kots.pullSecrets(['ttl.sh/test'], 'test', 'fake-pass', 'app-namespace', 'my-app')
  assert.equal(app.metadata.name, 'my-app-registry')
  assert.equal(admin.metadata.name, 'kotsadm-replicated-registry')
  assert.equal(app.data['.dockerconfigjson'], 'eyJhdXRocyI6eyJ0dGwuc2giOnsiYXV0aCI6ImRHVnpkRHBtWVd0bExYQmhjM009In19fQ==')
})

test('discoverImages: KOTS rules and the complete mode', () => {
  const kotsMode = kots.discoverImages(MANIFESTS)
  assert.deepEqual(kotsMode.images.map((i) => i.image), ['busybox', `nginx:1@${DIGEST}`, 'quay.io/org/sub/tool:2'])
  const complete = kots.discoverImages(kots.parseManifests(MANIFESTS), { mode: 'complete' })
  assert.deepEqual(complete.workloadImages, ['alpine:3', 'busybox', `nginx:1@${DIGEST}`, 'quay.io/org/sub/tool:2'])
  assert.deepEqual(complete.images[0].locations, [{ document: 1, pointer: '/spec/ephemeralContainers/0/image', source: 'ephemeralContainer' }])
  assert.throws(() => kots.discoverImages(MANIFESTS, { mode: 'all' }), (err) => err.code === 'KOTS_IMAGE_INVALID_OPTIONS')
})

test('rewriteImages rewrites in place, keeping tags and digests', () => {
  const out = kots.rewriteImages(MANIFESTS, { registry: 'ttl.sh/test' })
  assert.equal(out.manifests[0].spec.template.spec.containers[0].image, `ttl.sh/test/nginx:1@${DIGEST}`)
  assert.equal(out.manifests[1].spec.containers[0].image, 'ttl.sh/test/tool:2')
  // KOTS mode leaves ephemeral containers alone, as kustomize does.
  assert.equal(out.manifests[1].spec.ephemeralContainers[0].image, 'alpine:3')
  const complete = kots.rewriteImages(MANIFESTS, { registry: 'ttl.sh/test', mode: 'complete' })
  assert.equal(complete.manifests[1].spec.ephemeralContainers[0].image, 'ttl.sh/test/alpine:3')
  const proxied = kots.rewriteImages(MANIFESTS, { proxyAppSlug: 'app', privateImages: ['busybox'] })
  assert.equal(proxied.manifests[0].spec.template.spec.initContainers[0].image, 'proxy.replicated.com/proxy/app/busybox')
  assert.throws(() => kots.rewriteImages(MANIFESTS, {}), (err) => err.code === 'KOTS_IMAGE_INVALID_OPTIONS')
})

test('airgapPushMappings pulls from the bundle registry and pushes to the destination', () => {
  assert.deepEqual(kots.airgapPushMappings(['quay.io/org/app:1'], 'reg.local/apps', 5000), [
    { image: 'quay.io/org/app:1', source: 'localhost:5000/app:1', destination: 'reg.local/apps/app:1', preserveDigests: false }
  ])
})
