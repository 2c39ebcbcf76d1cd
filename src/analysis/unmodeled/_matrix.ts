import { compileBlock, type CompiledBlock } from '../policy/index.ts';
import { BlockHitIndex } from './_ip-block-hits.ts';
import type { ClusterModel } from '../../model/types.ts';
import { touchingConnection, unknownSentence, unmodeledObjects, type UnmodeledObject } from './_objects.ts';

/** The parts of a matrix these warnings read (structurally: `Matrix` from src/analysis/matrix). */
export interface MatrixShape {
  readonly groups: readonly { readonly name: string; readonly namespace: string }[];
  /** Every (source group, destination group, port) with pod pairs, denied ones included (`Matrix.rows`). */
  rows(options: { readonly denied: true }): Iterable<{
    readonly entries: readonly {
      readonly from: string;
      readonly to: string;
      readonly pairs: number;
      readonly allowedPairs: number;
    }[];
  }>;
}

export interface MatrixUnknown {
  /** Cells (source group, destination group) whose verdict unmodeled objects may change. */
  readonly cells: number;
  readonly totalCells: number;
  /** Namespaces of the matrix those objects touch, sorted. */
  readonly namespaces: readonly string[];
  readonly objects: readonly UnmodeledObject[];
}

/**
 * Which cells of a matrix objects kubetwin does not model may change: a cell is touched when an object applies
 * to its source or destination namespace (or everywhere) and the cell has an allowed pair or the object can admit.
 */
export function matrixUnknown(model: ClusterModel, m: MatrixShape): MatrixUnknown | undefined {
  const unmodeled = unmodeledObjects(model);
  if (!unmodeled.length) return undefined;
  const nsOf = new Map(m.groups.map((g) => [g.name, g.namespace]));
  const cells = new Map<string, boolean>();
  // Reads every row once more than the renderer does: only when unmodeled objects exist at all.
  for (const row of m.rows({ denied: true }))
    for (const e of row.entries) {
      const k = `${e.from}\u0000${e.to}`;
      cells.set(k, (cells.get(k) ?? false) || e.allowedPairs > 0);
    }
  const objects = new Map<string, UnmodeledObject>();
  const namespaces = new Set<string>();
  let touched = 0;
  for (const [k, anyAllowed] of cells) {
    const [from, to] = k.split('\u0000').map((g) => nsOf.get(g));
    const flips = touchingConnection(unmodeled, [from, to]).filter((o) => anyAllowed || o.admits);
    if (!flips.length) continue;
    touched++;
    for (const o of flips) {
      objects.set(o.key, o);
      for (const ns of [from, to])
        if (ns && (o.scope === 'cluster' || o.namespace === ns)) namespaces.add(ns);
    }
  }
  if (!touched) return undefined;
  return {
    cells: touched,
    totalCells: cells.size,
    namespaces: [...namespaces].sort(),
    objects: [...objects.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  };
}

/** The warning line a matrix prints for `matrixUnknown`. */
export function matrixUnknownWarning(u: MatrixUnknown): string {
  return `unknown: ${u.cells} of ${u.totalCells} cells (namespaces ${u.namespaces.join(', ')}) may be wrong: ${unknownSentence(u.objects)}`;
}

/**
 * NetworkPolicy ipBlocks that match pod addresses of the matrix: those addresses are the ones kubetwin assigned
 * unless the manifests give `status.podIP`, and CNIs disagree whether ipBlock applies to pod traffic (the upstream
 * e2e suite expects it to), as `reach` notes on each such verdict.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
 */
export function ipBlockPodWarnings(model: ClusterModel, namespaces: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const pods = model.pods.filter((p) => namespaces.has(p.namespace) && !p.hostNetwork && p.ips.length);
  const peers: { at: string; cidr: string; where: string; block: CompiledBlock }[] = [];
  for (const np of model.networkPolicies)
    for (const dir of ['ingress', 'egress'] as const)
      for (const rule of np[dir]) {
        if (rule.peers === 'all') continue;
        rule.peers.forEach((peer, i) => {
          const block = peer.ipBlock && compileBlock(peer.ipBlock.cidr, peer.ipBlock.except);
          if (!peer.ipBlock || !block) return;
          peers.push({
            at: `${np.key} ${dir}[${rule.index}].${dir === 'ingress' ? 'from' : 'to'}[${i}]`,
            cidr: peer.ipBlock.cidr,
            where: peer.source ? ` (${peer.source.file}:${peer.source.line})` : '',
            block,
          });
        });
      }
  if (!peers.length) return out;
  const index = new BlockHitIndex(
    peers.map((p) => p.block),
    pods.map((p) => p.ips),
  );
  for (const p of peers) {
    const hits = index.hits(p.block);
    if (!hits.count) continue;
    const e = pods[hits.first];
    out.push(
      `${p.at} ipBlock ${p.cidr}${p.where} matches the IPs of ${hits.count} pod(s) (e.g. ${e.namespace}/${e.name} ${e.ips[0]}): kubetwin assigned pod IPs the manifests do not give (status.podIP), and CNIs disagree whether ipBlock applies to pod traffic`,
    );
  }
  return out;
}
