/**
 * A namespaceSelector selects namespaces by the labels of their Namespace object
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors); only
 * `kubernetes.io/metadata.name` is set on every namespace by the API server. A namespace absent from the input has
 * unknown labels: a verdict resting on them is unknown, never DENIED or ALLOWED.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, np } from '../policy/_test-helpers.ts';
import { reach, type ReachResult } from './index.ts';
import { traceOn } from '../trace/_test-fixtures.ts';
import { buildYaml } from '../../cluster/_test-helpers.ts';

const client = (ns: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: client, namespace: ${ns}, labels: {app: client}}\nspec: {containers: [{name: c, image: i}]}`;
const fromTeam = np(
  'from-team',
  'x',
  '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {team: blue}}}], ports: [{port: 80}]}]',
);
const fromName = np(
  'from-name',
  'x',
  '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: undeclared}}}]}]',
);

function run(yaml: string, from: string, to: string, port = 80): ReachResult {
  const r = reach(engineFor(yaml), { from, to, port, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule namespace-labels-unknown: a namespaceSelector on labels other than kubernetes.io/metadata.name, client namespace not in the input: unknown, naming why', () => {
  const r = run(e2eTopology(`${client('undeclared')}\n---\n${fromTeam}`), 'undeclared/client', 'x/a');
  assert.equal(r.outcome, 'denied');
  assert.equal(r.verdict, 'unknown');
  assert.match(
    r.unknownReasons.join('\n'),
    /namespace undeclared is not in the input, so its labels are unknown: NetworkPolicy\/x\/from-team ingress\[0\] selects namespaces by team=blue, which could match it/,
  );
});

test('rule namespace-labels-unknown: sure where the labels cannot change it (declared namespace, metadata.name, other port, admitted by another rule)', () => {
  const declared = `apiVersion: v1\nkind: Namespace\nmetadata: {name: undeclared}\n---\n${client('undeclared')}\n---\n${fromTeam}`;
  assert.equal(run(e2eTopology(declared), 'undeclared/client', 'x/a').verdict, 'denied');
  assert.equal(
    run(e2eTopology(`${client('undeclared')}\n---\n${fromName}`), 'undeclared/client', 'x/a').verdict,
    'allowed',
  );
  assert.equal(
    run(e2eTopology(`${client('undeclared')}\n---\n${fromTeam}`), 'undeclared/client', 'x/a', 81).verdict,
    'denied',
  );
  const otherName = fromTeam.replace(
    '{matchLabels: {team: blue}}',
    '{matchLabels: {team: blue, kubernetes.io/metadata.name: elsewhere}}',
  );
  assert.equal(
    run(e2eTopology(`${client('undeclared')}\n---\n${otherName}`), 'undeclared/client', 'x/a').verdict,
    'denied',
    'its name already rules it out',
  );
  const both = e2eTopology(`${client('undeclared')}\n---\n${fromTeam}\n---\n${fromName}`);
  assert.equal(run(both, 'undeclared/client', 'x/a').verdict, 'allowed');
});

test('rule namespace-labels-unknown: trace names the unknown labels on the policy hop', () => {
  const yaml = e2eTopology(`${client('undeclared')}\n---\n${fromTeam}`);
  const ip = buildYaml(yaml).model.pods.find((p) => p.key === 'Pod/x/a')?.ip;
  const t = traceOn(yaml, { kind: 'ref', namespace: 'undeclared', name: 'client' }, `ip:${ip}:80`);
  assert.equal(t.outcome, 'failed');
  assert.match(t.unknown?.join('\n') ?? '', /namespace undeclared is not in the input/);
  const policy = t.hops.find((h) => h.kind === 'policy');
  assert.match(policy?.details.join('\n') ?? '', /unknown: namespace undeclared is not in the input/);
});

const anp = (spec: string) =>
  `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: team}\nspec:\n  priority: 5\n${spec}`;

test('rule namespace-labels-unknown: admin tiers — a subject or peer selecting namespaces by other labels makes a pair in a namespace not in the input unknown', () => {
  const denyFromTeam = anp(
    '  subject: {namespaces: {matchLabels: {ns: x}}}\n  ingress: [{action: Deny, from: [{namespaces: {matchLabels: {team: red}}}]}]',
  );
  const peer = run(e2eTopology(`${client('undeclared')}\n---\n${denyFromTeam}`), 'undeclared/client', 'x/a');
  assert.equal(peer.outcome, 'allowed');
  assert.equal(peer.verdict, 'unknown');
  assert.match(
    peer.unknownReasons.join('\n'),
    /AdminNetworkPolicy\/team ingress\[0\] selects namespaces by labels/,
  );
  // The subject (ns=x) cannot take y/a: the rule's peers do not matter there.
  assert.equal(
    run(e2eTopology(`${client('undeclared')}\n---\n${denyFromTeam}`), 'undeclared/client', 'y/a').verdict,
    'allowed',
  );
  const denyToTeam = anp(
    '  subject: {namespaces: {matchLabels: {team: red}}}\n  egress: [{action: Deny, to: [{namespaces: {}}]}]',
  );
  const subject = run(e2eTopology(`${client('undeclared')}\n---\n${denyToTeam}`), 'undeclared/client', 'x/a');
  assert.equal(subject.verdict, 'unknown');
  assert.match(
    subject.unknownReasons.join('\n'),
    /AdminNetworkPolicy\/team subject selects namespaces by labels/,
  );
});
