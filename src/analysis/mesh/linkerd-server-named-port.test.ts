/**
 * A Linkerd Server's `port` given as a name selects the pod's container ports of that name with `protocol: TCP`
 * only (the policy controller's tcp_ports_by_name, policy-controller/k8s/index/src/inbound/pod.rs): a UDP port of
 * the same name is not the Server's, so the default inbound policy answers for it.
 * https://linkerd.io/2.15/reference/authorization-policy/#server
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { reach } from '../reach/index.ts';

const apps = `apiVersion: v1
kind: Namespace
metadata: {name: foo, annotations: {linkerd.io/inject: enabled}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: stats, namespace: foo}
spec:
  selector: {matchLabels: {app: stats}}
  template:
    metadata: {labels: {app: stats}}
    spec:
      containers:
        - {name: statsd, image: x, ports: [{name: metrics, containerPort: 9125, protocol: UDP}]}
        - {name: http, image: x, ports: [{name: metrics, containerPort: 9102, protocol: TCP}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: sleep, namespace: foo}
spec:
  selector: {matchLabels: {app: sleep}}
  template:
    metadata: {labels: {app: sleep}}
    spec: {containers: [{name: sleep, image: x}]}
---
apiVersion: policy.linkerd.io/v1beta1
kind: Server
metadata: {name: stats-metrics, namespace: foo}
spec: {podSelector: {matchLabels: {app: stats}}, port: metrics}
`;
const profile = {
  file: 'kubetwin.yaml',
  text: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: linkerd}\n',
};

function toStats(port: number) {
  const { model } = buildFromTexts([{ file: 'apps.yaml', text: apps }], { profile });
  const r = reach(new PolicyEngine(model), { from: 'foo/sleep', to: 'foo/stats', port, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule linkerd-server-named-port-tcp-only: a Server port "metrics" is the TCP container port of that name, not the UDP one', () => {
  // A Server no AuthorizationPolicy targets refuses every connection to its port.
  assert.equal(toStats(9102).verdict, 'denied', '9102/TCP is the Server port metrics');
  assert.equal(toStats(9125).verdict, 'allowed', '9125 is named metrics on UDP: the default policy answers');
});
