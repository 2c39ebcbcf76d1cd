import type { HttpRequest, RouteDecision } from '../../model/routing.ts';
import { compileRouter, parseVia, routeSplit, type Router } from '../route/index.ts';
import type { AssertContext, EntryHandler, EntryProblem, Outcome } from './types.ts';
import { parseSplit, sameSplit, splitAsExpected } from './_route-split.ts';
import { evaluateMeshRoute, isIstioGatewayVia, parseMeshRoute, type MeshRouteEntry } from './_route-mesh.ts';

interface RouteEntry {
  readonly via: string;
  readonly request: HttpRequest;
  readonly expect: {
    readonly backend?: string;
    readonly port?: number;
    readonly status?: number;
    readonly redirect?: { readonly status?: number; readonly location?: string };
    readonly rewrittenPath?: string;
    /** `{"ns/service[:port]": weight}`: the weights of the winning rule's backends. */
    readonly split?: Readonly<Record<string, number>>;
  };
}

const isMap = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const routeFields = [
  'via',
  'listenerPort',
  'scheme',
  'sni',
  'clientCertificate',
  'host',
  'path',
  'method',
  'headers',
  'query',
];
const expectFields = ['backend', 'port', 'status', 'redirect', 'rewrittenPath', 'split'];

function stringMap(v: unknown, field: string): Record<string, string> | EntryProblem {
  if (v === undefined) return {};
  if (!isMap(v) || Object.values(v).some((x) => typeof x !== 'string' && typeof x !== 'number'))
    return { error: `route.${field} must be a map of strings`, path: ['route', field] };
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
}

/**
 * `route: {via: mesh, from, ...}` and `route: {via: istio-gateway[:NS/NAME], ...}` entries are judged by the
 * mesh (`_route-mesh.ts`).
 * `route: {via, listenerPort?, scheme?, host, path, method?, headers?, query?}` with `expect: {backend: ns/name, port}`,
 * `{status}` or `{redirect: {status, location}}`, and optionally `rewrittenPath` and `split` (`{"ns/service[:port]":
 * weight}`, as mesh entries have it) — evaluated as `kubetwin route` does.
 * `scheme` defaults to https on listener port 443, else http; `listenerPort` to 443 for https, else 80. `sni` (https
 * only) is the TLS server name of the connection: a listener other than the Host's answers 421 (GEP-3567).
 */
export const routeHandler: EntryHandler<RouteEntry | MeshRouteEntry> = {
  key: 'route',
  parse(value, expect): RouteEntry | MeshRouteEntry | EntryProblem {
    if (!isMap(value))
      return {
        error: 'route must be a map {via, listenerPort, host, path, method, headers, query}',
        path: ['route'],
      };
    if (value.via === 'mesh' || isIstioGatewayVia(value.via)) return parseMeshRoute(value, expect);
    for (const k of Object.keys(value))
      if (!routeFields.includes(k))
        return { error: `route.${k} is not a field (${routeFields.join(', ')})`, path: ['route', k] };
    if (typeof value.via !== 'string' || typeof parseVia(value.via) === 'string')
      return {
        error:
          'route.via must be ingress-class:NAME, gateway:NAMESPACE/NAME, router[:NAME], istio-gateway[:NAMESPACE/NAME] or mesh',
        path: ['route', 'via'],
      };
    if (typeof value.host !== 'string' || !value.host)
      return { error: 'route.host must be a host name', path: ['route', 'host'] };
    if (typeof value.path !== 'string' || !value.path.startsWith('/'))
      return { error: 'route.path must start with /', path: ['route', 'path'] };
    const lp = value.listenerPort;
    if (lp !== undefined && !(Number.isInteger(lp) && (lp as number) > 0 && (lp as number) < 65536))
      return { error: 'route.listenerPort must be a port number', path: ['route', 'listenerPort'] };
    if (value.scheme !== undefined && value.scheme !== 'http' && value.scheme !== 'https')
      return { error: 'route.scheme must be http or https', path: ['route', 'scheme'] };
    if (
      value.clientCertificate !== undefined &&
      value.clientCertificate !== 'valid' &&
      value.clientCertificate !== 'none'
    )
      return { error: 'route.clientCertificate must be valid or none', path: ['route', 'clientCertificate'] };
    if (value.sni !== undefined && typeof value.sni !== 'string')
      return { error: 'route.sni must be a host name', path: ['route', 'sni'] };
    const headers = stringMap(value.headers, 'headers');
    const query = stringMap(value.query, 'query');
    if ('error' in headers) return headers as EntryProblem;
    if ('error' in query) return query as EntryProblem;
    const scheme = (value.scheme as 'http' | 'https' | undefined) ?? (lp === 443 ? 'https' : 'http');
    const host = value.host.toLowerCase();
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const request: HttpRequest = {
      scheme,
      host,
      port: (lp as number | undefined) ?? (scheme === 'https' ? 443 : 80),
      path: value.path,
      query: Object.entries(query),
      method: typeof value.method === 'string' ? value.method.toUpperCase() : 'GET',
      headers: { ...lower, host },
      ...(typeof value.sni === 'string' ? { sni: value.sni.toLowerCase() } : {}),
      ...(value.clientCertificate ? { clientCertificate: value.clientCertificate as 'valid' | 'none' } : {}),
    };
    if (request.sni !== undefined && scheme !== 'https')
      return { error: 'route.sni needs scheme https (or listenerPort 443)', path: ['route', 'sni'] };
    if (!isMap(expect) || !Object.keys(expect).length)
      return {
        error:
          'expect must be {backend, port}, {status}, {split} or {redirect: {status, location}} for a route entry',
        path: ['expect'],
      };
    for (const k of Object.keys(expect))
      if (!expectFields.includes(k))
        return { error: `expect.${k} is not a field (${expectFields.join(', ')})`, path: ['expect', k] };
    if (expect.backend !== undefined && (typeof expect.backend !== 'string' || !expect.backend.includes('/')))
      return { error: 'expect.backend must be namespace/service', path: ['expect', 'backend'] };
    for (const k of ['port', 'status'] as const)
      if (expect[k] !== undefined && !Number.isInteger(expect[k]))
        return { error: `expect.${k} must be a number`, path: ['expect', k] };
    if (expect.redirect !== undefined && !isMap(expect.redirect))
      return { error: 'expect.redirect must be {status, location}', path: ['expect', 'redirect'] };
    if (expect.rewrittenPath !== undefined && typeof expect.rewrittenPath !== 'string')
      return { error: 'expect.rewrittenPath must be a path', path: ['expect', 'rewrittenPath'] };
    const split = parseSplit(expect.split);
    if (split && 'error' in split) return split as EntryProblem;
    const r = expect.redirect as Record<string, unknown> | undefined;
    return {
      via: value.via,
      request,
      expect: {
        ...(expect as RouteEntry['expect']),
        ...(r
          ? {
              redirect: {
                ...(r.status !== undefined ? { status: Number(r.status) } : {}),
                ...(typeof r.location === 'string' ? { location: r.location } : {}),
              },
            }
          : {}),
      },
    };
  },
  evaluate(entry, ctx) {
    if (entry.via === 'mesh' || entry.via === 'istio-gateway')
      return evaluateMeshRoute(entry as MeshRouteEntry, ctx);
    return evaluateRouter(entry as RouteEntry, ctx);
  },
};

function evaluateRouter(entry: RouteEntry, ctx: AssertContext): Outcome {
  const router = ctx.memo<Router | string>(`route/${entry.via}`, () =>
    compileRouter(ctx.model, { via: parseVia(entry.via) as Exclude<ReturnType<typeof parseVia>, string> }),
  );
  if (typeof router === 'string') return { passed: false, actual: { error: router }, message: router };
  // One question: the routing decision is asserted (a backend without ready pods still counts as chosen, where
  // `route` answers 503), with the full answer's unknowns (another router for the host, objects kubetwin does not
  // model that name it) and its listener that is not served.
  const d: RouteDecision = router.explain(entry.request).routed;
  const usable = d.status === 200 ? d.backends.filter((b) => !b.problem && b.weight > 0) : [];
  const one = usable.length === 1 ? usable[0] : undefined;
  const split = routeSplit(d.backends);
  const actual = {
    backend: one
      ? `${one.namespace}/${one.name}`
      : usable.length
        ? usable.map((b) => `${b.namespace}/${b.name}:${b.port} weight ${b.weight}`)
        : null,
    port: one?.port ?? null,
    status: d.status,
    redirect: d.redirect ?? null,
    rewrittenPath: d.rewrittenPath ?? null,
    ...(split ? { split } : {}),
  };
  const e = entry.expect;
  const wrong: string[] = [];
  if (e.backend !== undefined && actual.backend !== e.backend)
    wrong.push(
      `reaches ${usable.length ? (Array.isArray(actual.backend) ? actual.backend.join(', ') : actual.backend) : `no backend (status ${d.status})`}, expected ${e.backend}`,
    );
  if (e.port !== undefined && actual.port !== e.port)
    wrong.push(`port ${actual.port ?? '(none)'}, expected ${e.port}`);
  if (e.status !== undefined && d.status !== e.status) wrong.push(`status ${d.status}, expected ${e.status}`);
  if (
    e.redirect &&
    (!d.redirect ||
      (e.redirect.status !== undefined && d.redirect.status !== e.redirect.status) ||
      (e.redirect.location !== undefined && d.redirect.location !== e.redirect.location))
  )
    wrong.push(
      `redirect ${d.redirect ? `${d.redirect.status} ${d.redirect.location}` : '(none)'}, expected ${e.redirect.status ?? ''} ${e.redirect.location ?? ''}`.trim(),
    );
  if (e.rewrittenPath !== undefined && d.rewrittenPath !== e.rewrittenPath)
    wrong.push(`path sent upstream ${d.rewrittenPath ?? entry.request.path}, expected ${e.rewrittenPath}`);
  if (e.split && !sameSplit(splitAsExpected(split, e.split), e.split))
    wrong.push(
      `split ${split ? JSON.stringify(splitAsExpected(split, e.split)) : '(one backend or none)'}, expected ${JSON.stringify(e.split)}`,
    );
  const summary = d.redirect
    ? `${d.redirect.status} redirect to ${d.redirect.location}`
    : e.split && split
      ? `status ${d.status}, split ${JSON.stringify(splitAsExpected(split, e.split))}`
      : one
        ? `${actual.backend}:${one.port}`
        : `status ${d.status}`;
  const details = [
    ...(d.winner ? [`won: ${d.winner.object} ${d.winner.at} (${d.winner.match})`] : []),
    ...d.notes.map((n) => `note: ${n}`),
  ];
  // A listener that is not programmed serves nothing, whatever its routes say: never a pass.
  const off = d.notServed;
  if (off) return { passed: false, actual, message: [off.message, ...wrong].join('; '), details };
  // A router kubetwin cannot decide may have taken the request: never a pass, whatever was expected.
  if (d.unknown?.length)
    return {
      passed: false,
      unknown: true,
      actual: { ...actual, unknown: d.unknown.map((u) => u.object) },
      message: `unknown: ${d.unknown.map((u) => u.text).join('; ')} (the objects kubetwin models say ${summary}${wrong.length ? `: ${wrong.join('; ')}` : ', as expected'})`,
      details,
    };
  if (!wrong.length) return { passed: true, actual, message: `${summary}, as expected`, details };
  return { passed: false, actual, message: wrong.join('; '), details };
}
