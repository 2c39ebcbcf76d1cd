/**
 * In-cluster connections to a Service's load-balancer address (ipMode VIP, the default) or externalIP are captured
 * by kube-proxy on the client's node and sent to the Service's endpoints; with externalTrafficPolicy Cluster they are
 * masqueraded on the way (kubernetes/kubernetes pkg/proxy/iptables/proxier.go, the KUBE-EXT chain); with
 * `ipMode: Proxy` kube-proxy leaves them to the load balancer.
 * https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-ip-mode
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, np } from '../policy/_test-helpers.ts';
import { reach } from './index.ts';

const web = (etp: string, ipMode = 'VIP') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: x}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: x}
spec: {type: LoadBalancer, externalTrafficPolicy: ${etp}, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
status: {loadBalancer: {ingress: [{ip: 34.120.1.2, ipMode: ${ipMode}}]}}`;
const onlyFromZ = np(
  'web',
  'x',
  '  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: z}}}]}]',
);

function ask(yaml: string, from: string) {
  const r = reach(engineFor(e2eTopology(yaml)), { from, to: 'ip:34.120.1.2', port: 80, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('load-balancer address: kube-proxy takes a pod connection straight to the endpoints, judged there (Local keeps the pod address)', () => {
  const yaml = `${web('Local')}\n---\n${onlyFromZ}`;
  const denied = ask(yaml, 'y/a');
  assert.deepEqual([denied.verdict, denied.pairs[0]?.to.startsWith('x/web-')], ['denied', true]);
  assert.equal(ask(yaml, 'z/a').verdict, 'allowed');
});

test('load-balancer address: with externalTrafficPolicy Cluster an isolated endpoint sees the node address: unknown', () => {
  const r = ask(`${web('Cluster')}\n---\n${onlyFromZ}`, 'z/a');
  assert.equal(r.verdict, 'unknown');
  assert.match(r.unknownReasons.join('\n'), /masquerades connections to 34\.120\.1\.2/);
  assert.equal(ask(web('Cluster'), 'z/a').verdict, 'allowed');
});

test('load-balancer address: ipMode Proxy is left to the load balancer (an outside address)', () => {
  const r = ask(`${web('Local', 'Proxy')}\n---\n${onlyFromZ}`, 'y/a');
  assert.deepEqual([r.verdict, r.pairs[0]?.to], ['allowed', '34.120.1.2']);
});
