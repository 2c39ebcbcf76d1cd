/**
 * backendRefs of a kind other than a core Service: "Support: Core for Kubernetes Service … Implementation-specific
 * for any other resource" (ServiceImport: Extended). A controller that does not support the kind sets
 * ResolvedRefs=False(InvalidKind) and answers 500; one that does forwards there. kubetwin cannot tell which.
 * https://gateway-api.sigs.k8s.io/reference/spec/#httpbackendref
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { analyzeGateways } from './index.ts';
import { explainViaGateway, gatewayClass } from './_test-fixtures.ts';
import { compileRouter } from '../route/index.ts';
import { connectionDelivered } from '../route/_delivered.ts';
import { renderConnection } from '../../render/route-l4.ts';

const cluster = (backendRefs: string) => `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec: {gatewayClassName: gc, listeners: [{name: h, protocol: HTTP, port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: store}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs: ${backendRefs}
---
apiVersion: v1
kind: Service
metadata: {name: store}
spec: {selector: {app: store}, ports: [{port: 8080}]}
`;
const hybrid = cluster(
  '[{name: store, port: 8080, weight: 90}, {group: multicluster.x-k8s.io, kind: ServiceImport, name: store-global, port: 8080, weight: 10}]',
);

test('rule HTTPBackendRef support (implementation-specific for any other resource): a ServiceImport share is unknown, not a certain 500', () => {
  const d = explainViaGateway(hybrid, 'http://store.example/');
  assert.equal(d.backends[1].kind, 'multicluster.x-k8s.io/ServiceImport');
  assert.deepEqual(
    (d.unknown ?? []).map((u) => `${u.object} ${u.path}`),
    ['HTTPRoute/default/store rules[0].backendRefs[1]'],
  );
  assert.match(d.unknown![0].text, /forwards its share there .* one that does not answers 500/);
});

test('rule HTTPBackendRef support: a backendRef of another kind with weight 0 gets nothing and leaves the answer decided', () => {
  const d = explainViaGateway(
    cluster(
      '[{name: store, port: 8080}, {group: acme.io, kind: CustomBackend, name: x, port: 8080, weight: 0}]',
    ),
    'http://store.example/',
  );
  assert.deepEqual(d.unknown ?? [], []);
});

const resolvedRefs = (text: string) => {
  const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
  const r = analyzeGateways(model).routes.find((x) => x.name === 'store')!;
  const c = r.parents[0].conditions.find((x) => x.type === 'ResolvedRefs')!;
  return `${c.status}(${c.reason})`;
};

test('rule RouteReasonInvalidKind ("unknown or unsupported Group and/or Kind"): ResolvedRefs is Unknown for a kind only some controllers support', () => {
  assert.equal(resolvedRefs(hybrid), 'Unknown(InvalidKind)');
});

test('rule RouteReasonInvalidKind: a definite problem in the same route (BackendNotFound) still sets ResolvedRefs False', () => {
  const text = cluster(
    '[{group: acme.io, kind: CustomBackend, name: x, port: 8080}, {name: missing, port: 8080}]',
  );
  assert.equal(resolvedRefs(text), 'False(BackendNotFound)');
});

/** A TCP listener and one TCPRoute whose only backendRef is `backendRef` (L4 routes: BackendRef, same support levels). */
const tcpCluster = (backendRef: string) => `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec: {gatewayClassName: gc, listeners: [{name: pg, protocol: TCP, port: 5432}]}
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: db}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [${backendRef}]}]
`;

function connect(text: string) {
  const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
  const router = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
  if (typeof router === 'string') throw new Error(router);
  return router.connect({ protocol: 'tcp', port: 5432 });
}

test('rule BackendRef support for TCPRoute/TLSRoute/UDPRoute (implementation-specific for any other resource): a ServiceImport backend makes the connection unknown, not a certain rejection', () => {
  const r = connect(
    tcpCluster('{group: multicluster.x-k8s.io, kind: ServiceImport, name: db-global, port: 5432}'),
  );
  assert.equal(r.decision.refused, undefined);
  assert.deepEqual(
    (r.decision.unknown ?? []).map((u) => `${u.object} ${u.path}`),
    ['TCPRoute/default/db rules[0].backendRefs[0]'],
  );
  assert.match(r.decision.unknown![0].text, /forwards the connection there .* rejects the connection/);
  assert.equal(connectionDelivered(r), false, 'an unknown answer is not a delivery');
  const text = renderConnection(r);
  assert.match(text, /=> unknown: where the connection lands depends on the implementation/);
  assert.match(text, /multicluster\.x-k8s\.io\/ServiceImport default\/db-global:5432/);
  assert.doesNotMatch(text, /rejected/);
  // A missing core Service is still a sure rejection.
  assert.match(
    connect(tcpCluster('{name: nowhere, port: 5432}')).decision.refused ?? '',
    /no valid backendRef/,
  );
});
