/**
 * k3s ServiceLB (k3s-io/k3s pkg/cloudprovider/servicelb.go; k3s-io/klipper-lb `entry`): a LoadBalancer Service's
 * address is the own address of a node running one of its Ready svclb pods, so a connection to it arrives on that
 * node; there either kube-proxy's load-balancer rule masquerades it to the node's interface toward the endpoint, or
 * the svclb pod's hostPort takes it and klipper-lb DNATs it to the ClusterIP, masquerading it from the svclb pod's
 * own address. Where a dump holds the svclb pods, that pod (with its labels, in its namespace) is what the
 * endpoint's policies judge — not a stand-in address of any node's range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { discoverFlows, parseFlowTarget } from '../flows/index.ts';
import { suggestPolicies } from '../suggest/index.ts';
import { masqueradeSources } from '../service-path/index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { reach } from '../reach/index.ts';
import { createTraceContext, trace } from './index.ts';

const dump = readFileSync('testdata/apps/k3s-dump/dump.yaml', 'utf8');
/** Traefik admits kube-system's pods only: the svclb pods, not a node's flannel.1 or cni0 address. */
const fromKubeSystem = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: traefik-from-kube-system, namespace: kube-system}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: traefik}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {}}]
`;

const build = (extra = '', disable = false) =>
  buildFromTexts([
    {
      file: 'dump.yaml',
      text: disable ? dump.replace('"server",', '"server","--disable","servicelb",') : dump,
    },
    { file: 'extra.yaml', text: extra },
  ]).model;

function traceLb(extra: string) {
  const to = parseFlowTarget('http://10.0.0.3/', undefined, undefined);
  if (typeof to === 'string') throw new Error(to);
  if (to.kind !== 'url') throw new Error('a URL');
  const model = build(extra);
  return trace(
    createTraceContext(model),
    { kind: 'internet' },
    { ...to, headers: { host: 'shop.example.com' } },
  );
}

test('rule k3s-servicelb-svclb-pods: the svclb pods of the dump are the ServiceLB sources, on the node whose address the load balancer is', () => {
  const model = build();
  const sources = masqueradeSources(model, {
    via: 'k3s-agent-1',
    endpointNode: 'k3s-server-0',
    endpointIP: '10.42.0.8',
    loadBalancer: true,
    service: { namespace: 'kube-system', name: 'traefik' },
  });
  assert.deepEqual(
    sources.map((s) => `${s.ip} ${s.pod ? s.pod.name : (s.device ?? 'node')}`),
    ['10.42.1.0 flannel.1', '10.42.1.2 svclb-traefik-3c9a71f2-jx4pd'],
  );
  // Another Service's connection: it has no svclb pod of its own in the dump, so none of traefik's carries it.
  const other = masqueradeSources(model, {
    via: 'k3s-agent-1',
    endpointNode: 'k3s-server-0',
    endpointIP: '10.42.0.8',
    loadBalancer: true,
    service: { namespace: 'shop', name: 'web' },
  });
  assert.ok(other.every((s) => !s.pod));
});

test("rule k3s-servicelb-svclb-pods: a policy admitting kube-system pods admits the svclb path and refuses kube-proxy's: unknown, not a sure refusal", () => {
  const t = traceLb(fromKubeSystem);
  assert.notEqual(t.outcome, 'failed');
  const why = (t.unknown ?? []).join('\n');
  assert.match(
    why,
    /admit 10\.42\.1\.2 \(k3s ServiceLB pod kube-system\/svclb-traefik-3c9a71f2-jx4pd on k3s-agent-1/,
  );
  assert.match(why, /but not 10\.42\.1\.0 \(k3s-agent-1's flannel\.1/);
  const lb = t.hops.find((h) => h.kind === 'load-balancer')!;
  assert.ok(lb.details.some((d) => /arrives on k3s-agent-1/.test(d)));
});

test('rule k3s-servicelb-svclb-pods: reach through the ServiceLB address judges the svclb pod on its node', () => {
  const model = build(fromKubeSystem);
  const r = reach(new PolicyEngine(model), {
    from: 'internet',
    to: 'ip:10.0.0.3',
    port: 80,
    protocol: 'TCP',
  });
  if (typeof r === 'string') throw new Error(r);
  const text = JSON.stringify(r);
  assert.doesNotMatch(text, /10\.42\.\d\.255/);
  assert.match(text, /10\.42\.1\.2/);
  // 10.0.0.3 is k3s-agent-1's address: the svclb pods of the other nodes do not carry it.
  assert.doesNotMatch(text, /10\.42\.0\.9|10\.42\.2\.2/);
});

test('rule k3s-disable-servicelb: a k3s server started with --disable servicelb runs no svclb pod, so no stand-in is judged', () => {
  const noPods = (m: ReturnType<typeof build>) => ({
    ...m,
    pods: m.pods.filter((p) => !p.name.startsWith('svclb-')),
  });
  const hop = {
    via: 'k3s-agent-1',
    endpointNode: 'k3s-server-0',
    endpointIP: '10.42.0.8',
    loadBalancer: true,
  };
  const standIn = masqueradeSources(noPods(build()), hop).map((s) => s.ip);
  assert.ok(standIn.includes('10.42.1.255'), 'without the pods and with ServiceLB on, the stand-in stays');
  const disabled = masqueradeSources(noPods(build('', true)), hop).map((s) => s.ip);
  assert.deepEqual(disabled, ['10.42.1.0']);
});

test('rule k3s-servicelb-svclb-pods: a svclb pod forwards to fixed ClusterIPs, so suggest gives it no DNS lookups', () => {
  const model = build();
  const s = suggestPolicies(model, discoverFlows(model).flows);
  assert.ok(s.edges.some((e) => e.from.kind === 'pods' && e.from.pod.name.startsWith('svclb-')));
  assert.deepEqual(
    s.edges.filter((e) => e.why.some((w) => w.startsWith('DNS lookups of kube-system'))).map((e) => e.from),
    [],
  );
  assert.ok(!s.policies.some((p) => p.name === 'kubetwin-allow-dns'));
});
