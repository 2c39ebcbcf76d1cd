/**
 * GAMMA: HTTPRoutes whose parentRef is a Service route the mesh's east-west traffic, with the Gateway API's
 * matches, filters and weighted backendRefs. https://gateway-api.sigs.k8s.io/mesh/
 * Linkerd's example (books split): https://linkerd.io/2.15/tasks/configuring-dynamic-request-routing/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { clientPod, compileMesh, meshActual, type MeshDecision } from './index.ts';

const text = `apiVersion: v1
kind: Namespace
metadata: {name: books, annotations: {linkerd.io/inject: enabled}}
---
apiVersion: v1
kind: Namespace
metadata: {name: tools, annotations: {linkerd.io/inject: enabled}}
${['backend-a', 'backend-b']
  .map(
    (n) => `---
apiVersion: v1
kind: Service
metadata: {name: ${n}, namespace: books}
spec: {selector: {app: ${n}}, ports: [{port: 8080}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${n}, namespace: books}
spec:
  selector: {matchLabels: {app: ${n}}}
  template: {metadata: {labels: {app: ${n}}}, spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}}
`,
  )
  .join('')}---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: books}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: tools}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: backend-router, namespace: books}
spec:
  parentRefs: [{name: backend-a, kind: Service, group: core, port: 8080}]
  rules:
  - matches: [{headers: [{name: x-request-id, value: alternative}]}]
    backendRefs: [{name: backend-b, port: 8080}]
  - backendRefs: [{name: backend-a, port: 8080, weight: 75}, {name: backend-b, port: 8080, weight: 25}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: tools-view, namespace: tools}
spec:
  parentRefs: [{name: backend-a, namespace: books, kind: Service, group: ""}]
  rules:
  - filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}}]
    backendRefs: [{name: backend-a, namespace: books, port: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: tools-routes, namespace: books}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: tools}]
  to: [{group: "", kind: Service}]
`;
const { model } = buildFromTexts([{ file: 'in.yaml', text }], {
  profile: {
    file: 'k.yaml',
    text: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: linkerd}\n',
  },
});

function route(from: string, host: string, path: string, headers: Record<string, string> = {}): MeshDecision {
  const pod = clientPod(model, from);
  assert.ok(typeof pod !== 'string');
  const d = compileMesh(model).route(
    { scheme: 'http', host, port: 8080, path, query: [], method: 'GET', headers: { ...headers, host } },
    pod,
  );
  assert.ok(typeof d !== 'string', String(d));
  return d;
}

test('GAMMA: the HTTPRoute bound to a Service routes by header, else splits by weight', () => {
  const alt = route('books/client', 'backend-a', '/', { 'x-request-id': 'alternative' });
  assert.deepEqual(meshActual(alt).workloads, ['books/backend-b']);
  const split = meshActual(route('books/client', 'backend-a', '/'));
  assert.deepEqual(split.split, { 'books/backend-a': 75, 'books/backend-b': 25 });
});

test('GAMMA: a consumer route in the client namespace wins over the producer route, for that namespace only', () => {
  const d = route('tools/client', 'backend-a.books', '/books');
  assert.match(d.by, /consumer routes of namespace tools/);
  assert.equal(d.rewrittenPath, '/v2/books');
  assert.deepEqual(meshActual(d).workloads, ['books/backend-a']);
});

test('GAMMA: a GRPCRoute bound to a Service routes by method (a path /service/method), like an HTTPRoute', () => {
  const grpc = `${text}---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: grpc-router, namespace: books}
spec:
  parentRefs: [{name: backend-b, kind: Service, group: ""}]
  rules:
  - matches: [{method: {service: books.Catalog, method: List}}]
    backendRefs: [{name: backend-a, port: 8080}]
  - backendRefs: [{name: backend-b, port: 8080}]
`;
  const m = buildFromTexts([{ file: 'in.yaml', text: grpc }], {
    profile: {
      file: 'k.yaml',
      text: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: linkerd}\n',
    },
  }).model;
  const ask = (path: string) => {
    const d = compileMesh(m).route(
      {
        scheme: 'http',
        host: 'backend-b',
        port: 8080,
        path,
        query: [],
        method: 'POST',
        headers: { host: 'backend-b' },
      },
      clientPod(m, 'books/client') as never,
    ) as MeshDecision;
    return d;
  };
  const list = ask('/books.Catalog/List');
  assert.match(list.by, /GRPCRoute \(GAMMA/);
  assert.deepEqual(meshActual(list).workloads, ['books/backend-a']);
  assert.deepEqual(meshActual(ask('/books.Catalog/Get')).workloads, ['books/backend-b']);
});

test('GAMMA: an ExtensionRef filter is never skipped (HTTPRouteFilter: unresolvable → an HTTP error; resolved → unknown)', () => {
  const withFilter = (extra: string) =>
    buildFromTexts(
      [
        {
          file: 'in.yaml',
          text: `${text.replace(
            '  - matches: [{headers: [{name: x-request-id, value: alternative}]}]\n',
            '  - matches: [{headers: [{name: x-request-id, value: alternative}]}]\n    filters: [{type: ExtensionRef, extensionRef: {group: example.com, kind: Guard, name: g}}]\n',
          )}${extra}`,
        },
      ],
      {
        profile: {
          file: 'k.yaml',
          text: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: linkerd}\n',
        },
      },
    ).model;
  const ask = (m: typeof model) =>
    compileMesh(m).route(
      {
        scheme: 'http',
        host: 'backend-a',
        port: 8080,
        path: '/',
        query: [],
        method: 'GET',
        headers: { host: 'backend-a', 'x-request-id': 'alternative' },
      },
      clientPod(m, 'books/client') as never,
    ) as MeshDecision;
  const absent = ask(withFilter(''));
  assert.equal(absent.status, 500);
  assert.match(absent.notes.join('\n') + (absent.by ?? ''), /not in the input/);
  const present = ask(
    withFilter('---\napiVersion: example.com/v1\nkind: Guard\nmetadata: {name: g, namespace: books}\n'),
  );
  assert.ok(present.unknown?.length, JSON.stringify(present));
});
