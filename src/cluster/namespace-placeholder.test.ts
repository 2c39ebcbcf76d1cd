import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

const policyIn = (ns: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: "${ns}"}\nspec: {podSelector: {}}\n`;
const hintFor = (ns: string) =>
  buildYaml(policyIn(ns)).diagnostics.find((d) => d.code === 'invalid-name')?.hint ?? '(none)';

test('a namespace written as a placeholder (YOUR_NAMESPACE, <namespace>, ${NS}) is invalid-name with a hint to fill it in, not to rename it', () => {
  for (const ns of ['YOUR_NAMESPACE', '<namespace>', '${NAMESPACE}'])
    assert.match(hintFor(ns), /looks like a placeholder left for you to fill in/, ns);
});

test('an invalid namespace that is not a placeholder (My_NS) is invalid-name with a lowercase name suggested', () => {
  assert.match(hintFor('My_NS'), /^Rename the namespace in lowercase, e\.g\. "my-ns"\.$/);
});
