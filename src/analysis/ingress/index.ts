/**
 * Ingress routing for one IngressClass under a controller behaviour profile (spec, ingress-nginx, Traefik):
 * which path of which Ingress a request reaches, and whether the controller's answer differs from the spec's.
 * https://kubernetes.io/docs/concepts/services-networking/ingress/
 */
import type {
  ControllerProfile,
  DecisionBackend,
  HttpRequest,
  Ingress,
  IngressBackend,
  RouteDecision,
  RoutingModel,
} from '../../model/routing.ts';
import { describeEntry, entriesOf, reportedAnnotations, type Entry } from './_entries.ts';
import { pick, type IngressPick } from './_router.ts';
import { resolveIngressClass } from './_class.ts';
import { applyTraefikMiddlewares } from './_traefik-middlewares.ts';
import { compileIngressRoutes, type CompiledIngressRoute } from './_traefik-ingressroute.ts';
import { withIngressRoutes } from './_traefik-combined.ts';
import { addUnknown, someUnknown } from './_unknown.ts';

export { resolveIngressClass, controllerProfileFor, controllerProfiles } from './_class.ts';
export { ingressHostMatch, prefixElementMatch, nginxWildcardMatch } from './_match.ts';
export { traefikRule, traefikEntryPoints } from './_traefik.ts';
export { parseTraefikRule, evalTraefikRule, type RuleNode, type Truth } from './_traefik-rule.ts';
export { ingressRouteSecretFor, type CompiledIngressRoute } from './_traefik-ingressroute.ts';
export { entriesOf, type Entry } from './_entries.ts';
export { groupOf as albGroupOf, listenersOf as albListeners } from './_alb.ts';
export {
  albInbound,
  albScheme,
  albTargetType,
  type AlbInbound,
  type AlbScheme,
  type AlbTargetType,
} from './_alb-frontend.ts';
export { canaryAnnotations, canaryFor, canaryPolicy, isCanary, type CanaryPolicy } from './_nginx-canary.ts';

export interface IngressRouterOptions {
  readonly profile: ControllerProfile;
  readonly strictPrefixMatching?: boolean;
  /** Resolves a Service backend (existence, port by number or name); supplied by the route analysis. */
  readonly resolve: (namespace: string, name: string, port: number | string) => DecisionBackend;
}

export interface IngressRouter {
  /** The Ingresses the class owns, sorted by key. */
  readonly ingresses: readonly Ingress[];
  /** Traefik: the routers of every IngressRoute, highest priority first (empty under other profiles). */
  readonly ingressRoutes: readonly CompiledIngressRoute[];
  route(req: HttpRequest, explain?: boolean): RouteDecision;
}

/** The Ingresses that belong to `className` (by ingressClassName, annotation or default class). */
export function ingressesOfClass(routing: RoutingModel, className: string): Ingress[] {
  return routing.ingresses.filter(
    (i) => resolveIngressClass(i, routing.ingressClasses).className === className,
  );
}

/** Compiles the router of one class once; `route` is then cheap per request. */
export function compileIngressRouter(
  routing: RoutingModel,
  className: string,
  opts: IngressRouterOptions,
): IngressRouter {
  const ingresses = ingressesOfClass(routing, className);
  const entries = entriesOf(ingresses);
  const ingressRoutes =
    opts.profile === 'traefik' ? compileIngressRoutes(routing.traefikIngressRoutes ?? [], opts.resolve) : [];
  /** The Ingresses' answer, and the priority of the Traefik router that gave it. */
  const byIngress = (req: HttpRequest, explain: boolean): { d: RouteDecision; priority?: number } => {
    const lost: { entry: Entry; reason: string }[] | undefined = explain ? [] : undefined;
    const p = pick(
      entries,
      ingresses,
      req,
      { profile: opts.profile, strictPrefixMatching: opts.strictPrefixMatching },
      lost,
    );
    const d = withMiddlewares(toDecision(p, opts, lost ?? []), p, req, routing, opts);
    const priority = p.entry ? p.priority : undefined;
    if (!explain || opts.profile === 'spec') return { d, priority };
    const specPick = pick(entries, ingresses, req, { profile: 'spec' });
    const spec = toDecision(specPick, opts, []);
    const differs =
      spec.status !== d.status ||
      spec.winner?.object !== d.winner?.object ||
      spec.winner?.at !== d.winner?.at ||
      spec.rewrittenPath !== d.rewrittenPath;
    const specSays = spec.winner
      ? `${spec.status} via ${spec.winner.object} ${spec.winner.at} (${spec.winner.match})`
      : `${spec.status}`;
    const notes = [
      ...d.notes,
      differs
        ? `DIFFERS FROM SPEC: under the Ingress spec this request gets ${specSays}${
            p.entry?.pathType === 'ImplementationSpecific' ||
            specPick.entry?.pathType === 'ImplementationSpecific'
              ? implementationSpecific
              : ''
          }`
        : 'same answer as the Ingress spec',
    ];
    return { d: { ...d, notes }, priority };
  };
  return {
    ingresses,
    ingressRoutes,
    route: (req, explain = false) =>
      ingressRoutes.length
        ? withIngressRoutes(ingressRoutes, req, explain, {
            resolve: opts.resolve,
            middlewares: routing.traefikMiddlewares ?? [],
            byIngress,
          })
        : byIngress(req, explain).d,
  };
}

/**
 * "Matching for ImplementationSpecific is up to the IngressClass" (https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types):
 * when either answer rests on such a path, the difference is the controller's reading against kubetwin's spec-profile
 * reading (as Prefix), not a departure from a rule the spec fixes.
 */
const implementationSpecific =
  " (an ImplementationSpecific path decides: the spec leaves its meaning to the controller, and the spec profile reads it as Prefix, so this is the controller's reading, not a departure from the spec)";

/** Traefik: the winning Ingress's `router.middlewares`, applied to a forwarded request. */
function withMiddlewares(
  d: RouteDecision,
  p: IngressPick,
  req: HttpRequest,
  routing: RoutingModel,
  opts: IngressRouterOptions,
): RouteDecision {
  if (opts.profile !== 'traefik' || !p.entry || d.redirect) return d;
  const out = applyTraefikMiddlewares(p.entry.ingress, req, routing.traefikMiddlewares ?? []);
  if (!out) return d;
  const notes = [...d.notes, ...out.notes];
  const with_ = (x: RouteDecision) => addUnknown(x, out.unknown);
  if (out.redirect)
    return with_({ ...d, status: out.redirect.status, redirect: out.redirect, backends: [], notes });
  if (out.status) return with_({ ...d, status: out.status, backends: [], notes });
  return with_({
    ...d,
    ...(out.rewrittenPath !== undefined ? { rewrittenPath: out.rewrittenPath } : {}),
    notes,
  });
}

function backendOf(ing: Ingress, b: IngressBackend, opts: IngressRouterOptions): DecisionBackend {
  if (b.service) return opts.resolve(ing.namespace, b.service.name, b.service.port);
  return {
    namespace: ing.namespace,
    name: b.resource?.name ?? '',
    weight: 1,
    problem: `resource backend ${b.resource?.kind}/${b.resource?.name} is not a Service; kubetwin does not route to it`,
  };
}

/**
 * The backends of a location with a canary: the one the header or cookie chose, or both weighted by
 * `canary-weight` (the primary gets the rest of the total).
 */
function withCanary(
  primary: DecisionBackend,
  canary: NonNullable<IngressPick['canary']>,
  opts: IngressRouterOptions,
): DecisionBackend[] {
  const alt = backendOf(canary.entry.ingress, canary.entry.backend, opts);
  const c = canary.choice;
  if ('split' in c)
    return [
      { ...primary, weight: c.total - c.split },
      { ...alt, weight: c.split },
    ];
  return [c.to === 'canary' ? alt : primary];
}

function toDecision(
  p: IngressPick,
  opts: IngressRouterOptions,
  lost: readonly { entry: Entry; reason: string }[],
): RouteDecision {
  const notes = [...p.notes];
  const ing = p.entry?.ingress ?? p.defaultBackend?.ingress;
  // With a canary, session affinity does choose between the two backends: its own note (canaryAffinity) says how.
  const affinity = 'nginx.ingress.kubernetes.io/affinity:';
  if (ing)
    notes.push(
      ...reportedAnnotations(ing, opts.profile).filter((n) => !(p.canary && n.startsWith(affinity))),
    );
  const lostOut = lost.map((l) => ({
    object: l.entry.ingress.key,
    at: l.entry.at,
    match: describeEntry(l.entry),
    reason: l.reason,
  }));
  if (p.redirect)
    return {
      status: p.redirect.status,
      redirect: p.redirect,
      ...(p.entry
        ? { winner: { object: p.entry.ingress.key, at: p.entry.at, match: describeEntry(p.entry) } }
        : {}),
      backends: [],
      mirrors: [],
      lost: lostOut,
      notes,
      ...someUnknown(p.unknown ?? []),
    };
  if (!ing)
    return {
      status: 404,
      backends: [],
      mirrors: [],
      lost: lostOut,
      ...someUnknown(p.unknown ?? []),
      notes: [
        ...notes,
        // The ALB profile says itself why nothing answers (no listener, or the fixed-response 404 default action).
        ...(opts.profile === 'alb'
          ? []
          : [
              opts.profile === 'ingress-nginx'
                ? "no rule matches and no spec.defaultBackend answers for this server: ingress-nginx's default backend answers 404 (its built-in one, or the Service of the controller's --default-backend-service flag, which the manifests do not show)"
                : 'no rule matches and no Ingress of the class has a defaultBackend: the controller answers 404',
            ]),
      ],
    };
  const primary = backendOf(ing, p.entry ? p.entry.backend : p.defaultBackend!.backend, opts);
  const winner = p.entry
    ? { object: ing.key, at: p.entry.at, match: describeEntry(p.entry) }
    : { object: ing.key, at: 'spec.defaultBackend', match: 'defaultBackend' };
  const backends = p.canary ? withCanary(primary, p.canary, opts) : [primary];
  return {
    status: backends.some((b) => b.weight > 0 && !b.problem) ? 200 : 503,
    winner,
    backends,
    rewrittenPath: p.rewrittenPath,
    mirrors: [],
    lost: lostOut,
    notes,
    ...someUnknown([...(p.unknown ?? []), ...(p.canary?.unknown ?? [])]),
  };
}
