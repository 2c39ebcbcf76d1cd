import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, np } from '../policy/_test-helpers.ts';
import { computeMatrix } from './index.ts';

const client = `apiVersion: v1\nkind: Pod\nmetadata: {name: client, namespace: undeclared}\nspec: {containers: [{name: c, image: i}]}`;
const fromTeam = np(
  'from-team',
  'x',
  '  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {team: blue}}}]}]',
);

test('rule namespace-labels-unknown: matrix warns when a policy selects namespaces by labels a namespace of the matrix lacks in the input', () => {
  const warned = (yaml: string) =>
    computeMatrix(engineFor(yaml), { by: 'namespace' }).warnings.filter(
      (w) => w.includes('undeclared') && w.includes('labels are unknown'),
    );
  assert.deepEqual(warned(e2eTopology(`${client}\n---\n${fromTeam}`)), [
    'namespace(s) kube-system, undeclared not in the input, so their labels are unknown (kubetwin gives them only kubernetes.io/metadata.name): NetworkPolicy/x/from-team select namespaces by other labels, so cells to and from them may be wrong; add the Namespace objects to the input',
  ]);
  assert.deepEqual(warned(e2eTopology(client)), []);
  assert.deepEqual(
    warned(
      e2eTopology(
        `apiVersion: v1\nkind: Namespace\nmetadata: {name: undeclared}\n---\n${client}\n---\n${fromTeam}`,
      ),
    ),
    [],
  );
});

test('rule namespace-labels-unknown: matrix names an admin policy whose subject selects namespaces by other labels', () => {
  const anp = `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: team}\nspec:\n  priority: 5\n  subject: {namespaces: {matchLabels: {team: red}}}\n  egress: [{action: Deny, to: [{namespaces: {}}]}]`;
  const w = computeMatrix(engineFor(e2eTopology(`${client}\n---\n${anp}`)), { by: 'namespace' }).warnings;
  assert.match(
    w.join('\n'),
    /undeclared not in the input.*AdminNetworkPolicy\/team select namespaces by other labels/,
  );
});
