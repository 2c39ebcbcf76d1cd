/**
 * Topology hints in trace: kube-proxy on the client's node uses only the endpoints hinted for that node or its zone
 * (pkg/proxy/topology.go); with `service.kubernetes.io/topology-mode: Auto` the controller's topology cache hints by
 * node CPU, which kubetwin does not model, so endpoints that disagree make the trace unknown
 * (https://kubernetes.io/docs/concepts/services-networking/topology-aware-routing/).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceOn } from './_test-fixtures.ts';

// Default profile: node-1 zone-a, node-2 zone-b. web-2 (node-2) admits nobody.
const cluster = (meta: string, spec: string) => `apiVersion: v1
kind: Service
metadata: {name: web${meta}}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]${spec}}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, labels: {app: web}}
spec: {nodeName: node-1, containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-2, labels: {app: web, closed: "true"}}
spec: {nodeName: node-2, containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: closed}
spec: {podSelector: {matchLabels: {closed: "true"}}, policyTypes: [Ingress]}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {nodeName: node-1, containers: [{name: c, image: x}]}
`;
const client = { kind: 'ref', namespace: 'default', name: 'client' } as const;

test('rule topology-prefer-same-zone: only the endpoints hinted for the client zone are candidates', () => {
  const t = traceOn(cluster('', ', trafficDistribution: PreferSameZone'), client, 'http://web/');
  assert.equal(t.outcome, 'delivered');
  assert.deepEqual(
    t.delivered.map((d) => d.pod),
    ['default/web-1'],
  );
});

test('rule topology-mode-auto: endpoints that disagree make the trace unknown, not PARTIAL', () => {
  const t = traceOn(
    cluster(', annotations: {service.kubernetes.io/topology-mode: Auto}', ''),
    client,
    'http://web/',
  );
  assert.equal(t.outcome, 'partial');
  assert.match((t.unknown ?? []).join(' '), /topology-mode: Auto .* unknown/);
});
