/**
 * A request to a public name kubetwin cannot resolve (public DNS is never queried) still says what egress policy
 * does to it: kubernetes-network-policy-recipes 14 (allow DNS and in-cluster pods only) blocks www.example.com
 * whatever its address, while with no egress policy the outcome is unknown, not a confident failure.
 * https://github.com/ahmetb/kubernetes-network-policy-recipes/blob/master/14-deny-external-egress-traffic.md
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, trace } from './index.ts';

const foo = `apiVersion: v1
kind: Pod
metadata: {name: test, labels: {app: foo}}
spec: {containers: [{name: c, image: alpine}]}
`;
const denyExternal = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: foo-deny-external-egress}
spec:
  podSelector: {matchLabels: {app: foo}}
  policyTypes: [Egress]
  egress:
    - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
    - to: [{namespaceSelector: {}}]
`;
const allowOneRange = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: one-range}
spec:
  podSelector: {matchLabels: {app: foo}}
  policyTypes: [Egress]
  egress:
    - ports: [{port: 53, protocol: UDP}]
    - to: [{ipBlock: {cidr: 93.184.0.0/16}}]
`;

function failure(yaml: string): string {
  const { model } = buildYaml(yaml);
  const to = parseFlowTarget('http://www.example.com/', undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  const pod = model.pods.find((p) => p.name === 'test')!;
  const t = trace(createTraceContext(model), { kind: 'ref', namespace: pod.namespace, name: pod.name }, to);
  assert.equal(t.outcome, 'failed');
  return t.failure?.reason ?? '';
}

test('trace: a public name under an egress policy that denies every public address is blocked whatever it resolves to (recipe 14)', () => {
  assert.match(
    failure(foo + denyExternal),
    /whatever it resolves to, egress from default\/test to public addresses on 80\/TCP is denied \(isolated by NetworkPolicy\/default\/foo-deny-external-egress\): the request is blocked either way/,
  );
});

test('trace: a public name with no egress policy is unknown, since kubetwin never queries public DNS', () => {
  assert.match(
    failure(foo),
    /whether the request gets through is unknown: egress .* is allowed, so it depends on the address/,
  );
});

test('trace: a public name with egress allowed to some public ranges only depends on the address', () => {
  assert.match(
    failure(foo + allowOneRange),
    /allowed to some ranges and denied to others, so it depends on the address/,
  );
});

function traced(yaml: string) {
  const { model } = buildYaml(yaml);
  const to = parseFlowTarget('http://www.example.com/', undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  return trace(createTraceContext(model), { kind: 'ref', namespace: 'default', name: 'test' }, to);
}

test('forward: a name cluster DNS forwards upstream is unknown where egress admits public addresses, not a confident NXDOMAIN', () => {
  const open = traced(foo);
  assert.match(open.unknown?.[0] ?? '', /forwarded to \/etc\/resolv\.conf: kubetwin sends no query/);
  assert.equal(open.hops[0]?.undecided, open.unknown?.[0]);
  assert.doesNotMatch(open.failure?.reason ?? '', /NXDOMAIN/);
  // Denied to every public address, the upstream's answer does not matter: blocked, and no unknown.
  const denied = traced(foo + denyExternal);
  assert.equal(denied.unknown, undefined);
  assert.equal(denied.hops[0]?.undecided, undefined);
});
