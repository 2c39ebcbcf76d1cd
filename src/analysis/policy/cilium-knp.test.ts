/**
 * Kubernetes NetworkPolicies (and Cilium port names) where the Cilium agent departs from upstream semantics: a
 * peer of only negative namespace requirements, egress port names, egress to the pod's own node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, expectTable, np, verdict } from './_test-helpers.ts';
import type { PolicyEngine } from './_engine.ts';

const profile = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}\n';
const calico = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: calico}\n';
const unknowns = (v: { warnings: readonly string[] }) =>
  v.warnings.filter((w) => w.endsWith('is not modeled by kubetwin and may change this verdict'));

// cilium/cilium#46949 (open): Cilium turns a NetworkPolicy peer into one endpoint selector and adds "namespace
// exists" only to an empty namespaceSelector (pkg/k8s/network_policy.go, parseNetworkPolicyPeer), so a peer of
// only NotIn/DoesNotExist requirements requires no label and matches world, host and remote-node identities too.
test('rule cilium-knp-negative-namespace-selector-unknown: a NotIn-only namespaceSelector may match addresses under Cilium', () => {
  const notIn = np(
    'allow-ns-notin',
    'x',
    `  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Ingress, Egress]\n  egress:\n  - to:\n    - namespaceSelector:\n        matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: ["y"]}]\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: ["y"]}]`,
  );
  const e = engineFor(e2eTopology(notIn), { profile });
  const out = verdict(e, 'x/a', 'ip:8.8.8.8', 443);
  assert.equal(out.allowed, false, 'the upstream reading: namespaceSelector matches pods only');
  assert.equal(unknowns(out).length, 1);
  assert.match(
    unknowns(out)[0],
    /NetworkPolicy\/x\/allow-ns-notin egress\[0\]\.to\[0\] \(a namespaceSelector of only NotIn/,
  );
  assert.match(unknowns(verdict(e, 'ip:8.8.8.8', 'x/a', 80))[0], /ingress\[0\]\.from\[0\]/);
  // Pods are matched the same way in every reading: confident.
  expectTable(
    e,
    'x/a -> y/b 80/TCP deny\nx/a -> z/b 80/TCP allow\ny/b -> x/a 80/TCP deny\nz/b -> x/a 80/TCP allow',
  );
  assert.deepEqual(unknowns(verdict(e, 'x/a', 'y/b', 80)), []);
  // A positive pod label, or an empty namespaceSelector ("namespace exists" added), keeps the peer on pods.
  for (const peer of [
    `    - namespaceSelector:\n        matchExpressions: [{key: ns, operator: NotIn, values: ["y"]}]\n      podSelector: {matchLabels: {pod: b}}`,
    `    - namespaceSelector: {}`,
  ]) {
    const pos = engineFor(
      e2eTopology(
        np(
          'p',
          'x',
          `  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress:\n  - to:\n${peer}`,
        ),
      ),
      { profile },
    );
    assert.deepEqual(unknowns(verdict(pos, 'x/a', 'ip:8.8.8.8', 443)), [], peer);
  }
  // Upstream (another CNI): the documented reading, confident.
  const other = engineFor(e2eTopology(notIn), { profile: calico });
  assert.deepEqual(unknowns(verdict(other, 'x/a', 'ip:8.8.8.8', 443)), []);
});

/** Two servers that give the port name `http` different numbers, and a client whose egress names it. */
function namedPorts(policy: string, clientPort = 8000, p = profile): PolicyEngine {
  const pod = (name: string, port: number, labels: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: default, labels: {${labels}}}\nspec: {containers: [{name: c, image: x, ports: [{containerPort: ${port}, name: http}]}]}`;
  return engineFor(
    [
      pod('client', clientPort, 'role: client'),
      pod('web', 8080, 'app: web'),
      pod('api', 80, 'app: api'),
      policy,
    ].join('\n---\n'),
    { profile: p },
  );
}

// cilium/cilium#30003 and #24779: releases before #44429 resolve an egress port name over the named ports of every
// endpoint of the cluster and skip it when pods give it different numbers ("Skipping named port ... duplicate named
// ports"); #44429 resolves it over the destinations the rule selects (pkg/policy/types NamedPortMultiMap).
test('rule cilium-egress-named-port-releases-unknown: an egress port name pods give several numbers is unknown under Cilium', () => {
  const knp = np(
    'allow-egress',
    'default',
    `  podSelector: {matchLabels: {role: client}}\n  policyTypes: [Egress]\n  egress:\n  - ports: [{port: http, protocol: TCP}]`,
  );
  const e = namedPorts(knp);
  const allowed = verdict(e, 'default/client', 'default/web', 8080);
  assert.equal(allowed.allowed, true, 'the upstream reading: the destination pod names 8080 http');
  assert.match(
    unknowns(allowed)[0] ?? '',
    /egress\[0\]\.ports\[0\] \(an egress port name: pods of the cluster give http\/TCP the numbers 80, 8000, 8080/,
  );
  // A number no pod gives the name is matched by no release.
  expectTable(e, 'default/client -> default/web 9000/TCP deny');
  assert.deepEqual(unknowns(verdict(e, 'default/client', 'default/web', 9000)), []);
  // The destination gives the name another number: no release matches 80 at web.
  assert.deepEqual(unknowns(verdict(e, 'default/client', 'default/web', 80)), []);
  // The same in a CiliumNetworkPolicy's toPorts.
  const cnp = `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: allow-egress, namespace: default}\nspec:\n  endpointSelector: {matchLabels: {role: client}}\n  egress:\n  - toEndpoints: [{matchLabels: {app: web}}]\n    toPorts: [{ports: [{port: http, protocol: TCP}]}]`;
  const c = verdict(namedPorts(cnp), 'default/client', 'default/web', 8080);
  assert.equal(c.allowed, true);
  assert.match(
    unknowns(c)[0] ?? '',
    /CiliumNetworkPolicy\/default\/allow-egress egress\[0\]\.toPorts \(an egress port name/,
  );
  // Ingress port names are the endpoint's own in every release: confident.
  const ingress = np(
    'allow-ingress',
    'default',
    `  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Ingress]\n  ingress:\n  - ports: [{port: http, protocol: TCP}]`,
  );
  assert.deepEqual(unknowns(verdict(namedPorts(ingress), 'default/client', 'default/web', 8080)), []);
  // Every pod gives the name one number: one reading, confident — except at an address, which only releases
  // before #44429 match on that number.
  const one = (port: number) =>
    engineFor(
      `apiVersion: v1\nkind: Pod\nmetadata: {name: client, namespace: default, labels: {role: client}}\nspec: {containers: [{name: c, image: x}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: default, labels: {app: web}}\nspec: {containers: [{name: c, image: x, ports: [{containerPort: ${port}, name: http}]}]}\n---\n${knp}`,
      { profile },
    );
  assert.deepEqual(unknowns(verdict(one(8080), 'default/client', 'default/web', 8080)), []);
  assert.match(
    unknowns(verdict(one(8080), 'default/client', 'ip:1.2.3.4', 8080))[0] ?? '',
    /the destination does not define it/,
  );
  // Another CNI: upstream semantics, confident.
  assert.deepEqual(
    unknowns(verdict(namedPorts(knp, 8000, calico), 'default/client', 'default/web', 8080)),
    [],
  );
});

// https://docs.cilium.io/en/stable/security/policy/language/#access-to-from-local-host: "Kubernetes will
// automatically allow all communication from the local host of all local endpoints" (allow-localhost); egress to the
// host is the `host` entity and needs a rule — with Kubernetes NetworkPolicies alone too.
test('rule cilium-own-node-egress-subject-to-policy: egress to the own node is judged under Cilium, ingress from it is allowed', () => {
  const deny = np('default-deny', 'x', `  podSelector: {}\n  policyTypes: [Ingress, Egress]`);
  const nodeIP = (e: PolicyEngine) => {
    const pod = e.model.pods.find((p) => p.namespace === 'x' && p.name === 'a')!;
    return e.model.nodes.find((n) => n.name === pod.nodeName)!.internalIP!;
  };
  const e = engineFor(e2eTopology(deny), { profile });
  const ip = nodeIP(e);
  const out = verdict(e, 'x/a', `ip:${ip}`, 10250);
  assert.equal(out.allowed, false);
  assert.match(out.egress.notes.join(' '), /egress to it is the host entity/);
  assert.equal(verdict(e, `ip:${ip}`, 'x/a', 80).allowed, true, 'allow-localhost');
  // A hostNetwork pod on that node is its address: the matrix's fast path agrees with the explained verdict.
  const node = e.model.pods.find((p) => p.namespace === 'x' && p.name === 'a')!.nodeName!;
  const agent = `apiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: "z", labels: {app: agent}}\nspec: {nodeName: ${node}, hostNetwork: true, containers: [{name: c, image: x, ports: [{containerPort: 9100}]}]}`;
  expectTable(
    engineFor(e2eTopology(`${deny}\n---\n${agent}`), { profile }),
    'x/a -> z/agent 9100/TCP deny\nz/agent -> x/a 80/TCP allow',
  );
  // Upstream: "traffic to and from the node where a Pod is running is always allowed".
  const other = engineFor(e2eTopology(deny), { profile: calico });
  assert.equal(verdict(other, 'x/a', `ip:${nodeIP(other)}`, 10250).allowed, true);
});
