/**
 * A connection on a port Istio proxies as TCP or TLS, routed by VirtualService `tcp`/`tls` rules: from a
 * sidecar to a Service, or from the ingress gateway (TCP servers, TLS PASSTHROUGH servers). The rule choice is
 * `_l4.ts`; this turns it into the shared `MeshDecision` (destinations, subsets, weights, endpoints).
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#TCPRoute
 * https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
 */
import { exportedTo } from '../../../cluster/mesh-config/index.ts';
import { parseIP } from '../../../lib/ip.ts';
import type { VirtualService } from '../../../model/mesh.ts';
import type { ClusterModel, Pod, Service } from '../../../model/types.ts';
import type { MeshProfile } from '../_profile.ts';
import { hostCovers, resolveMeshHost, serviceFqdn } from '../_hosts.ts';
import { destinations } from '../_router.ts';
import type { MeshClient, MeshDecision, MeshTarget } from '../types.ts';
import { chooseL4, type L4Connection } from './_l4.ts';
import { age, l4Targets } from './_routes.ts';
import { importsVirtualService, sidecarScope } from './_sidecar-scope.ts';

type Common = Pick<MeshDecision, 'mesh' | 'client' | 'clientMeshed' | 'service'>;

/** The mesh VirtualServices naming a Service, visible to the client's namespace, oldest first. */
export function vsForService(model: ClusterModel, svc: Service, clientNs: string): VirtualService[] {
  const domain = model.profile.clusterDomain;
  const fqdn = serviceFqdn(svc, domain);
  return (model.mesh?.virtualServices ?? [])
    .filter(
      (vs) =>
        !vs.delegate &&
        exportedTo(vs.exportTo, vs.namespace, clientNs) &&
        vs.hosts.some((h) => hostCovers(resolveMeshHost(h, vs.namespace, domain), fqdn)),
    )
    .sort((a, b) => (age(a) < age(b) ? -1 : 1));
}

const closedText = (t: MeshTarget): MeshTarget =>
  t.problem
    ? { ...t, problem: t.problem.replace('the sidecar answers 503', 'the proxy closes the connection') }
    : t;

/**
 * Decides one connection with the `tcp`/`tls` rules of `vss`; without a rule that applies, `fallback` (the
 * Service's own chain: every ready endpoint) or, when there is none, the connection is closed.
 */
export function l4Decision(
  model: ClusterModel,
  profile: MeshProfile | undefined,
  vss: readonly VirtualService[],
  c: L4Connection,
  client: MeshClient,
  common: Common,
  fallback: { by: string; target: MeshTarget } | undefined,
  notes: string[],
  /** Fills what the rule leaves open (a gateway gives a destination without port the Service's only port). */
  fill: (t: MeshTarget) => MeshTarget = (t) => t,
): MeshDecision {
  const o = chooseL4(vss, c, client);
  notes.push(...o.notes);
  const base = { ...common, connection: c.kind, lost: o.lost, destinations: [] };
  const by = o.won
    ? `Istio VirtualService ${o.won.vs.namespace}/${o.won.vs.name} (${c.kind} rules)`
    : fallback?.by;
  if (o.unknown)
    return { ...base, by: by ?? 'Istio', status: 503, unknown: o.unknown, notes: [...new Set(notes)] };
  if (o.closed || (!o.won && !fallback)) {
    const closed =
      o.closed ??
      `no ${c.kind} rule takes the connection and the proxy has no other route for it: it closes the connection`;
    return { ...base, by: by ?? 'Istio', status: 503, closed, notes: [...new Set([...notes, closed])] };
  }
  const targets = o.won
    ? l4Targets(
        model.services,
        model.profile.clusterDomain,
        model.mesh?.serviceEntries ?? [],
      )(o.won.vs, o.won.rule.route).map(closedText)
    : [fallback!.target];
  const filled = targets.map(fill);
  const ds = destinations(model, profile, filled, c.port, client.pod, notes).map((d) =>
    d.problem
      ? { ...d, problem: d.problem.replace('the sidecar answers 503', 'the proxy closes the connection') }
      : d,
  );
  const usable = ds.filter((d) => !d.problem && d.weight > 0);
  if (usable.length && usable.length < ds.filter((d) => d.weight > 0).length)
    notes.push(
      'part of the connections are weighted to a destination that cannot take them: those are closed',
    );
  return {
    ...base,
    by: by!,
    status: usable.length ? 200 : 503,
    winner: o.won ? { object: o.won.vs.key, at: o.won.at, match: o.won.match } : undefined,
    destinations: ds,
    notes: [...new Set(notes)],
  };
}

/**
 * A meshed client's connection to a Service port Istio treats as TCP (`tcp`, `mongo`, `mysql`, `redis`) or TLS
 * (`tls`, `https`): the destination address is the ClusterIP the client dials (or the IP it names), the SNI
 * `sni` else the host it asked for (said in a note).
 */
export function istioMeshL4(
  model: ClusterModel,
  profile: MeshProfile,
  svc: Service,
  req: { host: string; port: number; sni?: string },
  client: Pod,
  kind: 'tcp' | 'tls',
  common: Common,
  notes: string[],
): MeshDecision {
  // Only the VirtualServices the client's Sidecar imports on this port route it (SidecarScope).
  const scope = sidecarScope(model, client);
  const fqdnOf = (vs: VirtualService) => (h: string) =>
    resolveMeshHost(h, vs.namespace, model.profile.clusterDomain);
  const dialed = parseIP(req.host) ? req.host : svc.clusterIPs.find((ip) => parseIP(ip));
  if (kind === 'tls' && req.sni === undefined)
    notes.push(
      `the TLS server name (SNI) is taken as the host asked for, ${req.host} (set --sni to another)`,
    );
  return l4Decision(
    model,
    profile,
    vsForService(model, svc, client.namespace).filter((vs) =>
      importsVirtualService(scope, { namespace: vs.namespace, hosts: vs.hosts.map(fqdnOf(vs)) }, req.port),
    ),
    { kind, port: req.port, destIP: dialed, sni: kind === 'tls' ? (req.sni ?? req.host) : undefined },
    { pod: client },
    common,
    {
      by: `istio sidecar (${kind.toUpperCase()} port: no ${kind} rule applies, every ready endpoint)`,
      target: { namespace: svc.namespace, name: svc.name, weight: 100 },
    },
    notes,
  );
}
