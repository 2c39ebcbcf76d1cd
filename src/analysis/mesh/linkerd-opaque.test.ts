/**
 * Linkerd opaque ports on the client side: a port Linkerd proxies as opaque TCP skips protocol detection, so
 * HTTPRoutes (GAMMA traffic splits) do not apply and every ready endpoint takes connections.
 * https://linkerd.io/2.15/features/protocol-detection/ (annotation, default list replaced by it),
 * linkerd/linkerd2#5766 (a Service inherits its namespace's annotation), edge-25.2.3 (appProtocol linkerd.io/opaque).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { clientPod, compileMesh, type MeshDecision } from './index.ts';

/** The books split of Linkerd's dynamic request routing task on `port`, the Service and namespace annotated. */
function split(port: number, svcMeta = '', nsMeta = '', appProtocol = ''): MeshDecision {
  const backend = (n: string) => `---
apiVersion: v1
kind: Service
metadata: {name: ${n}, namespace: books${svcMeta}}
spec: {selector: {app: ${n}}, ports: [{port: ${port}${appProtocol ? `, appProtocol: ${appProtocol}` : ''}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: ${n}, namespace: books, labels: {app: ${n}}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: ${port}}]}]}
`;
  const text = `apiVersion: v1
kind: Namespace
metadata: {name: books, annotations: {linkerd.io/inject: enabled${nsMeta}}}
${backend('backend-a')}${backend('backend-b')}---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: books}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: backend-router, namespace: books}
spec:
  parentRefs: [{name: backend-a, kind: Service, group: core, port: ${port}}]
  rules:
  - backendRefs: [{name: backend-b, port: ${port}}]
`;
  const { model } = buildFromTexts([{ file: 'books.yaml', text }], {
    profile: {
      file: 'p.yaml',
      text: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: linkerd}\n',
    },
  });
  const pod = clientPod(model, 'books/client');
  assert.ok(typeof pod !== 'string');
  const d = compileMesh(model).route(
    {
      scheme: 'http',
      host: 'backend-a',
      port,
      path: '/',
      query: [],
      method: 'GET',
      headers: { host: 'backend-a' },
    },
    pod,
  );
  assert.ok(typeof d !== 'string', String(d));
  return d;
}

const names = (d: MeshDecision) => d.destinations.map((x) => x.name);

test('linkerd-opaque-ports: an annotated Service port is opaque TCP, so the HTTPRoute split does not apply', () => {
  assert.deepEqual(names(split(8080)), ['backend-b'], 'HTTP port: the HTTPRoute sends to backend-b');
  const d = split(8080, ', annotations: {config.linkerd.io/opaque-ports: "8080"}');
  assert.deepEqual(names(d), ['backend-a']);
  assert.match(d.by, /opaque port/);
  assert.ok(
    d.notes.some((n) => n.includes("the Service's config.linkerd.io/opaque-ports annotation (8080)")),
  );
});

test('linkerd-opaque-ports: the namespace annotation is inherited, a range counts, the default list applies without one', () => {
  assert.deepEqual(names(split(8080, '', ', config.linkerd.io/opaque-ports: "8000-8100"')), ['backend-a']);
  assert.deepEqual(names(split(5432)), ['backend-a'], '5432 is in the default list');
  assert.deepEqual(
    names(split(5432, ', annotations: {config.linkerd.io/opaque-ports: "9999"}')),
    ['backend-b'],
    'an annotation replaces the default list',
  );
});

test('linkerd-opaque-ports: appProtocol linkerd.io/opaque is opaque; another appProtocol is unknown (it depends on the Linkerd version)', () => {
  assert.deepEqual(names(split(8080, '', '', 'linkerd.io/opaque')), ['backend-a']);
  const other = split(8080, '', '', 'tcp');
  assert.match(other.unknown ?? '', /Linkerd 2.18 and later/);
});
