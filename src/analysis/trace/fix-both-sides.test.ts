/**
 * The fix a failed trace proposes must fix it: a connection both the client's egress and the server's ingress deny
 * (a NetworkPolicy on each side; Cilium's enable-policy always isolates every pod both ways) needs an allow on each
 * side, since "for a connection from a source pod to a destination pod to be allowed, both the egress policy on
 * the source pod and the ingress policy on the destination pod need to allow the connection"
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, trace } from './index.ts';

const yaml = `apiVersion: v1
kind: Pod
metadata: {name: client, namespace: default, labels: {app: client}}
spec: {containers: [{name: c, image: curl}]}
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: default, labels: {app: server}}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: server, namespace: default}
spec: {selector: {app: server}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: default}
spec: {podSelector: {}, policyTypes: [Ingress, Egress], egress: [{ports: [{port: 53, protocol: UDP}]}]}
`;

test('rule trace-fix-both-sides: when egress and ingress both deny, the fix allows both', () => {
  const { model } = buildYaml(yaml);
  const to = parseFlowTarget('service:default/server:80', undefined, undefined);
  if (typeof to === 'string') throw new Error(to);
  const t = trace(createTraceContext(model), { kind: 'ref', namespace: 'default', name: 'client' }, to);
  assert.equal(t.outcome, 'failed');
  assert.match(
    t.fix!.summary,
    /^allow egress from default\/client .* and allow ingress to default\/server .*\(both sides deny it\)$/,
  );
  assert.equal(t.fix!.patch!.split('\n---\n').length, 2);
});
