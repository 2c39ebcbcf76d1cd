import type { ContainerPort } from '../model/types.ts';
import { sized } from '../lib/sized.ts';

/** Lists kept before the table starts over (a process that keeps rebuilding, as watch mode does, meets new ones). */
const LIMIT = 65_536;

let byContent = new Map<string, readonly ContainerPort[]>();

/**
 * A pod template's container ports as one list per content: the first list read with the same ports (container,
 * name, number, protocol, hostPort and hostIP, in the same order) is returned for every later one. Replicas of a
 * workload already share their template's list; pods read one by one — bare pods, and every pod of a dump read
 * back from a cluster — each had their own, and the policy compile reads every pod's list to resolve the named
 * ports policies use: at random-label 100k, 100,002 lists with the same two ports, touched cold once each (design
 * note 0008, fourteenth session). Shared like every model value (nobody mutates one: `Pod.ports` is readonly, and
 * the readers keyed by a list's identity — the EndpointSlice memo — compute what depends on its content only).
 * Bounded: a new table past `LIMIT` lists. The list kept is sized to its items (`sized`).
 */
export function sharedPorts(ports: ContainerPort[]): readonly ContainerPort[] {
  let key = '';
  for (let i = 0; i < ports.length; i++) {
    const p = ports[i];
    // Strings with their length first, so no two contents give one key whatever characters they hold.
    key += `${p.container.length}:${p.container}|${p.name === undefined ? '-' : `${p.name.length}:${p.name}`}|${p.containerPort}|${p.protocol}|${p.hostPort ?? '-'}|${p.hostIP === undefined ? '-' : `${p.hostIP.length}:${p.hostIP}`};`;
  }
  const found = byContent.get(key);
  if (found) return found;
  if (byContent.size >= LIMIT) byContent = new Map();
  const kept = sized(ports);
  byContent.set(key, kept);
  return kept;
}
