/**
 * A DestinationRule subset's own trafficPolicy overrides the rule's for the traffic a route sends to that subset
 * (istio/istio pilot/pkg/networking/util/util.go MergeSubsetTrafficPolicy: the subset's port-level entry, else its
 * tls; https://istio.io/latest/docs/reference/config/networking/destination-rule/#Subset). `trace` follows the
 * route, so it knows the subset and decides the mTLS of that subset's traffic; it said unknown. On the mTLS
 * migration task's apps (bar/sleep -> foo/httpbin:8000, STRICT in foo).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, trace } from './index.ts';

const dir = 'testdata/scenarios/mesh-istio-mtls-migration/input';
const strict = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: foo}
spec: {mtls: {mode: STRICT}}
---
`;
const vs = (subset: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin, namespace: foo}
spec:
  hosts: [httpbin.foo.svc.cluster.local]
  http: [{route: [{destination: {host: httpbin.foo.svc.cluster.local, subset: ${subset}}}]}]
---
`;
const dr = (spec: string) =>
  `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: httpbin, namespace: foo}\nspec:\n  host: httpbin.foo.svc.cluster.local\n${spec}\n`;

function traceWith(extra: string) {
  const { model } = buildFromTexts(
    [
      { file: 'apps.yaml', text: readFileSync(`${dir}/apps.yaml`, 'utf8') },
      { file: 'dr.yaml', text: strict + extra },
    ],
    { profile: { file: 'kubetwin.yaml', text: readFileSync(`${dir}/kubetwin.yaml`, 'utf8') } },
  );
  const to = parseFlowTarget('http://httpbin.foo:8000/', undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  const t = trace(createTraceContext(model), { kind: 'ref', namespace: 'bar', name: 'sleep' }, to);
  const tls = t.hops.find((h) => h.kind === 'tls');
  assert.ok(tls, t.hops.map((h) => h.title).join('\n'));
  return { t, tls };
}

test('destination-rule-subset-tls: trace applies the routed subset’s own tls DISABLE (STRICT refuses), not unknown', () => {
  const { t, tls } = traceWith(
    vs('v1') + dr('  subsets:\n  - {name: v1, labels: {version: v1}, trafficPolicy: {tls: {mode: DISABLE}}}'),
  );
  assert.equal(t.outcome, 'failed');
  assert.deepEqual(t.unknown ?? [], []);
  assert.match(tls.details.join('\n'), /subsets\[v1\]\.trafficPolicy\.tls\.mode DISABLE.*REFUSED/);
});

test('destination-rule-subset-tls: a subset’s ISTIO_MUTUAL overrides the rule’s DISABLE for the traffic routed to it', () => {
  const { t, tls } = traceWith(
    vs('v1') +
      dr(
        '  trafficPolicy: {tls: {mode: DISABLE}}\n  subsets:\n  - {name: v1, labels: {version: v1}, trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}',
      ),
  );
  assert.equal(t.outcome, 'delivered', t.failure?.reason);
  assert.match(tls.details.join('\n'), /mTLS: .*subsets\[v1\]\.trafficPolicy\.tls\.mode ISTIO_MUTUAL/);
});

test('destination-rule-subset-tls: a subset’s port-level entry without tls replaces its tls (auto mTLS for that port)', () => {
  const { t } = traceWith(
    vs('v1') +
      dr(
        '  subsets:\n  - name: v1\n    labels: {version: v1}\n    trafficPolicy:\n      tls: {mode: DISABLE}\n      portLevelSettings: [{port: {number: 8000}, loadBalancer: {simple: RANDOM}}]',
      ),
  );
  assert.equal(t.outcome, 'delivered', t.failure?.reason);
});

test('destination-rule-subset-tls: a subset without its own policy takes the rule’s (another subset’s DISABLE does not apply)', () => {
  const { t } = traceWith(
    vs('v1') +
      dr(
        '  subsets:\n  - {name: v1, labels: {version: v1}}\n  - {name: v2, labels: {version: v2}, trafficPolicy: {tls: {mode: DISABLE}}}',
      ),
  );
  assert.equal(t.outcome, 'delivered', t.failure?.reason);
  assert.deepEqual(t.unknown ?? [], []);
});
