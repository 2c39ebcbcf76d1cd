import type {
  DecisionBackend,
  HttpRequest,
  LostCandidate,
  RouteDecision,
  RouteUnknown,
} from '../../model/routing.ts';
import type { TraefikIngressRoute, TraefikRoute } from '../../model/traefik-ingressroute.ts';
import type { TraefikMiddleware } from '../../model/traefik-middleware.ts';
import { entryPointsMiss } from './_traefik.ts';
import { evalTraefikRule, parseTraefikRule, type RuleNode } from './_traefik-rule.ts';
import { runTraefikMiddlewares } from './_traefik-middlewares.ts';
import { someUnknown } from './_unknown.ts';

/** One `routes[]` entry of an IngressRoute, its rule parsed once. */
export interface CompiledIngressRoute {
  readonly ir: TraefikIngressRoute;
  readonly route: TraefikRoute;
  readonly rule: RuleNode | { readonly error: string };
  /** `priority` when set (not 0), else the length of `match`. */
  readonly priority: number;
  /** Why Traefik builds no router for this route (empty match, a Service or port that does not exist). */
  readonly broken?: string;
  /** The host a top-level `Host(…) && …` requires (lower case): other hosts are rejected without evaluating. */
  readonly host?: string;
}

/** A router that may take the request but whose rule kubetwin cannot decide. */
export interface UndecidedRoute {
  readonly priority: number;
  readonly unknown: RouteUnknown;
}

export interface IngressRoutePick {
  readonly win?: CompiledIngressRoute;
  /** Undecided routers of a priority at least the winner's (all of them when none wins), best first. */
  readonly undecided: readonly UndecidedRoute[];
}

const crossNamespace =
  'Traefik refuses a cross-namespace reference unless the kubernetesCRD provider has allowCrossNamespace: true (default false), which the manifests do not show (https://doc.traefik.io/traefik/reference/install-configuration/providers/kubernetes/kubernetes-crd/)';

/**
 * Each `routes[]` entry of the IngressRoutes becomes a router whose priority is `priority` or, when unset or 0,
 * the length of its `match` rule; routers are tried highest priority first (ties in input order).
 * https://doc.traefik.io/traefik/reference/routing-configuration/http/routing/rules-and-priority/#priority-calculation
 * https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/ingressroute/
 */
export function compileIngressRoutes(
  irs: readonly TraefikIngressRoute[],
  resolve: IngressRouteDecisionOptions['resolve'],
): CompiledIngressRoute[] {
  return irs
    .flatMap((ir) =>
      ir.routes.map((route) => {
        const broken = brokenRoute(route, resolve);
        const rule = parseTraefikRule(route.match);
        const host = 'error' in rule ? undefined : requiredHost(rule);
        return {
          ir,
          route,
          rule,
          ...(host ? { host } : {}),
          priority: route.priority && route.priority > 0 ? route.priority : route.match.length,
          ...(broken ? { broken } : {}),
        };
      }),
    )
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.priority - a.c.priority || a.i - b.i)
    .map((x) => x.c);
}

/**
 * Traefik's CRD provider skips a route (logs an error, builds no router) whose match is empty or whose Service
 * does not exist, lacks the port, or is of an unsupported kind, so the request falls to the next router.
 * https://github.com/traefik/traefik/blob/master/pkg/provider/kubernetes/crd/kubernetes_http.go
 */
function brokenRoute(
  route: TraefikRoute,
  resolve: IngressRouteDecisionOptions['resolve'],
): string | undefined {
  if (route.kind && route.kind !== 'Rule') return `its kind is ${route.kind}, not Rule`;
  if (!route.match) return 'its match is empty';
  for (const [j, s] of route.services.entries()) {
    if (s.kind === 'TraefikService') continue;
    if (s.kind !== 'Service') return `services[${j}] has the unsupported kind ${s.kind}`;
    if (s.port === undefined) continue;
    const problem = resolve(s.namespace, s.name, s.port).problem;
    if (problem) return `services[${j}]: ${problem.replace(/: the controller answers 503$/, '')}`;
  }
  return undefined;
}

/** The literal host of a `Host` matcher every match needs (a conjunct at the top of the rule), if any. */
function requiredHost(n: RuleNode): string | undefined {
  if (n.op === 'matcher')
    return n.name === 'Host' && n.args.length === 1 && !n.args[0].includes('*')
      ? n.args[0].toLowerCase()
      : undefined;
  return n.op === 'and' ? (requiredHost(n.left) ?? requiredHost(n.right)) : undefined;
}

const describe = (c: CompiledIngressRoute) => `${c.ir.key} ${c.route.at}`;

/** An undecided point of the route `c` (its object and `routes[i]` path, `at` when a field under it). */
const unknownOf = (c: CompiledIngressRoute, text: string, at = c.route.at): RouteUnknown => ({
  object: c.ir.key,
  path: at,
  text,
});

/**
 * The highest-priority router that takes the request. A router only listens on its `entryPoints` (all of them
 * when empty); with `tls` set it answers TLS requests only, without it plain HTTP only.
 * https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/ingressroute/ (tls)
 */
export function pickIngressRoute(
  compiled: readonly CompiledIngressRoute[],
  req: HttpRequest,
  lost?: LostCandidate[],
): IngressRoutePick {
  const undecided: UndecidedRoute[] = [];
  const host = req.host.toLowerCase();
  let win: CompiledIngressRoute | undefined;
  for (const c of compiled) {
    const reject = (reason: string) =>
      lost?.push({ object: c.ir.key, at: c.route.at, match: c.route.match, reason });
    if (win && c.priority < win.priority && !lost) break;
    if (c.host !== undefined && c.host !== host) {
      reject(`rule ${c.route.match} does not match`);
      continue;
    }
    if (entryPointsMiss(c.ir.entryPoints, req.port)) {
      reject(`entryPoints ${c.ir.entryPoints.join(',')} do not listen on port ${req.port}`);
      continue;
    }
    if (c.broken) {
      reject(`Traefik builds no router for it: ${c.broken}`);
      continue;
    }
    if (!!c.ir.tls !== (req.scheme === 'https')) {
      reject(
        c.ir.tls
          ? 'tls is set: the router answers TLS requests only'
          : 'no tls: the router answers plain HTTP only',
      );
      continue;
    }
    if ('error' in c.rule) {
      if (!win || c.priority >= win.priority)
        undecided.push({
          priority: c.priority,
          unknown: unknownOf(
            c,
            `${describe(c)} rule ${c.route.match} cannot be parsed by kubetwin (${c.rule.error}); whether it takes this request is not known (Traefik does not build a router whose rule it cannot parse)`,
          ),
        });
      continue;
    }
    const why: string[] = [];
    const v = evalTraefikRule(c.rule, req, why);
    if (v === false) reject(`rule ${c.route.match} does not match`);
    else if (win) {
      if (c.priority === win.priority)
        undecided.push({
          priority: c.priority,
          unknown: unknownOf(
            c,
            `${describe(c)} also ${v === true ? 'matches' : 'may match'} with the same priority ${c.priority} as ${describe(win)}; Traefik's order between routers of equal priority is not defined`,
          ),
        });
      else reject(`matches, but router priority ${c.priority} is below ${win.priority}`);
    } else if (v === 'unknown')
      undecided.push({
        priority: c.priority,
        unknown: unknownOf(
          c,
          `${describe(c)} rule ${c.route.match} (priority ${c.priority}) may take this request: ${why.join('; ')}`,
        ),
      });
    else win = c;
  }
  return { ...(win ? { win } : {}), undecided };
}

export interface IngressRouteDecisionOptions {
  readonly resolve: (namespace: string, name: string, port: number | string) => DecisionBackend;
  readonly middlewares: readonly TraefikMiddleware[];
}

/** The answer of the winning router: its middlewares run in order, then its services weighted. */
export function ingressRouteDecision(
  c: CompiledIngressRoute,
  req: HttpRequest,
  opts: IngressRouteDecisionOptions,
): Omit<RouteDecision, 'lost'> {
  const notes = [`Traefik router rule ${c.route.match}, priority ${c.priority} (${describe(c)})`];
  const unknown: RouteUnknown[] = [];
  const chain = c.route.middlewares.map((ref, i): TraefikMiddleware | RouteUnknown => {
    const m = opts.middlewares.find((x) => x.namespace === ref.namespace && x.name === ref.name);
    const path = `${c.route.at}.middlewares[${i}]`;
    if (m && ref.namespace !== c.ir.namespace)
      unknown.push(
        unknownOf(
          c,
          `${describe(c)} middlewares[${i}] names ${ref.namespace}/${ref.name}: ${crossNamespace}`,
          path,
        ),
      );
    return (
      m ??
      unknownOf(
        c,
        `middleware ${ref.namespace}/${ref.name} (${describe(c)} middlewares[${i}]) is not among the manifests; Traefik does not build a router whose middleware is missing, so this request may get 404 instead`,
        path,
      )
    );
  });
  const out = runTraefikMiddlewares(chain, req);
  notes.push(...out.notes);
  unknown.push(...out.unknown);
  const winner = { object: c.ir.key, at: c.route.at, match: c.route.match };
  if (out.redirect)
    return {
      status: out.redirect.status,
      redirect: out.redirect,
      winner,
      backends: [],
      mirrors: [],
      notes,
      ...someUnknown(unknown),
    };
  if (out.status)
    return { status: out.status, winner, backends: [], mirrors: [], notes, ...someUnknown(unknown) };
  const backends = c.route.services.map((s, j): DecisionBackend => {
    const at = `${describe(c)} services[${j}]`;
    const path = `${c.route.at}.services[${j}]`;
    const weight = s.weight ?? 1;
    if (s.namespace !== c.ir.namespace)
      unknown.push(unknownOf(c, `${at} names namespace ${s.namespace}: ${crossNamespace}`, path));
    if (s.kind !== 'Service') {
      unknown.push(
        unknownOf(
          c,
          `${at} is a ${s.kind}, which kubetwin does not model; where it sends the request is not known`,
          path,
        ),
      );
      return {
        namespace: s.namespace,
        name: s.name,
        weight,
        problem: `${s.kind} ${s.namespace}/${s.name} is not modeled`,
      };
    }
    if (s.port === undefined) {
      unknown.push(
        unknownOf(
          c,
          `${at} sets no port; kubetwin does not choose one of the Service's ports for Traefik`,
          path,
        ),
      );
      return { namespace: s.namespace, name: s.name, weight, problem: 'no port set' };
    }
    return { ...opts.resolve(s.namespace, s.name, s.port), weight };
  });
  return {
    status: backends.some((b) => b.weight > 0 && !b.problem) ? 200 : 503,
    winner,
    backends,
    ...(out.rewrittenPath !== undefined ? { rewrittenPath: out.rewrittenPath } : {}),
    mirrors: [],
    notes,
    ...someUnknown(unknown),
  };
}

/** The TLS Secret an IngressRoute with `tls.secretName` serves for `host` (named by a Host matcher of its routes). */
export function ingressRouteSecretFor(
  compiled: readonly CompiledIngressRoute[],
  host: string,
): { namespace: string; name: string; from: string } | undefined {
  const hosts = (n: RuleNode): string[] =>
    n.op === 'matcher'
      ? n.name === 'Host'
        ? [...n.args]
        : []
      : n.op === 'not'
        ? []
        : [...hosts(n.left), ...hosts(n.right)];
  const c = compiled.find(
    (x) =>
      x.ir.tls?.secretName &&
      !('error' in x.rule) &&
      hosts(x.rule).some((h) => h.toLowerCase() === host.toLowerCase()),
  );
  return c
    ? { namespace: c.ir.namespace, name: c.ir.tls!.secretName!, from: `${c.ir.key} spec.tls` }
    : undefined;
}
