/**
 * GEP-3171, percentage-based request mirroring (https://gateway-api.sigs.k8s.io/geps/gep-3171/): a RequestMirror
 * filter copies `percent` of the requests, or `fraction.numerator / fraction.denominator` (denominator 100 when
 * unset), or every request when neither is set; only one of the two may be given, and the mirror's response is
 * discarded. kubetwin showed every mirror as copying every request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { routeViaGateway } from './_test-fixtures.ts';
import { gatewayPreamble, httpListener } from '../../../test/helpers/gateway.ts';

const services = `${['primary', 'shadow']
  .map(
    (n) => `apiVersion: v1
kind: Service
metadata: {name: ${n}, namespace: default}
spec: {selector: {app: ${n}}, ports: [{port: 8080}]}
---
`,
  )
  .join('')}apiVersion: v1
kind: Pod
metadata: {name: primary-1, namespace: default, labels: {app: primary}}
spec: {containers: [{name: c, image: x}]}
---
`;
const route = (
  mirror: string,
) => `${gatewayPreamble([httpListener])}${services}apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: shadow, port: 8080}${mirror}}}]
    backendRefs: [{name: primary, port: 8080}]
`;
const share = (mirror: string) =>
  routeViaGateway(route(mirror), 'http://x.example/').decision.mirrors.map((m) => m.percent);

test('request-mirror-percent: percent, fraction and neither give the share of requests copied', () => {
  assert.deepEqual(share(', percent: 10'), [10]);
  assert.deepEqual(share(', fraction: {numerator: 1, denominator: 3}'), [33.33]);
  assert.deepEqual(share(', fraction: {numerator: 5}'), [5], 'denominator defaults to 100');
  assert.deepEqual(share(''), [100]);
});

test('request-mirror-percent: the primary backend still answers (a mirror is fire-and-forget)', () => {
  const d = routeViaGateway(route(', percent: 0'), 'http://x.example/').decision;
  assert.equal(d.status, 200);
  assert.deepEqual(
    d.backends.map((b) => b.name),
    ['primary'],
  );
  assert.deepEqual(
    d.mirrors.map((m) => `${m.name} ${m.percent}`),
    ['shadow 0'],
  );
});

test('request-mirror-percent: percent and fraction together are refused, as the CRD CEL rule does', () => {
  const { diagnostics } = buildFromTexts([
    { file: 'in.yaml', text: route(', percent: 10, fraction: {numerator: 1}') },
  ]);
  assert.ok(
    diagnostics.some(
      (d) => d.code === 'invalid-route' && d.message.includes('percent or fraction, not both'),
    ),
    diagnostics.map((d) => d.message).join('\n'),
  );
});
