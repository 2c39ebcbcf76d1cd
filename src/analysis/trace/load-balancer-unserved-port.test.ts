/**
 * Rule `load-balancer-address-unserved-port` in trace: a pod's connection to a Service's load-balancer address on a
 * port the Service does not serve is not captured by kube-proxy (its rules match the Service's ports only:
 * kubernetes/kubernetes pkg/proxy/iptables/proxier.go, pkg/proxy/nftables/proxier.go): it leaves the cluster, and
 * what answers there is unknown; in IPVS mode the node rejects it (KUBE-IPVS-FILTER, pkg/proxy/ipvs/proxier.go).
 * Before, the trace said DELIVERED to the address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBalancedWebAndClient, traceOn } from './_test-fixtures.ts';

const ipvs = '---\napiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nkubeProxy: {mode: ipvs}\n';
const noEgress = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: no-egress}
spec: {podSelector: {}, policyTypes: [Egress]}
`;
const traceTo = (yaml: string) =>
  traceOn(yaml, { kind: 'ref', namespace: 'default', name: 'client' }, 'tcp://203.0.113.10:81');

test('rule load-balancer-address-unserved-port: trace marks the uncaptured connection unknown, not delivered', () => {
  const t = traceTo(loadBalancedWebAndClient());
  assert.match(
    t.hops[0].title,
    /^203\.0\.113\.10:81\/TCP: not captured by kube-proxy — Service default\/web/,
  );
  assert.match(t.unknown?.join('\n') ?? '', /serves 80\/TCP, not 81\/TCP/);
});

test('rule load-balancer-address-unserved-port: trace with the pod egress denied fails, not unknown', () => {
  const t = traceTo(loadBalancedWebAndClient() + noEgress);
  assert.deepEqual([t.outcome, t.unknown], ['failed', undefined]);
});

test('rule load-balancer-address-unserved-port: trace in IPVS mode stops at the node, which rejects it', () => {
  const t = traceTo(loadBalancedWebAndClient() + ipvs);
  assert.equal(t.outcome, 'failed');
  assert.match(t.failure?.reason ?? '', /KUBE-IPVS-FILTER/);
  assert.match(t.fix?.summary ?? '', /add port 81\/TCP/);
});
