/**
 * Lists in a diff are aligned before they are compared (`listGaps`): a NetworkPolicy peer removed from the front of
 * `from` was reported as every later peer changed (`from[0]` became the old `from[1]`, …, "+2 more fields").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { listGaps } from './_list-align.ts';
import { diffObjects } from './_objects.ts';
import { parseManifests } from '../../parse/index.ts';

const objectsOf = (text: string, file: string) => parseManifests([{ file, text }]).objects;

test('list alignment: the gaps rebuild the after list from the before list, and the kept elements are equal (property)', () => {
  const list = fc.array(fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.record({ p: fc.nat(3) })), {
    maxLength: 8,
  });
  fc.assert(
    fc.property(list, list, (before, after) => {
      const rebuilt: unknown[] = [];
      let i = 0;
      for (const g of listGaps(before, after)) {
        assert.equal(g.before - i, g.after - rebuilt.length, 'the kept run is as long on both sides');
        rebuilt.push(...before.slice(i, g.before), ...after.slice(g.after, g.after + g.added));
        i = g.before + g.removed;
      }
      rebuilt.push(...before.slice(i));
      assert.equal(JSON.stringify(rebuilt), JSON.stringify(after));
    }),
    { numRuns: 500, seed: 7 },
  );
});

test('list alignment: A→B and B→A remove and add the same elements (property)', () => {
  const list = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 8 });
  fc.assert(
    fc.property(list, list, (a, b) => {
      const mirror = listGaps(b, a).map((g) => ({
        before: g.after,
        removed: g.added,
        after: g.before,
        added: g.removed,
      }));
      assert.deepEqual(listGaps(a, b), mirror);
    }),
    { numRuns: 500, seed: 8 },
  );
});

const policy = (peers: string[]) =>
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: redis, namespace: argocd}
spec:
  podSelector: {matchLabels: {app: redis}}
  ingress:
    - from:
${peers.map((p) => `        - podSelector: {matchLabels: {app: ${p}}}`).join('\n')}
      ports: [{port: 6379}]
`;

test('diff of a NetworkPolicy: the peer removed from the front of from is the one change, at its place before', () => {
  const before = objectsOf(policy(['server', 'repo', 'controller']), 'a.yaml');
  const after = objectsOf(policy(['repo', 'controller']), 'b.yaml');
  const [change] = diffObjects(before, after);
  assert.deepEqual(
    change.fields.map((f) => [f.path, f.before, f.after, f.beforeAt, f.afterAt]),
    [
      [
        'spec.ingress[0].from[0]',
        '{"podSelector":{"matchLabels":{"app":"server"}}}',
        undefined,
        'a.yaml:8:11',
        undefined,
      ],
    ],
  );
});

test("diff of a NetworkPolicy: a peer changed in place is still that peer's field", () => {
  const before = objectsOf(policy(['server', 'repo']), 'a.yaml');
  const after = objectsOf(policy(['server', 'repos']), 'b.yaml');
  const [change] = diffObjects(before, after);
  assert.deepEqual(
    change.fields.map((f) => [f.path, f.before, f.after]),
    [['spec.ingress[0].from[1].podSelector.matchLabels.app', '"repo"', '"repos"']],
  );
});
