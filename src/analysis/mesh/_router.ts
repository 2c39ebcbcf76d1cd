import { lookup } from '../../model/lookup.ts';
import type { LostCandidate } from '../../model/routing.ts';
import type { ClusterModel, Pod, Service, ServicePort } from '../../model/types.ts';
import type { Labels } from '../../lib/labels.ts';
import type { MeshProfile, RoutingClient } from './_profile.ts';
import { entryEndpoints } from './istio/_service-entries.ts';
import { entryTlsNote } from './istio/_client-tls.ts';
import type {
  MeshAction,
  MeshClient,
  MeshDecision,
  MeshDestination,
  MeshMirror,
  MeshMirrorTarget,
  MeshRequest,
  MeshRouteTable,
  MeshTarget,
} from './types.ts';

/** Ready endpoints of a Service port with the pod behind each, from its EndpointSlices. */
export function readyEndpoints(
  model: ClusterModel,
  svc: Service,
  sp: ServicePort,
): { address: string; port: number; pod?: Pod }[] {
  const l = lookup(model);
  const out: { address: string; port: number; pod?: Pod }[] = [];
  for (const s of l.slicesOf(svc.namespace, svc.name)) {
    const ep = s.ports.find((p) => (p.name ?? '') === (sp.name ?? '') && p.protocol === sp.protocol);
    if (!ep?.port) continue;
    for (const e of s.endpoints)
      if (e.conditions.ready)
        for (const a of e.addresses)
          out.push({ address: a, port: ep.port, pod: e.targetRef ? l.podByKey(e.targetRef) : undefined });
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

const ownerRef = (p: Pod) => {
  if (!p.owner) return `${p.namespace}/${p.name}`;
  const parts = p.owner.split('/');
  return `${parts[1]}/${parts[2]}`;
};
const hasLabels = (p: Pod | undefined, want: Labels) =>
  !!p && Object.entries(want).every(([k, v]) => p.labels[k] === v);
const round = (x: number) => Math.round(x * 10) / 10;

/**
 * Ports Istio does not treat as HTTP: named `tcp`/`tls`/`https`/`mongo`/`mysql`/`redis` (or with such an
 * appProtocol). Other ports are HTTP by name or by protocol sniffing, so HTTP routes apply.
 * https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
 */
export function opaquePort(sp: ServicePort): string | undefined {
  const proto = (sp.appProtocol ?? sp.name?.split('-')[0] ?? '').toLowerCase();
  return ['tcp', 'tls', 'https', 'mongo', 'mysql', 'redis'].includes(proto) ? proto : undefined;
}

/**
 * The mirrors of a forwarded request as the answer shows them: each copy's destination resolved as a route target
 * is (Service or ServiceEntry host, subset pods, endpoints), with the share of requests copied. A destination that
 * cannot take the copies says why; the copies are fire-and-forget, so that never changes the answer.
 */
export function mirrorDestinations(
  model: ClusterModel,
  profile: MeshProfile | undefined,
  mirrors: readonly MeshMirrorTarget[] | undefined,
  reqPort: number,
  client: RoutingClient,
): { mirrors?: MeshMirror[] } {
  if (!mirrors?.length) return {};
  const ds = destinations(model, profile, mirrors, reqPort, client, []);
  return {
    mirrors: ds.map((d, i) => ({
      ...(d.kind ? { kind: d.kind } : {}),
      namespace: d.namespace,
      name: d.name,
      ...(d.subset ? { subset: d.subset } : {}),
      port: d.port ?? reqPort,
      percent: mirrors[i].percent,
      workloads: d.workloads,
      endpoints: d.endpoints,
      ...(d.problem
        ? {
            problem: d.problem.replace(
              / — (the sidecar answers 503|the proxy answers 500|requests sent here get 503)$/,
              '',
            ),
          }
        : {}),
    })),
  };
}

/** Turns a rule's targets into destinations: Service port, subset pods, workloads, endpoints and shares. */
export function destinations(
  model: ClusterModel,
  profile: MeshProfile | undefined,
  targets: readonly MeshTarget[],
  reqPort: number,
  client: RoutingClient,
  notes: string[],
): MeshDestination[] {
  const total = targets.reduce((s, t) => s + Math.max(0, t.weight), 0);
  return targets.map((t) => {
    const port = t.port ?? reqPort;
    const share = total ? round((Math.max(0, t.weight) / total) * 100) : 0;
    const base = { namespace: t.namespace, name: t.name, subset: t.subset, port, weight: t.weight, share };
    const none = (problem: string): MeshDestination => ({ ...base, workloads: [], endpoints: [], problem });
    if (t.problem) return none(t.problem);
    if (t.entry) {
      const ep = t.entry.ports.find((p) => p.number === port);
      if (!ep) return none(`${t.entry.key} declares no port ${port} for ${t.name} — the sidecar answers 503`);
      const r = entryEndpoints(model, t.entry, ep, t.name);
      notes.push(...r.notes);
      const tls = entryTlsNote(model, t.name, t.entry.namespace, port, client);
      if (tls) notes.push(tls);
      return {
        ...base,
        kind: 'ServiceEntry host',
        workloads: r.workloads,
        endpoints: r.endpoints,
        ...(r.problem ? { problem: r.problem } : {}),
      };
    }
    const svc = lookup(model).serviceByRef(`${t.namespace}/${t.name}`);
    if (!svc) return none(`Service ${t.namespace}/${t.name} not found — the sidecar answers 503`);
    const sp = svc.ports.find((p) => p.port === port && p.protocol === 'TCP');
    if (!sp)
      return none(`Service ${t.namespace}/${t.name} has no TCP port ${port} — the sidecar answers 503`);
    let eps = readyEndpoints(model, svc, sp);
    if (t.subset) {
      const sub = profile
        ? profile.subset(svc, t.subset, client)
        : `subset ${t.subset}: no mesh resolves subsets`;
      if (typeof sub === 'string') return none(sub);
      notes.push(...sub.notes);
      eps = eps.filter((e) => hasLabels(e.pod, sub.labels));
    }
    const workloads = [...new Set(eps.flatMap((e) => (e.pod ? [ownerRef(e.pod)] : [])))].sort();
    const endpoints = eps.map((e) => `${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}`);
    return {
      ...base,
      workloads,
      endpoints,
      ...(endpoints.length
        ? {}
        : {
            problem: `no ready endpoint${t.subset ? ` in subset ${t.subset}` : ''} — requests sent here get 503`,
          }),
    };
  });
}

/**
 * Evaluates a route table for one request: rules in order, the first with a matching block wins (blocks
 * ORed, conditions ANDed); no match is 404 (Envoy's "no route"). With `explain`, every other rule is listed
 * with why it lost.
 */
export function evaluateTable(
  table: MeshRouteTable,
  req: MeshRequest,
  client: MeshClient,
  explain: boolean,
): { winner?: { object: string; at: string; match: string; action: MeshAction }; lost: LostCandidate[] } {
  const lost: LostCandidate[] = [];
  let winner: { object: string; at: string; match: string; action: MeshAction } | undefined;
  for (const rule of table.rules) {
    const why: string[] = [];
    let hit = -1;
    for (let i = 0; i < rule.matches.length && hit < 0; i++) {
      const f = rule.matches[i].failure(req, client, explain);
      if (f === undefined) hit = i;
      else if (explain) why.push(rule.matches.length > 1 ? `${rule.matches[i].at}: ${f}` : f);
    }
    const text = rule.matches.map((m) => m.describe).join(' OR ');
    const at = `${rule.at}${rule.name ? ` (${rule.name})` : ''}`;
    if (hit >= 0 && !winner) {
      winner = { object: rule.object, at, match: rule.matches[hit].describe, action: rule.act(req, hit) };
      if (!explain) break;
    } else if (explain)
      lost.push({
        object: rule.object,
        at,
        match: text,
        reason: hit >= 0 ? `matches, but ${winner!.at} comes first` : why.join('; '),
      });
  }
  return { winner, lost };
}

export type { MeshDecision };

/** What every mesh answer carries besides its outcome (mesh, client, the Service or ServiceEntry host). */
type DecisionBase = Omit<MeshDecision, 'by' | 'status' | 'lost' | 'destinations' | 'notes'>;

/**
 * What the winning rule of a mesh route table does, whatever named the host: answered by the sidecar without
 * forwarding (no rule matches: 404; a redirect; a direct or fault response with its status), or forwarded to the
 * route's destinations. The winning action's notes are added to `notes` either way.
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute
 */
export function sidecarOutcome(
  base: DecisionBase,
  by: string,
  evaluated: ReturnType<typeof evaluateTable>,
  notes: string[],
):
  | { readonly answered: MeshDecision }
  | {
      readonly forward: Extract<MeshAction, { kind: 'route' }>;
      readonly won: { object: string; at: string; match: string };
      readonly lost: LostCandidate[];
    } {
  const { winner, lost } = evaluated;
  if (!winner) {
    notes.push('no rule matches: the sidecar answers 404');
    return { answered: { ...base, by, status: 404, lost, destinations: [], notes } };
  }
  const a = winner.action;
  notes.push(...a.notes);
  const won = { object: winner.object, at: winner.at, match: winner.match };
  if (a.kind === 'redirect')
    return {
      answered: {
        ...base,
        by,
        status: a.status,
        winner: won,
        lost,
        destinations: [],
        redirect: { status: a.status, location: a.location },
        notes,
      },
    };
  if (a.kind === 'unknown')
    return {
      answered: { ...base, by, status: 200, winner: won, lost, destinations: [], unknown: a.why, notes },
    };
  if (a.kind === 'respond') {
    notes.push(`${a.why}: the sidecar answers ${a.status} without forwarding`);
    return { answered: { ...base, by, status: a.status, winner: won, lost, destinations: [], notes } };
  }
  return { forward: a, won, lost };
}
