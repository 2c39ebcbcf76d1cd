/**
 * Topology hints in reach: kube-proxy sends a client only to the endpoints hinted for its node (PreferSameNode) or
 * zone (PreferClose, PreferSameZone), following the hints of any slice (pkg/proxy/topology.go); with
 * `topology-mode: Auto` the controller's topology cache writes hints by node CPU, which kubetwin does not model.
 * https://kubernetes.io/docs/reference/networking/virtual-ips/#traffic-distribution ·
 * https://kubernetes.io/docs/concepts/services-networking/topology-aware-routing/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineFor } from '../policy/_test-helpers.ts';
import { reach, type ReachResult } from './index.ts';

// Default profile: node-1 zone-a, node-2 zone-b, node-3 zone-c.
const pod = (name: string, node: string, labels: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: demo, labels: {${labels}}}
spec: {nodeName: ${node}, containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}
`;
const service = (spec: string, meta = '') => `---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: demo${meta}}
spec: {clusterIP: 10.96.0.80, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]${spec}}
`;
// web-1 (node-1) admits nobody; web-2 (node-2) admits everyone.
const denyWeb1 = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-web-1, namespace: demo}
spec: {podSelector: {matchLabels: {app: web, node: one}}, policyTypes: [Ingress]}
`;
const cluster =
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n' +
  pod('web-1', 'node-1', 'app: web, node: one') +
  pod('web-2', 'node-2', 'app: web') +
  pod('client-2', 'node-2', 'app: client') +
  denyWeb1;

function run(yaml: string, from: string): ReachResult {
  const r = reach(engineFor(yaml), { from, to: 'service:demo/web', port: 80, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule topology-prefer-same-node: a client is judged only against the endpoints on its own node', () => {
  const r = run(cluster + service(', trafficDistribution: PreferSameNode'), 'demo/client-2');
  assert.equal(r.verdict, 'allowed');
  assert.deepEqual(
    r.pairs.map((p) => p.to),
    ['demo/web-2'],
  );
});

test('rule topology-mode-auto: which endpoints a client uses is unknown, so disagreeing pairs make the verdict unknown', () => {
  const r = run(
    cluster + service('', ', annotations: {service.kubernetes.io/topology-mode: Auto}'),
    'demo/client-2',
  );
  assert.equal(r.verdict, 'unknown');
  assert.match(r.unknownReasons.join(' '), /topology-mode: Auto .* unknown/);
  // Pairs that agree answer alike whatever the hints: a sure answer.
  const agree = run(
    cluster.replace(denyWeb1, '') + service('', ', annotations: {service.kubernetes.io/topology-mode: Auto}'),
    'demo/client-2',
  );
  assert.equal(agree.verdict, 'allowed');
});
