import type { HttpRequest, RoutingModel } from '../../model/routing.ts';
import type { AnalysedCluster } from '../../pipeline/index.ts';
import { resolveIngressClass } from '../ingress/index.ts';
import { formatVia, type RouteResult, type Via } from '../route/index.ts';
import type { Attributor } from './_attribute.ts';
import type { Effect } from './types.ts';

/** One request to send through one router on both sides. */
interface Probe {
  readonly via: Via;
  readonly scheme: 'http' | 'https';
  readonly port: number;
  readonly host: string;
  readonly path: string;
}

/** Routing kinds whose change can move a host/path (the routing objects, their Services, TLS and issuers). */
const routingKinds = new Set([
  'Ingress',
  'IngressClass',
  'Gateway',
  'GatewayClass',
  'HTTPRoute',
  'GRPCRoute',
  'ReferenceGrant',
  'Secret',
  'Certificate',
  'Issuer',
  'ClusterIssuer',
  'Service',
  'BackendTLSPolicy',
  'ConfigMap',
  'ClusterProfile',
]);

/** A concrete host for a declared one: `*.shop.example` is probed as `any.shop.example`; none as `example.com`. */
const concrete = (host: string | undefined) =>
  !host ? 'example.com' : host.startsWith('*.') ? `any.${host.slice(2)}` : host;

/** Every host and path some Ingress or HTTPRoute names, probed on the listeners that could serve it. */
function probes(routing: RoutingModel | undefined, out: Map<string, Probe>): void {
  if (!routing) return;
  const add = (p: Probe) => out.set(`${formatVia(p.via)} ${p.scheme}://${p.host}:${p.port}${p.path}`, p);
  for (const ing of routing.ingresses) {
    const cls = resolveIngressClass(ing, routing.ingressClasses).className;
    if (!cls) continue;
    const via: Via = { kind: 'ingress-class', name: cls };
    for (const r of ing.rules)
      for (const p of r.paths)
        for (const [scheme, port] of [
          ['http', 80],
          ['https', 443],
        ] as const)
          add({ via, scheme, port, host: concrete(r.host), path: p.path || '/' });
  }
  for (const route of routing.routes) {
    if (route.kind !== 'HTTPRoute') continue;
    for (const parent of route.parentRefs) {
      if (parent.kind !== 'Gateway') continue;
      const ns = parent.namespace ?? route.namespace;
      const gw = routing.gateways.find((g) => g.namespace === ns && g.name === parent.name);
      const via: Via = { kind: 'gateway', namespace: ns, name: parent.name };
      for (const l of gw?.listeners ?? []) {
        if (l.protocol !== 'HTTP' && l.protocol !== 'HTTPS') continue;
        if (l.set || (parent.sectionName && parent.sectionName !== l.name)) continue;
        const hosts = route.hostnames.length ? route.hostnames : [l.hostname];
        for (const h of hosts)
          for (const rule of route.rules)
            for (const m of rule.matches)
              if (!m.path || m.path.type !== 'RegularExpression')
                add({
                  via,
                  scheme: l.protocol === 'HTTPS' ? 'https' : 'http',
                  port: l.port,
                  host: concrete(h ?? l.hostname),
                  path: m.path?.value ?? '/',
                });
      }
    }
  }
}

/** What a request gets, in one line: status, backends with weights, redirect, certificate. */
function outcome(r: RouteResult | string): string {
  if (typeof r === 'string') return `no router: ${r}`;
  const d = r.decision;
  const parts = [`${d.status}`];
  if (d.backends.length)
    parts.push(
      d.backends
        .map(
          (b) =>
            `${b.namespace}/${b.name}${b.port ? ':' + b.port : ''}${d.backends.length > 1 ? ` weight ${b.weight}` : ''}${b.tls ? ` over TLS (SNI ${b.tls.hostname})` : ''}${b.problem ? ` (${b.problem})` : ''}`,
        )
        .join(' + '),
    );
  if (d.redirect) parts.push(`redirect ${d.redirect.status} ${d.redirect.location}`);
  if (d.rewrittenPath) parts.push(`path → ${d.rewrittenPath}`);
  if (r.certificate)
    parts.push(
      `certificate ${r.certificate.status}${r.certificate.secret ? ' ' + r.certificate.secret : ''}${r.certificate.certManager ? ` (cert-manager issuer ${r.certificate.certManager.issuer} ${r.certificate.certManager.issuerDeclared ? 'declared' : 'missing'})` : ''}`,
    );
  return parts.join(', ');
}

function ask(a: AnalysedCluster, p: Probe): RouteResult | string {
  const router = a.context.router(p.via);
  if (typeof router === 'string') return router;
  const req: HttpRequest = {
    scheme: p.scheme,
    host: p.host,
    port: p.port,
    path: p.path,
    query: [],
    method: 'GET',
    headers: { host: p.host },
  };
  return router.explain(req);
}

function depsOf(r: RouteResult | string): string[] {
  if (typeof r === 'string') return [];
  const d = r.decision;
  return [
    ...(d.winner ? [d.winner.object] : []),
    ...d.backends.flatMap((b) => [`Service/${b.namespace}/${b.name}`, ...(b.tls ? [b.tls.policy] : [])]),
    ...(r.certificate?.secret ? [`Secret/${r.certificate.secret}`] : []),
    ...(r.certificate?.certManager
      ? [r.certificate.certManager.certificate, r.certificate.certManager.issuer]
      : []),
  ];
}

/**
 * Hosts and paths (every one an Ingress or HTTPRoute names on either side) whose answer — status, backends and
 * weights, redirect, rewritten path, certificate — differs between the sides. Mesh routes are not probed.
 */
export function routingEffects(before: AnalysedCluster, after: AnalysedCluster, attr: Attributor): Effect[] {
  const all = new Map<string, Probe>();
  probes(before.model.routing, all);
  probes(after.model.routing, all);
  const out: Effect[] = [];
  for (const [subject, p] of [...all].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const x = ask(before, p);
    const y = ask(after, p);
    const ox = outcome(x);
    const oy = outcome(y);
    if (ox === oy) continue;
    const okX = typeof x !== 'string' && x.decision.status < 400;
    const okY = typeof y !== 'string' && y.decision.status < 400;
    out.push({
      layer: 'routing',
      severity: okX && !okY ? 'high' : 'medium',
      subject,
      change: 'changed',
      direction: okX && !okY ? 'broken' : !okX && okY ? 'fixed' : 'neutral',
      before: ox,
      after: oy,
      details: [],
      cause: attr.cause([...depsOf(x), ...depsOf(y)], (c) => routingKinds.has(c.kind)),
    });
  }
  return out;
}
