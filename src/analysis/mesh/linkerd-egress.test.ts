/**
 * Linkerd EgressNetwork (2.17+), as the reference and the egress task describe it:
 * https://linkerd.io/2.17/reference/egress-network/, https://linkerd.io/2.17/tasks/managing-egress-traffic/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileMesh } from './index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { reach } from '../reach/index.ts';

const app = `apiVersion: v1
kind: Namespace
metadata: {name: egress-test}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: egress-test, annotations: {linkerd.io/inject: enabled}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: other, annotations: {linkerd.io/inject: enabled}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: plain, namespace: egress-test}
spec: {containers: [{name: c, image: x}]}
`;

const network = (ns: string, policy: string, networks = '') => `---
apiVersion: policy.linkerd.io/v1alpha1
kind: EgressNetwork
metadata: {name: all-egress-traffic, namespace: ${ns}}
spec:
  trafficPolicy: ${policy}
${networks}
`;

const httpRoute = (port: number) => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: httpbin-get, namespace: egress-test}
spec:
  parentRefs: [{name: all-egress-traffic, kind: EgressNetwork, group: policy.linkerd.io, namespace: egress-test, port: ${port}}]
  rules: [{matches: [{path: {value: /get}}]}]
`;

function egress(extra: string, from: string, ip: string, port = 80) {
  const { model, diagnostics } = buildFromTexts(
    [
      { file: 'app.yaml', text: app },
      { file: 'extra.yaml', text: extra },
    ],
    {
      profile: {
        file: 'kubetwin.yaml',
        text: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: linkerd}\n',
      },
    },
  );
  const [ns, name] = from.split('/');
  const pod = model.pods.find((p) => p.namespace === ns && p.name === name)!;
  return { v: compileMesh(model).egress(pod, ip, port), diagnostics };
}

test('rule egress-network-deny: Deny refuses what no attached route describes', () => {
  const { v } = egress(network('egress-test', 'Deny'), 'egress-test/client', '203.0.113.10');
  assert.equal(v?.verdict, 'denied');
  assert.equal(v?.by, 'EgressNetwork/egress-test/all-egress-traffic');
});

test('rule egress-network-allow: Allow lets the connection through to the address dialed', () => {
  assert.equal(
    egress(network('egress-test', 'Allow'), 'egress-test/client', '203.0.113.10').v?.verdict,
    'allowed',
  );
});

test('rule egress-network-namespace-scope: a namespace EgressNetwork applies to its own clients; the global egress namespace to all, after the local one', () => {
  assert.equal(egress(network('egress-test', 'Deny'), 'other/client', '203.0.113.10').v, undefined);
  const global = network('linkerd-egress', 'Deny');
  assert.equal(egress(global, 'other/client', '203.0.113.10').v?.verdict, 'denied');
  // The namespace-local resource takes priority.
  assert.equal(
    egress(global + network('egress-test', 'Allow'), 'egress-test/client', '203.0.113.10').v?.verdict,
    'allowed',
  );
  // A client without the proxy is not judged by the mesh.
  assert.equal(egress(network('egress-test', 'Deny'), 'egress-test/plain', '203.0.113.10').v, undefined);
});

test('rule egress-network-networks: networks (with except) say what it captures; none: everything outside the cluster networks', () => {
  const some = network(
    'egress-test',
    'Deny',
    '  networks: [{cidr: 203.0.113.0/24, except: [203.0.113.128/25]}]',
  );
  assert.equal(egress(some, 'egress-test/client', '203.0.113.10').v?.verdict, 'denied');
  assert.equal(egress(some, 'egress-test/client', '203.0.113.200').v, undefined);
  assert.equal(egress(some, 'egress-test/client', '198.51.100.1').v, undefined);
  // An address inside the cluster networks (10.0.0.0/8 by default) is no egress.
  assert.equal(egress(network('egress-test', 'Deny'), 'egress-test/client', '10.1.2.3').v, undefined);
});

test('rule egress-network-attached-route: a route attached on the port makes a Deny connection unknown; on another port it does not count', () => {
  const deny = network('egress-test', 'Deny');
  const v = egress(deny + httpRoute(80), 'egress-test/client', '203.0.113.10').v;
  assert.equal(v?.verdict, 'unknown');
  assert.match(v?.why ?? '', /HTTPRoute\/egress-test\/httpbin-get/);
  assert.equal(egress(deny + httpRoute(8080), 'egress-test/client', '203.0.113.10').v?.verdict, 'denied');
});

test('rule egress-network-overlap: two EgressNetworks capturing one address are unknown', () => {
  const two =
    network('egress-test', 'Deny') + network('egress-test', 'Allow').replace('all-egress-traffic', 'second');
  assert.equal(egress(two, 'egress-test/client', '203.0.113.10').v?.verdict, 'unknown');
});

test('rule egress-network-traffic-policy-required: trafficPolicy must be Allow or Deny', () => {
  const { diagnostics } = egress(network('egress-test', 'Block'), 'egress-test/client', '203.0.113.10');
  assert.ok(diagnostics.some((d) => d.code === 'invalid-mesh-policy' && d.message.includes('trafficPolicy')));
});

test('rule egress-network-mesh-unknown: with no mesh known, a connection an EgressNetwork would capture is unknown, never ALLOWED; pod-to-pod answers stand; under Istio it has no effect', () => {
  const base = `${app}---\n${network('linkerd-egress', 'Deny')}`;
  const ask = (extra: string, to: string) => {
    const { model } = buildFromTexts([{ file: 'app.yaml', text: base + extra }]);
    const r = reach(new PolicyEngine(model), { from: 'other/client', to, port: 80, protocol: 'TCP' });
    assert.ok(typeof r !== 'string', String(r));
    return r;
  };
  const out = ask('', 'ip:203.0.113.10');
  assert.equal(out.verdict, 'unknown');
  assert.ok(
    out.unknownReasons.some((r) => r.includes('no mesh is known to run')),
    out.unknownReasons.join('; '),
  );
  assert.equal(ask('', 'egress-test/client').verdict, 'allowed');
  const istio = '---\napiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}\n';
  assert.equal(ask(istio, 'ip:203.0.113.10').verdict, 'allowed');
});
