import type { DiffSide } from './_side.ts';

/**
 * The source groups whose verdict towards a destination group can differ between the sides when that destination
 * has the same pods on both (`DirtyGroups.pods`) and the source is clean (`DirtyGroups.sources`): the groups with a
 * pod some ingress rule of a changed NetworkPolicy admits as a peer, on either side. Undefined: any source may
 * (a changed rule admits every peer, some destination's ingress isolation differs, or another tier decides).
 *
 * Why it is exact (https://kubernetes.io/docs/concepts/services-networking/network-policies/): a connection from
 * pod p to pod q needs p's egress and q's ingress to allow it, each decided on its own. p clean and q the same on
 * both sides: p's egress policies are unchanged, so p's egress decides alike. q's ingress: when q is isolated on
 * neither side it admits everything on both; when on both, it admits p on a port when some rule of an isolating
 * policy does — the policies unchanged between the sides isolate q alike and their rules match p alike (p's
 * labels, namespace labels and address are the same), and a changed policy's rule admits p only if one of its
 * peers selects p (`PeerSets`, the engine's own peer semantics, ipBlocks included). With p selected by no peer
 * of a changed policy on either side, q's ingress decides alike, and so does the connection.
 */
export function ingressCandidates(
  a: DiffSide,
  b: DiffSide,
  changed: ReadonlySet<string>,
  destinations: Iterable<string>,
): ReadonlySet<string> | undefined {
  for (const side of [a, b]) if (!side.analysed.context.engine.networkPolicyOnly) return undefined;
  for (const g of destinations) if (isolationMoves(a, b, g)) return undefined;
  const out = new Set<string>();
  for (const side of [a, b]) if (!admittedBy(side, changed, out)) return undefined;
  return out;
}

/**
 * Whether a pod of the group is isolated for ingress on one side only. The group has the same pods on both sides,
 * in the same order (`samePods`), each side's records being asked of its own engine.
 */
function isolationMoves(a: DiffSide, b: DiffSide, group: string): boolean {
  const ea = a.analysed.context.engine;
  const eb = b.analysed.context.engine;
  const x = a.podsOf(group);
  const y = b.podsOf(group);
  const seen = new Set<string>();
  for (let i = 0; i < x.length; i++) {
    // Pods of one template share their classes: each pair of classes is asked once.
    const id = `${ea.classOf(x[i])?.id ?? -1} ${eb.classOf(y[i])?.id ?? -1}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (!ea.isolating(x[i], 'Ingress').length !== !eb.isolating(y[i], 'Ingress').length) return true;
  }
  return false;
}

/** Adds the groups of the pods the ingress rules of the changed policies select as peers; false: a rule admits all. */
function admittedBy(side: DiffSide, changed: ReadonlySet<string>, out: Set<string>): boolean {
  const engine = side.analysed.context.engine;
  const sets = engine.peerSets;
  const classes = new Set<number>();
  for (const np of engine.policies) {
    if (!changed.has(np.key)) continue;
    for (const rule of np.ingress) {
      if (rule.peers === 'all') return false;
      for (const peer of rule.peers)
        for (const c of sets.sets[sets.setOf(peer, np.namespace)]) classes.add(c);
    }
  }
  for (const c of classes) for (const p of engine.classes[c].pods) out.add(side.groupOf(p));
  return true;
}
