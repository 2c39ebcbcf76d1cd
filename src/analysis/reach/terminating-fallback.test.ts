/**
 * KEP-1669 (ProxyTerminatingEndpoints): when a Service has no ready endpoint, kube-proxy sends connections to its
 * serving-terminating ones (https://kubernetes.io/docs/reference/networking/virtual-ips/#traffic-to-terminating-endpoints);
 * DNS publishes ready endpoints only, so a headless Service has none to give.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineFor } from '../policy/_test-helpers.ts';
import { reach } from './index.ts';

const yaml = (spec: string) => `apiVersion: v1
kind: Pod
metadata: {name: web-old, labels: {app: web}, deletionTimestamp: "2026-01-01T00:00:00Z"}
spec: {nodeName: node-1, containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}
status: {phase: Running, podIP: 10.244.1.10, conditions: [{type: Ready, status: "True"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {nodeName: node-2, containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {${spec}selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
`;

function run(spec: string) {
  const r = reach(engineFor(yaml(spec)), {
    from: 'default/client',
    to: 'service:default/web',
    port: 80,
    protocol: 'TCP',
  });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule terminating-fallback: no ready endpoint, a serving-terminating one is used by kube-proxy', () => {
  const r = run('');
  assert.equal(r.verdict, 'allowed');
  assert.deepEqual(
    r.pairs.map((p) => p.to),
    ['default/web-old'],
  );
  assert.match(
    r.notes.join(' '),
    /no ready endpoint: kube-proxy sends connections to its serving-terminating ones/,
  );
});

test('rule terminating-fallback: a headless Service has nothing to fall back to (DNS publishes ready endpoints)', () => {
  assert.equal(run('clusterIP: None, ').verdict, 'denied');
});
