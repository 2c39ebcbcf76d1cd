/**
 * The compile's rule table (`engine.rules`, `_rule-table.ts`) must hold every NetworkPolicy rule as written: a
 * policy's ingress rules then its egress rules, `from`/`to` and `ports` missing or empty as "all", each peer as
 * the classes it selects (its selectors in the policy's namespace, or its ipBlock), and each port's protocol, port and endPort — a port-less entry being every port of its protocol
 * (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec:
 * NetworkPolicyPort, NetworkPolicyPeer).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { cidrContains, parseCidr, parseIP } from '../../lib/ip.ts';
import { matches } from '../../lib/labels.ts';
import type { PolicyPeer, PolicyPort, PolicyRule } from '../../model/types.ts';
import type { CompiledBlock } from './_ip-blocks.ts';
import { PolicyEngine } from './_engine.ts';
import { walkPolicies } from './_policy-walk.ts';
import { PeerKeys } from './_peer-keys.ts';
import { recordRules } from './_rule-table.ts';
import { clusterArb, toYaml } from './_cluster-arb.ts';
import { e2eTopology, engineFor, np } from './_test-helpers.ts';

const seed = Number(process.env.KUBETWIN_PROPERTY_SEED ?? 20261203);

/** A numeric or port-less port's content: what `portMatches` reads of it. */
const content = (pp: PolicyPort) =>
  `${pp.protocol} ${pp.port ?? '*'}-${pp.port === undefined ? '*' : (pp.endPort ?? pp.port)}`;

/**
 * The classes a peer of a policy in `ns` selects, from the definition: an ipBlock holds the classes with an
 * address inside its CIDR and outside every except (a node-mode hostNetwork class: its node's address, the pod's
 * primary IP); selectors hold the pod classes (not node-mode hostNetwork ones) of the namespaces the
 * namespaceSelector matches (without one: the policy's) whose labels the podSelector matches.
 */
function selected(engine: PolicyEngine, peer: PolicyPeer, ns: string): number[] {
  return engine.classes
    .filter((c) => {
      const host = c.hostNetwork && engine.hostNetwork === 'node';
      if (peer.ipBlock) {
        const { cidr, except } = peer.ipBlock;
        const ips = host ? (c.pods[0].ip ? [c.pods[0].ip] : []) : c.pods[0].ips;
        return ips.some((text) => {
          const ip = parseIP(text);
          const inside = (block: string) => !!ip && !!parseCidr(block) && cidrContains(parseCidr(block)!, ip);
          return inside(cidr) && !except.some(inside);
        });
      }
      if (host) return false;
      const nsOk = peer.namespaceSelector
        ? matches(peer.namespaceSelector, engine.nsLabels(c.namespace))
        : c.namespace === ns;
      return nsOk && (!peer.podSelector || matches(peer.podSelector, c.labels));
    })
    .map((c) => c.id);
}

/** Every rule of every policy against the table. */
function checkTable(engine: PolicyEngine): void {
  const t = engine.rules;
  const sets = engine.peerSets;
  assert.equal(t.policyStart.length, engine.policies.length + 1);
  engine.policies.forEach((policy, i) => {
    const check = (rules: readonly PolicyRule[], from: number, to: number) => {
      assert.equal(to - from, rules.length, `${policy.key}: rule count`);
      rules.forEach((rule, k) => {
        const r = from + k;
        assert.equal(t.allPeers[r], rule.peers === 'all' ? 1 : 0, `${policy.key} rule ${k}: all peers`);
        assert.equal(t.allPorts[r], rule.ports === 'all' ? 1 : 0, `${policy.key} rule ${k}: all ports`);
        const peers = rule.peers === 'all' ? [] : rule.peers;
        assert.deepEqual(
          Array.from(t.peerKeys.subarray(t.peerStart[r], t.peerStart[r + 1]), (key) => [
            ...sets.sets[sets.setOfKey(key)],
          ]),
          peers.map((peer) => selected(engine, peer, policy.namespace)),
          `${policy.key} rule ${k}: peer sets`,
        );
        const ports = rule.ports === 'all' ? [] : rule.ports;
        assert.deepEqual(
          Array.from(t.specIds.subarray(t.specStart[r], t.specStart[r + 1]), (s) => content(t.specs[s])),
          ports.filter((pp) => typeof pp.port !== 'string').map(content),
          `${policy.key} rule ${k}: numeric ports`,
        );
        assert.deepEqual(
          Array.from(t.namedIds.subarray(t.namedStart[r], t.namedStart[r + 1]), (n) => t.named[n]),
          ports.flatMap((pp) =>
            typeof pp.port === 'string' ? [{ name: pp.port, protocol: pp.protocol }] : [],
          ),
          `${policy.key} rule ${k}: named ports`,
        );
      });
    };
    check(policy.ingress, t.policyStart[i], t.egressStart[i]);
    check(policy.egress, t.egressStart[i], t.policyStart[i + 1]);
  });
}

test('property: the rule table holds every policy rule as written (peers as the sets allows reads, ports by protocol, port and endPort)', () => {
  fc.assert(
    fc.property(clusterArb, (cluster) => {
      const { model } = buildYaml(toYaml(cluster));
      checkTable(new PolicyEngine(model));
    }),
    { numRuns: 300, seed },
  );
});

test("property: the table the compile's level-by-level walk lays out equals the one recorded policy by policy", () => {
  fc.assert(
    fc.property(fc.array(clusterArb, { minLength: 1, maxLength: 3 }), (clusters) => {
      // Several clusters' policies in one list: more rules, so keys and specs are first used across policies.
      const policies = clusters.flatMap((c) => buildYaml(toYaml(c)).model.networkPolicies);
      const walk = walkPolicies(policies);
      const reference = recordRules(policies, walk.blockOf);
      assert.deepEqual(walk.rules, reference);
      // The same peer objects, not only equal ones (`PeerSets` selects from them).
      reference.keyPeer.forEach((peer, k) => assert.equal(walk.rules!.keyPeer[k], peer, `key ${k}`));
    }),
    { numRuns: 300, seed },
  );
});

test("property: the rule table's peer keys — two peers share a key exactly when they have the same ipBlock, or the same namespace selector (else namespace) and pod selector", () => {
  // What a peer selects depends on nothing else (NetworkPolicyPeer: https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec),
  // so `PeerSets` selects once per key; the walk looks the key up from fields it read once.
  const sel = (s?: { requirements: readonly unknown[]; nothing?: boolean }) =>
    s ? JSON.stringify([s.requirements, !!s.nothing]) : '*';
  fc.assert(
    fc.property(fc.array(clusterArb, { minLength: 1, maxLength: 3 }), (clusters) => {
      const policies = clusters.flatMap((c) => buildYaml(toYaml(c)).model.networkPolicies);
      const walk = walkPolicies(policies);
      const t = walk.rules!;
      const contentOf = new Map<number, string>();
      const keyOf = new Map<string, number>();
      policies.forEach((policy, i) =>
        [...policy.ingress, ...policy.egress].forEach((rule, k) => {
          const r = t.policyStart[i] + k;
          if (rule.peers === 'all') return;
          rule.peers.forEach((peer, j) => {
            const block = walk.blockOf.get(peer);
            const content = peer.ipBlock
              ? `b ${block?.key ?? ''}`
              : `${peer.namespaceSelector ? sel(peer.namespaceSelector) : `ns ${policy.namespace}`} ${sel(peer.podSelector)}`;
            const key = t.peerKeys[t.peerStart[r] + j];
            assert.equal(contentOf.get(key) ?? content, content, `key ${key}`);
            assert.equal(keyOf.get(content) ?? key, key, content);
            contentOf.set(key, content);
            keyOf.set(content, key);
          });
        }),
      );
    }),
    { numRuns: 300, seed },
  );
});

/** A selector as the test writes its content: its requirements in order; one that selects nothing, whatever they are. */
const selectorText = (s?: { requirements: readonly unknown[]; nothing?: boolean }) =>
  s ? (s.nothing ? 'nothing' : JSON.stringify(s.requirements)) : '*';

test('property: PeerKeys numbers peers by content in first-use order — the same ipBlock, or the same namespace selector (else namespace) and pod selector — also when every hash collides and selectors repeat in other objects', () => {
  // Keys are numbers, not strings of the selectors: a candidate is compared field by field with the key's first
  // peer, so equal content must be found by value (not object identity) and unequal content told apart even when
  // every hash is the same.
  const selArb = fc.option(
    fc.record({
      requirements: fc.array(
        fc.record({
          key: fc.constantFrom('app', 'ap', 'pa'),
          operator: fc.constantFrom('In', 'NotIn'),
          values: fc.array(fc.constantFrom('a', 'b', 'ab', ''), { minLength: 1, maxLength: 2 }),
        }),
        { maxLength: 2 },
      ),
      nothing: fc.constantFrom(false, false, false, true),
    }),
    { nil: undefined },
  );
  const peerArb = fc.record({
    block: fc.option(fc.constantFrom('10.0.0.0/8', '10.0.0.0/8!10.1.0.0/16', ''), {
      nil: undefined,
      freq: 2,
    }),
    namespaceSelector: fc.option(selArb, { nil: undefined, freq: 2 }),
    podSelector: selArb,
    ns: fc.constantFrom('a', 'b', 'ab', ''),
  });
  fc.assert(
    fc.property(fc.array(peerArb, { minLength: 10, maxLength: 40 }), fc.boolean(), (peers, collide) => {
      const keys = collide ? new PeerKeys(() => 0) : new PeerKeys();
      const reference = new Map<string, number>();
      const firstNs: string[] = [];
      peers.forEach((p, i) => {
        // Each peer its own objects (as the model builds them).
        const copy = (s: typeof p.podSelector) => (s ? (JSON.parse(JSON.stringify(s)) as typeof s) : s);
        const block = p.block === undefined ? undefined : ({ key: p.block } as CompiledBlock);
        const peer = (
          block
            ? { ipBlock: { cidr: p.block, except: [] } }
            : { namespaceSelector: copy(p.namespaceSelector), podSelector: copy(p.podSelector) }
        ) as PolicyPeer;
        const content = block
          ? `b ${block.key}`
          : `${peer.namespaceSelector ? selectorText(peer.namespaceSelector) : `ns ${p.ns}`} ${selectorText(peer.podSelector)}`;
        if (!reference.has(content)) {
          reference.set(content, reference.size);
          firstNs.push(p.ns);
        }
        // Half the lookups from the fields as the walk reads them, half from the peer.
        const id =
          i % 2
            ? keys.idOfFields(!!peer.ipBlock, peer.namespaceSelector, peer.podSelector, p.ns, block, peer)
            : keys.id(peer, p.ns, block);
        assert.equal(id, reference.get(content), content);
        assert.equal(keys.keyNamespace[id], firstNs[id], `${content}: the first peer's namespace`);
      });
      assert.equal(keys.size, reference.size);
    }),
    { numRuns: 500, seed },
  );
});

test('PeerKeys: thousands of keys keep their numbers while the table doubles, with a real hash and with every hash equal', () => {
  // 3,000 keys pass the table's first size (512 keys in 1,024 slots) twice over.
  // Values repeat across the two namespaces: the namespace alone tells those keys apart.
  const peerOf = (i: number): PolicyPeer =>
    ({
      podSelector: { requirements: [{ key: 'app', operator: 'In', values: [`v${i % 1500}`] }] },
    }) as PolicyPeer;
  for (const keys of [new PeerKeys(), new PeerKeys(() => 7)]) {
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 3000; i++) {
        const ns = i < 1500 ? 'a' : 'b';
        assert.equal(keys.id(peerOf(i), ns, undefined), i, `peer ${i}, round ${round}`);
      }
    assert.equal(keys.size, 3000);
  }
});

test("property: ruleTable 'on-demand' — the table recorded on first ask equals the one the compile lays out, and every peer set and verdict is the same", () => {
  fc.assert(
    fc.property(clusterArb, (cluster) => {
      const { model } = buildYaml(toYaml(cluster));
      const compiled = new PolicyEngine(model);
      const onDemand = new PolicyEngine(model, { ruleTable: 'on-demand' });
      // Asked before the table exists: the side programs and explanations do not need it.
      const pods = model.pods.filter((p) => p.ip);
      for (const a of pods.slice(0, 4))
        for (const b of pods.slice(0, 4))
          assert.equal(
            onDemand.allows({ kind: 'pod', pod: a }, { kind: 'pod', pod: b }, 80, 'TCP'),
            compiled.allows({ kind: 'pod', pod: a }, { kind: 'pod', pod: b }, 80, 'TCP'),
          );
      assert.deepEqual(onDemand.rules, compiled.rules);
      assert.equal(onDemand.rules, onDemand.rules, 'recorded once');
      checkTable(onDemand);
    }),
    { numRuns: 200, seed },
  );
});

test('the rule table tells apart a port-less entry, a single port, a range, and the same port on another protocol', () => {
  const engine = engineFor(
    e2eTopology(
      np(
        'ports',
        'y',
        `  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress:
  - ports: [{protocol: UDP}, {port: 80}, {port: 80, endPort: 81}, {port: 80, protocol: SCTP}, {port: 80, endPort: 80}]
  - from: []
    ports: []
  egress:
  - to: [{namespaceSelector: {}}, {namespaceSelector: {}, podSelector: {}}, {ipBlock: {cidr: 10.0.0.0/8}}]
    ports: [{protocol: TCP}, {port: serve-80-tcp}, {port: serve-80-tcp, protocol: UDP}]`,
      ),
    ),
  );
  checkTable(engine);
  const t = engine.rules;
  // Five entries in the first rule, four distinct contents (80 and 80-80 are one); one more port-less spec.
  assert.equal(new Set(t.specIds.subarray(t.specStart[0], t.specStart[1])).size, 4);
  assert.equal(t.specs.length, 5);
  assert.equal(t.named.length, 2);
});
