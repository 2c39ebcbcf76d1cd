/**
 * L4MatchAttributes / TLSMatchAttributes at the Istio ingress gateway: istiod settles a gateway's tcp and tls
 * blocks by `port` and `gateways` only (istio/istio pilot/pkg/networking/core/gateway.go, `l4SingleMatch`;
 * its tls filter chains carry `sniHosts` alone and skip a block whose SNI host an earlier one took,
 * `CheckDuplicates`). `destinationSubnets`, `sourceLabels` and `sourceNamespace` are not consulted there —
 * "destinationSubnets only works for sidecars" (https://github.com/istio/istio/issues/54449).
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#L4MatchAttributes
 * Fixture: the TCP traffic shifting task (https://istio.io/latest/docs/tasks/traffic-management/tcp-traffic-shifting/).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { compileMesh, meshActual, type IstioGatewayAnswer } from './index.ts';

const dir = 'testdata/scenarios/mesh-istio-tcp-traffic-shifting/input/';
const ns = 'istio-io-tcp-traffic-shifting';
const base = ['kubetwin.yaml', 'istio-ingressgateway.yaml', 'tcp-echo.yaml'].map((f) => ({
  file: dir + f,
  text: readFileSync(dir + f, 'utf8'),
}));
const to = (subset: string) => `[{destination: {host: tcp-echo, port: {number: 9000}, subset: ${subset}}}]`;
const objects = (gateway: string, vsHosts: string, rules: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: ${ns}}
spec:
  selector: {istio: ingressgateway}
  servers:
${gateway}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: tcp-echo, namespace: ${ns}}
spec:
  host: tcp-echo
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: edge, namespace: ${ns}}
spec:
  hosts: ${vsHosts}
  gateways: [edge]
${rules}`;

function ask(extra: string, port: number, sni?: string): IstioGatewayAnswer {
  const { model } = buildFromTexts([...base, { file: 'edge.yaml', text: extra }]);
  const host = sni ?? '203.0.113.10';
  return compileMesh(model).gatewayRoute({
    scheme: sni ? 'https' : 'http',
    host,
    port,
    path: '/',
    query: [],
    method: 'GET',
    headers: { host },
    ...(sni ? { sni } : {}),
  });
}
const tcpServer = '  - port: {number: 31400, name: tcp, protocol: TCP}\n    hosts: ["*"]';

test('L4MatchAttributes destinationSubnets at a gateway: not consulted, the first block on the port takes the connection (said)', () => {
  const a = ask(
    objects(
      tcpServer,
      '["*"]',
      `  tcp:
  - match: [{port: 31400, destinationSubnets: [192.0.2.0/24]}]
    route: ${to('v2')}
  - route: ${to('v1')}
`,
    ),
    31400,
  );
  assert.equal(a.decision?.unknown, undefined);
  assert.equal(meshActual(a.decision!).subset, 'v2');
  assert.equal(a.decision?.winner?.at, 'spec.tcp[0].match[0]');
  assert.ok(
    a.decision?.notes.some((n) =>
      /spec\.tcp\[0\]\.match\[0\]: destinationSubnets 192\.0\.2\.0\/24 not consulted at gateway istio-io-tcp-traffic-shifting\/edge/.test(
        n,
      ),
    ),
  );
  assert.ok(a.decision?.lost.some((l) => l.at === 'spec.tcp[1]' && /ends the walk/.test(l.reason)));
});

test('L4MatchAttributes sourceLabels and sourceNamespace at a gateway: not consulted (they need the mesh gateway)', () => {
  const a = ask(
    objects(
      tcpServer,
      '["*"]',
      `  tcp:
  - match: [{port: 31400, sourceLabels: {app: curl}, sourceNamespace: elsewhere}]
    route: ${to('v2')}
  - route: ${to('v1')}
`,
    ),
    31400,
  );
  assert.equal(meshActual(a.decision!).subset, 'v2');
  assert.ok(
    a.decision?.notes.some((n) => /sourceLabels app=curl, sourceNamespace elsewhere not consulted/.test(n)),
  );
});

test('TLSMatchAttributes at a gateway: chains on sniHosts alone; a block whose SNI host an earlier one took is skipped', () => {
  const passthrough =
    '  - port: {number: 8443, name: tls, protocol: TLS}\n    tls: {mode: PASSTHROUGH}\n    hosts: [a.example.com]';
  const a = ask(
    objects(
      passthrough,
      '[a.example.com]',
      `  tls:
  - match: [{sniHosts: [a.example.com], destinationSubnets: [192.0.2.0/24]}]
    route: ${to('v2')}
  - match: [{sniHosts: [a.example.com]}]
    route: ${to('v1')}
`,
    ),
    8443,
    'a.example.com',
  );
  assert.equal(a.decision?.unknown, undefined);
  assert.equal(meshActual(a.decision!).subset, 'v2');
  assert.ok(
    a.decision?.lost.some(
      (l) =>
        l.at === 'spec.tls[1].match[0]' &&
        /SNI host a\.example\.com is taken by an earlier block/.test(l.reason),
    ),
  );
});
