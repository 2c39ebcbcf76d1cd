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
import { buildCluster } from '../../cluster/index.ts';
import { generateCluster } from '../../../bench/generate.ts';
import { matches } from '../../lib/labels.ts';
import type { ClusterModel, PolicyPeer } from '../../model/types.ts';
import { DistinctIds, sortAddresses, v4Members } from './_peer-sets.ts';
import { blockContains, compileBlock } from './_ip-blocks.ts';
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

test('property: class addresses sorted by family, value and class id (IPv4 as numbers in typed arrays, IPv6 by bigint), non-addresses left out', () => {
  fc.assert(
    fc.property(fc.array(fc.array(textArb, { maxLength: 3 }), { maxLength: 30 }), (perClass) => {
      const classes = perClass.map((_, id) => ({ id }) as PodClass);
      const { v4, v4Ids, rest } = sortAddresses(classes, (k) => perClass[k.id]);
      const got = [
        ...Array.from(v4, (value, i) => ({ family: 4, value: BigInt(value), id: v4Ids[i] })),
        ...rest,
      ];
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
      for (let k = eager.rules.keyPeer.length - 1; k >= 0; k--)
        assert.deepEqual(
          Array.from(eager.peerSets.sets[eager.peerSets.setOfKey(k)]),
          Array.from(lazy.peerSets.sets[lazy.peerSets.setOfKey(k)]),
          `key ${k}`,
        );
      // Every set was made up front: asking again selects nothing new.
      assert.equal(eager.peerSets.sets.length, made);
    }),
    { numRuns: 200, seed: 4 },
  );
});

test("property: a rule's peer asked about as an object (setOf) gets its rule table key's set, and a peer with new content a set of its own", () => {
  // Sets are shared by content (NetworkPolicyPeer: what a peer selects depends on its ipBlock, or its namespace
  // selector, else its policy's namespace, and its pod selector, nothing else); keys are numbers, so `setOf` finds
  // a peer's key by content, without a string per key.
  fc.assert(
    fc.property(clusterArb, fc.boolean(), (c, tableFirst) => {
      const { model } = buildYaml(toYaml(c));
      const engine = new PolicyEngine(model);
      const sets = engine.peerSets;
      const t = engine.rules;
      if (tableFirst) sets.selectAll();
      engine.policies.forEach((policy, i) =>
        [...policy.ingress, ...policy.egress].forEach((rule, k) => {
          if (rule.peers === 'all') return;
          const r = t.policyStart[i] + k;
          rule.peers.forEach((peer, j) =>
            assert.equal(
              sets.setOf(peer, policy.namespace),
              sets.setOfKey(t.peerKeys[t.peerStart[r] + j]),
              `${policy.key} rule ${k} peer ${j}`,
            ),
          );
        }),
      );
      // A content no rule has (a pod selector no rule holds) gets a new set, the same one when asked again.
      const made = sets.sets.length;
      const other = { podSelector: { requirements: [{ key: 'none', operator: 'Exists', values: [] }] } };
      const id = sets.setOf(other as unknown as PolicyPeer, 'default');
      assert.ok(id >= made, 'a set of its own');
      const copy = JSON.parse(JSON.stringify(other)) as PolicyPeer;
      assert.equal(sets.setOf(copy, 'default'), id, 'found again by content');
    }),
    { numRuns: 200, seed: 5 },
  );
});

/**
 * Every rule peer's set against the NetworkPolicyPeer definition over the classes
 * (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicyPeer): an
 * ipBlock holds the classes with an address inside it; otherwise the namespace selector (else the policy's
 * namespace) and the pod selector must both match, and node-mode hostNetwork classes are never selected. Also each
 * set's namespaces. Returns the number of members checked.
 */
function checkSets(model: ClusterModel, engine: PolicyEngine, label: string): number {
  const sets = engine.peerSets;
  sets.selectAll();
  const nsLabels = new Map<string, Readonly<Record<string, string>>>(
    model.namespaces.map((n) => [n.name, n.labels]),
  );
  let members = 0;
  for (let k = 0; k < engine.rules.keyPeer.length; k++) {
    const peer = engine.rules.keyPeer[k];
    const ns = engine.rules.keyNamespace[k];
    const block = peer.ipBlock ? compileBlock(peer.ipBlock.cidr, peer.ipBlock.except) : undefined;
    const want = engine.classes
      .filter((c) => {
        const node = c.hostNetwork && engine.hostNetwork === 'node';
        if (peer.ipBlock) {
          const ips = node ? (c.pods[0].ip ? [c.pods[0].ip] : []) : c.pods[0].ips;
          return !!block && ips.some((ip) => blockContains(block, parseIP(ip)!));
        }
        if (node) return false;
        const nsOk = peer.namespaceSelector
          ? nsLabels.has(c.namespace) && matches(peer.namespaceSelector, nsLabels.get(c.namespace)!)
          : c.namespace === ns;
        return nsOk && (!peer.podSelector || matches(peer.podSelector, c.labels));
      })
      .map((c) => c.id);
    const id = sets.setOfKey(k);
    assert.deepEqual(Array.from(sets.sets[id]), want, `${label}: key ${k}`);
    const nss = [...new Set(want.map((c) => sets.nsOf[c]))].sort((a, b) => a - b);
    assert.deepEqual(Array.from(sets.namespacesOf[id]), nss, `${label}: namespaces of key ${k}`);
    members += want.length;
  }
  return members;
}

test("property: a peer's set is the classes its peer selects, sorted, each once, with its namespaces (several namespaces laid end to end, ipBlock members marked once)", () => {
  fc.assert(
    fc.property(clusterArb, (c) => {
      const { model } = buildYaml(toYaml(c));
      checkSets(model, new PolicyEngine(model), 'random cluster');
    }),
    { numRuns: 300, seed: 12 },
  );
  // Random labels over five namespaces: namespace selectors select across several of them, in every order.
  const { objects, profile } = generateCluster({ family: 'random-labels', pods: 5000, policies: 1500 });
  const { model } = buildCluster(objects, { profile });
  assert.ok(checkSets(model, new PolicyEngine(model), 'random labels, 5,000 pods') > 10_000);
});

test('property: DistinctIds — take gives the ids added since the last take, sorted, each once (a class with several addresses in one ipBlock is one member)', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.nat(49)), { maxLength: 4 }), (batches) => {
      const found = new DistinctIds(50);
      for (const batch of batches) {
        for (const id of batch) found.add(id);
        assert.deepEqual(
          Array.from(found.take()),
          [...new Set(batch)].sort((a, b) => a - b),
        );
      }
    }),
    { numRuns: 500, seed: 13 },
  );
});

const B = 10 * 2 ** 24 + 2 ** 16; // 10.1.0.0
const quad = (v: number) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');

/**
 * An IPv4 block at 10.1.0.0 with up to three except blocks inside it, and class addresses around it: each at the
 * first or last address of the block or of an except, one before or past them, or anywhere near.
 */
const blockCaseArb = fc
  .integer({ min: 20, max: 32 })
  .chain((p) =>
    fc.record({
      p: fc.constant(p),
      ex: fc.array(
        fc
          .tuple(fc.integer({ min: p, max: 32 }), fc.nat(2 ** (32 - p) - 1))
          .map(([q, off]) => ({ q, at: off - (off % 2 ** (32 - q)) })),
        { maxLength: 3 },
      ),
    }),
  )
  .chain(({ p, ex }) => {
    const edges = [0, 2 ** (32 - p), ...ex.flatMap((e) => [e.at, e.at + 2 ** (32 - e.q)])].flatMap((x) => [
      x - 1,
      x,
    ]);
    const offset = fc.oneof(fc.constantFrom(...edges), fc.integer({ min: -3, max: 2 ** (32 - p) + 3 }));
    return fc.record({
      cidr: fc.constant(`${quad(B)}/${p}`),
      except: fc.constant(ex.map((e) => `${quad(B + e.at)}/${e.q}`)),
      perClass: fc.array(
        fc.array(
          offset.map((x) => quad(B + x)),
          { maxLength: 3 },
        ),
        { maxLength: 40 },
      ),
    });
  });

test('property: IPBlock — an IPv4 ipBlock holds the sorted addresses inside its cidr and outside every except (v4Members against blockContains)', () => {
  fc.assert(
    fc.property(blockCaseArb, ({ cidr, except, perClass }) => {
      const classes = perClass.map((_, id) => ({ id }) as PodClass);
      const block = compileBlock(cidr, except)!;
      const { v4, v4Ids } = sortAddresses(classes, (k) => perClass[k.id]);
      const got: number[] = [];
      v4Members(block, v4, v4Ids, { add: (id) => got.push(id) });
      const want = Array.from(v4Ids).filter((_, i) =>
        blockContains(block, { family: 4, value: BigInt(v4[i]) }),
      );
      assert.deepEqual(got, want);
    }),
    { numRuns: 1000, seed: 11 },
  );
});
