/**
 * The flat plan's row kernel keeps a big peer set per namespace of its members: a namespace the set holds whole
 * admits every egress source there by one mask, one it holds in part is tested source by source
 * (`_reach-kernel.ts`). Both must agree with the engine: an ingress peer with a namespaceSelector and a podSelector
 * admits only the selected pods of the selected namespaces, one with a namespaceSelector alone admits every pod
 * of them (https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, np } from '../policy/_test-helpers.ts';
import { computeFlatReachability, rowBits, ReachScratch } from './index.ts';

const yaml = e2eTopology(
  [
    np(
      'from-x-a-and-all-of-z',
      'y',
      `  podSelector: {}
  ingress:
  - from:
    - {namespaceSelector: {matchLabels: {ns: x}}, podSelector: {matchLabels: {pod: a}}}
    - {namespaceSelector: {matchLabels: {ns: z}}}`,
    ),
    // Every source egress-isolated, so each is counted by the kernel's egress loop, not as an open source.
    ...['x', 'y', 'z'].map((ns) =>
      np(`egress-all-${ns}`, ns, `  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{}]`),
    ),
  ].join('\n---\n'),
);

test('a big peer set held in part by a namespace admits only its members there; one held whole admits all', () => {
  const engine = engineFor(yaml);
  // bigAt 1: every peer set is a big set, so both the whole-namespace mask and the per-source bit tests run.
  for (const bigAt of [1, 2, 256]) {
    const { plan, portClasses } = computeFlatReachability(engine, { bigAt });
    const out = new Uint32Array(plan.P * plan.W);
    const scratch = new ReachScratch(plan);
    const intoY = new Set<string>();
    for (const d of engine.classes) {
      rowBits(plan, d.id, out, scratch);
      for (const s of engine.classes)
        portClasses.forEach((pc, p) => {
          const bit = (out[p * plan.W + (s.id >>> 5)] >>> (s.id & 31)) & 1;
          const src = s.pods[0];
          const dst = s === d ? d.pods[1] : d.pods[0];
          // hostNetwork pods (the profile's kube-proxy) are the matrix's own-node exception, not the kernel's.
          if (!dst || !src.ip || !dst.ip || src.hostNetwork || dst.hostNetwork) return;
          const want = engine.allows(
            { kind: 'pod', pod: src },
            { kind: 'pod', pod: dst },
            pc.port,
            pc.protocol,
          );
          assert.equal(
            bit === 1,
            want,
            `${src.namespace}/${src.name} -> ${dst.namespace}/${dst.name} bigAt ${bigAt}`,
          );
          if (want && dst.namespace === 'y') intoY.add(`${src.namespace}/${src.name} -> ${dst.name}`);
        });
    }
    // x/a and z/a, z/b, z/c into each of y's three pods; never x/b nor x/c.
    assert.deepEqual(
      [...new Set([...intoY].map((pair) => pair.split(' ')[0]))].sort(),
      ['x/a', 'z/a', 'z/b', 'z/c'],
      `bigAt ${bigAt}`,
    );
    assert.equal(intoY.size, 12, `bigAt ${bigAt}`);
  }
});
