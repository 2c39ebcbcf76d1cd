import {
  clientPod,
  compileMesh,
  gatewayAuthorizationNote,
  meshActual,
  type MeshActual,
  type MeshDecision,
} from '../mesh/index.ts';
import type { HttpRequest } from '../../model/routing.ts';
import type { EntryProblem, Outcome, AssertContext } from './types.ts';

export interface MeshRouteEntry {
  /** `mesh` (east-west, from a client pod) or `istio-gateway` (north-south, through the ingress gateway). */
  readonly via: 'mesh' | 'istio-gateway';
  /** The client (`via: mesh`). */
  readonly from?: string;
  /** `ns/name` of the Istio Gateway (`via: istio-gateway:NS/NAME`); undefined: every Gateway. */
  readonly gateway?: string;
  readonly request: HttpRequest;
  readonly expect: Partial<Omit<MeshActual, 'redirect'>> & {
    readonly redirect?: { readonly status?: number; readonly location?: string };
  };
}

const isMap = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const routeFields = ['via', 'from', 'scheme', 'sni', 'host', 'port', 'path', 'method', 'headers', 'query'];
const gatewayFields = ['via', 'scheme', 'sni', 'host', 'port', 'path', 'method', 'headers', 'query'];

/** Whether a `route.via` names the Istio ingress gateway: `istio-gateway` or `istio-gateway:NS/NAME`. */
export const isIstioGatewayVia = (via: unknown): via is string =>
  via === 'istio-gateway' || (typeof via === 'string' && via.startsWith('istio-gateway:'));
const expectFields = ['backend', 'subset', 'workloads', 'split', 'status', 'redirect', 'rewrittenPath'];

function strings(v: unknown, field: string): Record<string, string> | EntryProblem {
  if (v === undefined) return {};
  if (!isMap(v) || Object.values(v).some((x) => typeof x !== 'string' && typeof x !== 'number'))
    return { error: `route.${field} must be a map of strings`, path: ['route', field] };
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
}

/**
 * `route: {via: mesh, from: NS/NAME, scheme?, sni?, host, port?, path, method?, headers?, query?}` with `expect`
 * on any of `backend`, `subset`, `workloads`, `split`, `status`, `redirect`, `rewrittenPath` — as `route --via
 * mesh` answers. `port` is the Service port the client sends to (default 80, 443 for https). On a port Istio
 * proxies as TCP the entry is one connection judged by VirtualService `tcp` rules (`route --via mesh
 * tcp://HOST:PORT`); on a TLS port by `tls` rules with `sni` as the server name (default: the host asked for,
 * as `route --via mesh tls://HOST[:PORT]`).
 * `route: {via: istio-gateway[:NS/NAME], scheme?, sni?, host, port?, path, ...}` asks the Istio ingress gateway
 * as `route --via istio-gateway` does: `port` is the port the client connects to (default 80, 443 for https).
 */
export function parseMeshRoute(
  value: Record<string, unknown>,
  expect: unknown,
): MeshRouteEntry | EntryProblem {
  const atGateway = isIstioGatewayVia(value.via);
  const fields = atGateway ? gatewayFields : routeFields;
  for (const k of Object.keys(value))
    if (!fields.includes(k))
      return {
        error: `route.${k} is not a field with via: ${atGateway ? 'istio-gateway' : 'mesh'} (${fields.join(', ')})`,
        path: ['route', k],
      };
  const rest = atGateway ? (value.via as string).slice('istio-gateway'.length + 1) : '';
  if (atGateway && rest && !/^[^/]+\/[^/]+$/.test(rest))
    return {
      error: 'route.via must be istio-gateway or istio-gateway:NAMESPACE/NAME',
      path: ['route', 'via'],
    };
  if (!atGateway && (typeof value.from !== 'string' || !value.from))
    return { error: 'route.from must name the client pod or workload (NS/NAME)', path: ['route', 'from'] };
  if (typeof value.host !== 'string' || !value.host)
    return { error: 'route.host must be a host name', path: ['route', 'host'] };
  if (typeof value.path !== 'string' || !value.path.startsWith('/'))
    return { error: 'route.path must start with /', path: ['route', 'path'] };
  if (value.scheme !== undefined && value.scheme !== 'http' && value.scheme !== 'https')
    return { error: 'route.scheme must be http or https', path: ['route', 'scheme'] };
  const scheme = (value.scheme as 'http' | 'https' | undefined) ?? 'http';
  if (value.sni !== undefined && (typeof value.sni !== 'string' || scheme !== 'https'))
    return { error: 'route.sni must be a host name, with scheme https', path: ['route', 'sni'] };
  const port = value.port ?? (scheme === 'https' ? 443 : 80);
  if (!(Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536))
    return { error: 'route.port must be a port number', path: ['route', 'port'] };
  const headers = strings(value.headers, 'headers');
  const query = strings(value.query, 'query');
  if ('error' in headers) return headers as EntryProblem;
  if ('error' in query) return query as EntryProblem;
  if (!isMap(expect) || !Object.keys(expect).length)
    return {
      error: `expect must set some of ${expectFields.join(', ')} for a mesh route entry`,
      path: ['expect'],
    };
  for (const k of Object.keys(expect))
    if (!expectFields.includes(k))
      return { error: `expect.${k} is not a field (${expectFields.join(', ')})`, path: ['expect', k] };
  if (
    expect.workloads !== undefined &&
    (!Array.isArray(expect.workloads) || expect.workloads.some((w) => typeof w !== 'string'))
  )
    return { error: 'expect.workloads must be a list of NS/NAME', path: ['expect', 'workloads'] };
  if (
    expect.split !== undefined &&
    (!isMap(expect.split) || Object.values(expect.split).some((w) => !Number.isInteger(w)))
  )
    return { error: 'expect.split must map NS/SERVICE:SUBSET to a weight', path: ['expect', 'split'] };
  if (expect.status !== undefined && !Number.isInteger(expect.status))
    return { error: 'expect.status must be a number', path: ['expect', 'status'] };
  const host = value.host.toLowerCase();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    via: atGateway ? 'istio-gateway' : 'mesh',
    ...(atGateway ? (rest ? { gateway: rest } : {}) : { from: value.from as string }),
    request: {
      scheme,
      host,
      port: port as number,
      path: value.path,
      query: Object.entries(query),
      method: typeof value.method === 'string' ? value.method.toUpperCase() : 'GET',
      headers: { ...lower, host },
      ...(typeof value.sni === 'string' ? { sni: value.sni.toLowerCase() } : {}),
    },
    expect: expect as MeshRouteEntry['expect'],
  };
}

/** `actual` when the ingress gateway forwards nothing (connection refused, or an unknown answer). */
const nothing = {
  backend: null,
  subset: null,
  workloads: [],
  status: null,
  redirect: null,
  rewrittenPath: null,
};
const show = (v: unknown) =>
  v === null || v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v);
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sortedKeys = (o: Readonly<Record<string, number>> | undefined) =>
  o ? Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1))) : undefined;

export function evaluateMeshRoute(entry: MeshRouteEntry, ctx: AssertContext): Outcome {
  const mesh = compileMesh(ctx.model);
  let d: MeshDecision;
  const extra: string[] = [];
  if (entry.via === 'istio-gateway') {
    const a = mesh.gatewayRoute(entry.request, entry.gateway);
    const at = [
      ...(a.gateway ? [`Gateway ${a.gateway} ${a.server ?? ''}`.trim()] : []),
      ...(a.tls ? [`tls: ${a.tls}`] : []),
    ];
    if (!a.decision) {
      const why = a.unknown ?? a.refused ?? 'the ingress gateway does not answer';
      const actual = { ...nothing, ...(a.unknown ? { unknown: a.unknown } : { refused: why }) };
      return {
        passed: false,
        actual,
        message: a.unknown ? `unknown: ${why}` : `not served: ${why}`,
        details: [...at, ...a.notes.map((n) => `note: ${n}`)],
        ...(a.unknown ? { unknown: true } : {}),
      };
    }
    // Rule authz-ingress-test-route-entry: the gateway's Envoy judges each request with the AuthorizationPolicies
    // selecting its pods before its routes (RBAC filter, 403), by attributes a route entry does not give (the
    // address the gateway sees): the entry is unknown, never a pass on the routes alone.
    // https://istio.io/latest/docs/tasks/security/authorization/authz-ingress/
    const authz = gatewayAuthorizationNote(ctx.model, a.pods);
    if (authz)
      return {
        passed: false,
        unknown: true,
        actual: meshActual(a.decision),
        message: `unknown: ${authz}`,
        details: [...at, ...a.decision.notes.map((n) => `note: ${n}`)],
      };
    d = a.decision;
    extra.push(...at);
  } else {
    const client = clientPod(ctx.model, entry.from ?? '');
    if (typeof client === 'string') return { passed: false, actual: { error: client }, message: client };
    const r = mesh.route(entry.request, client, false);
    if (typeof r === 'string') return { passed: false, actual: { error: r }, message: r };
    d = r;
  }
  const actual = meshActual(d);
  if (d.unknown)
    return {
      passed: false,
      unknown: true,
      actual,
      message: `unknown: ${d.unknown}`,
      details: [...extra, ...d.notes.map((n) => `note: ${n}`)],
    };
  const e = entry.expect;
  // A status expected of a route that aborts only a share of requests: this request's status is chance.
  if (e.status !== undefined && d.sometimes?.length)
    return {
      passed: false,
      unknown: true,
      actual,
      message: `unknown: ${d.sometimes.join('; ')}`,
      details: [...extra, ...d.notes.map((n) => `note: ${n}`)],
    };
  const wrong: string[] = [];
  for (const k of ['backend', 'subset', 'status', 'rewrittenPath'] as const)
    if (e[k] !== undefined && actual[k] !== e[k])
      wrong.push(`${k} ${show(actual[k])}, expected ${show(e[k])}`);
  if (e.workloads && !sameJson([...e.workloads].sort(), actual.workloads))
    wrong.push(`workloads ${actual.workloads.join(', ') || '(none)'}, expected ${e.workloads.join(', ')}`);
  if (e.split && !sameJson(sortedKeys(e.split), sortedKeys(actual.split)))
    wrong.push(`split ${show(actual.split)}, expected ${show(e.split)}`);
  if (
    e.redirect &&
    (!actual.redirect ||
      (e.redirect.status !== undefined && actual.redirect.status !== e.redirect.status) ||
      (e.redirect.location !== undefined && actual.redirect.location !== e.redirect.location))
  )
    wrong.push(`redirect ${show(actual.redirect)}, expected ${show(e.redirect)}`);
  const summary = d.closed
    ? `connection closed (${d.closed})`
    : d.redirect
      ? `${d.redirect.status} redirect to ${d.redirect.location}`
      : d.status === 200
        ? `${actual.backend ?? 'several Services'}${actual.subset ? ` subset ${actual.subset}` : ''} (${actual.workloads.join(', ')})`
        : `status ${d.status}`;
  const details = [
    ...extra,
    `routed by ${d.by}`,
    ...(d.winner ? [`won: ${d.winner.object} ${d.winner.at} (${d.winner.match})`] : []),
    ...d.notes.map((n) => `note: ${n}`),
  ];
  if (!wrong.length) return { passed: true, actual, message: `${summary}, as expected`, details };
  return { passed: false, actual, message: wrong.join('; '), details };
}
