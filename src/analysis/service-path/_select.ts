/**
 * kube-proxy's endpoint choice, as pkg/proxy/topology.go `CategorizeEndpoints` makes it for one node:
 *
 * - Cluster traffic policy: the ready endpoints available for the node's topology; when none is ready anywhere,
 *   the serving-terminating ones, topology aside (KEP-1669).
 * - Topology (`topologyModeFromHints`), judged over the ready endpoints only, from the hints of the slices whoever
 *   wrote them (the Service's fields are not read): when every ready endpoint has a node hint and one is for this
 *   node, only the endpoints hinted for this node (PreferSameNode); else when every ready endpoint has a zone hint and
 *   one is for the node's zone, only those hinted for that zone (PreferClose, PreferSameZone, topology-mode Auto);
 *   else every ready endpoint.
 * - Local traffic policy: the endpoints on the node — ready ones, else serving-terminating ones — and no fallback to
 *   other nodes (KEP-2086); topology does not apply.
 *
 * https://kubernetes.io/docs/reference/networking/virtual-ips/#traffic-policies ·
 * https://kubernetes.io/docs/concepts/services-networking/topology-aware-routing/ ·
 * https://kubernetes.io/docs/reference/networking/virtual-ips/#traffic-distribution
 */
import type { Endpoint } from '../../model/types.ts';

export interface Candidate {
  readonly endpoint: Endpoint;
  readonly ip: string;
}

export interface Selection {
  readonly used: ReadonlySet<Candidate>;
  readonly reasons: ReadonlyMap<Candidate, string>;
  readonly topology?: string;
  /** True when the endpoints used depend on a node kubetwin does not know (the rows are every node's union). */
  readonly perNode?: boolean;
  readonly notes: string[];
}

const isReady = (c: Candidate) => c.endpoint.conditions.ready;
const servingTerminating = (c: Candidate) =>
  !c.endpoint.conditions.ready && c.endpoint.conditions.serving && c.endpoint.conditions.terminating;

/** Ready ones, else serving-terminating ones (the fallback kube-proxy uses since 1.26). */
function usable(cs: readonly Candidate[], notes: string[], scope: string): Candidate[] {
  const ready = cs.filter(isReady);
  if (ready.length) return ready;
  const fallback = cs.filter(servingTerminating);
  if (fallback.length)
    notes.push(`no ready ${scope}endpoint: kube-proxy falls back to the serving-terminating ones`);
  return fallback;
}

/** Where the connection is handled: the node whose kube-proxy rules apply, or why that node is not known. */
export type Vantage = { readonly node?: string; readonly zone?: string } | { readonly unknown: string };

type Mode = { kind: 'node'; node: string } | { kind: 'zone'; zone: string } | { kind: 'none' };

/** `topologyModeFromHints`: which hints this node's kube-proxy follows, with a note when hints are set aside. */
function topologyMode(ready: readonly Candidate[], node: string, zone: string, notes: string[]): Mode {
  if (!ready.length) return { kind: 'none' };
  const forNodes = (c: Candidate) => c.endpoint.hints?.forNodes ?? [];
  const forZones = (c: Candidate) => c.endpoint.hints?.forZones ?? [];
  const anyNode = ready.some((c) => forNodes(c).length);
  const anyZone = ready.some((c) => forZones(c).length);
  if (anyNode) {
    if (!ready.every((c) => forNodes(c).length))
      notes.push('node hints are ignored: not every ready endpoint carries one');
    else if (node && ready.some((c) => forNodes(c).includes(node))) return { kind: 'node', node };
    else notes.push(`node hints are ignored: no ready endpoint is hinted for node ${node || '(none)'}`);
  }
  if (anyZone) {
    if (!ready.every((c) => forZones(c).length))
      notes.push('zone hints are ignored: not every ready endpoint carries one');
    else if (zone && ready.some((c) => forZones(c).includes(zone))) return { kind: 'zone', zone };
    else if (!zone)
      notes.push('zone hints are ignored: the client node has no topology.kubernetes.io/zone label');
    else notes.push(`zone hints are ignored: no ready endpoint is hinted for zone ${zone}`);
  }
  return { kind: 'none' };
}

/** Do the ready endpoints carry hints kube-proxy could follow? (What makes the answer depend on the node.) */
export function hinted(all: readonly Candidate[]): boolean {
  return all.some(
    (c) => isReady(c) && (c.endpoint.hints?.forZones.length || c.endpoint.hints?.forNodes?.length),
  );
}

export function selectEndpoints(
  all: readonly Candidate[],
  opts: { local?: { node?: string }; vantage: Vantage | 'no-kube-proxy' },
): Selection {
  const notes: string[] = [];
  const reasons = new Map<Candidate, string>();
  for (const c of all) if (!isReady(c) && !servingTerminating(c)) reasons.set(c, 'not ready');
  if (opts.local) {
    const node = opts.local.node;
    const onNode = all.filter((c) => node !== undefined && c.endpoint.nodeName === node);
    for (const c of all)
      if (!onNode.includes(c) && !reasons.has(c))
        reasons.set(c, `on another node than ${node ?? 'the client'} (Local traffic policy)`);
    const chosen = usable(onNode, notes, 'local ');
    for (const c of onNode)
      if (!chosen.includes(c) && !reasons.has(c)) reasons.set(c, 'a ready local endpoint exists');
    return { used: new Set(chosen), reasons, notes };
  }
  const ready = all.filter(isReady);
  const v = opts.vantage;
  let mode: Mode = { kind: 'none' };
  let perNode = false;
  if (v === 'no-kube-proxy') mode = { kind: 'none' };
  else if ('unknown' in v) {
    perNode = hinted(all);
    if (perNode)
      notes.push(`topology hints: ${v.unknown}; every endpoint one of those nodes may use is listed`);
  } else mode = topologyMode(ready, v.node ?? '', v.zone ?? '', notes);
  const available = (c: Candidate) =>
    mode.kind === 'none' ||
    (mode.kind === 'node'
      ? (c.endpoint.hints?.forNodes ?? []).includes(mode.node)
      : (c.endpoint.hints?.forZones ?? []).includes(mode.zone));
  let chosen = ready.filter(available);
  for (const c of ready)
    if (!chosen.includes(c))
      reasons.set(
        c,
        mode.kind === 'node'
          ? `hinted for another node than ${mode.node}`
          : `hinted for another zone than ${mode.kind === 'zone' ? mode.zone : ''}`,
      );
  if (!chosen.length) {
    // No ready endpoint anywhere (topology already fell back when none was ready for this node or zone).
    chosen = usable(all, notes, '');
  }
  for (const c of all)
    if (!chosen.includes(c) && !reasons.has(c)) reasons.set(c, 'terminating (ready endpoints exist)');
  const topology =
    mode.kind === 'node'
      ? `node ${mode.node} (topology hints)`
      : mode.kind === 'zone'
        ? `zone ${mode.zone} (topology hints)`
        : undefined;
  return {
    used: new Set(chosen),
    reasons,
    ...(topology ? { topology } : {}),
    ...(perNode ? { perNode } : {}),
    notes,
  };
}
