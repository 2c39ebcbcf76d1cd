/**
 * A `resolve: {from: POD}` entry answers as the pod's resolver would: when the pod's egress policy drops its DNS
 * queries (kubernetes-network-policy-recipes 12, default-deny-all-egress: "all traffic (including DNS resolution)"
 * is dropped), the pod gets no reply, and the entry fails whatever rcode it expects.
 * https://github.com/ahmetb/kubernetes-network-policy-recipes/blob/master/12-deny-all-non-whitelisted-traffic-from-the-namespace.md
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { parseManifests } from '../../parse/index.ts';
import { handlers } from './index.ts';
import { runAssertions } from './_runner.ts';

const cluster = `apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: test, labels: {run: test}}
spec: {containers: [{name: c}]}
`;
const denyEgress = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-all-egress}
spec: {podSelector: {}, policyTypes: [Egress], egress: []}
`;
const tests = `tests:
  - name: web resolves from test
    resolve: {from: default/test, name: web}
    expect: {rcode: NOERROR}
`;

function run(manifests: string, testFile = tests) {
  const { model } = buildFromTexts([{ file: 'm.yaml', text: manifests }]);
  const docs = parseManifests([{ file: 't.yaml', text: testFile }]).objects;
  const report = runAssertions(model, docs, { handlers, planned: {} });
  assert.equal(report.problems.length, 0);
  return report;
}

test('resolve entry: a pod whose egress policy drops DNS queries gets no reply', () => {
  const report = run(cluster + denyEgress);
  assert.deepEqual([report.passed, report.failed], [0, 1]);
  assert.match(JSON.stringify(report), /no reply: DNS queries from default\/test time out/);
});

test('resolve entry: without the policy the same entry passes', () => {
  assert.deepEqual([run(cluster).passed, run(cluster).failed], [1, 0]);
});

const expectNoReply = (resolve: string, expect = '{noReply: true}') => `tests:
  - name: test gets no DNS reply
    resolve: ${resolve}
    expect: ${expect}
`;

test("resolve entry: expect noReply passes where the pod's egress policy drops its queries, fails where it gets a reply", () => {
  const blocked = run(cluster + denyEgress, expectNoReply('{from: default/test, name: web}'));
  assert.deepEqual([blocked.passed, blocked.failed], [1, 0]);
  const open = run(cluster, expectNoReply('{from: default/test, name: web}'));
  assert.deepEqual([open.passed, open.failed], [0, 1]);
  assert.match(JSON.stringify(open), /a reply \(NOERROR\), expected none/);
});

test('resolve entry: noReply goes alone, as true, and only with from', () => {
  for (const [resolve, expect, message] of [
    ['{name: web}', '{noReply: true}', /needs resolve.from/],
    ['{from: default/test, name: web}', '{noReply: true, rcode: NOERROR}', /noReply goes alone/],
    ['{from: default/test, name: web}', '{noReply: false}', /noReply must be true/],
  ] as const) {
    const { model } = buildFromTexts([{ file: 'm.yaml', text: cluster }]);
    const docs = parseManifests([{ file: 't.yaml', text: expectNoReply(resolve, expect) }]).objects;
    const report = runAssertions(model, docs, { handlers, planned: {} });
    assert.match(JSON.stringify(report), message);
  }
});
