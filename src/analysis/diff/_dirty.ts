import type { ClusterModel, Pod } from '../../model/types.ts';
import { policyCidrTexts } from '../service-path/index.ts';
import { sameWithoutPositions } from './_same.ts';
import type { DiffSide } from './_side.ts';
import { ingressCandidates } from './_candidates.ts';

/**
 * The workload groups whose policy verdicts can differ between two sides, per direction, so the connectivity and
 * exposure comparisons only compute the matrix rows and columns that may have moved.
 */
export interface DirtyGroups {
  /** Groups whose verdicts as a source may differ: pods changed, or a changed policy isolates them for egress. */
  readonly sources: ReadonlySet<string>;
  /** Groups whose verdicts as a destination may differ: pods changed, or a changed policy isolates them for ingress. */
  readonly destinations: ReadonlySet<string>;
  /**
   * Groups whose pods differ (in all the engine reads of them), or that are on one side only; every other group
   * has the same pods on both sides, hence the same pod pairs with any other such group. Undefined: not known.
   */
  readonly pods?: ReadonlySet<string>;
  /**
   * The clean source groups whose verdicts towards the destinations with the same pods on both sides (those not in
   * `pods`) may differ: the groups a changed policy's ingress rules admit, on either side (`ingressCandidates`).
   * Undefined: every clean source.
   */
  readonly candidates?: ReadonlySet<string>;
}

/**
 * Why it is exact: a NetworkPolicy only decides traffic of the pods it selects
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/ — "isolated for ingress/egress" is a
 * property of the selected pod, and each direction is decided on its own: a connection needs the source's egress
 * and the destination's ingress to allow it), so the verdict of a pod pair (p, q) on a port reads only p's egress
 * policies, q's ingress policies, and the labels, namespace labels, addresses, node and ports of p and q. A group
 * whose pods are the same on both sides in all of those is clean as a source when every policy isolating its pods
 * for egress (either side) is unchanged, and clean as a destination when every policy isolating them for ingress
 * is; a cell from a clean source to a clean destination is then the same on both sides. Pods' readiness, phase
 * and service account are compared too, so nothing the engine may read is left out.
 *
 * Other tiers (admin and Cilium policies), a mesh that can refuse connections, or a changed cluster profile
 * settings (CNI, host-network rules) read more than this: then there is no answer (`undefined`) and every group is
 * compared, as before.
 */
export function dirtyGroups(a: DiffSide, b: DiffSide): DirtyGroups | undefined {
  const d = dirtyState(a, b);
  return d && { sources: d.sources, destinations: d.destinations };
}

/** The dirty groups, and the namespaces of the NetworkPolicies that differ (added, removed or changed). */
export interface DirtyState extends DirtyGroups {
  readonly policyNamespaces: ReadonlySet<string>;
}

/** `dirtyGroups` with the namespaces of the changed policies (posture reads a namespace's policies themselves). */
export function dirtyState(a: DiffSide, b: DiffSide): DirtyState | undefined {
  const ma = a.analysed.model;
  const mb = b.analysed.model;
  if (!plain(ma) || !plain(mb) || settings(ma) !== settings(mb)) return undefined;
  const pa = new Map(ma.networkPolicies.map((p) => [p.key, p]));
  const pb = new Map(mb.networkPolicies.map((p) => [p.key, p]));
  const changed = new Set<string>();
  for (const [k, v] of pa) if (!pb.has(k) || !sameWithoutPositions(v, pb.get(k))) changed.add(k);
  for (const k of pb.keys()) if (!pa.has(k)) changed.add(k);
  const policyNamespaces = new Set(
    [...ma.networkPolicies, ...mb.networkPolicies].filter((p) => changed.has(p.key)).map((p) => p.namespace),
  );
  const pods = new Set<string>();
  const nsA = namespaceLabels(ma);
  const nsB = namespaceLabels(mb);
  const inB = new Set(b.workloads());
  for (const g of a.workloads())
    if (!inB.has(g) || !samePods(a.podsOf(g), b.podsOf(g), nsA, nsB)) pods.add(g);
  const inA = new Set(a.workloads());
  for (const g of b.workloads()) if (!inA.has(g)) pods.add(g);
  const sources = new Set(pods);
  const destinations = new Set(pods);
  if (changed.size) {
    touchedGroups(a, changed, 'Egress', sources);
    touchedGroups(b, changed, 'Egress', sources);
    touchedGroups(a, changed, 'Ingress', destinations);
    touchedGroups(b, changed, 'Ingress', destinations);
  }
  const same = [...destinations].filter((g) => !pods.has(g));
  const candidates = changed.size ? ingressCandidates(a, b, changed, same) : new Set<string>();
  return { sources, destinations, pods, policyNamespaces, ...(candidates ? { candidates } : {}) };
}

/**
 * Adds the groups with a pod some changed policy isolates in `direction`. With NetworkPolicy alone a pod's
 * isolating policies are its class's (`engine.policiesOf`), so the classes are walked once instead of each group.
 */
function touchedGroups(
  side: DiffSide,
  changed: ReadonlySet<string>,
  direction: 'Ingress' | 'Egress',
  out: Set<string>,
): void {
  const engine = side.analysed.context.engine;
  const hit = new Set<number>();
  engine.policies.forEach((p, i) => changed.has(p.key) && hit.add(i));
  if (!hit.size) return;
  for (const c of engine.classes)
    if (engine.policiesOf(c, direction).some((i) => hit.has(i)))
      for (const p of c.pods) out.add(side.groupOf(p));
}

/**
 * Whether two sides' exposures to the internet may only differ for dirty groups: the internet is cut at every
 * ipBlock boundary of every policy, so the cut must be the same on both sides.
 */
export function sameInternetCut(a: DiffSide, b: DiffSide): boolean {
  return JSON.stringify(cidrsOf(a.analysed.model)) === JSON.stringify(cidrsOf(b.analysed.model));
}

const cidrs = new WeakMap<ClusterModel, readonly string[]>();

/** `policyCidrTexts` of a model, once (the exposures of both sides read them again; nobody mutates a model). */
export function cidrsOf(model: ClusterModel): readonly string[] {
  let got = cidrs.get(model);
  if (!got) cidrs.set(model, (got = policyCidrTexts(model)));
  return got;
}

/**
 * The profile's settings, without where they were read (`source`, `origins`: file and line, which differ between
 * `--base DIR` and `-f DIR` for the same profile): no verdict reads those.
 */
function settings(m: ClusterModel): string {
  const { source: _source, origins: _origins, ...rest } = m.profile;
  return JSON.stringify(rest);
}

/** Only NetworkPolicy decides: no admin or Cilium tier, no mesh. */
const plain = (m: ClusterModel) => !m.adminPolicies?.length && !m.ciliumPolicies?.length && !m.mesh?.name;

const namespaceLabels = (m: ClusterModel) => new Map(m.namespaces.map((n) => [n.name, json(n.labels)]));

/** Whether a group's pods are the same on both sides in all the policy engine may read of them, in order. */
function samePods(
  x: readonly Pod[],
  y: readonly Pod[],
  nsX: ReadonlyMap<string, string>,
  nsY: ReadonlyMap<string, string>,
): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const p = x[i];
    const q = y[i];
    // The same pod record (both builds share what they read from the same objects): only its namespace's labels,
    // read from each side's namespaces, may differ.
    if (p === q) {
      if (nsX.get(p.namespace) !== nsY.get(q.namespace)) return false;
      continue;
    }
    if (
      p.key !== q.key ||
      nsX.get(p.namespace) !== nsY.get(q.namespace) ||
      p.ip !== q.ip ||
      p.ips.length !== q.ips.length ||
      p.ips.some((ip, j) => ip !== q.ips[j]) ||
      p.hostNetwork !== q.hostNetwork ||
      p.nodeName !== q.nodeName ||
      p.phase !== q.phase ||
      p.ready !== q.ready ||
      p.terminating !== q.terminating ||
      p.serviceAccountName !== q.serviceAccountName ||
      // Pods of one template share their labels and ports objects: each is written out once.
      json(p.labels) !== json(q.labels) ||
      json(p.ports) !== json(q.ports)
    )
      return false;
  }
  return true;
}

const written = new WeakMap<object, string>();
function json(o: object | undefined): string {
  if (!o) return '';
  let s = written.get(o);
  if (s === undefined) written.set(o, (s = JSON.stringify(o)));
  return s;
}
