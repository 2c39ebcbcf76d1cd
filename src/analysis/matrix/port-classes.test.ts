/**
 * Port classes by a sweep over the cut points (`piecesOf`): the same classes, in the same order, as the
 * definition — pieces between consecutive cuts grouped by the exact set of ranges containing them — written here
 * as one signature per piece over every range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { piecesOf } from './_port-classes.ts';

function reference(ranges: readonly (readonly [number, number])[]) {
  const cuts = new Set([1, 65536]);
  for (const [a, b] of ranges) cuts.add(a).add(b + 1);
  const points = [...cuts].sort((a, b) => a - b);
  const bySig = new Map<string, { protocol: 'TCP'; port: number; ranges: [number, number][] }>();
  for (let i = 0; i + 1 < points.length; i++) {
    const lo = points[i];
    const sig = ranges.map(([a, b]) => (lo >= a && lo <= b ? '1' : '0')).join('');
    const cls = bySig.get(sig) ?? bySig.set(sig, { protocol: 'TCP', port: lo, ranges: [] }).get(sig)!;
    cls.ranges.push([lo, points[i + 1] - 1]);
  }
  return [...bySig.values()];
}

// Ports cluster on a few values so ranges nest, touch and repeat; a few end before they start (endPort below
// port) or lie outside 1-65535, as unvalidated input can.
const port = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 70000 }));
const ranges = fc.array(
  fc.tuple(port, port).map(([a, b]) => [a, b] as const),
  { maxLength: 30 },
);

test('property: port classes by the sweep equal the per-piece signatures over every range', () => {
  fc.assert(
    fc.property(ranges, (rs) => {
      const uniq = [...new Map(rs.map(([a, b]) => [a * 65537 + b, [a, b] as const])).values()];
      assert.deepEqual(piecesOf('TCP', uniq), reference(uniq));
    }),
    { numRuns: 2000, seed: 23 },
  );
});

/**
 * A named port resolves against the destination pod's container ports
 * (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec):
 * `PortMasks.fillNamed` gives every class, in one loop, the masks `destination` + `mask` give one class at a time
 * — classes of different resolutions interleaved (the remembered last resolution must not leak), a pod declaring
 * the name twice (both ports), and node-mode hostNetwork classes (nothing).
 */
test('named-port masks of every class at once equal the per-class resolution', async () => {
  const { engineFor, np } = await import('../policy/_test-helpers.ts');
  const { portClasses, PortMasks } = await import('./_port-classes.ts');
  const pod = (name: string, ports: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: default, labels: {app: ${name}}}\nspec:\n  containers: [{name: c, image: i, ports: [${ports}]}]`;
  const yaml = [
    pod('a', '{name: http, containerPort: 80}'),
    pod('b', '{name: http, containerPort: 8080}'),
    pod('c', '{name: http, containerPort: 80}'),
    `apiVersion: v1\nkind: Pod\nmetadata: {name: d, namespace: default, labels: {app: d}}\nspec:\n  containers:\n  - {name: c1, image: i, ports: [{name: http, containerPort: 81}]}\n  - {name: c2, image: i, ports: [{name: http, containerPort: 82}]}`,
    pod('e', '{name: other, containerPort: 80}'),
    `apiVersion: v1\nkind: Pod\nmetadata: {name: h, namespace: default, labels: {app: h}}\nspec:\n  hostNetwork: true\n  nodeName: node-1\n  containers: [{name: c, image: i, ports: [{name: http, containerPort: 80}]}]`,
    np(
      'http',
      'default',
      `  podSelector: {}\n  ingress: [{ports: [{port: http}, {port: 80}, {port: 8080}, {port: 81}]}]`,
    ),
  ].join('\n---\n');
  const engine = engineFor(yaml);
  const ports = portClasses(engine);
  for (const width of [1, 2, 30]) {
    const masks = new PortMasks(engine, ports);
    const kind = masks.kind('http', 'TCP');
    const host = new Uint8Array(engine.classes.length);
    for (const c of engine.classes) host[c.id] = c.hostNetwork && engine.hostNetwork === 'node' ? 1 : 0;
    for (let base = 0; base < ports.length; base += width) {
      const w = Math.min(width, ports.length - base);
      masks.within(base, w);
      const out = new Int32Array(engine.classes.length);
      masks.fillNamed(engine.classes, host, out, 0);
      for (const c of engine.classes) {
        masks.destination(host[c.id] ? undefined : c.id);
        assert.equal(out[c.id], masks.namedMask(kind), `${c.pods[0].name} chunk ${base}/${width}`);
      }
    }
    // The pod declaring http twice admits both of its ports; the host class none.
    masks.within(0, ports.length);
    const out = new Int32Array(engine.classes.length);
    masks.fillNamed(engine.classes, host, out, 0);
    const of = (name: string) => out[engine.classes.find((c) => c.pods[0].name === name)!.id];
    assert.equal(of('h'), 0);
    assert.equal(of('e'), 0);
    const bitOf = (port: number) =>
      1 <<
      ports.findIndex(
        (pc) => pc.protocol === 'TCP' && pc.ranges.some(([lo, hi]) => port >= lo && port <= hi),
      );
    assert.equal(of('d'), bitOf(81) | bitOf(82));
    assert.equal(of('a'), bitOf(80));
  }
});
