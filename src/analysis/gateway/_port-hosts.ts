import type { Listener } from '../../model/routing.ts';
import { hostIndex, listenerForHost, wildcardListenerFor } from './_host-index.ts';

/**
 * What a listener offers a host: its routes' groups for an exact route hostname, for wildcard route hostnames (by
 * `*.suffix`), and for routes that serve any host.
 */
export interface HostTables<G> {
  readonly listener: Listener;
  readonly exact: ReadonlyMap<string, G>;
  readonly wildcard: ReadonlyMap<string, G>;
  readonly any: G;
}

/** A host resolved on one port: the listener that takes it and the route groups to try, most specific first. */
export interface HostRoutes<T, G> {
  readonly table: T;
  readonly groups: readonly G[];
}

/**
 * The route groups `table` offers `host`, most specific route hostname first: the exact hostname, then the
 * wildcards by longest suffix (the host's dots from the left give them in that order), then routes without
 * hostnames. https://gateway-api.sigs.k8s.io/reference/spec/#httproutespec (hostnames: precedence)
 */
export function groupsFor<G>(table: HostTables<G>, host: string): G[] {
  const groups: G[] = [];
  const exact = table.exact.get(host);
  if (exact) groups.push(exact);
  if (table.wildcard.size)
    for (let i = host.indexOf('.'); i >= 0; i = host.indexOf('.', i + 1)) {
      const w = table.wildcard.get(`*${host.slice(i)}`);
      if (w) groups.push(w);
    }
  groups.push(table.any);
  return groups;
}

/**
 * One port's routing by Host in ONE map lookup per request. The listener that takes a host (Gateway API listener
 * precedence: the most specific hostname, ties in listener order, which is the Gateway's own listeners first, then
 * ListenerSets by creation time then name, GEP-1713) and that listener's route groups for the host are resolved
 * once, when compiling, for every hostname a listener or a route names exactly. A host no listener or route names
 * exactly can only be taken by a wildcard or hostless listener, and can only meet wildcard and hostless routes:
 * those are found per request, and a listener without wildcard routes answers with one fixed list. So many
 * ListenerSet hostnames on a port cost a request no more than a plain Gateway's single listener does.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gateway.networking.k8s.io/v1.Listener (hostname)
 * https://gateway-api.sigs.k8s.io/geps/gep-1713/ (listener precedence)
 */
export function portHostLookup<G, T extends HostTables<G>>(
  tables: readonly T[],
): (host: string) => HostRoutes<T, G> | undefined {
  const index = hostIndex(tables);
  const named = new Set<string>();
  for (const t of tables) {
    const h = t.listener.hostname;
    if (h && !h.startsWith('*.')) named.add(h);
    for (const r of t.exact.keys()) named.add(r);
  }
  const exact = new Map<string, HostRoutes<T, G>>();
  for (const host of named) {
    const table = listenerForHost(index, host);
    if (table) exact.set(host, { table, groups: groupsFor(table, host) });
  }
  const fixed = new Map<T, HostRoutes<T, G>>();
  for (const t of tables) if (!t.wildcard.size) fixed.set(t, { table: t, groups: [t.any] });
  return (host) => {
    const hit = exact.get(host);
    if (hit) return hit;
    // Not named exactly by any listener: only a wildcard or hostless listener can take it.
    const table = wildcardListenerFor(index, host);
    if (!table) return undefined;
    return fixed.get(table) ?? { table, groups: groupsFor(table, host) };
  };
}
