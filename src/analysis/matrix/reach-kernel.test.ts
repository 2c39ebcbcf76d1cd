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
import { PolicyEngine } from '../policy/index.ts';
import { buildCluster } from '../../cluster/index.ts';
import { generateCluster } from '../../../bench/generate.ts';
import { computeFlatReachability, countRows, rowBits, ReachScratch, type ReachPlan } from './index.ts';

/**
 * Every row bit of the flat plan against `engine.allows` (first pods of the classes; a class with itself takes
 * its second pod); returns the allowed pairs as `src -> dst` names.
 */
function checkRows(
  engine: PolicyEngine,
  options: { bigAt?: number; chunk?: number },
  label: string,
): Set<string> {
  const { plan, portClasses } = computeFlatReachability(engine, options);
  const out = new Uint32Array(plan.P * plan.W);
  const scratch = new ReachScratch(plan);
  const allowed = new Set<string>();
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
          `${src.namespace}/${src.name} -> ${dst.namespace}/${dst.name} ${label}`,
        );
        if (want) allowed.add(`${src.namespace}/${src.name} -> ${dst.namespace}/${dst.name}`);
      });
  }
  return allowed;
}

/** The egress rules (policy names) the plan's inverted index lists for a destination pod `ns/name`, through its units. */
function invertedFor(engine: PolicyEngine, plan: ReachPlan, ref: string): string[] {
  const [ns, name] = ref.split('/');
  const d = engine.classes.find((c) => c.pods.some((p) => p.namespace === ns && p.name === name))!.id;
  const egressPolicies = engine.policies.filter((p) => p.policyTypes.includes('Egress'));
  const names: string[] = [];
  for (let j = plan.invStart[d]; j < plan.invStart[d + 1]; j++) {
    const u = plan.invUnits[j];
    for (let x = plan.unitRuleStart[u]; x < plan.unitRuleStart[u + 1]; x++)
      names.push(egressPolicies[plan.unitRules[x]].name);
  }
  return names.sort();
}

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
    const allowed = checkRows(engine, { bigAt }, `bigAt ${bigAt}`);
    const intoY = [...allowed].filter((pair) => pair.split(' -> ')[1].startsWith('y/'));
    // x/a and z/a, z/b, z/c into each of y's three pods; never x/b nor x/c.
    assert.deepEqual(
      [...new Set(intoY.map((pair) => pair.split(' ')[0]))].sort(),
      ['x/a', 'z/a', 'z/b', 'z/c'],
      `bigAt ${bigAt}`,
    );
    assert.equal(intoY.length, 12, `bigAt ${bigAt}`);
  }
});

/**
 * An egress rule's sources are the pods its policy selects, all in the policy's namespace
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/: a policy selects pods in its own
 * namespace), so a destination whose ingress admits nothing from that namespace can never be reached through the
 * rule. Rules whose peers select the same classes share one unit of the inverted index; the row meets only the
 * unit's rules of namespaces its destination admits from, and every rule for a destination no ingress policy
 * isolates.
 */
test('egress rules of one peer set share a unit of the inverted index, and a row meets only those of namespaces its destination admits from', () => {
  const egressTo = (ns: string) =>
    np(
      `egress-${ns}`,
      ns,
      `  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{to: [{namespaceSelector: {}}]}]`,
    );
  const engine = engineFor(
    e2eTopology(
      [
        np(
          'y-from-z',
          'y',
          `  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {ns: z}}}]`,
        ),
        ...['x', 'y', 'z'].map(egressTo),
      ].join('\n---\n'),
    ),
  );
  for (const bigAt of [1, 256]) {
    const { plan } = computeFlatReachability(engine, { bigAt });
    // The three rules name one set (every namespace): one unit, listed for every class.
    assert.equal(plan.unitSet.length, 1);
    assert.deepEqual(invertedFor(engine, plan, 'y/a'), ['egress-x', 'egress-y', 'egress-z']);
    assert.deepEqual(invertedFor(engine, plan, 'x/a'), ['egress-x', 'egress-y', 'egress-z']);
    // y admits from z only; x is not isolated for ingress, so every namespace's rules reach it.
    const allowed = checkRows(engine, { bigAt }, `bigAt ${bigAt}`);
    // One class per namespace here (no selector reads the pod label): its first pod stands for it.
    assert.ok(allowed.has('z/a -> y/a') && !allowed.has('x/a -> y/a') && allowed.has('y/a -> x/a'));
  }
});

/**
 * A rule's ports admit only the listed port classes
 * (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec): with
 * more than 8 port classes in a pass the row scratch keeps 32-bit masks, with at most 8 bytes; both agree with
 * `allows` on every row bit.
 */
test('rows with more than 8 port classes per pass (32-bit masks) and with 8 (byte masks) agree with allows', () => {
  const ports = Array.from({ length: 12 }, (_, i) => `{port: ${80 + i}}`).join(', ');
  const engine = engineFor(
    e2eTopology(
      [
        np(
          'y-some-ports',
          'y',
          `  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {}}]\n    ports: [${ports}]`,
        ),
        np(
          'x-egress',
          'x',
          `  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{namespaceSelector: {}}]\n    ports: [{port: 81}, {port: 85}]`,
        ),
      ].join('\n---\n'),
    ),
  );
  for (const chunk of [30, 8, 3]) {
    const { plan } = computeFlatReachability(engine, { chunk });
    assert.ok(plan.P > 8, `${plan.P} port classes`);
    const allowed = checkRows(engine, { chunk }, `chunk ${chunk}`);
    assert.ok(allowed.has('x/a -> y/a') && allowed.has('z/a -> y/a'));
  }
});

/**
 * A rule's fixed port mask is every port class one of its numeric entries admits: a port-less entry admits every
 * port of its protocol, `endPort` an inclusive range, a port only itself
 * (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec:
 * NetworkPolicyPort). The plan reads the entries from the compile's rule table (`engine.rules`), one mask per
 * distinct entry ORed per rule; every row bit agrees with `allows`.
 */
test('a rule with several port entries (port-less, range, single port, named) admits the union of their port classes', () => {
  const engine = engineFor(
    e2eTopology(
      [
        np(
          'y-from-x',
          'y',
          `  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {ns: x}}}]\n    ports: [{protocol: UDP}, {port: 80}, {port: 81, protocol: SCTP}, {port: serve-81-tcp}]`,
        ),
        np(
          'x-egress',
          'x',
          `  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{namespaceSelector: {}}]\n    ports: [{port: 80, endPort: 81}, {protocol: SCTP}]`,
        ),
      ].join('\n---\n'),
    ),
  );
  for (const chunk of [30, 1]) {
    const allowed = checkRows(engine, { chunk }, `chunk ${chunk}`);
    assert.ok(allowed.has('x/a -> y/a') && !allowed.has('z/a -> y/a'), `chunk ${chunk}`);
  }
  const { plan, portClasses } = computeFlatReachability(engine);
  const x = engine.classes.find((c) => c.namespace === 'x')!.id;
  const y = engine.classes.find((c) => c.namespace === 'y')!.id;
  const out = new Uint32Array(plan.P * plan.W);
  rowBits(plan, y, out, new ReachScratch(plan));
  const admitted = portClasses
    .filter((_, p) => (out[p * plan.W + (x >>> 5)] >>> (x & 31)) & 1)
    .map((pc) => `${pc.port}/${pc.protocol}`);
  // x's egress admits TCP 80-81 and all of SCTP; y's ingress TCP 80, TCP 81 (named), all of UDP and SCTP 81.
  assert.deepEqual(admitted, ['80/TCP', '81/TCP', '81/SCTP']);
});

/**
 * A destination's ingress may admit a namespace whole on some ports and only some of its pods on others: each
 * peer admits on its own rule's ports
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource: traffic must
 * match both the `from` and the `ports` of one rule). An egress-isolated source there is met on both: on the
 * whole namespace's ports by its rule, and on the other ports only if the partial peer's set holds it.
 */
test('an egress rule meets its sources on the ports a namespace is admitted whole and, piece by piece, on the ports it is admitted in part', () => {
  const engine = engineFor(
    e2eTopology(
      [
        np(
          'all-of-z-on-80-z-a-on-81',
          'y',
          `  podSelector: {}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {ns: z}}}]
    ports: [{port: 80}]
  - from: [{namespaceSelector: {matchLabels: {ns: z}}, podSelector: {matchLabels: {pod: a}}}]
    ports: [{port: 81}]`,
        ),
        ...['x', 'y', 'z'].map((ns) =>
          np(`egress-all-${ns}`, ns, `  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{}]`),
        ),
      ].join('\n---\n'),
    ),
  );
  // bigAt 1: the namespace-only peer holds z whole (one mask); the other is a piece of z met by its list.
  for (const bigAt of [1, 256]) {
    const allowed = checkRows(engine, { bigAt }, `bigAt ${bigAt}`);
    const intoY = [...allowed].filter((pair) => pair.split(' -> ')[1].startsWith('y/'));
    assert.deepEqual(
      [...new Set(intoY.map((pair) => pair.split(' ')[0]))].sort(),
      ['z/a', 'z/b', 'z/c'],
      `bigAt ${bigAt}`,
    );
  }
  const { plan, portClasses } = computeFlatReachability(engine, { bigAt: 1 });
  const out = new Uint32Array(plan.P * plan.W);
  const za = engine.classes.find((c) => c.pods.some((p) => p.namespace === 'z' && p.name === 'a'))!.id;
  const ya = engine.classes.find((c) => c.pods.some((p) => p.namespace === 'y' && p.name === 'a'))!.id;
  rowBits(plan, ya, out, new ReachScratch(plan));
  const on = (port: number) =>
    portClasses.some(
      (pc, p) =>
        pc.port === port && pc.protocol === 'TCP' && (out[p * plan.W + (za >>> 5)] >>> (za & 31)) & 1,
    );
  assert.ok(on(80) && on(81), 'z/a reaches y/a on 80 (z whole) and on 81 (its piece)');
});

/**
 * A row marks the namespaces its peer sets hold by stamp (`nsMark`, an `Int32Array`), and a scratch is kept from
 * count to count on every thread (`reach-pool.ts`): a stamp past 2^31 would no longer equal its stored mark, and a
 * namespace admitted by two sets would lose the first set's ports. Before that, the marks start over.
 */
test('ReachScratch: a scratch whose namespace stamp nears 2^31 counts every row as a new scratch does', () => {
  const { objects, profile } = generateCluster({ family: 'random-labels', pods: 1500, policies: 750 });
  const engine = new PolicyEngine(buildCluster(objects, { profile }).model);
  const { plan } = computeFlatReachability(engine);
  const want = countRows(plan, 0, plan.C);
  assert.ok(want > 0 && plan.C > 100, `${want} triples, ${plan.C} classes`);
  const scratch = new ReachScratch(plan);
  scratch.stamp = 2 ** 31 - 3;
  assert.equal(countRows(plan, 0, plan.C, scratch), want);
  assert.ok(scratch.stamp <= plan.C * plan.chunks, `stamp ${scratch.stamp} started over`);
  assert.equal(countRows(plan, 0, plan.C, scratch), want, 'and again on the same scratch');
});
