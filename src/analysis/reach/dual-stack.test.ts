/**
 * Dual-stack: a PreferDualStack Service has a cluster IP per family and an EndpointSlice per family; kube-proxy sends
 * a connection to the primary cluster IP to endpoints of that family only
 * (https://kubernetes.io/docs/concepts/services-networking/dual-stack/#services). A pod is one pair, not one per
 * address family.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineFor } from '../policy/_test-helpers.ts';
import { reach } from './index.ts';

const profile =
  'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\npodCIDR: 10.244.0.0/16,fd00:10:244::/56\nserviceCIDR: 10.96.0.0/16,fd00:10:96::/112\n';
const yaml = (spec: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: my-app}
spec:
  replicas: 2
  selector: {matchLabels: {app: my-app}}
  template:
    metadata: {labels: {app: my-app}}
    spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: my-service}
spec: {${spec}selector: {app: my-app}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: c, image: i}]}
`;

for (const spec of [
  'ipFamilyPolicy: PreferDualStack, ',
  'clusterIP: None, ipFamilyPolicy: PreferDualStack, ',
]) {
  test(`rule dual-stack-one-pair-per-pod: ${spec.includes('None') ? 'headless' : 'cluster IP'}, two pods are two pairs`, () => {
    const r = reach(engineFor(yaml(spec), { profile }), {
      from: 'default/client',
      to: 'service:default/my-service',
      port: 80,
      protocol: 'TCP',
    });
    assert.ok(typeof r !== 'string', String(r));
    assert.equal(r.pairs.length, 2);
  });
}
