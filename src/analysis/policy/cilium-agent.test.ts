/**
 * The Cilium agent's settings in the input's `cilium-config` ConfigMap: a setting that departs from what kubetwin
 * models makes the verdicts it can change unknown (src/analysis/policy/_cilium-agent.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, np, verdict } from './_test-helpers.ts';

const profile = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}\n';
const config = (data: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cilium-config, namespace: kube-system}\ndata:\n${data}`;
const engine = (...docs: string[]) => engineFor(e2eTopology(docs.join('\n---\n')), { profile });
const unknowns = (v: { warnings: readonly string[] }) =>
  v.warnings.filter((w) => w.endsWith('is not modeled by kubetwin and may change this verdict'));

// https://docs.cilium.io/en/stable/security/policy/intro/#policy-enforcement-modes: "always" isolates every
// endpoint, "never" enforces nothing; kubetwin models "default".
test('rule cilium-agent-enforcement-mode-unknown: enable-policy other than default makes every verdict unknown', () => {
  const e = engine(config('  enable-policy: always'));
  assert.deepEqual(unknowns(verdict(e, 'x/b', 'x/a', 80)), [
    'ConfigMap kube-system/cilium-config enable-policy: "always" (the policy enforcement mode; kubetwin models "default") is not modeled by kubetwin and may change this verdict',
  ]);
  assert.deepEqual(unknowns(verdict(engine(config('  enable-policy: default')), 'x/b', 'x/a', 80)), []);
});

// cilium/cilium pkg/option: enable-k8s-networkpolicy (default true) turns Kubernetes NetworkPolicy support off.
test('rule cilium-agent-networkpolicy-off-unknown: enable-k8s-networkpolicy false makes NetworkPolicy verdicts unknown', () => {
  const e = engine(
    config('  enable-k8s-networkpolicy: "false"'),
    np('deny', 'x', '  podSelector: {}\n  policyTypes: [Ingress]'),
  );
  const v = verdict(e, 'y/b', 'x/a', 80);
  assert.equal(v.allowed, false);
  assert.equal(unknowns(v).length, 1);
  assert.deepEqual(unknowns(verdict(e, 'y/b', 'z/a', 80)), [], 'no NetworkPolicy on either side');
});

// https://docs.cilium.io/en/stable/security/policy/language/#access-to-from-local-host: "--allow-localhost=policy"
// puts traffic from the local host under policy.
test('rule cilium-agent-allow-localhost-unknown: allow-localhost policy makes verdicts from the own node unknown', () => {
  const e = engine(config('  allow-localhost: policy'));
  const a = e.model.pods.find((p) => p.namespace === 'x' && p.name === 'a')!;
  const own = e.model.nodes.find((n) => n.name === a.nodeName)!.internalIP!;
  assert.equal(unknowns(verdict(e, `ip:${own}`, 'x/a', 80)).length, 1);
  assert.deepEqual(unknowns(verdict(e, 'x/b', 'x/a', 80)), []);
});

// pkg/policy/api/rule_validation.go accepts fromNodes/toNodes when enable-node-selector-labels is set: the input
// saying so lifts the unknown of rule cilium-nodes-need-agent-flag-unknown.
test('rule cilium-agent-node-selector-labels: enable-node-selector-labels true makes fromNodes policies confident', () => {
  const policy = `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: nodes, namespace: x}\nspec:\n  endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{fromNodes: [{}]}]`;
  assert.equal(unknowns(verdict(engine(policy), 'x/b', 'x/a', 80)).length, 1);
  const on = engine(policy, config('  enable-node-selector-labels: "true"'));
  const v = verdict(on, 'x/b', 'x/a', 80);
  assert.equal(v.allowed, false);
  assert.deepEqual(unknowns(v), []);
  assert.deepEqual(on.tierWarnings, []);
});
