/**
 * From outside through a node port with externalTrafficPolicy Cluster, kube-proxy masquerades the connection to the
 * address of the node's interface toward the endpoint (KUBE-POSTROUTING MASQUERADE, kubernetes/kubernetes
 * pkg/proxy/iptables/proxier.go): with flannel VXLAN toward another node that is flannel.1's `.0` of the node's pod
 * range (flannel-io/flannel pkg/backend/vxlan/vxlan.go), with Calico IPIP/VXLAN the tunnel's pool address. An
 * ingress rule `0.0.0.0/0 except <pod CIDR>` admits the node address and refuses those: the trace is unknown.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/ (ipBlock: "cluster ingress and egress
 * mechanisms often require rewriting the source or destination IP of packets")
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, trace } from './index.ts';
import { cniProfile, nodePortApp, outsideOnly } from '../service-path/_test-masquerade.ts';

const app = nodePortApp;
const profile = cniProfile;

function traceNodePort(yaml: string, cni: string) {
  const { model } = buildYaml(yaml, { profile: profile(cni) });
  const to = parseFlowTarget('http://10.0.0.11:30080/', undefined, undefined);
  if (typeof to === 'string') throw new Error(to);
  return trace(createTraceContext(model), { kind: 'internet' }, to);
}

test('kube-proxy masquerade source — flannel VXLAN: the flannel.1 address is refused by "0.0.0.0/0 except the pod CIDR" while the node address is admitted: unknown, not DELIVERED', () => {
  const t = traceNodePort(app('Cluster', outsideOnly), 'flannel');
  const why = (t.unknown ?? []).join('\n');
  assert.match(
    why,
    /admit 10\.0\.0\.11 \(node node-1's address: flannel's host-gw .*\) but not 10\.244\.1\.0 \(node-1's flannel\.1/,
  );
  assert.equal(t.hops.find((h) => h.kind === 'policy')?.verdict, 'warn');
});

test('kube-proxy masquerade source — Calico IPIP/VXLAN: the tunnel address is refused where the node address is admitted: unknown', () => {
  const t = traceNodePort(app('Cluster', outsideOnly), 'calico');
  assert.match((t.unknown ?? []).join('\n'), /but not 10\.244\.1\.0 \(node-1's IPIP or VXLAN tunnel/);
});

test('kube-proxy masquerade source — where every candidate address gets the same verdict the trace says so and stands', () => {
  const both = `${outsideOnly}, {ipBlock: {cidr: 10.244.1.0/24}}`;
  const t = traceNodePort(app('Cluster', both), 'flannel');
  assert.deepEqual([t.outcome, t.unknown], ['delivered', undefined]);
  const policy = t.hops.find((h) => h.kind === 'policy')!;
  assert.ok(
    policy.details.some((d) =>
      /ALLOWED for every address the masquerade can give it \(10\.0\.0\.11, 10\.244\.1\.0\)/.test(d),
    ),
  );
  // Cilium identifies the node, whatever address: only the node's is judged.
  const c = traceNodePort(app('Cluster', outsideOnly), 'cilium');
  assert.equal(c.unknown, undefined);
});

test('kube-proxy masquerade source — a policy CIDR that cuts the range a stand-in tunnel address stands for makes the answer unknown', () => {
  const cut = `${outsideOnly}, {ipBlock: {cidr: 10.244.1.0/32}}`;
  const t = traceNodePort(app('Cluster', cut), 'calico');
  assert.match(
    (t.unknown ?? []).join('\n'),
    /10\.244\.1\.0 stands in for the address of tunl0 or vxlan\.calico on node-1, one of 10\.244\.1\.0\/24, which the policy CIDR 10\.244\.1\.0\/32 cuts/,
  );
});

test('kube-proxy masquerade source — externalTrafficPolicy Local keeps the client address: the policy judges it, no unknown', () => {
  const { model } = buildYaml(app('Local', outsideOnly), { profile: profile('flannel') });
  const to = parseFlowTarget('http://10.0.0.13:30080/', undefined, undefined);
  if (typeof to === 'string') throw new Error(to);
  const t = trace(createTraceContext(model), { kind: 'internet' }, to);
  assert.deepEqual([t.outcome, t.unknown], ['delivered', undefined]);
});

test('kube-proxy masquerade source — k3s ServiceLB: through a load-balancer address the svclb pod address is judged too; admitting only the flannel addresses is unknown', () => {
  const lb = app(
    'Cluster',
    `${outsideOnly}, {ipBlock: {cidr: 10.244.0.0/32}}, {ipBlock: {cidr: 10.244.1.0/32}}, {ipBlock: {cidr: 10.244.2.0/32}}`,
  )
    .replace('type: NodePort,', 'type: LoadBalancer,')
    .replace(
      'nodePort: 30080}]}',
      'nodePort: 30080}]}\nstatus: {loadBalancer: {ingress: [{ip: 198.51.100.9}]}}',
    );
  const { model } = buildYaml(lb, { profile: profile('k3s-flannel') });
  const to = parseFlowTarget('http://198.51.100.9:80/', undefined, undefined);
  if (typeof to === 'string') throw new Error(to);
  const t = trace(createTraceContext(model), { kind: 'internet' }, to);
  assert.match(
    (t.unknown ?? []).join('\n'),
    /but not 10\.244\.1\.255 \(a k3s ServiceLB svclb-\* pod on node-1/,
  );
});
