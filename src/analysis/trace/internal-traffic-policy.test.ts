/**
 * internalTrafficPolicy Local with no endpoint on the client's node: kube-proxy drops the connection, "no fallback"
 * to other nodes (https://kubernetes.io/docs/concepts/services-networking/service-traffic-policy/). The Service
 * selects ready pods; the fix is an endpoint on that node or the Cluster policy, not "select ready pods".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceOn, webBehindService } from './_test-fixtures.ts';

test('internalTrafficPolicy Local, no endpoint on the client node: dropped, and the fix names the node', () => {
  const yaml = `${webBehindService(8080, {
    spec: 'internalTrafficPolicy: Local, ',
    ports: '[{port: 80, targetPort: 8080}]',
  })}---
apiVersion: v1
kind: Pod
metadata: {name: web-pinned, labels: {app: web}}
spec: {nodeName: node-1, containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {nodeName: node-3, containers: [{name: c, image: x}]}
`;
  const t = traceOn(yaml, { kind: 'ref', namespace: 'default', name: 'client' }, 'http://web/');
  assert.equal(t.outcome, 'failed');
  assert.match(t.failure?.reason ?? '', /dropped — internalTrafficPolicy Local and no endpoint on node-3/);
  assert.equal(
    t.fix?.summary,
    'run a ready endpoint of Service default/web on node-3, or set internalTrafficPolicy: Cluster',
  );
});
