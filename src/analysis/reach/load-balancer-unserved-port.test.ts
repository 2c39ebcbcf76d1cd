/**
 * Rule `load-balancer-address-unserved-port`: kube-proxy captures a Service's load-balancer address only on the
 * Service's own ports (a KUBE-SERVICES rule per port in iptables mode, an `address . protocol . port` element of the
 * `service-ips` map in nftables mode: kubernetes/kubernetes pkg/proxy/iptables/proxier.go,
 * pkg/proxy/nftables/proxier.go), so a pod's connection to another port leaves the cluster for the load balancer:
 * what answers there is not in the input — unknown. In IPVS mode the address is bound to kube-ipvs0 on every node
 * and KUBE-IPVS-FILTER rejects a new connection on a port no Service serves (pkg/proxy/ipvs/proxier.go,
 * https://github.com/kubernetes/kubernetes/issues/72236): denied. Before, the pair was "not a pod: ALLOWED".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, np } from '../policy/_test-helpers.ts';
import { reach } from './index.ts';

const web = `apiVersion: apps/v1
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
spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
status: {loadBalancer: {ingress: [{ip: 34.120.1.2}]}}`;
const ipvs = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nkubeProxy: {mode: ipvs}';
const noEgress = np('no-egress', 'y', '  podSelector: {}\n  policyTypes: [Egress]');

function ask(yaml: string, from: string, port = 81) {
  const r = reach(engineFor(e2eTopology(yaml)), { from, to: 'ip:34.120.1.2', port, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule load-balancer-address-unserved-port: a pod dialing the load-balancer address on a port the Service does not serve is unknown, not ALLOWED', () => {
  const r = ask(web, 'y/a');
  assert.equal(r.verdict, 'unknown');
  assert.match(
    r.unknownReasons.join('\n'),
    /34\.120\.1\.2 is the load-balancer address of Service x\/web, which serves 80\/TCP, not 81\/TCP: kube-proxy captures only the Service's ports/,
  );
  // On the port it serves, kube-proxy takes it to the endpoints as before.
  assert.equal(ask(web, 'y/a', 80).verdict, 'allowed');
});

test('rule load-balancer-address-unserved-port: a denial at the pod egress stands', () => {
  const r = ask(`${web}\n---\n${noEgress}`, 'y/a');
  assert.deepEqual([r.verdict, r.unknownReasons], ['denied', []]);
});

test('rule load-balancer-address-unserved-port: kube-proxy in IPVS mode rejects it in the node: denied', () => {
  const r = ask(`${web}\n---\n${ipvs}`, 'y/a');
  assert.equal(r.verdict, 'denied');
  assert.match(r.pairs[0]?.problem ?? '', /IPVS mode .* rejects a new connection .*KUBE-IPVS-FILTER/);
});

test('rule load-balancer-address-unserved-port: from outside the load balancer answers first: unknown, even with IPVS', () => {
  const r = ask(`${web}\n---\n${ipvs}`, 'ip:198.51.100.9');
  assert.equal(r.verdict, 'unknown');
  assert.match(r.unknownReasons.join('\n'), /the connection meets the load balancer/);
});
