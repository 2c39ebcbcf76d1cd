/**
 * A Service port's named targetPort, as the mesh resolves it per pod: podutil.FindPort matches the container port
 * by name AND by the Service port's protocol (port names are unique within one container only, so two containers
 * may each name a port `metrics`, one UDP and one TCP). Istio builds a pod's inbound listener for the ports the
 * Service's endpoints hold, and a port no Service port reaches is not proxied as the Service port's protocol.
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/api/v1/pod/util.go (FindPort),
 * https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { reach } from '../reach/index.ts';

const apps = `apiVersion: v1
kind: Namespace
metadata: {name: foo, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Service
metadata: {name: stats, namespace: foo}
spec: {selector: {app: stats}, ports: [{name: tcp-metrics, port: 9102, protocol: TCP, targetPort: metrics}]}
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
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: stats, namespace: foo}
spec:
  selector: {matchLabels: {app: stats}}
  action: ALLOW
  rules: [{to: [{operation: {methods: [GET]}}]}]
`;
const profile = {
  file: 'kubetwin.yaml',
  text: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: istio}\n',
};

function toStats(port: number) {
  const { model } = buildFromTexts([{ file: 'apps.yaml', text: apps }], { profile });
  const r = reach(new PolicyEngine(model), { from: 'foo/sleep', to: 'foo/stats', port, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule FindPort: a TCP Service port named tcp-* targeting "metrics" proxies the TCP container port of that name as TCP, not the UDP one of the same name', () => {
  const tcp = toStats(9102);
  assert.equal(tcp.verdict, 'denied', '9102 is the tcp-metrics port: HTTP methods match nothing on TCP');
  assert.match(tcp.pairs[0].mesh!.summary + tcp.pairs[0].mesh!.notes.join(' '), /TCP/);
  // 9125 is the UDP container port named metrics: no TCP Service port reaches it, so it is not the tcp-metrics
  // port and the ALLOW rule's HTTP methods decide (the request was not given).
  const other = toStats(9125);
  assert.notEqual(other.verdict, 'denied', 'the UDP port of the same name is not the tcp-metrics port');
  assert.equal(other.pairs[0].mesh?.l7, true);
});
