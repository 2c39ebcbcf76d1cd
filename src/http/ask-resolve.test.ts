/**
 * /api/resolve from a pod answers as the pod's resolver would: when its egress policy drops its DNS queries
 * (kubernetes-network-policy-recipes 12, default-deny-all-egress) the answer says so in `queriesBlocked`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../api/index.ts';
import { analyseCluster } from '../pipeline/index.ts';
import { askResolve } from './_ask.ts';

const cluster = `apiVersion: v1
kind: Pod
metadata: {name: test, labels: {run: test}}
spec: {containers: [{name: c}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {run: test}, ports: [{port: 80}]}
`;
const denyEgress = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-all-egress}
spec: {podSelector: {}, policyTypes: [Egress], egress: []}
`;

const ask = (text: string) =>
  askResolve(analyseCluster(buildFromTexts([{ file: 'm.yaml', text }])), {
    name: 'web',
    from: 'default/test',
  });

test('/api/resolve from a pod whose egress policy drops DNS: queriesBlocked names why', () => {
  const blocked = ask(cluster + denyEgress);
  assert.equal(blocked.status, 200);
  assert.match(
    JSON.stringify(blocked.body),
    /"queriesBlocked":\{"reason":"DNS queries from default\/test time out/,
  );
  assert.doesNotMatch(JSON.stringify(ask(cluster).body), /queriesBlocked/);
});
