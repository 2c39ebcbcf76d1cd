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

const outsideOnly = np(
  'web',
  'x',
  '  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.244.0.0/16]}}]}]',
);

test('load-balancer address: with externalTrafficPolicy Cluster the endpoint judges the masqueraded addresses, not the pod', () => {
  // Only pods of namespace z are admitted: no address the masquerade gives (a node's, a tunnel's) is one.
  const denied = ask(`${web('Cluster')}\n---\n${onlyFromZ}`, 'z/a');
  assert.deepEqual([denied.verdict, denied.unknownReasons], ['denied', []]);
  assert.equal(ask(web('Cluster'), 'z/a').verdict, 'allowed');
});

test('kube-proxy masquerade source — Calico: the node address and the tunnel address get different verdicts, so the load-balancer address is unknown', () => {
  const r = ask(`${web('Cluster')}\n---\n${outsideOnly}`, 'z/a');
  assert.equal(r.verdict, 'unknown');
  assert.match(
    r.unknownReasons.join('\n'),
    /kube-proxy masquerades the connection to x\/web-.* admit 10\.0\.0\.\d+ .* but not 10\.244\.\d+\.0 /,
  );
});

test('load-balancer address: ipMode Proxy is left to the load balancer, followed out and back: unknown where the endpoints judge the source it gives (rule load-balancer-address-proxy-mode)', () => {
  const r = ask(`${web('Local', 'Proxy')}\n---\n${onlyFromZ}`, 'y/a');
  assert.deepEqual([r.verdict, r.pairs[0]?.to], ['unknown', '34.120.1.2']);
  assert.match(
    r.unknownReasons.join('\n'),
    /externalTrafficPolicy Local the endpoints of Service x\/web judge the address the load balancer connects from/,
  );
});
