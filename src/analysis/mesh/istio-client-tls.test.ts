/**
 * The TLS a meshed client sends by its DestinationRule, as istiod merges the policy for one Service port
 * (istio/istio pilot/pkg/networking/util/util.go MergeSubsetTrafficPolicy, GetPortLevelTrafficPolicy;
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/#TrafficPolicy), judged against a
 * STRICT port on the mTLS migration task's apps (bar/sleep -> foo/httpbin, Service port 8000 -> 80).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { reach, type ReachResult } from '../reach/index.ts';

const dir = 'testdata/scenarios/mesh-istio-mtls-migration/input';
const strict = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: foo}
spec: {mtls: {mode: STRICT}}
---
`;
const dr = (spec: string) =>
  `${strict}apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: httpbin, namespace: foo}\nspec:\n  host: httpbin.foo.svc.cluster.local\n${spec}\n`;

function run(extra: string): ReachResult {
  const { model } = buildFromTexts(
    [
      { file: 'apps.yaml', text: readFileSync(`${dir}/apps.yaml`, 'utf8') },
      { file: 'dr.yaml', text: extra },
    ],
    { profile: { file: 'kubetwin.yaml', text: readFileSync(`${dir}/kubetwin.yaml`, 'utf8') } },
  );
  const r = reach(new PolicyEngine(model), {
    from: 'bar/sleep',
    to: 'service:foo/httpbin',
    port: 8000,
    protocol: 'TCP',
  });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('destination-rule-port-level-tls: portLevelSettings tls DISABLE for the Service port overrides ISTIO_MUTUAL (STRICT refuses)', () => {
  const r = run(
    dr(
      '  trafficPolicy:\n    tls: {mode: ISTIO_MUTUAL}\n    portLevelSettings:\n    - {port: {number: 8000}, tls: {mode: DISABLE}}',
    ),
  );
  assert.equal(r.verdict, 'denied');
  assert.equal(r.pairs[0].mesh?.mtls.transport, 'plaintext');
  assert.match(r.pairs[0].mesh!.mtls.why, /portLevelSettings\[port 8000\] DISABLE/);
  const other = run(
    dr(
      '  trafficPolicy:\n    tls: {mode: DISABLE}\n    portLevelSettings:\n    - {port: {number: 9999}, tls: {mode: ISTIO_MUTUAL}}',
    ),
  );
  assert.equal(other.verdict, 'denied', 'another port: the destination-level DISABLE applies');
});

test('destination-rule-port-level-tls: a port-level entry without tls does not inherit the destination-level mode', () => {
  const r = run(
    dr(
      '  trafficPolicy:\n    tls: {mode: DISABLE}\n    portLevelSettings:\n    - {port: {number: 8000}, loadBalancer: {simple: RANDOM}}',
    ),
  );
  assert.equal(r.verdict, 'allowed', 'auto mTLS');
  assert.equal(r.pairs[0].mesh?.mtls.transport, 'mtls');
});

test('destination-rule-subset-tls: a subset with its own tls mode makes a STRICT verdict unknown (reach does not route)', () => {
  const r = run(
    dr('  subsets:\n  - {name: v1, labels: {version: v1}, trafficPolicy: {tls: {mode: DISABLE}}}'),
  );
  assert.equal(r.pairs[0].mesh?.mtls.transport, 'unknown');
  assert.ok(r.pairs[0].mesh!.unknown.some((u) => u.includes('v1: DISABLE')));
  const same = run(
    dr(
      '  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}\n  subsets:\n  - {name: v1, labels: {version: v1}, trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}',
    ),
  );
  assert.equal(same.verdict, 'allowed', 'a subset repeating the host mode changes nothing');
  assert.deepEqual(same.pairs[0].mesh?.unknown, []);
});
