import type { Pod, Protocol } from '../../model/types.ts';
import {
  computeTierReachability,
  hostAddress,
  quietSources,
  type PodClass,
  type PolicyEngine,
} from '../policy/index.ts';
import { representatives } from './_pairs.ts';
import { Triples } from './_triples.ts';

/** Allowed (source class, destination class) pairs of one chunk of 8 slots, by source class (`ClassVerdicts`). */
export interface ChunkVerdicts {
  readonly start: Int32Array;
  readonly dest: Int32Array;
  readonly mask: Uint8Array;
  /** Per destination class: the slots on which every open source class is allowed. */
  readonly everyone: Uint8Array;
}

/** The verdicts of the Cilium and NetworkPolicy tiers over the slots of a matrix. */
export interface TierVerdicts {
  /** Per matrix port: its slot (a port class of both tiers). */
  readonly slotOf: Int32Array;
  readonly chunks: readonly ChunkVerdicts[];
  /** Per class: an open source (`quietSources`): allowed wherever its destination admits every class. */
  readonly open: Uint8Array;
}

/**
 * Every (source class, destination class, slot) verdict of the NetworkPolicy and Cilium tiers together, set by set
 * (`computeTierReachability`): the slots are the port classes of both tiers that hold a matrix port; per destination
 * class with pods in the matrix, one pass over the rules of both tiers (ingress at the destination, egress inverted
 * through the rules whose peers hold it; Cilium deny rules win, a side is isolated when a NetworkPolicy or a Cilium
 * spec puts it in default deny; L7 rules count as L4-allowed, as `PolicyEngine.allows`), read back as one byte of
 * slots per allowed (source, destination) and, for the open sources, one byte per destination. A hostNetwork
 * class in `node` mode (one node's pods under the Cilium tier) is its node's address seen from another node
 * (`hostPeers`: entities, node labels; its own side always allowed); the pairs with a pod on its own node are the
 * row builder's exception, corrected from `engine.allows`. A hostNetwork class without a node or an address is
 * decided by `engine.allows` on one pod pair per class pair, once per slot. Only without
 * admin tiers (the caller checks). The property test holds it to `engine.allows` on random clusters.
 */
export function tierVerdicts(
  engine: PolicyEngine,
  ports: readonly { readonly port: number; readonly protocol: Protocol }[],
  members: ReadonlyMap<PodClass, readonly Pod[]>,
): TierVerdicts {
  const C = engine.classes.length;
  // hostNetwork classes the set-based path cannot place (no node or no address): one pod pair per class pair.
  const host = (c: PodClass) => c.hostNetwork && engine.hostNetwork === 'node' && !hostAddress(engine, c);
  const present = [...members.keys()].sort((a, b) => a.id - b.id);
  const inMatrix = new Uint8Array(C);
  const pods = new Uint8Array(C);
  for (const c of present) {
    inMatrix[c.id] = 1;
    if (!host(c)) pods[c.id] = 1;
  }
  const triples: Triples[] = [];
  const everyone: Uint8Array[] = [];
  const chunk = (k: number) => {
    while (triples.length <= k) {
      triples.push(new Triples());
      everyone.push(new Uint8Array(C));
    }
    return triples[k];
  };
  const r = computeTierReachability(engine, {
    ports,
    hosts: true,
    destinations: pods,
    sources: inMatrix,
    onRow(d, base, row) {
      for (let j = 0, e = row.everyone; e !== 0; j++, e >>>= 8) {
        chunk((base >> 3) + j);
        everyone[(base >> 3) + j][d] = e & 255;
      }
      row.forEach((s, m) => {
        if (!inMatrix[s]) return;
        for (let j = 0; m !== 0; j++, m >>>= 8) if (m & 255) chunk((base >> 3) + j).push(s, d, m & 255);
      });
    },
  });
  const slotOf = r.slotOf ?? new Int32Array(0);
  const slots = r.portClasses.length;
  chunk(Math.max(1, Math.ceil(slots / 8)) - 1);
  // Pairs with such a class: one pod pair per class pair, one matrix port per slot.
  const portOfSlot = new Int32Array(slots).fill(-1);
  slotOf.forEach((slot, x) => portOfSlot[slot] < 0 && (portOfSlot[slot] = x));
  const hosts = present.filter(host);
  if (hosts.length)
    for (const d of present)
      for (const s of present) {
        if (!host(s) && !host(d)) continue;
        const pair = representatives(engine, members.get(s)!, members.get(d)!, s === d);
        if (!pair) continue;
        const masks = new Uint8Array(triples.length);
        portOfSlot.forEach((x, slot) => {
          const p = ports[x];
          if (engine.allows({ kind: 'pod', pod: pair[0] }, { kind: 'pod', pod: pair[1] }, p.port, p.protocol))
            masks[slot >> 3] |= 1 << (slot & 7);
        });
        masks.forEach((m, k) => m && triples[k].push(s.id, d.id, m));
      }
  const open = quietSources(engine, true);
  return {
    slotOf,
    chunks: triples.map((t, k) => ({ ...t.bySource(C), everyone: everyone[k] })),
    open,
  };
}
