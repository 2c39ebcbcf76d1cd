/**
 * A client outside the cluster through the load balancer or proxy that holds the destination address
 * (`proxyAtAddress`), followed by `kubetwin trace` itself so both give one answer: the load balancer, its routing
 * (the HTTP request when given: an L7 proxy needs one to pick a backend), its backends and the policies at the pods
 * with the source address they see (rule reach-through-load-balancer, docs/reach.md).
 */
import { canonicalIP } from '../../lib/ip.ts';
import type { Protocol } from '../../model/types.ts';
import type { FlowSource, FlowTarget } from '../flows/index.ts';
import type { HttpRequest } from '../policy/index.ts';
import { anyRequestAt, trace, type Hop, type TraceContext } from '../trace/index.ts';

/** One client's way through the proxy: whether it reaches pods, the hops as lines, and why when not. */
export interface FollowedAddress {
  /** What the modeled objects decide: the connection reaches the pods behind the proxy (every one it may pick). */
  readonly delivered: boolean;
  /**
   * Set when the proxy may pick pods whose policies differ: each pod (`ns/name`) and whether it admits the
   * connection, sorted; undefined when they all agree (or none is reached).
   */
  readonly backends?: readonly { readonly pod: string; readonly delivered: boolean }[];
  /** The hops, one line each (`[ok] load-balancer: …`), the policy hop's and a failing hop's details indented. */
  readonly lines: readonly string[];
  readonly reason?: string;
  /** What the input does not decide, in words (the hops' `unknown`): non-empty makes the answer unknown. */
  readonly unknown: readonly string[];
  /** Unknown for want of an HTTP request: an Ingress's load balancer routes by host and path. */
  readonly needsRequest?: boolean;
}

/**
 * Follows a connection from `client` (an address outside the cluster, or a pod whose connection leaves the cluster
 * for the load balancer: `ProxyHolder.podsFollowed`) to `address` on `port` as trace does: the load balancer,
 * its routing (the HTTP request `http` when given: an L7 proxy needs one to pick a backend), its backends and the
 * policies at the pods with the source address they see. A hop the input cannot decide lists why in `unknown`.
 */
export function followFromOutside(
  ctx: TraceContext,
  client: string | FlowSource,
  q: {
    readonly address: string;
    readonly port: number;
    readonly protocol: Protocol;
    readonly http?: HttpRequest;
    /** The proxy routes by the request (an Ingress's load balancer): without one the answer is unknown. */
    readonly byRequest?: boolean;
  },
): FollowedAddress {
  const request = q.http ?? anyRequestAt(ctx.model, q.address);
  const t = trace(
    ctx,
    typeof client === 'string' ? { kind: 'ip', ip: client } : client,
    targetOf(q, request),
  );
  const unknown = [...(t.unknown ?? [])];
  const lines = t.hops.filter((h) => h.kind !== 'deliver').flatMap(hopLines);
  // The last policy hop judged the pods the proxy (or kube-proxy) may pick: some admitting is a partial answer.
  const judged = [...t.hops].reverse().find((h) => h.kind === 'policy')?.destinations ?? [];
  const reached = new Set(t.delivered.map((d) => d.pod));
  const split = judged.length > 1 && reached.size > 0 && judged.some((d) => !reached.has(d.target));
  const backends = split
    ? [...new Set(judged.map((d) => d.target))].sort().map((pod) => ({ pod, delivered: reached.has(pod) }))
    : undefined;
  const delivered = t.outcome === 'delivered' && !split;
  const reason =
    t.failure?.reason ??
    (t.outcome === 'partial' && !split ? 'only some of the pods behind it admit the connection' : undefined);
  if (!q.http && request)
    lines.unshift(
      `every request goes to the defaultBackend of the Ingress at ${q.address} (it has no rules): followed with ${request.method} ${request.path}`,
    );
  const needsRequest = !request && unknown.length > 0 && !!q.byRequest;
  if (t.delivered.length || reason)
    return {
      delivered,
      lines,
      unknown,
      ...(backends ? { backends } : {}),
      ...(reason && !delivered ? { reason } : {}),
      ...(needsRequest ? { needsRequest } : {}),
    };
  // Answered by the load balancer itself (a redirect): no backend is reached, and reach's question has no answer.
  const why = `${q.address} answers the request itself (${t.hops[t.hops.length - 2]?.title ?? 'no backend'}): no backend is reached`;
  return { delivered, lines, reason: why, unknown: [...unknown, why] };
}

function targetOf(
  q: { readonly address: string; readonly port: number; readonly protocol: Protocol },
  http: HttpRequest | undefined,
): Extract<FlowTarget, { kind: 'url' } | { kind: 'ip' }> {
  const ip = canonicalIP(q.address);
  if (http) {
    const headers = Object.fromEntries(
      Object.entries(http.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v] as const),
    );
    return {
      kind: 'url',
      scheme: q.port === 443 ? 'https' : 'http',
      host: ip?.includes(':') ? `[${ip}]` : q.address,
      port: q.port,
      path: http.path,
      protocol: 'TCP',
      method: http.method,
      ...(Object.keys(headers).length ? { headers } : {}),
    };
  }
  if (ip) return { kind: 'ip', ip, port: q.port, protocol: q.protocol };
  return {
    kind: 'url',
    scheme: q.protocol === 'UDP' ? 'udp' : 'tcp',
    host: q.address,
    port: q.port,
    path: '/',
    protocol: q.protocol,
  };
}

function hopLines(h: Hop): string[] {
  const mark = h.verdict === 'fail' ? 'FAIL' : h.verdict === 'info' ? 'info' : h.verdict;
  const head = `[${mark}] ${h.kind}: ${h.title}`;
  // A hop that passes shows its title only: its details name the client, and equal answers then print once.
  if (h.verdict === 'fail' || h.verdict === 'warn' || h.unknown?.length)
    return [head, ...h.details.map((d) => `    ${d}`)];
  return [head];
}
