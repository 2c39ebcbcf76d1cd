/**
 * Locality-weighted endpoint choice by the client's proxy (Istio's locality load balancing): while the endpoints in
 * the client's own zone are healthy they take its requests, the others only on failover. kubetwin lists every
 * endpoint; where they run in several zones the answer says so, and where the client's zone holds only some of the
 * routed workloads — so that the workloads named may not be the ones that answer — it is an outcome the answer
 * does not decide (`sometimes`: trace and test say unknown).
 * https://istio.io/latest/docs/tasks/traffic-management/locality-load-balancing/failover/
 */
import type { ClusterModel, Pod } from '../../model/types.ts';
import type { MeshDecision } from './types.ts';

const workloadOf = (p: Pod) => {
  if (!p.owner) return `${p.namespace}/${p.name}`;
  const parts = p.owner.split('/');
  return `${parts[1]}/${parts[2]}`;
};

export function byLocality(
  model: ClusterModel,
  client: Pod,
  why: string | undefined,
  d: MeshDecision,
): MeshDecision {
  if (!why || d.status !== 200) return d;
  const zoneOfNode = new Map(model.nodes.map((n) => [n.name, n.zone]));
  const podByIP = new Map(model.pods.flatMap((p) => (p.ip ? [[p.ip, p] as const] : [])));
  const placed = d.destinations.flatMap((x) =>
    x.endpoints.flatMap((e) => {
      const pod = podByIP.get(e.replace(/:\d+$/, '').replace(/^\[|\]$/g, ''));
      const zone = pod?.nodeName ? zoneOfNode.get(pod.nodeName) : undefined;
      return pod && zone ? [{ pod, zone }] : [];
    }),
  );
  const zones = [...new Set(placed.map((p) => p.zone))].sort();
  if (zones.length < 2) return d;
  const own = client.nodeName ? zoneOfNode.get(client.nodeName) : undefined;
  const text = `${why}; the endpoints run in zones ${zones.join(', ')}${own ? ` and the client in ${own}` : ''}: kubetwin lists them all`;
  const all = new Set(placed.map((p) => workloadOf(p.pod)));
  const near = new Set(placed.filter((p) => p.zone === own).map((p) => workloadOf(p.pod)));
  if (!near.size || near.size === all.size) return { ...d, notes: [...d.notes, text] };
  const which = `${text}, but while they are healthy only ${[...near].sort().join(', ')} in ${own} take this client's requests: which workloads answer is not modeled`;
  return { ...d, sometimes: [...(d.sometimes ?? []), which], notes: [...d.notes, which] };
}
