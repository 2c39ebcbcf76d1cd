import { istioPoliciesFor } from '../mesh/index.ts';
import type { Service } from '../../model/types.ts';
import type { HttpRequest, Party } from '../policy/index.ts';
import { masqueradeSources } from '../service-path/index.ts';
import type { TraceContext } from './_context.ts';
import { meshInboundHops } from './_mesh-inbound.ts';
import type { Target } from './_policy.ts';
import type { Fix, Hop } from './types.ts';

/** What the gateway's authorization decides for a request from outside, as trace hops. */
export interface GatewayAuthz {
  readonly hops: Hop[];
  /** Set when every address the gateway may see the request from is refused: Envoy's RBAC filter answers 403. */
  readonly denied?: { readonly reason: string; readonly fix?: Fix };
}

const ipOf = (p: Party) => (p.kind === 'pod' ? p.pod.ip : p.ip);
const retitle = (h: Hop) => ({ ...h, title: h.title.replace('(server sidecar)', '(Istio ingress gateway)') });

/**
 * Istio authorization at the ingress gateway: the AuthorizationPolicies that select the gateway's pods (in their
 * namespace, or in the root namespace) judge each request in the gateway's Envoy, whose RBAC filter runs before its
 * router — a DENY that matches, or ALLOW policies none of which matches, answer 403 and the request goes nowhere.
 * The source address the policies read (`ipBlocks`, `remoteIpBlocks` without X-Forwarded-For, `source.ip`) is the
 * address the connection reaches the pod from: behind a load balancer with externalTrafficPolicy Cluster, the
 * address kube-proxy's masquerade gives it, not the client's (Istio's task sets externalTrafficPolicy: Local to keep
 * the client's). `sources` lists those addresses; where they get different verdicts the hop is unknown. No hops
 * when no policy selects a gateway pod.
 * https://istio.io/latest/docs/tasks/security/authorization/authz-ingress/
 * https://istio.io/latest/docs/reference/config/security/authorization-policy/
 */
export function istioGatewayAuthz(
  ctx: TraceContext,
  gateways: readonly Target[],
  options: {
    readonly sources: readonly Party[] | undefined;
    readonly http: HttpRequest;
    /** `ns/name` of the Service whose kube-proxy masquerade gives the sources, when it does. */
    readonly masqueraded?: string;
  },
): GatewayAuthz {
  const mesh = ctx.model.mesh;
  if (mesh?.name !== 'istio') return { hops: [] };
  const selected = gateways.filter(
    (g) => g.pod && istioPoliciesFor(mesh.authorizationPolicies, mesh.rootNamespace, g.pod).length,
  );
  if (!selected.length) return { hops: [] };
  if (!options.sources?.length) {
    const why = `AuthorizationPolicies select the Istio ingress gateway pods (${selected.map((g) => g.label).join(', ')}), but the address the request reaches them from is not in the input`;
    return {
      hops: [
        {
          kind: 'policy',
          title: 'mesh authorization (Istio ingress gateway): unknown — the source address is not known',
          verdict: 'warn',
          details: [why],
          objects: [],
          unknown: [why],
        },
      ],
    };
  }
  const deliveries = selected.map((g) => ({
    pod: `${g.pod!.namespace}/${g.pod!.name}`,
    ip: g.address,
    port: g.port,
  }));
  const runs = options.sources.map((party) => ({
    party,
    r: meshInboundHops(ctx, party, selected, deliveries, 'TCP', { http: options.http }),
  }));
  // The mTLS hop is about the mesh's own transport: a request from outside reaches the gateway as its Gateway
  // server says (PeerAuthentication applies to sidecars), so only the authorization hop is kept.
  const authzHop = (r: (typeof runs)[number]['r']) => r.hops.filter((h) => h.kind === 'policy').map(retitle);
  const denied = runs.filter((x) => !x.r.delivered.length);
  const first = runs[0];
  if (denied.length === runs.length) {
    const reason = (first.r.reason ?? 'no AuthorizationPolicy admits the request').replace(
      'by the istio sidecar of',
      'by the Istio gateway proxy of',
    );
    // A rule on the client's address cannot see it through kube-proxy's masquerade: keeping the address is the fix.
    const byAddress = options.masqueraded && /ipBlocks|source\.ip|remote\.ip/.test(reason);
    const fix = first.r.fix && {
      ...first.r.fix,
      summary: byAddress
        ? `set externalTrafficPolicy: Local on Service ${options.masqueraded} so the gateway sees the client's own address (with Cluster, kube-proxy masquerades it), or ${first.r.fix.summary}`
        : first.r.fix.summary,
    };
    return {
      hops: authzHop(first.r),
      denied: {
        reason: `the Istio ingress gateway answers 403 (RBAC: access denied): ${reason}`,
        ...(fix ? { fix } : {}),
      },
    };
  }
  if (!denied.length) return { hops: authzHop(first.r) };
  // Some addresses the masquerade can give the connection are admitted, others refused: which one the gateway sees
  // is not in the input.
  const allowedIps = runs.filter((x) => x.r.delivered.length).map((x) => ipOf(x.party));
  const deniedIps = denied.map((x) => ipOf(x.party));
  const why = `the address the Istio ingress gateway sees decides its AuthorizationPolicy verdict: allowed from ${allowedIps.join(', ')}, denied from ${deniedIps.join(', ')} (kube-proxy masquerades the connection; externalTrafficPolicy: Local keeps the client's address)`;
  const hops = [...authzHop(denied[0].r), ...authzHop(runs.find((x) => x.r.delivered.length)!.r)];
  return {
    hops: [
      {
        ...hops[0],
        title: `mesh authorization (Istio ingress gateway): unknown — the masqueraded source address decides`,
        verdict: 'warn',
        details: [...new Set(hops.flatMap((h) => h.details))],
        objects: [...new Map(hops.flatMap((h) => h.objects).map((o) => [o.key, o])).values()],
        unknown: [why],
      },
    ],
  };
}

/** How a connection from outside reaches the gateway pods: with the client's address, or masqueraded by kube-proxy. */
export type GatewayArrival =
  | { readonly kind: 'client'; readonly client: Party }
  | {
      readonly kind: 'masquerade';
      /** The node that takes the connection; undefined: any node (a load balancer picks one). */
      readonly via?: string;
      readonly loadBalancer: boolean;
      readonly service: Service;
    }
  | { readonly kind: 'unknown' };

/**
 * The addresses the gateway's Envoy sees a connection from: the client's, or every address kube-proxy's masquerade
 * can give it on the way to each gateway pod (`masqueradeSources`, without the client's own address, which only a
 * CNI judging before the masquerade sees: Envoy reads the rewritten socket). Undefined when it is not known.
 * https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip
 */
export function gatewaySources(
  ctx: TraceContext,
  arrival: GatewayArrival,
  gateways: readonly (Target & { readonly nodeName?: string })[],
): readonly Party[] | undefined {
  if (arrival.kind === 'unknown') return undefined;
  if (arrival.kind === 'client') return [arrival.client];
  const out = new Map<string, Party>();
  for (const g of gateways)
    for (const s of masqueradeSources(ctx.model, {
      via: arrival.via,
      endpointNode: g.nodeName,
      endpointIP: g.address,
      loadBalancer: arrival.loadBalancer,
      service: arrival.service,
    }))
      if (!out.has(s.ip))
        out.set(
          s.ip,
          s.pod ? { kind: 'pod', pod: s.pod } : { kind: 'ip', ip: s.ip, label: `masquerade ${s.ip}` },
        );
  return [...out.values()];
}
