/**
 * `spec.externalIPs`: "Kubernetes Services can be exposed on those externalIPs": kube-proxy captures traffic to them
 * on every node and sends it to the endpoints, whatever the Service type
 * (https://kubernetes.io/docs/concepts/services-networking/service/#external-ips). The example is the page's own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceOn } from './_test-fixtures.ts';

const docsExample = `apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  selector:
    app.kubernetes.io/name: MyApp
  ports:
    - name: http
      protocol: TCP
      port: 80
      targetPort: 49152
  externalIPs:
    - 198.51.100.32
---
apiVersion: v1
kind: Pod
metadata: {name: myapp, labels: {app.kubernetes.io/name: MyApp}}
spec: {nodeName: node-1, containers: [{name: c, image: x, ports: [{containerPort: 49152}]}]}
`;

test('rule external-ips: a connection from outside to an externalIP of a ClusterIP Service is delivered to its endpoints', () => {
  const t = traceOn(docsExample, { kind: 'ip', ip: '203.0.113.9' }, 'http://198.51.100.32/');
  assert.equal(t.outcome, 'delivered');
  assert.deepEqual(
    t.delivered.map((d) => `${d.pod} ${d.ip}:${d.port}`),
    ['default/myapp 10.244.1.2:49152'],
  );
});
