/**
 * The Cilium agent's settings in the input's `cilium-config` ConfigMap: a setting that departs from what kubetwin
 * models makes the verdicts it can change unknown (src/analysis/policy/_cilium-agent.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, np, party, verdict } from './_test-helpers.ts';

const profile = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}\n';
const config = (data: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cilium-config, namespace: kube-system}\ndata:\n${data}`;
const engine = (...docs: string[]) => engineFor(e2eTopology(docs.join('\n---\n')), { profile });
const unknowns = (v: { warnings: readonly string[] }) =>
  v.warnings.filter((w) => w.endsWith('is not modeled by kubetwin and may change this verdict'));

// https://docs.cilium.io/en/stable/security/policy/intro/#policy-enforcement-modes and cilium/cilium
// pkg/policy/repository.go computePolicyEnforcementAndRules: "always" enables enforcement both ways on every
// endpoint, selected by a rule or not; only an allow rule admits then. Ingress from the pod's own node stays allowed
// (allow-localhost), and a hostNetwork pod is the host, which only the host firewall enforces.
test('rule cilium-enforcement-mode-always: every endpoint is isolated both ways, selected by a policy or not', () => {
  const e = engine(config('  enable-policy: Always'));
  const v = verdict(e, 'x/b', 'x/a', 80);
  assert.equal(v.allowed, false);
  assert.equal(v.egress.allowed, false);
  assert.equal(v.ingress.allowed, false);
  assert.deepEqual(
    v.ingress.isolatedBy.map((i) => i.policy),
    ['ConfigMap kube-system/cilium-config enable-policy: "Always"'],
  );
  assert.deepEqual(unknowns(v), []);
  // The fast path (matrix, counts) agrees.
  assert.equal(e.allows(party(e.model, 'x/b'), party(e.model, 'x/a'), 80, 'TCP'), false);
  // A NetworkPolicy allow admits on its side; the other side is still isolated by the mode.
  const allowIn = engine(
    config('  enable-policy: always'),
    np('allow-in', 'x', '  podSelector: {}\n  ingress: [{}]'),
  );
  const w = verdict(allowIn, 'x/b', 'x/a', 80);
  assert.equal(w.ingress.allowed, true);
  assert.equal(w.egress.allowed, false);
  const a = e.model.pods.find((p) => p.namespace === 'x' && p.name === 'a')!;
  const own = e.model.nodes.find((n) => n.name === a.nodeName)!.internalIP!;
  assert.equal(
    verdict(e, `ip:${own}`, 'x/a', 80).allowed,
    true,
    'allow-localhost: ingress from the own node',
  );
  assert.equal(verdict(engine(config('  enable-policy: default')), 'x/b', 'x/a', 80).allowed, true);
});

// computePolicyEnforcementAndRules returns no enforcement for "never", whatever rules select the endpoint: Cilium
// and Kubernetes policies alike are not enforced.
test('rule cilium-enforcement-mode-never: no policy is enforced, Cilium or Kubernetes', () => {
  const deny = np('deny', 'x', '  podSelector: {}\n  policyTypes: [Ingress, Egress]');
  const cnp = `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: deny, namespace: x}\nspec:\n  endpointSelector: {}\n  ingressDeny: [{fromEntities: [all]}]`;
  const e = engine(config('  enable-policy: never'), deny, cnp);
  const v = verdict(e, 'x/b', 'x/a', 80);
  assert.equal(v.allowed, true);
  assert.equal(v.ingress.reason, 'not-enforced');
  assert.deepEqual(v.warnings, [
    'ConfigMap kube-system/cilium-config enable-policy: "never": Cilium enforces no policy on any endpoint (policy enforcement mode never), every connection is allowed, whatever the policies say',
  ]);
  assert.equal(e.allows(party(e.model, 'x/b'), party(e.model, 'x/a'), 80, 'TCP'), true);
  assert.deepEqual(
    e.isolatedBy(
      e.model.pods.find((p) => p.namespace === 'x')!,
      'Ingress',
    ),
    [],
  );
  assert.equal(verdict(engine(deny, cnp), 'x/b', 'x/a', 80).allowed, false, 'default mode enforces them');
});

// Policy audit mode: "allow all traffic while logging all connections that would otherwise be dropped by network
// policies" (https://docs.cilium.io/en/stable/security/policy-creation/): not DENIED, but said as the drop it audits.
test('rule cilium-policy-audit-mode: what policy would drop is let through and logged as AUDIT', () => {
  const deny = np('deny', 'x', '  podSelector: {}\n  policyTypes: [Ingress]');
  const e = engine(config('  policy-audit-mode: "true"'), deny);
  const v = verdict(e, 'y/b', 'x/a', 80);
  assert.equal(v.allowed, true);
  assert.equal(v.ingress.reason, 'audit');
  assert.equal(v.ingress.audit?.dropped, 'no-rule-matched');
  assert.deepEqual(
    v.ingress.isolatedBy.map((i) => i.policy),
    ['NetworkPolicy/x/deny'],
  );
  assert.equal(e.allows(party(e.model, 'y/b'), party(e.model, 'x/a'), 80, 'TCP'), true);
  assert.equal(
    verdict(engine(config('  policy-audit-mode: "false"'), deny), 'y/b', 'x/a', 80).allowed,
    false,
  );
});

test('rule cilium-agent-enforcement-mode-unknown: an enable-policy the agent does not know makes every verdict unknown', () => {
  const e = engine(config('  enable-policy: sometimes'));
  assert.deepEqual(unknowns(verdict(e, 'x/b', 'x/a', 80)), [
    'ConfigMap kube-system/cilium-config enable-policy: "sometimes" (not a policy enforcement mode: default, always or never) is not modeled by kubetwin and may change this verdict',
  ]);
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
