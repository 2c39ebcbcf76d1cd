/**
 * The class index (`ClassIndex`) selects exactly the classes a label selector matches
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors: `In`, `NotIn`,
 * `Exists`, `DoesNotExist`; a missing key fails `In` and `Exists`), whether its postings come from the label
 * parts `buildClasses` read (the engine's way: no labels object read again) or from the classes' labels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { matches, type Selector } from '../../lib/labels.ts';
import type { Pod } from '../../model/types.ts';
import { buildClasses } from './_classes.ts';
import { ClassIndex } from './_class-index.ts';
import { AddressSegments } from './_ip-blocks.ts';

const seed = Number(process.env.KUBETWIN_PROPERTY_SEED ?? 20261203);

test('property: the class index fed by buildClasses label parts selects what the selectors match, with few selector keys or many', () => {
  // Seven keys in the pool: a key set of more than four walks each labels object, up to four reads each key.
  const keyPool = ['app', 'tier', 'zone', 'team', 'env', 'role', 'shard'];
  const value = fc.constantFrom('a', 'b', 'c');
  const workload = fc.record({
    namespace: fc.constantFrom('a', 'b', 'c'),
    labels: fc.dictionary(fc.constantFrom(...keyPool, 'unread'), value, { maxKeys: 5 }),
    hostNetwork: fc.boolean(),
    replicas: fc.integer({ min: 1, max: 3 }),
  });
  const requirement = fc.oneof(
    fc.record({
      key: fc.constantFrom(...keyPool),
      operator: fc.constantFrom('In' as const, 'NotIn' as const),
      values: fc.uniqueArray(value, { minLength: 1, maxLength: 2 }).map((vs) => vs.sort()),
    }),
    fc.record({
      key: fc.constantFrom(...keyPool),
      operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const),
      values: fc.constant([] as string[]),
    }),
  );
  const selector = fc
    .array(requirement, { maxLength: 3 })
    .map((requirements): Selector => ({ requirements }));
  fc.assert(
    fc.property(
      fc.array(workload, { minLength: 1, maxLength: 12 }),
      fc.subarray(keyPool, { minLength: 1 }),
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'none'), selector), { minLength: 1, maxLength: 6 }),
      (workloads, keys, queries) => {
        const pods: Pod[] = [];
        for (const w of workloads)
          for (let r = 0; r < w.replicas; r++)
            // Replicas share their template's labels object, as the model builder makes them.
            pods.push({
              name: `p${pods.length}`,
              namespace: w.namespace,
              labels: w.labels,
              ips: [],
              hostNetwork: w.hostNetwork,
              ports: [],
              serviceAccountName: 'default',
            } as unknown as Pod);
        // The selectors read only the keys of the set (as the engine's `labelKeys`: every key a selector reads).
        const keySet = new Set(keys);
        const built = buildClasses(pods, {
          labelKeys: keySet,
          portNames: [],
          segments: new AddressSegments([]),
        });
        const include = (c: { hostNetwork: boolean }) => !c.hostNetwork;
        const fed = new ClassIndex(built.classes, include, keySet, built.labelParts);
        const read = new ClassIndex(built.classes, include, keySet);
        for (const [ns, s] of queries) {
          const sel = { requirements: s.requirements.filter((r) => keySet.has(r.key)) };
          const expected = built.classes
            .filter((c) => include(c) && c.namespace === ns && matches(sel, c.labels))
            .map((c) => c.id);
          assert.deepEqual([...fed.select(ns, sel)], expected, `${ns} ${JSON.stringify(sel)}`);
          assert.deepEqual([...read.select(ns, sel)], expected);
        }
      },
    ),
    { numRuns: 400, seed },
  );
});
