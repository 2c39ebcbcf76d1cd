/**
 * The compile's walk of the policies (`walkPolicies`), level by level: every output must be what a walk of one
 * policy at a time gives — the label keys of every podSelector, the ipBlocks and named ports and numeric port
 * ranges in first-use order (policy by policy, ingress rules then egress, peers and ports in rule order), and
 * each policy's policyTypes, namespace and podSelector for selection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import type { NetworkPolicy, Protocol } from '../../model/types.ts';
import { clusterArb, toYaml } from './_cluster-arb.ts';
import { walkPolicies } from './_policy-walk.ts';

const seed = Number(process.env.KUBETWIN_PROPERTY_SEED ?? 20261203);

/** The reference: one policy at a time, each rule's peers then ports, as the engine walked before. */
function referenceWalk(policies: readonly NetworkPolicy[]) {
  const labelKeys = new Set<string>();
  const blockTexts: string[] = [];
  const portNames: string[] = [];
  const ranges: Record<Protocol, string[]> = { TCP: [], UDP: [], SCTP: [] };
  for (const np of policies) {
    for (const r of np.podSelector.requirements) labelKeys.add(r.key);
    for (const rule of [...np.ingress, ...np.egress]) {
      if (rule.peers !== 'all')
        for (const peer of rule.peers) {
          for (const r of peer.podSelector?.requirements ?? []) labelKeys.add(r.key);
          const b = peer.ipBlock;
          if (b && !blockTexts.includes(`${b.cidr}!${b.except.join(',')}`))
            blockTexts.push(`${b.cidr}!${b.except.join(',')}`);
        }
      if (rule.ports !== 'all')
        for (const pp of rule.ports)
          if (typeof pp.port === 'string') {
            if (!portNames.includes(`${pp.port}/${pp.protocol}`)) portNames.push(`${pp.port}/${pp.protocol}`);
          } else if (typeof pp.port === 'number') {
            const range = `${pp.port}-${pp.endPort ?? pp.port}`;
            if (!ranges[pp.protocol].includes(range)) ranges[pp.protocol].push(range);
          }
    }
  }
  return { labelKeys, blockTexts, portNames, ranges };
}

test('property: the level-by-level policy walk gives the one-policy-at-a-time walk its outputs, in first-use order', () => {
  fc.assert(
    fc.property(fc.array(clusterArb, { minLength: 1, maxLength: 3 }), (clusters) => {
      // Several random clusters' policies in one list: more rules, so first uses interleave across policies.
      const policies = clusters.flatMap((c) => buildYaml(toYaml(c)).model.networkPolicies);
      const walk = walkPolicies(policies);
      const ref = referenceWalk(policies);
      assert.deepEqual([...walk.labelKeys].sort(), [...ref.labelKeys].sort());
      assert.deepEqual([...walk.portNames.keys()], ref.portNames);
      assert.deepEqual(
        [...walk.ruleNamedPorts.keys()],
        [...new Set(ref.portNames.map((k) => k.split('/')[0]))],
      );
      for (const protocol of ['TCP', 'UDP', 'SCTP'] as const)
        assert.deepEqual(
          [...walk.ruleRanges[protocol].values()].map(([a, b]) => `${a}-${b}`),
          ref.ranges[protocol],
          protocol,
        );
      // Blocks: one compiled object per distinct text, in first-use order, shared by every peer with that text.
      assert.equal(walk.blocks.length, ref.blockTexts.length);
      const firstPeer = new Map<string, unknown>();
      for (const np of policies)
        for (const rule of [...np.ingress, ...np.egress])
          if (rule.peers !== 'all')
            for (const peer of rule.peers)
              if (peer.ipBlock) {
                const text = `${peer.ipBlock.cidr}!${peer.ipBlock.except.join(',')}`;
                const b = walk.blockOf.get(peer);
                assert.ok(b, text);
                if (!firstPeer.has(text)) firstPeer.set(text, b);
                assert.equal(b, firstPeer.get(text), `${text} shared`);
              }
      assert.deepEqual([...firstPeer.values()], walk.blocks);
      policies.forEach((np, i) => {
        const bits =
          (np.policyTypes.includes('Ingress') ? 1 : 0) | (np.policyTypes.includes('Egress') ? 2 : 0);
        assert.equal(walk.targets.types[i], bits, `${np.key} types`);
        assert.equal(walk.targets.namespaces[i], np.namespace);
        assert.equal(walk.targets.selectors[i], np.podSelector);
      });
    }),
    { numRuns: 200, seed },
  );
});

test('walkPolicies without the rule table reads the same label keys, named ports, protocols and port ranges as with it', () => {
  fc.assert(
    fc.property(fc.array(clusterArb, { minLength: 1, maxLength: 3 }), (clusters) => {
      const policies = clusters.flatMap((c) => buildYaml(toYaml(c)).model.networkPolicies);
      const full = walkPolicies(policies);
      const bare = walkPolicies(policies, { table: false });
      assert.equal(bare.rules, undefined);
      assert.deepEqual([...bare.labelKeys], [...full.labelKeys]);
      assert.deepEqual([...bare.portNames], [...full.portNames]);
      // Each named port with its protocols in first-use order (the engine's port classes read them).
      assert.deepEqual(
        [...bare.ruleNamedPorts].map(([name, protocols]) => [name, [...protocols]]),
        [...full.ruleNamedPorts].map(([name, protocols]) => [name, [...protocols]]),
      );
      for (const protocol of ['TCP', 'UDP', 'SCTP'] as const)
        assert.deepEqual([...bare.ruleRanges[protocol]], [...full.ruleRanges[protocol]], protocol);
    }),
    { numRuns: 200, seed },
  );
});
