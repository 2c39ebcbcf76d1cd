/**
 * Pod equivalence classes (`buildClasses`) and the ipBlock segments they are cut by (`AddressSegments`): pods
 * share a class exactly when no policy can tell them apart — namespace, the values of the label keys selectors
 * read, named-port resolution, hostNetwork, the ipBlock segment of each IP (and the service account when a
 * selector reads it). The numeric class key and the IPv4 segment search are checked against those rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCidr, parseIP } from '../../lib/ip.ts';
import type { Pod } from '../../model/types.ts';
import { buildClasses } from './_classes.ts';
import { AddressSegments, compileBlock, type CompiledBlock } from './_ip-blocks.ts';

const seed = Number(process.env.KUBETWIN_PROPERTY_SEED ?? 20261202);

/** The segment search over bigints, as the engine did it before IPv4 addresses were searched as numbers. */
function referenceSegment(blocks: readonly CompiledBlock[], text: string): number {
  const points = new Map<string, { family: number; value: bigint }>();
  for (const b of blocks)
    for (const c of [b.cidr, ...b.except]) {
      const end = c.base + (1n << BigInt((c.family === 4 ? 32 : 128) - c.prefix));
      points.set(`${c.family}:${c.base}`, { family: c.family, value: c.base });
      points.set(`${c.family}:${end}`, { family: c.family, value: end });
    }
  const starts = [...points.values()].sort(
    (a, b) => a.family - b.family || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
  );
  const ip = parseIP(text);
  if (!starts.length || !ip) return -1;
  let found = -1;
  starts.forEach((s, i) => {
    if (s.family < ip.family || (s.family === ip.family && s.value <= ip.value)) found = i;
  });
  return found;
}

test('ipBlock segments: a dotted quad lands in the segment the bigint search finds (IPv4 and IPv6 blocks mixed)', () => {
  const octet = fc.integer({ min: 0, max: 255 });
  const quad = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
  const cidr = fc
    .tuple(quad, fc.integer({ min: 0, max: 32 }))
    .map(([q, p]) => `${q}/${p}`)
    .filter((c) => parseCidr(c) !== undefined);
  const v6 = fc.constantFrom('fd00::/8', '2001:db8::/32', '::/0');
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.oneof(cidr, v6), fc.array(cidr, { maxLength: 2 })), { maxLength: 6 }),
      fc.array(fc.oneof(quad, fc.constantFrom('fd00::1', '2001:db8::5', 'not-an-ip', '010.0.0.1')), {
        minLength: 1,
        maxLength: 20,
      }),
      (raw, addresses) => {
        const blocks = raw.map(([c, ex]) => compileBlock(c, ex)).filter((b): b is CompiledBlock => !!b);
        const segments = new AddressSegments(blocks);
        for (const a of addresses) assert.equal(segments.segmentOf(a), referenceSegment(blocks, a), a);
      },
    ),
    { numRuns: 300, seed },
  );
});

/** A pod with only the fields classes read. */
function pod(
  name: string,
  fields: {
    namespace?: string;
    labels?: Record<string, string>;
    ips?: string[];
    hostNetwork?: boolean;
    ports?: Pod['ports'];
    serviceAccountName?: string;
  } = {},
): Pod {
  return {
    name,
    namespace: fields.namespace ?? 'x',
    labels: fields.labels ?? { app: 'web' },
    ips: fields.ips ?? ['10.0.0.1'],
    ip: (fields.ips ?? ['10.0.0.1'])[0],
    hostNetwork: fields.hostNetwork ?? false,
    ports: fields.ports ?? [],
    serviceAccountName: fields.serviceAccountName ?? 'default',
  } as unknown as Pod;
}

test('pod classes: pods differing only in what no policy reads share a class; each read difference splits them', () => {
  const blocks = [compileBlock('10.0.1.0/24', [])!];
  const web80 = [{ name: 'http', containerPort: 80, protocol: 'TCP' }] as unknown as Pod['ports'];
  const web81 = [{ name: 'http', containerPort: 81, protocol: 'TCP' }] as unknown as Pod['ports'];
  const pods = [
    pod('base', { ports: web80 }),
    pod('unread-label', { labels: { app: 'web', build: '7' }, ips: ['10.0.0.2'], ports: web80 }),
    pod('other-app', { labels: { app: 'db' }, ports: web80 }),
    pod('other-ns', { namespace: 'y', ports: web80 }),
    pod('in-block', { ips: ['10.0.1.9'], ports: web80 }),
    pod('host', { hostNetwork: true, ports: web80 }),
    pod('named-81', { ports: web81 }),
    pod('dual-stack', { ips: ['10.0.0.3', 'fd00::3'], ports: web80 }),
    pod('dual-stack-2', { ips: ['10.0.0.4', 'fd00::4'], labels: { app: 'web', build: '8' }, ports: web80 }),
    pod('no-ip', { ips: [], ports: web80 }),
    pod('other-sa', { serviceAccountName: 'robot', ports: web80 }),
  ];
  const classesOf = (serviceAccounts: boolean) => {
    const { classes, classIdOf } = buildClasses(pods, {
      labelKeys: new Set(['app']),
      portNames: [{ name: 'http', protocol: 'TCP' }],
      segments: new AddressSegments(blocks),
      serviceAccounts,
    });
    const by = new Map(pods.map((p, i) => [p.name, classIdOf[i]]));
    return { classes, by };
  };
  const { classes, by } = classesOf(false);
  assert.equal(by.get('unread-label'), by.get('base'));
  assert.equal(
    by.get('other-sa'),
    by.get('base'),
    'the service account splits only when a selector reads it',
  );
  assert.equal(by.get('dual-stack-2'), by.get('dual-stack'));
  const distinct = ['base', 'other-app', 'other-ns', 'in-block', 'host', 'named-81', 'dual-stack', 'no-ip'];
  assert.equal(new Set(distinct.map((n) => by.get(n))).size, distinct.length);
  assert.equal(classes.length, distinct.length);
  // Ids run namespace by namespace, in pod order within a namespace.
  assert.deepEqual(
    classes.map((c) => c.namespace),
    ['x', 'x', 'x', 'x', 'x', 'x', 'x', 'y'],
  );
  assert.equal(by.get('base'), 0);
  assert.deepEqual([...classes[by.get('named-81')!].namedPorts], [81]);
  const withSa = classesOf(true).by;
  assert.notEqual(withSa.get('other-sa'), withSa.get('base'));
  assert.equal(withSa.get('unread-label'), withSa.get('base'));
});

/**
 * The class of a pod by the definition (namespace, the values of the keys selectors read, named-port resolution,
 * hostNetwork, one segment per IP), as a string: the reference `buildClasses` is held to below.
 */
function referenceSignature(
  p: Pod,
  keys: ReadonlySet<string>,
  names: readonly string[],
  segments: AddressSegments,
) {
  const labels = [...keys]
    .sort()
    .filter((k) => Object.hasOwn(p.labels, k))
    .map((k) => `${k}=${p.labels[k]}`);
  const named = names.map((n) => {
    const hits = p.ports.filter((cp) => cp.name === n && cp.protocol === 'TCP');
    return hits.length === 1 ? hits[0].containerPort : hits.length ? -2 : -1;
  });
  return JSON.stringify([
    p.namespace,
    labels,
    named,
    p.hostNetwork,
    p.ips.map((ip) => segments.segmentOf(ip)),
  ]);
}

test('property: buildClasses groups pods exactly by the class definition, whether a label part reads the few selector keys or walks the labels, with replicas sharing labels and ports objects', () => {
  const keyPool = ['app', 'tier', 'zone', 'team', 'env', 'role', 'shard'];
  const labelsArb = fc.dictionary(fc.constantFrom(...keyPool, 'unread'), fc.constantFrom('a', 'b'), {
    maxKeys: 4,
  });
  const portsArb = fc.array(
    fc.record({ name: fc.constantFrom('http', 'metrics'), containerPort: fc.constantFrom(80, 81) }),
    { maxLength: 2 },
  );
  const workload = fc.record({
    namespace: fc.constantFrom('a', 'b', 'c'),
    labels: labelsArb,
    ports: portsArb,
    ips: fc.array(fc.constantFrom('10.0.0.1', '10.0.1.7', 'fd00::1'), { maxLength: 2 }),
    hostNetwork: fc.boolean(),
    replicas: fc.integer({ min: 1, max: 3 }),
  });
  const blocks = [compileBlock('10.0.1.0/24', [])!];
  const segments = new AddressSegments(blocks);
  fc.assert(
    fc.property(
      fc.array(workload, { minLength: 1, maxLength: 12 }),
      fc.subarray(keyPool, { minLength: 1 }),
      (workloads, keys) => {
        const pods: Pod[] = [];
        for (const w of workloads) {
          // Replicas share their template's labels and ports objects, as the model builder makes them.
          const ports = w.ports.map((p) => ({ ...p, protocol: 'TCP' })) as unknown as Pod['ports'];
          for (let r = 0; r < w.replicas; r++)
            pods.push({ ...pod(`p${pods.length}`, { ...w, ports }), labels: w.labels });
        }
        const keySet = new Set(keys);
        const names = ['http', 'metrics'];
        const { classes, classIdOf } = buildClasses(pods, {
          labelKeys: keySet,
          portNames: names.map((name) => ({ name, protocol: 'TCP' })),
          segments,
        });
        const sig = pods.map((p) => referenceSignature(p, keySet, names, segments));
        for (let i = 0; i < pods.length; i++)
          for (let j = 0; j < pods.length; j++)
            assert.equal(classIdOf[i] === classIdOf[j], sig[i] === sig[j], `${i} ${j}`);
        // Each class lists its pods in pod order; ids run namespace by namespace.
        classes.forEach((c) =>
          assert.deepEqual(
            c.pods,
            pods.filter((_, i) => classIdOf[i] === c.id),
          ),
        );
        const nss = classes.map((c) => c.namespace);
        assert.deepEqual(nss, [...nss].sort());
        // Within a namespace, ids follow the position of each class's first pod (pods come interleaved by
        // namespace here, so the walk's own numbering is renumbered).
        const firstAt = classes.map((c) => pods.indexOf(c.pods[0]));
        classes.forEach((c, id) => {
          assert.equal(c.id, id);
          if (id > 0 && classes[id - 1].namespace === c.namespace) assert.ok(firstAt[id - 1] < firstAt[id]);
        });
      },
    ),
    { numRuns: 400, seed },
  );
});

test('buildClasses: pods with their own ports lists share a class while the named ports resolve alike, and split where a name resolves to another port, is undeclared or is declared twice', () => {
  // Every pod its own ports list (as the random-label family builds them): the part of the previous pod is taken
  // only when each name resolves exactly as it did.
  const ports = (...list: [string, number][]) =>
    list.map(([name, containerPort]) => ({
      name,
      containerPort,
      protocol: 'TCP',
    })) as unknown as Pod['ports'];
  const labels = { app: 'web' };
  const pods = [
    ports(['http', 80], ['metrics', 9090]),
    ports(['http', 80], ['metrics', 9090]),
    ports(['metrics', 9090], ['http', 80]),
    ports(['http', 81], ['metrics', 9090]),
    ports(['http', 81], ['metrics', 9090]),
    ports(['metrics', 9090]),
    ports(['http', 80], ['http', 80], ['metrics', 9090]),
    ports(['http', 80], ['metrics', 9090]),
  ].map((p, i) => ({ ...pod(`p${i}`, { ports: p }), labels }));
  const { classIdOf, classes } = buildClasses(pods, {
    labelKeys: new Set(['app']),
    portNames: ['http', 'metrics'].map((name) => ({ name, protocol: 'TCP' })),
    segments: new AddressSegments([]),
  });
  assert.deepEqual([...classIdOf], [0, 0, 0, 1, 1, 2, 3, 0]);
  assert.deepEqual(
    classes.map((c) => [...c.namedPorts]),
    [
      [80, 9090],
      [81, 9090],
      [-1, 9090],
      [-2, 9090],
    ],
  );
});

test('buildClasses: with no ipBlock, a pod with an IP and one without split, and the IP list is read for its length only', () => {
  // The list's element throws when read: with no segment boundary every address is one code, and the element is
  // one more object to fetch per pod (design note 0008, sixteenth session).
  const unread = ['10.0.0.9'];
  Object.defineProperty(unread, 0, {
    get() {
      throw new Error('the IP was read');
    },
  });
  const pods = [
    pod('a'),
    { ...pod('unread'), ips: unread },
    pod('no-ip', { ips: [] }),
    pod('b', { ips: ['fd00::2'] }),
  ];
  const { classIdOf, classes } = buildClasses(pods, {
    labelKeys: new Set(['app']),
    portNames: [],
    segments: new AddressSegments([]),
  });
  assert.deepEqual([...classIdOf], [0, 0, 1, 0]);
  assert.equal(classes.length, 2);
  // With a boundary the address decides the class, so it is read.
  const cut = new AddressSegments([compileBlock('10.0.0.0/24', [])!]);
  assert.throws(
    () => buildClasses(pods, { labelKeys: new Set(['app']), portNames: [], segments: cut }),
    /the IP was read/,
  );
});

/**
 * `ClassIndex` posts a class by its label part's pair numbers (design note 0008, sixteenth session), so the part
 * `buildClasses` gives a class must be its pods' — also when pods come with their namespaces interleaved and the
 * walk's class numbers are renumbered namespace by namespace.
 */
test("buildClasses: each class's label part is the part of its pods' labels, with namespaces in any order", () => {
  const segments = new AddressSegments([]);
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          namespace: fc.constantFrom('c', 'a', 'b'),
          labels: fc.dictionary(fc.constantFrom('app', 'tier', 'unread'), fc.constantFrom('1', '2', '3'), {
            maxKeys: 3,
          }),
        }),
        { minLength: 1, maxLength: 30 },
      ),
      (specs) => {
        const pods = specs.map((s, i) => pod(`p${i}`, s));
        const { classes, classIdOf, labels } = buildClasses(pods, {
          labelKeys: new Set(['app', 'tier']),
          portNames: [],
          segments,
        });
        assert.equal(labels.partOf.length, classes.length);
        pods.forEach((p, i) =>
          assert.equal(labels.partOf[classIdOf[i]], labels.parts.idOf(p.labels), `pod ${i}`),
        );
      },
    ),
    { numRuns: 300, seed },
  );
});

test("buildClasses: each class's label part is its pods' part with thousands of classes, namespaces out of order", () => {
  // Past the first size of the walk's per-class scratch (1,024 classes), so it grows while the pods are walked.
  const pods = Array.from({ length: 3_000 }, (_, i) =>
    pod(`p${i}`, { namespace: ['c', 'a', 'b'][i % 3], labels: { app: `a${i % 1_400}`, tier: `t${i % 3}` } }),
  );
  const { classes, classIdOf, labels } = buildClasses(pods, {
    labelKeys: new Set(['app', 'tier']),
    portNames: [],
    segments: new AddressSegments([]),
  });
  assert.ok(classes.length > 2_048, `${classes.length} classes`);
  pods.forEach((p, i) => {
    assert.equal(labels.partOf[classIdOf[i]], labels.parts.idOf(p.labels), `pod ${i}`);
    assert.equal(classes[classIdOf[i]].namespace, p.namespace, `pod ${i}`);
  });
  classes.forEach((c, id) => assert.equal(c.id, id));
});
