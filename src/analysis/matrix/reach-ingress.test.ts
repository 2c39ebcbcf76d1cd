/**
 * The plan's ingress side per destination class (`_reach-ingress.ts`): the rules of the policies isolating it, in
 * order, and whether it is isolated; a node-mode hostNetwork class has neither.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ingressRules } from './index.ts';

/** Policies with 0–3 ingress rules each, classes selected by 0–4 of them, some classes node-mode hosts. */
const caseArb = fc
  .record({
    rulesPer: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 12 }),
    classes: fc.array(
      fc.record({ policies: fc.uniqueArray(fc.nat(11), { maxLength: 4 }), host: fc.boolean() }),
      {
        minLength: 1,
        maxLength: 20,
      },
    ),
  })
  .map(({ rulesPer, classes }) => {
    const polIn = Int32Array.from([
      0,
      ...rulesPer.map((_, i) => rulesPer.slice(0, i + 1).reduce((a, b) => a + b)),
    ]);
    const lists = classes.map((c) => c.policies.filter((i) => i < rulesPer.length).sort((a, b) => a - b));
    const start = Int32Array.from([0, ...lists.map((_, c) => lists.slice(0, c + 1).flat().length)]);
    const hostClass = Uint8Array.from(classes, (c) => (c.host ? 1 : 0));
    return { polIn, lists, ing: { start, ids: Int32Array.from(lists.flat()) }, hostClass };
  });

const alloc = { i32: (n: number) => new Int32Array(n), u8: (n: number) => new Uint8Array(n) };

test('property: a class lists the ingress rules of the policies isolating it, in order, and is isolated when some policy selects it; a node-mode host has none', () => {
  fc.assert(
    fc.property(caseArb, ({ polIn, lists, ing, hostClass }) => {
      const { start, rules, isolated } = ingressRules(ing, polIn, hostClass, alloc);
      assert.equal(start.length, lists.length + 1);
      assert.equal(start[lists.length], rules.length);
      lists.forEach((policies, c) => {
        const host = hostClass[c] === 1;
        const want = host
          ? []
          : policies.flatMap((i) => Array.from({ length: polIn[i + 1] - polIn[i] }, (_, x) => polIn[i] + x));
        assert.deepEqual(Array.from(rules.subarray(start[c], start[c + 1])), want, `class ${c}`);
        assert.equal(isolated[c], !host && policies.length > 0 ? 1 : 0, `class ${c} isolated`);
      });
    }),
    { numRuns: 500 },
  );
});

test('a policy of several ingress rules lists each of them, and one of none isolates without a rule', () => {
  // Policy 0: rules 0–2; policy 1: no rule; policy 2: rule 3. Class 0 ← {0, 2}, class 1 ← {1}, class 2 (host) ← {0}.
  const polIn = Int32Array.from([0, 3, 3, 4]);
  const ing = { start: Int32Array.from([0, 2, 3, 4]), ids: Int32Array.from([0, 2, 1, 0]) };
  const { start, rules, isolated } = ingressRules(ing, polIn, Uint8Array.from([0, 0, 1]), alloc);
  assert.deepEqual([...start], [0, 4, 4, 4]);
  assert.deepEqual([...rules], [0, 1, 2, 3]);
  assert.deepEqual([...isolated], [1, 1, 0]);
});
