/**
 * Connections the Istio ingress gateway does not terminate: TCP servers (VirtualService `tcp` rules bound to
 * the Gateway), TLS PASSTHROUGH servers (`tls` rules, by SNI) and AUTO_PASSTHROUGH servers (the SNI names the
 * destination cluster, `outbound_.PORT_.SUBSET_.HOST`, with no VirtualService).
 * https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings-TLSmode
 * https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-sni-passthrough/
 */
import { boundHosts } from '../../../cluster/mesh-config/index.ts';
import type { IstioGateway, IstioGatewayServer } from '../../../model/mesh.ts';
import type { ClusterModel, Pod } from '../../../model/types.ts';
import type { MeshProfile } from '../_profile.ts';
import { serviceFqdn } from '../_hosts.ts';
import type { MeshDecision, MeshRequest, MeshTarget } from '../types.ts';
import { l4Decision } from './_l4-route.ts';
import { age } from './_routes.ts';

/** A destination without `port`: the Service's only port (Istio's rule), else undefined (the request's port). */
export function onlyPort(model: ClusterModel, ns: string, name: string): number | undefined {
  const svc = model.services.find((x) => x.namespace === ns && x.name === name);
  return svc?.ports.length === 1 ? svc.ports[0].port : undefined;
}

const common = (pod: Pod) => ({
  mesh: 'istio' as const,
  client: `${pod.namespace}/${pod.name}`,
  clientMeshed: true,
});

/**
 * A TCP or PASSTHROUGH server's connection, routed by the `tcp`/`tls` rules of the VirtualServices bound to
 * that Gateway server (oldest first). The gateway has no route of its own: no rule, the connection is closed.
 * istiod settles the blocks at a gateway by port and gateways only: `destinationSubnets` (and the source
 * predicates) are not consulted there, so no destination address is needed (`_l4.ts`, istio/istio#54449).
 */
export function gatewayL4(
  model: ClusterModel,
  profile: MeshProfile | undefined,
  g: IstioGateway,
  s: IstioGatewayServer,
  req: MeshRequest,
  kind: 'tcp' | 'tls',
  pod: Pod,
  notes: readonly string[],
): MeshDecision {
  const domain = model.profile.clusterDomain;
  const bound = (model.mesh?.virtualServices ?? [])
    .filter((vs) => boundHosts(vs, g, s, domain).length)
    .sort((a, b) => (age(a) < age(b) ? -1 : 1));
  const sni = req.sni ?? req.host.toLowerCase();
  const own = [...notes];
  if (kind === 'tls' && req.sni === undefined)
    own.push(`the TLS server name (SNI) is taken as the host asked for, ${sni} (set --sni to another)`);
  return l4Decision(
    model,
    profile,
    bound,
    { kind, port: s.port, sni: kind === 'tls' ? sni : undefined },
    { pod, gateway: `${g.namespace}/${g.name}` },
    common(pod),
    undefined,
    own,
    (t: MeshTarget) => ({ ...t, port: t.port ?? onlyPort(model, t.namespace, t.name) }),
  );
}

/**
 * AUTO_PASSTHROUGH: the SNI `outbound_.PORT_.SUBSET_.HOST` (Istio's DNS SRV form of a cluster name) names the
 * Service, port and subset; any other SNI matches no filter chain and the connection is closed.
 */
export function autoPassthrough(
  model: ClusterModel,
  profile: MeshProfile | undefined,
  req: MeshRequest,
  pod: Pod,
  notes: readonly string[],
): MeshDecision {
  const sni = req.sni ?? req.host.toLowerCase();
  const m = /^outbound_\.(\d+)_\.([^_]*)_\.(.+)$/.exec(sni);
  const domain = model.profile.clusterDomain;
  const svc = m && model.services.find((x) => serviceFqdn(x, domain) === m[3]);
  const fail = (why: string): MeshDecision => ({
    ...common(pod),
    by: 'Istio gateway (AUTO_PASSTHROUGH)',
    connection: 'tls',
    status: 503,
    closed: why,
    lost: [],
    destinations: [],
    notes: [...notes, why],
  });
  if (!m)
    return fail(
      `SNI ${sni} is not a cluster name (outbound_.PORT_.SUBSET_.HOST): no filter chain matches and the gateway closes the connection`,
    );
  if (!svc)
    return fail(
      `SNI ${sni} names ${m[3]}, which is no Service among the manifests: the gateway closes the connection`,
    );
  return l4Decision(
    model,
    profile,
    [],
    { kind: 'tls', port: Number(m[1]), sni },
    { pod },
    common(pod),
    {
      by: `Istio gateway (AUTO_PASSTHROUGH: SNI ${sni})`,
      target: {
        namespace: svc.namespace,
        name: svc.name,
        port: Number(m[1]),
        weight: 100,
        ...(m[2] ? { subset: m[2] } : {}),
      },
    },
    [...notes],
  );
}
