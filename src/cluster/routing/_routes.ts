import type {
  BackendRef,
  CorsPolicy,
  HTTPRoute,
  ParentRef,
  PathModifier,
  RouteFilter,
  RouteMatch,
  RouteRule,
  ValueMatch,
} from '../../model/routing.ts';
import type { PathSegment } from '../../parse/index.ts';
import type { Envelope } from '../_envelope.ts';
import type { FieldReader } from '../_fields.ts';
import { gatewayGroup } from './_gateway.ts';
import { namespacedMetaOf } from '../_envelope.ts';
import { checkRuleCel } from './_route-cel.ts';

const refuse = 'The API server would refuse this route; kubetwin leaves it out.';

/**
 * HTTPRoute and GRPCRoute with the API defaults: parentRef kind Gateway, a rule without matches matches
 * `PathPrefix /`, path type PathPrefix, header and query matches Exact, backend kind Service and weight 1,
 * redirect status 302. GRPCRoute method matches become `/service/method` path matches, as gRPC sends them.
 * https://gateway-api.sigs.k8s.io/reference/spec/#httproutespec
 * https://gateway-api.sigs.k8s.io/reference/spec/#grpcmethodmatch
 */
export function readRoute(e: Envelope): HTTPRoute {
  const f = e.f;
  const grpc = e.kind === 'GRPCRoute';
  const parentRefs = readParentRefs(f);
  const rules: RouteRule[] = f.list(['spec', 'rules']).map((_, i) => {
    const at = ['spec', 'rules', i];
    const matches = f
      .list([...at, 'matches'])
      .map((__, j) => (grpc ? readGrpcMatch(f, [...at, 'matches', j]) : readMatch(f, [...at, 'matches', j])));
    const rule: RouteRule = {
      index: i,
      name: f.str([...at, 'name']),
      matches: matches.length
        ? matches
        : [{ path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] }],
      filters: readFilters(f, [...at, 'filters']),
      backendRefs: f.list([...at, 'backendRefs']).map((__, j) => {
        const ref = readBackendRef(f, [...at, 'backendRefs', j]);
        const filters = readFilters(f, [...at, 'backendRefs', j, 'filters']);
        return filters.length ? { ...ref, filters } : ref;
      }),
      ...readTimeoutsAndRetry(f, at),
      source: f.raw.locate(at),
    };
    if (!grpc) checkRuleCel(f, at, rule, refuse);
    return rule;
  });
  const meta = f.map(['metadata']);
  return {
    kind: grpc ? 'GRPCRoute' : 'HTTPRoute',
    ...namespacedMetaOf(e),
    parentRefs,
    hostnames: readHostnames(f),
    rules,
    creationTimestamp: typeof meta?.creationTimestamp === 'string' ? meta.creationTimestamp : undefined,
  };
}

/** parentRefs with the defaults: group gateway.networking.k8s.io, kind Gateway. */
export function readParentRefs(f: FieldReader): ParentRef[] {
  return f.list(['spec', 'parentRefs']).map((_, i) => {
    const at = ['spec', 'parentRefs', i];
    return {
      group: f.str([...at, 'group']) ?? gatewayGroup,
      kind: f.str([...at, 'kind']) ?? 'Gateway',
      namespace: f.str([...at, 'namespace']),
      name: f.str([...at, 'name']) ?? '',
      sectionName: f.str([...at, 'sectionName']),
      port: f.int([...at, 'port']),
    };
  });
}

function readMatch(f: FieldReader, at: PathSegment[]): RouteMatch {
  const hasPath = f.get([...at, 'path']) !== undefined;
  const type = (f.str([...at, 'path', 'type']) ?? 'PathPrefix') as
    'Exact' | 'PathPrefix' | 'RegularExpression';
  const value = f.str([...at, 'path', 'value']) ?? '/';
  if (!['Exact', 'PathPrefix', 'RegularExpression'].includes(type))
    f.report(
      'invalid-route',
      'error',
      [...at, 'path', 'type'],
      `path.type must be Exact, PathPrefix or RegularExpression`,
      refuse,
    );
  else if (type !== 'RegularExpression' && !value.startsWith('/'))
    f.report(
      'invalid-route',
      'error',
      [...at, 'path', 'value'],
      `path.value "${value}" must start with "/"`,
      refuse,
    );
  return {
    path: hasPath ? { type, value } : { type: 'PathPrefix', value: '/' },
    headers: valueMatches(f, [...at, 'headers']),
    queryParams: valueMatches(f, [...at, 'queryParams']),
    method: f.str([...at, 'method']),
  };
}

function readGrpcMatch(f: FieldReader, at: PathSegment[]): RouteMatch {
  const service = f.str([...at, 'method', 'service']);
  const method = f.str([...at, 'method', 'method']);
  const regex = f.str([...at, 'method', 'type']) === 'RegularExpression';
  const esc = (s: string) => (regex ? s : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  let path: RouteMatch['path'];
  if (service && method && !regex) path = { type: 'Exact', value: `/${service}/${method}` };
  else if (service || method)
    path = {
      type: 'RegularExpression',
      value: `/${service ? esc(service) : '[^/]+'}/${method ? esc(method) : '[^/]+'}`,
    };
  return {
    path,
    headers: valueMatches(f, [...at, 'headers']),
    queryParams: [],
    grpcMethod: service || method ? `${service ?? '*'}/${method ?? '*'}` : undefined,
    ...(regex && (service || method) ? { grpcMethodRegex: true as const } : {}),
  };
}

function valueMatches(f: FieldReader, at: PathSegment[]): ValueMatch[] {
  return f.list(at).map((_, i) => ({
    type: (f.str([...at, i, 'type']) ?? 'Exact') as 'Exact' | 'RegularExpression',
    name: f.str([...at, i, 'name']) ?? '',
    value: f.str([...at, i, 'value']) ?? '',
  }));
}

export function readBackendRef(f: FieldReader, at: PathSegment[]): BackendRef {
  return {
    group: f.str([...at, 'group']) ?? '',
    kind: f.str([...at, 'kind']) ?? 'Service',
    name: f.str([...at, 'name']) ?? '',
    namespace: f.str([...at, 'namespace']),
    port: f.int([...at, 'port']),
    weight: f.int([...at, 'weight']) ?? 1,
  };
}

function readPathModifier(f: FieldReader, at: PathSegment[]): PathModifier | undefined {
  const type = f.str([...at, 'type']);
  if (type === 'ReplaceFullPath') return { type, value: f.str([...at, 'replaceFullPath']) ?? '/' };
  if (type === 'ReplacePrefixMatch') return { type, value: f.str([...at, 'replacePrefixMatch']) ?? '/' };
  return undefined;
}

function headerList(f: FieldReader, at: PathSegment[]) {
  return f
    .list(at)
    .map((_, i) => ({ name: f.str([...at, i, 'name']) ?? '', value: f.str([...at, i, 'value']) ?? '' }));
}

function readFilters(f: FieldReader, at: PathSegment[]): RouteFilter[] {
  return f.list(at).map((_, i): RouteFilter => {
    const p = [...at, i];
    const type = f.str([...p, 'type']) ?? '';
    const modifier = (key: string) => ({
      set: headerList(f, [...p, key, 'set']),
      add: headerList(f, [...p, key, 'add']),
      remove: f.list([...p, key, 'remove']).map((_, j) => f.str([...p, key, 'remove', j]) ?? ''),
    });
    switch (type) {
      case 'RequestRedirect':
        return {
          type,
          scheme: f.str([...p, 'requestRedirect', 'scheme']),
          hostname: f.str([...p, 'requestRedirect', 'hostname']),
          port: f.int([...p, 'requestRedirect', 'port']),
          path: readPathModifier(f, [...p, 'requestRedirect', 'path']),
          statusCode: f.int([...p, 'requestRedirect', 'statusCode']) ?? 302,
        };
      case 'URLRewrite':
        return {
          type,
          hostname: f.str([...p, 'urlRewrite', 'hostname']),
          path: readPathModifier(f, [...p, 'urlRewrite', 'path']),
        };
      case 'RequestHeaderModifier':
        return { type, modifier: modifier('requestHeaderModifier') };
      case 'ResponseHeaderModifier':
        return { type, modifier: modifier('responseHeaderModifier') };
      case 'RequestMirror': {
        const m = [...p, 'requestMirror'];
        const percent = f.int([...m, 'percent']);
        const numerator = f.int([...m, 'fraction', 'numerator']);
        return {
          type,
          backendRef: readBackendRef(f, [...m, 'backendRef']),
          ...(percent !== undefined ? { percent } : {}),
          ...(f.map([...m, 'fraction'])
            ? {
                fraction: {
                  numerator: numerator ?? 0,
                  denominator: f.int([...m, 'fraction', 'denominator']) ?? 100,
                },
              }
            : {}),
        };
      }
      case 'CORS':
        return { type, cors: readCors(f, [...p, 'cors']) };
      case 'ExtensionRef':
        return {
          type,
          group: f.str([...p, 'extensionRef', 'group']) ?? '',
          kind: f.str([...p, 'extensionRef', 'kind']) ?? '',
          name: f.str([...p, 'extensionRef', 'name']) ?? '',
        };
      default:
        return { type: 'Other', name: type };
    }
  });
}

const strings = (f: FieldReader, at: PathSegment[]) => f.list(at).map((_, i) => f.str([...at, i]) ?? '');

/**
 * The CORS filter with its defaults: credentials off, `maxAge` 5 seconds.
 * https://gateway-api.sigs.k8s.io/geps/gep-1767/ (HTTPCORSFilter)
 */
function readCors(f: FieldReader, at: PathSegment[]): CorsPolicy {
  return {
    allowOrigins: strings(f, [...at, 'allowOrigins']),
    allowCredentials: f.bool([...at, 'allowCredentials']) ?? false,
    allowMethods: strings(f, [...at, 'allowMethods']),
    allowHeaders: strings(f, [...at, 'allowHeaders']),
    exposeHeaders: strings(f, [...at, 'exposeHeaders']),
    maxAge: f.int([...at, 'maxAge']) ?? 5,
  };
}

/**
 * `rules[].timeouts` (request, backendRequest) and `rules[].retry` (codes, attempts, backoff), as written: route
 * answers show them; kubetwin knows no backend latency or failure, so it neither times out nor retries.
 * https://gateway-api.sigs.k8s.io/reference/spec/#httproutetimeouts (GEP-1742)
 * https://gateway-api.sigs.k8s.io/reference/spec/#httprouteretry (GEP-1731)
 */
function readTimeoutsAndRetry(f: FieldReader, at: PathSegment[]): Pick<RouteRule, 'timeouts' | 'retry'> {
  const out: { timeouts?: RouteRule['timeouts']; retry?: RouteRule['retry'] } = {};
  if (f.get([...at, 'timeouts']) != null)
    out.timeouts = {
      request: f.str([...at, 'timeouts', 'request']),
      backendRequest: f.str([...at, 'timeouts', 'backendRequest']),
    };
  if (f.get([...at, 'retry']) != null)
    out.retry = {
      codes: f
        .list([...at, 'retry', 'codes'])
        .map((_, i) => f.int([...at, 'retry', 'codes', i]))
        .filter((c): c is number => c !== undefined),
      attempts: f.int([...at, 'retry', 'attempts']),
      backoff: f.str([...at, 'retry', 'backoff']),
    };
  return out;
}

/**
 * `spec.hostnames`, checked against the CRD's Hostname pattern: lower case, an optional leading `*.` label, no IP
 * or port — the API server refuses `Shop.example.com`, so the route is left out rather than matched lower-cased.
 * https://gateway-api.sigs.k8s.io/reference/spec/#hostname
 */
function readHostnames(f: Envelope['f']): string[] {
  const pattern = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  return f.list(['spec', 'hostnames']).map((_, i) => {
    const h = f.str(['spec', 'hostnames', i]) ?? '';
    if (!pattern.test(h) || h.length > 253)
      f.report(
        'invalid-route',
        'error',
        ['spec', 'hostnames', i],
        h !== h.toLowerCase() && pattern.test(h.toLowerCase())
          ? `hostname "${h}" must be lower case: the API server refuses it; write "${h.toLowerCase()}"`
          : `hostname "${h}" is not a DNS name with at most a leading "*." label (no IP address, no port)`,
        'Fix the hostname; the API server would refuse this route, so kubetwin leaves it out.',
      );
    return h.toLowerCase();
  });
}
