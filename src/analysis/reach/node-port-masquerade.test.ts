/**
 * `reach --to ip:NODE --port NODEPORT`: kube-proxy serves a Service's nodePort on every node address (KUBE-NODEPORTS,
 * kubernetes/kubernetes pkg/proxy/iptables/proxier.go), so the pairs are the Service's endpoints, not the node.
 * With externalTrafficPolicy Cluster the connection is masqueraded to the address of the node's interface toward the
 * endpoint (service-path `masqueradeSources`); with Local only the node's own endpoints answer, with the client
 * address kept. https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineFor } from '../policy/_test-helpers.ts';
import { reach } from './index.ts';
import { calicoIpipNodes, cniProfile, nodePortApp, outsideOnly } from '../service-path/_test-masquerade.ts';

const app = nodePortApp;
const flannel = cniProfile('flannel');

function ask(yaml: string, from: string, node = '10.0.0.11') {
  const r = reach(engineFor(yaml, { profile: flannel }), {
    from,
    to: `ip:${node}`,
    port: 30080,
    protocol: 'TCP',
  });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('kube-proxy masquerade source — reach to a node port judges the Service endpoints for the masqueraded addresses: flannel.1 refused, node admitted: unknown', () => {
  const r = ask(app('Cluster', outsideOnly), 'internet');
  assert.equal(r.verdict, 'unknown');
  assert.ok(r.pairs.every((p) => p.to.startsWith('default/web-') && p.port === 8080));
  assert.match(r.unknownReasons.join('\n'), /but not 10\.244\.1\.0 \(node-1's flannel\.1/);
  // Only pods admitted: no masqueraded address is a pod, so every one is refused: denied, not unknown.
  assert.equal(ask(app('Cluster', '{podSelector: {}}'), 'internet').verdict, 'denied');
});

test('kube-proxy masquerade source — reach to a node port: admitted for every masqueraded address is allowed, with the addresses in a note', () => {
  const r = ask(app('Cluster', `${outsideOnly}, {ipBlock: {cidr: 10.244.1.0/32}}`), 'internet');
  assert.equal(r.verdict, 'allowed');
  assert.ok(
    r.notes.some((n) =>
      n.includes('holds for every address the masquerade can give it (10.0.0.11, 10.244.1.0)'),
    ),
  );
});

test('kube-proxy masquerade source — reach to a Local node port from outside: only the node own endpoints, the client address judged', () => {
  const elsewhere = ask(app('Local', outsideOnly), 'internet');
  assert.equal(elsewhere.verdict, 'denied');
  assert.match(elsewhere.pairs[0].problem ?? '', /goes only to endpoints on node-1/);
  assert.equal(ask(app('Local', outsideOnly), 'internet', '10.0.0.13').verdict, 'allowed');
});

test('kube-proxy masquerade source — reach to a node port on Calico nodes whose annotations name the IPIP tunnel address: the exact source decides (denied, not unknown)', () => {
  const nodes = calicoIpipNodes();
  const ask = (ingressFrom: string) => {
    const r = reach(engineFor(app('Cluster', ingressFrom) + nodes, { profile: cniProfile('calico') }), {
      from: 'internet',
      to: 'ip:10.0.0.11',
      port: 30080,
      protocol: 'TCP',
    });
    assert.ok(typeof r !== 'string', String(r));
    return r;
  };
  // Only the tunnel address can reach node-3's endpoint: refused by "outside the pod CIDR", admitted by its /32.
  assert.equal(ask(outsideOnly).verdict, 'denied');
  assert.equal(ask('{ipBlock: {cidr: 10.244.1.192/32}}').verdict, 'allowed');
});
