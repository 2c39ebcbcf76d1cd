import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { PolicyEngine } from '../policy/index.ts';
import { buildReport, type NamespacePosture } from './index.ts';

const ns = (n: string, labels = '{}') =>
  `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${n}, labels: ${labels}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ${n}, labels: {app: a}}\nspec: {containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}\n`;
const pods = ns('x');
const denyAll =
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: x}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n';
const allow = (spec: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: open, namespace: x}\nspec: {podSelector: {}, ${spec}}\n`;

function postureOf(yaml: string, name = 'x'): NamespacePosture {
  const { model, diagnostics } = buildYaml(yaml);
  const data = buildReport({
    title: 't',
    model,
    diagnostics,
    engine: new PolicyEngine(model),
    flows: [],
    findings: [],
  });
  return data.posture.find((p) => p.namespace === name)!;
}
const summary = (p: NamespacePosture) => [p.posture, p.ingress.reach, p.egress.reach];

test('posture no-policies-is-open: nothing isolated, the internet reaches the namespace and it reaches the internet', () => {
  assert.deepEqual(summary(postureOf(pods)), ['open', 'internet', 'internet']);
});

test('posture default-deny-is-zero-trust: nothing reaches in or out, no rule admits everything', () => {
  const p = postureOf(`${pods}---\n${denyAll}`);
  assert.deepEqual(summary(p), ['zero-trust', 'none', 'none']);
  assert.deepEqual([p.ingress.openRules, p.egress.openRules], [[], []]);
});

test('posture allow-everything-ingress-is-internet: default deny undone by ingress [{}] is reachable from the internet, the rule named with its line', () => {
  const p = postureOf(`${pods}---\n${denyAll}---\n${allow('policyTypes: [Ingress], ingress: [{}]')}`);
  assert.deepEqual(summary(p), ['partial', 'internet', 'none']);
  assert.deepEqual(p.ingress.openRules, [
    { policy: 'NetworkPolicy/x/open', rule: 'ingress[0]', source: 'test.yaml:18' },
  ]);
});

test('posture allow-everything-egress-is-internet: default deny undone by egress [{}] or 0.0.0.0/0 reaches the internet', () => {
  for (const spec of [
    'policyTypes: [Egress], egress: [{}]',
    'policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}]}]',
  ]) {
    const p = postureOf(`${pods}---\n${denyAll}---\n${allow(spec)}`);
    assert.deepEqual(summary(p), ['partial', 'none', 'internet'], spec);
    assert.equal(p.egress.openRules.length, 1, spec);
  }
});

test('posture every-namespace-is-cluster: namespaceSelector {} admits every namespace but not the internet', () => {
  const yaml = `${pods}---\n${ns('yy')}---\n${denyAll}---\n${allow('policyTypes: [Ingress], ingress: [{from: [{namespaceSelector: {}}]}]')}`;
  const p = postureOf(yaml);
  assert.deepEqual(summary(p), ['partial', 'cluster', 'none']);
  assert.deepEqual(p.ingress.peers, ['kube-system', 'yy']);
  assert.equal(p.ingress.openRules[0].rule, 'ingress[0]');
});

test('posture one-port-from-anyone-is-internet: a rule admitting every peer on one port is still reachable from the internet', () => {
  const p = postureOf(
    `${pods}---\n${denyAll}---\n${allow('policyTypes: [Ingress], ingress: [{ports: [{port: 80}]}]')}`,
  );
  assert.deepEqual(summary(p), ['partial', 'internet', 'none']);
  // Not every port: not an allow-everything rule.
  assert.deepEqual(p.ingress.openRules, []);
});

test('posture named-peers-only: ingress from one labelled namespace is peers [that namespace], zero-trust', () => {
  const yaml = `${pods}---\n${ns('yy', '{team: a}')}---\n${ns('z')}---\n${denyAll}---\n${allow('policyTypes: [Ingress], ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}}]}]')}`;
  const p = postureOf(yaml);
  assert.deepEqual(summary(p), ['zero-trust', 'peers', 'none']);
  assert.deepEqual(p.ingress.peers, ['yy']);
});

test('posture egress-except-pods-is-internet: 0.0.0.0/0 with an except reaches the internet (not named peers)', () => {
  const p = postureOf(
    `${pods}---\n${denyAll}---\n${allow('policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]}]')}`,
  );
  assert.deepEqual(summary(p), ['partial', 'none', 'internet']);
  assert.deepEqual(p.egress.openRules, []);
});

test('posture ipblock-internet-is-the-client-block: an ipBlock holding the stand-in client (203.0.113.7) reaches the internet; one beside it, or excepting the client, does not', () => {
  const ingress = (block: string) =>
    postureOf(
      `${pods}---\n${denyAll}---\n${allow(`policyTypes: [Ingress], ingress: [{from: [{ipBlock: ${block}}]}]`)}`,
    ).ingress.reach;
  assert.equal(ingress('{cidr: 203.0.113.0/24}'), 'internet');
  assert.equal(ingress('{cidr: 198.51.100.0/24}'), 'none');
  assert.equal(ingress('{cidr: 203.0.113.0/24, except: [203.0.113.0/28]}'), 'none');
  const egress = (block: string) =>
    postureOf(
      `${pods}---\n${denyAll}---\n${allow(`policyTypes: [Egress], egress: [{to: [{ipBlock: ${block}}]}]`)}`,
    ).egress.reach;
  assert.equal(egress('{cidr: 203.0.113.7/32}'), 'internet');
  assert.equal(egress('{cidr: 198.51.100.0/24}'), 'none');
});

const ciliumProfile = '---\napiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}\n';
const cnp = (spec: string) =>
  `---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: c, namespace: x}\nspec: {${spec}}\n`;

test('posture counts-cilium-policies: a namespace governed by a CiliumNetworkPolicy counts it beside its NetworkPolicies', () => {
  const p = postureOf(
    `${pods}${ciliumProfile}${cnp('endpointSelector: {matchLabels: {app: a}}, ingress: [{fromEndpoints: [{}]}]')}`,
  );
  assert.deepEqual([p.policies, p.ciliumPolicies, p.defaultDenyIngress], [0, 1, false]);
  assert.equal(
    postureOf(pods).ciliumPolicies,
    undefined,
    'no Cilium field when the input has no Cilium policy',
  );
});

test('posture cilium-default-deny: endpointSelector {} with ingress [{}] is a default deny for Ingress', () => {
  const p = postureOf(`${pods}${ciliumProfile}${cnp('endpointSelector: {}, ingress: [{}]')}`);
  assert.deepEqual([p.defaultDenyIngress, p.defaultDenyEgress, p.ingress.reach], [true, false, 'none']);
});

test('posture ipblock-internet-per-direction: one policy whose egress holds the client block and whose ingress does not reaches the internet, and is not reached from it (each direction read from its own rules)', () => {
  const both = (ingress: string, egress: string) =>
    summary(
      postureOf(
        `${pods}---\n${allow(`policyTypes: [Ingress, Egress], ingress: [{from: [${ingress}]}], egress: [{to: [${egress}]}]`)}`,
      ),
    );
  const client = '{ipBlock: {cidr: 203.0.113.0/24}}';
  const pod = '{podSelector: {}}';
  assert.deepEqual(both(pod, client), ['partial', 'none', 'internet']);
  assert.deepEqual(both(client, pod), ['partial', 'internet', 'none']);
});

test('posture isolated-counts-per-class: pods of one class share its isolation, NetworkPolicy or Cilium', () => {
  const two = `${pods}---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: x, labels: {app: b}}\nspec: {containers: [{name: c, image: i}]}\n`;
  const onA = allow('policyTypes: [Ingress], ingress: []').replace(
    'podSelector: {}',
    'podSelector: {matchLabels: {app: a}}',
  );
  const p = postureOf(`${two}---\n${onA}`);
  assert.deepEqual([p.pods, p.ingressIsolated, p.egressIsolated], [2, 1, 0]);
  const c = postureOf(
    `${two}${ciliumProfile}${cnp('endpointSelector: {matchLabels: {app: b}}, egress: [{}]')}`,
  );
  assert.deepEqual([c.pods, c.ingressIsolated, c.egressIsolated], [2, 0, 1]);
});

/**
 * Under an unknown CNI the posture a namespace's policies give it is unknown: "Creating a NetworkPolicy resource
 * without a controller that implements it will have no effect"
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#prerequisites).
 */
test('posture cni-unknown-is-unknown: a default deny under an unknown CNI rates unknown (zero-trust if enforced), not zero-trust', () => {
  const unknown = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: unknown}\n---\n';
  const p = postureOf(`${unknown}${pods}---\n${denyAll}`);
  assert.deepEqual([p.posture, p.ifEnforced], ['unknown', 'zero-trust']);
  // Open stays open: a CNI that does not enforce lets everything through too.
  assert.equal(postureOf(`${unknown}${pods}`).posture, 'open');
  const calico = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: calico}\n---\n';
  assert.deepEqual([postureOf(`${calico}${pods}---\n${denyAll}`).posture], ['zero-trust']);
});
