import type { Listener } from '../../model/routing.ts';
import { gatewayHostMatch, hostScore } from './_hostnames.ts';

/**
 * One port's listeners found by hostname, as the Gateway API picks them: the most specific hostname first (an
 * exact hostname, then the longest wildcard, then a listener without one; ties in listener order). Exact hostnames
 * outrank every wildcard and hostless listener, so they are a Map lookup; only wildcard and hostless listeners are
 * scanned, in order. Many ListenerSets on one port stay one lookup per request and per TLS handshake.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gateway.networking.k8s.io/v1.Listener (hostname)
 */
export interface HostIndex<T extends { readonly listener: Listener }> {
  /** The first listener of each exact hostname, in precedence order. */
  readonly exact: ReadonlyMap<string, T>;
  /** Wildcard and hostless listeners, in precedence order. */
  readonly rest: readonly T[];
}

/** Sorts `items` by hostname specificity (stable) and indexes them by hostname. */
export function hostIndex<T extends { readonly listener: Listener }>(items: readonly T[]): HostIndex<T> {
  const sorted = [...items].sort((a, b) => hostScore(b.listener.hostname) - hostScore(a.listener.hostname));
  const exact = new Map<string, T>();
  const rest: T[] = [];
  for (const t of sorted) {
    const h = t.listener.hostname;
    if (!h || h.startsWith('*.')) rest.push(t);
    else if (!exact.has(h)) exact.set(h, t);
  }
  return { exact, rest };
}

/** The listener of `index` that takes `host` (the most specific hostname that matches), if any. */
export function listenerForHost<T extends { readonly listener: Listener }>(
  index: HostIndex<T> | undefined,
  host: string,
): T | undefined {
  if (!index) return undefined;
  return index.exact.get(host) ?? wildcardListenerFor(index, host);
}

/** The wildcard or hostless listener of `index` that takes `host`, for a host no listener names exactly. */
export function wildcardListenerFor<T extends { readonly listener: Listener }>(
  index: HostIndex<T>,
  host: string,
): T | undefined {
  return index.rest.find((t) => !t.listener.hostname || gatewayHostMatch(t.listener.hostname, host));
}
