import type { Endpoint, Pod, Protocol, Service } from '../../model/types.ts';
import type { TraceContext } from './_context.ts';
import type { Hop } from './types.ts';

/** One endpoint kube-proxy may send the connection to. */
export interface Candidate {
  readonly address: string;
  readonly port: number;
  readonly pod?: Pod;
  readonly nodeName?: string;
}

const at = (s: Service) => [{ key: s.key, source: s.source }];

/**
 * The Service hop as kube-proxy programs it: the Service must define the port; the candidates are the ready
 * endpoints (or, when none is ready, the serving-terminating ones), each with the targetPort its slice gives for
 * that port name; `internalTrafficPolicy: Local` keeps those on the client's node. No candidate: rejected.
 * https://kubernetes.io/docs/reference/networking/virtual-ips/
 */
export function serviceHop(
  ctx: TraceContext,
  svc: Service,
  port: number,
  protocol: Protocol,
  clientNode: string | undefined,
  family: 'IPv4' | 'IPv6',
): { hops: Hop[]; candidates: Candidate[]; reason?: string } {
  const sp = svc.ports.find((p) => p.port === port && p.protocol === protocol);
  const name = `Service ${svc.namespace}/${svc.name}`;
  if (!sp) {
    const reason = `${name} defines no port ${port}/${protocol} (ports: ${svc.ports.map((p) => `${p.port}/${p.protocol}`).join(', ') || 'none'}): kube-proxy has no rule for it, so the connection times out`;
    return {
      hops: [
        {
          kind: 'service',
          title: `${name}: port ${port}/${protocol} not defined`,
          verdict: 'fail',
          details: [reason],
          objects: at(svc),
        },
      ],
      candidates: [],
      reason,
    };
  }
  const slices = ctx.model.endpointSlices.filter(
    (s) => s.namespace === svc.namespace && s.serviceName === svc.name && s.addressType === family,
  );
  const all: { e: Endpoint; port: number }[] = [];
  for (const s of slices) {
    const p =
      s.ports.find((x) => (x.name ?? '') === (sp.name ?? '') && x.protocol === protocol) ??
      (s.ports.length === 0 && typeof sp.targetPort === 'number' ? { port: sp.targetPort } : undefined);
    if (p?.port === undefined) continue;
    for (const e of s.endpoints) all.push({ e, port: p.port });
  }
  const ready = all.filter((x) => x.e.conditions.ready);
  const fallback = ready.length
    ? []
    : all.filter((x) => x.e.conditions.serving && x.e.conditions.terminating);
  let chosen = ready.length ? ready : fallback;
  const details = [
    `${svc.clusterIPs.join(', ') || 'headless'}:${port}/${protocol} → targetPort ${String(sp.targetPort)}; ${all.length} endpoint(s), ${ready.length} ready${fallback.length ? `, none ready so the ${fallback.length} serving-terminating one(s) are used (KEP-1669)` : ''}`,
  ];
  if (svc.internalTrafficPolicy === 'Local' && clientNode) {
    chosen = chosen.filter((x) => x.e.nodeName === clientNode);
    details.push(
      `internalTrafficPolicy: Local — only endpoints on the client's node ${clientNode} (${chosen.length})`,
    );
  }
  if (svc.sessionAffinity === 'ClientIP')
    details.push(
      `sessionAffinity: ClientIP — one client sticks to one endpoint for ${svc.sessionAffinityTimeoutSeconds ?? 10800} s`,
    );
  details.push(
    `kube-proxy ${ctx.model.profile.kubeProxy.mode} mode picks ${ctx.model.profile.kubeProxy.mode === 'ipvs' ? `by the ${ctx.model.profile.kubeProxy.ipvsScheduler ?? 'rr'} scheduler` : 'one endpoint at random per connection'}`,
  );
  const candidates: Candidate[] = chosen.map(({ e, port: p }) => ({
    address: e.addresses[0],
    port: p,
    pod: e.targetRef ? ctx.model.pods.find((x) => x.key === e.targetRef) : ctx.podByIP(e.addresses[0]),
    nodeName: e.nodeName,
  }));
  const hops: Hop[] = [
    {
      kind: 'service',
      title: `${name} ${svc.clusterIPs[0] ?? ''}:${port}/${protocol}`.replace(' :', ' '),
      verdict: 'ok',
      details,
      objects: at(svc),
    },
  ];
  if (!candidates.length) {
    const reason = `${name} has no ${ready.length || fallback.length ? 'endpoint on the client node' : 'ready endpoint'} for port ${port}: kube-proxy rejects the connection`;
    hops.push({
      kind: 'endpoints',
      title: 'no endpoint to send to',
      verdict: 'fail',
      details: [reason],
      objects: slices.map((s) => ({ key: s.key, source: s.source })),
    });
    return { hops, candidates, reason };
  }
  hops.push({
    kind: 'endpoints',
    title: `${candidates.length} candidate endpoint(s)`,
    verdict: 'ok',
    details: candidates.map(
      (c) =>
        `${c.address}:${c.port}${c.pod ? ` (${c.pod.namespace}/${c.pod.name}${c.nodeName ? ` on ${c.nodeName}` : ''})` : ''}`,
    ),
    objects: slices.map((s) => ({ key: s.key, source: s.source })),
  });
  return { hops, candidates };
}
