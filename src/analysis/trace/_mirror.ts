/**
 * Request mirroring as side hops: a VirtualService `mirror`/`mirrors` (with `mirrorPercentage`/`percentage`) or an
 * HTTPRoute `RequestMirror` filter (with `percent`/`fraction`) makes the proxy send a copy of that share of the
 * requests to another destination. The copy is fire-and-forget — the proxy does not wait for it and discards its
 * response — so the hop is `info` and never changes the trace's verdict, which is the primary request's.
 * https://istio.io/latest/docs/tasks/traffic-management/mirroring/
 * https://gateway-api.sigs.k8s.io/geps/gep-3171/
 */
import { describeMirror, type MeshDecision, type MeshMirror } from '../mesh/index.ts';
import type { DecisionBackend } from '../../model/routing.ts';
import type { Pod } from '../../model/types.ts';
import type { HttpRequest, Party } from '../policy/index.ts';
import type { TraceContext } from './_context.ts';
import { meshInboundHops } from './_mesh-inbound.ts';
import { policyHop, type Target } from './_policy.ts';
import type { Hop } from './types.ts';

const sideNote =
  "fire-and-forget: the proxy does not wait for the copy and discards its response, so this trace's verdict is the primary request's; the copy's own path (policy, mTLS) is not traced";

const tracedNote =
  "fire-and-forget: the proxy does not wait for the copy and discards its response, so whether the copy gets through never changes this trace's verdict, which is the primary request's";

/** The proxy that sends the copies: the client pod and its request (for the copy's own path). */
export interface MirrorSource {
  readonly ctx: TraceContext;
  readonly pod: Pod;
  readonly http: HttpRequest;
}

const share = (percent: number) =>
  percent <= 0 ? 'no request (0%)' : percent >= 100 ? 'every request' : `${percent}% of requests`;

/**
 * One side hop per mirror of a mesh decision that forwards the request; with `source` (the client sidecar), each
 * copy's own path to the mirror's endpoints is traced (`mirrorCopyPath`), still as an `info` hop.
 */
export function meshMirrorHops(d: MeshDecision, source?: MirrorSource): Hop[] {
  return (d.mirrors ?? []).map((m) => {
    const copy = source ? mirrorCopyPath(source, m) : undefined;
    return {
      kind: 'mirror',
      title: `side hop, a copy of ${share(m.percent)} → ${m.kind ?? 'Service'} ${m.namespace}/${m.name}:${m.port}${m.subset ? ` subset ${m.subset}` : ''}`,
      verdict: 'info',
      details: [describeMirror(m), ...(copy ?? []), copy ? tracedNote : sideNote],
      objects: d.winner ? [{ key: d.winner.object }] : [],
      destinations: [{ target: `service:${m.namespace}/${m.name}`, port: m.port }],
    };
  });
}

/**
 * The copy's own path from the client to the mirror's endpoints, as lines: NetworkPolicy at both ends, then the
 * mesh's mTLS and authorization at the mirror's pods, for the request as Envoy mirrors it (its Host/Authority
 * suffixed with `-shadow`). The copy is not this trace's request: its verdicts are not reported as this trace's
 * judged flows, and what is unknown for it is said in its lines, not in the trace's `unknown`. Undefined when no
 * copy is sent (0%, or no endpoint: the mirror's own lines say so).
 * https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/route/v3/route_components.proto (RequestMirrorPolicy)
 * https://istio.io/latest/docs/tasks/traffic-management/mirroring/
 */
export function mirrorCopyPath(source: MirrorSource, m: MeshMirror): string[] | undefined {
  if (m.percent <= 0 || m.problem || !m.endpoints.length) return undefined;
  const ctx: TraceContext = { ...source.ctx, onJudged: undefined };
  const targets: Target[] = m.endpoints.map((e) => {
    const address = e.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    const pod = ctx.podByIP(address);
    return {
      label: pod ? `${pod.namespace}/${pod.name}` : address,
      address,
      port: Number(/:(\d+)$/.exec(e)?.[1] ?? m.port),
      pod,
    };
  });
  const from: Party = { kind: 'pod', pod: source.pod };
  const host = source.http.headers?.host ?? m.name;
  const http: HttpRequest = { ...source.http, headers: { ...source.http.headers, host: `${host}-shadow` } };
  const pol = policyHop(ctx, from, targets, 'TCP', { http });
  const mesh = meshInboundHops(ctx, from, targets, pol.delivered, 'TCP', {
    service: m.kind ? undefined : ctx.serviceNamed(m.namespace, m.name),
    http,
    routed: new Map(targets.map((t) => [t.address, [m.subset]])),
  });
  const hops = [pol.hop, ...mesh.hops];
  const reached = mesh.delivered.length;
  const why = pol.reason ?? mesh.reason;
  return [
    ...hops.flatMap((h) => [`the copy's path: ${h.title}`, ...h.details.map((x) => `  ${x}`)]),
    ...[...new Set(hops.flatMap((h) => h.unknown ?? []))].map((u) => `unknown for the copy: ${u}`),
    reached === targets.length
      ? `the copy reaches ${reached === 1 ? 'its endpoint' : `all ${reached} endpoints`}`
      : `the copy reaches ${reached} of ${targets.length} endpoint(s)${why ? `: ${why}` : ''}`,
  ];
}

/**
 * One side hop per RequestMirror of a gateway route decision that forwards the request (HTTPRequestMirrorFilter:
 * `backendRef`, `percent` or `fraction`): where the copies land (`endpoints`, the route answer's
 * `mirrorEndpoints`) and, with `source` (the gateway pod that forwards the request), the copy's own path there.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gateway.networking.k8s.io/v1.HTTPRequestMirrorFilter
 */
export function gatewayMirrorHops(
  mirrors: readonly DecisionBackend[],
  endpoints: readonly (readonly string[])[],
  options: { readonly winner?: string; readonly source?: MirrorSource } = {},
): Hop[] {
  const { winner, source } = options;
  return mirrors.map((m, i) => {
    const percent = m.percent ?? 100;
    const eps = endpoints[i] ?? [];
    const copy =
      source && !m.problem
        ? mirrorCopyPath(source, {
            namespace: m.namespace,
            name: m.name,
            port: m.port ?? 0,
            percent,
            workloads: [],
            endpoints: eps,
          })
        : undefined;
    const lands =
      m.problem || percent <= 0
        ? []
        : [`the copies land on: ${eps.length ? eps.join(', ') : 'no ready endpoint (the copies are lost)'}`];
    return {
      kind: 'mirror',
      title: `side hop, a copy of ${share(percent)} → Service ${m.namespace}/${m.name}:${m.port ?? '?'}`,
      verdict: 'info',
      details: [
        ...(m.problem ? [`${m.problem}: the copies are lost`] : []),
        ...lands,
        ...(copy ?? []),
        copy ? tracedNote : sideNote,
      ],
      objects: winner ? [{ key: winner }] : [],
      destinations: [{ target: `service:${m.namespace}/${m.name}`, port: m.port ?? 0 }],
    };
  });
}
