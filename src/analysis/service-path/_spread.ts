/**
 * How kube-proxy spreads new connections over the endpoints it uses, per mode: iptables picks at random with equal
 * probability (`-m statistic --mode random`), nftables likewise (`numgen random mod n`), IPVS by its scheduler (rr by
 * default; sh/dh hash to one endpoint). `sessionAffinity: ClientIP` pins every connection of a client to the endpoint
 * its first connection chose, for `timeoutSeconds` (default 10800).
 * https://kubernetes.io/docs/reference/networking/virtual-ips/#proxy-modes ·
 * https://kubernetes.io/docs/reference/networking/virtual-ips/#session-affinity
 */
import type { Profile } from '../../model/profile.ts';

export interface Balancing {
  readonly mode: Profile['kubeProxy']['mode'];
  readonly algorithm: string;
  readonly description: string;
  /** How N connections from one client land: evenly at random, exactly in turn, or all on one endpoint. */
  readonly shape: 'random' | 'round-robin' | 'one';
}

export function balancing(profile: Profile): Balancing {
  const mode = profile.kubeProxy.mode;
  if (mode === 'iptables')
    return {
      mode,
      algorithm: 'random',
      description: 'iptables: each new connection picks an endpoint at random, all equally likely',
      shape: 'random',
    };
  if (mode === 'nftables')
    return {
      mode,
      algorithm: 'random',
      description: 'nftables: each new connection picks an endpoint with numgen random, all equally likely',
      shape: 'random',
    };
  const s = profile.kubeProxy.ipvsScheduler ?? 'rr';
  const shapes: Record<string, Balancing['shape']> = {
    rr: 'round-robin',
    wrr: 'round-robin',
    lc: 'round-robin',
    wlc: 'round-robin',
    sed: 'round-robin',
    nq: 'round-robin',
    sh: 'one',
    dh: 'one',
    mh: 'one',
  };
  const shape = shapes[s] ?? 'round-robin';
  const what =
    shape === 'one'
      ? `the ${s} scheduler hashes a client to one endpoint`
      : s === 'rr' || s === 'wrr'
        ? 'connections go to the endpoints in turn (equal weights)'
        : `the ${s} scheduler sends each connection to the least loaded endpoint, which spreads one client's connections in turn`;
  return { mode, algorithm: s, description: `IPVS: ${what}`, shape };
}

/** Connections per endpoint for `n` connections from one client; `kind` says whether the counts are exact or expected. */
export function spread(
  endpoints: readonly string[],
  n: number,
  b: Balancing,
  pinned: boolean,
): { rows: { endpoint: string; connections: number }[]; kind: 'exact' | 'expected' } {
  if (!endpoints.length || n <= 0) return { rows: [], kind: 'exact' };
  if (pinned || b.shape === 'one')
    return {
      rows: [
        {
          endpoint:
            endpoints.length === 1
              ? endpoints[0]
              : `one of the ${endpoints.length} endpoints (fixed by the first connection)`,
          connections: n,
        },
      ],
      kind: 'exact',
    };
  if (b.shape === 'round-robin')
    return {
      rows: endpoints.map((e, i) => ({
        endpoint: e,
        connections: Math.floor(n / endpoints.length) + (i < n % endpoints.length ? 1 : 0),
      })),
      kind: 'exact',
    };
  return {
    rows: endpoints.map((e) => ({ endpoint: e, connections: Math.round((n / endpoints.length) * 10) / 10 })),
    kind: 'expected',
  };
}
