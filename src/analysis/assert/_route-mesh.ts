import { clientPod, compileMesh, meshActual, type MeshActual } from '../mesh/index.ts';
import type { HttpRequest } from '../../model/routing.ts';
import type { EntryProblem, Outcome, AssertContext } from './types.ts';

export interface MeshRouteEntry {
  readonly via: 'mesh';
  readonly from: string;
  readonly request: HttpRequest;
  readonly expect: Partial<Omit<MeshActual, 'redirect'>> & {
    readonly redirect?: { readonly status?: number; readonly location?: string };
  };
}

const isMap = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const routeFields = ['via', 'from', 'host', 'port', 'path', 'method', 'headers', 'query'];
const expectFields = ['backend', 'subset', 'workloads', 'split', 'status', 'redirect', 'rewrittenPath'];

function strings(v: unknown, field: string): Record<string, string> | EntryProblem {
  if (v === undefined) return {};
  if (!isMap(v) || Object.values(v).some((x) => typeof x !== 'string' && typeof x !== 'number'))
    return { error: `route.${field} must be a map of strings`, path: ['route', field] };
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
}

/**
 * `route: {via: mesh, from: NS/NAME, host, port?, path, method?, headers?, query?}` with `expect` on any of
 * `backend`, `subset`, `workloads`, `split`, `status`, `redirect`, `rewrittenPath` — as `route --via mesh`
 * answers. `port` is the Service port the client sends to (default 80).
 */
export function parseMeshRoute(
  value: Record<string, unknown>,
  expect: unknown,
): MeshRouteEntry | EntryProblem {
  for (const k of Object.keys(value))
    if (!routeFields.includes(k))
      return {
        error: `route.${k} is not a field with via: mesh (${routeFields.join(', ')})`,
        path: ['route', k],
      };
  if (typeof value.from !== 'string' || !value.from)
    return { error: 'route.from must name the client pod or workload (NS/NAME)', path: ['route', 'from'] };
  if (typeof value.host !== 'string' || !value.host)
    return { error: 'route.host must be a host name', path: ['route', 'host'] };
  if (typeof value.path !== 'string' || !value.path.startsWith('/'))
    return { error: 'route.path must start with /', path: ['route', 'path'] };
  const port = value.port ?? 80;
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
    via: 'mesh',
    from: value.from,
    request: {
      scheme: 'http',
      host,
      port: port as number,
      path: value.path,
      query: Object.entries(query),
      method: typeof value.method === 'string' ? value.method.toUpperCase() : 'GET',
      headers: { ...lower, host },
    },
    expect: expect as MeshRouteEntry['expect'],
  };
}

const show = (v: unknown) =>
  v === null || v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v);
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sortedKeys = (o: Readonly<Record<string, number>> | undefined) =>
  o ? Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1))) : undefined;

export function evaluateMeshRoute(entry: MeshRouteEntry, ctx: AssertContext): Outcome {
  const client = clientPod(ctx.model, entry.from);
  if (typeof client === 'string') return { passed: false, actual: { error: client }, message: client };
  const d = compileMesh(ctx.model).route(entry.request, client, false);
  if (typeof d === 'string') return { passed: false, actual: { error: d }, message: d };
  const actual = meshActual(d);
  const e = entry.expect;
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
  const summary = d.redirect
    ? `${d.redirect.status} redirect to ${d.redirect.location}`
    : d.status === 200
      ? `${actual.backend ?? 'several Services'}${actual.subset ? ` subset ${actual.subset}` : ''} (${actual.workloads.join(', ')})`
      : `status ${d.status}`;
  const details = [
    `routed by ${d.by}`,
    ...(d.winner ? [`won: ${d.winner.object} ${d.winner.at} (${d.winner.match})`] : []),
    ...d.notes.map((n) => `note: ${n}`),
  ];
  if (!wrong.length) return { passed: true, actual, message: `${summary}, as expected`, details };
  return { passed: false, actual, message: wrong.join('; '), details };
}
