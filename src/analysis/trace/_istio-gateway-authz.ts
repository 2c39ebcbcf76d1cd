import { gatewayClassStatuses, knownClasses } from '../gateway/index.ts';
import { istioAuthorize, istioPoliciesFor } from '../mesh/index.ts';
import type { ClusterModel, Service } from '../../model/types.ts';
import type { Via } from '../route/index.ts';
import type { HttpRequest, Party } from '../policy/index.ts';
import { masqueradeSources } from '../service-path/index.ts';
import type { TraceContext } from './_context.ts';
import type { Target } from './_policy.ts';
import type { Fix, Hop } from './types.ts';

/** What the gateway's authorization decides for a request from outside, as trace hops. */
export interface GatewayAuthz {
  readonly hops: Hop[];
  /** Set when every address the gateway may see the request from is refused: Envoy's RBAC filter answers 403. */
  readonly denied?: { readonly reason: string; readonly fix?: Fix };
}

const ipOf = (p: Party) => (p.kind === 'pod' ? p.pod.ip : p.ip);
const labelOf = (p: Party) => (p.kind === 'pod' ? `${p.pod.namespace}/${p.pod.name}` : (p.label ?? p.ip));
const at = (s?: { file: string; line: number }) => (s ? ` (${s.file}:${s.line})` : '');
const TITLE = 'mesh authorization (Istio ingress gateway)';

/**
 * Istio authorization at the ingress gateway: the AuthorizationPolicies that select the gateway's pods (in their
 * namespace, or in the root namespace) judge each request in the gateway's Envoy, whose RBAC filter runs before its
 * router — a DENY that matches, or ALLOW policies none of which matches, answer 403 and the request goes nowhere.
 * The client from outside has no mesh identity (plaintext; over HTTPS a client certificate is not modeled, so a
 * rule on principals is unknown). The source address the policies read (`ipBlocks`, `remoteIpBlocks` without
 * X-Forwarded-For, `source.ip`) is the address the connection reaches the pod from: behind a load balancer with
 * externalTrafficPolicy Cluster, the address kube-proxy's masquerade gives it, not the client's (Istio's task sets
 * externalTrafficPolicy: Local to keep the client's). `sources` lists those addresses; where they get different
 * verdicts the hop is unknown. No hops when no policy selects a gateway pod.
 * https://istio.io/latest/docs/tasks/security/authorization/authz-ingress/
 * https://istio.io/latest/docs/reference/config/security/authorization-policy/
 */
export function istioGatewayAuthz(
  ctx: TraceContext,
  gateways: readonly Target[],
  options: {
    readonly sources: readonly Party[] | undefined;
    readonly http: HttpRequest;
    readonly scheme: string;
    /** `ns/name` of the Service whose kube-proxy masquerade gives the sources, when it does. */
    readonly masqueraded?: string;
    /**
     * Without `sources`: the proxy whose connection the gateway sees (a cloud load balancer), named so; its address
     * is not known, so only a rule on the source address is unknown.
     */
    readonly proxiedFrom?: string;
  },
): GatewayAuthz {
  const mesh = ctx.model.mesh;
  if (mesh?.name !== 'istio') return { hops: [] };
  const selected = gateways.flatMap((g) => {
    const policies = g.pod ? istioPoliciesFor(mesh.authorizationPolicies, mesh.rootNamespace, g.pod) : [];
    return policies.length ? [{ g, policies }] : [];
  });
  if (!selected.length) return { hops: [] };
  const parties: readonly Party[] | undefined = options.sources?.length
    ? options.sources
    : options.proxiedFrom
      ? [{ kind: 'ip', ip: '', label: options.proxiedFrom }]
      : undefined;
  if (!parties) {
    const why = `AuthorizationPolicies select the Istio ingress gateway pods (${selected.map((x) => x.g.label).join(', ')}), but the address the request reaches them from is not in the input`;
    return {
      hops: [
        {
          kind: 'policy',
          title: `${TITLE}: unknown — the source address is not known`,
          verdict: 'warn',
          details: [why],
          objects: [],
          unknown: [why],
        },
      ],
    };
  }
  const judged = parties.flatMap((party) =>
    selected.map(({ g, policies }) => ({
      party,
      g,
      v: istioAuthorize(policies, {
        peer: options.scheme === 'https' ? 'unknown' : 'plaintext',
        ...(ipOf(party) ? { sourceIp: ipOf(party) } : {}),
        destinationIp: g.address,
        port: g.port,
        tcp: false,
        http: options.http,
      }),
    })),
  );
  const details = [
    ...new Set(
      judged.map(
        ({ party, g, v }) =>
          `${labelOf(party)} → ${g.label}:${g.port}: ${v.allowed ? 'AUTHORIZED' : 'DENIED'} — ${v.reason}${at(v.source)}`,
      ),
    ),
  ];
  const objects = [
    ...new Map(
      judged.flatMap(({ v }) => (v.policy ? [[v.policy, { key: v.policy, source: v.source }] as const] : [])),
    ).values(),
  ];
  const unknown = [...new Set(judged.flatMap(({ v }) => v.unknown))].sort();
  const denied = judged.filter((j) => !j.v.allowed);
  if (denied.length === judged.length && !unknown.length) {
    const first = denied[0];
    // A rule on the client's address cannot see it through kube-proxy's masquerade: keeping the address is the fix.
    const byAddress = options.masqueraded && /ipBlocks|source\.ip|remote\.ip/.test(first.v.reason);
    const who = labelOf(first.party);
    const change = first.v.allowsNothing
      ? `add an ALLOW AuthorizationPolicy that selects ${first.g.label} and admits ${who} (${first.v.policy} allows nothing)`
      : `change ${first.v.policy ?? 'the AuthorizationPolicies of the gateway'} to admit ${who}`;
    return {
      hops: [
        {
          kind: 'policy',
          title: `${TITLE}: 403 — denied for every (source address, gateway pod) pair (${judged.length})`,
          verdict: 'fail',
          details,
          objects,
        },
      ],
      denied: {
        reason: `the Istio ingress gateway answers 403 (RBAC: access denied) at ${first.g.label}: ${first.v.reason}`,
        fix: {
          summary: byAddress
            ? `set externalTrafficPolicy: Local on Service ${options.masqueraded} so the gateway sees the client's own address (with Cluster, kube-proxy masquerades it), or ${change}`
            : change,
          ...(first.v.policy ? { culprit: first.v.policy } : {}),
        },
      },
    };
  }
  if (!denied.length && !unknown.length)
    return {
      hops: [
        {
          kind: 'policy',
          title: `${TITLE}: authorized for every (source address, gateway pod) pair (${judged.length})`,
          verdict: 'ok',
          details,
          objects,
        },
      ],
    };
  // Some addresses the masquerade can give the connection are admitted, others refused: which one the gateway sees
  // is not in the input. Or a policy field kubetwin does not model decides.
  const mixed = denied.length && denied.length < judged.length;
  const allowedIps = [...new Set(judged.filter((j) => j.v.allowed).map((j) => ipOf(j.party)))];
  const deniedIps = [...new Set(denied.map((j) => ipOf(j.party)))];
  const why = mixed
    ? [
        `the address the Istio ingress gateway sees decides its AuthorizationPolicy verdict: allowed from ${allowedIps.join(', ')}, denied from ${deniedIps.join(', ')} (kube-proxy masquerades the connection; externalTrafficPolicy: Local keeps the client's address)`,
      ]
    : [];
  return {
    hops: [
      {
        kind: 'policy',
        title: `${TITLE}: unknown — ${mixed ? 'the masqueraded source address decides' : 'what kubetwin does not model decides'}`,
        verdict: 'warn',
        details: [...details, ...unknown.map((u) => `unknown: ${u}`)],
        objects,
        unknown: [...why, ...unknown],
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

/**
 * A Gateway API Gateway that istiod serves (its class's controllerName is istio.io/gateway-controller): its
 * deployed proxy is an Istio gateway, and AuthorizationPolicies select it by its pods' labels
 * (`istio.io/gateway-name`, as the authorization task does).
 * https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/#automated-deployment
 */
export function istioClassGateway(model: ClusterModel, via: Via): boolean {
  if (via.kind !== 'gateway') return false;
  const g = model.routing?.gateways.find((x) => x.namespace === via.namespace && x.name === via.name);
  if (!g) return false;
  return gatewayClassStatuses(model).some(
    (c) => c.name === g.gatewayClassName && c.controllerName === knownClasses.istio,
  );
}
