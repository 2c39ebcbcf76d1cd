/**
 * Request mirroring as side hops: a VirtualService `mirror`/`mirrors` (with `mirrorPercentage`/`percentage`) or an
 * HTTPRoute `RequestMirror` filter (with `percent`/`fraction`) makes the proxy send a copy of that share of the
 * requests to another destination. The copy is fire-and-forget — the proxy does not wait for it and discards its
 * response — so the hop is `info` and never changes the trace's verdict, which is the primary request's.
 * https://istio.io/latest/docs/tasks/traffic-management/mirroring/
 * https://gateway-api.sigs.k8s.io/geps/gep-3171/
 */
import { describeMirror, type MeshDecision } from '../mesh/index.ts';
import type { DecisionBackend } from '../../model/routing.ts';
import type { Hop } from './types.ts';

const sideNote =
  "fire-and-forget: the proxy does not wait for the copy and discards its response, so this trace's verdict is the primary request's; the copy's own path (policy, mTLS) is not traced";

const share = (percent: number) =>
  percent <= 0 ? 'no request (0%)' : percent >= 100 ? 'every request' : `${percent}% of requests`;

/** One side hop per mirror of a mesh decision that forwards the request. */
export function meshMirrorHops(d: MeshDecision): Hop[] {
  return (d.mirrors ?? []).map((m) => ({
    kind: 'mirror',
    title: `side hop, a copy of ${share(m.percent)} → ${m.kind ?? 'Service'} ${m.namespace}/${m.name}:${m.port}${m.subset ? ` subset ${m.subset}` : ''}`,
    verdict: 'info',
    details: [describeMirror(m), sideNote],
    objects: d.winner ? [{ key: d.winner.object }] : [],
    destinations: [{ target: `service:${m.namespace}/${m.name}`, port: m.port }],
  }));
}

/** One side hop per RequestMirror of a gateway route decision that forwards the request. */
export function gatewayMirrorHops(mirrors: readonly DecisionBackend[], winner?: string): Hop[] {
  return mirrors.map((m) => ({
    kind: 'mirror',
    title: `side hop, a copy of ${share(m.percent ?? 100)} → Service ${m.namespace}/${m.name}:${m.port ?? '?'}`,
    verdict: 'info',
    details: [...(m.problem ? [`${m.problem}: the copies are lost`] : []), sideNote],
    objects: winner ? [{ key: winner }] : [],
    destinations: [{ target: `service:${m.namespace}/${m.name}`, port: m.port ?? 0 }],
  }));
}
