/**
 * `PeerSets`' class tables: the namespace index of every class (read once per run of classes of one namespace)
 * and the class addresses ipBlock peers are searched in, sorted by family and value (IPv4 as numbers). An ipBlock
 * selects by address (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#IPBlock),
 * so the order must be the addresses' numeric order, whatever their text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { clusterArb, toYaml } from './_cluster-arb.ts';
import { PolicyEngine } from './index.ts';
import { sortAddresses } from './_peer-sets.ts';
import { parseIP } from '../../lib/ip.ts';
import type { PodClass } from './_classes.ts';

test('property: every class has the index of its namespace among the sorted namespaces (model and classes)', () => {
  fc.assert(
    fc.property(clusterArb, (c) => {
      const { model } = buildYaml(toYaml(c));
      const engine = new PolicyEngine(model);
      const sets = engine.peerSets;
      const names = [
        ...new Set([...model.namespaces.map((n) => n.name), ...engine.classes.map((k) => k.namespace)]),
      ].sort();
      assert.deepEqual(sets.namespaces, names);
      for (const k of engine.classes) assert.equal(sets.nsOf[k.id], names.indexOf(k.namespace), k.namespace);
    }),
    { numRuns: 200, seed: 3 },
  );
});

/** Texts that are addresses, near-addresses and not addresses at all. */
const textArb = fc.oneof(
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(3), fc.nat(255)).map((o) => o.join('.')),
  fc.constantFrom(
    '10.0.0.1',
    '10.0.0.01',
    '255.255.255.255',
    '0.0.0.0',
    'fd00::1',
    '::1',
    'fd00::a:1',
    '2001:db8::',
    'x',
    '1.2.3',
  ),
);

test('property: class addresses sorted by family, value and class id (IPv4 as numbers, IPv6 by bigint), non-addresses left out', () => {
  fc.assert(
    fc.property(fc.array(fc.array(textArb, { maxLength: 3 }), { maxLength: 30 }), (perClass) => {
      const classes = perClass.map((_, id) => ({ id }) as PodClass);
      const got = sortAddresses(classes, (k) => perClass[k.id]);
      const want = perClass
        .flatMap((texts, id) => texts.map((t) => ({ ip: parseIP(t), id })))
        .filter((a) => a.ip)
        .map(({ ip, id }) => ({ family: ip!.family, value: ip!.value, id }))
        .sort(
          (a, b) => a.family - b.family || (a.value < b.value ? -1 : a.value > b.value ? 1 : a.id - b.id),
        );
      assert.deepEqual(got, want);
    }),
    { numRuns: 1000, seed: 9 },
  );
});

test("property: selectAll makes every rule peer's set up front, with the members selected on first ask", () => {
  fc.assert(
    fc.property(clusterArb, (c) => {
      const { model } = buildYaml(toYaml(c));
      const eager = new PolicyEngine(model);
      eager.peerSets.selectAll();
      const made = eager.peerSets.sets.length;
      const lazy = new PolicyEngine(model);
      for (let k = eager.rules.keys.length - 1; k >= 0; k--)
        assert.deepEqual(
          Array.from(eager.peerSets.sets[eager.peerSets.setOfKey(k)]),
          Array.from(lazy.peerSets.sets[lazy.peerSets.setOfKey(k)]),
          eager.rules.keys[k],
        );
      // Every set was made up front: asking again selects nothing new.
      assert.equal(eager.peerSets.sets.length, made);
    }),
    { numRuns: 200, seed: 4 },
  );
});
