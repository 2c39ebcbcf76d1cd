/**
 * What the compile keeps on the heap and where it allocates (design note 0008, fifteenth session). The engine's
 * retained heap and the old-generation bytes a compile allocates decide when V8 starts its major collection of
 * the whole model heap: past the room V8 leaves after a collection, it starts inside the compile or the
 * reachability and shares the cores with them. These tests pin each saving to the structure that made it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Pod } from '../../model/types.ts';
import { buildClasses } from './_classes.ts';
import { AddressSegments } from './_ip-blocks.ts';

/** The heap in use after a full collection (`gc` exposed for this process only). */
function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

/** The least of `rounds` measurements, so a collection or a code allocation landing in one round does not decide. */
function least(rounds: number, measure: () => number): number {
  let out = Infinity;
  for (let r = 0; r < rounds; r++) out = Math.min(out, measure());
  return out;
}

/** `n` pods of one namespace, each with its own value of the read key `id` (so each its own class). */
function onePodClasses(n: number): Pod[] {
  return Array.from(
    { length: n },
    (_, i) =>
      ({
        name: `p${i}`,
        namespace: 'x',
        labels: { id: `v${i}` },
        ips: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`],
        ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        hostNetwork: false,
        ports: [],
        serviceAccountName: 'default',
      }) as unknown as Pod,
  );
}

test('buildClasses: each class keeps its pod list at its exact length, with no spare slots', () => {
  // An empty array grown by `push` or by setting `length` gets room for 16 more elements: 152 bytes for a
  // one-pod class's list instead of 24, ~13 MB at the random-label family's 100k classes. A class is now its
  // object (72 bytes), its list (32) and the list's elements (24).
  const pods = onePodClasses(20_000);
  const inputs = { labelKeys: new Set(['id']), portNames: [], segments: new AddressSegments([]) };
  buildClasses(pods, inputs);
  const perClass = least(3, () => {
    const before = heapAfterGc();
    const { classes } = buildClasses(pods, inputs);
    const kept = heapAfterGc() - before;
    assert.equal(classes.length, pods.length);
    for (let i = 0; i < classes.length; i++) assert.deepEqual(classes[i].pods, [pods[i]]);
    return kept / classes.length;
  });
  assert.ok(perClass < 180, `${Math.round(perClass)} bytes a one-pod class`);
});
