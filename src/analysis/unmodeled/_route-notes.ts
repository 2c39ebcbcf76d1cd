import { fields } from '../../model/catalogue.ts';
import { catalogueSegments } from '../../model/catalogue-path.ts';
import type { RouteDecision, RouteUnknown } from '../../model/routing.ts';
import type { ClusterModel } from '../../model/types.ts';
import { describeObject, namingRequest, unmodeledObjects, type UnmodeledObject } from './_objects.ts';
import { kongPluginUnknowns } from './_kong-plugins.ts';

/** Where one request went: what a route answer is about. */
export interface RouteAnswer {
  readonly host: string;
  /** `Gateway/ns/name` when routed through a Gateway. */
  readonly gateway?: string;
  readonly decision: RouteDecision;
}

function present(v: unknown, segs: readonly string[]): boolean {
  if (segs.length === 0) return v !== undefined && v !== null;
  if (v === null || typeof v !== 'object') return false;
  const [head, ...rest] = segs;
  if (head === '*') return Array.isArray(v) && v.some((x) => present(x, rest));
  return present((v as Record<string, unknown>)[head], rest);
}

/**
 * Fields of the objects in a route answer that the catalogue lists below `modeled` (the winning HTTPRoute rule's
 * `timeouts`, `retry`, backendRef `filters`; the Gateway's `infrastructure` or `tls.frontend`; the backend Service
 * port's `appProtocol`), each named with the catalogue's note: the answer says what it did not take into account.
 */
export function unmodeledFieldNotes(model: ClusterModel, answer: RouteAnswer): string[] {
  const notes: string[] = [];
  const body = (key: string) => model.others.find((o) => o.key === key)?.body;
  const winner = answer.decision.winner;
  // HTTPRoute-like `rules[i]`, or a Traefik IngressRoute's `routes[i]`.
  const at = winner ? /^(rules|routes)\[(\d+)\]/.exec(winner.at) : undefined;
  if (winner && at) {
    const [, list, rule] = at;
    const kind = winner.object.split('/')[0];
    const b = body(winner.object);
    const spec = b?.spec as Record<string, unknown> | undefined;
    for (const f of fields)
      if (f.kind === kind && f.path.startsWith(`spec.${list}.*.`)) {
        const inRule = f.path.slice(`spec.${list}.*.`.length).split('.');
        const r = (spec?.[list] as unknown[] | undefined)?.[Number(rule)];
        if (present(r, inRule))
          notes.push(
            `${f.level === 'partial' ? 'partly modeled' : 'not modeled'}: ${winner.object} ${list}[${rule}].${inRule.join('.').replace(/\.\*/g, '[*]')} — ${f.note}`,
          );
      }
    if (kind === 'IngressRoute')
      for (const f of fields)
        if (f.kind === kind && f.path.startsWith('spec.tls.') && present(b, catalogueSegments(f.path)))
          notes.push(`not modeled: ${winner.object} ${f.path} — ${f.note}`);
  }
  if (answer.gateway) {
    const b = body(answer.gateway);
    for (const f of fields)
      if (f.kind === 'Gateway' && present(b, catalogueSegments(f.path)))
        notes.push(
          `${f.level === 'partial' ? 'partly modeled' : 'not modeled'}: ${answer.gateway} ${f.path} — ${f.note}`,
        );
  }
  const appProtocol = fields.find((f) => f.kind === 'Service' && f.path === 'spec.ports.*.appProtocol');
  for (const be of answer.decision.backends) {
    const svc = model.services.find((s) => s.namespace === be.namespace && s.name === be.name);
    const port = svc?.ports.find((p) => p.port === be.port);
    if (appProtocol && port?.appProtocol)
      notes.push(
        `not modeled: Service ${be.namespace}/${be.name} port ${port.port} appProtocol ${port.appProtocol} — ${appProtocol.note}`,
      );
  }
  return notes;
}

/** Unmodeled routing objects (another router, a mesh) that name the request's host or a backend Service. */
export function unmodeledRouteObjects(model: ClusterModel, answer: RouteAnswer): UnmodeledObject[] {
  const services = [...answer.decision.backends, ...answer.decision.mirrors].map(
    (b) => `${b.namespace}/${b.name}`,
  );
  return namingRequest(unmodeledObjects(model), { host: answer.host, services }, model.profile.clusterDomain);
}

/** What a route answer cannot decide: the unmodeled objects (another router, a mesh) that name its host or a backend. */
export function routeUnknowns(model: ClusterModel, answer: RouteAnswer): RouteUnknown[] {
  const kong = kongPluginUnknowns(model, answer);
  return [
    ...unmodeledRouteObjects(model, answer)
      .filter((o) => !kong.some((k) => k.object === o.key))
      .map((o) => ({
        object: o.key,
        text: `${describeObject(o)} names this host or backend and kubetwin does not model it (${o.note}); it may change where this request goes`,
      })),
    ...kong,
  ];
}

/**
 * East-west: the unmodeled objects that may change where a meshed client's request goes (an Istio EnvoyFilter):
 * routing objects in the client's or a destination's namespace, or cluster-wide ones. Conservative, as `touchingConnection` is.
 */
export function meshRouteUnknowns(model: ClusterModel, namespaces: readonly string[]): RouteUnknown[] {
  return unmodeledObjects(model)
    .filter(
      (o) =>
        o.affects.includes('routing') && (o.scope === 'cluster' || namespaces.includes(o.namespace ?? '')),
    )
    .map((o) => ({
      object: o.key,
      text: `${describeObject(o)} applies here and kubetwin does not model it (${o.note}); it may change where this request goes`,
    }));
}
