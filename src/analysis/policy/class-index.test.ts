/**
 * The class index (`ClassIndex`, `_class-index.ts`) selects what `matches` selects over every indexed class of the
 * namespace, sorted (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors),
 * with the namespaces' classes in any order (the index is given the classes by id: `classes[id]`) and whichever
 * label keys have postings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { matches, type Requirement, type Selector } from '../../lib/labels.ts';
import { ClassIndex } from './_class-index.ts';
import { podClass, type PodClass } from './_classes.ts';
import { LabelParts } from './_label-parts.ts';

const seed = Number(process.env.KUBETWIN_PROPERTY_SEED ?? 20261204);

const keyPool = ['app', 'tier', 'zone', 'team', 'env', 'x'];
const valuePool = ['a', 'b', 'c'];
const labelsArb = fc.dictionary(fc.constantFrom(...keyPool), fc.constantFrom(...valuePool), { maxKeys: 4 });
const requirementArb: fc.Arbitrary<Requirement> = fc.oneof(
  fc.record({
    key: fc.constantFrom(...keyPool),
    operator: fc.constant('In' as const),
    values: fc.subarray(valuePool, { minLength: 1, maxLength: 1 }),
  }),
  fc.record({
    key: fc.constantFrom(...keyPool),
    operator: fc.constantFrom('In' as const, 'NotIn' as const),
    values: fc.subarray(valuePool, { minLength: 1 }),
  }),
  fc.record({
    key: fc.constantFrom(...keyPool),
    operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const),
    values: fc.constant([]),
  }),
);
const selectorArb: fc.Arbitrary<Selector> = fc.oneof(
  { arbitrary: fc.record({ requirements: fc.array(requirementArb, { maxLength: 3 }) }), weight: 9 },
  { arbitrary: fc.constant({ requirements: [], nothing: true }), weight: 1 },
);

test('property: ClassIndex — a selector selects, sorted, exactly the indexed classes of its namespace that match it, with namespaces interleaved and postings for any keys', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ ns: fc.constantFrom('n0', 'n1', 'n2'), labels: labelsArb, host: fc.boolean() }), {
        maxLength: 60,
      }),
      fc.option(fc.subarray(keyPool), { nil: undefined }),
      fc.array(fc.record({ ns: fc.constantFrom('n0', 'n1', 'n2', 'n3'), selector: selectorArb }), {
        minLength: 1,
        maxLength: 20,
      }),
      (specs, keyList, queries) => {
        const classes: PodClass[] = specs.map((s, id) =>
          podClass({
            id,
            namespace: s.ns,
            labels: s.labels,
            hostNetwork: s.host,
            pods: [],
            namedPorts: new Int32Array(0),
          }),
        );
        const include = (c: PodClass) => !c.hostNetwork;
        const keys = keyList && new Set(keyList);
        const index = new ClassIndex(classes, include, { keys });
        for (const { ns, selector } of queries) {
          const want = selector.nothing
            ? []
            : classes
                .filter((c) => include(c) && c.namespace === ns && matches(selector, c.labels))
                .map((c) => c.id);
          assert.deepEqual([...index.select(ns, selector)], want, JSON.stringify({ ns, selector }));
        }
      },
    ),
    { seed, numRuns: 400 },
  );
});

/**
 * Posting by label-part pair numbers (`buildClasses`' parts, sixteenth session of design note 0008) indexes what
 * reading each class's labels indexes: a class's part holds exactly its (key, value) pairs of the read keys, and a
 * `key = value` requirement whose pair no labels object had selects nothing.
 */
test("property: ClassIndex over the classes' label parts selects exactly the indexed classes of its namespace that match, as over their labels", () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ ns: fc.constantFrom('n0', 'n1', 'n2'), labels: labelsArb, host: fc.boolean() }), {
        maxLength: 60,
      }),
      fc.subarray(keyPool),
      fc.array(fc.record({ ns: fc.constantFrom('n0', 'n1', 'n2', 'n3'), selector: selectorArb }), {
        minLength: 1,
        maxLength: 20,
      }),
      (specs, keyList, queries) => {
        const classes: PodClass[] = specs.map((s, id) =>
          podClass({
            id,
            namespace: s.ns,
            labels: s.labels,
            hostNetwork: s.host,
            pods: [],
            namedPorts: new Int32Array(0),
          }),
        );
        const include = (c: PodClass) => !c.hostNetwork;
        const keys = new Set(keyList);
        const parts = new LabelParts(keys);
        const partOf = Int32Array.from(classes, (c) => parts.idOf(c.labels));
        const index = new ClassIndex(classes, include, { keys, labels: { parts, partOf } });
        for (const { ns, selector } of queries) {
          const want = selector.nothing
            ? []
            : classes
                .filter((c) => include(c) && c.namespace === ns && matches(selector, c.labels))
                .map((c) => c.id);
          assert.deepEqual([...index.select(ns, selector)], want, JSON.stringify({ ns, selector }));
        }
      },
    ),
    { seed, numRuns: 400 },
  );
});
