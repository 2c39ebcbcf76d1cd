/**
 * Where an Istio ambient waypoint sends an HTTP request from an ambient client for a Service bound to it. The
 * waypoint, not the client, applies the Service's Gateway API routes (GAMMA: HTTPRoutes and GRPCRoutes whose
 * parentRefs name the Service, kind Service, group ""), with the Gateway API's matching, precedence, filters,
 * weights and backendRefs (https://istio.io/latest/docs/ambient/usage/l7-features/,
 * https://istio.io/latest/docs/ambient/getting-started/manage-traffic/ — reviews split 90/10 between reviews-v1 and
 * reviews-v2 — and https://gateway-api.sigs.k8s.io/mesh/). Authorization comes first: the waypoint's
 * AuthorizationPolicies are Envoy's RBAC HTTP filter, which runs before the router filter (the router is the last
 * HTTP filter: https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/router_filter), so a
 * denied request gets 403 whatever the route says, and the policy sees the request as the client sent it (before a
 * rewrite), for the Service it addressed. A request the route answers itself (redirect, direct response, no match)
 * is refused here; one it forwards is refused by the same verdict where `reach` and `trace` judge the waypoint
 * (`_waypoint-inbound.ts`, with the addressed Service), and the decision carries a note. Not modeled, so unknown: routes in the client's namespace (consumer
 * routes) for a waypoint every client shares, VirtualServices and L4 routes naming the Service, a backend Service
 * bound to another waypoint. Pure.
 */
import type { ClusterModel, Pod, Service } from '../../../model/types.ts';
import type { MeshProfile } from '../_profile.ts';
import { destinations, evaluateTable, mirrorDestinations, sidecarOutcome } from '../_router.ts';
import type { MeshDecision, MeshRequest, MeshRouteTable } from '../types.ts';
import { authorize } from './_authz.ts';
import { waypointPolicies, waypointRouteGaps, type Waypoint } from './_waypoint.ts';

export interface WaypointRouteInput {
  readonly model: ClusterModel;
  readonly profile: MeshProfile;
  /** The GAMMA tables (`gammaTables`). */
  readonly gamma: (service: Service, clientNs: string) => MeshRouteTable | undefined;
  readonly svc: Service;
  readonly waypoint: Waypoint;
  readonly req: MeshRequest;
  readonly client: Pod;
  readonly explain: boolean;
  readonly common: Pick<MeshDecision, 'mesh' | 'client' | 'clientMeshed' | 'service'>;
  readonly notes: string[];
}

/** `the sidecar answers 404` and the like, said of the waypoint. */
const atWaypoint = (notes: readonly string[]) => notes.map((n) => n.replace(/the sidecar/g, 'the waypoint'));

/** The waypoint's decision for one request (see the file comment). */
export function waypointRoute(i: WaypointRouteInput): MeshDecision {
  const { model, svc, waypoint: w, req, client, notes } = i;
  const name = `${w.namespace}/${w.name}`;
  const common = { ...i.common, waypoint: name };
  notes.push(
    `Service ${svc.namespace}/${svc.name} is bound to the Istio waypoint ${name} (${w.boundBy}): the client's ztunnel sends the request there, and the waypoint routes it`,
  );
  const everyEndpoint = (by: string, extra: Partial<MeshDecision> = {}): MeshDecision => {
    const ds = destinations(
      model,
      i.profile,
      [{ namespace: svc.namespace, name: svc.name, weight: 100 }],
      req.port,
      client,
      notes,
    );
    return { ...common, by, status: ds[0]?.problem ? 503 : 200, lost: [], destinations: ds, notes, ...extra };
  };
  const producer = i.gamma(svc, svc.namespace);
  const consumer = client.namespace !== svc.namespace ? i.gamma(svc, client.namespace) : undefined;
  const gaps = [
    ...waypointRouteGaps(model, svc, { gamma: true }),
    ...(consumer && consumer !== producer
      ? [
          `${consumer.by} name Service ${svc.namespace}/${svc.name}: whether the waypoint ${name}, shared by every client, applies routes of the client's namespace is not modeled by kubetwin`,
        ]
      : []),
  ];
  if (gaps.length) return everyEndpoint(`Istio waypoint ${name}`, { unknown: gaps[0] });
  // Authorization before routing (RBAC before the router), on the request the client sent.
  const mesh = model.mesh!;
  const bound = waypointPolicies(mesh.authorizationPolicies, mesh.rootNamespace, w, svc).map((p) => ({
    ...p,
    targetRefs: false,
  }));
  const authz = authorize(bound, {
    peer: {
      principal: `${model.profile.clusterDomain}/ns/${client.namespace}/sa/${client.serviceAccountName}`,
    },
    sourceIp: client.ip,
    port: req.port,
    tcp: false,
    http: { method: req.method, path: req.path, headers: req.headers },
  });
  // A request the waypoint forwards is judged again where it is delivered (reach and trace's mesh authorization
  // hop, with the same facts); one the route answers itself is refused here first.
  const refusal = `the waypoint's authorization refuses this request with 403 before routing it (RBAC before the router): ${authz.reason}`;
  const refused = (d: MeshDecision): MeshDecision =>
    authz.allowed
      ? d
      : {
          ...d,
          by: `Istio waypoint ${name} authorization`,
          status: 403,
          destinations: [],
          notes: [...new Set([...d.notes, refusal])],
        };
  notes.push(...authz.notes);
  if (authz.unknown.length)
    return everyEndpoint(`Istio waypoint ${name} (authorization)`, { unknown: authz.unknown[0] });
  if (!authz.allowed) notes.push(refusal);
  if (!producer)
    return everyEndpoint(`Istio waypoint ${name} (no route names this Service: every ready endpoint)`);
  const by = `Istio waypoint ${name}: ${producer.by}`;
  notes.push(...producer.notes);
  const outcome = sidecarOutcome(common, by, evaluateTable(producer, req, { pod: client }, i.explain), notes);
  if ('answered' in outcome)
    return refused({ ...outcome.answered, notes: atWaypoint(outcome.answered.notes) });
  const { forward: a, won, lost } = outcome;
  const ds = destinations(model, i.profile, a.targets, req.port, client, notes);
  // The waypoint sends to the backends' endpoints itself; another waypoint in front of a backend is not modeled.
  const other = a.targets
    .map((t) => model.services.find((s) => s.namespace === t.namespace && s.name === t.name))
    .map((s) => s && s.labels['istio.io/use-waypoint'])
    .find((x) => x !== undefined && x !== 'none' && x !== w.name);
  const usable = ds.filter((d) => !d.problem && d.weight > 0);
  return {
    ...common,
    by,
    status: usable.length ? 200 : 503,
    winner: won,
    lost,
    destinations: ds,
    rewrittenPath: a.rewrittenPath,
    rewrittenHost: a.rewrittenHost,
    ...(a.timeout ? { timeout: a.timeout } : {}),
    ...(a.retries ? { retries: a.retries } : {}),
    ...mirrorDestinations(model, i.profile, a.mirrors, req.port, client),
    ...(other
      ? {
          unknown: `a backend Service of the route is bound to another waypoint (${other}): whether ${name} sends to it through that waypoint is not modeled by kubetwin`,
        }
      : {}),
    notes: atWaypoint([...new Set(notes)]),
  };
}
