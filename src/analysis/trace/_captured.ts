import type { Pod, Protocol, Service } from '../../model/types.ts';
import type { Party } from '../policy/index.ts';
import { capturedNote, judgeSources, masqueradeSources, sourcesDisagree } from '../service-path/index.ts';
import type { TraceContext } from './_context.ts';
import { serviceDetailLines, type ServiceDetails } from './_service.ts';
import type { Hop } from './types.ts';

/**
 * The hops of a pod's connection to a Service's load-balancer address or externalIP, restated: kube-proxy on
 * the pod's node captures it and sends it to the Service's endpoints (service-path `capturedService`, from
 * kubernetes/kubernetes pkg/proxy/iptables/proxier.go, the KUBE-EXT chain), so the ClusterIP's words on the source
 * address do not apply. With externalTrafficPolicy Cluster the connection is masqueraded: each endpoint's ingress
 * policies see an address the masquerade on the pod's node gives it (`masqueradeSources`), not the pod's. The
 * policy hop (judged for the pod) stands where every such address gets the pod's ingress verdict; otherwise it
 * carries an unknown naming them. `sourceJudged`: whether anything judges the source there (an endpoint isolated
 * for ingress, or admin policies); without it nothing is asked. `details` are the Service hop's own (serviceHop):
 * its source-address line, for the ClusterIP, is left out.
 * https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-ip-mode
 */
export function capturedServiceHops(
  hops: readonly Hop[],
  details: ServiceDetails | undefined,
  svc: Service,
  at: {
    readonly ip: string;
    readonly sourceJudged: boolean;
    /** The trace context and the client pod, to judge the masqueraded addresses. */
    readonly client?: { readonly ctx: TraceContext; readonly pod: Pod; readonly protocol: Protocol };
  },
): Hop[] {
  const { ip, sourceJudged } = at;
  const masqueraded = svc.externalTrafficPolicy === 'Cluster' && sourceJudged;
  return hops.map((h) => {
    if (h.kind === 'service')
      return {
        ...h,
        title: `${ip} → ${h.title} (captured by kube-proxy)`,
        details: [
          capturedNote(svc, ip),
          ...(details ? serviceDetailLines(details, { sourceAddress: true }) : h.details),
        ],
      };
    if (h.kind !== 'policy' || !masqueraded || !at.client) return h;
    const unknown = masqueradeUnknowns(at.client.ctx, at.client.pod, h, at.client.protocol);
    return unknown.length
      ? { ...h, verdict: 'warn' as const, unknown: [...new Set([...(h.unknown ?? []), ...unknown])].sort() }
      : h;
  });
}

/** For each destination of the policy hop: why its masqueraded sources may not get the pod's ingress verdict. */
function masqueradeUnknowns(ctx: TraceContext, client: Pod, hop: Hop, proto: Protocol): string[] {
  const out: string[] = [];
  for (const d of hop.destinations ?? []) {
    const pod = ctx.podNamed(d.target);
    const to: Party = pod ? { kind: 'pod', pod } : { kind: 'ip', ip: d.target };
    const address = pod?.ip ?? d.target;
    const asPod = ctx.engine.explain({ kind: 'pod', pod: client }, to, d.port, proto, false).ingress.allowed;
    const sources = masqueradeSources(ctx.model, {
      via: client.nodeName,
      endpointNode: pod?.nodeName,
      endpointIP: address,
    });
    if (!sources.length) continue;
    const v = judgeSources(
      ctx.model,
      sources,
      (s) =>
        ctx.engine.explain({ kind: 'ip', ip: s.ip, device: s.device }, to, d.port, proto, false).ingress
          .allowed,
    );
    const target = `${d.target}:${d.port}`;
    const why = sourcesDisagree(target, v);
    if (why) out.push(why);
    else if (v.allowedBy.length > 0 !== asPod)
      out.push(
        `kube-proxy masquerades the connection to ${target}: its ingress policies ${asPod ? 'admit' : 'refuse'} the pod's address but ${asPod ? 'refuse' : 'admit'} ${[...v.allowedBy, ...v.deniedBy].map((s) => s.ip).join(', ')}, which the endpoint sees`,
      );
  }
  return out;
}
