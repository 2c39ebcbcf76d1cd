/**
 * A request from a meshed client for a host that is not a Kubernetes Service: an Istio `ServiceEntry` host
 * (routed by a VirtualService naming it, else to the entry's endpoints), else the sidecar's
 * outboundTrafficPolicy — ALLOW_ANY passes it through to the address the application dialed, REGISTRY_ONLY
 * answers 502 (Envoy's BlackHoleCluster).
 * https://istio.io/latest/docs/reference/config/networking/service-entry/
 * https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-OutboundTrafficPolicy-Mode
 * https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/
 */
import type { ClusterModel, Pod } from '../../model/types.ts';
import type { MeshProfile } from './_profile.ts';
import { sidecarOutcome, destinations, evaluateTable, mirrorDestinations } from './_router.ts';
import { entryFor } from './istio/_service-entries.ts';
import { hostCovers } from './_hosts.ts';
import { scopeUnknown, sidecarScope } from './istio/_sidecar-scope.ts';
import { outsideSidecarScope } from './istio/_sidecar-route.ts';
import type { MeshDecision, MeshRequest, Sidecar } from './types.ts';

/** True for a name a client may mean as an in-cluster Service (a short name, or one under the cluster domain). */
const clusterName = (host: string, domain: string) =>
  !host.includes('.') || host.endsWith(`.svc.${domain}`) || host.endsWith('.svc');

/**
 * The decision for a host outside the Service registry, or a string (input error) when the mesh has no answer
 * for it: an unmeshed client, Linkerd (which has no registry of outside hosts), or a cluster-looking name.
 */
export function externalRoute(
  model: ClusterModel,
  profile: MeshProfile | undefined,
  req: MeshRequest,
  client: Pod,
  me: Sidecar,
): MeshDecision | string {
  const host = req.host.toLowerCase().replace(/\.$/, '');
  const name = model.mesh?.name;
  const who = `${client.namespace}/${client.name}`;
  const notService = `${req.host} is not a Service the client ${who} can name (name, name.namespace, name.namespace.svc, the FQDN or a ClusterIP)`;
  if (name !== 'istio' || !profile)
    return `${notService}; outside hosts are modeled for Istio (ServiceEntry) only`;
  if (!me.meshed)
    return `${notService}, and the client has no istio proxy (${me.reason}): no mesh route applies`;
  const common = { mesh: name, client: who, clientMeshed: true };
  const found = entryFor(model.mesh?.serviceEntries ?? [], host, req.port, client.namespace);
  const scope = sidecarScope(model, client);
  const scoped = { pod: client, port: req.port };
  if (found?.port) {
    const se = found.entry;
    const notes = [...found.notes];
    const service = {
      namespace: se.namespace,
      name: host,
      port: req.port,
      kind: 'ServiceEntry host' as const,
    };
    const table = profile.hostTable?.(host, client.namespace, scoped);
    // The client's Sidecar may not import the entry's host (SidecarScope): passthrough or black hole.
    const out = scope.sidecar
      ? outsideSidecarScope(
          {
            scope,
            // An address an entry declares reaches it by all of its hosts.
            hosts: se.hosts.some((h) => hostCovers(h, host))
              ? se.hosts.filter((h) => hostCovers(h, host))
              : se.hosts,
            hostNs: se.namespace,
            port: req.port,
            routed: !!table,
          },
          { ...common, service: { ...service, kind: 'outside host' } },
          (by) => passthrough(client, host, req.port, by, []),
        )
      : undefined;
    if (out) return out;
    if (table) {
      notes.push(...table.notes);
      const evaluated = evaluateTable(table, req, { pod: client }, true);
      const outcome = sidecarOutcome({ ...common, service }, table.by, evaluated, notes);
      if ('answered' in outcome) return outcome.answered;
      const { forward: a, won, lost } = outcome;
      const ds = destinations(model, profile, a.targets, req.port, client, notes);
      return {
        ...common,
        service,
        by: `${table.by} (host declared by ServiceEntry ${se.namespace}/${se.name})`,
        status: ds.some((d) => !d.problem && d.weight > 0) ? 200 : 503,
        winner: won,
        lost,
        destinations: ds,
        rewrittenPath: a.rewrittenPath,
        rewrittenHost: a.rewrittenHost,
        timeout: a.timeout,
        retries: a.retries,
        ...mirrorDestinations(model, profile, a.mirrors, req.port, client),
        ...(a.sometimes ? { sometimes: a.sometimes } : {}),
        notes: [...new Set(notes)],
      };
    }
    const ds = destinations(
      model,
      profile,
      [{ namespace: se.namespace, name: host, weight: 100, entry: se }],
      req.port,
      client,
      notes,
    );
    return {
      ...common,
      service,
      by: `Istio ServiceEntry ${se.namespace}/${se.name} (${se.location}, resolution ${se.resolution})`,
      status: ds[0]?.problem ? 503 : 200,
      lost: [],
      destinations: ds,
      notes: [...new Set(notes)],
    };
  }
  if (clusterName(host, model.profile.clusterDomain) && !found) return notService;
  const why = found
    ? `${found.entry.key} declares ${host} but not port ${req.port} (ports: ${found.entry.ports.map((p) => p.number).join(', ') || 'none'}), so the host is not in the registry on that port`
    : `no ServiceEntry exported to ${client.namespace} declares ${host}`;
  const service = { namespace: client.namespace, name: host, port: req.port, kind: 'outside host' as const };
  // The outbound policy is the client's Sidecar's when it sets one, else meshConfig's (SidecarScope).
  const bySidecar = scope.sidecar?.outboundTrafficPolicy ? `${scope.modeBy}` : undefined;
  if (scope.mode === 'REGISTRY_ONLY')
    return {
      ...common,
      service,
      by: 'Istio sidecar outboundTrafficPolicy REGISTRY_ONLY (BlackHoleCluster)',
      status: 502,
      lost: [],
      destinations: [],
      notes: [
        why,
        bySidecar
          ? `${bySidecar}: the sidecar refuses hosts outside its registry (502)`
          : 'meshConfig.outboundTrafficPolicy.mode is REGISTRY_ONLY (profile mesh.outboundTrafficPolicy): the sidecar refuses hosts outside its registry (502)',
      ],
      ...(scope.unsure ? { unknown: scope.unsure } : {}),
    };
  const odd = scopeUnknown(scope);
  return {
    ...passthrough(
      client,
      host,
      req.port,
      'Istio sidecar outboundTrafficPolicy ALLOW_ANY (PassthroughCluster)',
      [
        why,
        bySidecar
          ? `${bySidecar}: the sidecar passes the request through to the address the application dialed, with no mesh routing`
          : model.mesh?.outboundTrafficPolicy
            ? 'meshConfig.outboundTrafficPolicy.mode is ALLOW_ANY (profile mesh.outboundTrafficPolicy): the sidecar passes the request through to the address the application dialed, with no mesh routing'
            : "the profile does not set mesh.outboundTrafficPolicy, so Istio's default ALLOW_ANY is taken: the sidecar passes the request through to the address the application dialed (with REGISTRY_ONLY it would answer 502)",
        'what the outside host answers is not modeled',
      ],
    ),
    ...(odd ? { unknown: odd } : {}),
  };
}

/** The PassthroughCluster's answer: the request leaves for the address the application dialed. */
function passthrough(client: Pod, host: string, port: number, by: string, notes: string[]): MeshDecision {
  return {
    mesh: 'istio',
    client: `${client.namespace}/${client.name}`,
    clientMeshed: true,
    service: { namespace: client.namespace, name: host, port, kind: 'outside host' },
    by,
    status: 200,
    lost: [],
    destinations: [
      {
        kind: 'outside host',
        namespace: client.namespace,
        name: host,
        port,
        weight: 100,
        share: 100,
        workloads: [],
        endpoints: [`original destination ${host}:${port}`],
      },
    ],
    notes,
  };
}
