/**
 * kube-proxy's endpoint choice (pkg/proxy/topology.go CategorizeEndpoints): ready endpoints, or when none is ready
 * the serving-terminating ones (KEP-1669); topology hints for the client's zone when every endpoint carries hints
 * and one is for that zone (KEP-2433, trafficDistribution PreferClose — KEP-4444); a Local traffic policy keeps
 * only endpoints on the client's node, with no fallback to other nodes (KEP-2086, externalTrafficPolicy).
 * https://kubernetes.io/docs/reference/networking/virtual-ips/#traffic-policies
 * https://kubernetes.io/docs/concepts/services-networking/topology-aware-routing/
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
  readonly notes: string[];
}

/** Ready ones, else serving-terminating ones (the fallback kube-proxy uses since 1.26). */
function usable(cs: readonly Candidate[], notes: string[], scope: string): Candidate[] {
  const ready = cs.filter((c) => c.endpoint.conditions.ready);
  if (ready.length) return ready;
  const fallback = cs.filter((c) => c.endpoint.conditions.serving && c.endpoint.conditions.terminating);
  if (fallback.length)
    notes.push(`no ready ${scope}endpoint: kube-proxy falls back to the serving-terminating ones`);
  return fallback;
}

export function selectEndpoints(
  all: readonly Candidate[],
  opts: { local?: { node?: string }; zone?: string; hintsWanted: boolean },
): Selection {
  const notes: string[] = [];
  const reasons = new Map<Candidate, string>();
  for (const c of all)
    if (!c.endpoint.conditions.ready && !(c.endpoint.conditions.serving && c.endpoint.conditions.terminating))
      reasons.set(c, 'not ready');
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
  let chosen = usable(all, notes, '');
  for (const c of all)
    if (!chosen.includes(c) && !reasons.has(c)) reasons.set(c, 'terminating (ready endpoints exist)');
  let topology: string | undefined;
  if (opts.hintsWanted && chosen.length) {
    const allHinted = chosen.every((c) => c.endpoint.hints && c.endpoint.hints.forZones.length);
    const zone = opts.zone;
    const forZone = zone ? chosen.filter((c) => c.endpoint.hints?.forZones.includes(zone)) : [];
    if (!zone) notes.push('topology hints are ignored: the client node has no zone');
    else if (!allHinted) notes.push('topology hints are ignored: not every endpoint carries a zone hint');
    else if (!forZone.length)
      notes.push(`topology hints are ignored: no endpoint is hinted for zone ${zone}`);
    else {
      topology = `zone ${zone} (topology hints)`;
      for (const c of chosen)
        if (!forZone.includes(c)) reasons.set(c, `hinted for another zone than ${zone}`);
      chosen = forZone;
    }
  }
  return { used: new Set(chosen), reasons, topology, notes };
}
