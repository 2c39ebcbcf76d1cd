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
import { buildYaml } from '../../cluster/_test-helpers.ts';
import type { Pod } from '../../model/types.ts';
import { buildClasses, podClass, type PodClass } from './_classes.ts';
import { ClassIndex } from './_class-index.ts';
import { CiliumTier } from './_cilium.ts';
import { AddressSegments } from './_ip-blocks.ts';
import { PolicyLists } from './_policy-lists.ts';
import { PolicyEngine } from './_engine.ts';
import { walkPolicies } from './_policy-walk.ts';
import { buildCluster } from '../../cluster/index.ts';
import { generateCluster } from '../../../bench/generate.ts';

/** The heap in use after a full collection (`gc` exposed for this process only). */
function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

/**
 * Bytes in use in V8's large-object spaces, young and old: objects past the regular object size (128 kB). A young
 * one fills the young generation as fast as its size says, and one still live at a scavenge moves to the old
 * generation whole.
 */
function largeObjectBytes(): number {
  let out = 0;
  for (const s of v8.getHeapSpaceStatistics())
    if (s.space_name === 'large_object_space' || s.space_name === 'new_large_object_space')
      out += s.space_used_size;
  return out;
}

/** Heap bytes kept per object by `n` objects `make` returns, all kept alive while measured. */
function keptEach(n: number, make: () => unknown): number {
  const kept: unknown[] = [];
  const before = heapAfterGc();
  for (let i = 0; i < n; i++) kept.push(make());
  const out = (heapAfterGc() - before) / n;
  assert.equal(kept.length, n);
  return out;
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

test('buildClasses: no class has a pod list of its own until one is asked for, and firstPod makes none', () => {
  // A list per class, even at its exact length, was an array object and its elements: 56 bytes a one-pod class,
  // ~5.6 MB of the compile's old-generation growth at the random-label family's 100k classes, which brought V8's
  // major collection of the model into the measured phases (design note 0008, seventeenth session). A class is
  // now its object (72 bytes) and its slots in the classes array and in one pod list shared by all classes.
  const pods = onePodClasses(20_000);
  const inputs = { labelKeys: new Set(['id']), portNames: [], segments: new AddressSegments([]) };
  buildClasses(pods, inputs);
  const perClass = least(3, () => {
    const before = heapAfterGc();
    const { classes } = buildClasses(pods, inputs);
    for (let i = 0; i < classes.length; i++) assert.equal(classes[i].firstPod, pods[i]);
    const kept = heapAfterGc() - before;
    assert.equal(classes.length, pods.length);
    return kept / classes.length;
  });
  assert.ok(perClass < 100, `${Math.round(perClass)} bytes a one-pod class`);
  // Asked for, each list holds the class's pods and is kept: the same array on the next ask.
  const { classes } = buildClasses(pods, inputs);
  for (let i = 0; i < classes.length; i++) {
    assert.deepEqual(classes[i].pods, [pods[i]]);
    assert.equal(classes[i].pods, classes[i].pods);
  }
});

test('ClassIndex: counting the postings allocates nothing in the large-object spaces (typed scratch, not arrays grown by push)', () => {
  // Each posting's list and class were `number[]`s grown by `push`: at 100k classes every step of their growth
  // passed V8's regular object size, filling the young generation by ~11 MB here, and the live ones moved to the
  // old generation at the next scavenge (the index's step grew the old generation by ~30 MB a compile on the
  // random-label family; ~0 now), bringing the major collection of the whole heap forward.
  const classes: PodClass[] = Array.from({ length: 60_000 }, (_, id) =>
    podClass({
      id,
      namespace: id < 30_000 ? 'a' : 'b',
      labels: { app: `a${id % 3}`, tier: `t${id % 5}`, zone: `z${id % 2}` },
      hostNetwork: false,
      pods: [],
      namedPorts: new Int32Array(0),
    }),
  );
  const keys = new Set(['app', 'tier', 'zone']);
  const grown = least(3, () => {
    heapAfterGc();
    const before = largeObjectBytes();
    const index = new ClassIndex(classes, () => true, { keys });
    const after = largeObjectBytes();
    assert.equal(
      index.select('b', { requirements: [{ key: 'app', operator: 'In', values: ['a1'] }] }).length,
      10_000,
    );
    return after - before;
  });
  assert.ok(grown < 64 * 1024, `${Math.round(grown / 1024)} kB allocated in the large-object spaces`);
});

test('ClassIndex: postings past the first size of the count scratch are laid out as the selectors select them', () => {
  // 3,000 classes with four read labels each: 15,000 postings and ~9,000 lists, past the scratch's starting sizes
  // (twice the classes, and 1,024 lists), so both grow while counting.
  const classes: PodClass[] = Array.from({ length: 3_000 }, (_, id) =>
    podClass({
      id,
      namespace: id % 2 ? 'a' : 'b',
      labels: { u: `u${id}`, v: `v${id % 7}`, w: `w${id >> 1}`, x: 'x' },
      hostNetwork: false,
      pods: [],
      namedPorts: new Int32Array(0),
    }),
  );
  const index = new ClassIndex(classes, () => true, { keys: new Set(['u', 'v', 'w', 'x']) });
  const ids = (ns: string, f: (c: PodClass) => boolean) =>
    classes.filter((c) => c.namespace === ns && f(c)).map((c) => c.id);
  const eq = (key: string, value: string) => ({ key, operator: 'In' as const, values: [value] });
  assert.deepEqual([...index.select('a', { requirements: [eq('u', 'u2999')] })], [2999]);
  assert.deepEqual(
    [...index.select('b', { requirements: [eq('v', 'v3'), eq('x', 'x')] })],
    ids('b', (c) => c.labels.v === 'v3'),
  );
  assert.deepEqual(
    [...index.select('a', { requirements: [eq('w', 'w1000')] })],
    ids('a', (c) => c.labels.w === 'w1000'),
  );
  assert.deepEqual(
    [...index.select('a', { requirements: [] })],
    ids('a', () => true),
  );
});

test('PolicyLists: lists nobody asks for as views keep no per-class array', () => {
  // `of(c)` hands out views, remembered per class; the array that remembers them was made with the lists, a
  // class-long array (0.8 MB at 100k classes, twice per engine) that readers which only count never used.
  const classes = 100_000;
  const start = new Int32Array(classes + 1).map((_, i) => i);
  const ids = new Int32Array(classes);
  // A class-long array is 781 kB here; the bound leaves room for whatever else the process allocates meanwhile.
  const kept = least(2, () => keptEach(8, () => new PolicyLists(start, ids)));
  assert.ok(kept < 256 * 1024, `${Math.round(kept / 1024)} kB kept`);
  const lists = new PolicyLists(start, ids);
  assert.equal(lists.of(7), lists.of(7), 'a view asked twice is the same view');
});

test('CiliumTier.bind: a tier without policies keeps no per-class array, and isolates and selects nothing', () => {
  // Four class-long arrays (rules and isolating policies per direction) and two flag arrays were made for every
  // engine, ~3 MB at 100k classes, though nearly every cluster has no Cilium policy.
  const { model } = buildYaml('apiVersion: v1\nkind: Namespace\nmetadata: {name: x}');
  const classes: PodClass[] = Array.from({ length: 100_000 }, (_, id) =>
    podClass({
      id,
      namespace: 'x',
      labels: {},
      hostNetwork: false,
      pods: [],
      namedPorts: new Int32Array(0),
    }),
  );
  const index = new ClassIndex(classes, () => true, { keys: new Set() });
  const tiers = Array.from({ length: 16 }, () => new CiliumTier(model));
  let bound = 0;
  const kept = least(2, () => keptEach(8, () => tiers[bound++].bind(classes, index, new Map(), [])));
  assert.ok(kept < 256 * 1024, `${Math.round(kept / 1024)} kB kept`);
  const tier = tiers[0];
  const last = classes[classes.length - 1];
  assert.equal(tier.isolates(last, 'Ingress'), false);
  assert.deepEqual(tier.rulesOf(last, 'Egress'), []);
  assert.deepEqual(tier.isolatingPolicies(last, 'Ingress'), []);
  assert.deepEqual(tier.selecting(last), []);
});

/** A random-label cluster's model (bench/generate.ts): policies with ~0.4 distinct peer contents each. */
function randomLabelModel(pods: number, policies: number) {
  const { objects, profile } = generateCluster({ family: 'random-labels', pods, policies });
  return buildCluster(objects, { profile }).model;
}

test('walkPolicies: the rule table keeps its peer keys as numbers, no string per key', () => {
  // A key was its selectors written out as a string (cons strings of the requirements' parts), kept by the table
  // and a `Map`: 4.5 MB at random-label 100k/50k, which the compile's walk took into the old generation before V8's
  // major collection of the model could start (design note 0008, eighteenth session). A key now keeps its first
  // peer and namespace (two array slots); its lookup table is typed arrays, off the JS heap.
  const policies = randomLabelModel(20_000, 10_000).networkPolicies;
  // Warm up until the walk's code is optimized: code and feedback V8 installs during a measured round count as heap.
  for (let i = 0; i < 3; i++) walkPolicies(policies);
  const perKey = least(5, () => {
    const before = heapAfterGc();
    const walk = walkPolicies(policies);
    const kept = heapAfterGc() - before;
    assert.ok(walk.rules!.keyPeer.length > 2_000, `${walk.rules!.keyPeer.length} keys`);
    return kept / walk.rules!.keyPeer.length;
  });
  assert.ok(perKey < 100, `${Math.round(perKey)} bytes a peer key`);
});

test('PeerSets: the sets of one namespace share one list of namespaces, and empty sets one empty list', () => {
  // Each set's namespaces were an `Int32Array` of their own, ~210 bytes of heap: 4.4 MB of the peer sets' 7.4 at
  // random-label 100k/50k, where 21,115 of 21,629 sets lie in at most one namespace (design note 0008, eighteenth
  // session). Here: 368 bytes a set with a list each, 50 shared.
  const model = randomLabelModel(20_000, 10_000);
  for (let i = 0; i < 3; i++) new PolicyEngine(model).peerSets.selectAll();
  const perSet = least(5, () => {
    const engine = new PolicyEngine(model);
    const before = heapAfterGc();
    engine.peerSets.selectAll();
    const kept = heapAfterGc() - before;
    return kept / engine.peerSets.sets.length;
  });
  assert.ok(perSet < 150, `${Math.round(perSet)} bytes a peer set`);
  const sets = new PolicyEngine(model).peerSets;
  sets.selectAll();
  const byNamespace = new Map<number, Int32Array>();
  let empty: Int32Array | undefined;
  for (let id = 0; id < sets.sets.length; id++) {
    const nss = sets.namespacesOf[id];
    if (nss.length === 0) assert.equal(nss, (empty ??= nss), `set ${id}: the shared empty list`);
    if (nss.length !== 1) continue;
    assert.equal(nss, byNamespace.get(nss[0]) ?? nss, `set ${id}: the list of namespace ${nss[0]}`);
    byNamespace.set(nss[0], nss);
  }
  assert.ok(byNamespace.size > 1 && empty, 'sets in one namespace and empty sets were met');
});
