/**
 * A node's address on a Service's nodePort: kube-proxy on that node sends the connection to the Service's
 * endpoints. externalTrafficPolicy Local: only that node's endpoints, client address kept, and none means the
 * packets are dropped; Cluster: any endpoint, masqueraded (the addresses it can give: service-path masquerade.test.ts).
 * https://kubernetes.io/docs/reference/networking/virtual-ips/#external-traffic-policy
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineFor, np } from '../policy/_test-helpers.ts';
import { reach } from './index.ts';

const web = (etp: string) => `apiVersion: v1
kind: Namespace
metadata: {name: x}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: x}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {nodeName: node-1, containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: x}
spec:
  type: LoadBalancer
  externalTrafficPolicy: ${etp}
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080, nodePort: 30080}]`;
const onlyInside = np(
  'web',
  'x',
  '  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]',
);

function ask(yaml: string, node: string) {
  const r = reach(engineFor(yaml), { from: 'internet', to: `ip:${node}`, port: 30080, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule node-port-external-traffic-policy: nodePort with externalTrafficPolicy Local: a node without a local endpoint drops the packets', () => {
  const r = ask(web('Local'), '10.0.0.12');
  assert.equal(r.verdict, 'denied');
  assert.match(
    JSON.stringify(r),
    /a connection from outside to node node-2's node port goes only to endpoints on node-2, not to this one/,
  );
});

test('rule node-port-external-traffic-policy: nodePort with externalTrafficPolicy Local: the node with the endpoint delivers to it, judged by its ingress policy with the client address', () => {
  const open = ask(web('Local'), '10.0.0.11');
  assert.deepEqual([open.verdict, open.pairs[0]?.to.startsWith('x/web-')], ['allowed', true]);
  assert.equal(ask(`${web('Local')}\n---\n${onlyInside}`, '10.0.0.11').verdict, 'denied');
});

test('rule node-port-external-traffic-policy: nodePort with externalTrafficPolicy Cluster: any endpoint, masqueraded: an endpoint whose policy admits some masquerade sources and not others is unknown', () => {
  assert.equal(ask(web('Cluster'), '10.0.0.12').verdict, 'allowed');
  // 10.0.0.0/8 holds every address the masquerade can give (the node's, the CNI's in the pod range): admitted.
  assert.equal(ask(`${web('Cluster')}\n---\n${onlyInside}`, '10.0.0.12').verdict, 'allowed');
  const nodesOnly = onlyInside.replace('10.0.0.0/8', '10.0.0.0/24');
  const r = ask(`${web('Cluster')}\n---\n${nodesOnly}`, '10.0.0.12');
  assert.equal(r.verdict, 'unknown');
  assert.match(
    r.unknownReasons.join('\n'),
    /kube-proxy masquerades the connection to x\/web-.* admit 10\.0\.0\.12 .* but not 10\.244\.2\.0/,
  );
});
