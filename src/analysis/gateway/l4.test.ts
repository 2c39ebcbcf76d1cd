/**
 * TLSRoute, TCPRoute and UDPRoute through a Gateway, from the spec's route types
 * (https://github.com/kubernetes-sigs/gateway-api/tree/main/apis/v1alpha2: tlsroute_types.go, tcproute_types.go,
 * udproute_types.go) and the conformance suite's TLSRoute cases (tlsroute-simple-same-namespace,
 * tlsroute-invalid-reference-grant): each test names what it mirrors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, connectionDelivered, parseConnection } from '../route/index.ts';
import { analyzeGateways } from './index.ts';
import { gatewayPreamble, httpListener } from '../../../test/helpers/gateway.ts';

const base = `${gatewayPreamble(
  [
    '{name: tls, port: 443, protocol: TLS, hostname: "*.example.com", tls: {mode: Passthrough}, allowedRoutes: {namespaces: {from: All}}}',
    '{name: tcp, port: 5432, protocol: TCP, allowedRoutes: {namespaces: {from: All}}}',
    '{name: udp, port: 53, protocol: UDP, allowedRoutes: {namespaces: {from: All}}}',
    httpListener,
  ],
  { namespace: 'infra' },
)}apiVersion: v1
kind: Namespace
metadata: {name: infra}
---
apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
`;
const svc = (name: string, port: number, ns = 'apps') =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: {selector: {app: ${name}}, ports: [{port: ${port}}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: ${name}-0, namespace: ${ns}, labels: {app: ${name}}}\nspec: {containers: [{name: c, image: x}]}\n---\n`;
const route = (kind: string, name: string, spec: string, ns = 'apps', ts?: string) =>
  `apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: ${kind}\nmetadata: {name: ${name}, namespace: ${ns}${ts ? `, creationTimestamp: "${ts}"` : ''}}\nspec:\n${spec}\n---\n`;

function setup(text: string) {
  const { model, diagnostics } = buildFromTexts([{ file: 'in.yaml', text: base + text }]);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const r = compileRouter(model, { via: { kind: 'gateway', namespace: 'infra', name: 'gw' } });
  if (typeof r === 'string') throw new Error(r);
  const go = (url: string) => {
    const c = parseConnection(url);
    if (typeof c !== 'object') throw new Error(String(c));
    const res = r.connect(c);
    return res.decision.refused
      ? 'refused'
      : res.decision.backends
          .filter((b) => !b.problem)
          .map((b) => `${b.name}:${b.port}`)
          .join('+');
  };
  return { model, r, go, status: analyzeGateways(model) };
}

test('TLSRoute (tlsroute-simple-same-namespace): the SNI picks the route by hostname; passthrough forwards the stream', () => {
  const { go, r, status } = setup(
    svc('web', 443) +
      svc('other', 443) +
      route(
        'TLSRoute',
        'web',
        '  parentRefs: [{name: gw, namespace: infra, sectionName: tls}]' +
          '\n  hostnames: [abc.example.com]\n  rules: [{backendRefs: [{name: web, port: 443}]}]',
      ) +
      route(
        'TLSRoute',
        'other',
        '  parentRefs: [{name: gw, namespace: infra}]\n  hostnames: ["*.example.com"]\n  rules: [{backendRefs: [{name: other, port: 443}]}]',
      ),
  );
  assert.equal(go('tls://abc.example.com'), 'web:443');
  assert.equal(go('tls://xyz.example.com'), 'other:443', 'the wildcard route takes the other names');
  assert.equal(go('tls://abc.example.org'), 'refused', 'no listener hostname matches');
  const res = r.connect({ protocol: 'tls', port: 443, sni: 'abc.example.com' });
  assert.equal(res.decision.tlsMode, 'Passthrough');
  assert.equal(connectionDelivered(res), true);
  assert.equal(
    status.routes.find((x) => x.key === 'TLSRoute/apps/web')!.parents[0].conditions[0].status,
    'True',
  );
});

test('TLSRoute on an HTTP listener is NotAllowedByListeners (the listener protocol decides the route kinds)', () => {
  const { status } = setup(
    svc('web', 443) +
      route(
        'TLSRoute',
        'web',
        '  parentRefs: [{name: gw, namespace: infra, sectionName: http}]\n  rules: [{backendRefs: [{name: web, port: 443}]}]',
      ),
  );
  const c = status.routes[0].parents[0].conditions[0];
  assert.equal(`${c.status}(${c.reason})`, 'False(NotAllowedByListeners)');
});

test('TCPRouteRule.BackendRefs: "If unspecified or invalid … MUST actively reject connection attempts"', () => {
  const { go, status } = setup(
    svc('db', 5432) +
      route(
        'TCPRoute',
        'db',
        '  parentRefs: [{name: gw, namespace: infra, sectionName: tcp}]\n  rules: [{backendRefs: [{name: db, port: 5432}]}]',
      ),
  );
  assert.equal(go('tcp://gw.example.com:5432'), 'db:5432');
  assert.equal(go('tcp://gw.example.com:5433'), 'refused', 'no listener on that port');
  const missing = setup(
    route(
      'TCPRoute',
      'db',
      '  parentRefs: [{name: gw, namespace: infra, sectionName: tcp}]\n  rules: [{backendRefs: [{name: nope, port: 5432}]}]',
    ),
  );
  assert.equal(missing.go('tcp://x:5432'), 'refused');
  const c = missing.status.routes[0].parents[0].conditions[1];
  assert.equal(`${c.type}=${c.status}(${c.reason})`, 'ResolvedRefs=False(BackendNotFound)');
  assert.equal(status.gateways[0].listeners.find((l) => l.name === 'tcp')!.attachedRoutes, 1);
});

test('TCPRoute: a cross-namespace backendRef needs a ReferenceGrant (tlsroute-invalid-reference-grant, for TCP)', () => {
  const { go } = setup(
    svc('db', 5432, 'infra') +
      route(
        'TCPRoute',
        'db',
        '  parentRefs: [{name: gw, namespace: infra, sectionName: tcp}]\n  rules: [{backendRefs: [{name: db, namespace: infra, port: 5432}]}]',
      ),
  );
  assert.equal(go('tcp://x:5432'), 'refused');
});

test('UDPRoute: weighted backendRefs on a UDP listener; two routes on one listener — the oldest, with a note', () => {
  const { go, r } = setup(
    svc('dns-a', 53) +
      svc('dns-b', 53) +
      route(
        'UDPRoute',
        'new',
        '  parentRefs: [{name: gw, namespace: infra}]\n  rules: [{backendRefs: [{name: dns-b, port: 53}]}]',
        'apps',
        '2024-02-01T00:00:00Z',
      ) +
      route(
        'UDPRoute',
        'old',
        '  parentRefs: [{name: gw, namespace: infra}]\n  rules: [{backendRefs: [{name: dns-a, port: 53, weight: 3}, {name: dns-b, port: 53, weight: 1}]}]',
        'apps',
        '2024-01-01T00:00:00Z',
      ),
  );
  assert.equal(go('udp://x:53'), 'dns-a:53+dns-b:53');
  const res = r.connect({ protocol: 'udp', port: 53 });
  assert.equal(res.decision.winner?.object, 'UDPRoute/apps/old');
  assert.match(res.decision.notes.join(' '), /2 routes attach to listener udp/);
  assert.equal(res.decision.lost[0].object, 'UDPRoute/apps/new');
});

test('a TLS listener in Terminate mode needs certificateRefs (InvalidCertificateRef) and ends TLS at the Gateway', () => {
  const { model } = buildFromTexts([
    {
      file: 'in.yaml',
      text: base.replace('tls: {mode: Passthrough}', 'tls: {mode: Terminate}'),
    },
  ]);
  const refs = analyzeGateways(model).gateways[0].listeners[0].conditions.find(
    (c) => c.type === 'ResolvedRefs',
  )!;
  assert.equal(`${refs.status}(${refs.reason})`, 'False(InvalidCertificateRef)');
});

test('parseConnection: tls:// defaults to 443 and carries the SNI; tcp:// and udp:// need a port', () => {
  assert.deepEqual(parseConnection('tls://A.example.com'), {
    protocol: 'tls',
    port: 443,
    sni: 'a.example.com',
  });
  assert.deepEqual(parseConnection('tcp://db:5432'), { protocol: 'tcp', port: 5432 });
  assert.match(String(parseConnection('udp://x')), /needs a port/);
  assert.equal(parseConnection('https://x/'), undefined);
});

test('BackendTLSPolicy applies to HTTPRoute and GRPCRoute backends only: a TCPRoute to the same Service is piped as is', () => {
  const { go } = setup(
    svc('db', 5432) +
      route(
        'TCPRoute',
        'db',
        '  parentRefs: [{name: gw, namespace: infra, sectionName: tcp}]\n  rules: [{backendRefs: [{name: db, port: 5432}]}]',
      ) +
      `apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\nmetadata: {name: db, namespace: apps}\nspec:\n  targetRefs: [{group: "", kind: Service, name: db}]\n  validation: {hostname: db.example.com, caCertificateRefs: [{group: "", kind: ConfigMap, name: missing}]}\n---\n`,
  );
  assert.equal(go('tcp://gw.example.com:5432'), 'db:5432');
});
